"""Benchmark of the engine core: one command, about a minute, one table.

    python bench/run.py

1. durable fires per second through ``Services.fire`` on a fresh SQLite file (WAL, synchronous=NORMAL),
   beside a raw ``sqlite3`` loop doing the same ``UPDATE dossier ... WHERE id = ? AND version = ?`` and
   one history ``INSERT`` per transaction, with the same journal settings, in the same run;
2. deadline computations per second (``WorkingCalendar.add`` over mixed N and units);
3. cold start of ``thamdinh --help`` (median of several subprocess runs).

The machines are noisy (up to 2x between runs, as measured on these shared machines): read the ratio of the
engine to the raw loop, measured side by side, rather than the absolute numbers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from engine.bootstrap import App  # noqa: E402
from engine.domain.calendar import DAYS, WORKING_DAYS  # noqa: E402
from engine.io.resources import workflows_dir  # noqa: E402
from engine.io.settings import Settings  # noqa: E402
from engine.store.repo import Repo  # noqa: E402
from engine.domain.clock import TZ, FixedClock  # noqa: E402
from engine.domain.commands import Receive

#: one dossier's life under Law 62/2020, all fired by a head of division (roles head + officer)
CYCLE = ["accept", "request_supplement", "receive_supplement", "extend", "pass_appraisal", "extend", "approve"]
ACTOR = "tp.nguyen"
NOW = dt.datetime(2024, 6, 3, 9, 0, tzinfo=TZ)


def make_app(db: Path) -> App:
    return App(Settings().with_(database_url=f"sqlite:///{db}"), FixedClock(NOW))


def prepare(folder: Path, dossiers: int) -> Path:
    """A migrated SQLite file with the sample organisation and ``dossiers`` received dossiers."""
    db = folder / "template.db"
    app = make_app(db)
    app.init()
    app.services.load_org(workflows_dir() / "org" / "sample-department.yaml")
    for i in range(dossiers):
        app.services.receive(Receive(workflow="project-appraisal", code=f"B-{i:05d}", name="Dự án", investor="Ban QLDA",
                             group="C", grade="III", division="QLXD", officer="cv.pham"))
    app.close()
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


def bench_engine(db: Path, dossiers: int) -> tuple[int, float]:
    app = make_app(db)
    fire = app.services.fire
    fire("B-00000", "accept", actor=ACTOR)  # warm up: compile, connect
    start = time.perf_counter()
    n = 1
    for i in range(dossiers):
        code = f"B-{i:05d}"
        for event in CYCLE[1:] if i == 0 else CYCLE:
            fire(code, event, actor=ACTOR)
            n += 1
    elapsed = time.perf_counter() - start
    app.close()
    return n - 1, elapsed


def bench_raw(db: Path, dossiers: int) -> tuple[int, float]:
    """The same statements the repository runs, through bare sqlite3, one transaction each."""
    probe = make_app(db)
    repo = Repo(probe.engine)
    update, insert = repo._update_dossier, repo._insert_event
    probe.close()
    conn = sqlite3.connect(db, timeout=30)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=30000"):
        conn.execute(f"PRAGMA {pragma}")
    ids = [r[0] for r in conn.execute("SELECT id FROM dossier ORDER BY code")]
    ts = NOW.astimezone(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    start = time.perf_counter()
    n = 0
    for dossier_id in ids:
        for k, event in enumerate(CYCLE):
            version = 1 + k
            cur = conn.cursor()
            cur.execute(update, (event, None, "{}", 0, None, ts, None, "cv.pham", version + 1, dossier_id, version))
            if cur.rowcount != 1:
                raise SystemExit("raw loop: lost update")
            cur.execute(insert, (dossier_id, version + 1, event, "a", "b", ACTOR, ts, ts, None, None))
            conn.commit()
            n += 1
    elapsed = time.perf_counter() - start
    conn.close()
    return n, elapsed


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


def bench_cold_start(runs: int) -> list[float]:
    script = Path(sys.executable).parent / "thamdinh"
    cmd = [str(script), "--help"] if script.exists() else [sys.executable, "-m", "engine.cli", "--help"]
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000, help="dossiers fired through their whole life")
    parser.add_argument("--rounds", type=int, default=3, help="engine/raw rounds; the best of each is kept")
    parser.add_argument("--deadlines", type=int, default=500_000)
    parser.add_argument("--cold-runs", type=int, default=9)
    parser.add_argument("--json", action="store_true", help="also print the numbers as JSON")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="thamdinh-bench-"))
    try:
        t0 = time.perf_counter()
        template = prepare(work, args.dossiers)
        engine_rates, raw_rates = [], []
        for r in range(args.rounds):  # interleaved, so both see the same machine
            for name, fn, rates in (("engine", bench_engine, engine_rates), ("raw", bench_raw, raw_rates)):
                db = work / f"{name}-{r}.db"
                shutil.copy(template, db)
                n, secs = fn(db, args.dossiers)
                rates.append(n / secs)
        fires = args.dossiers * len(CYCLE)
        engine_rate, raw_rate = max(engine_rates), max(raw_rates)
        cal_app = make_app(work / "unused.db")
        n, secs = bench_deadlines(cal_app, args.deadlines)
        deadline_rate = n / secs
        cold = bench_cold_start(args.cold_runs)
        total = time.perf_counter() - t0
    finally:
        shutil.rmtree(work, ignore_errors=True)

    rows = [
        ("durable fires/s, Services.fire (SQLite WAL, sync=NORMAL)", f"{engine_rate:,.0f}",
         f"{fires} fires, best of {args.rounds}"),
        ("durable fires/s, raw sqlite3 UPDATE+INSERT per txn", f"{raw_rate:,.0f}",
         f"same statements and pragmas, best of {args.rounds}"),
        ("ratio raw / engine", f"{raw_rate / engine_rate:.1f}x", "engine cost per fire: "
         f"{1e6 / engine_rate:,.0f} µs vs {1e6 / raw_rate:,.0f} µs"),
        ("deadline computations/s (calendar.add)", f"{deadline_rate:,.0f}",
         f"{args.deadlines:,} mixed N (1–90), days and working days"),
        ("`thamdinh --help` cold start, median", f"{statistics.median(cold) * 1000:,.0f} ms",
         f"{args.cold_runs} runs, min {min(cold) * 1000:,.0f} ms, max {max(cold) * 1000:,.0f} ms"),
    ]
    w0 = max(len(r[0]) for r in rows)
    w1 = max(len(r[1]) for r in rows)
    print(f"thamdinh engine benchmark — Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
          f"{total:.0f} s")
    print(f"{'measure':<{w0}}  {'value':>{w1}}  note")
    print(f"{'-' * w0}  {'-' * w1}  {'-' * 40}")
    for label, value, note in rows:
        print(f"{label:<{w0}}  {value:>{w1}}  {note}")
    if args.json:
        print(json.dumps({"engine_fires_per_s": engine_rate, "raw_fires_per_s": raw_rate,
                          "ratio": raw_rate / engine_rate, "deadlines_per_s": deadline_rate,
                          "cold_start_median_s": statistics.median(cold)}))


if __name__ == "__main__":
    main()
