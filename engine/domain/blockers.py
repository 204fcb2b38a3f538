"""Blockers (khó khăn, vướng mắc) and urges (đôn đốc), pure: states, causes, addressees, the commands
that raise, update and resolve a blocker or urge an officer, and the rules counted on the working-day
calendar (working days open, when a blocker falls due for escalation to the director, whether it was
raised promptly).

A blocker is raised on a dossier or on a project, by an officer or a head, with a cause, a
description, to whom it is addressed and the day raised (and, when known, the day its cause arose).
It goes open → being handled → resolved; the resolution and its day are kept. An open or handled
blocker not resolved after ``escalate_after`` working days (data: ``workflows/blockers.yaml``) is
escalated to the director once. The labels a person reads are data too (engine.io.blockers).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from . import text
from .calendar import WorkingCalendar
from .clock import parse_date
from .errors import BadInput, Refused

OPEN, HANDLING, RESOLVED = "open", "handling", "resolved"
STATES = (OPEN, HANDLING, RESOLVED)
UNRESOLVED = (OPEN, HANDLING)
CAUSES = ("legal", "site_clearance", "investor_documents", "other_agency", "capital")
ADDRESSEES = ("director", "investor", "other_agency")
#: the states a blocker may be moved to from each state (an update may keep "handling" with a new note)
NEXT = {OPEN: (HANDLING, RESOLVED), HANDLING: (HANDLING, RESOLVED), RESOLVED: ()}
#: the actions of ``workflows/roles.yaml`` (``actions:``) the blockers and the urges are asked under
RAISE, HANDLE, RESOLVE, URGE = "raise_blocker", "handle_blocker", "resolve_blocker", "urge"
ACTIONS = (RAISE, HANDLE, RESOLVE, URGE)


@dataclass(frozen=True)
class BlockerPolicy:
    """The blockers' data: the escalation threshold, the labels, the source of both."""

    escalate_after: int
    report_within: int
    causes: Mapping[str, str]
    addressees: Mapping[str, str]
    states: Mapping[str, str]
    source: str = ""

    def cause_label(self, cause: str) -> str:
        return self.causes.get(cause, cause)

    def addressee_label(self, to: str) -> str:
        return self.addressees.get(to, to)

    def state_label(self, state: str) -> str:
        return self.states.get(state, state)


# -- the rules on the calendar ---------------------------------------------------------------------
def working_days_open(cal: WorkingCalendar, raised_on: dt.date, until: dt.date) -> int:
    """Working days a blocker raised on ``raised_on`` has been open by ``until`` (the day raised not counted)."""
    return max(0, cal.working_days_between(raised_on, until))


def escalation_day(cal: WorkingCalendar, raised_on: dt.date, escalate_after: int) -> dt.date:
    """The day an unresolved blocker is escalated: the ``escalate_after``-th working day after it was raised."""
    return cal.add_working_days(raised_on, escalate_after)


def escalates_on(cal: WorkingCalendar, state: str, raised_on: dt.date, escalated: bool, escalate_after: int,
                 today: dt.date) -> bool:
    """Whether the scan of ``today`` escalates the blocker (unresolved, not escalated yet, its day come)."""
    return state in UNRESOLVED and not escalated and escalation_day(cal, raised_on, escalate_after) <= today


def raised_promptly(cal: WorkingCalendar, cause_on: dt.date, raised_on: dt.date, within: int) -> bool:
    """Raised within ``within`` working days of the day its cause arose."""
    return working_days_open(cal, cause_on, raised_on) <= within


# -- commands --------------------------------------------------------------------------------------
def _choice(value: str | None, allowed: tuple[str, ...], what: str) -> str:
    v = text.required(value, what, limit=text.CODE_MAX)
    if v not in allowed:
        raise BadInput(f"{what[:1].upper()}{what[1:]} «{v}» không hợp lệ.",
                       hint="Chọn một trong: " + ", ".join(allowed) + ".")
    return v


