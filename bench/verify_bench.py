"""Benchmark: ``thamdinh verify`` (``app.verification.run()``) at 1,000,000 dossiers.

    python bench/verify_bench.py                       # 1,000,000 dossiers (built once, then reused)
    python bench/verify_bench.py --dossiers 100000
    python bench/verify_bench.py --dossiers 100000 --pg postgresql+psycopg://postgres@127.0.0.1:5432/thamdinh_verify

The rows have to be whole (chains and clocks verify), so they are made by the engine: a template set of
``--templates`` dossiers is simulated through the services (the demo's year: supplements, extensions,
returns, handovers, both workflows) into a small SQLite file, then replicated to ``--dossiers`` dossiers
with new ids and codes, each history row's digest and each dossier's chain head recomputed for its new
code (``engine.store.chain``), clocks, pauses and extensions re-keyed; raw ``executemany`` on ``sqlite3``
(PostgreSQL: ``COPY``). The database is kept at ``/tmp/thamdinh-verify-bench-N.db`` (``--db``) and reused
while its schema is the migrations' head and it holds N dossiers; ``--rebuild`` builds it again.

The table: the dossiers and history rows, the seconds of a full verify as ``thamdinh verify`` runs it (in
parts, one worker process per CPU up to 8), rows and dossiers per second; with ``--one-process`` also the
same verify in this process alone; beside them the baseline of the walk alone in one process (every row
read and mapped, nothing checked), so what the checks cost shows. Target: under 120 s at 1,000,000
dossiers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from report_bench import _at_head, _conninfo, _pg_database, _schema, _shown  # noqa: E402

from engine.bootstrap import App  # noqa: E402
from engine.io.settings import Settings  # noqa: E402
from engine.store import chain  # noqa: E402
from engine.store.codecs import Codec  # noqa: E402

TABLES = ("dossier", "stage_clock", "clock_pause", "clock_extension", "dossier_event")
#: the column each table's rows are keyed to their dossier by (pauses and extensions: through their clock)
PARENT = {"stage_clock": "dossier_id", "dossier_event": "dossier_id", "clock_pause": "clock_id",
          "clock_extension": "clock_id"}
DIGEST_COLS = ("seq", "event", "from_state", "to_state", "actor", "at", "note", "effects", "channel", "client",
               "correction")
Rows = list[tuple[Any, ...]]


def make_templates(folder: Path, size: int) -> Path:
    """``size`` dossiers simulated through the services over the demo's movement year."""
    from engine.demo import make_plans
    from engine.demo.simulate import Simulation
    from engine.domain.clock import TZ, FixedClock
    from engine.io.resources import workflows_dir

    db = folder / "templates.db"
    start, end = dt.date(2024, 2, 1), dt.date(2025, 1, 31)
    clock = FixedClock(dt.datetime.combine(start, dt.time(7, 0), TZ))
    app = App(Settings().with_(database_url=f"sqlite:///{db}", mail_dir=folder / "thu-di"), clock)
    try:
        app.init()
        app.services.load_org(workflows_dir() / "org" / "sample-department.yaml")
        plans = make_plans(app.calendar, app.services.people(), size, start, end, 7)
        Simulation(app, clock, None).run(plans, start, end, lambda n: None)
        assert app.verification.run().ok, "the template set does not verify"
    finally:
        app.close()
    return db


class Templates:
    """The template dossiers as raw rows, grouped by dossier, with the columns of each table."""

    def __init__(self, db: Path) -> None:
        con = sqlite3.connect(db)
        self.cols = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in TABLES}
        self.dossiers = con.execute("SELECT * FROM dossier ORDER BY id").fetchall()
        self.children: dict[str, dict[int, Rows]] = {}
        clock_owner = dict(con.execute("SELECT id, dossier_id FROM stage_clock").fetchall())
        for table, parent in PARENT.items():
            at = self.cols[table].index(parent)
            by: dict[int, Rows] = {}
            for row in con.execute(f"SELECT * FROM {table} ORDER BY id"):
                owner = row[at] if table in ("stage_clock", "dossier_event") else clock_owner[row[at]]
                by.setdefault(owner, []).append(row)
            self.children[table] = by
        con.close()
        self.index = {t: {c: i for i, c in enumerate(self.cols[t])} for t in TABLES}


