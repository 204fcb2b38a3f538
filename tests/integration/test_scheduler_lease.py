"""The scheduler: jobs in the database, one active scheduler per database, catch-up after downtime."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import transaction

from engine.bootstrap import App
from engine.domain.clock import TZ, FixedClock, SystemClock
from engine.domain.commands import Receive
from engine.scheduler.ticker import acquire_lease, lease_info
from engine.services.reports import previous_month


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


def receive(app: App, clock: FixedClock, code: str, day: str, **kw: Any) -> None:
    clock.set(f"{day}T09:00")
    fields: dict[str, Any] = dict(workflow="project-appraisal", code=code, name=f"Dự án {code}",
                                  investor="Ban QLDA tỉnh", group="C", grade="III", division="QLXD",
                                  officer="cv.pham", at=day)
    fields.update(kw)
    app.services.receive(Receive(**fields))


def alert_rows(app: App) -> list[tuple[str, str]]:
    with transaction(app) as cur:
        cur.execute("SELECT d.code, a.kind FROM alert a JOIN dossier d ON d.id = a.dossier_id ORDER BY d.code, a.id")
        return [tuple(r) for r in cur.fetchall()]  # type: ignore[misc]


def count(app: App, table: str) -> int:
    with transaction(app) as cur:
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        return int(cur.fetchone()[0])


def test_jobs_live_in_the_project_database_with_coalescing_and_no_misfire_grace(app: App) -> None:
    s = app.scheduler("A")
    s.run_due_jobs(at("2024-06-17T06:00"))
    jobs = {j.id: j for j in s.store.get_all_jobs()}
    assert set(jobs) == {"scan", "dispatch", "digest", "monthly_report"}
    for job in jobs.values():
        assert job.coalesce is True and job.misfire_grace_time is None and job.max_instances == 1
    assert str(jobs["digest"].trigger) == "cron[hour='7', minute='30']"
    assert jobs["digest"].next_run_time == at("2024-06-17T07:30")
    assert jobs["monthly_report"].next_run_time == at("2024-07-01T08:00")
    assert str(jobs["scan"].trigger) == "interval[0:05:00]"
    assert count(app, "apscheduler_jobs") == 4


def test_two_schedulers_on_one_database_run_each_job_once(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03")  # due 18/6
    other = App(app.settings, clock)  # a second process on the same database
    first, second = app.scheduler("A"), other.scheduler("B")
    t = at("2024-06-18T07:00")
    for step in range(120):  # two hours, a tick every minute, in both orders
        clock.set(t)
        pair = (first, second) if step % 2 == 0 else (second, first)
        for s in pair:
            s.run_due_jobs(t)
        t += dt.timedelta(seconds=60)
    assert first.leader and not second.leader
    assert second.runs == []
    assert [j for j, _ in first.runs].count("scan") == 24
    assert [j for j, _ in first.runs].count("digest") == 1
    # the first dies without a word; the standby takes over once the lease (60 s) has expired
    died = t
    for _ in range(120):
        clock.set(t)
        second.run_due_jobs(t)
        t += dt.timedelta(seconds=60)
    assert second.leader
    assert min(rt for _, rt in second.runs) >= died  # nothing the first had run
    assert min(rt for _, rt in second.runs) <= died + dt.timedelta(minutes=5)
    runs = first.runs + second.runs
    assert len(runs) == len(set(runs)), "a job ran twice for the same scheduled time"
    scans = sorted(rt for j, rt in runs if j == "scan")
    gaps = {b - a for a, b in itertools.pairwise(scans)}
    assert gaps <= {dt.timedelta(minutes=5), dt.timedelta(minutes=10)}  # at most one slot lost in the takeover
    assert alert_rows(app) == [("HS-1", "due_soon"), ("HS-1", "due_today")]
    assert lease_info(app.database)["holder"] == "B"  # type: ignore[index]
    other.close()


def test_a_standby_never_takes_a_live_lease(app: App) -> None:
    now = at("2024-06-18T07:00")
    assert acquire_lease(app.database, "A", now, 60)
    assert not acquire_lease(app.database, "B", now + dt.timedelta(seconds=59), 60)
    assert acquire_lease(app.database, "A", now + dt.timedelta(seconds=59), 60)  # renewed
    assert not acquire_lease(app.database, "B", now + dt.timedelta(seconds=118), 60)
    assert acquire_lease(app.database, "B", now + dt.timedelta(seconds=120), 60)  # expired: taken over
    assert not acquire_lease(app.database, "A", now + dt.timedelta(seconds=121), 60)


def test_a_three_day_outage_gives_one_catch_up_run_and_every_missed_alert_once(
        app: App, clock: FixedClock) -> None:
    # due dates Mon 17/6, Tue 18/6, Wed 19/6 (15 days from 2/6 is a Sunday: Mon 3/6 is 18/6)
    receive(app, clock, "HS-A", "2024-05-31")  # 15 days: Sat 15/6 -> Mon 17/6
    receive(app, clock, "HS-B", "2024-06-03")  # Tue 18/6
    receive(app, clock, "HS-C", "2024-06-04")  # Wed 19/6
    s = app.scheduler("A")
    s.run_due_jobs(at("2024-06-13T08:00"))  # Thu: due soon for HS-A falls on Thu 13/6
    assert alert_rows(app) == [("HS-A", "due_soon")]
    # the process dies on Thu 13/6 at 08:00:30 and comes back on Sun 16/6 ... make it Tue 18/6 10:00
    restarted = app.scheduler("A2")
    t = at("2024-06-18T10:00")
    wait = restarted.run_due_jobs(t)
    ran = [j for j, _ in restarted.runs]
    assert sorted(ran) == ["digest", "dispatch", "scan"]  # once each, however many runs were missed
    assert dict(restarted.runs)["digest"] == at("2024-06-18T07:30")  # today's digest, late but sent
    assert sorted(alert_rows(app)) == sorted([
        ("HS-A", "due_soon"), ("HS-A", "due_today"), ("HS-A", "overdue"),
        ("HS-B", "due_soon"), ("HS-B", "due_today"),
        ("HS-C", "due_soon"),
    ])
    assert 0 <= wait <= restarted.renew_every
    before = count(app, "outbox_message")
    restarted.run_due_jobs(t + dt.timedelta(seconds=1))
    assert [j for j, _ in restarted.runs] == ran  # nothing more is due
    restarted.run_due_jobs(t + dt.timedelta(minutes=5))
    assert count(app, "outbox_message") == before
    assert len(alert_rows(app)) == 6


def test_a_digest_missed_on_an_earlier_day_is_not_sent_late(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03")
    s = app.scheduler("A")
    s.run_due_jobs(at("2024-06-17T08:00"))
    assert count(app, "outbox_message") > 0
    digests_before = _digests(app)
    s2 = app.scheduler("A2")
    s2.run_due_jobs(at("2024-06-20T06:00"))  # down since Mon; the last missed digest was Wed 19/6 07:30
    assert ("digest", at("2024-06-19T07:30")) in s2.runs
    assert _digests(app) == digests_before


def _digests(app: App) -> list[str]:
    with transaction(app) as cur:
        cur.execute("SELECT dedup_key FROM outbox_message WHERE kind = 'digest' ORDER BY id")
        return [r[0] for r in cur.fetchall()]


def test_daily_digest_on_working_days_only_and_only_with_something_to_say(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-1", "2024-06-03")  # due Tue 18/6: due soon from Fri 14/6
    s = app.scheduler("A")
    t = at("2024-06-12T07:00")
    while t < at("2024-06-19T09:00"):
        clock.set(t)
        s.run_due_jobs(t)
        t += dt.timedelta(minutes=40)
    assert _digests(app) == ["digest:tp.nguyen:2024-06-14", "digest:tp.nguyen:2024-06-17",
                             "digest:tp.nguyen:2024-06-18", "digest:tp.nguyen:2024-06-19"]


def test_a_digest_lists_the_division_most_urgent_first(app: App, clock: FixedClock) -> None:
    receive(app, clock, "HS-LATE", "2024-05-30")  # due Fri 14/6
    receive(app, clock, "HS-TODAY", "2024-06-03", officer="cv.vo")  # due Tue 18/6
    receive(app, clock, "HS-SOON", "2024-06-04")  # due Wed 19/6
    receive(app, clock, "HS-LATER", "2024-06-10")  # due Tue 25/6: nothing to say yet
    receive(app, clock, "HS-OTHER", "2024-06-03", division="HTKT", officer="cv.ngo")
    with transaction(app) as cur:
        cur.execute(("UPDATE dossier SET blockers = ? WHERE code = ?"),
                    ("Chờ ý kiến thẩm duyệt PCCC", "HS-LATE"))
    clock.set("2024-06-18T07:30")
    result = app.digests.digest()
    assert sorted((d["head"], d["items"]) for d in result.digests) == [("tp.huynh", 1), ("tp.nguyen", 3)]
    with transaction(app) as cur:
        cur.execute("SELECT subject, body_text FROM outbox_message WHERE recipient_id = 'tp.nguyen'")
        subject, text = cur.fetchone()
    assert subject == ("[Thẩm định] Tổng hợp ngày 18/06/2024 – Phòng Quản lý xây dựng: 1 quá hạn, "
                       "1 đến hạn hôm nay, 1 sắp đến hạn")
    assert text.index("HS-LATE") < text.index("HS-TODAY") < text.index("HS-SOON")
    assert "HS-LATER" not in text and "HS-OTHER" not in text
    assert "[Quá hạn 4 ngày] HS-LATE" in text  # 14/6 to 18/6, calendar days (law 62/2020)
    assert "Vướng mắc: Chờ ý kiến thẩm duyệt PCCC" in text
    assert "chuyên viên: Võ Quốc Bảo" in text
    again = app.digests.digest()
    assert not any(d["queued"] for d in again.digests)  # once per head and day
    clock.set("2024-06-22T07:30")
    assert app.digests.digest().working_day is False


def test_the_monthly_report_job_calls_the_reports_hook(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr(app.issuing, "send_monthly", lambda month: calls.append(month))
    s = app.scheduler("A")
    s.run_due_jobs(at("2024-06-28T09:00"))
    s.run_due_jobs(at("2024-07-01T08:00"))
    assert calls == ["2024-06"]
    assert previous_month(dt.date(2025, 1, 1)) == "2024-12"


@pytest.mark.slow
def test_two_real_scheduler_processes_share_the_work_without_doubling_it(app: App) -> None:
    """Two BlockingScheduler loops in threads, real time: one runs, the other waits and takes over."""
    live = [App(app.settings, SystemClock()) for _ in range(2)]
    scheds = [a.scheduler(name, lease_ttl=1.0, renew_every=0.2, scan_every=dt.timedelta(seconds=1),
                                dispatch_every=dt.timedelta(seconds=1)) for a, name in zip(live, "AB", strict=True)]
    threads = [threading.Thread(target=s.serve, daemon=True) for s in scheds]
    threads[0].start()
    _wait(lambda: any(j == "scan" for j, _ in scheds[0].runs))
    threads[1].start()
    time.sleep(2.5)
    assert scheds[1].runs == []
    stopped = dt.datetime.now(TZ)
    scheds[0].shutdown(wait=False)  # stops and releases the lease
    threads[0].join(timeout=10)
    _wait(lambda: any(j == "scan" for j, _ in scheds[1].runs))
    scheds[1].shutdown(wait=False)
    threads[1].join(timeout=10)
    assert not threads[0].is_alive() and not threads[1].is_alive()
    runs = scheds[0].runs + scheds[1].runs
    assert len(runs) == len(set(runs))
    assert all(rt >= stopped - dt.timedelta(seconds=1) for _, rt in scheds[1].runs)
    for a in live:
        a.close()


def _wait(cond: Any, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_monthly_report_job_writes_and_mails_the_report(sqlite_app: App, clock: FixedClock) -> None:
    receive(sqlite_app, clock, "HS-1", "2024-06-03")
    clock.set("2024-07-01T08:00")
    files = sqlite_app.scheduler("T").jobs["monthly_report"](clock.now(), clock.now())
    assert sorted(Path(f).name for f in files) == ["bao-cao-thang-2024-06.html", "bao-cao-thang-2024-06.xlsx"]
    assert sqlite_app.dispatch().sent == 4  # three heads and the director, files attached
    emls = list(Path(sqlite_app.settings.mail_dir).glob("*.eml"))
    assert len(emls) == 4 and b"bao-cao-thang-2024-06.xlsx" in emls[0].read_bytes()
