"""The boards and the public pages in a real headless Chromium against a real server on loopback: a
head finds the overdue dossier on the board, hands it over and urges, raises a blocker from the dossier's
page and concludes it from the board; the public look-up shows the state
and no officer's name; the public ranking renders signed out; no page breaks the Content Security Policy.

The server and the browser are test_web_browser's fixtures; the application here has a look-up secret.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from conftest import SAMPLE_ORG, make_app_for
from test_web_browser import browser, server  # noqa: F401 - the fixtures, used by name
from webtools import PASSWORD

from engine.bootstrap import App
from engine.domain.clock import FixedClock
from engine.domain.commands import Fire, Receive
from engine.services.public import lookup_key

SECRET = "khóa tra cứu của trình duyệt kiểm thử, đủ dài"


@pytest.fixture
def sqlite_app(request: pytest.FixtureRequest, tmp_path: Any, clock: FixedClock) -> Iterator[App]:
    """test_web_browser's server serves this one: the sample organisation, and a look-up secret."""
    a = make_app_for("sqlite", request, tmp_path, clock, secret_key=SECRET)
    a.services.load_org(SAMPLE_ORG)
    yield a
    a.close()


def _receive(app: App, code: str, at: str, **kw: Any) -> None:
    base: dict[str, Any] = dict(workflow="project-appraisal", code=code, name="Trường mầm non Hoa Sen",
                                investor="UBND huyện", group="C", grade="III", division="QLXD", officer="cv.pham",
                                at=at)
    app.services.receive(Receive(**{**base, **kw}))


def _page(browser: Any, server: str, person: str | None, path: str, csp: list[str]) -> Any:  # noqa: F811
    """A new context (its own cookies), signed in as ``person`` through the form (None: signed out),
    at ``path``; Content Security Policy reports and page errors go to ``csp``."""
    page = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: csp.append(str(e)))
    if person is None:
        page.goto(f"{server}{path}")
        return page
    page.goto(f"{server}/dang-nhap?next={path}")
    page.fill("#login", person)
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    page.wait_for_url(f"{server}{path}")
    return page


def test_a_head_finds_the_overdue_dossier_hands_it_over_and_urges(server: str, browser: Any,  # noqa: F811
                                                                 sqlite_app: App) -> None:
    _receive(sqlite_app, "BR-TRE", "2026-10-01")  # 12 working days: overdue on the clock's 02/11/2026
    csp: list[str] = []
    page = _page(browser, server, "tp.nguyen", "/bang-dieu-hanh/phong", csp)
    row = page.locator('#overdue tr[data-code="BR-TRE"]')
    assert "Quá hạn" in row.inner_text() and "Phạm Thị Hồng" in row.inner_text()
    row.locator("select.handover-to").select_option("cv.vo")
    row.locator("form:has(button.handover) input[name=note]").fill("Chị Hồng đi công tác")
    row.locator("button.handover").click()
    page.wait_for_selector("#done")
    row = page.locator('#overdue tr[data-code="BR-TRE"]')
    assert "Võ Quốc Bảo" in row.locator(".officer").inner_text()
    assert sqlite_app.services.show("BR-TRE")["officer"] == "cv.vo"
    row.locator("form:has(button.urge) input[name=note]").fill("Đề nghị trình kết quả trong tuần")
    row.locator("button.urge").click()
    page.wait_for_selector("#urged")
    assert "Đã đôn đốc" in page.locator('#overdue tr[data-code="BR-TRE"] .officer').inner_text()
    urges = sqlite_app.urging.for_dossier("BR-TRE")
    assert [u["note"] for u in urges] == ["Đề nghị trình kết quả trong tuần"]
    # a blocker raised from the dossier's page, then concluded from the board with its resolution
    page.click('#overdue tr[data-code="BR-TRE"] a')
    page.select_option("#blocker-cause", label="Chờ ý kiến cơ quan khác")
    page.select_option("#blocker-addressed-to", label="Cơ quan khác")
    page.fill("#blocker-addressee", "Sở Tài chính")
    page.fill("#blocker-description", "Chờ ý kiến về nguồn vốn")
    page.click("#raise-blocker-submit")
    page.wait_for_selector("#blocker-done")
    (blocker,) = sqlite_app.blockers.list(code="BR-TRE")
    assert "Mới nêu" in page.locator(f'#dossier-blockers tr[data-blocker="{blocker["id"]}"]').inner_text()
    page.goto(f"{server}/bang-dieu-hanh/phong")
    row = page.locator(f'#board-blockers tr[data-blocker="{blocker["id"]}"]')
    assert "BR-TRE" in row.inner_text() and "Cơ quan khác: Sở Tài chính" in row.inner_text()
    row.locator("input[name=resolution]").fill("Sở Tài chính đã có ý kiến")
    row.locator("button.resolve-blocker").click()
    page.wait_for_selector("#blocker-done")
    assert page.locator(f'#board-blockers tr[data-blocker="{blocker["id"]}"]').count() == 0
    assert sqlite_app.blockers.get(blocker["id"])["resolution"] == "Sở Tài chính đã có ý kiến"
    assert csp == []


