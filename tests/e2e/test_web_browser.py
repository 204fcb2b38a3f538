"""The officer's web page in a real headless Chromium against a real server on loopback.

Chromium comes from Debian (/usr/bin/chromium, installed by .ci/run); a missing browser fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn

from engine.bootstrap import App
from engine.domain.commands import Receive
from engine.web import create_web

CHROMIUM = os.environ.get("THAMDINH_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture
def server(sqlite_app: App) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    srv = uvicorn.Server(uvicorn.Config(create_web(sqlite_app), host="127.0.0.1", port=port, log_level="warning"))
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


def test_an_officer_accepts_a_dossier_from_the_web_page(server: str, browser: Any, sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-B1")
    page = browser.new_page()
    page.goto(f"{server}/ho-so")
    assert page.locator("#dossiers").inner_text().count("WEB-B1") == 1
    page.click("text=WEB-B1")
    assert page.locator("#state").inner_text() == "Đã tiếp nhận hồ sơ"
    page.select_option("#actor", "cv.pham")
    page.fill("#note", "Hồ sơ đủ thành phần")
    page.click("#ev-accept")
    page.wait_for_selector("#done")
    assert page.locator("#state").inner_text() == "Đang thẩm định"
    assert "Hồ sơ đủ thành phần" in page.locator("#history").inner_text()
    assert sqlite_app.services.show("WEB-B1")["state"] == "appraising"


def test_a_second_tab_with_a_stale_page_gets_a_conflict_message(server: str, browser: Any,
                                                                  sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-B2")
    first, second = browser.new_page(), browser.new_page()
    for p in (first, second):
        p.goto(f"{server}/ho-so/WEB-B2")
        p.select_option("#actor", "tp.nguyen")
    first.click("#ev-accept")
    first.wait_for_selector("#done")
    second.click("#ev-return")
    second.wait_for_selector("#error")
    assert "vừa được người khác cập nhật" in second.locator("#error").inner_text()
    view = sqlite_app.services.show("WEB-B2")
    assert view["state"] == "appraising"
    assert [h["event"] for h in view["history"]] == ["receive", "accept"]


def test_a_page_shows_overdue_dossiers_in_the_filtered_list(server: str, browser: Any, sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-B3")  # due 18/06/2024, long past for the test clock (2026)
    page = browser.new_page()
    page.goto(f"{server}/ho-so?overdue=1")
    text = page.locator("#dossiers").inner_text()
    assert "WEB-B3" in text and "Quá hạn" in text
    assert page.locator("#dossiers .late").count() == 1


def test_a_head_hands_a_dossier_to_another_officer_from_the_page(server: str, browser: Any,
                                                                 sqlite_app: App) -> None:
    _receive(sqlite_app, "WEB-B4")
    page = browser.new_page()
    page.goto(f"{server}/ho-so/WEB-B4")
    assert page.locator("#officer-now").inner_text() == "cv.pham"
    choices = page.locator("#officer option").all_inner_texts()
    assert "Võ Quốc Bảo" in choices and "Phạm Thị Hồng" not in choices  # the division's others only
    page.select_option("#actor", "tp.nguyen")
    page.select_option("#officer", "cv.vo")
    page.fill("#note", "Chị Hồng đi công tác")
    page.click("#ev-reassign")
    page.wait_for_selector("#done")
    assert page.locator("#officer-now").inner_text() == "cv.vo"
    assert page.locator("#state").inner_text() == "Đã tiếp nhận hồ sơ"
    assert "Giao hồ sơ từ «cv.pham» sang «cv.vo». Chị Hồng đi công tác" in page.locator("#history").inner_text()
    # without choosing whom, the page says what is missing and nothing changes
    page.select_option("#actor", "tp.nguyen")
    page.click("#ev-reassign")
    page.wait_for_selector("#error")
    assert "cần chọn cán bộ nhận hồ sơ" in page.locator("#error").inner_text()
    assert sqlite_app.services.show("WEB-B4")["officer"] == "cv.vo"
