"""The investor's answer window (``supplement_answer`` in the rule versions, domain §3), on SQLite and
PostgreSQL: when 20 working days pass after a supplement request without an answer, the scan raises
``answer_overdue`` once per pause and tells the officer and the head to return the dossier."""

from __future__ import annotations

import datetime as dt

from conftest import transaction
from test_alerts_scan import alert_rows, fire, kinds, outbox_rows, receive, scan_on

from engine.bootstrap import App
from engine.domain import alert_rules
from engine.domain.alert_rules import answer_cutoff
from engine.domain.clock import FixedClock
from engine.store.alerts import ANSWER_CANDIDATES


def bodies(app: App, kind: str = "alert") -> list[tuple[str, str, str]]:
    with transaction(app) as cur:
        cur.execute("SELECT recipient_id, subject, body_text FROM outbox_message WHERE kind = ? ORDER BY id",
                    (kind,))
        return [tuple(r) for r in cur.fetchall()]  # type: ignore[misc]


def test_the_window_is_twenty_working_days_after_the_request(app: App) -> None:
    rule = app.workflows["project-appraisal"].rule("law-62-2020")
    assert rule.supplement_answer is not None and rule.supplement_answer.value == 20
    # requested Wed 5/6/2024: the 20th working day after it is Wed 3/7; the alert falls due Thu 4/7
    assert alert_rules.answer_deadline(dt.date(2024, 6, 5), rule.supplement_answer, app.calendar) == dt.date(2024, 7, 3)
    assert alert_rules.answer_overdue_on(dt.date(2024, 6, 5), rule.supplement_answer, app.calendar) == dt.date(2024, 7,
                                                                                                               4)
    # across Tết 2025 (25/1–2/2 off): requested Wed 22/1/2025, working days 23, 24/1 then 3/2 onwards:
    # the 20th is Wed 26/2
    assert alert_rules.answer_deadline(dt.date(2025, 1, 22), rule.supplement_answer, app.calendar) == dt.date(2025, 2,
                                                                                                              26)


