"""The capital arithmetic, pure: amounts as a finance office writes them, the plan's window, the milestone
path, the projection, the working-day spans of a project's wait, and the movement file's capital section."""

from __future__ import annotations

import datetime as dt
import random
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from engine.domain.capital import (
    CapitalGoal,
    Figures,
    GoalOnDay,
    Milestone,
    months_back,
    parse_amount,
    plan_window,
    progress_line,
    projection,
)
from engine.domain.capital_time import span_bits, stage_spans, union, waiting, waiting_bits
from engine.domain.errors import BadInput, DefinitionError
from engine.io.movements import default_movement_path, load_movement

GOAL = CapitalGoal(2024, Fraction(95, 100), dt.date(2025, 1, 31),
                   (Milestone(dt.date(2024, 6, 30), Fraction(1, 2), ""),
                    Milestone(dt.date(2024, 8, 31), Fraction(7, 10), "")), 3, "nguồn")


@pytest.mark.parametrize(("text", "million", "dong"), [
    ("1.234.567", False, 1_234_567), ("1234567", False, 1_234_567), ("1 234 567", False, 1_234_567),
    ("1.234.567 đồng", False, 1_234_567), ("1.234.567đ", False, 1_234_567), ("1.234.567,00", False, 1_234_567),
    ("1.234,5", True, 1_234_500_000), ("0,000001", True, 1), ("12", True, 12_000_000),
])
def test_amounts_are_read_as_the_finance_office_writes_them(text: str, million: bool, dong: int) -> None:
    assert parse_amount(text, million=million) == dong


@pytest.mark.parametrize(("text", "says"), [
    ("1,234,567", "không phải một số tiền"), ("12 tỷ", "không phải một số tiền"), ("1.23.456", "không phải"),
    ("-5.000", "âm"), ("(5.000)", "âm"), ("1.234,5", "lẻ dưới một đồng"), ("", "không phải"),
])
def test_amounts_that_are_not_whole_positive_dong_are_refused(text: str, says: str) -> None:
    with pytest.raises(BadInput, match=says):
        parse_amount(text)


def test_an_adjustment_may_reduce() -> None:
    assert parse_amount("-2.000.000.000", signed=True) == -2 * 10**9 == parse_amount("(2.000.000.000)", signed=True)


def test_the_plan_of_a_year_is_disbursed_until_the_end_of_january_after() -> None:
    assert plan_window(2024) == (dt.date(2024, 1, 1), dt.date(2025, 1, 31))


@pytest.mark.parametrize(("day", "share"), [
    (dt.date(2023, 12, 1), Fraction(0)), (dt.date(2024, 1, 1), Fraction(0)),
    (dt.date(2024, 3, 31), Fraction(1, 2) * Fraction(90, 181)),  # 90 of the 181 days to 30/06
    (dt.date(2024, 6, 30), Fraction(1, 2)), (dt.date(2024, 7, 31), Fraction(1, 2) + Fraction(1, 5) * Fraction(31, 62)),
    (dt.date(2024, 9, 30), Fraction(191, 255)), (dt.date(2025, 1, 31), Fraction(95, 100)),
    (dt.date(2025, 3, 1), Fraction(95, 100)),
])
def test_the_milestone_path_runs_in_straight_lines_between_its_corners(day: dt.date, share: Fraction) -> None:
    assert GOAL.path(day) == share


def test_the_trend_reads_back_calendar_months() -> None:
    assert months_back(dt.date(2024, 5, 31), 3) == dt.date(2024, 2, 29)
    assert months_back(dt.date(2025, 1, 31), 3) == dt.date(2024, 10, 31)
    assert GOAL.trend_start(dt.date(2024, 2, 15)) == dt.date(2024, 1, 1)  # not before the plan year


def test_the_projection_carries_the_pace_on_and_stops_at_the_plan() -> None:
    since, as_of, by = dt.date(2024, 6, 30), dt.date(2024, 9, 30), dt.date(2025, 1, 31)
    assert projection(10**9, 4 * 10**8, since, as_of, by, 4 * 10**9) == 10**9 + 6 * 10**8 * 123 // 92
    assert projection(6 * 10**9, 3 * 10**9, since, as_of, by, 8 * 10**9) == 8 * 10**9
    assert projection(5, 5, since, as_of, by, 100) == 5  # no pace: what is disbursed
    assert projection(5, 1, since, by, by, 100) == 5  # on the target day: what is disbursed


@pytest.mark.parametrize("day", [dt.date(2024, 1, 1), dt.date(2024, 3, 31), dt.date(2024, 11, 30),
                                 dt.date(2025, 1, 30), dt.date(2025, 1, 31)])
