"""The JSON API and the server-rendered pages, on SQLite and PostgreSQL (in-process HTTP client)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient

from engine.bootstrap import App
from engine.domain.commands import Fire
from engine.web import create_web


@pytest.fixture
def client(app: App) -> TestClient:
    return TestClient(create_web(app))


def _history_len(app: App, code: str) -> int:
    return len(app.services.show(code)["history"])


def test_api_receives_a_dossier_and_returns_its_due_date(client: TestClient) -> None:
    r = client.post("/api/dossiers", json=dict(workflow="project-appraisal", code="API-1", name="Dự án API",
                                               investor="Ban QLDA", group="C", grade="III", division="QLXD",
                                               officer="cv.pham", at="2024-06-03"))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["state"] == "received"
    assert body["clock"]["due_date"] == "2024-06-18"  # 15 days from 3/6/2024


def test_api_fires_an_event_and_records_it(client: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-2")
    r = client.post("/api/dossiers/API-2/events", json={"event": "accept", "actor": "cv.pham", "at": "2024-06-04"})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "appraising"
    assert [h["event"] for h in r.json()["history"]] == ["receive", "accept"]


def test_api_refuses_an_illegal_transition_with_409_and_writes_nothing(
        client: TestClient, app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-3")
    r = client.post("/api/dossiers/API-3/events", json={"event": "approve", "actor": "tp.nguyen"})
    assert r.status_code == 409
    assert r.json()["error"] == "illegal_transition"
    assert "accept" in r.json()["hint"]
    assert _history_len(app, "API-3") == 1


def test_api_reports_a_stale_version_as_a_conflict(client: TestClient, app: App,
                                                   make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-4")
    ok = client.post("/api/dossiers/API-4/events",
                     json={"event": "accept", "actor": "cv.pham", "at": "2024-06-04", "expected_version": 1})
    assert ok.status_code == 200
    stale = client.post("/api/dossiers/API-4/events",
                        json={"event": "return", "actor": "cv.pham", "expected_version": 1})
    assert stale.status_code == 409
    assert stale.json()["error"] == "conflict"
    assert app.services.show("API-4")["state"] == "appraising"


def test_api_answers_404_for_an_unknown_dossier(client: TestClient) -> None:
    r = client.get("/api/dossiers/KHONG-CO")
    assert r.status_code == 404
    assert "KHONG-CO" in r.json()["message"]


def test_api_refuses_a_day_off_with_422(client: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-5")
    r = client.post("/api/dossiers/API-5/events", json={"event": "accept", "actor": "cv.pham", "at": "2024-09-02"})
    assert r.status_code == 422
    assert r.json()["error"] == "non_working_day"


def test_list_page_escapes_project_names(client: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-1", name="<script>alert(1)</script> Trường học")
    html = client.get("/ho-so").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Trường học" in html
    assert "<script>alert(1)" not in html


def test_event_form_with_a_stale_version_shows_a_conflict_and_changes_nothing(
        client: TestClient, app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-2")
    app.services.fire(Fire(code="WEB-2", event="accept", actor="cv.pham", at="2024-06-04"))
    r = client.post("/ho-so/WEB-2/thao-tac", data={"event": "return", "actor": "cv.pham", "note": "",
                                                    "expected_version": "1"})
    assert r.status_code == 409
    assert "vừa được người khác cập nhật" in r.text
    assert app.services.show("WEB-2")["version"] == 2


def test_event_form_without_an_actor_asks_for_one(client: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-3")
    r = client.post("/ho-so/WEB-3/thao-tac", data={"event": "accept", "actor": "", "note": "",
                                                    "expected_version": "1"})
    assert r.status_code == 422
    assert "Chưa chọn người thực hiện" in r.text


def test_api_hands_a_dossier_to_another_officer(client: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-6", officer="cv.pham")
    r = client.post("/api/dossiers/API-6/events",
                    json={"event": "reassign", "actor": "tp.nguyen", "officer": "cv.dang", "at": "2024-06-04"})
    assert r.status_code == 200, r.text
    assert (r.json()["officer"], r.json()["fired"]["officer"]) == ("cv.dang", "cv.dang")
    other = client.post("/api/dossiers/API-6/events",
                        json={"event": "reassign", "actor": "tp.nguyen", "officer": "cv.bui", "at": "2024-06-05"})
    assert other.status_code == 422
    assert "QHKT" in other.json()["message"]


def test_the_dossier_page_offers_the_divisions_officers_and_the_form_hands_over(
        client: TestClient, app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-4", officer="cv.pham")
    html = client.get("/ho-so/WEB-4").text
    assert 'id="ev-reassign"' in html and 'id="officer"' in html
    options = html.split('id="officer"', 1)[1].split("</select>", 1)[0]
    assert 'value="cv.vo"' in options and 'value="tp.nguyen"' in options
    assert 'value="cv.pham"' not in options and 'value="cv.ngo"' not in options  # the holder; another division
    # another button ignores the officer list: accept goes through with an officer chosen
    r = client.post("/ho-so/WEB-4/thao-tac", data={"event": "accept", "actor": "cv.pham", "note": "",
                                                    "expected_version": "1", "officer": "cv.vo"},
                    follow_redirects=False)
    assert r.status_code == 303
    r = client.post("/ho-so/WEB-4/thao-tac", data={"event": "reassign", "actor": "tp.nguyen", "note": "",
                                                    "expected_version": "2", "officer": "cv.vo"},
                    follow_redirects=False)
    assert r.status_code == 303
    view = app.services.show("WEB-4")
    assert (view["state"], view["officer"], view["version"]) == ("appraising", "cv.vo", 3)


def test_api_a_code_with_surrounding_spaces_is_received_found_and_not_duplicated(client: TestClient) -> None:
    body = dict(workflow="project-appraisal", code="  API-SP  ", name="Dự án", investor="Ban QLDA", group="C",
                grade="III", division="QLXD", officer="cv.pham", at="2024-06-03")
    r = client.post("/api/dossiers", json=body)
    assert r.status_code == 201, r.text
    assert r.json()["code"] == "API-SP"
    assert client.get("/api/dossiers/%20API-SP%20").json()["code"] == "API-SP"
    again = client.post("/api/dossiers", json={**body, "code": "API-SP"})
    assert again.status_code == 422 and again.json()["error"] == "duplicate_dossier"
    assert len(client.get("/api/dossiers").json()) == 1


def test_api_a_handover_while_a_supplement_is_awaited_is_not_a_second_request(
        client: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-HO")
    client.post("/api/dossiers/API-HO/events", json={"event": "request_supplement", "actor": "cv.pham",
                                                     "at": "2024-06-04"})
    r = client.post("/api/dossiers/API-HO/events", json={"event": "reassign", "actor": "tp.nguyen",
                                                         "officer": "cv.vo", "at": "2024-06-05"})
    assert r.status_code == 200, r.text
    assert (r.json()["officer"], r.json()["supplement_requests"]) == ("cv.vo", 1)
    effects = [e["type"] for e in r.json()["history"][-1]["effects"]]
    assert effects == ["dossier_handed_over"]
    assert r.json()["history"][-1]["effects_text"] == "Giao hồ sơ từ Phạm Thị Hồng sang Võ Quốc Bảo"
