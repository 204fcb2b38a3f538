"""Properties over random event sequences (hypothesis): the runtime stays inside its definition,
clocks never run negative, and the stored history is enough to rebuild a dossier."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.bootstrap import App
from engine.domain import deadlines
from engine.domain.calendar import DAYS, WORKING_DAYS
from engine.domain.clock import local_date
from engine.domain.commands import Fire, Receive
from engine.domain.dossier import GRADES, GROUPS, HistoryEntry
from engine.domain.errors import IllegalTransition, ReceiptRefused, ThamdinhError
from engine.domain.events import DossierHandedOver
from engine.io.settings import Settings
from engine.runtime.machine import CompiledWorkflow
from engine.runtime.step import DossierSnapshot, Step

SHIPPED = App(Settings())
WORKFLOWS = sorted(SHIPPED.workflows)
CAL = SHIPPED.calendar
ALL_EVENTS = sorted({e for wf in SHIPPED.workflows.values() for e in wf.events})
OFFICERS = [None, "cv.vo", "cv.dang", "tp.nguyen"]  # whom an assigning event hands the dossier to

receipts = st.dates(min_value=dt.date(2024, 1, 2), max_value=dt.date(2026, 8, 31)).map(CAL.next_working_day)
fields = st.fixed_dictionaries({
    "group": st.sampled_from(GROUPS), "grade": st.sampled_from((None, *GRADES)),
    "capital_source": st.none(), "division": st.just("QLXD"), "officer": st.just("cv.pham"),
})
steps = st.lists(st.tuples(st.sampled_from(ALL_EVENTS), st.integers(0, 6), st.sampled_from(OFFICERS)),
                 max_size=14)


def apply(clocks: list[deadlines.StageClock], step: Step) -> list[deadlines.StageClock]:
    """The clocks after a step: the one it changed replaced, the one it started added."""
    out = [step.changed if step.changed is not None and c.seq == step.changed.seq else c for c in clocks]
    return out + [step.opened] if step.opened is not None else out


def check_clocks(cw: CompiledWorkflow, state: str, clocks: list[deadlines.StageClock], today: dt.date) -> None:
    """Invariants of the clocks of one dossier on ``today``."""
    sdef = cw.wf.states[state]
    open_ = [c for c in clocks if c.is_open]
    assert len(open_) <= 1
    for c in clocks:
        used = c.used(today, CAL)
        assert used >= 0 and c.used_before >= 0
        assert c.remaining(today, CAL) >= 0
        assert c.remaining(today, CAL) <= c.limit + c.extension
        assert c.paused_days >= 0
        if c.is_open:
            assert (c.due_date is None) == c.paused
        else:  # a clock closed while paused is not judged (the investor held it)
            assert (c.outcome is None) == (c.paused_on is not None)
            assert c.finished_on is not None and c.finished_on >= c.start_date
        if c.due_date is not None:
            assert c.due_date >= c.start_date
    if sdef.terminal:
        assert not open_
    elif sdef.stage is not None:
        assert open_ and open_[0].stage == sdef.stage and not open_[0].paused
    elif sdef.pauses_clock and open_:
        assert open_[0].paused


@settings(max_examples=60, deadline=None)
@given(workflow=st.sampled_from(WORKFLOWS), receipt=receipts, fields=fields, steps=steps)
def test_random_event_sequences_stay_in_the_definition_and_never_leave_a_terminal_state(
        workflow: str, receipt: dt.date, fields: dict[str, Any], steps: list[tuple[str, int, frozenset[str]]]) -> None:
    cw = SHIPPED.rules.compiled(workflow)
    wf = cw.wf
    rule = wf.rule_for(receipt)
    if rule.refuse_receipt:
        with pytest.raises(ReceiptRefused):
            wf.check_receipt(rule)
        return
    snap = DossierSnapshot(wf.initial, dict(fields))
    stage = wf.stage_of(wf.initial)
    try:
        clocks = [cw.open_clock(stage, rule, fields, receipt, CAL, 1)] if stage else []
    except ThamdinhError:  # no limit for this group/grade under this rule version
        return
    day = receipt
    check_clocks(cw, snap.state, clocks, day)
    for event, advance, officer in steps:
        day = CAL.add_working_days(day, advance)
        before = snap.state
        kept = copy.deepcopy((snap.state, snap.resume_state, snap.counters, clocks))
        open_clock = next((c for c in clocks if c.is_open), None)
        try:
            assigns = event in wf.events and wf.events[event].assigns_officer
            step = cw.fire(snap, event, rule, open_clock, day, CAL, len(clocks) + 1, officer if assigns else None)
        except ThamdinhError as exc:
            # a refused event changes nothing
            assert (snap.state, snap.resume_state, snap.counters, clocks) == kept
            if wf.states[before].terminal and event in wf.events:
                assert isinstance(exc, IllegalTransition)
        else:
            assert not wf.states[before].terminal, f"left terminal state {before} by {event}"
            assert step.from_state == before and step.before == snap
            snap, clocks = step.after, apply(clocks, step)
            assert step.to_state == snap.state
        assert snap.state in wf.states
        if wf.states[snap.state].pauses_clock:
            assert snap.resume_state in wf.states and not wf.states[snap.resume_state].terminal
        check_clocks(cw, snap.state, clocks, day)
        for later in (day, CAL.add_working_days(day, 30)):
            check_clocks(cw, snap.state, clocks, later)


@settings(max_examples=200, deadline=None)
@given(start=st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2039, 6, 30)), n=st.integers(1, 120))
def test_a_due_date_is_the_first_working_day_that_satisfies_the_count(start: dt.date, n: int) -> None:
    by_days = CAL.add(start, n, DAYS)
    assert CAL.is_working_day(by_days) and by_days >= start + dt.timedelta(days=n)
    gap = start + dt.timedelta(days=n)
    while gap < by_days:  # every day skipped was a day off
        assert not CAL.is_working_day(gap)
        gap += dt.timedelta(days=1)
    by_working = CAL.add(start, n, WORKING_DAYS)
    assert CAL.is_working_day(by_working)
    assert CAL.working_days_between(start, by_working) == n
    assert CAL.working_days_between(start, by_working - dt.timedelta(days=1)) == n - 1
    # n working days never end before n calendar days, and end with them when none was a day off
    assert by_working >= by_days
    if all(CAL.is_working_day(start + dt.timedelta(days=i)) for i in range(1, n + 1)):
        assert by_working == by_days == start + dt.timedelta(days=n)


# -- replaying the stored history ---------------------------------------------------------------
ACTORS = ["cv.pham", "cv.vo", "tp.nguyen", "gd.tran", "vp.le"]
_codes = itertools.count(1)


def assignee(e: HistoryEntry) -> str | None:
    """Whom a handover in the history handed the dossier to (its event says)."""
    return next((x.to_officer for x in e.effects if isinstance(x, DossierHandedOver)), None)


def replay(app: App, code: str) -> tuple[DossierSnapshot, list[deadlines.StageClock]]:
    """Rebuild a dossier from its history alone, through a fresh snapshot."""
    view = app.services.show(code)
    cw = app.rules.compiled(view["workflow"])
    rule = cw.wf.rule(view["rule_version"])
    fields = {"group": view["group"], "grade": view["grade"], "capital_source": view["capital_source"],
              "division": view["division"], "officer": view["officer"]}
    history = list(app.services.iter_history(code))
    assert history[0].event == "receive" and history[0].seq == 1
    received = dt.date.fromisoformat(view["received_on"])
    snap = DossierSnapshot(cw.wf.initial, fields)
    clocks = [cw.open_clock(cw.wf.stage_of(cw.wf.initial), rule, fields, received, app.calendar, 1)]
    for e in history[1:]:
        open_clock = next((c for c in clocks if c.is_open), None)
        step = cw.fire(snap, e.event, rule, open_clock, local_date(e.at), app.calendar, len(clocks) + 1,
                       assignee(e))
        assert (step.from_state, step.to_state, step.events) == (e.from_state, e.to_state, e.effects)
        snap, clocks = step.after, apply(clocks, step)
    return snap, clocks


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(workflow=st.sampled_from(WORKFLOWS), receipt=receipts, group=st.sampled_from(["A", "B", "C"]),
       grade=st.sampled_from(["I", "III"]),
       steps=st.lists(st.tuples(st.sampled_from(ALL_EVENTS), st.integers(0, 4), st.sampled_from(ACTORS)),
                      max_size=10))
def test_replaying_the_stored_history_through_a_fresh_snapshot_rebuilds_the_current_state(
        sqlite_app: App, workflow: str, receipt: dt.date, group: str, grade: str,
        steps: list[tuple[str, int, str]]) -> None:
    s = sqlite_app.services
    code = f"PROP-{next(_codes)}"
    try:
        s.receive(Receive(workflow=workflow, code=code, name="Dự án", investor="Ban QLDA", group=group, grade=grade,
                  division="QLXD", officer="cv.pham", at=receipt.isoformat()))
    except ReceiptRefused:
        assert receipt >= dt.date(2026, 7, 1)
        assert not any(d["code"] == code for d in s.list_dossiers())
        return
    day, fired = receipt, 1
    for event, advance, actor in steps:
        day = sqlite_app.calendar.add_working_days(day, advance)
        try:
            s.fire(Fire(code=code, event=event, actor=actor, at=f"{day.isoformat()}T09:{fired:02d}"))
            fired += 1
        except ThamdinhError:
            pass
    view = s.show(code)
    assert view["version"] == fired == len(view["history"])
    snap, clocks = replay(sqlite_app, code)
    assert snap.state == view["state"]
    with sqlite_app.engine.connect() as c:
        resume_state, counters = c.exec_driver_sql(
            "SELECT resume_state, counters FROM dossier WHERE code = ?", (code,)).one()
    assert snap.resume_state == resume_state
    assert snap.counters == json.loads(counters)
    stored = [(c["stage"], c["start_date"], c["due_date"], c["paused"], c["finished_on"], c["outcome"], c["used"])
              for c in view["clocks"]]
    today = s.today()
    rebuilt = [(c.stage, c.start_date.isoformat(), c.due_date.isoformat() if c.due_date else None, c.paused,
                c.finished_on.isoformat() if c.finished_on else None, c.outcome, c.used(today, sqlite_app.calendar))
               for c in clocks]
    assert rebuilt == stored
