"""The boards on both databases: what a head and the director see, who may open them, hand-over from
the board (page and API), and the month's on-time share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webtools import api_client, csrf_of, page_client

from engine.bootstrap import App
from engine.domain.commands import Fire

#: a supplement request states its reason and what is missing (the workflow's ``requires``)
SURVEY = "Thiếu khảo sát địa chất\nCần bổ sung, hoàn thiện:\n- Báo cáo khảo sát địa chất"


def _fire(app: App, code: str, event: str, actor: str, at: str, **kw: Any) -> None:
    app.services.fire(Fire(code=code, event=event, actor=actor, at=at, **kw))


def _department(app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    """QLXD: one overdue (received 01/10), one due soon (received 16/10, 12 working days: due 03/11), one
    paused since 09/09 (its investor past the 20 working days to answer); QHKT: one overdue."""
    make_dossier(code="BD-TRE", at="2026-10-01")
    make_dossier(code="BD-SAP", at="2026-10-16", officer="cv.vo")
    make_dossier(code="BD-CHO", at="2026-09-07")
    _fire(app, "BD-CHO", "request_supplement", "cv.pham", "2026-09-09", note=SURVEY)
    make_dossier(code="BD-QH", at="2026-10-01", division="QHKT", officer="cv.bui")


def test_a_head_sees_the_overdue_due_soon_and_paused_dossiers_of_their_division(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    _department(app, make_dossier)
    page = page_client(app, "tp.nguyen").get("/bang-dieu-hanh/phong")
    assert page.status_code == 200, page.text
    html = page.text
    overdue = html.split('id="overdue"')[1].split("</table>")[0]
    soon = html.split('id="due-soon"')[1].split("</table>")[0]
    paused = html.split('id="paused"')[1].split("</table>")[0]
    assert "BD-TRE" in overdue and "Quá hạn" in overdue and "Phạm Thị Hồng" in overdue
    assert "BD-SAP" in soon and "BD-TRE" not in soon
    assert "BD-CHO" in paused and "Chủ đầu tư quá hạn" in paused
    assert "BD-QH" not in html  # another division's
    officers = html.split('id="officers"')[1].split("</table>")[0]
    assert "Võ Quốc Bảo" in officers and "Đặng Ngọc Ánh" in officers and "cv.vo" not in officers


def test_an_officer_cannot_open_the_division_board_and_is_told_who_may(app: App) -> None:
    r = page_client(app, "cv.pham").get("/bang-dieu-hanh/phong")
    assert r.status_code == 403
    assert "không mở được bảng điều hành phòng" in r.text and "trưởng phòng, giám đốc" in r.text
    api = api_client(app, "cv.pham").get("/api/v1/boards/division")
    assert api.status_code == 403 and "trưởng phòng" in api.json()["hint"]


def test_a_head_sees_only_their_own_division(app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    _department(app, make_dossier)
    head = page_client(app, "tp.nguyen")
    r = head.get("/bang-dieu-hanh/phong?division=QHKT")
    assert r.status_code == 403 and "chỉ xem được bảng điều hành của phòng mình (QLXD)" in r.text
    assert head.get("/bang-dieu-hanh/so").status_code == 403
    board = api_client(app, "tp.hoang").get("/api/v1/boards/division").json()
    assert board["division"] == "QHKT" and [r["code"] for r in board["overdue"]] == ["BD-QH"]


def test_a_head_hands_an_overdue_dossier_over_from_the_board(app: App,
                                                             make_dossier: Callable[..., dict[str, Any]]) -> None:
    _department(app, make_dossier)
    head = page_client(app, "tp.nguyen")
    html = head.get("/bang-dieu-hanh/phong").text
    version = app.services.show("BD-TRE")["version"]
    form = {"csrf": csrf_of(html), "code": "BD-TRE", "officer": "cv.dang", "division": "QLXD",
            "note": "Chị Hồng nghỉ phép", "expected_version": str(version)}
    r = head.post("/bang-dieu-hanh/phong/giao-ho-so", data=form, follow_redirects=False)
    assert r.status_code == 303 and "done=BD-TRE" in r.headers["location"]
    view = app.services.show("BD-TRE")
    assert view["officer"] == "cv.dang" and view["state"] == "received"
    last = view["history"][-1]
    assert (last["event"], last["actor"], last["channel"]) == ("reassign", "tp.nguyen", "web")
    assert "Chị Hồng nghỉ phép" in last["note"]
    # the same form again: the dossier changed meanwhile, so it is refused with a message, nothing written
    again = head.post("/bang-dieu-hanh/phong/giao-ho-so", data={**form, "officer": "cv.vo"})
    assert again.status_code == 409 and "vừa được người khác cập nhật" in again.text
    assert app.services.show("BD-TRE")["officer"] == "cv.dang"
    # without choosing whom
    empty = head.post("/bang-dieu-hanh/phong/giao-ho-so", data={**form, "officer": "",
                                                                 "expected_version": str(view["version"])})
    assert empty.status_code == 422 and "Cần chọn cán bộ nhận hồ sơ" in empty.text


def test_the_hand_over_needs_the_session_s_csrf_token(app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="BD-CSRF", at="2026-10-01")
    r = page_client(app, "tp.nguyen").post("/bang-dieu-hanh/phong/giao-ho-so", data={
        "csrf": "giả", "code": "BD-CSRF", "officer": "cv.vo", "expected_version": "1"})
    assert r.status_code == 403 and app.services.show("BD-CSRF")["officer"] == "cv.pham"


def test_the_hand_over_api_is_the_workflow_s_assigning_event(app: App,
                                                             make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="BD-API", at="2026-10-01")
    r = api_client(app, "tp.nguyen").post("/api/v1/boards/handover", json={"code": "BD-API", "officer": "cv.vo"})
    assert r.status_code == 200, r.text
    assert app.services.show("BD-API")["officer"] == "cv.vo"
    other = api_client(app, "tp.hoang").post("/api/v1/boards/handover", json={"code": "BD-API", "officer": "cv.bui"})
    assert other.status_code == 403
    assert api_client(app, "tp.nguyen").post("/api/v1/boards/handover", json={
        "code": "BD-API", "officer": "cv.vo", "actor": "gd.tran"}).status_code == 422
    schema = api_client(app).get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/boards/division", "/api/v1/boards/department", "/api/v1/boards/handover"} <= set(schema)


def test_the_director_sees_every_division_with_the_month_s_figures(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    _department(app, make_dossier)
    make_dossier(code="BD-XONG", at="2026-11-02T08:00", officer="cv.vo")  # appraised and approved today: early
    _fire(app, "BD-XONG", "accept", "cv.vo", "2026-11-02T08:15")
    _fire(app, "BD-XONG", "approve", "tp.nguyen", "2026-11-02T08:30")
    board = api_client(app, "gd.tran").get("/api/v1/boards/department").json()
    by = {d["code"]: d for d in board["divisions"]}
    assert set(by) == {"QLXD", "QHKT", "HTKT"}  # the office appraises nothing
    q = by["QLXD"]
    assert (q["open_count"], q["overdue"], q["due_soon"], q["paused"], q["paused_past_window"]) == (3, 1, 1, 1, 1)
    assert (q["received"], q["finished"], q["early"], q["on_time_share"]) == (1, 1, 1, 1.0)
    assert board["total"]["overdue"] == 2
    html = page_client(app, "gd.tran").get("/bang-dieu-hanh/so").text
    assert "Phòng Quản lý xây dựng" in html and "100,0%" in html and "Toàn Sở" in html
    officers = api_client(app, "gd.tran").get("/api/v1/boards/division?division=QLXD").json()["officers"]
    vo = next(o for o in officers if o["id"] == "cv.vo")
    assert (vo["finished"], vo["on_time_share"], vo["open_count"]) == (1, 1.0, 1)


def test_a_head_urges_the_officer_of_an_overdue_dossier_from_the_board(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    _department(app, make_dossier)
    head = page_client(app, "tp.nguyen")
    html = head.get("/bang-dieu-hanh/phong").text
    assert 'class="urge"' in html
    r = head.post("/bang-dieu-hanh/phong/don-doc", data={"csrf": csrf_of(html), "code": "BD-TRE", "division": "QLXD",
                                                         "note": "Đề nghị hoàn thành trong tuần"},
                  follow_redirects=False)
    assert r.status_code == 303 and "urged=BD-TRE" in r.headers["location"]
    urges = app.urging.for_dossier("BD-TRE")
    assert len(urges) == 1 and urges[0]["note"] == "Đề nghị hoàn thành trong tuần"
    with app.database.reading() as uow:
        queued = uow.execute("SELECT COUNT(*) FROM outbox_message WHERE kind = 'urge'").fetchone()[0]
    assert queued == 1  # mailed to the officer
    after = head.get("/bang-dieu-hanh/phong?urged=BD-TRE").text
    assert "Đã đôn đốc cán bộ thụ lý hồ sơ BD-TRE" in after and "Đã đôn đốc" in after.split('id="overdue"')[1]
