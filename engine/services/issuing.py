"""Issuing a report: its figures sealed, version by version.

``issue(kind, period, scope, actor)`` refuses a period that has not ended, runs ``thamdinh verify``
first (refused while it fails, unless ``force``: then issued with the problems recorded as a warning),
computes the data, numbers and dates the document, renders every format (HTML, XLSX, JSON) and stores
the data (canonical JSON), each file's bytes and SHA-256, the content hash, the issue time (the
injected clock), who issued it and the checkpoint of the history it was made from. A version after the
first needs a reason and keeps what changed from the one before (``issue.changes`` in its data).

Asking for an issued report again gives the latest version's stored bytes (``issued_file``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain import text
from ..domain.clock import TZ, Clock, local_date
from ..domain.errors import BadInput, IssuedAltered, IssueRefused
from ..domain.movement import Movement
from ..reporting import files
from ..reporting.changes import compare, describe
from ..reporting.columns import FORMATS
from ..reporting.periods import Period
from ..store import chain
from ..store.database import Database, UnitOfWork
from ..store.issued import IssuedReport
from .access import Access
from .dossiers import SYSTEM_ACTOR
from .reports import Reports

log = logging.getLogger(__name__)
KINDS = ("monthly", "evaluation")
#: the formats the monthly send mails
SENT_FORMATS = ("html", "xlsx")
#: the verification's problems a refusal or a warning names
SHOWN_PROBLEMS = 5
SYSTEM_NAME = "Hệ thống (tác vụ tự động)"
#: how many changes a re-issued document prints (its data keeps them all)
CHANGES_PRINTED = 100


def canonical(data: dict[str, Any]) -> str:
    """The stored text of a report's data: sorted keys, UTF-8 as is, no spaces (its hash is the content hash)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Target:
    """One report to issue: what it is, when its period ends, how its data is computed and rendered."""

    kind: str
    period: str
    scope: str
    label: str
    end: dt.date
    compute: Callable[[], dict[str, Any]]
    render: Callable[[dict[str, Any], str], bytes]


