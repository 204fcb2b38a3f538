"""The deadline rules of every shipped workflow (domain.md §2), and rule-version binding."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest

from engine.bootstrap import App
from engine.domain import deadlines
from engine.domain.calendar import DAYS, WORKING_DAYS
from engine.domain.commands import Fire, Receive
from engine.domain.errors import BadInput, GuardFailed, IllegalTransition, ReceiptRefused
from engine.io.settings import Settings
from engine.runtime.machine import CompiledWorkflow
from engine.runtime.step import DossierSnapshot

D = dt.date


@pytest.fixture(scope="module")
def shipped() -> App:
    """The shipped rules, no database."""
    return App(Settings())


@dataclass
class Run:
    """A dossier driven through the pure runtime (no database), the way Services drives it."""

    cw: CompiledWorkflow
    app: App
    snap: DossierSnapshot
    rule: Any
    clocks: list[deadlines.StageClock] = field(default_factory=list)

    @classmethod
    def receive(cls, app: App, workflow: str, day: dt.date, **fields: Any) -> Run:
        cw = app.rules.compiled(workflow)
        rule = cw.wf.rule_for(day)
        cw.wf.check_receipt(rule)
        full = {"group": "C", "grade": "III", "capital_source": None, "division": "QLXD", "officer": None}
        full.update(fields)
        run = cls(cw, app, DossierSnapshot(cw.wf.initial, full), rule)
        stage = cw.wf.stage_of(cw.wf.initial)
        if stage:
            run.clocks.append(cw.open_clock(stage, rule, full, day, app.calendar, 1))
        return run

    @property
    def clock(self) -> deadlines.StageClock | None:
        return next((c for c in self.clocks if c.is_open), None)

    def fire(self, event: str, day: dt.date) -> str:
        step = self.cw.fire(self.snap, event, self.rule, self.clock, day, self.app.calendar, len(self.clocks) + 1)
        self.snap = step.after
        if step.changed is not None:
            self.clocks = [step.changed if c.seq == step.changed.seq else c for c in self.clocks]
        if step.opened is not None:
            self.clocks.append(step.opened)
        return self.snap.state


def limit(app: App, workflow: str, receipt: dt.date, stage: str, **fields: Any) -> tuple[str, int, str, str]:
    wf = app.workflows[workflow]
    rule = wf.rule_for(receipt)
    lim = wf.limit(rule, stage, fields)
    return rule.id, lim.value, lim.unit, lim.policy


# -- project appraisal under Law 62/2020 --------------------------------------------------------
@pytest.mark.parametrize("group, days", [("A", 35), ("B", 25), ("C", 15)])
def test_law_62_2020_gives_group_a_b_c_their_calendar_day_limits(shipped: App, group: str, days: int) -> None:
    assert limit(shipped, "project-appraisal", D(2024, 6, 3), "appraisal", group=group, grade="II") == (
        "law-62-2020", days, DAYS, "resume")


def test_a_group_c_dossier_received_3_june_2024_is_due_18_june(shipped: App) -> None:
    run = Run.receive(shipped, "project-appraisal", D(2024, 6, 3), group="C")
    assert run.clock is not None and run.clock.due_date == D(2024, 6, 18)
    assert run.clock.max_extension == 15  # one extension of the same length


def test_law_62_2020_resumes_the_remaining_time_after_a_supplement(shipped: App) -> None:
    run = Run.receive(shipped, "project-appraisal", D(2024, 6, 3), group="C")
    run.fire("accept", D(2024, 6, 4))
    run.fire("request_supplement", D(2024, 6, 6))
    assert run.clock is not None and run.clock.due_date is None and run.clock.used_before == 3
    assert run.fire("receive_supplement", D(2024, 6, 10)) == "appraising"
    assert run.clock.due_date == D(2024, 6, 24)  # 12 days left from 10/6 → Sat 22/6 → Mon 24/6


def test_under_law_62_2020_the_design_review_follows_the_appraisal_and_approve_must_wait(shipped: App) -> None:
    run = Run.receive(shipped, "project-appraisal", D(2024, 6, 3), group="B", grade="I")
    run.fire("accept", D(2024, 6, 4))
    with pytest.raises(GuardFailed) as err:
        run.fire("approve", D(2024, 6, 5))
    assert "law-62-2020" in err.value.message
    assert run.snap.state == "appraising"
    assert run.fire("pass_appraisal", D(2024, 6, 5)) == "post_basic_design_review"
    first, second = run.clocks
    assert first.finished_on == D(2024, 6, 5) and first.outcome == deadlines.EARLY
    assert (second.stage, second.limit, second.unit) == ("post_basic_design", 40, DAYS)
    assert second.due_date == D(2024, 7, 15)  # 5/6 + 40 = Sun 14/7 → Mon 15/7
    assert run.fire("approve", D(2024, 7, 15)) == "approved"
    assert run.clocks[1].outcome == deadlines.ON_TIME


# -- project appraisal under Decree 217/2026 ----------------------------------------------------
@pytest.mark.parametrize("group, grade, value", [
    ("A", "special", 25), ("A", "I", 25), ("A", "II", 20), ("A", None, 20),
    ("B", "special", 20), ("B", "I", 20), ("B", "III", 16),
    ("C", "I", 15), ("C", "IV", 12), ("C", None, 12),
])
def test_decree_217_2026_limits_in_working_days_by_group_and_grade(
        shipped: App, group: str, grade: str | None, value: int) -> None:
    assert limit(shipped, "project-appraisal", D(2026, 7, 1), "appraisal", group=group, grade=grade) == (
        "decree-217-2026", value, WORKING_DAYS, "restart")


@pytest.mark.parametrize("grade", ["special", "I", "III", None])
def test_decree_217_2026_gives_a_national_project_sixty_calendar_days(shipped: App, grade: str | None) -> None:
    assert limit(shipped, "project-appraisal", D(2026, 7, 1), "appraisal", group="national", grade=grade) == (
        "decree-217-2026", 60, DAYS, "restart")


def test_decree_217_2026_has_no_limit_for_the_design_after_basic_design(shipped: App) -> None:
    wf = shipped.workflows["project-appraisal"]
    with pytest.raises(BadInput):
        wf.limit(wf.rule("decree-217-2026"), "post_basic_design", {"group": "C", "grade": "I"})


def test_decree_217_2026_counts_working_days_across_the_national_day_swap(shipped: App) -> None:
    # received Wed 19/8/2026, 12 working days: 20, 21, Sat 22 (make-up), 24–28, 31/8–2/9 off, 3, 4, 7, 8
    run = Run.receive(shipped, "project-appraisal", D(2026, 8, 19), group="C", grade="III")
    assert run.clock is not None and run.clock.due_date == D(2026, 9, 8)


def test_decree_217_2026_restarts_the_whole_time_after_a_supplement(shipped: App) -> None:
    run = Run.receive(shipped, "project-appraisal", D(2026, 9, 7), group="C", grade="III")
    assert run.clock is not None and run.clock.due_date == D(2026, 9, 23)
    run.fire("accept", D(2026, 9, 8))
    run.fire("request_supplement", D(2026, 9, 14))
    assert run.clock.used_before == 5
    assert run.fire("receive_supplement", D(2026, 10, 1)) == "appraising"
    assert run.clock.used_before == 0
    assert run.clock.due_date == D(2026, 10, 19)  # 12 working days after 1/10, from zero
    assert run.clock.remaining(D(2026, 10, 1), shipped.calendar) == 12


def test_under_decree_217_2026_pass_appraisal_is_refused_and_approve_from_appraising_works(shipped: App) -> None:
    run = Run.receive(shipped, "project-appraisal", D(2026, 7, 1), group="B", grade="I")
    run.fire("accept", D(2026, 7, 2))
    with pytest.raises(GuardFailed) as err:
        run.fire("pass_appraisal", D(2026, 7, 3))
    assert isinstance(err.value, IllegalTransition)
    assert "decree-217-2026" in err.value.message
    assert "approve" in (err.value.hint or "")
    assert run.snap.state == "appraising"
    assert run.fire("approve", D(2026, 7, 3)) == "approved"
    assert [c.stage for c in run.clocks] == ["appraisal"]
    assert run.clocks[0].outcome == deadlines.EARLY


# -- design after basic design (its own workflow) -----------------------------------------------
@pytest.mark.parametrize("receipt, rule_id", [(D(2024, 6, 3), "decree-15-2021"), (D(2025, 3, 3), "decree-175-2024")])
@pytest.mark.parametrize("grade, days", [("special", 40), ("I", 40), ("II", 30), ("III", 30), ("IV", 20), (None, 20)])
def test_post_basic_design_limits_follow_the_highest_grade(
        shipped: App, receipt: dt.date, rule_id: str, grade: str | None, days: int) -> None:
    assert limit(shipped, "post-basic-design", receipt, "design_appraisal", grade=grade) == (
        rule_id, days, DAYS, "resume")


def test_project_appraisal_uses_the_same_grade_limits_for_its_design_stage(shipped: App) -> None:
    for grade, days in (("special", 40), ("II", 30), ("IV", 20)):
        assert limit(shipped, "project-appraisal", D(2025, 3, 3), "post_basic_design", grade=grade)[1] == days


@pytest.mark.parametrize("receipt", [D(2026, 7, 1), D(2026, 7, 2), D(2027, 3, 1)])
def test_receiving_a_post_basic_design_dossier_from_1_july_2026_is_refused_citing_law_135_2025(
        shipped: App, receipt: dt.date) -> None:
    with pytest.raises(ReceiptRefused) as err:
        Run.receive(shipped, "post-basic-design", receipt, grade="II")
    assert "135/2025" in err.value.message
    assert err.value.details["rule_version"] == "law-135-2025"
    assert err.value.exit_code == 2


def test_receiving_a_post_basic_design_dossier_on_30_june_2026_is_still_allowed(shipped: App) -> None:
    run = Run.receive(shipped, "post-basic-design", D(2026, 6, 30), grade="II")
    assert run.rule.id == "decree-175-2024"
    assert run.clock is not None and run.clock.due_date == D(2026, 7, 30)


def test_a_receipt_before_the_first_rule_version_is_refused(shipped: App) -> None:
    with pytest.raises(BadInput, match="31/12/2020"):
        shipped.workflows["project-appraisal"].rule_for(D(2020, 12, 31))


# -- through the services and the database ------------------------------------------------------
def _receive(app: App, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict(workflow="project-appraisal", code="HS-1", name="Dự án", investor="Ban QLDA",
                                group="C", grade="III", division="QLXD", officer="cv.pham")
    base.update(kw)
    return app.services.receive(Receive(**base))


def test_the_services_refuse_a_post_basic_design_receipt_after_1_july_2026_and_write_nothing(sqlite_app: App) -> None:
    with pytest.raises(ReceiptRefused) as err:
        _receive(sqlite_app, workflow="post-basic-design", at="2026-07-01")
    assert "Luật Xây dựng 135/2025/QH15" in err.value.message
    assert sqlite_app.services.list_dossiers() == []


def test_a_dossier_received_30_june_2026_keeps_decree_175_rules_when_fired_after_1_july(sqlite_app: App) -> None:
    s = sqlite_app.services
    view = _receive(sqlite_app, code="HS-OLD", at="2026-06-30", grade="I")
    assert view["rule_version"] == "decree-175-2024"
    assert view["clock"]["unit"] == DAYS and view["clock"]["limit"] == 15
    s.fire(Fire(code="HS-OLD", event="accept", actor="cv.pham", at="2026-07-02"))
    s.fire(Fire(code="HS-OLD", event="pass_appraisal", actor="cv.pham", at="2026-07-03"))  # refused under decree 217
    after = s.show("HS-OLD")
    assert after["state"] == "post_basic_design_review"
    assert after["rule_version"] == "decree-175-2024"
    assert (after["clock"]["stage"], after["clock"]["limit"], after["clock"]["unit"]) == ("post_basic_design", 40, DAYS)
    # a dossier received a day later is bound to decree 217
    new = _receive(sqlite_app, code="HS-NEW", at="2026-07-01", grade="I")
    assert new["rule_version"] == "decree-217-2026"
    assert (new["clock"]["limit"], new["clock"]["unit"], new["clock"]["policy"]) == (15, WORKING_DAYS, "restart")
    s.fire(Fire(code="HS-NEW", event="accept", actor="cv.pham", at="2026-07-02"))
    with pytest.raises(GuardFailed):
        s.fire(Fire(code="HS-NEW", event="pass_appraisal", actor="cv.pham", at="2026-07-03"))
    assert s.show("HS-NEW")["state"] == "appraising"


def test_a_post_basic_design_dossier_received_before_1_july_2026_can_still_be_finished_after(sqlite_app: App) -> None:
    s = sqlite_app.services
    _receive(sqlite_app, workflow="post-basic-design", code="TK-1", at="2026-06-30", grade="III")
    s.fire(Fire(code="TK-1", event="accept", actor="cv.pham", at="2026-07-01"))
    s.fire(Fire(code="TK-1", event="approve", actor="tp.nguyen", at="2026-07-15"))
    view = s.show("TK-1")
    assert view["state"] == "approved" and view["rule_version"] == "decree-175-2024"
    assert view["clocks"][0]["outcome"] == deadlines.EARLY


# -- extensions -----------------------------------------------------------------------------------
def test_one_extension_of_the_same_length_is_allowed_per_stage(shipped: App) -> None:
    run = Run.receive(shipped, "project-appraisal", D(2026, 7, 1), group="C", grade="III")
    assert run.clock is not None and run.clock.due_date == D(2026, 7, 17)  # 12 working days
    run.fire("accept", D(2026, 7, 2))
    assert run.fire("extend", D(2026, 7, 10)) == "appraising"
    assert run.clock.extension == 12
    assert run.clock.due_date == D(2026, 8, 4)  # 24 working days after 1/7
    with pytest.raises(GuardFailed, match="1 lần"):
        run.fire("extend", D(2026, 7, 13))
    assert run.clock.extension == 12


def test_an_extension_survives_a_restart_under_decree_217(shipped: App) -> None:
    run = Run.receive(shipped, "project-appraisal", D(2026, 7, 1), group="C", grade="III")
    run.fire("extend", D(2026, 7, 2))
    run.fire("request_supplement", D(2026, 7, 3))
    run.fire("receive_supplement", D(2026, 7, 6))
    assert run.snap.state == "received"
    assert run.clock is not None and run.clock.due_date == shipped.calendar.add_working_days(D(2026, 7, 6), 24)
