"""The search, «Việc của tôi» and the reception on SQLite and PostgreSQL, signed in through the form:
accent-insensitive text, selects, pages with the total, the export, the due statuses and counters,
and a receipt whose PDF holds the code and the appointment date."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

from conftest import transaction
from fastapi.testclient import TestClient
from webtools import api_client, csrf_of, page_client

from engine.bootstrap import App
from engine.domain import due_status as ds
from engine.domain.commands import Fire
from engine.domain.formatting import vn_date
from engine.services.search import PAGE_SIZE
from engine.services.search_query import SearchQuery


def _codes(html: str, table: str = "dossiers") -> list[str]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/ho-so/[^"]+">([^<]+)</a>', body)


def test_search_finds_duong_without_accents_and_says_how_many(
        app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="T-1", name="Đường liên xã Tân Hòa – Phú Lý", at="2026-10-01")
    make_dossier(code="T-2", name="Trường mầm non Hoa Sen", investor="UBND huyện Đức Trọng", at="2026-10-01")
    make_dossier(code="T-3", name="Kè chống sạt lở", division="QHKT", officer="cv.bui", at="2026-10-01")
    officer = page_client(app, "cv.pham")  # sees the dossiers of QLXD only
    html = officer.get("/ho-so?q=duong").text
    assert _codes(html) == ["T-1"] and "Tìm thấy <strong>1</strong> hồ sơ" in html
    assert _codes(officer.get("/ho-so?q=DUC+TRONG").text) == ["T-2"]
    assert _codes(officer.get("/ho-so?q=ke+chong").text) == []  # another division's
    assert sorted(_codes(officer.get("/ho-so").text)) == ["T-1", "T-2"]
    assert [r["code"] for r in api_client(app, "gd.tran").get("/api/v1/dossiers", params={"q": "kè"}).json()["rows"]] \
        == ["T-3"]
    selects = officer.get("/ho-so").text
    assert '<option value="awaiting_supplement">Chờ chủ đầu tư bổ sung hồ sơ</option>' in selects
    assert '<option value="soon">Tới hạn</option>' in selects


def test_a_bad_filter_is_shown_beside_its_field_and_the_form_keeps_what_was_typed(app: App) -> None:
    officer = page_client(app, "cv.pham")
    r = officer.get("/ho-so?q=tr%C6%B0%E1%BB%9Dng&received_from=31/02/2026")
    assert r.status_code == 422
    assert 'id="e-received_from"' in r.text and "không phải một ngày" in r.text
    assert 'value="trường"' in r.text


def test_pages_carry_the_total_and_the_export_holds_the_whole_result(
        app: App, make_dossier: Callable[..., Any]) -> None:
    for n in range(PAGE_SIZE + 5):
        make_dossier(code=f"P-{n:03d}", name=f"Đường giao thông số {n}", at="2026-10-01")
    officer = page_client(app, "cv.pham")
    first = officer.get("/ho-so?q=duong&sort=ma").text
    assert f"Tìm thấy <strong>{PAGE_SIZE + 5}</strong> hồ sơ · trang 1/2" in first
    assert _codes(first)[0] == "P-000" and len(_codes(first)) == PAGE_SIZE
    second = officer.get("/ho-so?q=duong&sort=ma&page=2").text
    assert _codes(second) == [f"P-{n:03d}" for n in range(PAGE_SIZE, PAGE_SIZE + 5)]
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(officer.get("/ho-so.xlsx?q=duong&sort=ma").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Mã hồ sơ" and len(rows) == PAGE_SIZE + 6 and rows[1][0] == "P-000"


def _clock(app: App, code: str) -> Any:
    return app.services.show(code)["clock"]


def test_my_work_lists_the_officers_open_dossiers_most_urgent_first_with_the_counters(
        app: App, make_dossier: Callable[..., Any]) -> None:
    today = dt.date(2026, 11, 2)  # the clock fixture's day
    cal = app.rules.calendar
    make_dossier(code="W-LATE", at="2026-10-01")  # 12 working days: overdue
    make_dossier(code="W-NEW", at="2026-11-02")  # just received: within the deadline
    # a receipt day whose 12 working days (Decree 217, group C) end within «Tới hạn»
    soon_day = next(d for d in (today - dt.timedelta(days=k) for k in range(1, 30)) if cal.is_working_day(d)
                    and today < cal.add_working_days(d, 12) <= ds.soon_until(today, cal))
    make_dossier(code="W-SOON", at=soon_day.isoformat())
    make_dossier(code="W-WAIT", at="2026-10-20")
    app.services.fire(Fire(code="W-WAIT", event="request_supplement", actor="cv.pham", at="2026-10-21",
                           note="Thiếu hồ sơ\nCần bổ sung, hoàn thiện:\n- Bản vẽ"))
    make_dossier(code="W-OTHER", officer="cv.vo", at="2026-10-01")  # someone else's
    make_dossier(code="W-DONE", at="2026-10-01")
    app.services.fire(Fire(code="W-DONE", event="withdraw", actor="cv.pham", at="2026-10-02"))
    html = page_client(app, "cv.pham").get("/viec-cua-toi").text
    assert _codes(html, "work") == ["W-LATE", "W-SOON", "W-NEW", "W-WAIT"]
    counters = dict(re.findall(r'id="count-(\w+)"><strong>([\d.]+)</strong>', html))
    assert counters == {"all": "4", "overdue": "1", "today": "0", "soon": "1", "within": "1", "paused": "1"}
    assert 'class="due due-soon">Tới hạn</span>' in html and 'class="due due-overdue">Quá hạn</span>' in html
    left = cal.working_days_between(today, dt.date.fromisoformat(_clock(app, "W-SOON")["due_date"]))
    assert f'<td class="num">{left}</td>' in html
    only_late = page_client(app, "cv.pham").get("/viec-cua-toi?due=overdue").text
    assert _codes(only_late, "work") == ["W-LATE"]
    head = api_client(app, "tp.nguyen").get("/api/v1/my-work").json()  # a head: the division's
    assert {r["code"] for r in head["rows"]} == {"W-LATE", "W-SOON", "W-NEW", "W-WAIT", "W-OTHER"}


def _intake(client: TestClient, **data: Any) -> Any:
    form = client.get("/tiep-nhan")
    base = {"csrf": csrf_of(form.text), "workflow": "project-appraisal", "code": "125/SXD-HTKT",
            "name": "Đường liên xã Tân Hòa – Phú Lý", "investor": "Ban QLDA giao thông", "group": "C",
            "grade": "III", "division": "QLXD", "officer": "cv.pham", "intake_channel": "post"}
    base.update(data)
    return client.post("/tiep-nhan", data=base, follow_redirects=False)


def test_reception_receives_a_dossier_and_prints_its_receipt(app: App) -> None:
    reception = page_client(app, "mc.truong")
    due = reception.get("/tiep-nhan/han?workflow=project-appraisal&group=C&grade=III").json()
    r = _intake(reception, received=["Tờ trình thẩm định dự án của chủ đầu tư",
                                     "Báo cáo nghiên cứu khả thi đầu tư xây dựng"],
                investor_address="Số 2 Nguyễn Văn Trị, phường Trấn Biên, Đồng Nai", investor_phone="0251 3822 123",
                investor_email="bqlda.gt@dongnai.gov.vn")
    assert r.status_code == 303 and r.headers["location"] == "/tiep-nhan?xong=125%2FSXD-HTKT"
    assert "In giấy tiếp nhận và hẹn trả kết quả" in reception.get(r.headers["location"]).text
    view = app.services.show("125/SXD-HTKT")
    assert view["clock"]["due_date"] == due["due_date"] and view["history"][0]["actor"] == "mc.truong"
    with transaction(app) as tx:
        row = tx.execute("SELECT intake_channel FROM dossier WHERE code = ?", ("125/SXD-HTKT",)).fetchone()
    assert row[0] == "post"
    from pypdf import PdfReader

    pdf = reception.get("/ho-so/125%2FSXD-HTKT/giay-to/receipt.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split())
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in text and "125/SXD-HTKT" in text
    assert f"ngày {vn_date(due['due_date'])}" in text and "Báo cáo nghiên cứu khả thi đầu tư xây dựng" in text
    assert "Trương Thị Mai" in text and "Mẫu số 01" in text
    assert "Địa chỉ: Số 2 Nguyễn Văn Trị, phường Trấn Biên, Đồng Nai" in text
    assert "Số điện thoại: 0251 3822 123" in text and "bqlda.gt@dongnai.gov.vn" in text
    assert (view["investor_phone"], view["investor_email"]) == ("0251 3822 123", "bqlda.gt@dongnai.gov.vn")


def test_an_intake_error_is_shown_beside_its_field_and_nothing_typed_is_lost(app: App) -> None:
    reception = page_client(app, "mc.truong")
    r = _intake(reception, name="", group="Z", note="Nộp kèm đĩa CD")
    assert r.status_code == 422
    assert 'id="e-name"' in r.text and 'value="Ban QLDA giao thông"' in r.text and "Nộp kèm đĩa CD" in r.text
    r = _intake(reception, officer="cv.bui")  # another division's officer
    assert r.status_code == 422 and 'id="e-officer"' in r.text
    r = _intake(reception, investor_phone="gọi 0251", investor_address="Số 2 Nguyễn Văn Trị")
    assert r.status_code == 422 and 'id="e-investor_phone"' in r.text and "không hợp lệ" in r.text
    assert 'value="Số 2 Nguyễn Văn Trị"' in r.text
    r = _intake(reception, investor_email="bqlda@")
    assert r.status_code == 422 and 'id="e-investor_email"' in r.text
    assert app.services.finder.export(SearchQuery(), None)["total"] == 0  # nothing was received
    officer = page_client(app, "cv.pham")
    assert officer.get("/tiep-nhan").status_code == 403  # an officer does not receive


def test_the_api_intake_records_the_investors_contact_or_refuses_it_whole(app: App) -> None:
    reception = api_client(app, "mc.truong")
    body = {"workflow": "project-appraisal", "code": "HS-LH", "name": "Nhà văn hóa xã Phú Lý", "investor": "UBND xã",
            "group": "C", "grade": "III", "division": "QLXD", "intake_channel": "online",
            "investor_address": "Ấp 3, xã Phú Lý", "investor_phone": "0251.3822.123"}
    bad = reception.post("/api/v1/dossiers", json={**body, "investor_phone": "12"})
    assert bad.status_code == 422 and "Số điện thoại chủ đầu tư «12» không hợp lệ" in bad.json()["message"]
    assert app.services.finder.export(SearchQuery(), None)["total"] == 0  # nothing was received
    r = reception.post("/api/v1/dossiers", json=body)
    assert r.status_code == 201, r.text
    assert (r.json()["investor_address"], r.json()["investor_phone"], r.json()["investor_email"]) == (
        "Ấp 3, xã Phú Lý", "0251.3822.123", None)
