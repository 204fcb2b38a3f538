"""Stage clocks: start, pause, resume (or restart), extend and finish, on the working-day calendar.

Pure domain: a clock is an immutable value and every operation returns a new one (a copy made by
``values.evolve``, the fire path's cheap ``dataclasses.replace``). See docs/rules.md.

- ``used_before``: units consumed by earlier running segments (after a pause);
- a running segment starts on ``segment_start`` (not counted);
- ``due_date = add(segment_start, limit + extension - used_before)``; None while paused;
- a pause on day P consumes the units after ``segment_start`` up to and including P.

A finished stage never changes again, so its metric inputs are computed once, when it finishes, and
stored on its row (the metrics read them):

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
from .values import evolve

EARLY, ON_TIME, LATE = "early", "on_time", "late"
OUTCOMES = (EARLY, ON_TIME, LATE)
OUTCOME_LABELS: dict[str | None, str] = {EARLY: "Trước hạn", ON_TIME: "Đúng hạn", LATE: "Quá hạn",
                                         None: "—"}
RESUME, RESTART = "resume", "restart"


@dataclass(frozen=True)
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

    def overdue_by(self, today: dt.date, cal: WorkingCalendar) -> int:
        """Units past the due date on ``today`` (0 unless open, running and late)."""
        if not self.is_open or self.paused or self.due_date is None or today <= self.due_date:
            return 0
        return cal.units_between(self.due_date, today, self.unit)


def start_clock(stage: str, seq: int, limit: int, unit: str, policy: str, max_extension: int,
                day: dt.date, cal: WorkingCalendar) -> StageClock:
    return StageClock(stage=stage, seq=seq, unit=unit, limit=limit, policy=policy, start_date=day,
                      segment_start=day, due_date=cal.add(day, limit, unit), max_extension=max_extension)


def pause(clock: StageClock, day: dt.date, cal: WorkingCalendar) -> StageClock:
    return evolve(clock, used_before=clock.used_before + max(0, cal.units_between(clock.segment_start, day,
                                                                                   clock.unit)),
                   paused_on=day, due_date=None, pause_count=clock.pause_count + 1)


def resume(clock: StageClock, day: dt.date, cal: WorkingCalendar) -> StageClock:
    """Resume a paused clock on ``day`` under its policy (``resume`` keeps the units used, ``restart``
    starts the full limit again)."""
    assert clock.paused_on is not None
    used_before = 0 if clock.policy == RESTART else clock.used_before
    return evolve(clock, paused_days=clock.paused_days + (day - clock.paused_on).days,
                   paused_working_days=clock.paused_working_days + cal.working_days_between(clock.paused_on, day),
                   paused_on=None, segment_start=day, used_before=used_before,
                   due_date=cal.add(day, clock.limit + clock.extension - used_before, clock.unit))


def extend(clock: StageClock, cal: WorkingCalendar) -> StageClock:
    """Grant the stage's extension once (``max_extension`` units)."""
    extension = clock.extension + clock.max_extension
    due = clock.due_date
    if clock.paused_on is None:
        due = cal.add(clock.segment_start, clock.limit + extension - clock.used_before, clock.unit)
    return evolve(clock, extension=extension, due_date=due)


def judge(finished_on: dt.date, due: dt.date) -> str:
    """One-stop-shop outcome: before the (inclusive) due date early, on it on time, after it late."""
    if finished_on < due:
        return EARLY
    return ON_TIME if finished_on == due else LATE


def finish(clock: StageClock, day: dt.date, event: str, cal: WorkingCalendar) -> StageClock:
    """Close the clock and store its turnaround. A clock closed while paused is not judged (the
    investor held it); its last pause lasts up to ``day``."""
    paused_days, paused_wd, outcome = clock.paused_days, clock.paused_working_days, None
    if clock.paused_on is not None:
        paused_days += (day - clock.paused_on).days
        paused_wd += cal.working_days_between(clock.paused_on, day)
    else:
        assert clock.due_date is not None
        outcome = judge(day, clock.due_date)
    return evolve(clock, paused_days=paused_days, paused_working_days=paused_wd, outcome=outcome,
                   finished_on=day, closed_by=event,
                   turnaround_working_days=cal.working_days_between(clock.start_date, day) - paused_wd,
                   turnaround_days=(day - clock.start_date).days - paused_days)
