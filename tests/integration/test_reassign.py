"""Handing a dossier to another officer (the ``reassign`` event, ``assigns_officer`` in the workflow
files), on SQLite and PostgreSQL: the dossier and its open stage move, the finished stages stay with
whoever handled them, the history says who handed what to whom; every refusal writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from acts import SUPPLEMENT
from test_engine_store import counts, snapshot

from engine.bootstrap import App
from engine.domain.commands import Fire
from engine.domain.errors import BadInput, IllegalTransition, NotPermitted, UnknownPerson
from engine.reporting.metrics import session
from engine.reporting.periods import Period


def clock_officers(app: App, code: str) -> list[tuple[str, str | None]]:
    with app.engine.connect() as c:
        return [tuple(r) for r in c.exec_driver_sql(
            "SELECT c.stage, c.officer FROM stage_clock c JOIN dossier d ON d.id = c.dossier_id "
            f"WHERE d.code = '{code}' ORDER BY c.seq")]


def test_a_head_hands_a_dossier_and_its_open_stage_to_another_officer(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    s = app.services
    make_dossier(code="HS-G", officer="cv.pham")
    s.fire(Fire(code="HS-G", event="accept", actor="cv.pham", at="2024-06-04"))
    s.fire(Fire(code="HS-G", event="pass_appraisal", actor="cv.pham", at="2024-06-10"))
    before = s.show("HS-G")
    result = s.fire(Fire(code="HS-G", event="reassign", actor="tp.nguyen", officer="cv.vo", note="Chị Hồng nghỉ phép",
                         at="2024-06-11"))
    assert (result["from"], result["to"], result["officer"]) == ("post_basic_design_review",) * 2 + ("cv.vo",)
    after = s.show("HS-G")
    assert after["officer"] == "cv.vo" and after["state"] == before["state"]
    assert after["version"] == before["version"] + 1
    assert after["clock"]["due_date"] == before["clock"]["due_date"]  # the clock runs on, untouched
    last = after["history"][-1]
    assert (last["event"], last["actor"]) == ("reassign", "tp.nguyen")
    assert last["note"] == "Chị Hồng nghỉ phép"
    assert last["effects_text"] == "Giao hồ sơ từ Phạm Thị Hồng sang Võ Quốc Bảo"
    # the finished appraisal stays credited to cv.pham; the open design stage is cv.vo's now
    assert clock_officers(app, "HS-G") == [("appraisal", "cv.pham"), ("post_basic_design", "cv.vo")]
    assert [r["code"] for r in s.list_dossiers(officer="cv.vo")] == ["HS-G"]
    with session(app.database, app.calendar) as ms:
        rows = {r["officer"]: r for r in ms.table(Period.month("2024-06"), ["officer"])}
    assert (rows["cv.pham"]["finished"], rows["cv.pham"]["backlog"]) == (1, 0)
    assert (rows["cv.vo"]["finished"], rows["cv.vo"]["backlog"]) == (0, 1)
    # and the new officer goes on with it
    s.fire(Fire(code="HS-G", event="approve", actor="tp.nguyen", at="2024-06-20"))
    assert clock_officers(app, "HS-G")[-1] == ("post_basic_design", "cv.vo")


def test_a_paused_dossier_can_be_handed_over_and_resumes_with_its_new_officer(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    s = app.services
    make_dossier(code="HS-P", officer="cv.dang")
    s.fire(Fire(code="HS-P", event="accept", actor="cv.dang", at="2024-06-04"))
    s.fire(Fire(code="HS-P", event="request_supplement", note=SUPPLEMENT, actor="cv.dang", at="2024-06-05"))
    s.fire(Fire(code="HS-P", event="reassign", actor="gd.tran", officer="tp.nguyen", at="2024-06-06"))
    s.fire(Fire(code="HS-P", event="receive_supplement", actor="tp.nguyen", at="2024-06-10"))
    view = s.show("HS-P")
    assert (view["state"], view["officer"]) == ("appraising", "tp.nguyen")
    assert clock_officers(app, "HS-P") == [("appraisal", "tp.nguyen")]


@pytest.mark.parametrize("kwargs, error, words", [
    ({"event": "reassign", "actor": "tp.nguyen"}, BadInput, "cần chọn cán bộ nhận hồ sơ"),
    ({"event": "reassign", "actor": "tp.nguyen", "officer": "cv.khong-co"}, UnknownPerson, "cv.khong-co"),
    ({"event": "reassign", "actor": "tp.nguyen", "officer": "cv.ngo"}, BadInput, "thuộc phòng «HTKT»"),
    ({"event": "reassign", "actor": "tp.nguyen", "officer": "cv.pham"}, BadInput, "đang do «cv.pham» thụ lý"),
    ({"event": "reassign", "actor": "cv.vo", "officer": "cv.dang"}, NotPermitted, "quyền"),
    ({"event": "accept", "actor": "cv.pham", "officer": "cv.vo"}, BadInput, "reassign"),
], ids=["no-officer", "unknown-officer", "other-division", "same-officer", "officer-may-not", "not-an-assigning-event"])
def test_a_refused_handover_says_why_and_writes_nothing(
        app: App, make_dossier: Callable[..., dict[str, Any]], kwargs: dict[str, Any], error: type[Exception],
        words: str) -> None:
    make_dossier(code="HS-X", officer="cv.pham")
    before, rows = snapshot(app, "HS-X"), counts(app)
    kw = dict(kwargs)
    with pytest.raises(error) as err:
        app.services.fire(Fire(code="HS-X", event=kw.pop("event"), at="2024-06-04", **kw))
    assert words in str(err.value)
    assert snapshot(app, "HS-X") == before and counts(app) == rows
    assert app.services.show("HS-X")["officer"] == "cv.pham"
    assert clock_officers(app, "HS-X") == [("appraisal", "cv.pham")]


def test_a_finished_dossier_cannot_be_handed_over(app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="HS-F", officer="cv.pham")
    app.services.fire(Fire(code="HS-F", event="withdraw", actor="cv.pham", at="2024-06-04"))
    rows = counts(app)
    with pytest.raises(IllegalTransition):
        app.services.fire(Fire(code="HS-F", event="reassign", actor="tp.nguyen", officer="cv.vo", at="2024-06-05"))
    assert counts(app) == rows and app.services.show("HS-F")["officer"] == "cv.pham"
