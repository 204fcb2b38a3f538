"""The deadline scan: raise every alert that has fallen due, once, and queue its messages.

- runs only on working days; an alert that fell due on a day off is raised by the next working day's
  scan, because an alert is due when the day it falls on is on or before the scan's day;
- reads candidates with an indexed query on open clocks (engine.store.alerts) that are the dossier's
  open clock and miss an alert that has fallen due; it never loads every dossier;
- records each alert once per (dossier, clock, kind, due date): ``INSERT … ON CONFLICT DO NOTHING``
  against a unique constraint, so re-running, restarting or overlapping scans raise nothing twice, and
  a resumed or extended clock (new due date) is judged afresh; a paused clock has no due date and is
  never a candidate for the four deadline kinds;
- a paused clock whose investor let the answer window run out raises ``answer_overdue`` once per pause;
- writes the messages an alert causes into the outbox in the same unit of work (``CHUNK`` clocks per
  unit of work, so a large catch-up never holds the write lock for long).

Who is told: the officer in charge gets each alert; heads of the division get ``overdue`` and
``answer_overdue`` at once; directors get ``escalation``. When a catch-up scan raises several kinds
for one clock at once, each recipient gets one message, about the most severe. People without an
e-mail address get an outbox row in status ``no_address`` and are listed in ``problems``.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..domain.alert_rules import (
    ANSWER_OVERDUE,
    DUE_SOON,
    ESCALATION,
    KIND_LABELS,
    OVERDUE,
    SEVERITY,
    answer_cutoff,
    answer_deadline,
    answer_overdue_on,
    days_between,
    due_alerts,
)
from ..domain.blockers import BlockerPolicy
from ..domain.calendar import UNIT_LABELS
from ..domain.clock import Clock, local_date
from ..domain.org import Directory, Person
from ..runtime.rulebook import Rulebook
from ..store.alerts import OpenClock
from ..store.database import Database, UnitOfWork

if TYPE_CHECKING:  # the mail is rendered (jinja2) only by the commands that send it
    from notifications.outbox import Mailer

log = logging.getLogger(__name__)
#: clocks per unit of work in a scan
CHUNK = 200


@dataclass
class ScanResult:
    day: dt.date
    working_day: bool
    candidates: int = 0
    raised: list[dict[str, Any]] = field(default_factory=list)
    messages: int = 0
    problems: list[str] = field(default_factory=list)
    missing_email: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "working_day": self.working_day, "candidates": self.candidates,
                "raised": self.raised, "messages": self.messages, "problems": self.problems,
                "missing_email": self.missing_email}


@dataclass
class Alerting:
    """What the scan and the digest share: the database, the rules, the clock, the mailer, the links."""

    database: Database
    rules: Rulebook
    clock: Clock
    mailer: Mailer
    base_url: str
    #: the blockers' labels (workflows/blockers.yaml); the digest lists the unresolved blockers with it
    blocker_policy: BlockerPolicy | None = None

    def link(self, code: str) -> str:
        return f"{self.base_url.rstrip('/')}/ho-so/{quote(code, safe='')}"

    def past_answer_window(self, uow: UnitOfWork, today: dt.date,
                           unalerted: bool) -> tuple[list[tuple[OpenClock, dt.date]], int]:
        """Paused clocks whose investor's answer window (the dossier's rule version) ran out by ``today``
        (with ``unalerted``: only those without an ``answer_overdue`` alert for this pause); and how many
        paused clocks were read. Each comes with the day its ``answer_overdue`` alert fell due."""
        cal = self.rules.calendar
        last_day = answer_cutoff(self.rules.answer_windows(), today, cal)
        if last_day is None:
            return [], 0
        rows = uow.alerts.paused_since(last_day, without_kind=ANSWER_OVERDUE if unalerted else None)
        out = []
        for clock_id, dossier_id, stage, paused_on, code, name, investor, wid, rule_id, division, officer, blockers \
                in rows:
            wf = self.rules.workflows.get(wid)
            rule = wf.find_rule(rule_id) if wf else None
            if rule is None or rule.supplement_answer is None or paused_on is None:
                continue
            window = rule.supplement_answer
            falls_on = answer_overdue_on(paused_on, window, cal)
            if falls_on <= today:
                out.append((OpenClock(clock_id, dossier_id, stage, window.unit, answer_deadline(paused_on, window, cal),
                                      code, name, investor, wid, division, officer, blockers, paused_on=paused_on,
                                      rule_version=rule_id), falls_on))
        return out, len(rows)


class DeadlineScan(Alerting):
    def scan(self, at: dt.datetime | None = None) -> ScanResult:
        """Raise every alert that has fallen due by ``at`` (default: now), once; returns what happened."""
        now = at or self.clock.now()
        today = local_date(now)
        cal = self.rules.calendar
        if not cal.is_working_day(today):
            log.info("scan on %s skipped: not a working day", today)
            return ScanResult(today, False)
        result = ScanResult(today, True)
        horizon = cal.add_working_days(today, self.rules.widest_due_soon())
        escalated_by = cal.add_working_days(today, -self.rules.smallest_escalate_after())
        with self.database.reading() as uow:
            clocks = uow.alerts.candidates(horizon, today, escalated_by)
            answers, read_paused = self.past_answer_window(uow, today, unalerted=True)
        todo: list[tuple[OpenClock, list[tuple[str, dt.date]]]] = []
        for c in clocks:
            t = self.rules.thresholds(c.workflow_id, c.stage)
            new = [(k, day) for k, day in due_alerts(c.due_date, today, t, cal) if k not in c.have]
            if new:
                todo.append((c, new))
        todo.extend((c, [(ANSWER_OVERDUE, falls_on)]) for c, falls_on in answers)
        result.candidates = len(clocks) + read_paused
        for start in range(0, len(todo), CHUNK):
            self._raise_chunk(todo[start:start + CHUNK], today, now, result)
        log.info("scan of %s: %d candidates, %d alerts raised, %d messages queued", today, result.candidates,
                 len(result.raised), result.messages)
        for problem in result.problems:
            log.warning("%s", problem)
        return result

    def _raise_chunk(self, todo: list[tuple[OpenClock, list[tuple[str, dt.date]]]], today: dt.date,
                     now: dt.datetime, result: ScanResult) -> None:
        people: Directory | None = None
        with self.database.unit_of_work() as uow:
            for c, new in todo:
                raised: dict[str, int] = {}
                for kind, falls_on in new:
                    alert_id = uow.alerts.record(c, kind, falls_on, today, now)
                    if alert_id is not None:  # None: recorded by another scan, or the clock changed meanwhile
                        raised[kind] = alert_id
                        result.raised.append({"code": c.code, "kind": kind, "stage": c.stage,
                                              "due_date": c.due_date.isoformat(), "falls_on": falls_on.isoformat()})
                if raised:
                    people = people or uow.people.directory()
                    result.messages += self._notify(uow, people, c, raised, today, result)
            uow.commit()

    def _recipients(self, people: Directory, c: OpenClock, raised: dict[str, int],
                    result: ScanResult) -> dict[str, tuple[str, str]]:
        """Whom to tell: person → (the most severe kind for them, audience)."""
        wanted: dict[str, tuple[str, str]] = {}

        def want(persons: list[Person], kind: str, audience: str) -> None:
            for p in persons:
                old = wanted.get(p.id)
                if old is None or SEVERITY[kind] > SEVERITY[old[0]]:
                    wanted[p.id] = (kind, audience)

        worst = max(raised, key=SEVERITY.__getitem__)
        officer = people.by_id.get(c.officer) if c.officer else None
        for kind in raised:
            if officer is not None:
                want([officer], kind, "officer")
            elif kind == worst:
                who = (f"cán bộ «{c.officer}» không có hoặc đã thôi công tác" if c.officer
                       else "chưa phân công chuyên viên")
                result.problems.append(f"Hồ sơ {c.code}: {who}; cảnh báo «{KIND_LABELS[kind]}» "
                                       "không gửi được cho chuyên viên.")
            if kind in (OVERDUE, ANSWER_OVERDUE):
                want(self._told(people.heads.get(c.division, []), result,
                                f"Hồ sơ {c.code}: phòng {c.division} không có trưởng phòng để báo quá hạn."),
                     kind, "head")
            if kind == ESCALATION:
                want(self._told(people.directors, result,
                                f"Hồ sơ {c.code}: không có Giám đốc (vai trò director) để báo cáo."),
                     kind, "director")
        return wanted

    @staticmethod
    def _told(persons: list[Person], result: ScanResult, nobody: str) -> list[Person]:
        if not persons:
            result.problems.append(nobody)
        return persons

    def _notify(self, uow: UnitOfWork, people: Directory, c: OpenClock, raised: dict[str, int], today: dt.date,
                result: ScanResult) -> int:
        """Queue one message per recipient for a clock's newly raised alerts: the most severe one each."""
        sent = 0
        cal = self.rules.calendar
        for person_id, (kind, audience) in sorted(self._recipients(people, c, raised, result).items()):
            person = people.by_id[person_id]
            days = (days_between(cal, today, c.due_date, c.unit) if kind == DUE_SOON
                    else days_between(cal, c.due_date, today, c.unit))
            context = {
                "recipient": {"id": person.id, "name": person.name}, "audience": audience, "kind": kind,
                "dossier": {"code": c.code, "name": c.name, "investor": c.investor, "division": c.division,
                            "officer_name": people.name(c.officer),
                            "stage_label": self.rules.stage_label(c.workflow_id, c.stage), "due_date": c.due_date,
                            "days": days, "unit_label": UNIT_LABELS.get(c.unit, c.unit), "blockers": c.blockers,
                            "link": self.link(c.code), "paused_on": c.paused_on},
            }
            alert_id = raised[kind]
            if self.mailer.queue(uow, f"alert:{alert_id}:{person.id}", "alert", person, "alert", context,
                                 alert_id=alert_id, dossier_id=c.dossier_id):
                sent += 1
            if person.email is None:
                result.missing_email.append({"person": person.id, "name": person.name, "code": c.code, "kind": kind})
                result.problems.append(f"{person.name} ({person.id}) chưa có e-mail: thư «{KIND_LABELS[kind]}» về "
                                       f"hồ sơ {c.code} được giữ lại (trạng thái no_address).")
        return sent
