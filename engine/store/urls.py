"""Database addresses: the SQLAlchemy-style URL of THAMDINH_DATABASE_URL, read without SQLAlchemy
(a command that only reads a dossier should not pay for importing it).

``sqlite:///relative.db``, ``sqlite:////absolute/path.db``, ``sqlite://`` (in memory);
``postgresql+psycopg://user:password@host:port/database?sslmode=require``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit

from ..domain.errors import BadInput

SQLITE, POSTGRESQL = "sqlite", "postgresql"
_DRIVERS = {"sqlite": SQLITE, "sqlite+pysqlite": SQLITE, "postgresql": POSTGRESQL, "postgresql+psycopg": POSTGRESQL}
_EXAMPLE = "Ví dụ: sqlite:///thamdinh.db hoặc postgresql+psycopg://user@host/db"


@dataclass(frozen=True)
class DatabaseUrl:
    backend: str
    raw: str
    #: SQLite: the file (":memory:" in memory)
    path: str = ""
    #: PostgreSQL: psycopg's connection parameters
    params: dict[str, str] = field(default_factory=dict)

    @property
    def sqlite(self) -> bool:
        return self.backend == SQLITE

    def sqlalchemy_url(self) -> str:
        """The same address for SQLAlchemy (Alembic, APScheduler's job store)."""
        if self.sqlite:
            return "sqlite://" if self.path == ":memory:" else f"sqlite:///{self.path}"
        return self.raw.replace("postgresql://", "postgresql+psycopg://", 1)

    def display(self) -> str:
        """The address with its password hidden."""
        parts = urlsplit(self.raw)
        if parts.password:
            netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
            return parts._replace(netloc=netloc).geturl()
        return self.raw


def _bad(url: str, why: str = "") -> BadInput:
    return BadInput(f"Địa chỉ cơ sở dữ liệu «{url}» không hợp lệ{': ' + why if why else ''}.", hint=_EXAMPLE)


def parse_url(url: str) -> DatabaseUrl:
    """Read a database address; raises BadInput with an example when it is not one."""
    scheme, sep, rest = url.strip().partition("://")
    backend = _DRIVERS.get(scheme.lower())
    if not sep or backend is None:
        raise _bad(url, "chỉ hỗ trợ sqlite và postgresql+psycopg")
    if backend == SQLITE:
        path = unquote(rest[1:]) if rest.startswith("/") else rest
        return DatabaseUrl(SQLITE, url, path=path.split("?", 1)[0] or ":memory:")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise _bad(url) from None
    params = {k: v for k, v in (("host", parts.hostname), ("port", str(port) if port else None),
                                ("user", unquote(parts.username or "")), ("password", unquote(parts.password or "")),
                                ("dbname", unquote(parts.path.lstrip("/")))) if v}
    params.update(parse_qsl(parts.query))
    return DatabaseUrl(POSTGRESQL, url, params=params)
