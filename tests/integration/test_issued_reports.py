"""Issued reports are sealed, on SQLite and PostgreSQL: an issued month is given back byte for byte
whatever happens later; an act dated into it is refused unless the director records it as a correction
with its reason; a re-issue keeps both versions and lists what changed; a month not ended, or a history
that does not verify, is not issued (unless forced, with the warning kept)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import transaction

from engine.bootstrap import App
from engine.domain.clock import FixedClock
from engine.domain.commands import Fire, Receive
from engine.domain.errors import BadInput, ConflictError, IssueRefused, NotPermitted, PeriodSealed
from engine.store import chain

FORMATS = ("html", "json", "xlsx")
REASON = "Ghi bổ sung kết quả thẩm định ngày 29/10/2026 bị sót"


def _october(app: App, clock: FixedClock) -> None:
    """One dossier received and accepted in October 2026, still open at the month's end; then 2 November."""
    clock.set("2026-10-30T09:00")
    app.services.receive(Receive(workflow="project-appraisal", code="HS-1", name="Trường tiểu học Tân Phong",
                                 investor="Ban QLDA tỉnh", group="C", grade="III", division="QLXD",
                                 officer="cv.pham", at="2026-10-05T08:00"))
    app.services.fire(Fire(code="HS-1", event="accept", actor="cv.pham", at="2026-10-06T09:00"))
    clock.set("2026-11-02T09:00")


def _files(app: App, period: str = "2026-10") -> dict[str, bytes]:
    out = {}
    for fmt in FORMATS:
        found = app.issuing.issued_file("monthly", period, "", fmt)
        assert found is not None
        out[fmt] = found[1]
    return out


def test_an_issued_month_is_given_back_byte_for_byte_in_every_format_even_after_later_events(
        app: App, clock: FixedClock) -> None:
    _october(app, clock)
    issued = app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    assert (issued["version"], issued["issued_by_name"], issued["number"]) == (1, "Trần Văn Minh", "Số: 01/BC-SXD")
    assert issued["issued_at_text"] == "02/11/2026 09:00"
    first = _files(app)
    clock.set("2026-11-03T10:00")
    app.services.fire(Fire(code="HS-1", event="approve", actor="tp.nguyen"))  # in November: not back-dated
    app.services.receive(Receive(workflow="project-appraisal", code="HS-2", name="Cầu Suối Linh", investor="UBND",
                                 group="C", grade="III", division="QLXD", officer="cv.pham"))
    assert _files(app) == first
    latest = app.issuing.latest("monthly", "2026-10")
    assert latest is not None and latest.data is not None
    assert latest.content_hash == hashlib.sha256(latest.data.encode("utf-8")).hexdigest()
    data = json.loads(latest.data)
    assert data["heading"]["place_date"] == "Đồng Nai, ngày 02 tháng 11 năm 2026"
    assert data["heading"]["number"] == "Số: 01/BC-SXD" and data["total"]["received"] == 1
    assert "Số: 01/BC-SXD" in first["html"].decode("utf-8")
    assert json.loads(first["json"])["issue"]["version"] == 1
    with app.database.reading() as uow:
        assert uow.issued.file(latest.id, "xlsx") == (first["xlsx"], hashlib.sha256(first["xlsx"]).hexdigest())
        digests = list(uow.issued.digests_until(latest.checkpoint_event_id))
    assert len(digests) == 2 and latest.checkpoint == chain.checkpoint(digests)
    assert app.verification.run().ok


