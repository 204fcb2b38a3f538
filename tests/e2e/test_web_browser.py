"""The pages in a real headless Chromium against a real server on loopback (the application as
``thamdinh web`` serves it: the guard, the headers, the sign-in).

Chromium comes from Debian (/usr/bin/chromium, installed by .ci/run); a missing browser fails.
"""

from __future__ import annotations

import http.server
import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from webtools import PASSWORD

from engine.bootstrap import App
from engine.domain.commands import Receive
from engine.web import asgi

CHROMIUM = os.environ.get("THAMDINH_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
PEOPLE = ("cv.pham", "tp.nguyen", "vp.le")


def _free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(sqlite_app: App) -> Iterator[str]:
    for person in PEOPLE:
        sqlite_app.accounts.set_password(person, PASSWORD)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(asgi(sqlite_app), host="127.0.0.1", port=port, log_level="warning",
                                        proxy_headers=False))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("the web server did not start within 10 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is required for browser tests and is missing at {CHROMIUM} "
                    "(apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _receive(app: App, code: str, **kw: Any) -> None:
    base: dict[str, Any] = dict(workflow="project-appraisal", code=code, name="Trường mầm non Hoa Sen",
                                investor="UBND huyện", group="C", grade="III", division="QLXD",
                                officer="cv.pham", at="2024-06-03")
    base.update(kw)
    app.services.receive(Receive(**base))


def _signed_in(browser: Any, server: str, person: str) -> Any:
    """A new browser context (its own cookies) signed in as ``person`` through the form."""
    page = browser.new_context().new_page()
    page.goto(f"{server}/ho-so")
    assert "/dang-nhap" in page.url
    page.fill("#login", person)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector("#dossiers")
    return page


def test_an_officer_signs_in_and_accepts_their_own_dossier(server: str, browser: Any, sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-B1")
    page = _signed_in(browser, server, "cv.pham")
    assert page.locator("#me").inner_text() == "Phạm Thị Hồng (chuyên viên)"
    assert page.locator("#dossiers").inner_text().count("WEB-B1") == 1
    page.click("text=WEB-B1")
    assert page.locator("#state").inner_text() == "Đã tiếp nhận hồ sơ"
    assert page.locator("#actor").count() == 0  # nobody picks a name: it is the signed-in person
    page.fill("#accept-note", "Hồ sơ đủ thành phần")
    page.click("#ev-accept")
    page.wait_for_selector("#done")
    assert page.locator("#state").inner_text() == "Đang thẩm định"
    assert "Hồ sơ đủ thành phần" in page.locator("#history").inner_text()
    last = sqlite_app.services.show("WEB-B1")["history"][-1]
    assert (last["actor"], last["channel"], last["client"]) == ("cv.pham", "web", "127.0.0.1")


def test_another_division_s_dossier_is_a_vietnamese_403_page(server: str, browser: Any, sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-QH", division="QHKT", officer="cv.bui")
    page = _signed_in(browser, server, "cv.pham")
    response = page.goto(f"{server}/ho-so/WEB-QH")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Không có quyền"
    assert "không được xem" in page.locator("[role=alert]").inner_text()


def test_a_second_tab_with_a_stale_page_gets_a_conflict_message(server: str, browser: Any,
                                                                  sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-B2")
    first = _signed_in(browser, server, "tp.nguyen")
    second = first.context.new_page()  # the same session in another tab
    for p in (first, second):
        p.goto(f"{server}/ho-so/WEB-B2")
    first.click("#ev-accept")
    first.wait_for_selector("#done")
    second.fill("#return-reason", "Không đúng thẩm quyền")
    second.click("#ev-return")
    second.click("#confirm-yes")  # the question comes first; the stale version is refused on the act
    second.wait_for_selector("#error")
    assert "vừa được người khác cập nhật" in second.locator("#error").inner_text()
    view = sqlite_app.services.show("WEB-B2")
    assert view["state"] == "appraising"
    assert [h["event"] for h in view["history"]] == ["receive", "accept"]


def test_the_list_shows_overdue_dossiers(server: str, browser: Any, sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-B3")  # due 18/06/2024, long past for the test clock (2026)
    page = _signed_in(browser, server, "cv.pham")
    page.goto(f"{server}/ho-so")
    page.select_option("#f-due", "overdue")
    page.click("#search-go")
    text = page.locator("#dossiers").inner_text()
    assert "WEB-B3" in text and "Quá hạn" in text
    assert page.locator("#dossiers .due-overdue").count() == 1


def test_a_head_hands_a_dossier_to_another_officer(server: str, browser: Any, sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-B4")
    page = _signed_in(browser, server, "tp.nguyen")
    page.goto(f"{server}/ho-so/WEB-B4")
    assert page.locator("#officer-now").inner_text() == "cv.pham"
    choices = page.locator("#reassign-officer option").all_inner_texts()
    assert "Võ Quốc Bảo" in choices and "Phạm Thị Hồng" not in choices  # the division's others only
    page.select_option("#reassign-officer", "cv.vo")
    page.fill("#reassign-note", "Chị Hồng đi công tác")
    page.click("#ev-reassign")
    page.wait_for_selector("#done")
    assert page.locator("#officer-now").inner_text() == "cv.vo"
    history = page.locator("#history").inner_text()
    assert "Chị Hồng đi công tác" in history and "Giao hồ sơ từ Phạm Thị Hồng sang Võ Quốc Bảo" in history
    assert "cv.pham" not in history
    # without choosing whom, the page says what is missing and nothing changes
    page.click("#ev-reassign")
    page.wait_for_selector("#error")
    assert "cần chọn cán bộ nhận hồ sơ" in page.locator("#error").inner_text()
    assert sqlite_app.services.show("WEB-B4")["officer"] == "cv.vo"


def test_five_wrong_passwords_lock_the_account(server: str, browser: Any, sqlite_app: App) -> None:
    page = browser.new_context().new_page()
    page.goto(f"{server}/dang-nhap")
    for _ in range(5):
        page.fill("#login", "cv.pham")
        page.fill("#password", "không đúng mật khẩu")
        page.click("#sign-in")
        page.wait_for_selector("#error")
    assert "Tài khoản tạm khóa đến 09:15" in page.locator("#error").inner_text()
    page.fill("#login", "cv.pham")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_selector("#error")
    assert "tạm khóa" in page.locator("#error").inner_text() and "/dang-nhap" in page.url


def test_signing_out_ends_the_session(server: str, browser: Any, sqlite_app: App) -> None:
    page = _signed_in(browser, server, "cv.pham")
    page.click("#sign-out")
    page.wait_for_selector("#sign-in")
    page.goto(f"{server}/ho-so")
    assert "/dang-nhap" in page.url and page.locator("#dossiers").count() == 0


class _Foreign(http.server.BaseHTTPRequestHandler):
    """Another origin's page: a form posting to the application, with a valid CSRF token even."""

    target = ""
    csrf = ""

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        body = (f'<!doctype html><meta charset="utf-8"><form method="post" action="{self.target}">'
                f'<input type="hidden" name="event" value="return"><input type="hidden" name="expected_version" '
                f'value="1"><input type="hidden" name="csrf" value="{self.csrf}">'
                '<button id="go" type="submit">Xem</button></form>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_a_form_from_another_origin_is_refused_even_with_a_valid_session(server: str, browser: Any,
                                                                       sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-XO")
    page = _signed_in(browser, server, "cv.pham")
    page.goto(f"{server}/ho-so/WEB-XO")
    _Foreign.target = f"{server}/ho-so/WEB-XO/thao-tac"
    _Foreign.csrf = page.locator("input[name=csrf]").first.get_attribute("value") or ""
    foreign = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), _Foreign)  # same host, other port
    threading.Thread(target=foreign.serve_forever, daemon=True).start()
    try:
        page.goto(f"http://127.0.0.1:{foreign.server_address[1]}/")
        with page.expect_response(_Foreign.target) as answer:
            page.click("#go")
        assert answer.value.status == 403
        assert "nơi khác" in page.content()
    finally:
        foreign.shutdown()
    assert sqlite_app.services.show("WEB-XO")["state"] == "received"


def test_the_api_documentation_renders_offline(server: str, browser: Any) -> None:
    page = browser.new_context().new_page()
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: blocked.append(str(e)))
    page.goto(f"{server}/api/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)
    assert "/api/dossiers" in page.locator("#swagger-ui").inner_text()
    assert page.locator(".opblock").count() >= 5
    page.locator(".opblock-summary").first.click()  # open one operation: what it draws is allowed too
    page.wait_for_selector(".opblock-body")
    page.wait_for_timeout(300)
    assert blocked == []
