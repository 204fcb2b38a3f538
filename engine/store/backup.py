"""Copies of the database and their restoration: SQLite through its online backup API, PostgreSQL
through ``pg_dump`` (custom format) and ``pg_restore``, never through a shell.

**SQLite.** The copy runs in steps (``STEP_PAGES`` pages each) inside **one read transaction** held
on the source for the whole copy: in WAL mode a reader blocks no writer, and every step reads the
same snapshot. (Without it, a write by another connection between two steps makes SQLite restart
the copy from the first page, and under a steady writer a stepped copy never ends.) The copy is
written beside the target as ``.NAME.part``, switched to a rollback journal so it is one
self-contained file, then renamed into place. A restore runs the same API the other way.

**PostgreSQL.** ``pg_dump --format=custom`` reads from a snapshot exported by a transaction of ours,
so the revision and the counts reported are those of the dump. The address goes as a libpq
connection string in ``--dbname`` (host, port, user, database, options), the password in
``PGPASSWORD``, never on a command line. ``pg_dump`` older than the server is refused by name. A
restore drops the target's tables (it holds no dossier and no person: checked in the same
transaction), then ``pg_restore --no-owner --no-privileges --exit-on-error --single-transaction``.

A target that holds dossiers or people is never written; a file that is neither a SQLite database
nor a ``pg_dump`` custom archive (magic bytes ``PGDMP``) is refused before anything is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.errors import BadInput, DatabaseUnavailable, ThamdinhError
from .database import Database
from .urls import POSTGRESQL, SQLITE, DatabaseUrl

SQLITE_MAGIC, PG_MAGIC = b"SQLite format 3\x00", b"PGDMP"
#: the file name ending of a backup, by backend
EXTENSIONS = {SQLITE: ".db", POSTGRESQL: ".dump"}
LABELS = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
#: pages copied per step of SQLite's backup API (16 MiB at 4 KiB a page)
STEP_PAGES = 4096
SQLITE_TABLES = "SELECT name FROM sqlite_master WHERE type = 'table'"
PG_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
#: called while a copy is being made (its snapshot fixed)
Step = Callable[[], None]
_VERSION = re.compile(r"\(PostgreSQL\)\s+(\d+)")
_CLIENT_HINT = ("Cài gói postgresql-client cùng phiên bản chính với máy chủ (Debian: apt install "
                "postgresql-client-<phiên bản>) hoặc thêm thư mục chứa chương trình vào PATH.")


class NotABackup(BadInput):
    kind = "not_a_backup"


class TargetNotEmpty(BadInput):
    kind = "target_not_empty"


class BackupFailed(ThamdinhError):
    """A backup tool failed after the database was reached: a fault, not bad input (exit 1)."""

    kind = "backup_failed"


@dataclass(frozen=True)
class Contents:
    """What a database holds, as far as a backup cares: its schema revision and its rows."""

    tables: int = 0
    revision: str | None = None
    dossiers: int = 0
    people: int = 0

    @property
    def has_data(self) -> bool:
        return bool(self.dossiers or self.people)


def read_contents(execute: Callable[[str], Any], tables_sql: str) -> Contents:
    """The contents through ``execute`` (a sqlite3 connection's, or a unit of work's)."""
    tables = {row[0] for row in execute(tables_sql).fetchall()}

    def count(table: str) -> int:
        return int(execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]) if table in tables else 0

    row = execute("SELECT version_num FROM alembic_version").fetchone() if "alembic_version" in tables else None
    return Contents(len(tables), row[0] if row else None, count("dossier"), count("person"))


def backend_of(file: Path) -> str:
    """The backend a backup file is for (``sqlite`` or ``postgresql``); raises BadInput when there is
    no such file and NotABackup when it is neither a SQLite database nor a pg_dump custom archive."""
    if not file.is_file():
        raise BadInput(f"Không có tệp sao lưu {file}.", hint="Kiểm tra lại đường dẫn tệp.")
    with file.open("rb") as fh:
        head = fh.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return SQLITE
    if head.startswith(PG_MAGIC):
        return POSTGRESQL
    raise NotABackup(f"Tệp {file} không phải bản sao lưu của thamdinh (không phải cơ sở dữ liệu SQLite, "
                     "cũng không phải tệp pg_dump dạng custom).",
                     hint="Chọn tệp do «thamdinh backup» hoặc bản sao lưu hằng đêm tạo ra (.db hoặc .dump).")


def _refuse_data(found: Contents, where: str) -> None:
    if found.has_data:
        raise TargetNotEmpty(
            f"Cơ sở dữ liệu đích {where} đã có dữ liệu ({found.dossiers} hồ sơ, {found.people} cán bộ): "
            "không khôi phục đè lên.",
            hint="Tạo một cơ sở dữ liệu mới, trống, đặt THAMDINH_DATABASE_URL vào đó rồi chạy lại "
                 "«thamdinh restore».")


def _partial(target: Path) -> Path:
    part = target.with_name(f".{target.name}.part")
    part.unlink(missing_ok=True)
    return part


# -- SQLite -------------------------------------------------------------------------------------
def _sqlite_file(url: DatabaseUrl) -> Path:
    if url.path == ":memory:":
        raise BadInput("Cơ sở dữ liệu SQLite trong bộ nhớ (sqlite://) không sao lưu hay khôi phục được.",
                       hint="Đặt THAMDINH_DATABASE_URL là một tệp, ví dụ sqlite:///thamdinh.db.")
    return Path(url.path).expanduser().resolve()


def _sqlite_error(exc: sqlite3.Error, file: Path) -> DatabaseUnavailable:
    return DatabaseUnavailable(f"Không đọc hoặc ghi được cơ sở dữ liệu SQLite {file}: {exc}.",
                               hint="Kiểm tra tệp, quyền ghi và chỗ trống trên đĩa.")


def _sqlite_take(db: Database, target: Path, on_step: Step | None) -> Contents:
    source = _sqlite_file(db.url)
    if not source.is_file():
        raise DatabaseUnavailable(f"Không có tệp cơ sở dữ liệu {source}.",
                                  hint="Kiểm tra THAMDINH_DATABASE_URL.")
    if source == target.resolve():
        raise BadInput(f"Tệp sao lưu {target} chính là cơ sở dữ liệu đang dùng.", hint="Chọn một tệp khác.")
    part = _partial(target)
    try:
        with closing(sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True, timeout=30,
                                     isolation_level=None)) as src:
            src.execute("BEGIN")  # one read transaction for every step: one snapshot, no restart
            found = read_contents(src.execute, SQLITE_TABLES)
            with closing(sqlite3.connect(part)) as dst:
                src.backup(dst, pages=STEP_PAGES, progress=(lambda *_: on_step()) if on_step else None)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            src.execute("COMMIT")
    except sqlite3.Error as exc:
        part.unlink(missing_ok=True)
        raise _sqlite_error(exc, source) from exc
    os.replace(part, target)
    return found


def _sqlite_restore(db: Database, source: Path) -> None:
    target = _sqlite_file(db.url)
    if not target.parent.is_dir():
        raise BadInput(f"Không có thư mục {target.parent} cho cơ sở dữ liệu đích.")
    db.close()
    try:
        with closing(sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True, timeout=30)) as src:
            if read_contents(src.execute, SQLITE_TABLES).revision is None:
                raise NotABackup(f"Tệp {source} là cơ sở dữ liệu SQLite nhưng không phải bản sao lưu của thamdinh "
                                 "(không có phiên bản lược đồ).", hint="Chọn tệp do «thamdinh backup» tạo ra.")
            with closing(sqlite3.connect(target, timeout=30, isolation_level=None)) as dst:
                _refuse_data(read_contents(dst.execute, SQLITE_TABLES), str(target))
                dst.execute("PRAGMA journal_mode=DELETE")  # a WAL target refuses a copy of another page size
                src.backup(dst, pages=STEP_PAGES)
                dst.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise _sqlite_error(exc, target) from exc


# -- PostgreSQL ---------------------------------------------------------------------------------
def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BadInput(f"Không tìm thấy chương trình {name} (cần cho sao lưu và khôi phục PostgreSQL).",
                       hint=_CLIENT_HINT)
    return found


def _run(args: list[str], url: DatabaseUrl) -> str:
    """Run a PostgreSQL client program (no shell); its output, or BackupFailed with its error."""
    env = dict(os.environ)
    if url.params.get("password"):
        env["PGPASSWORD"] = url.params["password"]
    name = Path(args[0]).name
    try:
        proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupFailed(f"Không chạy được {name}: {exc}.", hint=_CLIENT_HINT) from exc
    if proc.returncode != 0:
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if "error" in line.lower()] or lines or [f"mã thoát {proc.returncode}"]
        raise BackupFailed(f"{name} thất bại: {' | '.join(errors[:3])}",
                           hint="Xem thông báo của chương trình; kiểm tra quyền của người dùng cơ sở dữ liệu.")
    return proc.stdout


def _dbname(url: DatabaseUrl) -> str:
    """The address as a libpq connection string, without the password (it goes in PGPASSWORD)."""
    from psycopg.conninfo import make_conninfo

    return "--dbname=" + make_conninfo(**{k: v for k, v in url.params.items() if k != "password"})


def _check_version(tool: str, server_version_num: int, url: DatabaseUrl) -> None:
    text = _run([tool, "--version"], url)
    found = _VERSION.search(text)
    client, server = (int(found.group(1)) if found else 0), server_version_num // 10000
    if client < server:
        raise BadInput(f"pg_dump phiên bản {client} cũ hơn máy chủ PostgreSQL {server}: pg_dump chỉ sao lưu "
                       "được máy chủ cùng phiên bản hoặc cũ hơn nó.",
                       hint=f"Cài postgresql-client-{server} (hoặc mới hơn) và đặt nó trước trong PATH.")


def _pg_take(db: Database, target: Path, on_step: Step | None) -> Contents:
    tool = _tool("pg_dump")
    part = _partial(target)
    with db.reading() as uow:
        uow.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        _check_version(tool, int(uow.execute("SHOW server_version_num").fetchone()[0]), db.url)
        snapshot = uow.execute("SELECT pg_export_snapshot()").fetchone()[0]
        found = read_contents(uow.execute, PG_TABLES)
        if on_step is not None:
            on_step()
        try:
            _run([tool, "--format=custom", f"--snapshot={snapshot}", f"--file={part}", _dbname(db.url)], db.url)
        except Exception:
            part.unlink(missing_ok=True)
            raise
    os.replace(part, target)
    return found


def _pg_restore(db: Database, source: Path) -> None:
    tool = _tool("pg_restore")
    try:
        listing = _run([tool, "--list", str(source)], db.url)
    except BackupFailed as exc:
        raise NotABackup(f"Tệp {source} không đọc được như một tệp pg_dump: {exc.message}",
                         hint="Tệp có thể bị cắt cụt hoặc hỏng; chọn một bản sao lưu khác.") from exc
    if "alembic_version" not in listing:
        raise NotABackup(f"Tệp {source} là tệp pg_dump nhưng không phải bản sao lưu của thamdinh.",
                         hint="Chọn tệp do «thamdinh backup» tạo ra.")
    with db.unit_of_work() as uow:
        _refuse_data(read_contents(uow.execute, PG_TABLES), db.url.display())
        tables = [row[0] for row in uow.execute(PG_TABLES).fetchall()]
        if tables:  # empty tables (a database made by «thamdinh init»): the backup's replace them
            uow.execute("DROP TABLE " + ", ".join('"' + t.replace('"', '""') + '"' for t in tables) + " CASCADE")
        uow.commit()
    db.close()
    _run([tool, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", _dbname(db.url),
          str(source)], db.url)


# -- the registry -------------------------------------------------------------------------------
_TAKE: dict[str, Callable[[Database, Path, Step | None], Contents]] = {SQLITE: _sqlite_take, POSTGRESQL: _pg_take}
_RESTORE: dict[str, Callable[[Database, Path], None]] = {SQLITE: _sqlite_restore, POSTGRESQL: _pg_restore}


def take(db: Database, target: Path, on_step: Step | None = None) -> Contents:
    """Write a consistent copy of the live database to ``target`` (replaced if it exists); returns what
    the copy holds. ``on_step`` is called while the copy is made, its snapshot already fixed (SQLite:
    after each step; PostgreSQL: before pg_dump starts). Raises DatabaseUnavailable (unreachable),
    BadInput (a missing tool, pg_dump older than the server), BackupFailed (the tool failed)."""
    return _TAKE[db.backend](db, target, on_step)


def restore(db: Database, source: Path) -> Contents:
    """Fill the empty database ``db`` from the backup ``source``; returns what it then holds. Raises
    BadInput (no such file, a missing tool, a backup of the other backend), NotABackup, TargetNotEmpty,
    DatabaseUnavailable, BackupFailed."""
    backend = backend_of(source)
    if backend != db.backend:
        raise BadInput(f"Tệp {source} là bản sao lưu {LABELS[backend]}, còn cơ sở dữ liệu đích là "
                       f"{LABELS[db.backend]}.",
                       hint="Khôi phục vào cơ sở dữ liệu cùng loại với bản sao lưu.")
    _RESTORE[backend](db, source)
    return contents(db)


def contents(db: Database) -> Contents:
    """What ``db`` holds now (a SQLite file not there yet holds nothing)."""
    if db.url.sqlite and not _sqlite_file(db.url).is_file():
        return Contents()
    with db.reading() as uow:
        return read_contents(uow.execute, SQLITE_TABLES if db.url.sqlite else PG_TABLES)
