"""The director's correction on the pages and the API, on SQLite and PostgreSQL: the dossier page's action
form offers the director the time of the act and a correction's reason; an act back-dated into an issued
month is refused with the Vietnamese message in the page, then recorded as the director's correction; an
officer's form offers neither (and a typed one is ignored); the /api/v1 intake takes ``at`` and a
correction as ``thamdinh receive`` does."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from test_issued_reports import _october as accepted_in_october
from webtools import api_client, csrf_of, page_client

from engine.bootstrap import App
from engine.domain.clock import FixedClock

REASON = "Ghi bổ sung văn bản trả lại ngày 29/10/2026 bị sót"


def _october(app: App, clock: FixedClock) -> None:
    """HS-1 received and accepted in October 2026 (test_issued_reports), October's report issued on 02/11/2026."""
    accepted_in_october(app, clock)
    app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")


def _post(client: TestClient, event: str, **data: str) -> Any:
    page = client.get("/ho-so/HS-1").text
    version = re.search(r'name="expected_version" value="(\d+)"', page)
    assert version
    return client.post("/ho-so/HS-1/thao-tac", data={"csrf": csrf_of(page), "event": event,
                                                     "expected_version": version.group(1), **data},
                       follow_redirects=False)


def test_the_director_records_a_back_dated_act_as_a_correction_from_the_page(app: App, clock: FixedClock) -> None:
    _october(app, clock)
    director = page_client(app, "gd.tran")
    page = director.get("/ho-so/HS-1").text
    assert 'id="return-at"' in page and 'id="return-correction"' in page and "Lý do điều chỉnh" in page
    sealed = _post(director, "return", reason="Hồ sơ không đúng thẩm quyền", at="2026-10-29T15:00", confirmed="1")
    assert sealed.status_code == 409
    assert "Báo cáo tháng 10/2026 đã ban hành ngày 02/11/2026" in sealed.text
    assert "ghi lý do vào ô «Lý do điều chỉnh»" in sealed.text and "--correction" not in sealed.text
    assert 'value="2026-10-29T15:00"' in sealed.text  # what was typed is kept
    assert app.services.show("HS-1")["state"] == "appraising"
    asked = _post(director, "return", reason="Hồ sơ không đúng thẩm quyền", at="2026-10-29T15:00",
                  correction=REASON)
    assert asked.status_code == 200 and "Xác nhận thao tác" in asked.text
    assert 'id="confirm-at">15:00 29/10/2026<' in asked.text and REASON in asked.text
    done = director.post("/ho-so/HS-1/thao-tac", data={
        "csrf": csrf_of(asked.text), "event": "return", "expected_version": "2", "confirmed": "1",
        "reason": "Hồ sơ không đúng thẩm quyền", "at": "2026-10-29T15:00", "correction": REASON},
        follow_redirects=False)
    assert done.status_code == 303, done.text
    last = app.services.show("HS-1")["history"][-1]
    assert (last["event"], last["actor"], last["correction"], last["channel"]) == ("return", "gd.tran", REASON, "web")
    assert last["at"].startswith("2026-10-29T15:00")


def test_an_officer_gets_no_time_or_correction_field(app: App, clock: FixedClock) -> None:
    _october(app, clock)
    officer = page_client(app, "cv.pham")
    page = officer.get("/ho-so/HS-1").text
    assert 'name="correction"' not in page and 'name="at"' not in page
    r = _post(officer, "request_supplement", reason="Thiếu khảo sát", missing="Báo cáo khảo sát địa chất",
              at="2026-10-29T15:00", correction=REASON)  # typed anyway: ignored
    assert r.status_code == 303
    last = app.services.show("HS-1")["history"][-1]
    assert last["correction"] is None and last["at"].startswith("2026-11-02")


def test_the_api_intake_takes_the_time_received_and_a_correction(app: App, clock: FixedClock) -> None:
    _october(app, clock)
    body = {"workflow": "project-appraisal", "code": "HS-2", "name": "Nhà văn hóa xã Phú Lý", "investor": "UBND xã",
            "group": "C", "grade": "III", "division": "QLXD", "officer": "cv.pham", "intake_channel": "in_person",
            "at": "2026-10-15T08:00"}
    director = api_client(app, "gd.tran")
    sealed = director.post("/api/v1/dossiers", json=body)
    assert sealed.status_code == 409 and sealed.json()["error"] == "period_sealed"
    assert "15/10/2026" in sealed.json()["message"]
    refused = api_client(app, "mc.truong").post("/api/v1/dossiers", json={**body, "correction": REASON})
    assert refused.status_code == 403 and "Trần Văn Minh" in refused.json()["hint"]
    r = director.post("/api/v1/dossiers", json={**body, "correction": REASON})
    assert r.status_code == 201, r.text
    first = r.json()["history"][0]
    assert (first["correction"], first["at"][:16], r.json()["received_on"]) == (REASON, "2026-10-15T08:00",
                                                                              "2026-10-15")
    later = director.post("/api/v1/dossiers", json={**body, "code": "HS-3", "at": "2026-11-02T08:30"})
    assert later.status_code == 201 and later.json()["history"][0]["at"].startswith("2026-11-02T08:30")
