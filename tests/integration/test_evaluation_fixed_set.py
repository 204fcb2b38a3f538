"""The competition evaluation on the hand-computed fixed set (see test_metrics_fixed_set), on SQLite and
PostgreSQL: every input, point, weight and score asserted, then ranking, bands, ties and the threshold.

Over the 2024 movement (01/02/2024 – 31/01/2025), by division:
- QLXD: 3 finished (early, early, on time) → 3/3 = 1 → 100 × 40; used 6 + 22 + 15 = 43 of 15 + 30 + 15 = 60
  days → 0.7167 ≤ 0.85 → 70 × 30; open overdue at 31/01/2025: D2's design stage and D7 → 2/(3 + 2) = 0.4 →
  0 × 20; repeated supplements 0/3 → 100 × 10; overdue stages urged: D2's design stage (due 22/04) and D7
  (due 06/03), neither urged → 0/2 → 0 × 10. Σ = 7100 / 110 = 64.55: completed.
- HTKT: 1 of 3 early or on time → 0; 59/65 = 0.9077 → 50 × 30; 0/3 → 100 × 20; 1/3 → 0; D4 (due 18/03 after
  its extension, finished 19/03) not urged → 0/1 → 0 × 10. 3500 / 110 → 31.82.
- QHKT: nothing judged → 0; 1/15 → 100 × 30; 0/1 → 100 × 20; 0/1 → 100 × 10; no overdue stage (D6 was
  returned while paused) → left out. 6000 / 100 → 60.00.
The set has no project, no blocker: the disbursement and the two blocker criteria have no input and are
left out, weight and all (no_data: skip); the blockers' and urging criteria themselves are computed by hand
in test_evaluation_blockers_fixed_set.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_metrics_fixed_set import build_fixed_set

from engine.domain.errors import DefinitionError
from engine.domain.movement import Movement
from engine.io.movements import load_movement
from engine.io.resources import workflows_dir
from engine.reporting.evaluation import score_unit

SHIPPED = workflows_dir() / "movements" / "2024-giai-ngan-dau-tu-cong.yaml"


def movement_with(tmp_path: Path, **changes: Any) -> Movement:
    import yaml

    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "movement.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_movement(path)


@pytest.fixture
def fixed(app: Any) -> Any:
    build_fixed_set(app)
    return app


def crit(row: dict[str, Any]) -> list[tuple[Any, ...]]:
    """The criteria scored (the fixed set has no project and no blocker: the disbursement and the blocker
    criteria are left out, see test_a_unit_without_projects_is_not_scored_on_disbursement)."""
    return [(c["id"], c["numerator"], c["denominator"], c["points"], c["weight"], c["weighted_points"])
            for c in row["criteria"] if not c.get("skipped")]


def test_a_unit_without_projects_is_not_scored_on_disbursement(fixed: Any) -> None:
    result = fixed.reports.evaluation(load_movement(SHIPPED))
    for unit in ("division", "officer"):
        for row in result["units"][unit]:
            (c,) = [c for c in row["criteria"] if c["id"] == "disbursement"]
            assert (c["skipped"], c["numerator"], c["denominator"], c["points"], c["weight"]) == (True, 0, 0, None, 20)
            urged = [c for c in row["criteria"] if c["id"] == "overdue_urged"][0]
            # 145 weighed by the file, less the 20 of disbursement and the 15 of the blockers left out, and the
            # 10 of urging where the unit had no overdue stage
            assert row["total_weight"] == (100 if urged.get("skipped") else 110)


def test_divisions_are_scored_with_every_input_shown(fixed: Any, tmp_path: Path) -> None:
    result = fixed.reports.evaluation(movement_with(tmp_path, min_finished=2))
    rows = {r["code"]: r for r in result["units"]["division"]}
    assert crit(rows["QLXD"]) == [("on_time", 3, 3, 100, 40, 4000), ("speed", 43, 60, 70, 30, 2100),
                                  ("open_overdue", 2, 5, 0, 20, 0), ("repeated_supplements", 0, 3, 100, 10, 1000),
                                  ("overdue_urged", 0, 2, 0, 10, 0)]
    q = rows["QLXD"]
    assert (q["score_text"], q["band"], q["weighted_sum"], q["total_weight"]) == ("64.55", "completed", 7100, 110)
    assert crit(rows["HTKT"]) == [("on_time", 1, 3, 0, 40, 0), ("speed", 59, 65, 50, 30, 1500),
                                  ("open_overdue", 0, 3, 100, 20, 2000), ("repeated_supplements", 1, 3, 0, 10, 0),
                                  ("overdue_urged", 0, 1, 0, 10, 0)]
    assert (rows["HTKT"]["score"], rows["HTKT"]["band_label"]) == (31.82, "Không hoàn thành nhiệm vụ")
    assert crit(rows["QHKT"]) == [("on_time", 0, 0, 0, 40, 0), ("speed", 1, 15, 100, 30, 3000),
                                  ("open_overdue", 0, 1, 100, 20, 2000), ("repeated_supplements", 0, 1, 100, 10, 1000)]
    assert rows["QHKT"]["criteria"][0]["value"] is None and rows["QHKT"]["score"] == 60.0
    # ranked: QLXD, HTKT; QHKT has one finished stage (< 2): scored, marked, not ranked
    assert [(r["code"], r["rank"], r["eligible"]) for r in result["units"]["division"]] == \
        [("QLXD", 1, True), ("HTKT", 2, True), ("QHKT", None, False)]
    assert "không xếp hạng" in rows["QHKT"]["note"]


def test_officers_are_scored_and_ranked(fixed: Any, tmp_path: Path) -> None:
    result = fixed.reports.evaluation(movement_with(tmp_path, min_finished=2))
    rows = {r["code"]: r for r in result["units"]["officer"]}
    assert {k: (r["score_text"], r["rank"]) for k, r in rows.items()} == {
        "cv.pham": ("95.50", 1), "cv.ngo": ("50.00", 2), "cv.vo": ("59.09", None), "cv.duong": ("27.27", None),
        "cv.do": ("60.00", None), "cv.dang": ("0.00", None)}
    assert crit(rows["cv.pham"]) == [("on_time", 2, 2, 100, 40, 4000), ("speed", 28, 45, 85, 30, 2550),
                                     ("open_overdue", 0, 2, 100, 20, 2000),
                                     ("repeated_supplements", 0, 2, 100, 10, 1000)]
    assert rows["cv.pham"]["band"] == "excellent" and rows["cv.pham"]["division"] == "QLXD"
    assert crit(rows["cv.dang"]) == [("on_time", 0, 0, 0, 40, 0), ("speed", 0, 0, 0, 30, 0),
                                     ("open_overdue", 1, 1, 0, 20, 0), ("repeated_supplements", 0, 0, 0, 10, 0),
                                     ("overdue_urged", 0, 1, 0, 10, 0)]


def test_the_shipped_threshold_marks_every_small_unit_unranked(fixed: Any) -> None:
    result = fixed.reports.evaluation(load_movement(SHIPPED))
    assert all(r["rank"] is None and not r["eligible"] for u in result["units"].values() for r in u)
    assert result["movement"]["min_finished"] == 10 and result["period"]["end"] == "2025-01-31"


def test_an_interim_review_stops_at_its_day(fixed: Any, tmp_path: Path) -> None:
    import datetime as dt

    result = fixed.reports.evaluation(movement_with(tmp_path, min_finished=0), until=dt.date(2024, 2, 29))
    rows = {r["code"]: r for r in result["units"]["division"]}
    assert (rows["QLXD"]["finished"], rows["HTKT"]["finished"]) == (0, 0)
    assert result["period"]["end"] == "2024-02-29"


TOTALS = {"early": 0, "on_time": 0, "judged": 0, "used_sum": 0, "limit_sum": 0, "open_overdue": 0, "finished": 0,
          "backlog": 0, "repeated_supplements": 0, "late": 0}


def test_ties_are_broken_by_on_time_share_then_finished_then_code(tmp_path: Path) -> None:
    from engine.reporting.evaluation import _rank

    mv = movement_with(tmp_path, min_finished=1)

    def unit(code: str, early: int, judged: int, finished: int) -> dict[str, Any]:
        t = {**TOTALS, "early": early, "judged": judged, "finished": finished, "used_sum": 1, "limit_sum": 10}
        return {"code": code, "eligible": True, "rank": None, "finished": finished, "totals": t,
                **score_unit(mv, t)}

    # all score 100 × 40 (share ≥ 0.98)... except B at 0.985; then more finished; then code A→Z
    rows = [unit("Z", 100, 100, 100), unit("B", 197, 200, 200), unit("Y", 100, 100, 100), unit("C", 100, 100, 150)]
    assert len({r["score_text"] for r in rows}) == 1
    _rank(mv, rows)
    assert [(r["code"], r["rank"]) for r in rows] == [("C", 1), ("Y", 2), ("Z", 3), ("B", 4)]


def test_scores_round_half_up_to_two_decimals(tmp_path: Path) -> None:
    import yaml

    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data["criteria"] = [dict(data["criteria"][0], weight=3, scale=[{"min": 0.5, "points": 1}, {"min": 0, "points": 0}]),
                        dict(data["criteria"][3], weight=5, scale=[{"max": 0, "points": 0}, {"points": 0}])]
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    mv = load_movement(path)
    s = score_unit(mv, {**TOTALS, "early": 1, "judged": 1, "finished": 1})
    assert (s["weighted_sum"], s["total_weight"], s["score_text"]) == (3, 8, "0.38")  # 0.375 → 0.38


@pytest.mark.parametrize("change, message", [
    ({"criteria": [{"metric": "nope", "weight": 1, "scale": [{"points": 1}]}]}, "criteria[0].metric"),
    ({"criteria": [{"metric": "late_share", "weight": 0, "scale": [{"points": 1}]}]}, "criteria[0].weight"),
    ({"period": {"start": "2025-01-01", "end": "2024-01-01"}}, "period"),
    ({"tie_break": ["shoe_size"]}, "tie_break"),
    ({"units": ["planet"]}, "units"),
])
def test_a_broken_movement_file_names_the_key(tmp_path: Path, change: dict[str, Any], message: str) -> None:
    with pytest.raises(DefinitionError, match=message.replace("[", r"\[").replace("]", r"\]")):
        movement_with(tmp_path, **change)


def test_the_shipped_movement_names_a_source_for_every_criterion() -> None:
    mv = load_movement(SHIPPED)
    assert (mv.start.isoformat(), mv.end.isoformat()) == ("2024-02-01", "2025-01-31")
    assert {c.metric for c in mv.criteria} >= {"early_or_on_time_share", "turnaround_vs_limit", "open_overdue_rate",
                                               "repeated_supplement_share"}
    # 40 + 30 + 20 + 10 for the appraisal, + 20 for disbursement, + 10 + 5 + 10 for blockers and urging (the
    # file's header states the sum)
    assert all(c.source for c in mv.criteria) and sum(c.weight for c in mv.criteria) == 145
    assert {c.id: c.within for c in mv.criteria if c.within} == {"blockers_prompt": 3, "blockers_resolved": 10,
                                                                 "overdue_urged": 2}
    assert [b.code for b in mv.bands] == ["excellent", "good", "completed", "not_completed"]
