"""Benchmark: the deadline scan over 1,000,000 dossiers (100,000 open) on SQLite, and the dispatcher
against a local aiosmtpd server. Run from the repository root:

    python bench/scan_bench.py            # full size: about a minute, ~250 MB in a temporary folder
    python bench/scan_bench.py --dossiers 200000 --open 20000 --messages 1000

Targets (docs of the issue): a steady scan under 100 ms; the dispatcher at 200 messages/s or more.
The rows are bulk-inserted with ``executemany`` on raw sqlite3. Open clocks: 10% paused (no due date),
2% overdue by 1 to 20 working days, the rest due within the next 1 to 60 working days, so a scan has
a realistic few thousand clocks inside its window.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.bootstrap import App
from engine.domain.clock import TZ, FixedClock
from engine.io.resources import workflows_dir
from engine.io.settings import Settings
from engine.store.alerts import CANDIDATES

TODAY = dt.date(2025, 3, 12)  # a Wednesday
OFFICERS = {"QLXD": ["cv.pham", "cv.vo", "cv.dang"], "QHKT": ["cv.bui", "tp.hoang"], "HTKT": ["cv.ngo", "cv.duong"]}


def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Median wall time in ms over ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times), result


def populate(db: Path, app: App, n: int, n_open: int, seed: int = 7) -> float:
    cal = app.calendar
    rnd = random.Random(seed)
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")  # 400 MB: the index inserts stay in memory
    divisions = list(OFFICERS)
    ts = dt.datetime(2024, 1, 2, 2, 0).strftime("%Y-%m-%d %H:%M:%S.%f")
    open_ids = set(rnd.sample(range(1, n + 1), n_open))
    dossiers, clocks = [], []
    for i in range(1, n + 1):
        division = divisions[i % 3]
        officer = OFFICERS[division][i % len(OFFICERS[division])]
        is_open = i in open_ids
        if is_open:
            r = rnd.random()
            if r < 0.10:
                due, paused = None, TODAY - dt.timedelta(days=rnd.randint(1, 30))
            elif r < 0.12:
                due, paused = cal.add_working_days(TODAY, -rnd.randint(1, 20)), None
            else:
                due, paused = cal.add_working_days(TODAY, rnd.randint(1, 60)), None
            start = (due or TODAY) - dt.timedelta(days=30)
            finished = None
        else:
            start = dt.date(2018, 1, 1) + dt.timedelta(days=rnd.randint(0, 2500))
            due, paused = start + dt.timedelta(days=30), None
            finished = start + dt.timedelta(days=rnd.randint(5, 40))
        dossiers.append((i, f"HS-{i:07d}", f"Dự án số {i}", "Ban QLDA tỉnh", "C", "III", None, division, officer,
                         "project-appraisal", 1, "decree-217-2026", "appraising" if is_open else "approved",
                         None, "{}", 0, i if is_open else None, None, start.isoformat(), ts, ts,
                         None if is_open else ts, 2))
        clocks.append((i, i, division, officer, "project-appraisal", "appraisal", 1, "working_days", 12, "restart",
                       0, 12, start.isoformat(),
                       start.isoformat(), 0, paused.isoformat() if paused else None, 1 if paused else 0, 0,
                       due.isoformat() if due else None, finished.isoformat() if finished else None,
                       None if is_open else "on_time", None if is_open else "approve"))
    # bulk load: drop the secondary indexes, insert, build them again (sorting beats row-by-row inserts)
    indexes = con.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                          "AND tbl_name IN ('dossier', 'stage_clock')").fetchall()
    for name, _ in indexes:
        con.execute(f'DROP INDEX "{name}"')
    con.executemany(
        "INSERT INTO dossier (id, code, project_name, investor, project_group, grade, capital_source, division,"
        " officer, workflow_id, workflow_version, rule_version, state, resume_state, counters, supplement_requests,"
        " open_clock_id, blockers, received_on, received_at, last_event_at, closed_at, version)"
        " VALUES (" + ", ".join("?" * 23) + ")", dossiers)
    con.executemany(
        "INSERT INTO stage_clock (id, dossier_id, division, officer, workflow_id, stage, seq, unit, limit_units,"
        " policy, extension, max_extension, start_date, segment_start, used_before, paused_on, pause_count,"
        " paused_days, due_date, finished_on, outcome, closed_by) VALUES (" + ", ".join("?" * 22) + ")", clocks)
    for _, sql in indexes:
        con.execute(sql)
    con.commit()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return time.perf_counter() - t0


def bench_scan(app: App, clock: FixedClock) -> list[tuple[str, str, str]]:
    rows = []
    at = dt.datetime.combine(TODAY, dt.time(6, 0), TZ)
    clock.set(at)
    # the scan's own candidate query and parameters (engine.services.deadline_scan, engine.store.alerts)
    cal, rules, day = app.calendar, app.rules, app.database.codec.day
    horizon = cal.add_working_days(TODAY, rules.widest_due_soon())
    escalated_by = cal.add_working_days(TODAY, -rules.smallest_escalate_after())
    params = (day(horizon), day(TODAY), day(TODAY), day(escalated_by))

    def query() -> int:
        with app.database.reading() as uow:
            return len(uow.execute(uow.alerts.indexed(CANDIDATES), params).fetchall())

    def naive() -> int:  # the baseline: read every open clock and decide in Python
        with app.database.reading() as uow:
            return len(uow.execute(
                "SELECT c.id, c.due_date, d.code FROM stage_clock c "
                "JOIN dossier d ON d.id = c.dossier_id AND d.open_clock_id = c.id WHERE c.finished_on IS NULL"
            ).fetchall())

    ms, n = timed(query, 5)
    rows.append(("candidate query (indexed, before the first scan)", f"{ms:8.1f} ms", f"{n} clocks"))
    ms, n = timed(naive, 3)
    rows.append(("baseline: load every open clock", f"{ms:8.1f} ms", f"{n} clocks"))
    ms, r = timed(lambda: app.scanner.scan(at))
    rows.append(("first scan (catch-up: records + renders + queues)", f"{ms:8.1f} ms",
                 f"{len(r.raised)} alerts, {r.messages} messages"))
    ms, r = timed(lambda: app.scanner.scan(at + dt.timedelta(minutes=5)), 5)
    rows.append(("steady scan, same day (nothing new)", f"{ms:8.1f} ms",
                 f"{r.candidates} candidates, {len(r.raised)} alerts"))
    nxt = dt.datetime.combine(app.calendar.next_working_day(TODAY, include_self=False), dt.time(6, 0), TZ)
    clock.set(nxt)
    ms, r = timed(lambda: app.scanner.scan(nxt))
    rows.append(("next working day's first scan", f"{ms:8.1f} ms", f"{len(r.raised)} alerts, {r.messages} messages"))
    ms, r = timed(lambda: app.scanner.scan(nxt + dt.timedelta(minutes=5)), 5)
    rows.append(("steady scan, next day", f"{ms:8.1f} ms", f"{r.candidates} candidates, {len(r.raised)} alerts"))
    ms, r = timed(lambda: app.digests.digest(nxt + dt.timedelta(hours=1, minutes=30)))
    rows.append(("daily digest (3 heads)", f"{ms:8.1f} ms", f"{sum(d['items'] for d in r.digests)} lines"))
    return rows


SERVER = """
import email, sys, threading
from aiosmtpd.controller import Controller
ids = []
class Count:
    async def handle_DATA(self, server, session, envelope):
        ids.append(email.message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"
c = Controller(Count(), hostname="127.0.0.1", port=int(sys.argv[1]))
c.start()
print("ready", flush=True)
sys.stdin.read()
c.stop()
print(len(ids), len(set(ids)), flush=True)
"""


def bench_dispatch(app: App, n_messages: int) -> list[tuple[str, str, str]]:
    """The dispatcher against aiosmtpd in its own process (as a real relay would be)."""
    import socket
    import subprocess

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        with app.database.unit_of_work() as uow:
            uow.execute("UPDATE outbox_message SET status = 'sent' WHERE status <> 'sent'")
            subject, text, html = uow.execute("SELECT subject, body_text, body_html FROM outbox_message LIMIT 1"
                                              ).fetchone()
            now = uow.codec.ts(app.clock.now())
            uow.executemany(
                "INSERT INTO outbox_message (dedup_key, kind, recipient_id, recipient_email, subject, body_text,"
                " body_html, status, tries, next_attempt_at, created_at) VALUES (?, 'alert', 'cv.pham', ?, ?, ?, ?,"
                " 'pending', 0, ?, ?)",
                [(f"bench:{i}", f"nguoi{i}@soxaydung.example.vn", subject, text, html, now, now)
                 for i in range(n_messages)])
            uow.commit()
        smtp_app = App(app.settings.with_(smtp_host="127.0.0.1", smtp_port=port), app.clock)
        dispatcher = smtp_app.dispatcher()  # the configured transport: 4 SMTP connections
        t0 = time.perf_counter()
        result = dispatcher.run_once()
        secs = time.perf_counter() - t0
        smtp_app.close()
        out, _ = server.communicate("", timeout=60)
        got, distinct = (int(x) for x in out.split())
        return [("dispatcher to local aiosmtpd (own process)", f"{result.sent / secs:8.0f} msg/s",
                 f"{result.sent} sent in {secs:.2f} s; server got {got}, {distinct} distinct Message-IDs")]
    finally:
        if server.poll() is None:
            server.kill()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dossiers", type=int, default=1_000_000)
    p.add_argument("--open", type=int, default=100_000)
    p.add_argument("--messages", type=int, default=2000)
    p.add_argument("--dir", type=Path, default=None, help="folder for the database (default: a temporary one)")
    args = p.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        db = Path(tmp) / "bench.db"
        clock = FixedClock(dt.datetime.combine(TODAY, dt.time(6, 0), TZ))
        app = App(Settings().with_(database_url=f"sqlite:///{db}", mail_dir=Path(tmp) / "thu-di"), clock)
        app.init()
        app.services.load_org(workflows_dir() / "org" / "sample-department.yaml")
        app.calendar, app.workflows  # noqa: B018  (warm: built once per process)
        secs = populate(db, app, args.dossiers, args.open)
        rows = [("setup: bulk insert (executemany, raw sqlite3)", f"{secs * 1000:8.0f} ms",
                 f"{args.dossiers} dossiers, {args.open} open")]
        rows += bench_scan(app, clock)
        rows += bench_dispatch(app, args.messages)
        app.close()
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'time/rate':>14}  detail")
    print("-" * (width + 50))
    for name, value, detail in rows:
        print(f"{name:<{width}}  {value:>14}  {detail}")


if __name__ == "__main__":
    main()
