"""Rebuilding a dossier's stage clocks from its history alone, as ``thamdinh verify`` does.

Every clock is recomputed with the calendar and the dossier's rule version: the limit of each stage
(``WorkflowDef.limit`` for the dossier's fields), its start day, pauses, resumptions, extensions, the
due date after each, the finish with its outcome and turnaround. What the history says about the
clocks (the typed events on each row) is only the sequence of what happened and on which day; every
number is computed again, so a changed due date, outcome or turnaround in ``stage_clock`` shows as a
difference, and so does a due date in the history that the rules would not give.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import deadlines
from . import events as ev
from .calendar import WorkingCalendar
from .clock import local_date
from .deadlines import StageClock
from .dossier import HistoryEntry
from .formatting import vn_date
from .workflow import Limit, RuleVersion, WorkflowDef

LimitOf = Callable[[str], Limit]

#: the columns of a stage clock that verify compares
CLOCK_FIELDS = ("stage", "seq", "unit", "limit", "policy", "max_extension", "start_date", "segment_start",
                "due_date", "used_before", "extension", "paused_on", "pause_count", "paused_days", "finished_on",
                "outcome", "paused_working_days", "turnaround_working_days", "turnaround_days", "closed_by")
#: what each compared field is called in verify's findings
FIELD_LABELS = {"stage": "bước", "seq": "số thứ tự", "unit": "đơn vị", "limit": "thời hạn quy định",
                "policy": "cách tính khi tiếp tục", "max_extension": "gia hạn được phép",
                "closed_by": "sự kiện kết thúc",
                "start_date": "ngày bắt đầu", "segment_start": "ngày bắt đầu đoạn đang tính",
                "due_date": "hạn xử lý", "used_before": "số ngày đã dùng trước tạm dừng", "extension": "gia hạn",
                "paused_on": "ngày tạm dừng", "pause_count": "số lần tạm dừng", "paused_days": "số ngày tạm dừng",
                "finished_on": "ngày kết thúc", "outcome": "kết quả",
                "paused_working_days": "số ngày làm việc tạm dừng",
                "turnaround_working_days": "thời gian xử lý (ngày làm việc)",
                "turnaround_days": "thời gian xử lý (ngày)"}
OUTCOME_WORDS = {"early": "trước hạn", "on_time": "đúng hạn", "late": "quá hạn"}


def shown(value: Any) -> str:
    """A compared value as a person reads it (dates dd/mm/yyyy, outcomes in words, «—» for none)."""
    if value is None:
        return "—"
    if isinstance(value, dt.date):
        return vn_date(value)
    return OUTCOME_WORDS.get(value, str(value)) if isinstance(value, str) else str(value)


@dataclass
class Replayed:
    """What the history implies: the clocks in order, each one's pauses, and the disagreements found
    inside the history itself (a due date it records that the rules do not give)."""

    clocks: list[StageClock] = field(default_factory=list)
    #: per clock: each pause (day, resumed on, the due date just before it), each extension (day, due before)
    pauses: list[list[tuple[dt.date, dt.date | None, dt.date | None]]] = field(default_factory=list)
    extensions: list[list[tuple[dt.date, dt.date | None]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _day_of(entry: HistoryEntry, cal: WorkingCalendar) -> dt.date:
    """The day an event's clock effects count from: its own day, or the next working day."""
    for x in entry.effects:
        on = getattr(x, "on", None)
        if isinstance(on, dt.date):
            return on
    return cal.next_working_day(local_date(entry.at))


def _start(r: Replayed, x: ev.ClockStarted, where: str, day: dt.date, limit_of: LimitOf,
           cal: WorkingCalendar) -> None:
    lim = limit_of(x.stage)
    started = deadlines.start_clock(x.stage, len(r.clocks) + 1, lim.value, lim.unit, lim.policy, lim.extension,
                                    day, cal)
    if (x.limit, x.unit, x.due_date) != (started.limit, started.unit, started.due_date):
        r.problems.append(f"{where}: lịch sử ghi hạn {vn_date(x.due_date)} ({x.limit} {x.unit}), quy định cho "
                          f"hạn {vn_date(started.due_date)} ({started.limit} {started.unit})")
    r.clocks.append(started)
    r.pauses.append([])
    r.extensions.append([])


