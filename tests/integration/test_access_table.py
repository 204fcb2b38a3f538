"""Every role × every action × own and other division, through the API with each person's own token,
on SQLite and PostgreSQL: allowed (2xx) or refused (403, saying who may), and a refusal writes nothing.

The table below is the rule as the department states it (issue: who is acting), written out by hand,
not derived from the code: an officer acts on the dossiers they hold and sees their division's; a
head acts on their division's and hands dossiers over within it; the director acts on all; the
one-stop reception receives and appraises nothing; an administrator appraises nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from acts import NOTES, note_for
from test_engine_store import counts
from webtools import api_client

from engine.bootstrap import App
from engine.domain.commands import Fire

# the dossiers are QLXD's, held by cv.pham
PEOPLE = {
    "officer in charge": "cv.pham",
    "officer, same division": "cv.vo",
    "officer, other division": "cv.bui",
    "head, own division": "tp.nguyen",
    "head, other division": "tp.hoang",
    "director": "gd.tran",
    "reception": "mc.truong",
    "admin": "vp.le",
}
Y, N = True, False
#: action → (workflow, events to reach the state it needs, whether each of PEOPLE (in order) may)
TABLE: dict[str, tuple[str, list[str], tuple[bool, ...]]] = {
    "view":               ("project-appraisal", [], (Y, Y, N, Y, N, Y, Y, Y)),
    "accept":             ("project-appraisal", [], (Y, N, N, Y, N, N, N, N)),
    "request_supplement": ("project-appraisal", ["accept"], (Y, N, N, Y, N, N, N, N)),
    "receive_supplement": ("project-appraisal", ["accept", "request_supplement"], (Y, N, N, Y, N, N, N, N)),
    "approve":            ("post-basic-design", ["accept"], (N, N, N, Y, N, Y, N, N)),
    "return":             ("project-appraisal", ["accept"], (Y, N, N, Y, N, Y, N, N)),
    "withdraw":           ("project-appraisal", [], (Y, N, N, Y, N, N, N, N)),
    "reassign":           ("project-appraisal", [], (N, N, N, Y, N, Y, N, N)),
    "extend":             ("project-appraisal", ["accept"], (N, N, N, Y, N, Y, N, N)),
    "receive":            ("project-appraisal", [], (N, N, N, N, N, Y, Y, N)),
}
ACTORS = {"accept": "cv.pham", "request_supplement": "cv.pham"}


def _attempt(app: App, action: str, who: str, code: str, workflow: str) -> Any:
    client = api_client(app, who)
    if action == "view":
        return client.get(f"/api/dossiers/{code}")
    if action == "receive":
        return client.post("/api/dossiers", json=dict(workflow=workflow, code=f"{code}-NEW", name="Dự án mới",
                                                      investor="Ban QLDA", group="C", grade="III", division="QLXD",
                                                      officer="cv.pham", at="2024-06-10"))
    body: dict[str, Any] = {"event": action, "at": "2024-06-10T10:00", "note": NOTES.get(action, "kiểm tra quyền")}
    if action == "reassign":
        body["officer"] = "cv.dang"
    return client.post(f"/api/dossiers/{code}/events", json=body)


@pytest.mark.parametrize("action", list(TABLE))
def test_each_role_may_do_exactly_what_the_rule_says(app: App, make_dossier: Callable[..., Any], action: str) -> None:
    workflow, path, allowed = TABLE[action]
    expected = dict(zip(PEOPLE, allowed, strict=True))
    got: dict[str, bool] = {}
    for n, (role, who) in enumerate(PEOPLE.items()):
        code = f"Q-{action[:6]}-{n}"
        make_dossier(code=code, workflow=workflow, at="2024-06-03")
        for i, event in enumerate(path):
            app.services.fire(Fire(code=code, event=event, note=note_for(event),
                                   actor="cv.pham", at=f"2024-06-0{4 + i}T09:00"))
        before = counts(app)
        r = _attempt(app, action, who, code, workflow)
        assert r.status_code in (200, 201, 403), (role, r.status_code, r.text)
        got[role] = r.status_code in (200, 201)
        if r.status_code == 403:
            body = r.json()
            assert body["error"] == "not_permitted" and body["message"] and body["hint"], body
            assert counts(app) == before, role  # a refusal writes nothing
    assert got == expected


def test_an_officer_lists_their_division_and_cannot_ask_for_another(app: App,
                                                                    make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="L-QLXD", division="QLXD", officer="cv.pham")
    make_dossier(code="L-QHKT", division="QHKT", officer="cv.bui")
    mine = api_client(app, "cv.vo").get("/api/dossiers").json()
    assert [d["code"] for d in mine] == ["L-QLXD"]
    other = api_client(app, "cv.vo").get("/api/dossiers", params={"division": "QHKT"})
    assert other.status_code == 403 and "QLXD" in other.json()["message"]
    every = api_client(app, "gd.tran").get("/api/dossiers").json()
    assert sorted(d["code"] for d in every) == ["L-QHKT", "L-QLXD"]


def test_a_refusal_names_who_may_do_it_instead(app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="W-1")
    r = api_client(app, "cv.vo").post("/api/dossiers/W-1/events", json={"event": "accept", "at": "2024-06-04"})
    assert r.status_code == 403
    assert "Phạm Thị Hồng" in r.json()["hint"] and "Nguyễn Hữu Phước" in r.json()["hint"]


def test_receive_checks_the_officer_in_charge_belongs_to_the_division_and_holds_dossiers(
        app: App) -> None:
    client = api_client(app, "mc.truong")
    base = dict(workflow="project-appraisal", name="Dự án", investor="Ban", group="C", grade="III",
                division="QLXD", at="2024-06-03")
    wrong_division = client.post("/api/dossiers", json={**base, "code": "R-1", "officer": "cv.bui"})
    assert wrong_division.status_code == 422 and "QHKT" in wrong_division.json()["message"]
    an_admin = client.post("/api/dossiers", json={**base, "code": "R-2", "officer": "vp.le"})
    assert an_admin.status_code == 422
    ok = client.post("/api/dossiers", json={**base, "code": "R-3", "officer": "cv.vo"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["history"][0]["actor"] == "mc.truong"
    assert ok.json()["history"][0]["channel"] == "api"
