"""The database: connections (SQLite through ``sqlite3``, PostgreSQL through psycopg and its pool),
and the unit of work every use case runs in.

**The unit of work rolls back unless ``commit()`` was called**, so a dry run is a unit of work that
is not committed, and a use case that raises leaves the database as it was. A failure of the driver
(unreachable server, no schema yet, a locked file) becomes ``DatabaseUnavailable`` with a Vietnamese
message and a hint: callers never see a driver's exception.

SQLite runs in WAL mode with ``synchronous=NORMAL``, foreign keys on and a 30 s busy timeout.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from ..domain.errors import DatabaseUnavailable, ThamdinhError
from .accounts import Accounts
from .alerts import Alerts
from .capital import Capital
from .codecs import Codec
from .contacts import Contacts
from .dossiers import Dossiers
from .issued import IssuedReports
from .lease import Leases
from .outbox import Outbox
from .people import People
from .read_model import ReadModel
from .urls import DatabaseUrl, parse_url

log = logging.getLogger(__name__)
R = TypeVar("R")
_PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000")
_IDLE = 8
#: rows per chunk of a stream read on PostgreSQL (UnitOfWork.stream)
STREAM_CHUNK = 2000
#: PostgreSQL, for the rest of a unit of work: no JIT compilation of its plans (UnitOfWork.without_jit)
NO_JIT = "SET LOCAL jit = off"


def _unavailable(exc: BaseException, where: str) -> DatabaseUnavailable:
    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
    return DatabaseUnavailable(
        f"Không truy cập được cơ sở dữ liệu hoặc cơ sở dữ liệu chưa được khởi tạo ({where}): {first}",
        hint="Chạy: thamdinh init (và kiểm tra THAMDINH_DATABASE_URL).")


class Database:
    """Connections to one database; thread-safe; nothing connects before the first unit of work."""

    def __init__(self, url: str | DatabaseUrl) -> None:
        self.url = parse_url(url) if isinstance(url, str) else url
        self.codec = Codec(self.url.sqlite)
        self._idle: list[Any] = []
        self._lock = threading.Lock()
        self._pool: Any = None
        self._errors: tuple[type[BaseException], ...] = (sqlite3.Error,)
        self._integrity: tuple[type[BaseException], ...] = (sqlite3.IntegrityError,)
        #: rows a stream fetches at once on PostgreSQL (libpq's chunked mode: libpq 17, psycopg 3.2), else 1
        self.chunk = 1
        if not self.url.sqlite:
            import psycopg

            self._errors = (psycopg.Error,)
            self._integrity = (psycopg.IntegrityError,)
            if psycopg.pq.version() >= 170000 and tuple(map(int, psycopg.__version__.split(".")[:2])) >= (3, 2):
                self.chunk = STREAM_CHUNK

    @property
    def backend(self) -> str:
        return self.url.backend

    def is_integrity_error(self, exc: BaseException) -> bool:
        return isinstance(exc, self._integrity)

    def is_driver_error(self, exc: BaseException) -> bool:
        return isinstance(exc, self._errors)

    # -- connections ---------------------------------------------------------------------------
    def _connect_sqlite(self) -> sqlite3.Connection:
        path = self.url.path
        if path == ":memory:":
            conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
        else:  # an existing file only: a mistyped address must not leave an empty database behind
            file = Path(path).expanduser().resolve()
            if not file.exists():
                raise DatabaseUnavailable(f"Không có tệp cơ sở dữ liệu {file}.",
                                          hint="Chạy: thamdinh init (và kiểm tra THAMDINH_DATABASE_URL).")
            conn = sqlite3.connect(f"{file.as_uri()}?mode=rw", uri=True, timeout=30, check_same_thread=False)
        for pragma in _PRAGMAS:
            conn.execute(f"PRAGMA {pragma}")
        return conn

    def _pg_pool(self) -> Any:
        with self._lock:
            if self._pool is None:
                import psycopg
                from psycopg_pool import ConnectionPool

                params = {"connect_timeout": "10", **self.url.params}
                conninfo = psycopg.conninfo.make_conninfo(**params)
                psycopg.connect(conninfo).close()  # an unreachable server fails now, not after the pool's wait
                self._pool = ConnectionPool(kwargs=params, min_size=1, max_size=10, open=True,
                                            check=ConnectionPool.check_connection, name="thamdinh")
            return self._pool

    def acquire(self) -> Any:
        """A connection with no transaction open; raises DatabaseUnavailable."""
        try:
            if not self.url.sqlite:
                return self._pg_pool().getconn(timeout=30)
            with self._lock:
                if self._idle:
                    return self._idle.pop()
            return self._connect_sqlite()
        except ThamdinhError:
            raise
        except Exception as exc:
            raise _unavailable(exc, self.url.display()) from exc

    def release(self, conn: Any, *, broken: bool = False) -> None:
        if not self.url.sqlite:
            self._pg_pool().putconn(conn)
            return
        with self._lock:
            if not broken and len(self._idle) < _IDLE and self.url.path != ":memory:":
                self._idle.append(conn)
                return
        conn.close()

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)

    @contextmanager
    def reading(self) -> Iterator[UnitOfWork]:
        """A unit of work for reads only (rolled back when done)."""
        with self.unit_of_work() as uow:
            yield uow

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
            pool, self._pool = self._pool, None
        for conn in idle:
            conn.close()
        if pool is not None:
            pool.close()


class _repository(Generic[R]):
    """A repository of a unit of work, built on first use and kept in its ``__dict__``: what
    ``functools.cached_property`` does, without the lock it takes on Python 3.11 (an RLock acquired on
    every first access, ~2 µs on each fire's ``uow.dossiers``); a unit of work is used by one thread."""

    def __init__(self, build: Callable[[UnitOfWork], R]) -> None:
        self.build = build
        self.name = build.__name__

    def __get__(self, uow: UnitOfWork, owner: type | None = None) -> R:
        value = self.build(uow)
        uow.__dict__[self.name] = value  # a non-data descriptor: the instance's value wins from now on
        return value


class UnitOfWork:
    """One transaction on one connection: ``commit()`` makes it stick; leaving without it rolls back.

    ``execute`` takes the project's SQL (``?`` or ``:name`` placeholders) and the values already
    encoded by ``codec``. The repositories are its attributes: ``uow.dossiers``, ``uow.people``,
    ``uow.alerts``, ``uow.outbox``, ``uow.leases``, ``uow.accounts``, ``uow.capital``, ``uow.read_model``,
    ``uow.issued``, ``uow.contacts``.
    """

    def __init__(self, db: Database) -> None:
        self.db = db
        self.codec = db.codec
        self.committed = False
        self._conn: Any = None
        self.cur: Any = None
        self._jit_off = db.codec.sqlite  # (SQLite compiles nothing)

    def __enter__(self) -> Self:
        self._conn = self.db.acquire()
        self.cur = self._conn.cursor()
        return self

    def execute(self, sql: str, params: Any = ()) -> Any:
        """Run one statement; returns the cursor (``fetchone``, ``fetchall``, ``rowcount``)."""
        self.cur.execute(self.codec.sql(sql), params)
        return self.cur

    def without_jit(self) -> None:
        """On PostgreSQL, no JIT compilation for the rest of this unit of work, once: a report's read over many
        rows is costed high, and compiling it took longer than running it (the as-of joins a second against a
        fraction of one; the hold-ups' spans 1.2 s → 0.4 s at 100,000 dossiers)."""
        if not self._jit_off:
            self.cur.execute(NO_JIT)
            self._jit_off = True

    def stream(self, sql: str, params: Any = ()) -> Iterable[Any]:
        """Run one read and give its rows: on PostgreSQL as the server sends them (psycopg's ``stream``, in
        chunks), so the caller works on the first rows while the server reads the next (read them to the
        end before the next statement); on SQLite, which runs in this process, all at once (stepping the
        statement between the caller's work cost a tenth more CPU: 100,000 progress lines 0.74 → 0.81 s)."""
        if self.codec.sqlite:
            return self.cur.execute(sql, params).fetchall()  # type: ignore[no-any-return]
        sized = {"size": self.db.chunk} if self.db.chunk > 1 else {}
        return self.cur.stream(self.codec.sql(sql), params, **sized)  # type: ignore[no-any-return]

    def snapshot_cursors(self, count: int) -> list[Any]:
        """``count`` cursors reading one consistent snapshot of the whole database (read only): on
        PostgreSQL server-side cursors in a REPEATABLE READ transaction, on SQLite one read transaction."""
        if self.codec.sqlite:
            self.cur.execute("BEGIN")
            return [self._conn.cursor() for _ in range(count)]
        self.cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return [self._conn.cursor(name=f"thamdinh_walk_{i}") for i in range(count)]

    def executemany(self, sql: str, rows: Any) -> None:
        self.cur.executemany(self.codec.sql(sql), rows)

    @_repository
    def dossiers(self) -> Dossiers:
        return Dossiers(self)

    @_repository
    def people(self) -> People:
        return People(self)

    @_repository
    def alerts(self) -> Alerts:
        return Alerts(self)

    @_repository
    def outbox(self) -> Outbox:
        return Outbox(self)

    @_repository
    def leases(self) -> Leases:
        return Leases(self)

    @_repository
    def accounts(self) -> Accounts:
        return Accounts(self)

    @_repository
    def capital(self) -> Capital:
        return Capital(self)

    @_repository
    def read_model(self) -> ReadModel:
        return ReadModel(self)

    @_repository
    def issued(self) -> IssuedReports:
        return IssuedReports(self)

    @_repository
    def contacts(self) -> Contacts:
        return Contacts(self)

    def commit(self) -> None:
        self._conn.commit()
        self.committed = True

    def __exit__(self, et: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        broken = False
        try:
            self.cur.close()
            self._conn.rollback()  # a no-op after commit()
        except self.db._errors:
            broken = True
        finally:
            self.db.release(self._conn, broken=broken)
            self._conn = self.cur = None
            for name in _REPOSITORIES:  # each holds the unit of work: a cycle left to the collector otherwise
                self.__dict__.pop(name, None)
        if exc is not None and self.db.is_driver_error(exc) and not self.db.is_integrity_error(exc):
            raise _unavailable(exc, self.db.url.display()) from exc


#: the repositories a unit of work builds on first use (dropped when it ends)
_REPOSITORIES = tuple(name for name, value in vars(UnitOfWork).items() if isinstance(value, _repository))