def test_an_unanswered_request_raises_one_alert_to_the_officer_and_the_head(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-A", "2024-06-03")
    fire(app, clock, "HS-A", "accept", "cv.pham", "2024-06-04T09:00")
    fire(app, clock, "HS-A", "request_supplement", "cv.pham", "2024-06-05T09:00")
    receive(app, clock, "HS-B", "2024-06-03")  # answered in time: nothing
    fire(app, clock, "HS-B", "accept", "cv.pham", "2024-06-04T09:00")
    fire(app, clock, "HS-B", "request_supplement", "cv.pham", "2024-06-05T10:00")
    fire(app, clock, "HS-B", "receive_supplement", "cv.pham", "2024-06-20T09:00")
    fire(app, clock, "HS-B", "return", "cv.pham", "2024-06-21T09:00")
    receive(app, clock, "HS-R", "2024-06-03")  # returned while waiting: nothing
    fire(app, clock, "HS-R", "request_supplement", "cv.pham", "2024-06-04T09:00")
    fire(app, clock, "HS-R", "return", "cv.pham", "2024-06-28T09:00")

    assert ("HS-A", "answer_overdue") not in kinds(scan_on(app, clock, "2024-07-03"))
    first = scan_on(app, clock, "2024-07-04")
    assert kinds(first) == [("HS-A", "answer_overdue")]
    assert first.raised[0]["due_date"] == "2024-07-03"
    assert kinds(scan_on(app, clock, "2024-07-04", "15:00")) == []
    assert kinds(scan_on(app, clock, "2024-07-05")) == []
    assert [r for r in alert_rows(app) if r[1] == "answer_overdue"] == [("HS-A", "answer_overdue", "2024-07-03")]
    told = {r[0]: r for r in bodies(app) if "HS-A" in r[1]}
    assert set(told) == {"cv.pham", "tp.nguyen"}
    subject, text = told["cv.pham"][1], told["cv.pham"][2]
    assert subject == "[Thẩm định] Quá hạn bổ sung hồ sơ: HS-A – Dự án HS-A (hạn bổ sung 03/07/2024)"
    assert "yêu cầu bổ sung ngày 05/06/2024" in text and "đã quá 1 ngày làm việc" in text
    assert "trả lại hồ sơ" in text and "Hạn bổ sung:     03/07/2024" in text
    assert "đôn đốc" in told["tp.nguyen"][2]


def test_each_pause_has_its_own_window_and_a_late_scan_catches_up_once(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-C", "2024-06-03")
    fire(app, clock, "HS-C", "request_supplement", "cv.pham", "2024-06-04T09:00")  # at intake: window to 2/7
    fire(app, clock, "HS-C", "receive_supplement", "cv.pham", "2024-07-08T09:00")  # answered late
    fire(app, clock, "HS-C", "accept", "cv.pham", "2024-07-09T09:00")
    fire(app, clock, "HS-C", "request_supplement", "cv.pham", "2024-07-10T09:00")  # in review: window to 7/8
    # a scheduler down since June catches up on Fri 16/8: one alert, for the pause still running
    late = scan_on(app, clock, "2024-08-16")
    assert [(a["code"], a["kind"], a["due_date"]) for a in late.raised if a["kind"] == "answer_overdue"] == [
        ("HS-C", "answer_overdue", "2024-08-07")]
    assert kinds(scan_on(app, clock, "2024-08-19")) == []
    sent = len(outbox_rows(app))
    assert sent == 2  # the officer and the head, once


def test_the_first_pause_alerted_in_time_does_not_hide_the_second(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-D", "2024-06-03")
    fire(app, clock, "HS-D", "request_supplement", "cv.pham", "2024-06-04T09:00")
    assert kinds(scan_on(app, clock, "2024-07-03")) == [("HS-D", "answer_overdue")]  # window ran out 2/7
    fire(app, clock, "HS-D", "receive_supplement", "cv.pham", "2024-07-08T09:00")
    fire(app, clock, "HS-D", "accept", "cv.pham", "2024-07-09T09:00")
    fire(app, clock, "HS-D", "request_supplement", "cv.pham", "2024-07-10T09:00")
    assert kinds(scan_on(app, clock, "2024-08-07")) == []
    assert kinds(scan_on(app, clock, "2024-08-08")) == [("HS-D", "answer_overdue")]
    assert [r[2] for r in alert_rows(app) if r[1] == "answer_overdue"] == ["2024-07-02", "2024-08-07"]


def test_the_answer_candidates_read_only_the_paused_end_of_the_open_clock_index(sqlite_app: App) -> None:
    with transaction(sqlite_app) as cur:
        cur.execute("EXPLAIN QUERY PLAN " + cur.uow.alerts.indexed(ANSWER_CANDIDATES),
                    ("2024-06-18", alert_rules.ANSWER_OVERDUE))
        plan = " ".join(str(r[-1]) for r in cur.fetchall())
    assert "USING INDEX ix_stage_clock_open_only (due_date=? AND paused_on>? AND paused_on<?)" in plan, plan
    assert "SCAN c" not in plan and "SCAN d" not in plan, plan


def test_the_heads_digest_lists_the_dossiers_to_return_among_the_urgent_ones(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-WAIT", "2024-05-02")
    # requested Fri 3/5/2024: the make-up Saturday 4/5 counts, so the window ends Thu 30/5
    fire(app, clock, "HS-WAIT", "request_supplement", "cv.pham", "2024-05-03T09:00")
    receive(app, clock, "HS-FRESH", "2024-06-10")
    fire(app, clock, "HS-FRESH", "request_supplement", "cv.pham", "2024-06-11T09:00")  # window to 9/7
    receive(app, clock, "HS-LATE", "2024-05-30")  # due Fri 14/6
    clock.set("2024-06-18T07:30")
    result = app.digests.digest()
    assert [(d["head"], d["items"]) for d in result.digests] == [("tp.nguyen", 2)]
    ((subject, text),) = [(s, t) for _, s, t in bodies(app, "digest")]
    assert subject == ("[Thẩm định] Tổng hợp ngày 18/06/2024 – Phòng Quản lý xây dựng: 1 quá hạn, "
                       "0 đến hạn hôm nay, 0 sắp đến hạn, 1 quá hạn bổ sung")
    assert text.index("HS-WAIT") < text.index("HS-LATE")  # its last day (30/5) came first
    assert "[Chủ đầu tư quá hạn bổ sung 13 ngày làm việc] HS-WAIT" in text  # 31/5 to 18/6
    assert "yêu cầu bổ sung ngày 03/05/2024, hạn bổ sung 30/05/2024: cần trả lại hồ sơ" in text
    assert "HS-FRESH" not in text


def test_the_cutoff_is_the_latest_request_day_whose_window_has_run_out(app: App) -> None:
    # on Thu 4/7/2024 a request of Wed 5/6 has run out (last day 3/7), one of Thu 6/6 has not (4/7)
    assert answer_cutoff(app.rules.answer_windows(), dt.date(2024, 7, 4), app.calendar) == dt.date(2024, 6, 5)
    rule = app.workflows["project-appraisal"].rule("law-62-2020")
    assert rule.supplement_answer is not None
    day = answer_cutoff(app.rules.answer_windows(), dt.date(2025, 3, 3), app.calendar)
    assert day is not None
    assert alert_rules.answer_overdue_on(day, rule.supplement_answer, app.calendar) <= dt.date(2025, 3, 3)
    assert alert_rules.answer_overdue_on(day + dt.timedelta(days=1), rule.supplement_answer,
                                    app.calendar) > dt.date(2025, 3, 3)
