"""The server-rendered pages on SQLite and PostgreSQL, signed in through the form: what each person
sees and may do, forms that cannot be forged, the headers every response carries."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webtools import BASE, csrf_of, page_client

from engine.bootstrap import App
from engine.domain.commands import Fire
from engine.web import asgi


@pytest.fixture
def officer(app: App) -> TestClient:
    return page_client(app, "cv.pham")


def _post(client: TestClient, code_in_url: str, **data: str) -> Any:
    form = client.get(f"/ho-so/{code_in_url}")
    return client.post(f"/ho-so/{code_in_url}/thao-tac", data={"csrf": csrf_of(form.text), "note": "", **data},
                       follow_redirects=False)


def test_every_page_needs_a_signed_in_person(app: App) -> None:
    anonymous = TestClient(asgi(app), base_url=BASE)
    for path in ("/ho-so", "/ho-so/HS-1", "/quan-tri/nhat-ky"):
        r = anonymous.get(path, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap?next="), path
    r = anonymous.post("/ho-so/HS-1/thao-tac", data={"event": "accept", "expected_version": "1"},
                       follow_redirects=False)
    assert r.status_code == 303


def test_list_page_escapes_project_names(officer: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-1", name="<script>alert(1)</script> Trường học")
    html = officer.get("/ho-so").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Trường học" in html
    assert "<script>alert(1)" not in html


def test_the_page_offers_only_the_actions_the_person_may_take_and_records_them_as_theirs(
        app: App, officer: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-0")
    html = officer.get("/ho-so/WEB-0").text
    assert 'id="ev-accept"' in html and 'id="ev-reassign"' not in html and 'name="actor"' not in html
    assert _post(officer, "WEB-0", event="accept", expected_version="1").status_code == 303
    last = app.services.show("WEB-0")["history"][-1]
    assert (last["actor"], last["channel"], last["client"]) == ("cv.pham", "web", "testclient")


def test_a_stale_version_shows_a_conflict_and_changes_nothing(
        app: App, officer: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-2")
    form = officer.get("/ho-so/WEB-2")
    app.services.fire(Fire(code="WEB-2", event="accept", actor="cv.pham", at="2024-06-04"))
    r = officer.post("/ho-so/WEB-2/thao-tac", data={"event": "return", "reason": "Không đúng thẩm quyền",
                                                    "confirmed": "1", "expected_version": "1",
                                                    "csrf": csrf_of(form.text)})
    assert r.status_code == 409
    assert "vừa được người khác cập nhật" in r.text
    assert app.services.show("WEB-2")["version"] == 2


def test_another_division_s_dossier_and_its_action_are_a_vietnamese_403(
        app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-QH", division="QHKT", officer="cv.bui")
    client = page_client(app, "cv.pham")
    page = client.get("/ho-so/WEB-QH")
    assert page.status_code == 403 and "không được xem" in page.text
    csrf = csrf_of(client.get("/ho-so").text)
    r = client.post("/ho-so/WEB-QH/thao-tac", data={"event": "accept", "expected_version": "1", "csrf": csrf})
    assert r.status_code == 403 and "Không có quyền" in r.text
    assert len(app.services.show("WEB-QH")["history"]) == 1


def test_a_form_without_the_session_s_csrf_token_is_refused(app: App, officer: TestClient,
                                                            make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-CS")
    for token in ("", "giả-mạo", csrf_of(page_client(app, "cv.vo").get("/ho-so").text)):  # another session's
        r = officer.post("/ho-so/WEB-CS/thao-tac", data={"event": "accept", "expected_version": "1", "csrf": token})
        assert r.status_code == 403 and "chống giả mạo" in r.text
    assert len(app.services.show("WEB-CS")["history"]) == 1


def test_a_post_from_another_origin_is_refused_even_with_a_valid_session_and_token(
        app: App, officer: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-XO")
    csrf = csrf_of(officer.get("/ho-so/WEB-XO").text)
    data = {"event": "accept", "expected_version": "1", "csrf": csrf}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Referer": "http://127.0.0.2:8000/form.html"}):
        r = officer.post("/ho-so/WEB-XO/thao-tac", data=data, headers=headers)
        assert r.status_code == 403 and "nơi khác" in r.text, headers
    assert len(app.services.show("WEB-XO")["history"]) == 1
    same = officer.post("/ho-so/WEB-XO/thao-tac", data=data, headers={"Origin": BASE}, follow_redirects=False)
    assert same.status_code == 303


def test_every_response_carries_the_security_headers(app: App, officer: TestClient) -> None:
    for path in ("/ho-so", "/dang-nhap", "/api/openapi.json", "/static/site.css", "/khong-co"):
        r = officer.get(path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "same-origin"
    assert "<style" not in officer.get("/ho-so").text and " style=" not in officer.get("/ho-so").text


def test_codes_with_a_slash_work_on_the_pages_and_links_keep_them_one_segment(
        app: App, officer: TestClient, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="125/SXD-HTKT")
    make_dossier(code="a/../b")
    html = officer.get("/ho-so").text
    assert 'href="/ho-so/125%2FSXD-HTKT"' in html and 'href="/ho-so/a%2F..%2Fb"' in html
    assert "Hồ sơ 125/SXD-HTKT" in officer.get("/ho-so/125%2FSXD-HTKT").text
    r = _post(officer, "125%2FSXD-HTKT", event="accept", expected_version="1")
    assert r.status_code == 303 and r.headers["location"] == "/ho-so/125%2FSXD-HTKT?done=accept"
    assert app.services.show("125/SXD-HTKT")["state"] == "appraising"


def test_the_head_hands_a_dossier_over_to_one_of_the_division_s_officers(
        app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="WEB-4", officer="cv.pham")
    head = page_client(app, "tp.nguyen")
    html = head.get("/ho-so/WEB-4").text
    assert 'id="ev-reassign"' in html and 'id="reassign-officer"' in html
    options = html.split('id="reassign-officer"', 1)[1].split("</select>", 1)[0]
    assert 'value="cv.vo"' in options and 'value="tp.nguyen"' in options
    assert 'value="cv.pham"' not in options and 'value="cv.ngo"' not in options  # the holder; another division
    # another button ignores the officer list: accept goes through with an officer chosen
    assert _post(head, "WEB-4", event="accept", expected_version="1", officer="cv.vo").status_code == 303
    assert _post(head, "WEB-4", event="reassign", expected_version="2", officer="cv.vo").status_code == 303
    view = app.services.show("WEB-4")
    assert (view["state"], view["officer"], view["version"]) == ("appraising", "cv.vo", 3)


def test_the_audit_page_is_for_administrators(app: App) -> None:
    officer = page_client(app, "cv.pham")
    assert officer.get("/quan-tri/nhat-ky").status_code == 403
    admin = page_client(app, "vp.le")
    html = admin.get("/quan-tri/nhat-ky").text
    assert "Nhật ký truy cập" in html and "đăng nhập" in html and "cv.pham" in html
    assert 'href="/quan-tri/nhat-ky"' in html  # the header offers it to administrators only
    assert 'href="/quan-tri/nhat-ky"' not in officer.get("/ho-so").text
