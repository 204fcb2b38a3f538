"""Backup and restore, the use case behind ``thamdinh backup``, ``thamdinh restore`` and the
scheduler's nightly ``backup`` job.

- ``backup(file)``: a consistent copy of the live database while the application and the scheduler
  write (the mechanics are ``engine.store.backup``'s: SQLite's online backup API, or ``pg_dump -Fc``);
  an existing file is not replaced (the nightly job replaces its own file of the day);
- ``restore(file)``: fills an **empty** database (no dossier, no person) from a backup; the schema
  revision is then the backup's, and ``thamdinh init`` upgrades it when the backup is older;
- ``nightly(now)``: ``thamdinh-YYYY-MM-DD.db`` (``.dump`` on PostgreSQL) in THAMDINH_BACKUP_DIR, then
  the oldest files of that name pattern beyond THAMDINH_BACKUP_KEEP are deleted (no other file is).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from pathlib import Path
from typing import Any

from ..domain.clock import TZ, Clock, local_date
from ..domain.errors import BadInput
from ..io.settings import Settings
from ..store import backup as store
from ..store.database import Database
from ..store.migrate import head_revision

log = logging.getLogger(__name__)
PREFIX = "thamdinh-"


def nightly_pattern(extension: str) -> re.Pattern[str]:
    """The names the nightly job writes, and the only ones it deletes."""
    return re.compile(rf"{PREFIX}\d{{4}}-\d{{2}}-\d{{2}}{re.escape(extension)}")


class Backups:
    def __init__(self, database: Database, settings: Settings, clock: Clock) -> None:
        self.database = database
        self.settings = settings
        self.clock = clock

    @property
    def extension(self) -> str:
        return store.EXTENSIONS[self.database.backend]

    def backup(self, file: Path, *, replace: bool = False, on_step: store.Step | None = None) -> dict[str, Any]:
        """Copy the live database to ``file`` (``on_step``: called while the copy is made); raises
        BadInput (the file exists, its folder does not, a missing tool), DatabaseUnavailable, BackupFailed."""
        target = file.expanduser().absolute()
        if target.exists() and not replace:
            raise BadInput(f"Tệp {target} đã có: không ghi đè bản sao lưu.",
                           hint="Chọn một tên tệp khác, hoặc xóa tệp cũ trước.")
        if not target.parent.is_dir():
            raise BadInput(f"Không có thư mục {target.parent}.", hint="Tạo thư mục trước, hoặc chọn thư mục khác.")
        taken_at = self.clock.now()
        started = time.perf_counter()
        found = store.take(self.database, target, on_step)
        seconds = time.perf_counter() - started
        log.info("backup of %s to %s: %d dossiers, %.1f s", self.database.url.display(), target, found.dossiers,
                 seconds)
        return {"file": str(target), "backend": self.database.backend, "database": self.database.url.display(),
                "bytes": target.stat().st_size, "seconds": round(seconds, 3), "revision": found.revision,
                "dossiers": found.dossiers, "people": found.people,
                "taken_at": taken_at.astimezone(TZ).isoformat()}

    def restore(self, file: Path) -> dict[str, Any]:
        """Fill the empty database from the backup ``file``; raises BadInput (no such file, a backup of
        the other backend, a missing tool), NotABackup, TargetNotEmpty, DatabaseUnavailable, BackupFailed."""
        source = file.expanduser().absolute()
        started = time.perf_counter()
        found = store.restore(self.database, source)
        seconds = time.perf_counter() - started
        head = head_revision()
        return {"file": str(source), "backend": self.database.backend, "database": self.database.url.display(),
                "seconds": round(seconds, 3), "revision": found.revision, "head": head,
                "upgrade_needed": found.revision != head, "dossiers": found.dossiers, "people": found.people}

    # -- the nightly job ---------------------------------------------------------------------
    def nightly(self, now: dt.datetime | None = None) -> dict[str, Any]:
        """Today's backup in THAMDINH_BACKUP_DIR, then the retention; raises BadInput when it is unset."""
        folder = self.settings.backup_dir
        if folder is None:
            raise BadInput("THAMDINH_BACKUP_DIR chưa được đặt: không có sao lưu hằng đêm.",
                           hint="Đặt THAMDINH_BACKUP_DIR là thư mục chứa các bản sao lưu.")
        folder.mkdir(parents=True, exist_ok=True)
        day = local_date(now or self.clock.now())
        result = self.backup(folder / f"{PREFIX}{day.isoformat()}{self.extension}", replace=True)
        result["deleted"] = self.prune(folder)
        return result

    def prune(self, folder: Path) -> list[str]:
        """Delete the oldest nightly files beyond THAMDINH_BACKUP_KEEP; returns their names."""
        pattern = nightly_pattern(self.extension)
        ours = sorted(p for p in folder.iterdir() if p.is_file() and pattern.fullmatch(p.name))
        old = ours[:-self.settings.backup_keep]
        for path in old:
            path.unlink()
            log.info("nightly backup %s deleted (keeping %d)", path.name, self.settings.backup_keep)
        return [p.name for p in old]
