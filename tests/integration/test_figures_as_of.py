"""A period's figures are those of its last day: recording a later event never changes them (domain.md §8),
on SQLite and PostgreSQL.

The dossier of the issue: project appraisal, group C (15 days), received Fri 01/03/2024 and accepted Mon
04/03: due Sat 16/03, moved to Mon 18/03/2024; still open at the end of April. On Tue 30/04/2024 (a day
off) it is 28 working days overdue: 19–22/03 and 25–29/03 (9), then April's working days (1–5, 8–12,
15–17 and 19 — 18/04 is the Hùng Kings' day off —, 22–26: 19; 29 and 30/04 are days off).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.domain.clock import TZ
from engine.domain.commands import Fire, Receive
from engine.reporting.metrics import session
from engine.reporting.periods import Period

APRIL = Period.month("2024-04")
OVERDUE_ON_30_04 = 28


def at(clock: Any, day: str, hour: int = 9) -> None:
    """Move the injected clock to ``day`` (a working day) at ``hour``: acts are recorded then."""
    clock.set(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), TZ))


def receive_due_18_03(app: Any, clock: Any, code: str = "HS-A1") -> None:
    at(clock, "2024-03-01")
    app.services.receive(Receive(workflow="project-appraisal", code=code, name=f"Dự án {code}",
                                 investor="Ban QLDA tỉnh", group="C", grade="III", division="QLXD",
                                 officer="cv.pham"))
    at(clock, "2024-03-04")
    app.services.fire(Fire(code=code, event="accept", actor="cv.pham"))


#: a supplement request states its reason and what is missing (the workflow's ``requires``)
SURVEY = "Thiếu hồ sơ khảo sát\nCần bổ sung, hoàn thiện:\n- Báo cáo khảo sát địa chất"
DRAWINGS = "Thiếu bản vẽ\nCần bổ sung, hoàn thiện:\n- Bản vẽ mặt bằng"

def fire(app: Any, clock: Any, day: str, code: str, event: str, actor: str, **kw: Any) -> None:
    at(clock, day, 10)
    app.services.fire(Fire(code=code, event=event, actor=actor, **kw))


def april(app: Any) -> tuple[dict[str, Any], list[tuple[str, str, int, str]]]:
    """The April report's total row and its open overdue list (code, due date, working days, officer)."""
    data = app.reports.monthly("2024-04")
    return data["total"], [(o["code"], o["due_date"], o["overdue_working_days"], o["officer"])
                           for o in data["open_overdue"]]


def test_a_supplement_asked_in_june_leaves_april_open_and_overdue(app: Any, clock: Any) -> None:
    receive_due_18_03(app, clock)
    at(clock, "2024-05-02")
    total, listed = april(app)
    assert (total["backlog"], total["open_overdue"], total["paused_at_end"]) == (1, 1, 0)
    assert listed == [("HS-A1", "2024-03-18", OVERDUE_ON_30_04, "cv.pham")]
    fire(app, clock, "2024-06-03", "HS-A1", "request_supplement", "cv.pham", note=SURVEY)
    assert app.services.show("HS-A1")["state"] == "awaiting_supplement"  # today: paused, no due date
    assert april(app) == (total, listed)
    total, listed = april(app)
    assert (total["backlog"], total["open_overdue"], total["age_buckets"]) == (1, 1, [0, 0, 1, 0])


def test_an_extension_after_the_period_leaves_its_due_date(app: Any, clock: Any) -> None:
    receive_due_18_03(app, clock)
    at(clock, "2024-05-02")
    before = april(app)
    fire(app, clock, "2024-05-06", "HS-A1", "extend", "tp.nguyen")
    # today: 15 more days from 01/03, Sun 31/03 moved to Mon 01/04/2024
    assert app.services.show("HS-A1")["clocks"][0]["due_date"] == "2024-04-01"
    assert april(app) == before
    assert before[1] == [("HS-A1", "2024-03-18", OVERDUE_ON_30_04, "cv.pham")]
    # May's end is after the extension: due 01/04, 41 working days overdue on 31/05 (02–30/04: 18;
    # May: 2, 3, the make-up Saturday 4, then 6–31: 23; 01/05 is a day off)
    may = app.reports.monthly("2024-05")
    assert [(o["due_date"], o["overdue_working_days"]) for o in may["open_overdue"]] == [("2024-04-01", 41)]


