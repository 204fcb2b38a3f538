"""Benchmark of the engine core: one command, about a minute, one table.

    python bench/run.py
    python bench/run.py --cli /other/venv/bin/thamdinh      # time another installation's command

1. durable fires per second through ``app.services.fire`` (a ``Fire`` command built per fire) on a fresh
   SQLite file (WAL, synchronous=NORMAL), beside a raw ``sqlite3`` loop running the store's own statements
   (``UPDATE_DOSSIER`` ... ``WHERE id = ? AND version = ?``, ``CLOSE_DOSSIER`` for the step that ends the
   dossier, and one ``INSERT_EVENT`` per transaction, from
   engine/store/dossiers.py) with the same connection pragmas, in the same run, and their ratio;
2. deadline computations per second (``WorkingCalendar.add`` over mixed N and units);
3. cold start (median of several subprocess runs) of ``thamdinh --help``, and of two real commands on a
   demo database built once per run by the same command (``thamdinh demo --size 3000 --reminders-from
   none``): ``thamdinh show CODE`` (the dossier with the longest history) and ``thamdinh list``.

The machines are noisy (up to 2x between runs, as measured on these shared machines): read the ratio of the
engine to the raw loop, measured side by side, rather than the absolute numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.bootstrap import App  # noqa: E402
from engine.domain.calendar import DAYS, WORKING_DAYS  # noqa: E402
from engine.domain.clock import TZ, FixedClock  # noqa: E402
from engine.domain.commands import Fire, Receive  # noqa: E402
from engine.domain.requirements import compose  # noqa: E402
from engine.io.resources import workflows_dir  # noqa: E402
from engine.io.settings import Settings  # noqa: E402
from engine.store.dossiers import CLOSE_DOSSIER, INSERT_EVENT, UPDATE_DOSSIER  # noqa: E402

#: one dossier's life under Law 62/2020, all fired by a head of division (roles head + officer)
CYCLE = ["accept", "request_supplement", "receive_supplement", "extend", "pass_appraisal", "extend", "approve"]
ACTOR = "tp.nguyen"
#: the reasons the workflow requires (a supplement request says what is missing)
NOTES = {"request_supplement": compose("Hồ sơ chưa đủ thành phần", ["Báo cáo khảo sát địa chất"])}
#: a row digest as the raw loop writes it (the same 64 characters as the engine's, not computed)
HEAD = "0" * 64
NOW = dt.datetime(2024, 6, 3, 9, 0, tzinfo=TZ)
#: the pragmas engine.store.database sets on every SQLite connection (checked against it in bench_raw)
PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000")


def make_app(db: Path) -> App:
    return App(Settings().with_(database_url=f"sqlite:///{db}"), FixedClock(NOW))


def prepare(folder: Path, dossiers: int) -> Path:
    """A migrated SQLite file with the sample organisation and ``dossiers`` received dossiers."""
    db = folder / "template.db"
    app = make_app(db)
    app.init()
    app.services.load_org(workflows_dir() / "org" / "sample-department.yaml")
    receive = app.services.writes.receive  # without building the returned view
    for i in range(dossiers):
        receive(Receive(workflow="project-appraisal", code=f"B-{i:05d}", name="Dự án", investor="Ban QLDA",
                        group="C", grade="III", division="QLXD", officer="cv.pham"))
    app.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def bench_engine(db: Path, dossiers: int) -> tuple[int, float, float]:
    """Fires through the services: how many, their wall seconds and CPU seconds (the timed loop only)."""
    app = make_app(db)
    fire = app.services.fire
    fire(Fire(code="B-00000", event="accept", actor=ACTOR))  # warm up: compile, connect
    start, cpu = time.perf_counter(), time.process_time()
    n = 1
    for i in range(dossiers):
        code = f"B-{i:05d}"
        for event in CYCLE[1:] if i == 0 else CYCLE:
            fire(Fire(code=code, event=event, actor=ACTOR, note=NOTES.get(event)))
            n += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    app.close()
    return n - 1, elapsed, cpu


def _pragmas(execute: Callable[[str], Any]) -> tuple[Any, ...]:
    """The values of PRAGMAS as a connection reports them (``execute``: a unit of work's or sqlite3's)."""
    return tuple(execute(f"PRAGMA {p.split('=')[0]}").fetchone()[0] for p in PRAGMAS)


def bench_raw(db: Path, dossiers: int) -> tuple[int, float, float]:
    """The same statements the dossier repository runs, through bare sqlite3, one transaction each: how
    many, their wall seconds and CPU seconds."""
    probe = make_app(db)
    with probe.database.reading() as uow:
        engine_pragmas = _pragmas(uow.execute)
    ts = probe.database.codec.ts(NOW)
    probe.close()
    conn = sqlite3.connect(db, timeout=30)
    for pragma in PRAGMAS:
        conn.execute(f"PRAGMA {pragma}")
    if _pragmas(conn.execute) != engine_pragmas:
        raise SystemExit(f"raw loop: pragmas {_pragmas(conn.execute)} differ from the engine's {engine_pragmas}")
    ids = [r[0] for r in conn.execute("SELECT id FROM dossier ORDER BY code")]
    start, cpu = time.perf_counter(), time.process_time()
    n = 0
    for dossier_id in ids:
        for k, event in enumerate(CYCLE):
            version = 1 + k
            cur = conn.cursor()
            values = (event, None, "{}", 0, None, ts, "cv.pham", version + 1, HEAD)  # the last one closes it
            cur.execute(*((CLOSE_DOSSIER, (*values, ts, dossier_id, version)) if k == len(CYCLE) - 1
                          else (UPDATE_DOSSIER, (*values, dossier_id, version))))
            if cur.rowcount != 1:
                raise SystemExit("raw loop: lost update")
            cur.execute(INSERT_EVENT, (dossier_id, version + 1, event, "a", "b", ACTOR, ts, ts, None, None, "cli",
                                         None, None, HEAD))
            conn.commit()
            n += 1
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    conn.close()
    return n, elapsed, cpu


def bench_deadlines(app: App, count: int) -> tuple[int, float]:
    rng = random.Random(7)
    cal = app.calendar
    first = dt.date(2024, 1, 1).toordinal()
    lengths = (1, 2, 5, 7, 12, 15, 20, 25, 35, 60, 90)
    cases = [(dt.date.fromordinal(first + rng.randrange(0, 365 * 6)), rng.choice(lengths),
              rng.choice((DAYS, WORKING_DAYS))) for _ in range(count)]
    add = cal.add
    start = time.perf_counter()
    for day, n, unit in cases:
        add(day, n, unit)
    return count, time.perf_counter() - start


# -- cold start ----------------------------------------------------------------------------------
def default_cli() -> Path:
    return Path(sys.executable).parent / "thamdinh"


def demo_database(cli: Path, folder: Path, size: int) -> tuple[Path, float]:
    """A demo database made by ``cli`` itself (so another installation is timed on its own schema)."""
    out = folder / "demo"
    t0 = time.perf_counter()
    subprocess.run([str(cli), "demo", "--out", str(out), "--size", str(size), "--reminders-from", "none"],
                   check=True, stdout=subprocess.DEVNULL, cwd=folder)
    return out / "thamdinh.db", time.perf_counter() - t0


def busiest_code(db: Path) -> tuple[str, int]:
    """The dossier with the longest history (the heaviest ``show``), and its number of events."""
    with sqlite3.connect(db) as conn:
        code, events = conn.execute(
            "SELECT d.code, COUNT(e.id) FROM dossier d JOIN dossier_event e ON e.dossier_id = d.id "
            "GROUP BY d.id ORDER BY COUNT(e.id) DESC, d.code LIMIT 1").fetchone()
    return str(code), int(events)


def cold_start(cmd: list[str], runs: int, env: dict[str, str], cwd: Path) -> list[float]:
    """Wall times of ``runs`` subprocess runs of ``cmd`` after one untimed run (bytecode caches written)."""
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, env=env, cwd=cwd)
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000, help="dossiers fired through their whole life")
    parser.add_argument("--rounds", type=int, default=3, help="engine/raw rounds; the best of each is kept")
    parser.add_argument("--deadlines", type=int, default=500_000)
    parser.add_argument("--cold-runs", type=int, default=9, help="timed runs of each command (the median is shown)")
    parser.add_argument("--cli", type=Path, default=default_cli(),
                        help="the thamdinh command whose cold start is timed (default: the one next to "
                             "sys.executable); its own `demo` builds the database for show and list")
    parser.add_argument("--demo-size", type=int, default=3000, help="dossiers in the demo database (default 3000)")
    parser.add_argument("--demo-db", type=Path, default=None,
                        help="time show and list on this SQLite file instead of building a demo database")
    parser.add_argument("--json", action="store_true", help="also print the numbers as JSON")
    args = parser.parse_args()
    if not args.cli.exists():
        raise SystemExit(f"--cli {args.cli}: no such command")

    work = Path(tempfile.mkdtemp(prefix="thamdinh-bench-"))
    try:
        t0 = time.perf_counter()
        template = prepare(work, args.dossiers)
        engine_rates: list[float] = []
        raw_rates: list[float] = []
        cpu: dict[str, list[float]] = {"engine": [], "raw": []}  # CPU seconds per fire, each round
        for r in range(args.rounds):  # interleaved, so both see the same machine
            for name, fn, rates in (("engine", bench_engine, engine_rates), ("raw", bench_raw, raw_rates)):
                db = work / f"{name}-{r}.db"
                shutil.copy(template, db)
                n, secs, cpu_secs = fn(db, args.dossiers)
                cpu[name].append(cpu_secs / n)
                rates.append(n / secs)
        fires = args.dossiers * len(CYCLE)
        engine_rate, raw_rate = max(engine_rates), max(raw_rates)
        engine_cpu, raw_cpu = min(cpu["engine"]), min(cpu["raw"])
        cal_app = make_app(work / "unused.db")
        n, secs = bench_deadlines(cal_app, args.deadlines)
        deadline_rate = n / secs

        if args.demo_db is not None:
            demo_db, demo_secs = args.demo_db.resolve(), None
        else:
            demo_db, demo_secs = demo_database(args.cli, work, args.demo_size)
        code, events = busiest_code(demo_db)
        with sqlite3.connect(demo_db) as conn:
            demo_dossiers = conn.execute("SELECT COUNT(*) FROM dossier").fetchone()[0]
        # the untimed first run writes the bytecode caches, as an installation has them (pip compiles at
        # install): a PYTHONDONTWRITEBYTECODE in the environment would have every timed run compile every module
        env = {k: v for k, v in os.environ.items() if not k.startswith("THAMDINH_") and k != "PYTHONDONTWRITEBYTECODE"}
        env["THAMDINH_DATABASE_URL"] = f"sqlite:///{demo_db}"
        cli = str(args.cli)
        cold = {name: cold_start([cli, *argv], args.cold_runs, env, work)
                for name, argv in (("help", ["--help"]), ("show", ["show", code]), ("list", ["list"]))}
        total = time.perf_counter() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)

    def ms(xs: list[float]) -> str:
        return f"{statistics.median(xs) * 1000:,.0f} ms"

    def spread(xs: list[float]) -> str:
        return f"{args.cold_runs} runs, min {min(xs) * 1000:,.0f} ms, max {max(xs) * 1000:,.0f} ms"

    built = f"demo built in {demo_secs:.0f} s" if demo_secs is not None else f"{demo_db}"
    rows = [
        ("durable fires/s, services.fire (SQLite WAL, sync=NORMAL)", f"{engine_rate:,.0f}",
         f"{fires} fires, best of {args.rounds}"),
        ("durable fires/s, raw sqlite3 UPDATE+INSERT per txn", f"{raw_rate:,.0f}",
         f"same statements and pragmas, best of {args.rounds}"),
        ("ratio raw / engine", f"{raw_rate / engine_rate:.1f}x", "engine cost per fire: "
         f"{1e6 / engine_rate:,.0f} µs vs {1e6 / raw_rate:,.0f} µs"),
        ("CPU per fire (user + system), engine / raw", f"{engine_cpu / raw_cpu:.1f}x",
         f"{engine_cpu * 1e6:,.0f} µs vs {raw_cpu * 1e6:,.0f} µs, best of {args.rounds}: the ratio the disk does "
         "not blur"),
        ("deadline computations/s (calendar.add)", f"{deadline_rate:,.0f}",
         f"{args.deadlines:,} mixed N (1–90), days and working days"),
        ("`thamdinh --help` cold start, median", ms(cold["help"]), spread(cold["help"])),
        (f"`thamdinh show {code}` cold start, median", ms(cold["show"]),
         f"{spread(cold['show'])}; {events} history rows"),
        ("`thamdinh list` cold start, median", ms(cold["list"]),
         f"{spread(cold['list'])}; {demo_dossiers:,} dossiers, {built}"),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    print(f"thamdinh engine benchmark — Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
          f"{total:.0f} s; cold start of {cli}")
    print(f"{'measure':<{w0}}  {'value':>{w1}}  note")
    print(f"{'-' * w0}  {'-' * w1}  {'-' * 40}")
    for label, value, note in rows:
        print(f"{label:<{w0}}  {value:>{w1}}  {note}")
    if args.json:
        print(json.dumps({"engine_fires_per_s": engine_rate, "raw_fires_per_s": raw_rate,
                          "ratio": raw_rate / engine_rate,
                          "engine_cpu_per_fire_s": engine_cpu, "raw_cpu_per_fire_s": raw_cpu,
                          "deadlines_per_s": deadline_rate,
                          "cold_start_median_s": statistics.median(cold["help"]),
                          "cold_start_show_median_s": statistics.median(cold["show"]),
                          "cold_start_list_median_s": statistics.median(cold["list"]),
                          "cli": cli, "show_code": code}))


if __name__ == "__main__":
    main()
