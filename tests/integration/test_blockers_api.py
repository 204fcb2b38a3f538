"""The blockers and urges API (/api/v1/…) on SQLite and PostgreSQL with personal tokens: the token's
owner acts, refusals are 403 naming who may, a resolved blocker 409, bad input 422."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webtools import api_client

from engine.bootstrap import App

RAISE = {"cause": "capital", "description": "Chưa bố trí vốn năm 2026", "addressed_to": "director"}


def test_raise_handle_resolve_and_list_through_the_api(app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API/B-1")
    officer, head = api_client(app, "cv.pham"), api_client(app, "tp.nguyen")
    r = officer.post("/api/v1/blockers", json={**RAISE, "code": "API/B-1", "cause_on": "2026-10-30"})
    assert r.status_code == 201, r.text
    b = r.json()
    assert (b["raised_by"], b["dossier"], b["state"]) == ("cv.pham", "API/B-1", "open")
    assert b["updates"][0]["channel"] == "api"
    r = head.post(f"/api/v1/blockers/{b['id']}/update", json={"note": "Đã báo cáo Sở Tài chính",
                                                               "expected_version": b["version"]})
    assert r.status_code == 200 and r.json()["state"] == "handling"
    stale = head.post(f"/api/v1/blockers/{b['id']}/update", json={"note": "x", "expected_version": b["version"]})
    assert stale.status_code == 409
    denied = officer.post(f"/api/v1/blockers/{b['id']}/resolve", json={"resolution": "Đã bố trí vốn"})
    assert denied.status_code == 403 and "Nguyễn Hữu Phước" in denied.json()["hint"]
    r = head.post(f"/api/v1/blockers/{b['id']}/resolve", json={"resolution": "Đã bố trí vốn"})
    assert r.status_code == 200 and r.json()["state"] == "resolved"
    again = head.post(f"/api/v1/blockers/{b['id']}/resolve", json={"resolution": "lần nữa"})
    assert again.status_code == 409 and again.json()["error"] == "blocker_closed"
    listed = officer.get("/api/v1/blockers", params={"code": "API/B-1"})
    assert [x["id"] for x in listed.json()] == [b["id"]]
    other = api_client(app, "tp.hoang").get("/api/v1/blockers", params={"division": "QLXD"})
    assert other.status_code == 403
    assert officer.get(f"/api/v1/blockers/{b['id']}").json()["resolution"] == "Đã bố trí vốn"


def test_bad_input_and_the_actor_in_the_body_are_422(app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-B2")
    officer = api_client(app, "cv.pham")
    assert officer.post("/api/v1/blockers", json={**RAISE, "code": "API-B2", "cause": "thời tiết"}).status_code == 422
    assert officer.post("/api/v1/blockers", json={**RAISE, "code": "API-B2", "actor": "gd.tran"}).status_code == 422
    assert officer.post("/api/v1/blockers", json={**RAISE, "code": "KHONG-CO"}).status_code == 404
    assert api_client(app).get("/api/v1/blockers").status_code == 401


def test_urges_through_the_api_are_refused_to_officers_and_shown_on_the_dossier(
        app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="API-U1")
    denied = api_client(app, "cv.vo").post("/api/v1/urges", json={"code": "API-U1", "note": "nhanh"})
    assert denied.status_code == 403 and "Trần Văn Minh" in denied.json()["hint"]
    across = api_client(app, "tp.huynh").post("/api/v1/urges", json={"code": "API-U1"})
    assert across.status_code == 403
    r = api_client(app, "tp.nguyen").post("/api/v1/urges", json={"code": "API-U1", "note": "Khẩn trương"})
    assert r.status_code == 201, r.text
    assert (r.json()["officer"], r.json()["channel"]) == ("cv.pham", "api")
    shown = api_client(app, "cv.pham").get("/api/v1/urges", params={"code": "API-U1"})
    assert [(u["by"], u["note"], u["channel"]) for u in shown.json()] == [("tp.nguyen", "Khẩn trương", "api")]
    assert api_client(app, "cv.bui").get("/api/v1/urges", params={"code": "API-U1"}).status_code == 403
    mine = api_client(app, "cv.pham").get("/api/v1/urges", params={"officer": "cv.pham"})
    assert [u["dossier"] for u in mine.json()] == ["API-U1"]
    assert api_client(app, "cv.vo").get("/api/v1/urges", params={"officer": "cv.pham"}).status_code == 403
    assert api_client(app, "tp.nguyen").get("/api/v1/urges", params={"officer": "cv.pham"}).status_code == 200
    assert api_client(app, "tp.nguyen").get("/api/v1/urges").status_code == 422


def test_the_division_board_shows_each_dossier_s_unresolved_blockers(app: App,
                                                                      make_dossier: Callable[..., Any]) -> None:
    from webtools import page_client

    from engine.domain.blockers import RaiseBlocker, ResolveBlocker

    make_dossier(code="BD-VM", at="2026-10-01")  # overdue on the clock's day, 02/11/2026
    app.blockers.raise_(RaiseBlocker(actor="cv.pham", code="BD-VM", cause="site_clearance", addressed_to="director",
                                     description="Chưa bàn giao mặt bằng", raised_on="2026-10-26"))
    gone = app.blockers.raise_(RaiseBlocker(actor="cv.pham", code="BD-VM", cause="capital", addressed_to="director",
                                            description="Chưa có vốn", raised_on="2026-10-27"))
    app.blockers.resolve(ResolveBlocker(gone["id"], "tp.nguyen", "Đã bố trí vốn", "2026-10-30"))
    html = page_client(app, "tp.nguyen").get("/bang-dieu-hanh/phong").text
    row = html.split('data-code="BD-VM"')[1].split("</tr>")[0]
    assert "Vướng mắc: Giải phóng mặt bằng – Chưa bàn giao mặt bằng (mới nêu, 5 ngày làm việc)" in row
    assert "Chưa có vốn" not in row  # resolved