def replicate(t: Templates, n: int, chunk: int = 20_000) -> Iterator[dict[str, Rows]]:
    """``n`` dossiers, template after template, with new ids, codes, digests and chain heads."""
    codec = Codec(sqlite=True)
    di, ci, ei = t.index["dossier"], t.index["stage_clock"], t.index["dossier_event"]
    pi, xi = t.index["clock_pause"], t.index["clock_extension"]
    digest_at = [ei[c] for c in DIGEST_COLS]
    ids = dict.fromkeys(("stage_clock", "clock_pause", "clock_extension", "dossier_event"), 0)
    out: dict[str, Rows] = {table: [] for table in TABLES}
    for k in range(n):
        src = t.dossiers[k % len(t.dossiers)]
        new_id, code = k + 1, f"VB-{k + 1:07d}"
        clock_ids: dict[int, int] = {}
        for row in t.children["stage_clock"].get(src[di["id"]], []):
            ids["stage_clock"] += 1
            clock_ids[row[ci["id"]]] = ids["stage_clock"]
            out["stage_clock"].append(_with(row, {ci["id"]: ids["stage_clock"], ci["dossier_id"]: new_id}))
        for table, at in (("clock_pause", pi), ("clock_extension", xi)):
            for row in t.children[table].get(src[di["id"]], []):
                ids[table] += 1
                out[table].append(_with(row, {at["id"]: ids[table], at["clock_id"]: clock_ids[row[at["clock_id"]]]}))
        prev = ""
        for row in t.children["dossier_event"].get(src[di["id"]], []):
            v = [row[i] for i in digest_at]
            when = codec.read_ts(v[5])
            assert when is not None
            prev = chain.row_digest(prev, code, v[0], v[1], v[2], v[3], v[4], when, *v[6:])
            ids["dossier_event"] += 1
            out["dossier_event"].append(_with(row, {ei["id"]: ids["dossier_event"], ei["dossier_id"]: new_id,
                                                    ei["row_hash"]: prev}))
        open_id = src[di["open_clock_id"]]
        out["dossier"].append(_with(src, {di["id"]: new_id, di["code"]: code, di["chain_head"]: prev or None,
                                          di["open_clock_id"]: None if open_id is None else clock_ids[open_id]}))
        if len(out["dossier"]) >= chunk:
            yield out
            out = {table: [] for table in TABLES}
    if out["dossier"]:
        yield out


def _with(row: tuple[Any, ...], changes: dict[int, Any]) -> tuple[Any, ...]:
    values = list(row)
    for i, v in changes.items():
        values[i] = v
    return tuple(values)


def build(db: Path, n: int, templates: int) -> None:
    if db.exists():
        db.unlink()
    _schema(f"sqlite:///{db}")
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        t = Templates(make_templates(Path(tmp), templates))
        t1 = time.perf_counter()
        con = sqlite3.connect(db)
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute("PRAGMA foreign_keys=OFF")
        sqls = {x: f"INSERT INTO {x} ({', '.join(t.cols[x])}) VALUES ({', '.join('?' * len(t.cols[x]))})"
                for x in TABLES}
        for out in replicate(t, n):
            for table in TABLES:
                con.executemany(sqls[table], out[table])
            con.commit()
        con.execute("ANALYZE")
        con.commit()
        con.close()
    print(f"  {templates} template dossiers simulated in {t1 - t0:.1f} s, {n:,} replicated in "
          f"{time.perf_counter() - t1:.1f} s", flush=True)


def build_pg(url: str, n: int, templates: int) -> None:
    """The same rows through COPY into a database of its own (dropped and made again)."""
    import psycopg

    _pg_database(url, drop=True)
    _schema(url)
    with tempfile.TemporaryDirectory() as tmp:
        t = Templates(make_templates(Path(tmp), templates))
        t0 = time.perf_counter()
        with psycopg.connect(_conninfo(url)) as con:
            con.execute("SET TIME ZONE 'UTC'")  # the templates' timestamps are UTC
            for x in TABLES:
                con.execute(f"ALTER TABLE {x} DISABLE TRIGGER ALL")  # the foreign keys, during the load
            with con.cursor() as cur:
                for out in replicate(t, n):
                    for table in TABLES:
                        with cur.copy(f"COPY {table} ({', '.join(t.cols[table])}) FROM STDIN") as copy:
                            for row in out[table]:
                                copy.write_row(row)
            for x in TABLES:
                con.execute(f"ALTER TABLE {x} ENABLE TRIGGER ALL")
                con.execute(f"SELECT setval(pg_get_serial_sequence('{x}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {x}), false)")
            con.commit()
            con.autocommit = True
            con.execute("VACUUM ANALYZE")
    print(f"  {n:,} dossiers copied into PostgreSQL in {time.perf_counter() - t0:.1f} s", flush=True)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the worker processes)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def read_only(app: App) -> float:
    """The baseline: the walk alone in this process (every dossier read and mapped, nothing checked)."""
    from engine.store.history_walk import Walk

    t0 = time.perf_counter()
    with app.database.reading() as uow:
        for _ in Walk(uow):
            pass
    return time.perf_counter() - t0


