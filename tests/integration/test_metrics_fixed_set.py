"""Turnaround metrics on a small fixed set of dossiers, every number computed by hand (on SQLite and
PostgreSQL: the same expectations, so both backends give identical results).

The set (law 62/2020 limits in calendar days; the 2026 one under Decree 217, working days, restart):

- D1 QLXD cv.pham, C/III, received Fri 01/03/2024: accepted 04/03, appraisal passed Thu 07/03 (due
  Mon 18/03: early; 4 working days, 6 days); design approved Fri 29/03 (due Mon 08/04: early; 16 wd, 22 d).
- D2 QLXD cv.vo, received 01/03: accepted 04/03, supplement asked Tue 05/03 (4 days used), received
  Mon 11/03 (resume: due 11/03 + 11 = Fri 22/03), passed Fri 22/03: on time; 15 wd − 4 paused = 11 wd,
  21 − 6 = 15 d. Its design stage (from 22/03, due Mon 22/04) stays open.
- D3 HTKT cv.ngo, received 01/03: supplement asked at intake Mon 04/03, received Wed 06/03, accepted
  Thu 07/03, supplement asked again Fri 08/03, received Tue 12/03, passed Thu 14/03: the clock says early
  (due Fri 22/03) but two supplement requests count as late; 9 wd − 4 paused = 5 wd, 13 − 6 = 7 d.
  Design approved Mon 25/03 (due Mon 15/04): early; 7 wd, 11 d.
- D4 HTKT cv.duong, post-basic design grade IV (20 days), received Wed 07/02/2024, just before Tết
  (08–14/02 off): due Tue 27/02, accepted Thu 15/02, extended Mon 26/02 by 20 days (due Mon 18/03),
  approved Tue 19/03: late; 24 working days (Tết skipped), 41 days.
- D6 QHKT cv.do, received Mon 04/03, supplement asked Tue 05/03, returned while waiting Fri 29/03:
  not judged; 19 wd − 18 paused = 1 wd, 25 − 24 = 1 d.
- D7 QLXD cv.dang, post-basic design grade IV, received Thu 15/02, accepted Fri 16/02, due Wed 06/03,
  never finished: open and overdue at the end of March; its project name holds a <script>.
- D5 QHKT cv.bui, C/III under Decree 217 (12 working days, restart), received Thu 02/07/2026: due
  Mon 20/07; accepted 03/07, supplement asked Tue 07/07 (3 wd used), received Mon 13/07: restart, due
  Wed 29/07; approved Thu 30/07: late; 20 wd − 4 paused = 16 wd, 28 − 6 = 22 d.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
from acts import note_for

from engine.domain.commands import Fire, Receive
from engine.reporting.metrics import session
from engine.reporting.periods import Period, percentile_cont

SCRIPT_NAME = "Kè <script>alert('x')</script> & cầu"


def build_fixed_set(app: Any) -> None:
    s = app.services

    def receive(code: str, at: str, division: str, officer: str, workflow: str = "project-appraisal",
                group: str = "C", grade: str = "III", name: str | None = None) -> None:
        s.receive(Receive(workflow=workflow, code=code, name=name or f"Dự án {code}", investor="Ban QLDA tỉnh",
                  group=group, grade=grade, division=division, officer=officer, at=at))

    def fire(code: str, *steps: tuple[str, str, str]) -> None:
        for event, actor, at in steps:
            s.fire(Fire(code=code, event=event, note=note_for(event), actor=actor, at=at))

    receive("D1", "2024-03-01T08:00", "QLXD", "cv.pham")
    fire("D1", ("accept", "cv.pham", "2024-03-04"), ("pass_appraisal", "cv.pham", "2024-03-07"),
         ("approve", "tp.nguyen", "2024-03-29"))
    receive("D2", "2024-03-01T09:00", "QLXD", "cv.vo")
    fire("D2", ("accept", "cv.vo", "2024-03-04"), ("request_supplement", "cv.vo", "2024-03-05"),
         ("receive_supplement", "cv.vo", "2024-03-11"), ("pass_appraisal", "cv.vo", "2024-03-22"))
    receive("D3", "2024-03-01T10:00", "HTKT", "cv.ngo")
    fire("D3", ("request_supplement", "cv.ngo", "2024-03-04"), ("receive_supplement", "cv.ngo", "2024-03-06"),
         ("accept", "cv.ngo", "2024-03-07"), ("request_supplement", "cv.ngo", "2024-03-08"),
         ("receive_supplement", "cv.ngo", "2024-03-12"), ("pass_appraisal", "cv.ngo", "2024-03-14"),
         ("approve", "tp.huynh", "2024-03-25"))
    receive("D4", "2024-02-07", "HTKT", "cv.duong", workflow="post-basic-design", grade="IV")
    fire("D4", ("accept", "cv.duong", "2024-02-15"), ("extend", "tp.huynh", "2024-02-26"),
         ("approve", "tp.huynh", "2024-03-19"))
    receive("D6", "2024-03-04", "QHKT", "cv.do")
    fire("D6", ("request_supplement", "cv.do", "2024-03-05"), ("return", "cv.do", "2024-03-29"))
    receive("D7", "2024-02-15", "QLXD", "cv.dang", workflow="post-basic-design", grade="IV", name=SCRIPT_NAME)
    fire("D7", ("accept", "cv.dang", "2024-02-16"))
    receive("D5", "2026-07-02", "QHKT", "cv.bui")
    fire("D5", ("accept", "cv.bui", "2026-07-03"), ("request_supplement", "cv.bui", "2026-07-07"),
         ("receive_supplement", "cv.bui", "2026-07-13"), ("approve", "tp.hoang", "2026-07-30"))


@pytest.fixture
def fixed(app: Any) -> Any:
    build_fixed_set(app)
    return app


def test_the_clocks_behind_the_fixed_set_are_what_the_hand_computation_assumes(fixed: Any) -> None:
    c = {code: fixed.services.show(code)["clocks"] for code in ("D1", "D2", "D3", "D4", "D5", "D6", "D7")}
    assert [(x["due_date"], x["outcome"]) for x in c["D1"]] == [("2024-03-18", "early"), ("2024-04-08", "early")]
    d2 = c["D2"]
    assert (d2[0]["due_date"], d2[0]["outcome"], d2[1]["due_date"]) == ("2024-03-22", "on_time", "2024-04-22")
    assert (c["D3"][0]["due_date"], c["D3"][0]["outcome"], c["D3"][0]["pause_count"]) == ("2024-03-22", "early", 2)
    assert (c["D4"][0]["due_date"], c["D4"][0]["extension"], c["D4"][0]["outcome"]) == ("2024-03-18", 20, "late")
    assert (c["D5"][0]["due_date"], c["D5"][0]["unit"], c["D5"][0]["policy"], c["D5"][0]["outcome"]) == \
        ("2024-07-29".replace("2024", "2026"), "working_days", "restart", "late")
    assert (c["D6"][0]["outcome"], c["D6"][0]["finished_on"], c["D6"][0]["paused_days"]) == (None, "2024-03-29", 24)
    assert (c["D7"][0]["due_date"], c["D7"][0]["finished_on"]) == ("2024-03-06", None)


def test_march_totals_follow_the_one_stop_shop_rules(fixed: Any) -> None:
    with session(fixed.database, fixed.calendar) as ms:
        (t,) = ms.table(Period.month("2024-03"), [])
    assert (t["received"], t["finished"], t["judged"]) == (7, 7, 6)
    assert (t["early"], t["on_time"], t["late"], t["not_judged"]) == (3, 1, 2, 1)
    assert t["early_or_on_time_share"] == 4 / 6 and t["late_share"] == 2 / 6 and t["early_share"] == 3 / 6
    # turnaround, working days: 1, 4, 5, 7, 11, 16, 24; days: 1, 6, 7, 11, 15, 22, 41
    assert (t["wd_sum"], t["days_sum"]) == (68, 103)
    assert t["wd_mean"] == 68 / 7 and t["days_mean"] == 103 / 7
    assert t["wd_median"] == 7 and t["days_median"] == 11
    assert math.isclose(t["wd_p90"], 19.2, abs_tol=1e-9) and math.isclose(t["days_p90"], 29.6, abs_tol=1e-9)
    assert t["turnaround_buckets"] == [3, 1, 1, 1, 1, 0, 0]
    assert (t["paused_cases"], t["paused_share"]) == (3, 3 / 7)
    assert (t["paused_days_sum"], t["elapsed_days_sum"], t["paused_time_share"]) == (36, 139, 36 / 139)
    assert (t["supplement_requests"], t["supplements_per_case"], t["repeated_supplements"]) == (4, 4 / 7, 1)
    assert (t["used_sum"], t["limit_sum"], t["turnaround_vs_limit"]) == (103, 140, 103 / 140)
    # at 31/03: D2's design stage (5 wd old) and D7 (31 wd old, due 06/03: overdue)
    assert (t["backlog"], t["open_overdue"], t["age_buckets"]) == (2, 1, [1, 0, 1, 0])
    assert t["open_overdue_rate"] == 1 / 9


def test_march_by_division_officer_workflow_and_stage(fixed: Any) -> None:
    march = Period.month("2024-03")
    with session(fixed.database, fixed.calendar) as ms:
        div = {r["division"]: r for r in ms.table(march, ["division"])}
        off = {r["officer"]: r for r in ms.table(march, ["officer"])}
        stage = {(r["workflow"], r["stage"]): r for r in ms.table(march, ["workflow", "stage"])}
        overdue = ms.open_overdue_list(march)
    q = div["QLXD"]
    assert (q["received"], q["finished"], q["early"], q["on_time"], q["late"]) == (4, 3, 2, 1, 0)
    assert (q["early_or_on_time_share"], q["wd_median"], q["backlog"], q["open_overdue"]) == (1.0, 11, 2, 1)
    assert math.isclose(q["wd_p90"], 15.0, abs_tol=1e-9)
    h = div["HTKT"]
    assert (h["finished"], h["early"], h["late"], h["early_or_on_time_share"], h["wd_sum"]) == (3, 1, 2, 1 / 3, 36)
    assert (h["received"], h["repeated_supplements"], h["backlog"]) == (2, 1, 0)
    d6 = div["QHKT"]
    assert (d6["finished"], d6["judged"], d6["not_judged"], d6["early_or_on_time_share"]) == (1, 0, 1, None)
    assert off["cv.pham"]["wd_sum"] == 20 and off["cv.vo"]["days_sum"] == 15
    assert (off["cv.dang"]["finished"], off["cv.dang"]["open_overdue"]) == (0, 1)
    a = stage[("project-appraisal", "appraisal")]
    assert (a["finished"], a["early"], a["on_time"], a["late"], a["not_judged"], a["wd_median"]) == (4, 1, 1, 1, 1, 4.5)
    p = stage[("project-appraisal", "post_basic_design")]
    assert (p["received"], p["finished"], p["early"], p["backlog"], p["days_sum"]) == (3, 2, 2, 1, 33)
    d = stage[("post-basic-design", "design_appraisal")]
    assert (d["finished"], d["late"], d["wd_sum"], d["days_sum"]) == (1, 1, 24, 41)
    assert (d["backlog"], d["open_overdue"]) == (1, 1)
    listed = [(o["code"], o["due_date"].isoformat(), o["overdue_working_days"]) for o in overdue]
    assert listed == [("D7", "2024-03-06", 17)]


def test_february_backlog_spans_tet_and_counts_the_extension(fixed: Any) -> None:
    with session(fixed.database, fixed.calendar) as ms:
        (t,) = ms.table(Period.month("2024-02"), [])
    assert (t["received"], t["finished"], t["backlog"], t["open_overdue"]) == (2, 0, 2, 0)
    assert t["age_buckets"] == [1, 1, 0, 0]  # D7: 10 working days old, D4: 11 (Tết not counted)
    assert (t["wd_median"], t["early_or_on_time_share"], t["wd_mean"]) == (None, None, None)


def test_a_restarted_clock_under_decree_217_counts_working_days(fixed: Any) -> None:
    with session(fixed.database, fixed.calendar) as ms:
        (t,) = ms.table(Period.month("2026-07"), [])
    assert (t["received"], t["finished"], t["late"], t["wd_sum"], t["days_sum"]) == (1, 1, 1, 16, 22)
    assert (t["used_sum"], t["limit_sum"], t["paused_days_sum"]) == (16, 12, 6)
    assert (t["wd_median"], t["wd_p90"]) == (16, 16)


def test_a_division_filter_restricts_every_number(fixed: Any) -> None:
    with session(fixed.database, fixed.calendar) as ms:
        (t,) = ms.table(Period.month("2024-03"), [], division="HTKT")
    assert (t["finished"], t["early"], t["late"], t["backlog"], t["wd_median"]) == (3, 1, 2, 0, 7)


def test_the_campaign_trend_counts_judged_stages_per_month(fixed: Any) -> None:
    import datetime as dt

    with session(fixed.database, fixed.calendar) as ms:
        trend = ms.monthly_trend(dt.date(2024, 2, 1), dt.date(2024, 4, 30))
    assert [(m["month"], m["finished"], m["judged"], m["early_or_on_time"]) for m in trend] == \
        [("2024-02", 0, 0, 0), ("2024-03", 7, 6, 4), ("2024-04", 0, 0, 0)]
    with session(fixed.database, fixed.calendar) as ms:  # with a division: the plain query on every backend
        htkt = ms.monthly_trend(dt.date(2024, 3, 1), dt.date(2024, 3, 31), "HTKT")
    assert [(m["finished"], m["judged"], m["early_or_on_time"], m["early_or_on_time_share"]) for m in htkt] == \
        [(3, 3, 1, 1 / 3)]


def test_percentile_cont_matches_postgresql_interpolation() -> None:
    assert percentile_cont([1, 4, 5, 7, 11, 16, 24], 0.5) == 7
    assert percentile_cont([3, 6], 0.5) == 4.5
    assert percentile_cont([], 0.9) is None
    assert Fraction(percentile_cont([0, 10], 0.9) or 0).limit_denominator(100) == Fraction(9)


def test_histogram_percentiles_equal_the_databases_own_percentile_cont(fixed: Any) -> None:
    march = Period.month("2024-03")
    with session(fixed.database, fixed.calendar) as ms:
        for by in ([], ["division"], ["officer"], ["workflow", "stage"], ["division", "officer", "workflow", "stage"]):
            assert ms.percentiles_from_histograms(march, by) == ms.percentiles(march, by), by


def test_the_evaluation_totals_agree_with_the_full_metrics(fixed: Any) -> None:
    from engine.reporting.rollups import rollup

    span = Period(Period.month("2024-02").start, Period.month("2026-12").end, "")  # includes D5 (working days)
    cols = ("finished", "judged", "early", "on_time", "late", "not_judged", "repeated_supplements",
            "supplement_requests", "limit_sum", "used_sum", "backlog", "open_overdue")
    with session(fixed.database, fixed.calendar) as ms:
        full = {(r["division"], r["officer"]): {c: r[c] for c in cols}
                for r in rollup(ms.fine(span), ["division", "officer"])}
        light = {(r["division"], r["officer"]): {c: r[c] for c in cols} for r in ms.evaluation_totals(span)}
    assert light == full
    assert light[("QHKT", "cv.bui")]["used_sum"] == 16  # D5: working days, paused days excluded
