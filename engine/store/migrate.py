"""The schema: Alembic migrations (``engine/store/migrations``) that ``thamdinh init`` applies.

Alembic needs a SQLAlchemy engine, built here for the migration and disposed of after; the
working-day calendar goes to the migrations that need it (revision 0003) in the config's attributes,
so no migration builds an application of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .urls import DatabaseUrl

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from ..domain.calendar import WorkingCalendar

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def sqlalchemy_engine(url: DatabaseUrl) -> Engine:
    """A SQLAlchemy engine on the same database, for Alembic and APScheduler's job store."""
    from sqlalchemy import create_engine, event

    kwargs: dict[str, Any] = {"future": True}
    if url.sqlite:
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if url.path != ":memory:":
            Path(url.path).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url.sqlalchemy_url(), **kwargs)
    if url.sqlite:
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
        cur.execute(f"PRAGMA {pragma}")
    cur.close()


@contextmanager
def _engine(url: DatabaseUrl) -> Iterator[Engine]:
    engine = sqlalchemy_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()


def alembic_config(engine: Engine, calendar: WorkingCalendar | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    cfg.attributes["calendar"] = calendar
    return cfg


def upgrade(url: DatabaseUrl, calendar: WorkingCalendar | None, revision: str = "head") -> str | None:
    """Create or upgrade the schema; returns the revision now in the database."""
    from alembic import command

    with _engine(url) as engine:
        command.upgrade(alembic_config(engine, calendar), revision)
        return _current(engine)


def _current(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def current_revision(url: DatabaseUrl) -> str | None:
    with _engine(url) as engine:
        return _current(engine)


def head_revision() -> str | None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg).get_current_head()
