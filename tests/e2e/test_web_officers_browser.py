"""The officers' pages in a real headless Chromium against a real server on loopback: the reception
receives a dossier and prints its receipt, an officer asks for supplements (refused without a
reason), records the answer and passes the appraisal, the director approves after confirming, and
the search finds «Đường» from «duong». Assertions are on the text people read."""

from __future__ import annotations

import io
from typing import Any

from test_web_browser import _signed_in, browser, server  # noqa: F401 - the fixtures of the signed-in pages
from webtools import PASSWORD

from engine.bootstrap import App
from engine.domain.clock import FixedClock

CODE = "126/SXD-QLXD"


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages).split())


def _reception_receives(page: Any, base: str) -> str:
    page.goto(f"{base}/tiep-nhan")
    page.select_option("#f-workflow", "project-appraisal")
    page.fill("#f-code", CODE)
    page.fill("#f-name", "Đường liên xã Tân Hòa – Phú Lý")
    page.fill("#f-investor", "Ban QLDA giao thông tỉnh")
    page.select_option("#f-division", "QLXD")
    page.select_option("#f-group", "C")
    page.select_option("#f-grade", "III")
    page.select_option("#f-officer", "cv.pham")
    page.select_option("#f-intake_channel", "in_person")
    page.check('#checklist-project-appraisal input[value="Báo cáo nghiên cứu khả thi đầu tư xây dựng"]')
    page.wait_for_function("document.getElementById('due-preview').textContent.startsWith('Hẹn trả')")
    due = page.locator("#due-preview").inner_text().split()[2]  # «Hẹn trả: dd/mm/yyyy (…)»
    page.click("#receive")
    page.wait_for_selector("#done")
    assert CODE in page.locator("#done").inner_text()
    return due


def _act(page: Any, event: str, **fields: str) -> None:
    for name, value in fields.items():
        page.fill(f"#{event}-{name}", value)
    page.click(f"#ev-{event}")


def test_a_dossier_from_reception_to_approval(server: str, browser: Any, sqlite_app: App,  # noqa: F811
                                             clock: FixedClock) -> None:
    for person in ("mc.truong", "gd.tran"):
        sqlite_app.accounts.set_password(person, PASSWORD)
    clock.set("2026-06-02T08:00")  # rules of Law 62: the post-basic-design review follows the appraisal
    reception = _signed_in(browser, server, "mc.truong")
    due = _reception_receives(reception, server)
    receipt = reception.request.get(server + reception.locator("#print-receipt").get_attribute("href"))
    assert receipt.headers["content-type"] == "application/pdf"
    text = _pdf_text(receipt.body())
    assert CODE in text and f"ngày {due}" in text and "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text

    clock.set("2026-06-02T09:00")
    officer = _signed_in(browser, server, "cv.pham")
    officer.goto(f"{server}/viec-cua-toi")
    officer.click(f"text={CODE}")
    _act(officer, "accept")
    officer.wait_for_selector("#done")
    clock.set("2026-06-02T10:00")
    _act(officer, "request_supplement", missing="Báo cáo khảo sát địa chất")
    officer.wait_for_selector("#request_supplement-reason-error")
    assert "cần ghi lý do yêu cầu bổ sung" in officer.locator("#request_supplement-reason-error").inner_text()
    assert officer.locator("#request_supplement-missing").input_value() == "Báo cáo khảo sát địa chất"
    _act(officer, "request_supplement", reason="Thiếu hồ sơ khảo sát địa chất")
    officer.wait_for_selector("#done")
    assert "Tạm dừng, chờ chủ đầu tư" in officer.locator("#clock").inner_text()
    clock.set("2026-06-02T11:00")
    _act(officer, "receive_supplement", note="Chủ đầu tư đã nộp báo cáo khảo sát")
    officer.wait_for_selector("#done")
    _act(officer, "pass_appraisal")
    officer.wait_for_selector("#done")
    assert officer.locator("#state").inner_text() == "Đang thẩm định thiết kế sau thiết kế cơ sở"
    history = officer.locator("#history").inner_text()
    assert "Thiếu hồ sơ khảo sát địa chất" in history and "Tạm dừng tính thời hạn «Thẩm định dự án»" in history

    clock.set("2026-06-02T15:00")  # sessions end after 8 idle hours: one working day
    director = _signed_in(browser, server, "gd.tran")
    director.goto(f"{server}/ho-so")
    director.fill("#f-q", "duong")
    director.click("#search-go")
    assert CODE in director.locator("#dossiers").inner_text() and "Đường liên xã" in director.locator(
        "#dossiers").inner_text()
    director.click(f"text={CODE}")
    director.click("#ev-approve")
    director.wait_for_selector("#confirm-question")
    assert sqlite_app.services.show(CODE)["state"] == "post_basic_design_review"  # nothing written yet
    director.click("#confirm-yes")
    director.wait_for_selector("#done")
    assert director.locator("#state").inner_text() == "Đã có kết quả thẩm định"