def test_an_officer_is_refused_the_division_board(server: str, browser: Any) -> None:  # noqa: F811
    csp: list[str] = []
    page = _page(browser, server, "cv.pham", "/ho-so", csp)
    response = page.goto(f"{server}/bang-dieu-hanh/phong")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "Không có quyền"
    assert "trưởng phòng" in page.locator("[role=alert]").inner_text()


def test_the_public_look_up_shows_the_state_and_no_officer_s_name(server: str, browser: Any,  # noqa: F811
                                                                 sqlite_app: App) -> None:
    _receive(sqlite_app, "125/SXD-QLXD", "2026-10-29")
    sqlite_app.services.fire(Fire(code="125/SXD-QLXD", event="accept", actor="cv.pham", at="2026-10-30",
                                  note="Ghi chú nội bộ"))
    csp: list[str] = []
    page = _page(browser, server, None, "/tra-cuu", csp)
    page.fill("#ma", "125/SXD-QLXD")
    page.fill("#khoa", lookup_key(SECRET, "125/SXD-QLXD").lower())
    page.click("#lookup-go")
    page.wait_for_selector("#result")
    assert page.locator("#state").inner_text() == "Đang thẩm định"
    assert "Ngày hẹn trả kết quả" in page.locator("#appointment").inner_text()
    body = page.locator("body").inner_text()
    assert "Phạm Thị Hồng" not in body and "cv.pham" not in body and "Ghi chú nội bộ" not in body
    page.fill("#ma", "125/SXD-QLXD")
    page.fill("#khoa", "AAAAA-AAAAA")
    page.click("#lookup-go")
    page.wait_for_selector("#error")
    assert "Không tìm thấy hồ sơ" in page.locator("#error").inner_text()
    assert csp == []


def test_the_public_ranking_renders_signed_out(server: str, browser: Any, sqlite_app: App) -> None:  # noqa: F811
    for n in range(2):
        _receive(sqlite_app, f"XH-{n}", "2024-06-03", officer="cv.vo")
        sqlite_app.services.fire(Fire(code=f"XH-{n}", event="accept", actor="cv.vo", at="2024-06-04"))
        sqlite_app.services.fire(Fire(code=f"XH-{n}", event="pass_appraisal", actor="cv.vo", at="2024-06-05"))
    csp: list[str] = []
    page = _page(browser, server, None, "/xep-hang", csp)
    assert page.locator("h1").inner_text().startswith("Xếp hạng thi đua")
    division = page.locator("#ranking-division").inner_text()
    assert "Phòng Quản lý xây dựng" in division and "Tổng:" in division
    assert "Võ Quốc Bảo" in page.locator("#ranking-officer").inner_text()
    assert page.locator("#sign-out").count() == 0 and csp == []
