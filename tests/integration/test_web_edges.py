"""Input at the edge of the API, on SQLite and PostgreSQL: control characters, bounds, far dates, the
project's own error body for validation errors, the schema that documents them, the offline docs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from test_engine_store import counts
from webtools import BASE, api_client

from engine.bootstrap import App
from engine.web import asgi


@pytest.fixture
def client(app: App) -> TestClient:
    return api_client(app, "gd.tran")


def _is_error_body(body: dict[str, Any]) -> bool:
    return {"error", "message"} <= set(body) and bool(body["message"])


@pytest.mark.parametrize("url", ["/api/dossiers/a%00b", "/api/dossiers/a%01b", "/api/dossiers?state=a%00b",
                                 "/api/dossiers?division=%1b", "/api/dossiers?officer=x%7fy"])
def test_nul_and_control_characters_in_a_url_are_422(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 422, (url, r.text)
    assert _is_error_body(r.json()) and "ký tự điều khiển" in r.json()["message"]


@pytest.mark.parametrize("field", ["code", "name", "investor", "note", "officer"])
def test_nul_in_a_body_is_422_and_writes_nothing(app: App, field: str) -> None:
    body = dict(workflow="project-appraisal", code="E-1", name="Dự án", investor="Ban", group="C", grade="III",
                division="QLXD", officer="cv.pham", at="2024-06-03", note="ghi chú")
    body[field] = "có\x00NUL"
    rows = counts(app)
    r = api_client(app, "mc.truong").post("/api/dossiers", json=body)
    assert r.status_code == 422, r.text
    assert _is_error_body(r.json()) and counts(app) == rows


@pytest.mark.parametrize("limit", ["0", "-1", "10001", "99999999999999999999", "abc"])
def test_limit_is_bounded(client: TestClient, limit: str) -> None:
    r = client.get(f"/api/dossiers?limit={limit}")
    assert r.status_code == 422
    assert r.json()["error"] == "invalid_input" and "limit" in r.json()["message"]


@pytest.mark.parametrize("at", ["0001-01-01T00:00+14:00", "9999-12-31T23:59-12:00", "1899-12-29", "2101-01-03"])
def test_dates_outside_1900_to_2100_are_refused(client: TestClient, make_dossier: Callable[..., Any],
                                                at: str) -> None:
    make_dossier(code="E-AT")
    r = client.post("/api/dossiers/E-AT/events", json={"event": "return", "at": at})
    assert r.status_code == 422, r.text
    assert "1900" in r.json()["message"] or "2100" in r.json()["message"]


def test_validation_errors_use_the_project_s_body_in_vietnamese(client: TestClient) -> None:
    cases = {
        "missing": ({"event": None}, "thiếu «event»"),
        "wrong type": ({"event": "accept", "expected_version": "một"}, "«expected_version» phải là số nguyên"),
        "too long": ({"event": "x" * 65}, "dài quá 64 ký tự"),
        "unknown field": ({"event": "accept", "ai": 1}, "không nhận «ai»"),
    }
    for name, (body, words) in cases.items():
        sent = {k: v for k, v in body.items() if v is not None}
        r = client.post("/api/dossiers/X/events", json=sent)
        assert r.status_code == 422, name
        assert set(r.json()) == {"error", "message", "hint"} and words in r.json()["message"], (name, r.json())
    broken = client.post("/api/dossiers/X/events", content=b"{not json", headers={"content-type": "application/json"})
    assert broken.status_code == 422 and "JSON" in broken.json()["message"]


def test_unknown_addresses_and_methods_answer_in_the_project_s_body(client: TestClient) -> None:
    assert client.get("/api/khong-co").json()["error"] == "not_found"
    r = client.delete("/api/dossiers")
    assert r.status_code == 405 and _is_error_body(r.json())


def test_the_schema_documents_401_403_404_409_and_422_with_the_error_body(app: App) -> None:
    schema = TestClient(asgi(app), base_url=BASE).get("/api/openapi.json").json()
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            if path.startswith("/api/v1/public/"):  # no sign-in: no bearer, and no 401/403 to document
                assert not op.get("security"), (method, path)
                continue
            wanted = {"401"} if path == "/api/me" else {"401", "403", "404", "409", "422"}
            assert wanted <= set(op["responses"]), (method, path, sorted(op["responses"]))
            for status in wanted:
                ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorBody"), (method, path, status)
            assert op.get("security") == [{"HTTPBearer": []}], (method, path)
    assert "HTTPValidationError" not in schema["components"]["schemas"]


def test_the_api_documentation_is_served_without_internet(app: App) -> None:
    c = TestClient(asgi(app), base_url=BASE)
    html = c.get("/api/docs").text
    sources = [part.split('"', 1)[0] for part in html.split('src="')[1:]] + \
              [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    assert sources and all(s.startswith("/static/") for s in sources), sources
    for s in sources:
        r = c.get(s)
        assert r.status_code == 200 and len(r.content) > 100, s
    assert "<script>" not in html  # no inline script: the CSP allows none