def issue_one(app: App) -> None:
    """An issued report whose checkpoint covers every history row (as issuing seals one), unless there is
    one: verify then recomputes it, in one more pass over the history in id order."""
    with app.database.reading() as uow:
        cur = uow.snapshot_cursors(1)[0]  # (first: on PostgreSQL it opens the read-only snapshot)
        if uow.execute("SELECT COUNT(*) FROM issued_report").fetchone()[0]:
            return
        last = int(uow.execute("SELECT MAX(id) FROM dossier_event").fetchone()[0])
        cur.execute(uow.codec.sql("SELECT row_hash FROM dossier_event WHERE id <= ? ORDER BY id"), (last,))
        digests: list[str] = []
        while rows := cur.fetchmany(10_000):
            digests.extend(r[0] for r in rows)
    with app.database.unit_of_work() as uow:
        uow.execute("INSERT INTO issued_report (kind, period, scope, version, issued_at, issued_by, data, "
                    "content_hash, checkpoint_event_id, checkpoint) VALUES ('monthly', '2025-01', '', 1, ?, "
                    "'gd.tran', '{}', ?, ?, ?)", (uow.codec.ts(dt.datetime.now(dt.UTC)), "0" * 64, last,
                                                  chain.checkpoint(digests)))
        uow.commit()


def measure(url: str, one_process: bool) -> dict[str, Any]:
    from engine.services.verify import PARALLEL_FROM, Verification

    app = App(Settings().with_(database_url=url))
    try:
        issue_one(app)
        cpu0 = _cpu()
        t0 = time.perf_counter()
        report = app.verification.run(lambda d, r: print(f"    … {d:,} dossiers, {r:,} rows, "
                                                          f"{time.perf_counter() - t0:.0f} s", flush=True))
        seconds = time.perf_counter() - t0
        cpu = _cpu() - cpu0
        assert report.ok and report.issued_checked == 1, report.problems[:5]
        single = None
        if one_process:
            t1 = time.perf_counter()
            assert Verification(app.database, app.rules).run().ok
            single = time.perf_counter() - t1
        base = read_only(app)
    finally:
        app.close()
    return {"dossiers": report.dossiers, "rows": report.rows, "seconds": seconds, "read_only": base,
            "issued": report.issued_checked, "cpu": cpu,
            "single": single, "workers": app.verification.workers if report.dossiers >= PARALLEL_FROM else 1}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dossiers", type=int, default=1_000_000)
    ap.add_argument("--templates", type=int, default=500, help="dossiers simulated by the engine (default 500)")
    ap.add_argument("--db", type=Path, help="the SQLite file (default /tmp/thamdinh-verify-bench-N.db)")
    ap.add_argument("--pg", help="a PostgreSQL URL instead of SQLite (the database is dropped and made again)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--one-process", action="store_true", help="also time verify in this process alone")
    ap.add_argument("--build-only", action="store_true", help="build the database, measure nothing")
    a = ap.parse_args()
    if a.pg:
        url = a.pg
        if a.rebuild or not _at_head(url, a.dossiers):
            print(f"building {a.dossiers:,} dossiers in {_shown(url)} …", flush=True)
            build_pg(url, a.dossiers, a.templates)
    else:
        db = a.db or Path(f"/tmp/thamdinh-verify-bench-{a.dossiers}.db")
        url = f"sqlite:///{db}"
        if a.rebuild or not _at_head(url, a.dossiers):
            print(f"building {a.dossiers:,} dossiers in {db} …", flush=True)
            build(db, a.dossiers, a.templates)
    if a.build_only:
        return
    load_before = f"{os.getloadavg()[0]:.1f}"
    r = measure(url, a.one_process)
    print(f"\nthamdinh verify on {'PostgreSQL' if a.pg else 'SQLite'} ({_shown(url)}), {r['workers']} worker "
          f"processes, {r['issued']} issued report's checkpoint over every row")
    print(f"{'dossiers':>10} {'rows':>11} {'seconds':>9} {'rows/s':>10} {'dossiers/s':>11} {'one process (s)':>16} "
          f"{'walk only, one process (s)':>27}")
    single = "—" if r["single"] is None else f"{r['single']:.1f}"
    print(f"{r['dossiers']:>10,} {r['rows']:>11,} {r['seconds']:>9.1f} {r['rows'] / r['seconds']:>10,.0f} "
          f"{r['dossiers'] / r['seconds']:>11,.0f} {single:>16} {r['read_only']:>27.1f}")
    print(f"CPU: {r['cpu']:.1f} s in all (this process and the workers); load average before and after: "
          f"{load_before}, {os.getloadavg()[0]:.1f} (a shared machine: compare with the CPU seconds)")
    met = "met" if r["seconds"] * 1e6 / r["dossiers"] < 120 else "NOT met"
    print(f"target: under 120 s at 1,000,000 dossiers ({met}"
          f"{'' if r['dossiers'] == 1_000_000 else ', extrapolated linearly'})")


if __name__ == "__main__":
    main()
