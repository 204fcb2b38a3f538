"""Stage clocks: start, pause, resume (or restart), extend and finish, on the working-day calendar.

Pure domain: plain dataclasses and arithmetic, no database. See docs/rules.md for the rules.

- ``used_before``: units consumed by earlier running segments (after a pause);
- a running segment starts on ``segment_start`` (not counted);
- ``due_date = add(segment_start, limit + extension - used_before)``; None while paused;
- a pause on day P consumes the units after ``segment_start`` up to and including P.

A finished stage never changes again, so its metric inputs are computed once, here, and stored on its
row (engine/metrics.py reads them):

- ``paused_working_days``: for each pause, the working days after the pause day up to and including the
  resumption day (or the finishing day, for a clock closed while paused), accumulated on each resume;
- ``turnaround_working_days``: working days after the start day up to and including the finishing
  day, minus ``paused_working_days``; ``turnaround_days``: calendar days from start to finish minus
  ``paused_days``. Both None while the clock is open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calendar import WorkingCalendar

EARLY, ON_TIME, LATE = "early", "on_time", "late"
OUTCOME_LABELS = {EARLY: "Trước hạn", ON_TIME: "Đúng hạn", LATE: "Quá hạn", None: "—"}


@dataclass
class StageClock:
    stage: str
    seq: int
    unit: str
    limit: int
    policy: str
    start_date: dt.date
    segment_start: dt.date
    due_date: dt.date | None
    used_before: int = 0
    extension: int = 0
    max_extension: int = 0
    paused_on: dt.date | None = None
    pause_count: int = 0
    paused_days: int = 0
    finished_on: dt.date | None = None
    outcome: str | None = None
    closed_by: str | None = None
    id: int | None = None
    paused_working_days: int = 0
    turnaround_working_days: int | None = None
    turnaround_days: int | None = None

    @property
    def is_open(self) -> bool:
        return self.finished_on is None

    @property
    def paused(self) -> bool:
        return self.paused_on is not None and self.finished_on is None

    def used(self, today: dt.date, cal: WorkingCalendar) -> int:
        """Units counted against the officer up to ``today`` (paused time never counts)."""
        if self.paused_on is not None:
            return self.used_before
        end = self.finished_on or today
        return self.used_before + max(0, cal.units_between(self.segment_start, end, self.unit))

    def remaining(self, today: dt.date, cal: WorkingCalendar) -> int:
        return max(0, self.limit + self.extension - self.used(today, cal))


def start_clock(stage: str, seq: int, limit: int, unit: str, policy: str, max_extension: int,
                day: dt.date, cal: WorkingCalendar) -> StageClock:
    return StageClock(stage=stage, seq=seq, unit=unit, limit=limit, policy=policy, start_date=day,
                      segment_start=day, due_date=cal.add(day, limit, unit), max_extension=max_extension)


def pause(clock: StageClock, day: dt.date, cal: WorkingCalendar) -> None:
    clock.used_before += max(0, cal.units_between(clock.segment_start, day, clock.unit))
    clock.paused_on = day
    clock.due_date = None
    clock.pause_count += 1


def resume(clock: StageClock, day: dt.date, cal: WorkingCalendar) -> str:
    """Resume a paused clock on ``day``; returns "resume" or "restart" as the policy applied."""
    assert clock.paused_on is not None
    clock.paused_days += (day - clock.paused_on).days
    clock.paused_working_days += cal.working_days_between(clock.paused_on, day)
    clock.paused_on = None
    clock.segment_start = day
    if clock.policy == "restart":
        clock.used_before = 0
    clock.due_date = cal.add(day, clock.limit + clock.extension - clock.used_before, clock.unit)
    return clock.policy


def extend(clock: StageClock, cal: WorkingCalendar) -> int:
    """Grant the stage's extension once; returns the units added."""
    units = clock.max_extension
    clock.extension += units
    if clock.paused_on is None:
        clock.due_date = cal.add(clock.segment_start, clock.limit + clock.extension - clock.used_before,
                                 clock.unit)
    return units


def judge(finished_on: dt.date, due: dt.date) -> str:
    """One-stop-shop outcome: before the (inclusive) due date early, on it on time, after it late."""
    if finished_on < due:
        return EARLY
    return ON_TIME if finished_on == due else LATE


def finish(clock: StageClock, day: dt.date, event: str, cal: WorkingCalendar) -> None:
    """Close the clock and store its turnaround. A clock closed while paused is not judged (the
    investor held it); its last pause lasts up to ``day``."""
    if clock.paused_on is not None:
        clock.paused_days += (day - clock.paused_on).days
        clock.paused_working_days += cal.working_days_between(clock.paused_on, day)
        clock.outcome = None
    else:
        assert clock.due_date is not None
        clock.outcome = judge(day, clock.due_date)
    clock.finished_on = day
    clock.closed_by = event
    clock.turnaround_working_days = cal.working_days_between(clock.start_date, day) - clock.paused_working_days
    clock.turnaround_days = (day - clock.start_date).days - clock.paused_days
