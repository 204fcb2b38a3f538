"""The pure decision: which alerts a clock has fallen due for on a given day (no database)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.bootstrap import App
from engine.domain.alert_rules import DUE_SOON, DUE_TODAY, ESCALATION, KINDS, OVERDUE, alert_days, due_alerts, status_on
from engine.domain.calendar import WorkingCalendar
from engine.domain.workflow import AlertThresholds

D = dt.date
DEFAULT = AlertThresholds()


@pytest.fixture(scope="module")
def cal() -> WorkingCalendar:
    return App().calendar


def test_default_thresholds_are_two_and_three_working_days() -> None:
    assert (DEFAULT.due_soon, DEFAULT.escalate_after) == (2, 3)


def test_alert_days_across_tet_2025(cal: WorkingCalendar) -> None:
    assert alert_days(D(2025, 2, 3), DEFAULT, cal) == {
        DUE_SOON: D(2025, 1, 23), DUE_TODAY: D(2025, 2, 3), OVERDUE: D(2025, 2, 4), ESCALATION: D(2025, 2, 6)}
    # due just before Tết: overdue only after it, escalation 3 working days after that
    assert alert_days(D(2025, 1, 24), DEFAULT, cal) == {
        DUE_SOON: D(2025, 1, 22), DUE_TODAY: D(2025, 1, 24), OVERDUE: D(2025, 2, 3), ESCALATION: D(2025, 2, 5)}


def test_alert_days_around_the_2024_swap(cal: WorkingCalendar) -> None:
    # 29/4 to 1/5/2024 off, Saturday 4/5 worked
    assert alert_days(D(2024, 5, 2), DEFAULT, cal) == {
        DUE_SOON: D(2024, 4, 25), DUE_TODAY: D(2024, 5, 2), OVERDUE: D(2024, 5, 3), ESCALATION: D(2024, 5, 6)}
    assert alert_days(D(2024, 5, 6), DEFAULT, cal)[DUE_SOON] == D(2024, 5, 3)  # Sat 4/5 counts


def test_a_paused_clock_has_no_alerts(cal: WorkingCalendar) -> None:
    assert due_alerts(None, D(2025, 2, 10), DEFAULT, cal) == []


def test_status_for_the_digest(cal: WorkingCalendar) -> None:
    due = D(2025, 2, 3)
    assert status_on(due, D(2025, 1, 22), DEFAULT, cal) is None
    assert status_on(due, D(2025, 1, 23), DEFAULT, cal) == DUE_SOON
    assert status_on(due, D(2025, 2, 3), DEFAULT, cal) == DUE_TODAY
    assert status_on(due, D(2025, 2, 4), DEFAULT, cal) == OVERDUE


working = st.dates(min_value=D(2024, 1, 10), max_value=D(2026, 12, 20))


@settings(max_examples=300, deadline=None)
@given(due=working, today=working, soon=st.integers(1, 10), esc=st.integers(1, 10))
def test_alerts_fall_in_order_and_only_grow_with_time(cal: WorkingCalendar, due: dt.date, today: dt.date,
                                                      soon: int, esc: int) -> None:
    due = cal.next_working_day(due)
    t = AlertThresholds(due_soon=soon, escalate_after=esc)
    days = alert_days(due, t, cal)
    assert [days[k] for k in KINDS] == sorted(days[k] for k in KINDS)
    assert all(cal.is_working_day(d) for d in days.values())
    kinds = [k for k, _ in due_alerts(due, today, t, cal)]
    assert kinds == list(KINDS[:len(kinds)])  # a prefix: never overdue without due today, etc.
    later = [k for k, _ in due_alerts(due, today + dt.timedelta(days=1), t, cal)]
    assert set(kinds) <= set(later)