def test_a_lines_projection_is_the_projections(day: dt.date) -> None:
    """The table's line reads the goal's days once (GoalOnDay): the same figure as ``projection``, whatever
    the plan (none, negative, below what is disbursed) and the pace."""
    rng, g = random.Random(day.toordinal()), GoalOnDay.of(GOAL, day)
    for _ in range(3000):
        plan = rng.choice([0, -5, rng.randint(1, 100), rng.randint(1, 10**11)])
        done = rng.choice([0, rng.randint(0, abs(plan) + 10), rng.randint(0, 10**11)])
        before = rng.choice([0, done, done + 3, rng.randint(0, 10**11)])
        line = progress_line(g, Figures(plan, done, before))
        assert line["projected"] == projection(done, before, g.since, day, GOAL.by, plan), (plan, done, before)
        assert line["undisbursed"] == max(plan - done, 0)
        assert line["needed_for_path"] == max(g.path_ratio[0] * plan // g.path_ratio[1] - done, 0)


def test_a_stage_is_with_the_department_except_while_paused() -> None:
    running, paused = stage_spans((0, 20), [(2, 6), (10, 12)])
    assert (running, paused) == ([(0, 2), (6, 10), (12, 20)], [(2, 6), (10, 12)])


def test_a_projects_days_are_the_union_over_its_dossiers() -> None:
    a = stage_spans((0, 10), [(2, 4)])  # running 0–2, 4–10; paused 2–4
    b = stage_spans((1, 5), [(3, 8)])  # running 1–3; paused 3–5 (clipped to the stage)
    w = waiting([a, b], 0, 100)
    # running: 0–10 less 2–4 where b ran 2–3 → 0–3 ∪ 4–10 = 9; paused only: 3–4 = 1
    assert (w.with_department, w.awaiting_investor, w.elapsed) == (9, 1, 100)
    assert union([(5, 7), (1, 3), (3, 4)]) == [(1, 4), (5, 7)]
    assert waiting([a], 5, 8).with_department == 3  # inside the window only


def test_the_same_days_as_bits() -> None:
    """Masks of working days (bit i: day base + 1 + i) give the spans' counts: OR is the union, ``& ~`` what
    a pause leaves of its stage."""
    base = 0
    a = span_bits(0, 10, base) & ~span_bits(2, 4, base)
    b = span_bits(1, 5, base) & ~span_bits(3, 8, base)
    stages = span_bits(0, 10, base) | span_bits(1, 5, base)
    assert waiting_bits(a | b, stages, base, 100) == waiting([stage_spans((0, 10), [(2, 4)]),
                                                              stage_spans((1, 5), [(3, 8)])], 0, 100)
    assert waiting_bits(a, span_bits(0, 10, base), base, 8).with_department == 6  # up to day 8
    assert span_bits(4, 4, base) == 0 and waiting_bits(0, 0, 7, 5).elapsed == 0


def write_movement(tmp_path: Path, **capital: object) -> Path:
    data = yaml.safe_load(default_movement_path().read_text(encoding="utf-8"))
    data["capital"].update(capital)
    path = tmp_path / "mv.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_movement_sets_the_2024_goal_with_its_source() -> None:
    goal = load_movement(default_movement_path()).capital
    assert goal is not None
    assert (goal.plan_year, goal.target, goal.by) == (2024, Fraction(95, 100), dt.date(2025, 1, 31))
    assert [(m.on, m.share) for m in goal.milestones] == [(dt.date(2024, 6, 30), Fraction(1, 2)),
                                                         (dt.date(2024, 8, 31), Fraction(7, 10))]
    assert "Luật Đầu tư công" in goal.source


@pytest.mark.parametrize(("change", "key"), [
    ({"target": 1.5}, "capital.target"), ({"by": "2027-01-31"}, "capital.by"),
    ({"trend_months": 0}, "capital.trend_months"),
    ({"milestones": [{"day": "2024-08-31", "share": 0.7}, {"day": "2024-06-30", "share": 0.5}]},
     "capital.milestones[1]"),
    ({"milestones": [{"day": "2024-06-30", "share": 0.99}]}, "capital.milestones[0].share"),
    ({"plan_year": "năm nay"}, "capital.plan_year"), ({"cap": 1}, "capital.cap"),
])
def test_a_broken_capital_section_names_its_key(tmp_path: Path, change: dict[str, object], key: str) -> None:
    with pytest.raises(DefinitionError, match=key.replace("[", r"\[").replace("]", r"\]")):
        load_movement(write_movement(tmp_path, **change))
