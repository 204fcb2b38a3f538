"""When deadline alerts fall due: pure rules over a clock's due date, its thresholds and the calendar.

Kinds, from the mildest: ``due_soon`` (``due_soon`` working days before the due date), ``due_today``,
``overdue`` (the next working day after the due date) and ``escalation`` (``escalate_after`` working
days after it); and ``answer_overdue`` for a paused clock whose investor let the answer window of a
supplement request run out. The scan (engine.services.deadline_scan) records them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from .calendar import WorkingCalendar
from .workflow import AlertThresholds, AnswerWindow

DUE_SOON, DUE_TODAY, OVERDUE, ESCALATION = "due_soon", "due_today", "overdue", "escalation"
KINDS = (DUE_SOON, DUE_TODAY, OVERDUE, ESCALATION)  # mildest first
#: a paused clock whose investor let the answer window (``supplement_answer``) run out
ANSWER_OVERDUE = "answer_overdue"
SEVERITY = {**{k: i for i, k in enumerate(KINDS)}, ANSWER_OVERDUE: len(KINDS)}
KIND_LABELS = {DUE_SOON: "Sắp đến hạn", DUE_TODAY: "Đến hạn hôm nay", OVERDUE: "Quá hạn",
               ESCALATION: "Quá hạn, báo cáo Giám đốc", ANSWER_OVERDUE: "Quá hạn bổ sung hồ sơ"}
#: how a digest line names a dossier's status (the investor is the one late on a supplement)
STATUS_LABELS = {**KIND_LABELS, ANSWER_OVERDUE: "Chủ đầu tư quá hạn bổ sung"}


def alert_days(due: dt.date, t: AlertThresholds, cal: WorkingCalendar) -> dict[str, dt.date]:
    """The day each kind of alert falls due for a clock due on ``due``."""
    return {
        DUE_SOON: cal.add_working_days(due, -t.due_soon),
        DUE_TODAY: due,
        OVERDUE: cal.next_working_day(due, include_self=False),
        ESCALATION: cal.add_working_days(due, t.escalate_after),
    }


def due_alerts(due: dt.date | None, today: dt.date, t: AlertThresholds,
               cal: WorkingCalendar) -> list[tuple[str, dt.date]]:
    """Kinds (with the day each fell due) that a scan on ``today`` must have raised; none if paused."""
    if due is None:
        return []
    return [(kind, day) for kind, day in alert_days(due, t, cal).items() if day <= today]


def answer_deadline(paused_on: dt.date, window: AnswerWindow, cal: WorkingCalendar) -> dt.date:
    """The last day the investor may answer a supplement request made on ``paused_on``."""
    return cal.add(paused_on, window.value, window.unit)


def answer_overdue_on(paused_on: dt.date, window: AnswerWindow, cal: WorkingCalendar) -> dt.date:
    """The day the ``answer_overdue`` alert falls due: the working day after the last day to answer."""
    return cal.next_working_day(answer_deadline(paused_on, window, cal), include_self=False)


def answer_cutoff(windows: Iterable[AnswerWindow], today: dt.date, cal: WorkingCalendar) -> dt.date | None:
    """The latest request day whose answer window (any of ``windows``) has run out by ``today``: the
    bound of the paused clocks worth reading (None when there is no window)."""
    best: dt.date | None = None
    one = dt.timedelta(days=1)
    for window in {(w.value, w.unit) for w in windows}:
        shape = AnswerWindow(window[0], window[1], "")
        day = today - dt.timedelta(days=shape.value)  # a later request's window lasts at least until today
        while day >= cal.first and answer_overdue_on(day, shape, cal) > today:
            day -= one
        if best is None or day > best:
            best = day
    return best


def status_on(due: dt.date, today: dt.date, t: AlertThresholds, cal: WorkingCalendar) -> str | None:
    """What a digest says about a clock due on ``due``: overdue, due_today, due_soon or None."""
    if today > due:
        return OVERDUE
    if today == due:
        return DUE_TODAY
    return DUE_SOON if cal.add_working_days(due, -t.due_soon) <= today else None


def days_between(cal: WorkingCalendar, a: dt.date, b: dt.date, unit: str) -> int:
    return max(0, cal.units_between(a, b, unit))