def test_a_back_dated_act_into_an_issued_month_is_refused_with_a_message_that_says_so(
        app: App, clock: FixedClock) -> None:
    _october(app, clock)
    app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    with pytest.raises(PeriodSealed) as refused:
        app.services.fire(Fire(code="HS-1", event="approve", actor="cv.pham", at="2026-10-29T15:00"))
    assert "Báo cáo tháng 10/2026 đã ban hành ngày 02/11/2026 lúc 09:00 (phiên bản 1)" in refused.value.message
    assert "29/10/2026" in refused.value.message and "--correction" in (refused.value.hint or "")
    assert refused.value.exit_code == 3
    with pytest.raises(PeriodSealed):
        app.services.receive(Receive(workflow="project-appraisal", code="HS-9", name="Nhà văn hóa", investor="UBND",
                                     group="C", grade="III", division="QLXD", officer="cv.pham",
                                     at="2026-10-15T08:00"))
    assert app.services.show("HS-1")["version"] == 2  # nothing written
    app.services.fire(Fire(code="HS-1", event="approve", actor="tp.nguyen"))  # today: no question asked


def test_the_directors_correction_is_recorded_and_its_digest_covers_it(app: App, clock: FixedClock) -> None:
    _october(app, clock)
    app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    app.services.fire(Fire(code="HS-1", event="approve", actor="gd.tran", at="2026-10-29T15:00", correction=REASON))
    with transaction(app) as t:
        row = t.execute("SELECT e.seq, e.event, e.from_state, e.to_state, e.actor, e.at, e.note, e.effects, "
                        "e.channel, e.client, e.correction, e.row_hash FROM dossier_event e "
                        "JOIN dossier d ON d.id = e.dossier_id WHERE d.code = 'HS-1' AND e.seq = 3").fetchone()
        prev = t.execute("SELECT row_hash FROM dossier_event WHERE seq = 2").fetchone()[0]
    assert row[10] == REASON and row[4] == "gd.tran"
    at = app.database.codec.read_ts(row[5])
    assert at is not None
    args = (prev, "HS-1", *row[:5], at, *row[6:10])
    assert row[11] == chain.row_digest(*args, REASON) != chain.row_digest(*args, None)
    assert app.services.show("HS-1")["history"][-1]["correction"] == REASON
    assert app.verification.run().ok


def test_an_officers_correction_is_refused_naming_who_may(app: App, clock: FixedClock) -> None:
    _october(app, clock)
    app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    with pytest.raises(NotPermitted) as refused:
        app.services.fire(Fire(code="HS-1", event="approve", actor="cv.pham", at="2026-10-29T15:00",
                               correction=REASON))
    assert "Phạm Thị Hồng không được ghi điều chỉnh vào tháng 10/2026" in refused.value.message
    assert "Trần Văn Minh" in (refused.value.hint or "") and "giám đốc" in (refused.value.hint or "")
    with pytest.raises(BadInput, match="chưa ban hành báo cáo"):  # a reason where no month is issued
        app.services.fire(Fire(code="HS-1", event="approve", actor="gd.tran", correction=REASON))


def test_a_reissue_needs_a_reason_keeps_both_versions_and_lists_the_changed_figure(
        app: App, clock: FixedClock) -> None:
    _october(app, clock)
    app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    first = _files(app)
    app.services.fire(Fire(code="HS-1", event="approve", actor="gd.tran", at="2026-10-29T15:00", correction=REASON))
    clock.set("2026-11-04T14:30")
    with pytest.raises(BadInput, match="ban hành lại cần lý do"):
        app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    second = app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran", reason=REASON)
    assert (second["version"], second["number"], second["reason"]) == (2, "Số: 02/BC-SXD", REASON)
    finished = [c for c in second["changes"] if c["label"] == "Toàn Sở › Đã giải quyết"]
    assert finished == [{"path": ["total", "finished"], "label": "Toàn Sở › Đã giải quyết", "before": 0, "after": 1}]
    assert any(c["label"] == "Hồ sơ quá hạn › HS-1" and c["after"] is None for c in second["changes"])
    listing = app.issuing.listing("monthly", "2026-10")
    assert [(r["version"], r["issued_at_text"], r["reason"]) for r in listing] == [
        (1, "02/11/2026 09:00", None), (2, "04/11/2026 14:30", REASON)]
    with app.database.reading() as uow:
        v1 = uow.issued.version("monthly", "2026-10", "", 1)
        assert v1 is not None and uow.issued.file(v1.id, "html") == (first["html"],
                                                                     hashlib.sha256(first["html"]).hexdigest())
    now = _files(app)
    assert now != first
    html = now["html"].decode("utf-8")
    assert "Thay thế báo cáo Số: 01/BC-SXD ngày 02/11/2026 (phiên bản 1)" in html
    assert "Điều chỉnh so với phiên bản trước" in html and "Toàn Sở › Đã giải quyết: 0 → 1" in html
    assert json.loads(now["json"])["issue"]["changes"] == second["changes"] == app.issuing.changes("monthly", "2026-10")


