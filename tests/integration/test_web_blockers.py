"""Blockers on the pages, on SQLite and PostgreSQL: raised from a dossier's page (selects with the blockers
file's Vietnamese labels), taken into handling and resolved from the dossier page and the division board,
listed on the boards with their working days and whether the director was told, the department board's
totals per division; the access rules hold (who may is named) and a closed dossier takes no blocker."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from webtools import csrf_of, page_client

from engine.bootstrap import App
from engine.domain.blockers import RaiseBlocker, ResolveBlocker
from engine.domain.clock import TZ
from engine.domain.commands import Fire

RAISE = {"cause": "other_agency", "description": "Chờ ý kiến Sở Tài nguyên và Môi trường về đất rừng",
         "addressed_to": "other_agency", "addressee": "Sở Tài nguyên và Môi trường"}


def _raise(client: TestClient, code: str, **data: str) -> Any:
    page = client.get(f"/ho-so/{code}")
    return client.post(f"/ho-so/{code}/vuong-mac", data={"csrf": csrf_of(page.text), **data}, follow_redirects=False)


def _row(html: str, blocker_id: int) -> str:
    return html.split(f'data-blocker="{blocker_id}"')[1].split("</tr>")[0]


def _version(html: str, blocker_id: int) -> str:
    found = re.search(r'name="expected_version" value="(\d+)"', _row(html, blocker_id))
    assert found, _row(html, blocker_id)
    return found.group(1)


def test_an_officer_raises_a_blocker_from_the_dossier_page_and_the_head_handles_and_resolves_it(
        app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="VM/1", name="Đường liên xã Tân Hòa", at="2026-10-26")
    officer = page_client(app, "cv.pham")
    page = officer.get("/ho-so/VM%2F1").text
    assert 'id="raise-blocker"' in page
    assert ">Chờ ý kiến cơ quan khác</option>" in page and ">Giám đốc Sở</option>" in page  # labels, not codes
    assert 'value="other_agency"' in page and ">other_agency<" not in page
    empty = _raise(officer, "VM%2F1", **{**RAISE, "description": "  "})
    assert empty.status_code == 422 and 'id="blocker-error"' in empty.text and "nội dung vướng mắc" in empty.text
    assert "Sở Tài nguyên và Môi trường" in empty.text  # what was typed is kept
    r = _raise(officer, "VM%2F1", **RAISE)
    assert r.status_code == 303, r.text
    shown = officer.get(r.headers["location"]).text
    [listed] = app.blockers.list(code="VM/1")
    assert f"Đã nêu vướng mắc số {listed['id']}." in shown
    row = _row(shown, listed["id"])
    assert "Chờ ý kiến cơ quan khác" in row and "Cơ quan khác: Sở Tài nguyên và Môi trường" in row and "Mới nêu" in row
    assert 'class="resolve-blocker"' not in row  # an officer does not conclude a blocker
    assert app.blockers.get(listed["id"])["updates"][0]["channel"] == "web"

    head = page_client(app, "tp.nguyen")
    page = head.get("/ho-so/VM%2F1").text
    form = {"csrf": csrf_of(page), "note": "Đã có văn bản đôn đốc", "expected_version": _version(page, listed["id"]),
            "back": "/ho-so/VM%2F1"}
    moved = head.post(f"/vuong-mac/{listed['id']}/xu-ly", data=form, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].startswith("/ho-so/VM%2F1?")
    assert "đã chuyển sang «Đang xử lý»" in head.get(moved.headers["location"]).text
    stale = head.post(f"/vuong-mac/{listed['id']}/xu-ly", data=form)  # the version seen is gone
    assert stale.status_code == 409 and "vừa được người khác cập nhật" in stale.text

    board = head.get("/bang-dieu-hanh/phong").text
    row = _row(board.split('id="board-blockers"')[1], listed["id"])
    assert "VM/1" in row and "Đang xử lý" in row and "nếu chưa giải quyết" in row
    resolve = {"csrf": csrf_of(board), "expected_version": _version(board, listed["id"]),
               "back": "/bang-dieu-hanh/phong?division=QLXD"}
    no_text = head.post(f"/vuong-mac/{listed['id']}/giai-quyet", data={**resolve, "resolution": ""})
    assert no_text.status_code == 422 and "kết quả giải quyết" in no_text.text
    assert 'id="resolve-blocker"' in no_text.text
    done = head.post(f"/vuong-mac/{listed['id']}/giai-quyet",
                     data={**resolve, "resolution": "Sở Tài nguyên và Môi trường đã có ý kiến"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].startswith("/bang-dieu-hanh/phong?division=QLXD&vm=")
    after = head.get(done.headers["location"]).text
    assert f"Đã ghi kết quả giải quyết vướng mắc số {listed['id']}." in after
    assert f'data-blocker="{listed["id"]}"' not in after  # no longer open
    view = app.blockers.get(listed["id"])
    assert (view["state"], view["resolution"]) == ("resolved", "Sở Tài nguyên và Môi trường đã có ý kiến")
    history = head.get(f"/vuong-mac/{listed['id']}").text
    assert "Nguyễn Hữu Phước" in history and "Đã có văn bản đôn đốc" in history and "tp.nguyen" not in history


def test_the_access_rules_hold_on_the_pages(app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="VM-2", at="2026-10-26")
    make_dossier(code="VM-XONG", at="2026-10-01")
    app.services.fire(Fire(code="VM-XONG", event="return", actor="cv.pham", at="2026-10-02", note="Sai thủ tục"))
    colleague = page_client(app, "cv.vo")  # same division, not holding the dossier
    assert 'id="raise-blocker"' not in colleague.get("/ho-so/VM-2").text
    refused = _raise(colleague, "VM-2", **RAISE)
    assert refused.status_code == 403
    assert "không được «nêu vướng mắc»" in refused.text and "Phạm Thị Hồng" in refused.text  # who may instead
    across = page_client(app, "cv.bui")  # another division's officer
    page = across.get("/viec-cua-toi").text
    r = across.post("/ho-so/VM-2/vuong-mac", data={"csrf": csrf_of(page), **RAISE})
    assert r.status_code == 403 and "Người làm được" in r.text
    officer = page_client(app, "cv.pham")
    assert 'id="raise-blocker"' not in officer.get("/ho-so/VM-XONG").text
    closed = _raise(officer, "VM-XONG", **RAISE)
    assert closed.status_code == 403 and "đã kết thúc" in closed.text and "trên dự án" in closed.text
    assert app.blockers.list(code="VM-2") == [] and app.blockers.list(code="VM-XONG") == []
    no_csrf = officer.post("/ho-so/VM-2/vuong-mac", data={"csrf": "giả", **RAISE})
    assert no_csrf.status_code == 403 and app.blockers.list(code="VM-2") == []


def test_the_department_board_totals_blockers_per_division(app: App, make_dossier: Callable[..., Any]) -> None:
    make_dossier(code="VM-A", at="2026-10-01")
    make_dossier(code="VM-B", at="2026-10-01")
    make_dossier(code="VM-Q", at="2026-10-01", division="QHKT", officer="cv.bui")
    old = app.blockers.raise_(RaiseBlocker("cv.pham", "legal", "Chưa rõ quy định", "director", code="VM-A",
                                           raised_on="2026-10-20"))
    app.blockers.raise_(RaiseBlocker("cv.pham", "capital", "Chưa bố trí vốn", "director", code="VM-B"))
    done = app.blockers.raise_(RaiseBlocker("cv.bui", "site_clearance", "Vướng giải phóng mặt bằng", "investor",
                                            code="VM-Q", raised_on="2026-10-28"))
    app.blockers.resolve(ResolveBlocker(done["id"], "tp.hoang", "Đã bàn giao mặt bằng", "2026-11-02"))
    app.blocker_escalation.escalate(dt.datetime(2026, 11, 2, 9, 0, tzinfo=TZ))  # 20/10 + 5 working days
    director = page_client(app, "gd.tran")
    html = director.get("/bang-dieu-hanh/so").text
    totals = html.split('id="blocker-totals"')[1].split("</table>")[0]
    qlxd = totals.split('data-division="QLXD"')[1].split("</tr>")[0]
    qhkt = totals.split('data-division="QHKT"')[1].split("</tr>")[0]
    assert re.findall(r'class="num[^"]*">(\d+)<', qlxd) == ["2", "0", "1", "0"]
    assert re.findall(r'class="num[^"]*">(\d+)<', qhkt) == ["0", "0", "0", "1"]
    listed = html.split('id="department-blockers"')[1].split("</table>")[0]
    row = _row(listed, old["id"])
    assert "VM-A" in row and "Đã báo cáo" in row and ">9<" in row  # 9 working days open since 20/10
    assert f'data-blocker="{done["id"]}"' not in listed
    head = page_client(app, "tp.nguyen")
    assert head.get("/bang-dieu-hanh/so").status_code == 403
