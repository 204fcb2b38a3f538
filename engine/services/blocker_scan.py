"""The blockers' escalation: an open or handled blocker not resolved ``escalate_after`` working days
(``workflows/blockers.yaml``) after the day it was raised is reported to the director, once.

Durable and idempotent, as the deadline scan is: the escalation is a row's state, not a timer.
``blocker.escalated_at`` is set by one conditional statement (``… WHERE escalated_at IS NULL``) in the
unit of work that queues the directors' messages, so a re-run, a restart or two overlapping scans
report a blocker once; a scan missed while the scheduler was down reports, on its first working day
back, every blocker whose day has come. Working days are the calendar's (Tết, swaps and make-up
Saturdays included). It runs with the deadline scan (``scan`` job) on working days.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..domain import blockers as b
from ..domain.clock import Clock, local_date
from ..runtime.rulebook import Rulebook
from ..store.blockers import BlockerStore
from ..store.database import Database

if TYPE_CHECKING:  # the mail is rendered (jinja2) only by the commands that send it
    from notifications.outbox import Mailer

log = logging.getLogger(__name__)


@dataclass
class EscalationResult:
    day: dt.date
    working_day: bool
    escalated: list[dict[str, Any]] = field(default_factory=list)
    messages: int = 0
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "working_day": self.working_day, "escalated": self.escalated,
                "messages": self.messages, "problems": self.problems}


@dataclass
class BlockerEscalation:
    database: Database
    rules: Rulebook
    clock: Clock
    mailer: Mailer
    base_url: str
    policy: b.BlockerPolicy

    def escalate(self, at: dt.datetime | None = None) -> EscalationResult:
        """Report to the director every unresolved blocker whose escalation day has come by ``at``; once."""
        now = at or self.clock.now()
        today = local_date(now)
        cal, n = self.rules.calendar, self.policy.escalate_after
        if not cal.is_working_day(today):
            return EscalationResult(today, False)
        result = EscalationResult(today, True)
        with self.database.unit_of_work() as uow:
            store = BlockerStore(uow)
            due = [r for r in store.to_escalate(today)
                   if b.escalates_on(cal, r.state, r.raised_on, r.escalated_at is not None, n, today)]
            if due:
                people = uow.people.directory()
                divisions = {d.code: d.name for d in uow.people.divisions()}
                if not people.directors:
                    result.problems.append("Không có Giám đốc (vai trò director) để báo cáo vướng mắc.")
            for r in due:
                if not store.mark_escalated(r.id, now):
                    continue  # another scan reported it first
                days = b.working_days_open(cal, r.raised_on, today)
                result.escalated.append({"id": r.id, "dossier": r.dossier_code, "project": r.project_code,
                                         "raised_on": r.raised_on.isoformat(), "working_days_open": days})
                context = {"blocker": {
                    "id": r.id, "dossier": r.dossier_code, "project": r.project_code,
                    "division_name": divisions.get(r.division, r.division),
                    "cause_label": self.policy.cause_label(r.cause), "description": r.description,
                    "addressed_to_label": self.policy.addressee_label(r.addressed_to), "addressee": r.addressee,
                    "raised_on": r.raised_on, "raised_by_name": people.name(r.raised_by),
                    "state_label": self.policy.state_label(r.state), "working_days_open": days,
                    "escalate_after": n, "link": self._link(r.dossier_code)}}
                for director in people.directors:
                    ctx = {**context, "recipient": {"id": director.id, "name": director.name}}
                    if self.mailer.queue(uow, f"blocker:{r.id}:escalation:{director.id}", "blocker_escalation",
                                         director, "blocker_escalation", ctx, dossier_id=r.dossier_id):
                        result.messages += 1
            uow.commit()
        if result.escalated:
            log.info("blockers of %s: %d escalated to the director", today, len(result.escalated))
        return result

    def _link(self, code: str | None) -> str | None:
        return f"{self.base_url.rstrip('/')}/ho-so/{quote(code, safe='')}" if code else None
