"""The issued reports' repository: each version of a report as issued (its data, its hashes, the
checkpoint of the history it was made from) and its files, byte for byte (tables ``issued_report`` and
``issued_file``, revision 0008).

A report is one (kind, period, scope): ``monthly`` / ``2026-10`` / a division's code or "" for the
whole department; ``evaluation`` / a movement's id / "". Its versions count 1, 2, … and are never
changed once written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.errors import ConflictError

if TYPE_CHECKING:
    from .database import UnitOfWork

_COLS = ("r.id", "r.kind", "r.period", "r.scope", "r.version", "r.issued_at", "r.issued_by", "p.name", "r.reason",
         "r.content_hash", "r.checkpoint_event_id", "r.checkpoint")
_FROM = f"SELECT {', '.join(_COLS)}{{data}} FROM issued_report r LEFT JOIN person p ON p.id = r.issued_by"
SELECT_LATEST = (_FROM.format(data=", r.data") + " WHERE r.kind = ? AND r.period = ? AND r.scope = ? "
                 "ORDER BY r.version DESC LIMIT 1")
SELECT_VERSION = _FROM.format(data=", r.data") + " WHERE r.kind = ? AND r.period = ? AND r.scope = ? AND r.version = ?"
SELECT_LIST = _FROM.format(data="") + " WHERE {where} ORDER BY r.kind, r.period, r.scope, r.version"
#: the latest issue of a month's report, of any scope (an act dated into that month is refused)
SELECT_MONTH_ISSUED = ("SELECT version, issued_at, scope FROM issued_report WHERE kind = 'monthly' AND period = ? "
                       "ORDER BY issued_at DESC, version DESC LIMIT 1")
COUNT_IN_YEAR = "SELECT COUNT(*) FROM issued_report WHERE kind = ? AND issued_at >= ? AND issued_at < ?"
INSERT_REPORT = ("INSERT INTO issued_report (kind, period, scope, version, issued_at, issued_by, reason, data, "
                 "content_hash, checkpoint_event_id, checkpoint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                 "RETURNING id")
INSERT_FILE = "INSERT INTO issued_file (report_id, format, content, sha256) VALUES (?, ?, ?, ?)"
SELECT_FILE = "SELECT content, sha256 FROM issued_file WHERE report_id = ? AND format = ?"
SELECT_FORMATS = "SELECT format FROM issued_file WHERE report_id = ? ORDER BY format"
LAST_EVENT = "SELECT COALESCE(MAX(id), 0) FROM dossier_event"
DIGESTS_UNTIL = "SELECT COALESCE(row_hash, '') FROM dossier_event WHERE id <= ? ORDER BY id"
_BATCH = 10_000


@dataclass(frozen=True)
class IssuedReport:
    """One version of a report as issued; ``data`` (the canonical JSON text) only when asked for. One not
    yet written (``IssuedReports.add``) has the id 0."""

    id: int
    kind: str
    period: str
    scope: str
    version: int
    issued_at: dt.datetime
    issued_by: str
    issued_by_name: str | None
    reason: str | None
    content_hash: str
    checkpoint_event_id: int
    checkpoint: str
    data: str | None = None


class IssuedReports:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    def _report(self, r: Any) -> IssuedReport:
        issued_at = self.codec.read_ts(r[5])
        assert issued_at is not None
        return IssuedReport(int(r[0]), r[1], r[2], r[3], int(r[4]), issued_at, r[6], r[7], r[8], r[9], int(r[10]),
                            r[11], r[12] if len(r) > 12 else None)

    # -- reading -------------------------------------------------------------------------------
    def latest(self, kind: str, period: str, scope: str) -> IssuedReport | None:
        """The newest version of a report, with its data; None if it was never issued."""
        r = self.uow.execute(SELECT_LATEST, (kind, period, scope)).fetchone()
        return None if r is None else self._report(r)

    def version(self, kind: str, period: str, scope: str, version: int) -> IssuedReport | None:
        r = self.uow.execute(SELECT_VERSION, (kind, period, scope, version)).fetchone()
        return None if r is None else self._report(r)

    def listing(self, kind: str | None = None, period: str | None = None) -> list[IssuedReport]:
        """Every version (without data), by kind, period, scope and version."""
        conds, params = ["1 = 1"], []
        for column, value in (("r.kind", kind), ("r.period", period)):
            if value:
                conds.append(f"{column} = ?")
                params.append(value)
        rows = self.uow.execute(SELECT_LIST.format(where=" AND ".join(conds)), params).fetchall()
        return [self._report(r) for r in rows]

    def month_issued(self, period: str) -> tuple[int, dt.datetime, str] | None:
        """The latest issue of the month ``period`` (YYYY-MM), of any scope: its version, when, its scope."""
        r = self.uow.execute(SELECT_MONTH_ISSUED, (period,)).fetchone()
        if r is None:
            return None
        issued_at = self.codec.read_ts(r[1])
        assert issued_at is not None
        return int(r[0]), issued_at, r[2]

    def count_in_year(self, kind: str, year_start: dt.datetime, year_end: dt.datetime) -> int:
        """How many versions of ``kind`` were issued in [year_start, year_end) (the documents' numbers)."""
        ts = self.codec.ts
        return int(self.uow.execute(COUNT_IN_YEAR, (kind, ts(year_start), ts(year_end))).fetchone()[0])

    def file(self, report_id: int, fmt: str) -> tuple[bytes, str] | None:
        """One issued file's bytes and SHA-256."""
        r = self.uow.execute(SELECT_FILE, (report_id, fmt)).fetchone()
        return None if r is None else (bytes(r[0]), r[1])

    def formats(self, report_id: int) -> list[str]:
        return [r[0] for r in self.uow.execute(SELECT_FORMATS, (report_id,)).fetchall()]

    def last_event_id(self) -> int:
        return int(self.uow.execute(LAST_EVENT).fetchone()[0])

    def digests_until(self, event_id: int) -> Iterator[str]:
        """Every history row's digest with id <= ``event_id``, in id order (streamed in batches)."""
        cur = self.uow.execute(DIGESTS_UNTIL, (event_id,))
        while rows := cur.fetchmany(_BATCH):
            for r in rows:
                yield r[0]

    # -- writing -------------------------------------------------------------------------------
    def add(self, new: IssuedReport, files: dict[str, tuple[bytes, str]]) -> int:
        """Write a version (with its data) and its files (format → bytes, SHA-256); returns its id. Raises
        ConflictError if that version was issued meanwhile."""
        try:
            report_id = int(self.uow.execute(INSERT_REPORT, (
                new.kind, new.period, new.scope, new.version, self.codec.ts(new.issued_at), new.issued_by,
                new.reason, new.data, new.content_hash, new.checkpoint_event_id, new.checkpoint)).fetchone()[0])
        except Exception as exc:
            if self.uow.db.is_integrity_error(exc):
                raise ConflictError(f"Phiên bản {new.version} của báo cáo này vừa được ban hành bởi người khác.",
                                    hint="Xem: thamdinh report issued") from None
            raise
        for fmt, (content, sha) in sorted(files.items()):
            self.uow.execute(INSERT_FILE, (report_id, fmt, content, sha))
        return report_id
