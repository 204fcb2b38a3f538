"""The evaluation's blocker and urging criteria on a hand-computed fixed set, on SQLite and PostgreSQL.

The movement: the shipped 2024 one with only these three criteria (weights 10, 5, 10), min_finished 0.
Blockers (raised_on, cause_on; resolved_on), by whom:
- B1 QLXD cv.pham: cause 01/03/2024, raised 06/03 (4, 5, 6/03: 3 working days ≤ 3: prompt); resolved 13/03
  (the 5th working day after 06/03 is 13/03: in time);
- B2 QLXD cv.pham: cause 01/03, raised 07/03 (4 working days: late); resolved 15/03 (5th working day 14/03: late);
- B3 QLXD tp.nguyen: no cause day (not dated); raised Fri 24/01/2025, open: its 5 working days end on 07/02/2025
  (Tết 27–31/01), after the period: not yet due;
- B4 QLXD tp.nguyen: raised 02/12/2024, open: 5 working days ended 09/12/2024: due, not in time;
- B5 HTKT cv.ngo: cause Fri 30/08/2024, raised 05/09 (02 and 03/09 are holidays: 04, 05/09 = 2 ≤ 3: prompt);
  resolved 06/09: in time.
Overdue stage cases (received 04/03/2024, 15 days: due 19/03/2024, never finished), urged within 2 working days
after the due date (20 or 21/03):
- HS-1 QLXD cv.pham: urged 21/03 by tp.nguyen → urged; HS-2 QLXD cv.vo: urged 19/03 (not after the due date)
  and 25/03 (too late) → not urged; HS-3 HTKT cv.ngo: never urged.

Division QLXD: prompt 1/2 = 0.5 → 50 × 10; resolved in time 1/3 (B1 of B1, B2, B4) → 30 × 5; urged 1/2 → 50 × 10:
1150 / 25 = 46.00. HTKT: 1/1 → 100 × 10; 1/1 → 100 × 5; 0/1 → 0 × 10: 1500 / 25 = 60.00.
Officers: cv.pham 1/2 → 500, 1/2 → 60 × 5 = 300, 1/1 → 1000: 1800 / 25 = 72.00; cv.vo: only urging, 0/1 → 0:
0 / 10 = 0.00 (the blocker criteria have no input and are left out, weight and all); cv.ngo 1500 / 25 = 60.00.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from engine.bootstrap import App
from engine.domain.blockers import RaiseBlocker, ResolveBlocker
from engine.domain.clock import TZ
from engine.domain.commands import Receive
from engine.io.movements import load_movement
from engine.io.resources import workflows_dir

SHIPPED = workflows_dir() / "movements" / "2024-giai-ngan-dau-tu-cong.yaml"
SHARE = {"direction": "higher", "no_data": "skip", "source": "kiểm thử"}
CRITERIA = [
    {**SHARE, "id": "prompt", "metric": "blockers_raised_promptly_share", "weight": 10, "within": 3,
     "scale": [{"min": 1, "points": 100}, {"min": 0.5, "points": 50}, {"min": 0, "points": 0}]},
    {**SHARE, "id": "resolved", "metric": "blockers_resolved_in_time_share", "weight": 5, "within": 5,
     "scale": [{"min": 1, "points": 100}, {"min": 0.5, "points": 60}, {"min": 0.3, "points": 30},
               {"min": 0, "points": 0}]},
    {**SHARE, "id": "urged", "metric": "overdue_urged_share", "weight": 10, "within": 2,
     "scale": [{"min": 1, "points": 100}, {"min": 0.5, "points": 50}, {"min": 0, "points": 0}]},
]


def _movement(tmp_path: Path) -> Any:
    data = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    data.update(criteria=CRITERIA, min_finished=0)
    path = tmp_path / "movement.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_movement(path)


def _build(app: App) -> None:
    for code, division, officer in (("HS-1", "QLXD", "cv.pham"), ("HS-2", "QLXD", "cv.vo"), ("HS-3", "HTKT", "cv.ngo")):
        app.services.receive(Receive(workflow="project-appraisal", code=code, name=f"Dự án {code}", investor="Ban QLDA",
                                     group="C", division=division, officer=officer, at="2024-03-04T08:00"))

    def blocker(code: str, actor: str, raised: str, cause: str | None, resolved: str | None = None) -> None:
        b = app.blockers.raise_(RaiseBlocker(actor=actor, code=code, cause="legal", description="Vướng mắc",
                                             addressed_to="director", cause_on=cause, raised_on=raised))
        if resolved:
            app.blockers.resolve(ResolveBlocker(b["id"], "gd.tran", "Đã giải quyết", resolved))

    blocker("HS-1", "cv.pham", "2024-03-06", "2024-03-01", "2024-03-13")
    blocker("HS-1", "cv.pham", "2024-03-07", "2024-03-01", "2024-03-15")
    blocker("HS-1", "tp.nguyen", "2025-01-24", None)
    blocker("HS-1", "tp.nguyen", "2024-12-02", None)
    blocker("HS-3", "cv.ngo", "2024-09-05", "2024-08-30", "2024-09-06")
    for code, day in (("HS-1", 21), ("HS-2", 19), ("HS-2", 25)):
        app.clock.set(dt.datetime(2024, 3, day, 10, 0, tzinfo=TZ))  # type: ignore[attr-defined]
        app.urging.urge("tp.nguyen", code=code, note="Đôn đốc")


def _lines(row: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(c["id"], c["numerator"], c["denominator"], c["points"], c["weight"], c["weighted_points"])
            for c in row["criteria"]]


def test_blocker_and_urging_criteria_are_scored_with_every_input_shown(app: App, tmp_path: Path) -> None:
    _build(app)
    result = app.reports.evaluation(_movement(tmp_path))
    div = {r["code"]: r for r in result["units"]["division"]}
    assert _lines(div["QLXD"]) == [("prompt", 1, 2, 50, 10, 500), ("resolved", 1, 3, 30, 5, 150),
                                   ("urged", 1, 2, 50, 10, 500)]
    assert (div["QLXD"]["score_text"], div["QLXD"]["weighted_sum"], div["QLXD"]["total_weight"]) == ("46.00", 1150, 25)
    assert _lines(div["HTKT"]) == [("prompt", 1, 1, 100, 10, 1000), ("resolved", 1, 1, 100, 5, 500),
                                   ("urged", 0, 1, 0, 10, 0)]
    assert div["HTKT"]["score_text"] == "60.00"
    off = {r["code"]: r for r in result["units"]["officer"]}
    assert {k: r["score_text"] for k, r in off.items()} == {"cv.pham": "72.00", "cv.vo": "0.00", "cv.ngo": "60.00"}
    assert _lines(off["cv.pham"]) == [("prompt", 1, 2, 50, 10, 500), ("resolved", 1, 2, 60, 5, 300),
                                      ("urged", 1, 1, 100, 10, 1000)]
    vo = {c["id"]: c for c in off["cv.vo"]["criteria"]}
    assert vo["prompt"]["skipped"] and vo["resolved"]["skipped"] and off["cv.vo"]["total_weight"] == 10
    assert vo["urged"]["numerator_label"].startswith("Số bước quá hạn được đôn đốc")


def test_the_criteria_read_their_working_days_from_the_file(app: App, tmp_path: Path) -> None:
    _build(app)
    CRITERIA[0]["within"] = 4  # B2 raised on the 4th working day becomes prompt
    try:
        result = app.reports.evaluation(_movement(tmp_path))
    finally:
        CRITERIA[0]["within"] = 3
    div = {r["code"]: r for r in result["units"]["division"]}
    assert _lines(div["QLXD"])[0] == ("prompt", 2, 2, 100, 10, 1000)
