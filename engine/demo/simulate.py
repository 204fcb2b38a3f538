"""Carrying the demo's plans out day by day through the use cases, with the scheduler's mornings.

Every event goes through the same commands and services as a person's (``Receive``, ``Fire``) with an
explicit time on a working day, while a ``FixedClock`` moves forward. From the day the reminders go
live, each working day begins as the scheduler's would: the deadline scan before the office opens
(07:00), the heads' digest at the digest time, and a dispatch after each, so the year's reminders and
digests land as .eml files in the mail folder.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from notifications.transports import EmlFolderTransport

from ..bootstrap import App
from ..domain.caller import Via
from ..domain.clock import TZ, FixedClock
from ..domain.commands import Fire, Receive
from ..domain.errors import ThamdinhError
from ..domain.requirements import compose
from ..store.outbox import NO_ADDRESS
from .plans import SEED, Plan

DEMO = Via("demo")

log = logging.getLogger(__name__)
#: the scan of a simulated working day runs before the office opens (the first events are at 07:30)
SCAN_TIME = dt.time(7, 0)
Agenda = dict[dt.date, list[tuple[dt.datetime, int, str, Plan, str | None]]]
_QUIET = ("engine.services.deadline_scan", "engine.services.digest", "notifications")


def agenda(app: App, plans: list[tuple[dt.date, Plan]], end: dt.date) -> Agenda:
    """Each day's acts, at plausible office hours, in time order per dossier."""
    cal = app.calendar
    rng = random.Random(SEED + 1)
    out: Agenda = defaultdict(list)
    for day, plan in plans:
        at = dt.datetime.combine(day, dt.time(7, 30), TZ) + dt.timedelta(minutes=rng.randint(0, 500))
        out[day].append((at, 0, "receive", plan, None))
        last, seq = at, 0
        for offset, event, actor in sorted(plan.events, key=lambda e: e[0]):
            eday = cal.add_working_days(day, offset) if offset > 0 else day
            if eday > end:
                break
            at = dt.datetime.combine(eday, dt.time(7, 30), TZ) + dt.timedelta(minutes=rng.randint(0, 500))
            at = max(at, last + dt.timedelta(minutes=3))
            seq += 1
            out[eday].append((at, seq, event, plan, actor))
            last = at
    return out

#: the reasons the workflows require of a supplement request and a return (``requires``)
REASONS = {"request_supplement": compose("Hồ sơ chưa đủ thành phần theo quy định",
                                         ["Báo cáo kết quả khảo sát địa chất công trình"]),
           "return": "Chủ đầu tư không bổ sung hồ sơ trong thời hạn yêu cầu"}


class Simulation:
    def __init__(self, app: App, clock: FixedClock, reminders_from: dt.date | None) -> None:
        self.app, self.clock, self.reminders_from = app, clock, reminders_from
        # the demo's folder is thrown away with the run: no fsync per file (writes stay atomic)
        self.dispatcher = app.dispatcher(EmlFolderTransport(app.settings.mail_dir, fsync=False))
        self.failed: set[str] = set()
        #: called at the end of each simulated working day (engine.demo.blockers: blockers and urges)
        self.daily: list[Callable[[dt.date], None]] = []
        self.counts: dict[str, Any] = {"received": 0, "events": 0, "handovers": 0, "refused": 0, "alerts": 0,
                                       "messages": 0, "digests": 0, "sent": 0, "no_address": 0, "mail_days": 0}

    def morning(self, day: dt.date) -> None:
        """The scheduler's scan and digest of one working day, each followed by a dispatch."""
        loggers = [logging.getLogger(name) for name in _QUIET]
        levels = [lg.level for lg in loggers]
        for lg in loggers:  # people without e-mail are counted in the summary, not logged every day
            lg.setLevel(logging.ERROR)
        try:
            at = dt.datetime.combine(day, SCAN_TIME, TZ)
            self.clock.set(at)
            res = self.app.scanner.scan(at)
            self.counts["alerts"] += len(res.raised)
            self.counts["messages"] += res.messages
            self.counts["sent"] += self.dispatcher.run_once().sent
            at = dt.datetime.combine(day, self.app.settings.digest_at, TZ)
            self.clock.set(at)
            self.counts["digests"] += sum(1 for d in self.app.digests.digest(at).digests if d["queued"])
            self.counts["sent"] += self.dispatcher.run_once().sent
            self.counts["mail_days"] += 1
        finally:
            for lg, level in zip(loggers, levels, strict=True):
                lg.setLevel(level)

    def act(self, at: dt.datetime, event: str, plan: Plan, who: str | None) -> None:
        self.clock.set(at)
        if plan.code in self.failed:
            return
        try:
            if event == "receive":
                # the use case without the dossier view the CLI prints (the demo shows it to no one)
                self.app.services.writes.receive(Receive(at=at, **plan.receive), DEMO)
                self.counts["received"] += 1
            else:
                name, _, to = event.partition(":")
                self.app.services.fire(Fire(code=plan.code, event=name, actor=who or "system", at=at,
                                            officer=to or None, note=REASONS.get(name)), DEMO)
                self.counts["events"] += 1
                self.counts["handovers"] += 1 if to else 0
        except ThamdinhError as exc:
            self.counts["refused"] += 1
            self.failed.add(plan.code)
            log.debug("demo: %s %s refused: %s", plan.code, event, exc)

    def run(self, plans: list[tuple[dt.date, Plan]], start: dt.date, end: dt.date,
            tick: Callable[[int], None] | None = None) -> dict[str, Any]:
        """Carry the plans out day by day; returns counts."""
        days = agenda(self.app, plans, end)
        for day in self.app.calendar.working_days_in(start, end):
            if self.reminders_from is not None and day >= self.reminders_from:
                self.morning(day)
            for at, _, event, plan, who in sorted(days.get(day, []), key=lambda x: (x[0], x[1])):
                self.act(at, event, plan, who)
            for hook in self.daily:
                hook(day)
            self.clock.set(dt.datetime.combine(day, dt.time(17, 30), TZ))
            if tick:
                tick(1)
        if self.reminders_from is None:
            self.counts["reminders"] = "off"
        else:
            with self.app.database.reading() as uow:
                self.counts["no_address"] = uow.outbox.counts().get(NO_ADDRESS, 0)
            self.counts["reminders"] = f"from {max(self.reminders_from, start).isoformat()}"
        return self.counts