@dataclass
class Issuing:
    database: Database
    clock: Clock
    reports: Reports
    #: ``thamdinh verify``: returns a report with ``.ok`` and ``.problems`` (``code``, ``what``)
    verify: Callable[[], Any]
    access: Access

    # -- what can be issued ----------------------------------------------------------------------
    def monthly(self, month: str, division: str | None = None) -> Target:
        period = Period.month(month)
        label = f"tháng {period.label}" + (f" (phòng {division})" if division else "")
        return Target("monthly", period.ym, division or "", label, period.end,
                      lambda: self.reports.monthly(period.ym, division), files.render)

    def evaluation(self, movement: Movement) -> Target:
        h = self.reports.heading
        return Target("evaluation", movement.id, "", f"phong trào «{movement.name}»", movement.end,
                      lambda: self.reports.evaluation(movement),
                      lambda data, fmt: files.render_evaluation(data, fmt, h.department_name, h.province_name))

    # -- issuing ---------------------------------------------------------------------------------
    def issue(self, target: Target, actor: str | None, *, force: bool = False, reason: str | None = None
              ) -> dict[str, Any]:
        """Issue ``target`` as ``actor`` (None: the system); returns the version's summary with its
        ``changes`` and ``warnings``. Raises IssueRefused (period not ended, verify failing without
        ``force``), BadInput (a re-issue without a reason, an unknown person), ConflictError."""
        now = self.clock.now()
        today = local_date(now)
        if target.end >= today:
            raise IssueRefused(f"Kỳ báo cáo {target.label} chưa kết thúc (đến hết ngày {target.end:%d/%m/%Y}); "
                               "chỉ ban hành được báo cáo của kỳ đã qua.",
                               hint="Xem số liệu tạm tính: bỏ --issue.")
        reason = text.clean(reason, "lý do ban hành lại", limit=text.NOTE_MAX, multiline=True)
        with self.database.reading() as uow:
            issuer, issuer_name = self._issuer(uow, actor, target)
            previous = uow.issued.latest(target.kind, target.period, target.scope)
            number = uow.issued.count_in_year(target.kind, *_year(today)) + 1
        if previous is not None and reason is None:
            raise BadInput(f"Báo cáo {target.label} đã ban hành phiên bản {previous.version} ngày "
                           f"{_when(previous.issued_at)}; ban hành lại cần lý do.",
                           hint="Thêm: --reason \"lý do\" (ví dụ: điều chỉnh số liệu theo sự kiện ghi bổ sung).")
        warnings = self._verified(target, force)
        data = target.compute()
        with self.database.reading() as uow:
            event_id, checkpoint = _checkpoint(uow)
        changes = [] if previous is None else compare(json.loads(previous.data or "{}"), json.loads(canonical(data)))
        record = self._record(target, data, now, number, previous, changes, reason)
        record["issue"] = {"version": (previous.version if previous else 0) + 1, "issued_at": now.isoformat(),
                           "issued_by": issuer, "issued_by_name": issuer_name, "reason": reason,
                           "number": record["heading"]["number"], "checkpoint_event_id": event_id,
                           "checkpoint": checkpoint, "warnings": warnings, "changes": changes,
                           "supersedes": None if previous is None else {
                               "version": previous.version, "issued_at": previous.issued_at.isoformat(),
                               "content_hash": previous.content_hash}}
        stored = canonical(record)
        rendered = {fmt: target.render(record, fmt) for fmt in FORMATS}
        new = IssuedReport(0, target.kind, target.period, target.scope, record["issue"]["version"], now, issuer,
                           issuer_name, reason, sha256(stored.encode("utf-8")), event_id, checkpoint, stored)
        with self.database.unit_of_work() as uow:
            uow.issued.add(new, {fmt: (content, sha256(content)) for fmt, content in rendered.items()})
            uow.commit()
        log.info("%s %s%s issued as version %d by %s", target.kind, target.period,
                 f" ({target.scope})" if target.scope else "", new.version, issuer)
        return {**_summary(new), "label": target.label, "changes": changes, "warnings": warnings,
                "number": record["heading"]["number"]}

    def _issuer(self, uow: UnitOfWork, actor: str | None, target: Target) -> tuple[str, str]:
        """Who issues: the system (the scheduler, the console without ``--actor``), or a person whose role
        may issue the target (``issues_reports`` in roles.yaml)."""
        if actor is None or actor == SYSTEM_ACTOR:
            return SYSTEM_ACTOR, SYSTEM_NAME
        person = uow.people.get(actor)
        if person is None or not person.active:
            raise BadInput(f"Không có cán bộ «{actor}» (hoặc đã thôi công tác) trong tổ chức.",
                           hint="Xem danh sách bằng: thamdinh org show")
        self.access.require_issue(person, target.scope or None, target.label, lambda: uow.people.all())
        return person.id, person.name

    def _verified(self, target: Target, force: bool) -> list[str]:
        """The verification's problems as warnings (none when it passes); raises IssueRefused if it
        fails and ``force`` is not given."""
        found = self.verify()
        if found.ok:
            return []
        problems = [f"{p.code}: {p.what}" if p.code else p.what for p in found.problems]
        shown = "; ".join(problems[:SHOWN_PROBLEMS]) + (" …" if len(problems) > SHOWN_PROBLEMS else "")
        if not force:
            raise IssueRefused(f"Kiểm tra toàn vẹn (thamdinh verify) phát hiện {len(problems)} lỗi; chưa ban hành "
                               f"báo cáo {target.label}. Lỗi đầu tiên: {shown}",
                               hint="Xem đầy đủ: thamdinh verify. Vẫn ban hành (ghi kèm cảnh báo): thêm --force.",
                               problems=problems[:SHOWN_PROBLEMS])
        log.warning("%s %s issued with --force although verify found %d problems", target.kind, target.period,
                    len(problems))
        return [f"Ban hành khi kiểm tra toàn vẹn báo {len(problems)} lỗi (--force): {shown}"]

    def _record(self, target: Target, data: dict[str, Any], now: dt.datetime, number: int,
                previous: IssuedReport | None, changes: list[dict[str, Any]], reason: str | None) -> dict[str, Any]:
        """The data as issued: its heading numbered and dated on the day of issue; a re-issue's names the
        version it replaces, the reason and what changed."""
        record = dict(data)
        heading = self.reports.heading.document(target.kind, issued=local_date(now), as_of=target.end)
        heading["number"] = f"Số: {number:02d}/{heading['symbol']}"
        if previous is not None:
            old = json.loads(previous.data or "{}").get("heading", {})
            heading["replaces"] = (f"Thay thế báo cáo {old.get('number', '')} ngày "
                                   f"{previous.issued_at.astimezone(TZ):%d/%m/%Y} (phiên bản {previous.version}).")
            heading.update(reason=reason, changes=[describe(c) for c in changes[:CHANGES_PRINTED]],
                           changes_more=max(0, len(changes) - CHANGES_PRINTED))
        record["heading"] = heading
        return record

    # -- the scheduler's monthly send ------------------------------------------------------------------
    def send_monthly(self, month: str, out_dir: Path | None = None) -> list[Path]:
        """The scheduler's monthly job: issue the whole department's report of ``month`` as the system
        (unless it was issued already), then write its issued HTML and XLSX files and mail them
        (``Reports.mail_monthly``). Raises IssueRefused while verify fails."""
        if self.latest("monthly", Period.month(month).ym) is None:
            self.issue(self.monthly(month), SYSTEM_ACTOR)
        contents = {}
        for fmt in SENT_FORMATS:
            found = self.issued_file("monthly", Period.month(month).ym, "", fmt)
            assert found is not None
            contents[fmt] = found[1]
        return self.reports.mail_monthly(month, contents, out_dir)

    # -- reading what was issued -----------------------------------------------------------------
    def latest(self, kind: str, period: str, scope: str = "") -> IssuedReport | None:
        with self.database.reading() as uow:
            return uow.issued.latest(kind, period, scope)

    def issued_file(self, kind: str, period: str, scope: str, fmt: str) -> tuple[IssuedReport, bytes] | None:
        """The latest issued version of a report and its file in ``fmt``, byte for byte (None: not issued).
        Raises IssuedAltered if the file or the data no longer matches its hash."""
        with self.database.reading() as uow:
            found = uow.issued.latest(kind, period, scope)
            stored = None if found is None else uow.issued.file(found.id, fmt)
        if found is None or stored is None:
            return None
        content, digest = stored
        if sha256(content) != digest or sha256((found.data or "").encode("utf-8")) != found.content_hash:
            raise IssuedAltered(f"Bản đã ban hành của {_title(found)} (phiên bản {found.version}) "
                                "đã bị thay đổi trong cơ sở dữ liệu: nội dung không còn khớp mã băm ghi lúc ban hành.",
                                hint="Báo cho quản trị hệ thống; lấy lại từ bản sao lưu (thamdinh restore). "
                                     "Xem số liệu tính lại: --draft.")
        return found, content

    def listing(self, kind: str | None = None, period: str | None = None) -> list[dict[str, Any]]:
        """Every issued version: kind, period, scope, version, when, by whom, hash, reason."""
        if kind is not None and kind not in KINDS:
            raise BadInput(f"Loại báo cáo «{kind}» không có.", hint="Chọn: " + ", ".join(KINDS) + ".")
        with self.database.reading() as uow:
            found = uow.issued.listing(kind, period)
        return [{**_summary(r), "checkpoint": r.checkpoint} for r in found]

    def changes(self, kind: str, period: str, scope: str = "") -> list[dict[str, Any]]:
        """What the latest version changed from the one before (empty for a first version)."""
        found = self.latest(kind, period, scope)
        return [] if found is None else list(json.loads(found.data or "{}").get("issue", {}).get("changes", []))