def _day(value: dt.date | str | None, what: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return parse_date(value, what) if value.strip() else None


_set = object.__setattr__


@dataclass(frozen=True)
class RaiseBlocker:
    """Raise a blocker on a dossier (``code``) or a project (``project``), exactly one of them."""

    actor: str
    cause: str
    description: str
    addressed_to: str
    code: str | None = None
    project: str | None = None
    addressee: str | None = None
    cause_on: dt.date | str | None = None
    raised_on: dt.date | str | None = None

    def __post_init__(self) -> None:
        _set(self, "actor", text.required(self.actor, "người nêu vướng mắc", limit=text.CODE_MAX))
        _set(self, "code", text.clean(self.code, "mã hồ sơ", limit=text.CODE_MAX))
        _set(self, "project", text.clean(self.project, "mã dự án", limit=text.CODE_MAX))
        if (self.code is None) == (self.project is None):
            raise BadInput("Vướng mắc nêu trên một hồ sơ hoặc một dự án.",
                           hint="Ghi đúng một trong hai: mã hồ sơ (--code) hoặc mã dự án (--project).")
        _set(self, "cause", _choice(self.cause, CAUSES, "nguyên nhân"))
        _set(self, "addressed_to", _choice(self.addressed_to, ADDRESSEES, "nơi đề nghị giải quyết"))
        _set(self, "description", text.required(self.description, "nội dung vướng mắc", limit=text.NOTE_MAX))
        _set(self, "addressee", text.clean(self.addressee, "tên cơ quan, người nhận", limit=text.NAME_MAX))
        _set(self, "cause_on", _day(self.cause_on, "ngày phát sinh"))
        _set(self, "raised_on", _day(self.raised_on, "ngày nêu vướng mắc"))
        if self.cause_on and self.raised_on and self.cause_on > self.raised_on:  # type: ignore[operator]
            raise BadInput("Ngày phát sinh sau ngày nêu vướng mắc.", hint="Kiểm tra lại hai ngày.")


@dataclass(frozen=True)
class UpdateBlocker:
    """Take a blocker into handling, or add a note to one being handled."""

    blocker_id: int
    actor: str
    note: str | None = None
    expected_version: int | None = None

    def __post_init__(self) -> None:
        _set(self, "actor", text.required(self.actor, "người cập nhật", limit=text.CODE_MAX))
        _set(self, "note", text.clean(self.note, "ghi chú", limit=text.NOTE_MAX, multiline=True))


@dataclass(frozen=True)
class ResolveBlocker:
    """Resolve a blocker: the resolution, and the day (default: today)."""

    blocker_id: int
    actor: str
    resolution: str
    resolved_on: dt.date | str | None = None
    expected_version: int | None = None

    def __post_init__(self) -> None:
        _set(self, "actor", text.required(self.actor, "người giải quyết", limit=text.CODE_MAX))
        _set(self, "resolution", text.required(self.resolution, "kết quả giải quyết", limit=text.NOTE_MAX))
        _set(self, "resolved_on", _day(self.resolved_on, "ngày giải quyết"))


@dataclass(frozen=True)
class Urge:
    """Urge the officer in charge of a dossier (``code``), or an officer directly (``officer``)."""

    actor: str
    code: str | None = None
    officer: str | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        _set(self, "actor", text.required(self.actor, "người đôn đốc", limit=text.CODE_MAX))
        _set(self, "code", text.clean(self.code, "mã hồ sơ", limit=text.CODE_MAX))
        _set(self, "officer", text.clean(self.officer, "mã cán bộ", limit=text.CODE_MAX))
        _set(self, "note", text.clean(self.note, "nội dung đôn đốc", limit=text.NOTE_MAX, multiline=True))
        if self.code is None and self.officer is None:
            raise BadInput("Thiếu hồ sơ hoặc cán bộ được đôn đốc.",
                           hint="Ghi mã hồ sơ, hoặc --officer MÃ_CÁN_BỘ.")


def check_move(state: str, to: str, blocker_id: int, label: Mapping[str, str]) -> None:
    """Raise BlockerClosed unless a blocker in ``state`` may be moved to ``to``."""
    if to not in NEXT.get(state, ()):
        raise BlockerClosed(f"Vướng mắc số {blocker_id} đang ở trạng thái «{label.get(state, state)}», "
                            f"không chuyển sang «{label.get(to, to)}» được.",
                            hint="Vướng mắc đã giải quyết thì nêu một vướng mắc mới nếu còn khó khăn.")


class BlockerClosed(Refused):
    """A change asked of a resolved blocker (exit 3, HTTP 409)."""

    kind = "blocker_closed"
