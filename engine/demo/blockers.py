"""The demo's blockers and urges, day by day through the same services as a person's: officers raise
blockers on some overdue dossiers (a cause, a description, to whom, the day its cause arose), heads take
them into handling and resolve them after a few working days (some too late: the morning's escalation
reports them to the director), and heads urge the officers of their division's overdue dossiers. The
simulation calls ``DemoBlockers.day`` at the end of each working day (engine.demo.simulate ``daily``).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from dataclasses import dataclass, field
from typing import Any

from ..bootstrap import App
from ..domain.blockers import RaiseBlocker, ResolveBlocker, UpdateBlocker
from ..domain.caller import Via
from ..domain.clock import TZ, FixedClock
from ..domain.errors import ThamdinhError
from ..domain.org import Directory
from .plans import SEED

DEMO = Via("demo")
log = logging.getLogger(__name__)
#: what the demo's officers write, by cause: (description, addressed to, addressee)
TEXTS = {
    "site_clearance": ("Chưa bàn giao mặt bằng phần tuyến qua khu dân cư", "other_agency", "UBND huyện"),
    "investor_documents": ("Chủ đầu tư chưa nộp báo cáo khảo sát địa chất bổ sung", "investor", None),
    "other_agency": ("Chờ ý kiến thỏa thuận của Sở Tài nguyên và Môi trường", "other_agency",
                     "Sở Tài nguyên và Môi trường"),
    "legal": ("Chưa rõ quy định chuyển tiếp áp dụng cho dự án điều chỉnh", "director", None),
    "capital": ("Dự án chưa được bố trí vốn chuẩn bị đầu tư năm kế hoạch", "director", None),
}
RESOLUTIONS = {"site_clearance": "UBND huyện đã bàn giao mặt bằng", "investor_documents": "Chủ đầu tư đã nộp bổ sung",
               "other_agency": "Đã có văn bản thỏa thuận", "legal": "Giám đốc Sở đã chỉ đạo hướng xử lý",
               "capital": "Đã được bố trí vốn"}
#: of the open overdue dossiers read each day
OVERDUE_READ = 60
#: working days between two urges of one dossier; urges per head and day at most
URGE_EVERY, URGES_PER_HEAD = 5, 2


@dataclass
class DemoBlockers:
    app: App
    clock: FixedClock
    rng: random.Random = field(default_factory=lambda: random.Random(SEED + 7))
    #: open blockers: id → (division, cause, the working day it is resolved)
    pending: dict[int, tuple[str, str, dt.date]] = field(default_factory=dict)
    last_urged: dict[str, dt.date] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: {"blockers_raised": 0, "blockers_resolved": 0,
                                                            "blockers_escalated": 0, "urges": 0,
                                                            "escalation_messages": 0})

    def day(self, day: dt.date) -> None:
        """The blockers and urges of one working day (called after the day's acts)."""
        cal = self.app.calendar
        escalated = self.app.blocker_escalation.escalate(dt.datetime.combine(day, dt.time(7, 5), TZ))
        self.counts["blockers_escalated"] += len(escalated.escalated)
        self.counts["escalation_messages"] += escalated.messages
        heads = Directory(self.app.services.people()).heads
        self._resolve(day, heads)
        overdue = self.app.services.list_dossiers(overdue=True, limit=OVERDUE_READ)
        self._at(day, 16, 0)
        if overdue and self.rng.random() < 0.35:
            self._raise(day, self.rng.choice(overdue), cal.add_working_days(day, self.rng.randint(1, 9)))
        self._urge(day, overdue, heads)

    def _at(self, day: dt.date, hour: int, minute: int) -> None:
        self.clock.set(dt.datetime.combine(day, dt.time(hour, minute), TZ))

    def _raise(self, day: dt.date, d: dict[str, Any], resolve_on: dt.date) -> None:
        cause = self.rng.choice(sorted(TEXTS))
        text, to, addressee = TEXTS[cause]
        cause_on = self.app.calendar.add_working_days(day, -self.rng.randint(0, 5))
        try:
            b = self.app.blockers.raise_(RaiseBlocker(actor=d["officer"] or "", code=d["code"], cause=cause,
                                                      description=text, addressed_to=to, addressee=addressee,
                                                      cause_on=cause_on, raised_on=day), DEMO)
        except ThamdinhError as exc:
            log.debug("demo: blocker on %s refused: %s", d["code"], exc)
            return
        self.pending[b["id"]] = (d["division"], cause, resolve_on)
        self.counts["blockers_raised"] += 1

    def _resolve(self, day: dt.date, heads: dict[str, Any]) -> None:
        self._at(day, 9, 15)
        for bid, (division, cause, when) in sorted(self.pending.items()):
            head = (heads.get(division) or [None])[0]
            if head is None:
                continue
            try:
                if when > day and self.app.calendar.add_working_days(when, -2) == day:
                    self.app.blockers.update(UpdateBlocker(bid, head.id, "Đã làm việc với đơn vị liên quan"), DEMO)
                elif when <= day:
                    self.app.blockers.resolve(ResolveBlocker(bid, head.id, RESOLUTIONS[cause], day), DEMO)
                    del self.pending[bid]
                    self.counts["blockers_resolved"] += 1
            except ThamdinhError as exc:
                log.debug("demo: blocker %s: %s", bid, exc)
                self.pending.pop(bid, None)

    def _urge(self, day: dt.date, overdue: list[dict[str, Any]], heads: dict[str, Any]) -> None:
        cal, done = self.app.calendar, dict.fromkeys(heads, 0)
        self._at(day, 10, 30)
        for d in overdue:
            last = self.last_urged.get(d["code"])
            head = (heads.get(d["division"]) or [None])[0]
            if head is None or done[d["division"]] >= URGES_PER_HEAD or not d["officer"] or d["officer"] == head.id \
                    or (last is not None and cal.working_days_between(last, day) < URGE_EVERY):
                continue
            try:
                self.app.urging.urge(head.id, code=d["code"], note="Đề nghị khẩn trương giải quyết hồ sơ quá hạn",
                                     via=DEMO)
            except ThamdinhError as exc:
                log.debug("demo: urge on %s refused: %s", d["code"], exc)
                continue
            self.last_urged[d["code"]] = day
            done[d["division"]] += 1
            self.counts["urges"] += 1
