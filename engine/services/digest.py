"""The heads' daily digest: every due-soon, due-today and overdue dossier of a division, and the
paused ones whose investor let the answer window run out, most urgent first, each with its unresolved
blockers ("Vướng mắc"); then the division's unresolved blockers (engine.services.digest_blockers);
once per head and day."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..domain.alert_rules import ANSWER_OVERDUE, DUE_SOON, DUE_TODAY, OVERDUE, days_between, status_on
from ..domain.calendar import UNIT_LABELS
from ..domain.clock import local_date
from ..domain.org import Directory
from ..store.database import UnitOfWork
from .deadline_scan import Alerting
from .digest_blockers import attach, open_blockers

log = logging.getLogger(__name__)


@dataclass
class DigestResult:
    day: dt.date
    working_day: bool
    digests: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "working_day": self.working_day, "digests": self.digests,
                "problems": self.problems}


class Digest(Alerting):
    def digest(self, at: dt.datetime | None = None) -> DigestResult:
        """Queue today's digest for every head of division with something to say; once per head and day."""
        now = at or self.clock.now()
        today = local_date(now)
        if not self.rules.calendar.is_working_day(today):
            return DigestResult(today, False)
        result = DigestResult(today, True)
        with self.database.unit_of_work() as uow:
            people = uow.people.directory()
            by_division = self._items(uow, people, today)
            blockers = open_blockers(uow, self.blocker_policy, self.rules.calendar, today) \
                if self.blocker_policy else {}
            attach(by_division, blockers)
            names = {d.code: d.name for d in uow.people.divisions()}
            for division, items in sorted(by_division.items()):
                self._queue(uow, people, division, names.get(division, division), items, today, result,
                            blockers.get(division, []))
            uow.commit()
        for problem in result.problems:
            log.warning("%s", problem)
        return result

    def _items(self, uow: UnitOfWork, people: Directory, today: dt.date) -> dict[str, list[dict[str, Any]]]:
        cal = self.rules.calendar
        horizon = cal.add_working_days(today, self.rules.widest_due_soon())
        by_division: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for c in uow.alerts.digest_rows(horizon):
            status = status_on(c.due_date, today, self.rules.thresholds(c.workflow_id, c.stage), cal)
            if status is None:
                continue
            days = days_between(cal, c.due_date, today, c.unit) if status == OVERDUE \
                else days_between(cal, today, c.due_date, c.unit)
            by_division[c.division].append(self._item(people, c, status, days))
        # paused dossiers whose investor let the answer window run out: to be returned
        for c, _ in self.past_answer_window(uow, today, unalerted=False)[0]:
            item = self._item(people, c, ANSWER_OVERDUE, days_between(cal, c.due_date, today, c.unit))
            by_division[c.division].append({**item, "paused_on": c.paused_on})
        return by_division

    def _item(self, people: Directory, c: Any, status: str, days: int) -> dict[str, Any]:
        return {"code": c.code, "name": c.name, "stage_label": self.rules.stage_label(c.workflow_id, c.stage),
                "due_date": c.due_date, "status": status, "days": days,
                "unit_label": UNIT_LABELS.get(c.unit, c.unit), "officer_name": people.name(c.officer),
                "blockers": c.blockers, "link": self.link(c.code)}

    def _queue(self, uow: UnitOfWork, people: Directory, division: str, division_name: str,
               items: list[dict[str, Any]], today: dt.date, result: DigestResult,
               open_blockers: list[dict[str, Any]] | None = None) -> None:
        heads = people.heads.get(division, [])
        if not heads:
            result.problems.append(f"Phòng {division} có {len(items)} hồ sơ cần đôn đốc nhưng không có trưởng phòng.")
        items.sort(key=lambda i: (i["due_date"], i["code"]))  # most urgent first, the paused ones among them
        counts = {k: sum(1 for i in items if i["status"] == k) for k in (OVERDUE, DUE_TODAY, DUE_SOON, ANSWER_OVERDUE)}
        for head in heads:
            context = {"recipient": {"id": head.id, "name": head.name}, "division_name": division_name,
                       "day": today, "items": items, "counts": counts, "open_blockers": open_blockers or []}
            added = self.mailer.queue(uow, f"digest:{head.id}:{today.isoformat()}", "digest", head, "digest", context)
            result.digests.append({"head": head.id, "division": division, "items": len(items), "queued": added,
                                   "email": head.email})
            if head.email is None:
                result.problems.append(f"{head.name} ({head.id}) chưa có e-mail: bản tổng hợp ngày "
                                       f"{today.isoformat()} được giữ lại (trạng thái no_address).")