def test_a_dossier_closed_after_the_period_counts_in_its_backlog(app: Any, clock: Any) -> None:
    receive_due_18_03(app, clock)
    fire(app, clock, "2024-05-06", "HS-A1", "pass_appraisal", "cv.pham")
    fire(app, clock, "2024-05-20", "HS-A1", "approve", "tp.nguyen")
    assert app.services.show("HS-A1")["state"] == "approved"
    total, listed = april(app)
    assert (total["backlog"], total["open_overdue"], total["finished"]) == (1, 1, 0)
    assert listed == [("HS-A1", "2024-03-18", OVERDUE_ON_30_04, "cv.pham")]


def test_a_handover_after_the_period_leaves_who_held_the_dossier_then(app: Any, clock: Any) -> None:
    receive_due_18_03(app, clock)
    at(clock, "2024-05-02")
    by_officer = {r["officer"]: r["backlog"] for r in app.reports.monthly("2024-04")["by_officer"]}
    fire(app, clock, "2024-05-06", "HS-A1", "reassign", "tp.nguyen", officer="cv.vo")
    assert app.services.show("HS-A1")["officer"] == "cv.vo"
    data = app.reports.monthly("2024-04")
    assert {r["officer"]: r["backlog"] for r in data["by_officer"]} == by_officer == {"cv.pham": 1}
    assert [o["officer"] for o in data["open_overdue"]] == ["cv.pham"]
    with session(app.database, app.calendar) as ms:
        assert {r["officer"]: r["backlog"] for r in ms.table(Period.month("2024-05"), ["officer"])} == {"cv.vo": 1}


def test_a_dossier_paused_at_the_end_is_not_overdue_then_whatever_came_later(app: Any, clock: Any) -> None:
    receive_due_18_03(app, clock)
    fire(app, clock, "2024-04-22", "HS-A1", "request_supplement", "cv.pham", note=DRAWINGS)
    at(clock, "2024-05-02")
    total, listed = april(app)
    assert (total["backlog"], total["open_overdue"], total["paused_at_end"], listed) == (1, 0, 1, [])
    fire(app, clock, "2024-05-13", "HS-A1", "receive_supplement", "cv.pham")
    assert april(app) == (total, listed)
    # the March report, before the pause: overdue on 31/03 (9 working days after 18/03)
    march = app.reports.monthly("2024-03")
    assert [(o["due_date"], o["overdue_working_days"]) for o in march["open_overdue"]] == [("2024-03-18", 9)]


def test_the_evaluations_open_overdue_at_the_end_is_read_as_of_then(app: Any, clock: Any) -> None:
    receive_due_18_03(app, clock)
    at(clock, "2024-05-02")
    movement = app.reports.movement(None)

    def counts() -> dict[str, Any]:
        data = app.reports.evaluation(movement, until=dt.date(2024, 4, 30))
        (qlxd,) = [r for r in data["units"]["division"] if r["code"] == "QLXD"]
        line = next(c for c in qlxd["criteria"] if c["metric"] == "open_overdue_rate")
        return {**{k: qlxd["counts"][k] for k in ("backlog", "open_overdue")},
                "inputs": (line["numerator"], line["denominator"])}

    before = counts()
    assert before == {"backlog": 1, "open_overdue": 1, "inputs": (1, 1)}
    fire(app, clock, "2024-06-03", "HS-A1", "request_supplement", "cv.pham", note=SURVEY)
    fire(app, clock, "2024-06-04", "HS-A1", "reassign", "tp.nguyen", officer="cv.vo")
    assert counts() == before