def _pause(r: Replayed, clock: StageClock, x: ev.ClockPaused, where: str, cal: WorkingCalendar) -> StageClock | None:
    if clock.paused_on is not None:
        r.problems.append(f"{where}: tạm dừng thời hạn đang tạm dừng")
        return None
    r.pauses[-1].append((x.on, None, clock.due_date))
    return deadlines.pause(clock, x.on, cal)


def _end_pause(r: Replayed, on: dt.date) -> None:
    """The open pause of the current clock ends on ``on``."""
    day, _, due_before = r.pauses[-1][-1]
    r.pauses[-1][-1] = (day, on, due_before)


def _finish(r: Replayed, clock: StageClock, x: ev.StageFinished, where: str, event: str,
            cal: WorkingCalendar) -> StageClock:
    if clock.paused_on is not None and r.pauses[-1]:
        _end_pause(r, x.on)
    changed = deadlines.finish(clock, x.on, event, cal)
    if changed.outcome != x.outcome:
        r.problems.append(f"{where}: lịch sử ghi kết quả {shown(x.outcome)}, tính lại được {shown(changed.outcome)}")
    return changed


def _change(r: Replayed, clock: StageClock, x: ev.DomainEvent, where: str, event: str, day: dt.date,
            cal: WorkingCalendar) -> StageClock | None:
    """The clock after ``x`` (None: ``x`` does not change a clock); notes where the history disagrees."""
    if isinstance(x, ev.ClockPaused):
        return _pause(r, clock, x, where, cal)
    if isinstance(x, ev.StageFinished):
        return _finish(r, clock, x, where, event, cal)
    if isinstance(x, ev.ClockResumed):
        if clock.paused_on is None or not r.pauses[-1]:
            r.problems.append(f"{where}: tiếp tục tính thời hạn khi thời hạn không tạm dừng")
            return None
        _end_pause(r, x.on)
        changed = deadlines.resume(clock, x.on, cal)
    elif isinstance(x, ev.ClockExtended):
        r.extensions[-1].append((day, clock.due_date))
        changed = deadlines.extend(clock, cal)
    else:
        return None
    if changed.due_date != x.due_date:
        r.problems.append(f"{where}: lịch sử ghi hạn mới {shown(x.due_date)}, tính lại được {shown(changed.due_date)}")
    return changed


def _apply(r: Replayed, x: ev.DomainEvent, entry: HistoryEntry, day: dt.date, limit_of: LimitOf,
           cal: WorkingCalendar) -> None:
    where = f"dòng {entry.seq} ({entry.event})"
    if isinstance(x, ev.ClockStarted):
        _start(r, x, where, day, limit_of, cal)
        return
    if isinstance(x, (ev.SupplementRequested, ev.DossierHandedOver)):
        return
    clock = r.clocks[-1] if r.clocks and r.clocks[-1].is_open else None
    if clock is None:
        r.problems.append(f"{where}: tác động «{x.kind}» khi không có thời hạn nào đang chạy")
        return
    changed = _change(r, clock, x, where, entry.event, day, cal)
    if changed is not None:
        r.clocks[-1] = changed


def replay(history: Iterable[HistoryEntry], wf: WorkflowDef, rule: RuleVersion, fields: Mapping[str, Any],
           cal: WorkingCalendar, limit_of: LimitOf | None = None) -> Replayed:
    """The clocks the history of one dossier implies (rows in ``seq`` order); ``limit_of(stage)``: the
    stage's limit for this dossier, if the caller keeps them (else ``wf.limit(rule, stage, fields)``)."""
    if limit_of is None:
        def limit_of(stage: str) -> Limit:
            return wf.limit(rule, stage, fields)
    r = Replayed()
    for entry in history:
        day = _day_of(entry, cal)
        for x in entry.effects:
            _apply(r, x, entry, day, limit_of, cal)
    return r


def differences(expected: StageClock, stored: StageClock) -> list[str]:
    """The compared fields where a stored clock differs from the recomputed one, in Vietnamese."""
    return [f"{FIELD_LABELS[name]}: lưu {shown(getattr(stored, name))}, tính lại {shown(getattr(expected, name))}"
            for name in CLOCK_FIELDS if getattr(stored, name) != getattr(expected, name)]
