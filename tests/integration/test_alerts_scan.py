"""The deadline scan on SQLite and PostgreSQL: which alerts, when, once, and who is told."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from acts import note_for
from conftest import transaction

from engine.bootstrap import App
from engine.domain import alert_rules
from engine.domain.clock import FixedClock
from engine.domain.commands import Fire, Receive
from engine.services import deadline_scan
from engine.services.deadline_scan import ScanResult
from engine.store.alerts import CANDIDATES


def receive(app: App, clock: FixedClock, code: str, day: str, **kw: Any) -> dict[str, Any]:
    clock.set(f"{day}T09:00")
    fields: dict[str, Any] = dict(workflow="project-appraisal", code=code, name=f"Dự án {code}",
                                  investor="Ban QLDA tỉnh", group="C", grade="III", division="QLXD",
                                  officer="cv.pham", at=day)
    fields.update(kw)
    return app.services.receive(Receive(**fields))


def fire(app: App, clock: FixedClock, code: str, event: str, actor: str, at: str) -> None:
    clock.set(at)
    app.services.fire(Fire(code=code, event=event, note=note_for(event), actor=actor, at=at))


def scan_on(app: App, clock: FixedClock, day: str, hour: str = "09:00") -> ScanResult:
    clock.set(f"{day}T{hour}")
    return app.scanner.scan()


def kinds(result: ScanResult) -> list[tuple[str, str]]:
    return sorted((a["code"], a["kind"]) for a in result.raised)


def alert_rows(app: App) -> list[tuple[str, str, str]]:
    with transaction(app) as cur:
        cur.execute("SELECT d.code, a.kind, a.due_date FROM alert a JOIN dossier d ON d.id = a.dossier_id "
                    "ORDER BY d.code, a.id")
        return [(c, k, str(due)[:10]) for c, k, due in cur.fetchall()]


def outbox_rows(app: App) -> list[tuple[str, str, str]]:
    with transaction(app) as cur:
        cur.execute("SELECT recipient_id, kind, subject FROM outbox_message ORDER BY id")
        return [tuple(r) for r in cur.fetchall()]  # type: ignore[misc]


def test_alerts_fall_due_soon_today_overdue_then_escalate(app: App, clock: FixedClock) -> None:
    # 15 days from Mon 3/6/2024: due Tue 18/6 (law 62/2020, group C)
    view = receive(app, clock, "HS-1", "2024-06-03")
    assert view["clock"]["due_date"] == "2024-06-18"
    seen = {day: kinds(scan_on(app, clock, day)) for day in
            ("2024-06-13", "2024-06-14", "2024-06-17", "2024-06-18", "2024-06-19", "2024-06-20", "2024-06-21",
             "2024-06-24")}
    assert seen == {
        "2024-06-13": [],
        "2024-06-14": [("HS-1", "due_soon")],  # 2 working days before Tue 18/6
        "2024-06-17": [],
        "2024-06-18": [("HS-1", "due_today")],
        "2024-06-19": [("HS-1", "overdue")],
        "2024-06-20": [],
        "2024-06-21": [("HS-1", "escalation")],  # overdue by 3 working days
        "2024-06-24": [],
    }


def test_rerunning_the_scan_raises_nothing_twice(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03")
    first = scan_on(app, clock, "2024-06-24")
    assert kinds(first) == [("HS-1", k) for k in sorted(alert_rules.KINDS)]
    sent = len(outbox_rows(app))
    for hour in ("09:05", "12:00", "17:00"):
        assert scan_on(app, clock, "2024-06-24", hour).raised == []
    assert len(alert_rows(app)) == 4
    assert len(outbox_rows(app)) == sent


def test_overlapping_scans_record_each_alert_once(app: App, clock: FixedClock) -> None:
    for n in range(12):
        receive(app, clock, f"HS-{n:02d}", "2024-06-03")
    clock.set("2024-06-24T09:00")
    results: list[ScanResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(app.scanner.scan())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    raised = [(a["code"], a["kind"]) for r in results for a in r.raised]
    assert len(raised) == len(set(raised)) == 12 * 4
    assert len(alert_rows(app)) == 48
    with transaction(app) as cur:
        cur.execute("SELECT dedup_key, COUNT(*) FROM outbox_message GROUP BY dedup_key HAVING COUNT(*) > 1")
        assert cur.fetchall() == []


def test_a_paused_clock_raises_nothing_and_a_resumed_one_is_judged_on_its_new_due_date(
        app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03")  # due Tue 18/6
    assert kinds(scan_on(app, clock, "2024-06-14")) == [("HS-1", "due_soon")]
    fire(app, clock, "HS-1", "accept", "cv.pham", "2024-06-14T10:00")
    fire(app, clock, "HS-1", "request_supplement", "cv.pham", "2024-06-14T10:30")
    for day in ("2024-06-18", "2024-06-19", "2024-06-24"):
        assert scan_on(app, clock, day).raised == []  # paused: no due date, nothing raised
    fire(app, clock, "HS-1", "receive_supplement", "cv.pham", "2024-06-24T10:00")
    assert app.services.show("HS-1")["clock"]["due_date"] == "2024-06-28"  # 4 of 15 days left
    assert scan_on(app, clock, "2024-06-25").raised == []
    assert kinds(scan_on(app, clock, "2024-06-26")) == [("HS-1", "due_soon")]  # again, for the new date
    assert kinds(scan_on(app, clock, "2024-06-28")) == [("HS-1", "due_today")]
    assert [(k, due) for _, k, due in alert_rows(app)] == [
        ("due_soon", "2024-06-18"), ("due_soon", "2024-06-28"), ("due_today", "2024-06-28")]


def test_an_extended_clock_is_judged_on_its_new_due_date(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03")  # due Tue 18/6
    assert kinds(scan_on(app, clock, "2024-06-19")) == [("HS-1", "due_soon"), ("HS-1", "due_today"),
                                                        ("HS-1", "overdue")]
    fire(app, clock, "HS-1", "extend", "tp.nguyen", "2024-06-19T10:00")
    assert app.services.show("HS-1")["clock"]["due_date"] == "2024-07-03"  # 30 days from 3/6
    assert scan_on(app, clock, "2024-06-24").raised == []  # the old date's escalation is moot
    assert kinds(scan_on(app, clock, "2024-07-01")) == [("HS-1", "due_soon")]


def test_a_finished_clock_raises_nothing(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03")
    fire(app, clock, "HS-1", "return", "cv.pham", "2024-06-05T10:00")
    assert scan_on(app, clock, "2024-06-24").raised == []


def test_no_alerts_are_computed_on_days_off(app: App, clock: FixedClock) -> None:
    # 15 days from Wed 14/8/2024 is Thu 29/8. Escalation 3 working days later: Fri 30/8 (1), then
    # Mon 2/9 and Tue 3/9 are holidays, Wed 4/9 (2), Thu 5/9 (3).
    receive(app, clock, "HS-1", "2024-08-14")
    assert app.services.show("HS-1")["clock"]["due_date"] == "2024-08-29"
    assert kinds(scan_on(app, clock, "2024-08-30")) == [("HS-1", k) for k in ("due_soon", "due_today", "overdue")]
    for holiday in ("2024-08-31", "2024-09-01", "2024-09-02", "2024-09-03"):
        result = scan_on(app, clock, holiday)
        assert result.working_day is False and result.raised == [] and result.candidates == 0
    assert scan_on(app, clock, "2024-09-04").raised == []
    assert kinds(scan_on(app, clock, "2024-09-05")) == [("HS-1", "escalation")]


def test_an_alert_falling_due_on_a_holiday_is_raised_on_the_next_working_day(app: App, clock: FixedClock) -> None:
    # A due date that became a day off after it was computed (a holiday declared later).
    receive(app, clock, "HS-1", "2024-08-14")
    with transaction(app) as cur:
        cur.execute(("UPDATE stage_clock SET due_date = ?"), (app.database.codec.day(dt.date(2024, 9, 2)),))
    assert kinds(scan_on(app, clock, "2024-08-29")) == [("HS-1", "due_soon")]
    assert scan_on(app, clock, "2024-09-02").working_day is False
    assert kinds(scan_on(app, clock, "2024-09-04")) == [("HS-1", "due_today"), ("HS-1", "overdue")]


def test_tet_2025_time_travel(app: App, clock: FixedClock) -> None:
    # 15 days from Fri 17/1/2025 is Sat 1/2; Tết runs 27/1 to 31/1, so the due date is Mon 3/2.
    receive(app, clock, "HS-TET", "2025-01-17")
    assert app.services.show("HS-TET")["clock"]["due_date"] == "2025-02-03"
    day, seen = dt.date(2025, 1, 20), {}
    while day <= dt.date(2025, 2, 10):
        r = scan_on(app, clock, day.isoformat())
        if r.raised or r.working_day is False:
            seen[day.isoformat()] = [k for _, k in kinds(r)] if r.working_day else "nghỉ"
        day += dt.timedelta(days=1)
    assert seen["2025-01-23"] == ["due_soon"]  # Thu: 2 working days before Mon 3/2 (Fri 24/1, Thu 23/1)
    assert all(seen[d] == "nghỉ" for d in ("2025-01-27", "2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31"))
    assert seen["2025-02-03"] == ["due_today"]
    assert seen["2025-02-04"] == ["overdue"]
    assert seen["2025-02-06"] == ["escalation"]  # Tue 4, Wed 5, Thu 6
    assert len(alert_rows(app)) == 4


def test_the_2024_swap_make_up_saturday_counts(app: App, clock: FixedClock) -> None:
    # 15 days from Wed 17/4/2024 is Thu 2/5. 29/4 to 1/5 are off; Sat 4/5 is a make-up working day.
    receive(app, clock, "HS-SWAP", "2024-04-17")
    assert app.services.show("HS-SWAP")["clock"]["due_date"] == "2024-05-02"
    assert kinds(scan_on(app, clock, "2024-04-25")) == [("HS-SWAP", "due_soon")]  # Fri 26/4, Thu 25/4
    assert scan_on(app, clock, "2024-04-29").working_day is False
    assert kinds(scan_on(app, clock, "2024-05-02")) == [("HS-SWAP", "due_today")]
    assert kinds(scan_on(app, clock, "2024-05-03")) == [("HS-SWAP", "overdue")]
    sat = scan_on(app, clock, "2024-05-04")
    assert sat.working_day is True and sat.raised == []  # the make-up Saturday is scanned
    assert scan_on(app, clock, "2024-05-05").working_day is False
    assert kinds(scan_on(app, clock, "2024-05-06")) == [("HS-SWAP", "escalation")]  # 3/5, 4/5, 6/5


def test_who_is_told(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03")
    scan_on(app, clock, "2024-06-14")
    scan_on(app, clock, "2024-06-18")
    scan_on(app, clock, "2024-06-19")
    scan_on(app, clock, "2024-06-21")
    told = [(who, subject.split(":")[0]) for who, _, subject in outbox_rows(app)]
    assert told == [
        ("cv.pham", "[Thẩm định] Sắp đến hạn"),
        ("cv.pham", "[Thẩm định] Đến hạn hôm nay"),
        ("cv.pham", "[Thẩm định] Quá hạn"), ("tp.nguyen", "[Thẩm định] Quá hạn"),  # the head, at once
        ("cv.pham", "[Thẩm định] Quá hạn, báo cáo Giám đốc"), ("gd.tran", "[Thẩm định] Quá hạn, báo cáo Giám đốc"),
    ]


def test_a_catch_up_scan_tells_each_person_once_about_the_worst(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03")
    result = scan_on(app, clock, "2024-06-24")
    assert len(result.raised) == 4
    assert sorted((who, subject.split(":")[0]) for who, _, subject in outbox_rows(app)) == [
        ("cv.pham", "[Thẩm định] Quá hạn, báo cáo Giám đốc"),
        ("gd.tran", "[Thẩm định] Quá hạn, báo cáo Giám đốc"),
        ("tp.nguyen", "[Thẩm định] Quá hạn"),
    ]


def test_a_person_without_e_mail_is_reported_not_skipped(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03", division="QHKT", officer="cv.do")  # cv.do has no e-mail
    result = scan_on(app, clock, "2024-06-14")
    assert result.missing_email == [{"person": "cv.do", "name": "Đỗ Văn Khải", "code": "HS-1", "kind": "due_soon"}]
    assert any("chưa có e-mail" in p for p in result.problems)
    with transaction(app) as cur:
        cur.execute("SELECT recipient_id, status FROM outbox_message")
        assert cur.fetchall() == [("cv.do", "no_address")]


def test_an_unassigned_dossier_is_reported(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03", officer=None)
    result = scan_on(app, clock, "2024-06-14")
    assert [a["kind"] for a in result.raised] == ["due_soon"]
    assert any("chưa phân công" in p for p in result.problems)


def test_thresholds_come_from_the_workflow(app: App, clock: FixedClock) -> None:
    from engine.domain.workflow import AlertThresholds

    wf = app.workflows["project-appraisal"]
    object.__setattr__(wf, "alerts", {"appraisal": AlertThresholds(due_soon=5, escalate_after=1)})
    receive(app, clock, "HS-1", "2024-06-03")  # due Tue 18/6
    assert kinds(scan_on(app, clock, "2024-06-11")) == [("HS-1", "due_soon")]  # 5 working days before
    assert kinds(scan_on(app, clock, "2024-06-19")) == [("HS-1", "due_today"), ("HS-1", "escalation"),
                                                        ("HS-1", "overdue")]


def test_the_candidate_query_uses_the_open_clock_index(sqlite_app: App) -> None:
    with transaction(sqlite_app) as cur:
        cur.execute("EXPLAIN QUERY PLAN " + cur.uow.alerts.indexed(CANDIDATES),
                    ("2024-06-20", "2024-06-18", "2024-06-18", "2024-06-13"))
        plan = " ".join(str(r[-1]) for r in cur.fetchall())
    assert "ix_stage_clock_open_only" in plan, plan
    assert "SCAN c" not in plan and "SCAN d" not in plan, plan


def test_a_clock_closed_between_reading_and_recording_raises_nothing(app: App, clock: FixedClock,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    receive(app, clock, "HS-1", "2024-06-03")
    original = deadline_scan.due_alerts

    def close_first(*args: Any) -> Any:  # the officer approves while the scan is deciding
        with transaction(app) as cur:
            cur.execute(("UPDATE stage_clock SET finished_on = ?"),
                        (app.database.codec.day(dt.date(2024, 6, 14)),))
        return original(*args)

    monkeypatch.setattr(deadline_scan, "due_alerts", close_first)
    result = scan_on(app, clock, "2024-06-14")
    assert result.candidates == 1 and result.raised == [] and result.messages == 0
    assert alert_rows(app) == [] and outbox_rows(app) == []
