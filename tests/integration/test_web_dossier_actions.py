"""A dossier's actions on SQLite and PostgreSQL, signed in through the form: what each action asks
for (the workflow file's ``requires``), the confirmation of approve, return and withdraw, and the same
requirements through the API and the services."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webtools import api_client, csrf_of, page_client

from engine.bootstrap import App
from engine.domain.commands import Fire
from engine.domain.errors import BadInput
from engine.domain.formatting import vn_date


def _form(client: TestClient, code: str, event: str, **data: str) -> Any:
    page = client.get(f"/ho-so/{code}")
    version = re.search(r'name="expected_version" value="(\d+)"', page.text)
    assert version, page.text
    return client.post(f"/ho-so/{code}/thao-tac", data={"csrf": csrf_of(page.text), "event": event,
                                                        "expected_version": version.group(1), **data},
                       follow_redirects=False)


def _pdf_text(body: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)


def test_an_officer_requests_a_supplement_with_its_reason_records_the_answer_and_passes_the_appraisal(
        app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="DA-1", name="Đường liên xã Tân Hòa", at="2026-06-01")  # Law 62: a post-design review
    officer = page_client(app, "cv.pham")
    assert _form(officer, "DA-1", "accept").status_code == 303
    refused = _form(officer, "DA-1", "request_supplement", reason="", missing="Bản vẽ mặt bằng")
    assert refused.status_code == 422
    assert 'class="field-error" id="request_supplement-reason-error"' in refused.text
    assert "cần ghi lý do yêu cầu bổ sung" in refused.text
    assert ">Bản vẽ mặt bằng</textarea>" in refused.text  # what was typed is kept
    assert app.services.show("DA-1")["state"] == "appraising"
    no_list = _form(officer, "DA-1", "request_supplement", reason="Thiếu hồ sơ khảo sát", missing="  ")
    assert no_list.status_code == 422 and "request_supplement-missing-error" in no_list.text
    ok = _form(officer, "DA-1", "request_supplement", reason="Thiếu hồ sơ khảo sát địa chất",
               missing="Báo cáo khảo sát địa chất\n- Bản vẽ mặt bằng tổng thể")
    assert ok.status_code == 303 and ok.headers["location"].endswith("?done=request_supplement")
    shown = officer.get(ok.headers["location"]).text
    assert "Đã ghi nhận: Yêu cầu bổ sung hồ sơ (tạm dừng tính thời hạn)." in shown
    assert "Tạm dừng, chờ chủ đầu tư" in shown and "request_supplement" not in shown.split('id="done"')[1][:200]
    letter = _pdf_text(officer.get("/ho-so/DA-1/giay-to/supplement.pdf").content)
    assert "PHIẾU YÊU CẦU BỔ SUNG" in letter and "Bản vẽ mặt bằng tổng thể" in letter
    answer_by = app.rules.calendar.add_working_days(dt.date(2026, 11, 2), 20)  # the window of Law 62's rules
    assert f"chậm nhất ngày {vn_date(answer_by)}" in " ".join(letter.split())
    assert _form(officer, "DA-1", "receive_supplement", note="Chủ đầu tư đã nộp").status_code == 303
    assert _form(officer, "DA-1", "pass_appraisal").status_code == 303
    assert app.services.show("DA-1")["state"] == "post_basic_design_review"
    history = officer.get("/ho-so/DA-1").text
    assert "Tạm dừng tính thời hạn «Thẩm định dự án» từ 02/11/2026" in history
    assert "pause:appraisal" not in history


def test_the_director_approves_only_after_confirming(app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="DA-2", at="2026-10-01")  # Decree 217: approve straight from the appraisal
    app.services.fire(Fire(code="DA-2", event="accept", actor="cv.pham", at="2026-10-02"))
    director = page_client(app, "gd.tran")
    asked = _form(director, "DA-2", "approve")
    assert asked.status_code == 200 and "Xác nhận thao tác" in asked.text
    assert "Trình ký, phát hành kết quả thẩm định cho hồ sơ này?" in asked.text
    assert app.services.show("DA-2")["state"] == "appraising"  # nothing written yet
    back = director.post("/ho-so/DA-2/thao-tac", data={"csrf": csrf_of(asked.text), "event": "approve",
                                                      "expected_version": "2", "note": "Ký số 12", "edit": "1"})
    assert back.status_code == 200 and 'value="Ký số 12"' in back.text
    done = director.post("/ho-so/DA-2/thao-tac", data={"csrf": csrf_of(asked.text), "event": "approve",
                                                      "expected_version": "2", "confirmed": "1"},
                         follow_redirects=False)
    assert done.status_code == 303
    assert app.services.show("DA-2")["state"] == "approved"
    sheet = " ".join(_pdf_text(director.get("/ho-so/DA-2/giay-to/control.pdf").content).split())
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in sheet and "Trần Văn Minh" in sheet
    assert "Quá hạn" in sheet  # received 01/10, 12 working days, approved on 02/11: late


def test_a_return_asks_its_reason_then_a_confirmation_and_prints_the_return_slip(
        app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="DA-3", at="2026-10-01")
    officer = page_client(app, "cv.pham")
    assert _form(officer, "DA-3", "return", reason="   ").status_code == 422
    asked = _form(officer, "DA-3", "return", reason="Dự án chưa có chủ trương đầu tư")
    assert "Trả lại hồ sơ cho chủ đầu tư?" in asked.text and "Dự án chưa có chủ trương đầu tư" in asked.text
    done = officer.post("/ho-so/DA-3/thao-tac", data={"csrf": csrf_of(asked.text), "event": "return",
                                                     "expected_version": "1", "confirmed": "1",
                                                     "reason": "Dự án chưa có chủ trương đầu tư"},
                        follow_redirects=False)
    assert done.status_code == 303 and app.services.show("DA-3")["state"] == "returned"
    slip = _pdf_text(officer.get("/ho-so/DA-3/giay-to/refusal.pdf").content)
    assert "PHIẾU TỪ CHỐI" in slip and "Dự án chưa có chủ trương đầu tư" in slip


def test_the_requirements_hold_on_every_channel(app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="DA-4", at="2026-10-01")
    with pytest.raises(BadInput) as err:
        app.services.fire(Fire(code="DA-4", event="return", actor="cv.pham"))
    assert err.value.details["field"] == "reason"
    token = api_client(app, "cv.pham")
    old = token.post("/api/dossiers/DA-4/events", json={"event": "return"})
    assert old.status_code == 422 and old.json()["field"] == "reason"
    v1 = token.post("/api/v1/dossiers/DA-4/actions/return", json={"reason": "Không đúng thẩm quyền"})
    assert v1.status_code == 422 and v1.json()["field"] == "confirmed"
    shown = token.get("/api/v1/dossiers/DA-4").json()
    ret = next(a for a in shown["actions"] if a["name"] == "return")
    assert ret["requires"] == [{"field": "reason", "label": "Lý do trả lại hồ sơ"}] and ret["confirm"]
    ok = token.post("/api/v1/dossiers/DA-4/actions/return", json={"reason": "Không đúng thẩm quyền",
                                                                  "confirmed": True})
    assert ok.status_code == 200, ok.text
    assert ok.json()["state"] == "returned" and ok.json()["history"][-1]["note"] == "Không đúng thẩm quyền"


def test_every_page_action_has_its_call_in_the_openapi_schema(app: App) -> None:
    paths = api_client(app).get("/api/openapi.json").json()["paths"]
    for path in ("/api/v1/dossiers", "/api/v1/my-work", "/api/v1/dossiers/{code}", "/api/v1/intake/due-date",
                 "/api/v1/dossiers/{code}/actions/{event}", "/api/v1/dossiers/{code}/documents/{kind}.pdf",
                 "/api/v1/export/dossiers.xlsx"):
        assert path in paths, path


def test_a_head_drafts_the_apology_the_director_approves_it_and_the_original_date_still_judges(
        app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="DA-5", at="2026-10-20")
    due = app.services.show("DA-5")["clock"]["due_date"]
    head = page_client(app, "tp.nguyen")
    no_date = _form(head, "DA-5", "draft_apology", reason="Chờ ý kiến của Sở Tài nguyên và Môi trường")
    assert no_date.status_code == 422 and 'id="draft_apology-new_date-error"' in no_date.text
    assert _form(head, "DA-5", "draft_apology", reason="Chờ ý kiến của Sở Tài nguyên và Môi trường",
                 new_date="2026-11-30").status_code == 303
    director = page_client(app, "gd.tran")
    asked = _form(director, "DA-5", "approve_apology")
    assert "Hồ sơ vẫn tính trễ theo hạn ban đầu" in asked.text
    director.post("/ho-so/DA-5/thao-tac", data={"csrf": csrf_of(asked.text), "event": "approve_apology",
                                                "expected_version": "2", "confirmed": "1"})
    view = app.services.show("DA-5")
    assert [h["event"] for h in view["history"]][-2:] == ["draft_apology", "approve_apology"]
    assert view["clock"]["due_date"] == due and view["state"] == "received"  # the clock is the original one
    letter = " ".join(_pdf_text(director.get("/ho-so/DA-5/giay-to/apology.pdf").content).split())
    assert "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in letter and "ngày 30/11/2026" in letter
    assert f"ngày hẹn ban đầu ({vn_date(due)})" in letter and "Chờ ý kiến của Sở Tài nguyên và Môi trường" in letter


def test_an_apology_no_head_drafted_is_not_approved_on_any_channel(app: App,
                                                                   make_dossier: Callable[..., Any]) -> None:
    from engine.domain.commands import FireMany
    from engine.domain.errors import IllegalTransition

    make_dossier(code="DA-6", at="2026-10-20")
    director = page_client(app, "gd.tran")
    assert 'id="act-approve_apology"' not in director.get("/ho-so/DA-6").text  # nothing to approve: not offered
    refused = _form(director, "DA-6", "approve_apology", confirmed="1")
    assert refused.status_code == 409
    assert ("Không «Duyệt phiếu xin lỗi và hẹn lại ngày trả kết quả» được: hồ sơ DA-6 chưa có «Dự thảo phiếu xin "
            "lỗi và hẹn lại ngày trả kết quả» nào đang chờ duyệt." in refused.text)
    assert "(trưởng phòng)" in refused.text
    api = api_client(app, "gd.tran").post("/api/v1/dossiers/DA-6/actions/approve_apology", json={"confirmed": True})
    assert api.status_code == 409 and api.json()["error"] == "illegal_transition"
    with pytest.raises(IllegalTransition, match="chưa có"):  # the command line's path
        app.services.fire(Fire(code="DA-6", event="approve_apology", actor="gd.tran"))
    with pytest.raises(IllegalTransition, match="Hồ sơ DA-6: Không «Duyệt phiếu xin lỗi"):  # fire-many's
        app.services.fire_many(FireMany(event="approve_apology", actor="gd.tran", workflow="project-appraisal"))
    app.services.fire(Fire(code="DA-6", event="draft_apology", actor="tp.nguyen",
                           note="Chờ ý kiến Sở Tài chính\nNgày hẹn trả mới: 30/11/2026"))
    assert 'id="act-approve_apology"' in director.get("/ho-so/DA-6").text
    app.services.fire(Fire(code="DA-6", event="approve_apology", actor="gd.tran"))
    again = api_client(app, "gd.tran").post("/api/v1/dossiers/DA-6/actions/approve_apology", json={"confirmed": True})
    assert again.status_code == 409 and "lần trước đã duyệt" in again.json()["message"]  # one draft, one approval
    assert [h["event"] for h in app.services.show("DA-6")["history"]][-2:] == ["draft_apology", "approve_apology"]
