"""What happened: the typed, past-tense events a fired event produces.

The runtime returns them in its ``Step``; the store records what they say (clock rows, pauses, the
history row's effects) and keeps them as data; ``describe`` says them in Vietnamese for people.
``compact`` gives the short codes the API has always shown in ``clock_effect`` (output only: nothing
reads them back).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import ClassVar

from .calendar import UNIT_LABELS
from .deadlines import OUTCOME_LABELS, RESTART
from .formatting import vn_date


@dataclass(frozen=True)
class DomainEvent:
    kind: ClassVar[str] = ""


@dataclass(frozen=True)
class ClockStarted(DomainEvent):
    kind: ClassVar[str] = "clock_started"
    stage: str
    limit: int
    unit: str
    due_date: dt.date


@dataclass(frozen=True)
class ClockPaused(DomainEvent):
    kind: ClassVar[str] = "clock_paused"
    stage: str
    on: dt.date


@dataclass(frozen=True)
class ClockResumed(DomainEvent):
    """The clock runs again: with policy ``resume`` the units used are kept, with ``restart`` the full
    limit starts again (Decree 217)."""

    kind: ClassVar[str] = "clock_resumed"
    stage: str
    on: dt.date
    policy: str
    due_date: dt.date


@dataclass(frozen=True)
class ClockExtended(DomainEvent):
    kind: ClassVar[str] = "clock_extended"
    stage: str
    units: int
    unit: str
    due_date: dt.date | None


@dataclass(frozen=True)
class StageFinished(DomainEvent):
    """A stage's clock closed; ``outcome`` is None when it closed while paused (not judged)."""

    kind: ClassVar[str] = "stage_finished"
    stage: str
    on: dt.date
    outcome: str | None


@dataclass(frozen=True)
class SupplementRequested(DomainEvent):
    """The investor was asked for supplements (the ``count``-th request on this dossier)."""

    kind: ClassVar[str] = "supplement_requested"
    count: int


@dataclass(frozen=True)
class DossierHandedOver(DomainEvent):
    kind: ClassVar[str] = "dossier_handed_over"
    from_officer: str | None
    to_officer: str


EVENT_TYPES: dict[str, type[DomainEvent]] = {
    cls.kind: cls for cls in (ClockStarted, ClockPaused, ClockResumed, ClockExtended, StageFinished,
                              SupplementRequested, DossierHandedOver)}

Label = Callable[[str], str]


def _same(value: str) -> str:
    return value


def describe(event: DomainEvent, stage_label: Label = _same, person_name: Label = _same) -> str:
    """One event in Vietnamese, for the history's «Thời hạn» column, the CLI and the API."""
    match event:
        case ClockStarted(stage=stage, limit=limit, unit=unit, due_date=due):
            return f"Bắt đầu tính thời hạn «{stage_label(stage)}»: {limit} {UNIT_LABELS[unit]}, hạn {vn_date(due)}"
        case ClockPaused(stage=stage, on=on):
            return f"Tạm dừng tính thời hạn «{stage_label(stage)}» từ {vn_date(on)}"
        case ClockResumed(stage=stage, policy=policy, due_date=due):
            how = "Tính lại từ đầu" if policy == RESTART else "Tiếp tục tính"
            return f"{how} thời hạn «{stage_label(stage)}», hạn mới {vn_date(due)}"
        case ClockExtended(stage=stage, units=units, unit=unit, due_date=due):
            tail = f", hạn mới {vn_date(due)}" if due else ""
            return f"Gia hạn «{stage_label(stage)}» thêm {units} {UNIT_LABELS[unit]}{tail}"
        case StageFinished(stage=stage, outcome=outcome):
            judged = OUTCOME_LABELS[outcome].lower() if outcome else "không đánh giá (đóng khi chờ chủ đầu tư)"
            return f"Kết thúc bước «{stage_label(stage)}»: {judged}"
        case SupplementRequested(count=count):
            return f"Yêu cầu bổ sung lần thứ {count}"
        case DossierHandedOver(from_officer=before, to_officer=after):
            return f"Giao hồ sơ từ {person_name(before) if before else 'chưa phân công'} sang {person_name(after)}"
    raise TypeError(f"no description for {event!r}")


def describe_all(events: Iterable[DomainEvent], stage_label: Label = _same, person_name: Label = _same) -> str:
    return "; ".join(describe(e, stage_label, person_name) for e in events)


def compact(events: Iterable[DomainEvent]) -> str | None:
    """The short codes of the clock effects (``finish:appraisal:early,start:post_basic_design``)."""
    codes: list[str] = []
    for e in events:
        match e:
            case ClockStarted(stage=stage):
                codes.append(f"start:{stage}")
            case ClockPaused(stage=stage):
                codes.append(f"pause:{stage}")
            case ClockResumed(stage=stage, policy=policy):
                codes.append(f"{policy}:{stage}")
            case ClockExtended(stage=stage, units=units):
                codes.append(f"extend:{stage}:+{units}")
            case StageFinished(stage=stage, outcome=outcome):
                codes.append(f"finish:{stage}:{outcome or 'not_judged'}")
    return ",".join(codes) or None
