"""The JSON API on SQLite and PostgreSQL, through the whole application as served, with personal tokens:
the acting person is the token's, never a field of the body."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from acts import RETURN_REASON, SUPPLEMENT
from fastapi.testclient import TestClient
from webtools import api_client

from engine.bootstrap import App
from engine.domain.commands import Fire


@pytest.fixture
def officer(app: App) -> TestClient:
    return api_client(app, "cv.pham")


@pytest.fixture
def head(app: App) -> TestClient:
    return api_client(app, "tp.nguyen")


def _history_len(app: App, code: str) -> int:
    return len(app.services.show(code)["history"])


RECEIVE = dict(workflow="project-appraisal", name="Dự án API", investor="Ban QLDA", group="C", grade="III",
               division="QLXD", officer="cv.pham", at="2024-06-03")


def test_reception_receives_a_dossier_and_gets_its_due_date(app: App) -> None:
    r = api_client(app, "mc.truong").post("/api/dossiers", json={**RECEIVE, "code": "API-1"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["state"] == "received"
    assert body["clock"]["due_date"] == "2024-06-18"  # 15 days from 3/6/2024
    assert (body["history"][0]["actor"], body["history"][0]["channel"]) == ("mc.truong", "api")


def test_an_officer_fires_an_event_recorded_with_the_token_holder_and_the_channel(
        officer: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-2")
    r = officer.post("/api/dossiers/API-2/events", json={"event": "accept", "at": "2024-06-04"})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "appraising"
    last = r.json()["history"][-1]
    assert (last["event"], last["actor"], last["channel"], last["channel_label"]) == (
        "accept", "cv.pham", "api", "API")
    assert last["client"] == "testclient"


def test_a_body_naming_the_actor_is_refused_and_nothing_is_written(
        officer: TestClient, app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-ACT")
    r = officer.post("/api/dossiers/API-ACT/events", json={"event": "accept", "actor": "gd.tran"})
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_input" and "actor" in r.json()["message"]
    assert _history_len(app, "API-ACT") == 1


def test_an_illegal_transition_is_409_and_writes_nothing(
        head: TestClient, app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-3")
    r = head.post("/api/dossiers/API-3/events", json={"event": "approve"})
    assert r.status_code == 409
    assert r.json()["error"] == "illegal_transition"
    assert "accept" in r.json()["hint"]
    assert _history_len(app, "API-3") == 1


def test_a_stale_version_is_a_conflict(officer: TestClient, app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-4")
    ok = officer.post("/api/dossiers/API-4/events", json={"event": "accept", "at": "2024-06-04",
                                                          "expected_version": 1})
    assert ok.status_code == 200
    stale = officer.post("/api/dossiers/API-4/events", json={"event": "return", "note": RETURN_REASON,
                                                             "expected_version": 1})
    assert stale.status_code == 409
    assert stale.json()["error"] == "conflict"
    assert app.services.show("API-4")["state"] == "appraising"


def test_an_unknown_dossier_is_404(officer: TestClient) -> None:
    r = officer.get("/api/dossiers/KHONG-CO")
    assert r.status_code == 404
    assert "KHONG-CO" in r.json()["message"]


def test_a_day_off_is_422(officer: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-5")
    r = officer.post("/api/dossiers/API-5/events", json={"event": "accept", "at": "2024-09-02"})
    assert r.status_code == 422
    assert r.json()["error"] == "non_working_day"


def test_a_head_hands_a_dossier_over_within_the_division_only(head: TestClient,
                                                              make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-6", officer="cv.pham")
    r = head.post("/api/dossiers/API-6/events", json={"event": "reassign", "officer": "cv.dang", "at": "2024-06-04"})
    assert r.status_code == 200, r.text
    assert (r.json()["officer"], r.json()["fired"]["officer"]) == ("cv.dang", "cv.dang")
    other = head.post("/api/dossiers/API-6/events", json={"event": "reassign", "officer": "cv.bui",
                                                          "at": "2024-06-05"})
    assert other.status_code == 422
    assert "QHKT" in other.json()["message"]


def test_a_code_with_surrounding_spaces_is_received_found_and_not_duplicated(app: App) -> None:
    client = api_client(app, "mc.truong")
    r = client.post("/api/dossiers", json={**RECEIVE, "code": "  API-SP  "})
    assert r.status_code == 201, r.text
    assert r.json()["code"] == "API-SP"
    assert client.get("/api/dossiers/%20API-SP%20").json()["code"] == "API-SP"
    again = client.post("/api/dossiers", json={**RECEIVE, "code": "API-SP"})
    assert again.status_code == 422 and again.json()["error"] == "duplicate_dossier"
    assert len(client.get("/api/dossiers").json()) == 1


def test_a_handover_while_a_supplement_is_awaited_is_not_a_second_request(
        officer: TestClient, head: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-HO")
    officer.post("/api/dossiers/API-HO/events", json={"event": "request_supplement", "note": SUPPLEMENT,
                                                          "at": "2024-06-04"})
    r = head.post("/api/dossiers/API-HO/events", json={"event": "reassign", "officer": "cv.vo", "at": "2024-06-05"})
    assert r.status_code == 200, r.text
    assert (r.json()["officer"], r.json()["supplement_requests"]) == ("cv.vo", 1)
    effects = [e["type"] for e in r.json()["history"][-1]["effects"]]
    assert effects == ["dossier_handed_over"]
    assert r.json()["history"][-1]["effects_text"] == "Giao hồ sơ từ Phạm Thị Hồng sang Võ Quốc Bảo"


def test_codes_with_a_slash_work_in_every_api_url_and_dot_segments_stay_one_code(
        app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="125/SXD-HTKT")
    make_dossier(code="a/../b")
    make_dossier(code="b")
    client = api_client(app, "cv.pham")
    assert client.get("/api/dossiers/125%2FSXD-HTKT").json()["code"] == "125/SXD-HTKT"
    r = client.post("/api/dossiers/125%2FSXD-HTKT/events", json={"event": "accept", "at": "2024-06-04"})
    assert r.status_code == 200 and r.json()["code"] == "125/SXD-HTKT"
    assert client.get("/api/dossiers/a%2F..%2Fb").json()["code"] == "a/../b"
    app.services.fire(Fire(code="b", event="accept", actor="cv.pham", at="2024-06-04"))
    assert app.services.show("a/../b")["state"] == "received"  # the other dossier was not touched


def test_me_says_whose_token_it_is(app: App) -> None:
    me = api_client(app, "tp.nguyen").get("/api/me").json()
    assert me == {"id": "tp.nguyen", "name": "Nguyễn Hữu Phước", "division": "QLXD", "roles": ["officer", "head"],
                  "roles_label": "chuyên viên, trưởng phòng"}
