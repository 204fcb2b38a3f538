"""Clock effects of a transition, derived from the stages of the two states, as typed events.

- ``clock: extend`` on the transition: the open clock gets its extension (ClockExtended);
- an internal transition (``@same``) leaves the clock as it is (reassign);
- entering a state that pauses the clock pauses the running one (ClockPaused);
- leaving a pause back into the same stage resumes it under its policy (ClockResumed);
- otherwise the open clock of another stage finishes with its outcome (StageFinished), and the new
  state's stage, if any, starts a clock (ClockStarted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..domain import deadlines
from ..domain import events as ev
from ..domain.calendar import WorkingCalendar
from ..domain.deadlines import StageClock
from ..domain.errors import GuardFailed
from ..domain.workflow import SAME, RuleVersion, TransitionDef, WorkflowDef


@dataclass(frozen=True)
class ClockEffect:
    changed: StageClock | None = None
    opened: StageClock | None = None
    events: tuple[ev.DomainEvent, ...] = ()


def _extend(clock: StageClock | None, rule: RuleVersion, cal: WorkingCalendar) -> ClockEffect:
    if clock is None:
        raise GuardFailed("Hồ sơ không có thời hạn đang chạy để gia hạn.")
    if clock.max_extension <= 0:
        raise GuardFailed(f"Quy định {rule.id} không cho phép gia hạn bước «{clock.stage}».")
    extended = deadlines.extend(clock, cal)
    return ClockEffect(extended, None, (ev.ClockExtended(clock.stage, clock.max_extension, clock.unit,
                                                         extended.due_date),))


def clock_effects(wf: WorkflowDef, t: TransitionDef, before: str, after: str, rule: RuleVersion,
                  clock: StageClock | None, day: dt.date, cal: WorkingCalendar, next_seq: int,
                  fields: Mapping[str, Any], event: str) -> ClockEffect:
    """What the transition ``before`` → ``after`` (by ``t``, on ``day``) does to the clocks."""
    if t.clock == "extend":
        return _extend(clock, rule, cal)
    if t.target == SAME:
        return ClockEffect()  # the state is kept, so is the clock (reassign)
    src, dst = wf.states[before], wf.states[after]
    if dst.pauses_clock:
        if clock is None or clock.paused:
            return ClockEffect()
        return ClockEffect(deadlines.pause(clock, day, cal), None, (ev.ClockPaused(clock.stage, day),))
    if src.pauses_clock and clock is not None and clock.paused and dst.stage == clock.stage:
        resumed = deadlines.resume(clock, day, cal)
        assert resumed.due_date is not None
        return ClockEffect(resumed, None, (ev.ClockResumed(clock.stage, day, clock.policy, resumed.due_date),))
    changed, opened = None, None
    events: list[ev.DomainEvent] = []
    if clock is not None and clock.stage != dst.stage:
        changed = deadlines.finish(clock, day, event, cal)
        events.append(ev.StageFinished(clock.stage, day, changed.outcome))
    if dst.stage is not None and (clock is None or clock.stage != dst.stage):
        lim = wf.limit(rule, dst.stage, fields)
        opened = deadlines.start_clock(dst.stage, next_seq, lim.value, lim.unit, lim.policy, lim.extension, day, cal)
        assert opened.due_date is not None
        events.append(ev.ClockStarted(dst.stage, opened.limit, opened.unit, opened.due_date))
    return ClockEffect(changed, opened, tuple(events))