def test_a_period_not_ended_yet_is_not_issued(app: App, clock: FixedClock) -> None:
    _october(app, clock)
    for month in ("2026-11", "2026-12"):
        with pytest.raises(IssueRefused, match=r"chưa kết thúc \(đến hết ngày 3[01]/1[12]/2026\)"):
            app.issuing.issue(app.issuing.monthly(month), "gd.tran")
    assert app.issuing.listing() == []


def test_issuing_while_verify_fails_is_refused_and_with_force_issued_with_the_warning_kept(
        app: App, clock: FixedClock) -> None:
    _october(app, clock)
    with transaction(app) as t:  # a row rewritten behind the software's back
        t.execute("UPDATE dossier_event SET note = 'đã sửa' WHERE seq = 2")
    with pytest.raises(IssueRefused) as refused:
        app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    assert "thamdinh verify" in refused.value.message and "HS-1" in refused.value.message
    assert "--force" in (refused.value.hint or "") and refused.value.exit_code == 3
    assert app.issuing.listing() == []
    forced = app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran", force=True)
    assert forced["version"] == 1 and "HS-1" in forced["warnings"][0] and "--force" in forced["warnings"][0]
    latest = app.issuing.latest("monthly", "2026-10")
    assert latest is not None and json.loads(latest.data or "{}")["issue"]["warnings"] == forced["warnings"]


def test_the_schedulers_monthly_job_issues_the_month_and_mails_the_issued_files(
        app: App, clock: FixedClock) -> None:
    _october(app, clock)
    clock.set("2026-11-01T08:00")
    job = app.scheduler("T").jobs["monthly_report"]
    files = job(clock.now(), clock.now())
    assert sorted(Path(f).name for f in files) == ["bao-cao-thang-2026-10.html", "bao-cao-thang-2026-10.xlsx"]
    [issued] = app.issuing.listing()
    assert (issued["version"], issued["issued_by"], issued["issued_at_text"]) == (1, "system", "01/11/2026 08:00")
    stored = _files(app)
    assert [Path(f).read_bytes() for f in sorted(files)] == [stored["html"], stored["xlsx"]]
    clock.set("2026-11-01T09:00")
    job(clock.now(), clock.now())  # a re-run: the same version, nothing new queued
    assert len(app.issuing.listing()) == 1
    with transaction(app) as t:
        assert t.execute("SELECT COUNT(*) FROM outbox_message WHERE kind = 'report'").fetchone()[0] == 4


def test_the_monthly_job_does_not_issue_while_verify_fails(app: App, clock: FixedClock) -> None:
    _october(app, clock)
    with transaction(app) as t:
        t.execute("DELETE FROM dossier_event WHERE seq = 2")
    clock.set("2026-11-01T08:00")
    result = app.scheduler("T").jobs["monthly_report"](clock.now(), clock.now())
    assert result["month"] == "2026-10" and "thamdinh verify" in result["refused"]
    assert app.issuing.listing() == []


def test_an_evaluation_is_issued_once_its_movement_has_ended_and_given_back_byte_for_byte(
        app: App, clock: FixedClock) -> None:
    _october(app, clock)
    movement = app.reports.movement(None)
    issued = app.issuing.issue(app.issuing.evaluation(movement), "gd.tran")
    assert (issued["kind"], issued["period"], issued["number"]) == ("evaluation", movement.id, "Số: 01/BC-HĐTĐKT")
    found = app.issuing.issued_file("evaluation", movement.id, "", "html")
    assert found is not None and "Số: 01/BC-HĐTĐKT" in found[1].decode("utf-8")
    app.services.fire(Fire(code="HS-1", event="approve", actor="tp.nguyen"))
    again = app.issuing.issued_file("evaluation", movement.id, "", "html")
    assert again is not None and again[1] == found[1]


