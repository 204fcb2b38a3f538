"""The evaluation's inputs on blockers and urging, for the movement's criteria of those metrics
(engine.domain.movement ``BLOCKER_METRICS``), each counted with its criterion's ``within`` working days:

- ``blockers_raised_promptly_share``: of the blockers raised in the period whose cause's day is known,
  those raised within N working days of it (``blockers_prompt`` / ``blockers_dated``);
- ``blockers_resolved_in_time_share``: of the blockers raised in the period that were resolved by its
  end or whose N working days ended by then, those resolved within N working days of being raised
  (``blockers_resolved_in_time`` / ``blockers_due``);
- ``overdue_urged_share``: of the stage cases due in the period and not finished by their due date,
  those whose dossier was urged within N working days after the due date, by the period's end
  (``overdue_urged`` / ``overdue_stages``).

A blocker counts for its division and for the person who raised it; a stage case for the division and
the officer it was credited to (the stage clock's). Working days are the calendar's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ..domain import blockers as b
from ..domain.calendar import WorkingCalendar
from ..domain.clock import TZ, local_date
from ..domain.movement import BLOCKER_METRICS, Movement
from ..store.blockers import BlockerStore
from ..store.database import Database
from .periods import Period

PROMPT, RESOLVED, URGED = "blockers_raised_promptly_share", "blockers_resolved_in_time_share", "overdue_urged_share"
#: the counts, in the order of each unit's list
KEYS = ("blockers_dated", "blockers_prompt", "blockers_due", "blockers_resolved_in_time", "overdue_stages",
        "overdue_urged")
Units = dict[str, defaultdict[str, list[int]]]


def _counts(units: Units, division: str | None, person: str | None) -> list[list[int]]:
    return [units[unit][code] for unit, code in (("division", division), ("officer", person)) if code]


def _blockers(cal: WorkingCalendar, rows: list[tuple[Any, ...]], within: dict[str, int], end: dt.date,
              units: Units) -> None:
    for division, raised_by, _cause, cause_on, raised_on, resolved_on, _state, _esc in rows:
        targets = _counts(units, division, raised_by)
        if PROMPT in within and cause_on is not None:
            prompt = int(b.raised_promptly(cal, cause_on, raised_on, within[PROMPT]))
            for t in targets:
                t[0] += 1
                t[1] += prompt
        if RESOLVED in within:
            window_end = cal.add_working_days(raised_on, within[RESOLVED])
            resolved = resolved_on is not None and resolved_on <= end
            if resolved or window_end <= end:
                in_time = int(resolved and resolved_on is not None and resolved_on <= window_end)
                for t in targets:
                    t[2] += 1
                    t[3] += in_time


def _urging(cal: WorkingCalendar, stages: list[tuple[int, str | None, str | None, dt.date]],
            urges: list[tuple[int, dt.datetime]], n: int, end: dt.date, units: Units) -> None:
    days: defaultdict[int, list[dt.date]] = defaultdict(list)
    for dossier_id, at in urges:
        days[dossier_id].append(local_date(at))
    for dossier_id, division, officer, due in stages:
        urged_on = days.get(dossier_id)
        urged = 0
        if urged_on:  # only the few stages of urged dossiers ask the calendar
            last = min(cal.add_working_days(due, n), end)
            urged = int(any(due < d <= last for d in urged_on))
        for t in _counts(units, division, officer):
            t[4] += 1
            t[5] += urged


def blocker_totals(database: Database, cal: WorkingCalendar, movement: Movement,
                   period: Period) -> dict[str, dict[str, dict[str, int]]]:
    """unit kind → unit code → the counts above; empty when the movement weighs none of these metrics."""
    within = {c.metric: c.within or 0 for c in movement.criteria if c.metric in BLOCKER_METRICS}
    if not within:
        return {}
    units: Units = {"division": defaultdict(lambda: [0] * len(KEYS)), "officer": defaultdict(lambda: [0] * len(KEYS))}
    with database.reading() as uow:
        store = BlockerStore(uow)
        if PROMPT in within or RESOLVED in within:
            _blockers(cal, store.raised_between(period.start, period.end), within, period.end, units)
        if URGED in within:
            start = dt.datetime.combine(period.start, dt.time(0), TZ)
            stop = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(0), TZ)
            _urging(cal, store.overdue_stages(period.start, period.end), store.urges_between(start, stop),
                    within[URGED], period.end, units)
    return {unit: {code: dict(zip(KEYS, c, strict=True)) for code, c in by_code.items()}
            for unit, by_code in units.items()}