def _summary(r: IssuedReport) -> dict[str, Any]:
    name = r.issued_by_name or (SYSTEM_NAME if r.issued_by == SYSTEM_ACTOR else r.issued_by)
    return {"kind": r.kind, "period": r.period, "scope": r.scope, "version": r.version,
            "issued_at": r.issued_at.isoformat(), "issued_at_text": _when(r.issued_at), "issued_by": r.issued_by,
            "issued_by_name": name, "content_hash": r.content_hash, "reason": r.reason}


def _title(r: IssuedReport) -> str:
    """"báo cáo tháng 10/2026", "báo cáo tháng 10/2026 (phòng QLXD)", "kết quả chấm điểm thi đua 2024-…"."""
    if r.kind == "monthly":
        return f"báo cáo tháng {Period.month(r.period).label}" + (f" (phòng {r.scope})" if r.scope else "")
    return f"kết quả chấm điểm thi đua {r.period}"


def _when(at: dt.datetime) -> str:
    return f"{at.astimezone(TZ):%d/%m/%Y %H:%M}"


def _year(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return (dt.datetime(day.year, 1, 1, tzinfo=TZ), dt.datetime(day.year + 1, 1, 1, tzinfo=TZ))


def _checkpoint(uow: UnitOfWork) -> tuple[int, str]:
    """The last history row's id and the digest of every row's digest up to it, in id order."""
    event_id = uow.issued.last_event_id()
    return event_id, chain.checkpoint(uow.issued.digests_until(event_id))