def test_the_api_refuses_a_back_dated_event_with_409_and_takes_the_directors_correction(
        app: App, clock: FixedClock) -> None:
    from webtools import api_client

    _october(app, clock)
    app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    event = {"event": "approve", "at": "2026-10-29T15:00"}
    refused = api_client(app, "tp.nguyen").post("/api/dossiers/HS-1/events", json=event)
    assert refused.status_code == 409 and refused.json()["error"] == "period_sealed"
    assert "đã ban hành" in refused.json()["message"]
    head = api_client(app, "tp.nguyen").post("/api/dossiers/HS-1/events", json={**event, "correction": REASON})
    assert head.status_code == 403 and "Trần Văn Minh" in head.json()["hint"]
    done = api_client(app, "gd.tran").post("/api/dossiers/HS-1/events", json={**event, "correction": REASON})
    assert done.status_code == 200, done.text
    assert done.json()["history"][-1]["actor"] == "gd.tran"


def test_a_version_issued_meanwhile_by_someone_else_is_a_conflict_and_nothing_of_the_second_is_kept(
        app: App, clock: FixedClock) -> None:
    import dataclasses

    _october(app, clock)
    app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    first = app.issuing.latest("monthly", "2026-10")
    assert first is not None
    twin = dataclasses.replace(first, id=0, issued_by="vp.le", content_hash="0" * 64)
    with app.database.unit_of_work() as uow, pytest.raises(ConflictError, match="Phiên bản 1"):
        uow.issued.add(twin, {"html": ("<p>khác</p>".encode(), "0" * 64)})
    [kept] = app.issuing.listing()
    assert (kept["issued_by"], kept["content_hash"]) == ("gd.tran", first.content_hash)


def test_an_issued_file_altered_in_the_database_is_not_given_back(app: App, clock: FixedClock) -> None:
    from engine.domain.errors import IssuedAltered

    _october(app, clock)
    app.issuing.issue(app.issuing.monthly("2026-10"), "gd.tran")
    with transaction(app) as t:
        t.execute("UPDATE issued_file SET content = ? WHERE format = 'json'", (b'{"total": {}}',))
    with pytest.raises(IssuedAltered, match=r"báo cáo tháng 10/2026 \(phiên bản 1\)"):
        app.issuing.issued_file("monthly", "2026-10", "", "json")
    assert app.issuing.issued_file("monthly", "2026-10", "", "html") is not None


def test_who_may_issue_is_the_roles_file_s_and_a_refusal_names_who_may(app: App, clock: FixedClock) -> None:
    _october(app, clock)
    with pytest.raises(NotPermitted) as officer:
        app.issuing.issue(app.issuing.monthly("2026-10"), "cv.pham")
    assert "không được ban hành báo cáo tháng 10/2026" in officer.value.message
    assert "Trần Văn Minh" in (officer.value.hint or "")
    with pytest.raises(NotPermitted):  # a head: not the department's report
        app.issuing.issue(app.issuing.monthly("2026-10"), "tp.nguyen")
    with pytest.raises(NotPermitted):  # nor another division's
        app.issuing.issue(app.issuing.monthly("2026-10", "HTKT"), "tp.nguyen")
    assert app.issuing.latest("monthly", "2026-10") is None and app.issuing.listing() == []
    own = app.issuing.issue(app.issuing.monthly("2026-10", "QLXD"), "tp.nguyen")
    assert own["version"] == 1 and own["issued_by_name"] == "Nguyễn Hữu Phước"
    assert app.issuing.issue(app.issuing.monthly("2026-10"), None)["issued_by"] == "system"
