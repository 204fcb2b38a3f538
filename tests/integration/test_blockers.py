"""Blockers and urges on both databases: raise, handle, resolve with every change kept; refusals under the
access rules naming who may; the escalation to the director across Tết 2025, once, across restarts; urges
recorded, mailed and read back for the boards; the heads' digest listing blockers, delivered to a real
SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_ORG, make_app_for, transaction
from mailtools import SmtpServer, smtp_server  # noqa: F401  (fixture)

from engine.bootstrap import App
from engine.domain.blockers import BlockerClosed, RaiseBlocker, ResolveBlocker, UpdateBlocker
from engine.domain.caller import Via
from engine.domain.clock import TZ, FixedClock
from engine.domain.commands import Fire
from engine.domain.errors import BadInput, NotPermitted

WEB = Via("web", "10.0.0.7")


def at(y: int, m: int, d: int, h: int = 9) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=TZ)


def raise_on(app: App, code: str, actor: str = "cv.pham", **kw: Any) -> dict[str, Any]:
    fields: dict[str, Any] = dict(actor=actor, code=code, cause="other_agency", description="Chờ ý kiến Sở Tài chính",
                                  addressed_to="other_agency", addressee="Sở Tài chính")
    fields.update(kw)
    return app.blockers.raise_(RaiseBlocker(**fields), WEB)


def test_a_blocker_is_raised_handled_and_resolved_with_every_change_kept(
        app: App, make_dossier: Callable[..., dict[str, Any]], clock: FixedClock) -> None:
    make_dossier(code="HS-B1")
    v = raise_on(app, "HS-B1", cause_on="2026-10-29")
    assert (v["state"], v["state_label"], v["raised_on"], v["division"]) == ("open", "Mới nêu", "2026-11-02", "QLXD")
    assert v["cause_label"] == "Chờ ý kiến cơ quan khác" and v["escalation_day"] == "2026-11-09"
    clock.set(at(2026, 11, 4))
    v = app.blockers.update(UpdateBlocker(v["id"], "tp.nguyen", "Đã có công văn gửi Sở Tài chính", v["version"]))
    assert v["state"] == "handling" and v["working_days_open"] == 2
    clock.set(at(2026, 11, 5))
    v = app.blockers.resolve(ResolveBlocker(v["id"], "tp.nguyen", "Sở Tài chính đã có ý kiến"))
    assert (v["state"], v["resolved_on"], v["resolution"], v["working_days_open"]) == \
        ("resolved", "2026-11-05", "Sở Tài chính đã có ý kiến", 3)
    assert [(u["actor"], u["from_state"], u["to_state"], u["channel"]) for u in v["updates"]] == [
        ("cv.pham", None, "open", "web"), ("tp.nguyen", "open", "handling", "cli"),
        ("tp.nguyen", "handling", "resolved", "cli")]
    assert v["updates"][0]["client"] == "10.0.0.7"
    with pytest.raises(BlockerClosed):
        app.blockers.update(UpdateBlocker(v["id"], "tp.nguyen", "thêm"))
    assert [r["id"] for r in app.blockers.list(open_only=True)] == []
    assert [r["id"] for r in app.blockers.list(code="HS-B1")] == [v["id"]]


def test_refusals_name_who_may_instead(app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="HS-R1")
    make_dossier(code="HS-R2")
    app.services.fire(Fire(code="HS-R2", event="return", actor="cv.pham", note="Hồ sơ không đủ điều kiện",
                           at="2024-06-04T09:00"))
    with pytest.raises(NotPermitted) as closed:  # a blocker on a closed dossier
        raise_on(app, "HS-R2")
    assert "đã kết thúc" in str(closed.value) and "--project" in (closed.value.hint or "")
    with pytest.raises(NotPermitted) as colleague:  # an officer on a colleague's dossier
        raise_on(app, "HS-R1", actor="cv.vo")
    assert "Phạm Thị Hồng" in (colleague.value.hint or "") and "Nguyễn Hữu Phước" in (colleague.value.hint or "")
    with pytest.raises(NotPermitted) as by_officer:  # an urge by an officer
        app.urging.urge("cv.vo", code="HS-R1")
    assert "Nguyễn Hữu Phước" in (by_officer.value.hint or "") and "Trần Văn Minh" in (by_officer.value.hint or "")
    with pytest.raises(NotPermitted) as across:  # a head across divisions
        app.urging.urge("tp.hoang", code="HS-R1")
    assert "phòng QLXD" in str(across.value) and "Hoàng Minh Tuấn" not in (across.value.hint or "")
    b = raise_on(app, "HS-R1")
    with pytest.raises(NotPermitted):  # resolving is the head's or the director's
        app.blockers.resolve(ResolveBlocker(b["id"], "cv.pham", "xong"))
    with pytest.raises(NotPermitted):
        app.blockers.update(UpdateBlocker(b["id"], "tp.huynh", "khác phòng"))
    with pytest.raises(BadInput):
        app.urging.urge("tp.nguyen", officer="tp.nguyen")
    assert app.urging.urge("gd.tran", code="HS-R1")["officer"] == "cv.pham"  # the director urges anyone


def _outbox(app: App, kind: str) -> list[tuple[Any, ...]]:
    with transaction(app) as t:
        return list(t.execute("SELECT recipient_id, subject, body_text FROM outbox_message WHERE kind = ? "
                              "ORDER BY id", (kind,)).fetchall())


def test_escalation_to_the_director_skips_tet_and_happens_once_across_restarts(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> None:
    app = make_app_for(backend, request, tmp_path, clock)
    app.services.load_org(SAMPLE_ORG)
    try:
        from engine.domain.commands import Receive

        app.services.receive(Receive(workflow="project-appraisal", code="HS-T1", name="Kè sông", investor="Ban QLDA",
                                     group="B", division="QLXD", officer="cv.pham", at="2025-01-20"))
        clock.set(at(2025, 1, 22))
        b = raise_on(app, "HS-T1", cause="site_clearance", description="Chưa bàn giao mặt bằng",
                     addressed_to="director", addressee=None)
        assert b["escalation_day"] == "2025-02-05"  # 23, 24/01, Tết 27–31/01, then 03, 04, 05/02
        for day in (dt.date(2025, 1, 31), dt.date(2025, 2, 4)):
            assert app.blocker_escalation.escalate(at(day.year, day.month, day.day, 7)).escalated == []
        first = app.blocker_escalation.escalate(at(2025, 2, 5, 7))
        assert [(e["id"], e["working_days_open"]) for e in first.escalated] == [(b["id"], 5)]
        assert first.messages == 1
        assert app.blocker_escalation.escalate(at(2025, 2, 5, 8)).escalated == []
    finally:
        app.close()
    restarted = App(app.settings, clock)  # a new process on the same database
    try:
        assert restarted.blocker_escalation.escalate(at(2025, 2, 6, 7)).escalated == []
        rows = _outbox(restarted, "blocker_escalation")
        assert [r[0] for r in rows] == ["gd.tran"]
        assert "nêu ngày 22/01/2025 đã 5 ngày làm việc chưa được giải quyết" in rows[0][2]
        assert restarted.blockers.get(b["id"])["escalated_at"].startswith("2025-02-05T07:00")
    finally:
        restarted.close()


def test_the_scan_job_escalates_with_the_deadline_scan(app: App, make_dossier: Callable[..., dict[str, Any]],
                                                       clock: FixedClock) -> None:
    make_dossier(code="HS-J1", at="2026-10-26")
    clock.set(at(2026, 10, 26))
    b = raise_on(app, "HS-J1")
    clock.set(at(2026, 11, 2, 7))
    jobs = app.scheduler().jobs
    out = jobs["scan"](clock.now(), clock.now())
    assert [e["id"] for e in out["blockers"]["escalated"]] == [b["id"]]
    assert jobs["scan"](clock.now(), clock.now())["blockers"]["escalated"] == []
    rows = _outbox(app, "blocker_escalation")
    assert [r[0] for r in rows] == ["gd.tran"] and "Vướng mắc quá 5 ngày làm việc" in rows[0][1]


def test_an_urge_is_recorded_mailed_and_read_back_for_the_boards(
        app: App, make_dossier: Callable[..., dict[str, Any]], clock: FixedClock) -> None:
    d = make_dossier(code="HS-U1")
    u = app.urging.urge("tp.nguyen", code="HS-U1", note="Khẩn trương hoàn thành", via=WEB)
    assert (u["officer"], u["by"], u["emailed"], u["channel"]) == ("cv.pham", "tp.nguyen", True, "web")
    clock.set(at(2026, 11, 3))
    app.urging.urge("gd.tran", code="HS-U1", note="Báo cáo trước 16 giờ")
    app.urging.urge("tp.nguyen", officer="cv.vo", note="Rà soát hồ sơ tồn")
    rows = _outbox(app, "urge")
    assert [r[0] for r in rows] == ["cv.pham", "cv.pham", "cv.vo"]
    assert "Nguyễn Hữu Phước (chuyên viên, trưởng phòng) đôn đốc đồng chí lúc 09:00 02/11/2026" in rows[0][2]
    with transaction(app) as t:
        linked = t.execute("SELECT COUNT(*) FROM urge u JOIN outbox_message m ON m.id = u.message_id").fetchone()[0]
    assert linked == 3
    timeline = app.urging.for_dossier("HS-U1")
    assert [(x["by"], x["note"]) for x in timeline] == [("gd.tran", "Báo cáo trước 16 giờ"),
                                                        ("tp.nguyen", "Khẩn trương hoàn thành")]
    view = app.services.show("HS-U1")  # the dossier's view carries its urges, oldest first, beside its history
    assert [(x["by_name"], x["channel_label"]) for x in view["urges"]] == [("Nguyễn Hữu Phước", "trang web"),
                                                                           ("Trần Văn Minh", "dòng lệnh")]
    assert len(view["history"]) == 1  # an urge is not a history row
    with transaction(app) as t:
        dossier_id = t.execute("SELECT id FROM dossier WHERE code = ?", (d["code"],)).fetchone()[0]
    last = app.urging.last_urges([dossier_id, 999999])
    assert list(last) == [dossier_id] and last[dossier_id]["by_name"] == "Trần Văn Minh"
    assert last[dossier_id]["at"].startswith("2026-11-03T09:00")


def test_the_digest_lists_blockers_and_reaches_a_real_smtp_server(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock,
        smtp_server: SmtpServer) -> None:  # noqa: F811
    app = make_app_for(backend, request, tmp_path, clock, **smtp_server.settings())
    app.services.load_org(SAMPLE_ORG)
    try:
        from engine.domain.commands import Receive

        for code, day in (("HS-D1", "2026-10-01"), ("HS-D2", "2026-10-28")):
            app.services.receive(Receive(workflow="project-appraisal", code=code, name=f"Dự án {code}",
                                         investor="Ban QLDA", group="C", division="QLXD", officer="cv.pham", at=day))
        clock.set(at(2026, 10, 28))
        raise_on(app, "HS-D1", cause="investor_documents", description="Thiếu báo cáo khảo sát địa chất",
                 addressed_to="investor", addressee=None)
        clock.set(at(2026, 11, 2, 7))
        result = app.digests.digest(at(2026, 11, 2, 7))
        assert [d["head"] for d in result.digests] == ["tp.nguyen"]
        assert app.dispatch().sent == 1
        (msg,) = smtp_server.inbox.messages
        body = msg.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
        assert "Vướng mắc: Hồ sơ của chủ đầu tư: Thiếu báo cáo khảo sát địa chất (mới nêu, 3 ngày làm việc)" in body
        assert "Vướng mắc chưa giải quyết của phòng (1):" in body
        assert "hồ sơ HS-D1, nêu ngày 28/10/2026 (3 ngày làm việc)" in body
    finally:
        app.close()
