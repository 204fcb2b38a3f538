"""Benchmark: the monthly report and the year's evaluation on a large SQLite or PostgreSQL database.

    python bench/report_bench.py                  # 1,000,000 dossiers (built once, then reused)
    python bench/report_bench.py --dossiers 100000 --db /tmp/bench-100k.db
    python bench/report_bench.py --pg postgresql+psycopg://postgres@localhost:5432/thamdinh_bench

The database holds dossiers, their stage clocks and pauses (no event history, which no metric reads;
each finished clock with the turnaround the engine stores when it closes it, engine/domain/deadlines.py),
receipts spread over ten months (Feb–Nov 2024), so each month holds about a tenth of the dossiers:
100,000 at the default size. One generator (``generate``, fixed seed) makes the rows for both
backends, so both hold the same data. The schema is the project's own migrations. SQLite is loaded
with raw ``sqlite3.executemany``; PostgreSQL (``--pg``: the database is created if missing) with
psycopg's ``COPY``, its secondary indexes and foreign keys dropped during the load and made again
after it, then ``VACUUM ANALYZE``. A database is kept and reused while its schema is the Alembic head
(on PostgreSQL, also while it holds ``--dossiers`` dossiers). Building runs in a child process, so
the peak resident memory printed is that of the measuring process alone.

Measured, each beside a naive baseline that loads the rows into Python and computes the same numbers
there (working days with the calendar, percentiles with ``statistics``; read with sqlite3 or psycopg):

- the monthly report of the month just ended (November 2024: data run to 31/01/2025) with all its
  tables, percentiles, the campaign trend and the overdue list, rendered to HTML; target under 2 s;
  also in XLSX, and the report of an older month (June 2024), whose backlog at the month's end has to
  be found among every stage finished since (a longer range of the same index);
- the year-end evaluation of the 2024 movement (divisions and officers); target under 5 s;

with the peak of Python allocations (tracemalloc) and the process's peak resident memory
(``resource.getrusage``), target under 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DIVISIONS = {"QLXD": ["cv.pham", "cv.vo", "cv.dang"], "QHKT": ["cv.bui", "cv.do"], "HTKT": ["cv.ngo", "cv.duong"]}
NOW = dt.date(2025, 1, 31)


# -- the data ---------------------------------------------------------------------------------
D_COLS = ("id, code, project_name, investor, project_group, grade, capital_source, division, officer, "
          "workflow_id, workflow_version, rule_version, state, resume_state, counters, supplement_requests, "
          "open_clock_id, blockers, received_on, received_at, last_event_at, closed_at, version")
C_COLS = ("id, dossier_id, division, officer, workflow_id, stage, seq, unit, limit_units, policy, extension, "
          "max_extension, start_date, "
          "segment_start, used_before, paused_on, pause_count, paused_days, due_date, finished_on, outcome, "
          "closed_by, paused_working_days, turnaround_working_days, turnaround_days")
P_COLS = "clock_id, paused_on, resumed_on, resumed_how, due_before"
X_COLS = "clock_id, extended_on, units, due_before"
E_COLS = "id, dossier_id, seq, event, from_state, to_state, actor, at, recorded_at, note, effects, channel"
Rows = list[tuple[Any, ...]]
TABLES = ("dossier", "stage_clock", "clock_pause", "clock_extension", "dossier_event")
COLS = dict(zip(TABLES, (D_COLS, C_COLS, P_COLS, X_COLS, E_COLS), strict=True))
HANDED_OVER = '[{{"type":"dossier_handed_over","from_officer":"{0}","to_officer":"{1}"}}]'


def _stamp(day: dt.date, hour: int) -> str:
    return f"{day.isoformat()} {hour:02d}:00:00.000000"


def _clock(rng: random.Random, cal: Any, start: dt.date, limit: int, out: dict[str, Rows],
           clock_id: int) -> dict[str, Any]:
    """One stage's clock as the engine would have left it on NOW: its pauses (each with the due date
    just before it, as the fire path records them), an extension (with the due date it replaced), the
    finishing day (None: still open on NOW; then perhaps paused for the investor, due date None)."""
    speed = rng.uniform(0.3, 1.1)
    work = max(1, int(limit * 5 / 7 * speed))
    pauses = 0 if rng.random() > 0.15 else (2 if rng.random() < 0.1 else 1)
    base = cal.add(start, limit, "days")
    due, paused_days, paused_wd, at = base, 0, 0, start
    for _ in range(pauses):
        p_on = cal.add_working_days(at, rng.randint(1, 3))
        r_on = cal.add_working_days(p_on, rng.randint(2, 10))
        out["clock_pause"].append((clock_id, p_on.isoformat(), r_on.isoformat(), "resume", due.isoformat()))
        paused_days += (r_on - p_on).days
        paused_wd += cal.working_days_between(p_on, r_on)
        due = cal.next_working_day(base + dt.timedelta(days=paused_days))
        at = r_on
    finish = cal.add_working_days(at, max(1, work - 2) if pauses else work)
    extension = 0
    if not pauses and rng.random() < 0.04:  # a written extension of the same length, once (Decree 217)
        on = cal.add_working_days(start, rng.randint(1, 5))
        if on < min(finish, NOW):
            out["clock_extension"].append((clock_id, on.isoformat(), limit, due.isoformat()))
            extension, due = limit, cal.add(start, 2 * limit, "days")
    paused_on = None
    if finish > NOW and not extension and rng.random() < 0.3:  # open on NOW, the investor holding it since a day
        p_on = cal.add_working_days(max(at, start), rng.randint(1, 15))
        if p_on <= NOW:
            out["clock_pause"].append((clock_id, p_on.isoformat(), None, None, due.isoformat()))
            paused_on, due, pauses = p_on, None, pauses + 1
    return {"finish": None if finish > NOW else finish, "due": due, "pauses": pauses, "paused_days": paused_days,
            "paused_wd": paused_wd, "extension": extension, "paused_on": paused_on}


def generate(cal: Any, n: int, seed: int = 7, chunk: int = 50_000) -> Iterator[dict[str, Rows]]:
    """The rows of ``n`` dossiers, in chunks of {table: rows}, columns as COLS; days as ISO text,
    timestamps as UTC text. The same seed gives the same rows, on either backend. The history holds
    each dossier's receipt and its handovers (5% of the dossiers are handed to a colleague once, while
    a stage runs): the rows the metrics read (a backlog as of a period's end names the officer then)."""
    from engine.domain.deadlines import judge

    rng = random.Random(seed)
    days = list(cal.working_days_in(dt.date(2024, 2, 1), dt.date(2024, 11, 30)))
    clock_id = event_id = 0
    for lo in range(0, n, chunk):
        out: dict[str, Rows] = {t: [] for t in TABLES}
        for i in range(lo, min(n, lo + chunk)):
            received = days[i * len(days) // n]
            division = rng.choices(list(DIVISIONS), weights=(45, 20, 35))[0]
            officer = rng.choice(DIVISIONS[division])
            workflow = "project-appraisal" if rng.random() < 0.7 else "post-basic-design"
            group = rng.choices("ABC", weights=(8, 32, 60))[0]
            grade = rng.choice(("I", "II", "III", "IV"))
            stages = [("appraisal", {"A": 35, "B": 25, "C": 15}[group]), ("post_basic_design", 30)] \
                if workflow == "project-appraisal" else [("design_appraisal", 30)]
            handover = rng.random() < 0.05
            start, open_id, state, closed, supp = received, None, "approved", None, 0
            event_id += 1
            out["dossier_event"].append((event_id, i + 1, 1, "receive", None, "received", "mc.truong",
                                         _stamp(received, 2), _stamp(received, 2), None, None, "cli"))
            seq = 1
            for n_stage, (stage, limit) in enumerate(stages, 1):
                clock_id += 1
                k = _clock(rng, cal, start, limit, out, clock_id)
                supp += k["pauses"]
                if handover:  # handed over on a day while this stage ran: it and the later stages go
                    to = rng.choice([o for o in DIVISIONS[division] if o != officer] or [officer])
                    on = cal.add_working_days(start, 1)
                    if on < (k["finish"] or NOW) and to != officer:
                        seq, event_id, handover = seq + 1, event_id + 1, False
                        out["dossier_event"].append((event_id, i + 1, seq, "reassign", "appraising", "appraising",
                                                     "gd.tran", _stamp(on, 3), _stamp(on, 3), None,
                                                     HANDED_OVER.format(officer, to), "cli"))
                        officer = to
                due, finish = k["due"], k["finish"]
                row = [clock_id, i + 1, division, officer, workflow, stage, n_stage, "days", limit, "resume",
                       k["extension"], limit, start.isoformat(), start.isoformat(), 0,
                       None if k["paused_on"] is None else k["paused_on"].isoformat(), k["pauses"], k["paused_days"],
                       None if due is None else due.isoformat()]
                if finish is None:
                    out["stage_clock"].append((*row, None, None, None, k["paused_wd"], None, None))
                    open_id, state = clock_id, "appraising" if k["paused_on"] is None else "awaiting_supplement"
                    break
                # what the engine stores when it finishes the clock (deadlines.finish)
                out["stage_clock"].append((*row, finish.isoformat(), judge(finish, due), "approve", k["paused_wd"],
                                           cal.working_days_between(start, finish) - k["paused_wd"],
                                           (finish - start).days - k["paused_days"]))
                start = finish
            if state == "approved":
                closed = f"{start.isoformat()} 09:00:00.000000"
            stamp = _stamp(received, 2)
            out["dossier"].append((i + 1, f"HS-{i + 1:07d}", f"Dự án số {i + 1}", "Ban QLDA", group, grade, "NSNN",
                                   division, officer, workflow, 1,
                                   "law-62-2020" if workflow == "project-appraisal" else "decree-15-2021",
                                   state, None, "{}", supp, open_id, None, received.isoformat(), stamp, stamp, closed,
                                   1))
        yield out


def _schema(url: str) -> Any:
    """Apply the project's migrations and load the organisation; returns the working calendar."""

    from engine.bootstrap import App
    from engine.io.resources import workflows_dir
    from engine.io.settings import Settings

    app = App(Settings().with_(database_url=url))
    app.init()
    app.services.load_org(workflows_dir() / "org" / "sample-department.yaml")
    cal = app.calendar
    app.close()
    return cal


# -- building: SQLite --------------------------------------------------------------------------
def build(db: Path, n: int, seed: int = 7, history: bool = True) -> None:
    """The SQLite database of ``n`` dossiers; ``history=False`` leaves ``dossier_event`` empty (for a
    caller that writes a history of its own: bench/backup_bench.py)."""
    if db.exists():
        db.unlink()
    cal = _schema(f"sqlite:///{db}")
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    sqls = {t: f"INSERT INTO {t} ({COLS[t]}) VALUES ({', '.join('?' * len(COLS[t].split(',')))})" for t in TABLES}
    for out in generate(cal, n, seed):
        for table, rows in out.items():
            if history or table != "dossier_event":
                con.executemany(sqls[table], rows)
        con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()


# -- building: PostgreSQL ----------------------------------------------------------------------
LOADED = TABLES


def _conninfo(url: str, database: str | None = None) -> str:
    """A libpq address for psycopg from a SQLAlchemy URL (optionally another database on the server)."""
    from sqlalchemy.engine import make_url

    u = make_url(url).set(drivername="postgresql")
    if database is not None:
        u = u.set(database=database)
    return u.render_as_string(hide_password=False)


def _pg_database(url: str, drop: bool) -> None:
    """Create the database of ``url`` if it is missing (dropped first if ``drop``), from the server's
    maintenance database."""
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    if not name:
        raise SystemExit(f"--pg: no database named in {url}")
    last: Exception | None = None
    for admin in ("postgres", "template1"):
        try:
            con = psycopg.connect(_conninfo(url, admin), autocommit=True)
        except psycopg.OperationalError as e:
            last = e
            continue
        with con:
            if drop:
                con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            if con.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
                con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return
    raise SystemExit(f"--pg: cannot reach the server's maintenance database: {last}")


def build_pg(url: str, n: int, seed: int = 7) -> None:
    """The same rows with COPY, the secondary indexes and foreign keys of the loaded tables dropped
    during the load and made again after it, then VACUUM ANALYZE (the visibility map that index-only
    scans need, and the planner's statistics)."""
    import psycopg

    _pg_database(url, drop=True)
    cal = _schema(url)
    with psycopg.connect(_conninfo(url)) as con:
        con.execute("SET TIME ZONE 'UTC'")  # the generated timestamps are UTC
        con.execute("SET maintenance_work_mem = '512MB'")
        indexes = con.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
            "AND i.tablename = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname "
            "AND k.connamespace = current_schema()::regnamespace)", (list(LOADED),)).fetchall()
        fkeys = con.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", (list(LOADED),)).fetchall()
        for table, name, _ in fkeys:
            con.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            con.execute(f'DROP INDEX "{name}"')
        t0 = time.perf_counter()
        with con.cursor() as cur:
            for out in generate(cal, n, seed):
                for table, rows in out.items():
                    with cur.copy(f"COPY {table} ({COLS[table]}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
        t1 = time.perf_counter()
        for _, definition in indexes:
            con.execute(definition)
        for table, name, definition in fkeys:
            con.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for table in LOADED:  # explicit ids were loaded: the sequences go on after them
            con.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
        con.commit()
        t2 = time.perf_counter()
        con.autocommit = True
        con.execute("VACUUM ANALYZE")
    print(f"  rows generated and copied in {t1 - t0:.1f} s, {len(indexes)} indexes and {len(fkeys)} foreign keys "
          f"made again in {t2 - t1:.1f} s, VACUUM ANALYZE in {time.perf_counter() - t2:.1f} s", flush=True)


# -- the naive way -----------------------------------------------------------------------------
class Reader:
    """The naive baseline's own connection: sqlite3 on SQLite, psycopg on PostgreSQL; days are bound
    and come back as each driver has them (ISO text from sqlite3, dates from psycopg)."""

    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        self.pg = make_url(url).get_backend_name() == "postgresql"
        self.con: Any
        if self.pg:
            import psycopg

            self.con = psycopg.connect(_conninfo(url))
            self.parse: Callable[[Any], dt.date] = _same
        else:
            self.con = sqlite3.connect(make_url(url).database or "")
            self.parse = dt.date.fromisoformat

    def day(self, d: dt.date) -> Any:
        return d if self.pg else d.isoformat()

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        """A cursor over the rows (``?`` placeholders on both)."""
        return self.con.execute(sql.replace("?", "%s") if self.pg else sql, params)

    def close(self) -> None:
        self.con.close()


def _same(d: dt.date) -> dt.date:
    """psycopg already returns dates."""
    return d


def naive_rows(con: Reader, where: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return con.rows(
        "SELECT d.division, d.officer, d.workflow_id, c.id, c.stage, c.unit, c.limit_units, c.start_date, "
        "c.finished_on, c.due_date, c.outcome, c.pause_count, c.paused_days FROM stage_clock c "
        f"JOIN dossier d ON d.id = c.dossier_id WHERE {where}", params).fetchall()


def naive_totals(app: Any, con: Reader, start: dt.date, end: dt.date, bys: tuple[tuple[int, ...], ...],
                 with_pct: bool) -> dict[tuple[int, ...], dict[tuple[Any, ...], dict[str, Any]]]:
    """Everything in Python: rows loaded once, working days counted with the calendar, grouped by hand."""
    finished = naive_rows(con, "c.finished_on BETWEEN ? AND ?", (con.day(start), con.day(end)))
    open_rows = naive_rows(con, "c.start_date <= ? AND (c.finished_on IS NULL OR c.finished_on > ?)",
                           (con.day(end), con.day(end)))
    pauses: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    changes: dict[int, list[tuple[Any, Any]]] = defaultdict(list)  # (day, due date before) of each change
    for cid, p, r, before in con.rows("SELECT clock_id, paused_on, resumed_on, due_before FROM clock_pause"):
        pauses[cid].append((p, r))
        changes[cid].append((p, before))
    for cid, on, before in con.rows("SELECT clock_id, extended_on, due_before FROM clock_extension"):
        changes[cid].append((on, before))
    e = con.day(end)
    # as of the end: paused then, or the due date the first change after it replaced (else today's)
    open_rows = [(*row[:9], None if any(p <= e and (r is None or r > e) for p, r in pauses.get(row[3], ()))
                  else min(((d, b is None, b or "") for d, b in changes.get(row[3], ()) if d > e),
                           default=(None, False, row[9]))[2] or None, *row[10:])
                 for row in open_rows]
    return {by: _naive_group(app, con, finished, open_rows, pauses, end, by, with_pct) for by in bys}


def _naive_group(app: Any, con: Reader, finished: list[tuple[Any, ...]], open_rows: list[tuple[Any, ...]],
                 pauses: dict[int, list[tuple[Any, Any]]], end: dt.date, by: tuple[int, ...],
                 with_pct: bool) -> dict[tuple[Any, ...], dict[str, Any]]:
    cal = app.calendar
    out: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    wds: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    e, day = con.day(end), con.parse
    for row in finished:
        key = tuple(row[i] for i in by)
        t = out[key]
        outcome = None if row[10] is None else ("late" if row[11] > 1 else row[10])
        st, fi = day(row[7]), day(row[8])
        paused = sum(cal.working_days_between(day(p), day(r))
                     for p, r in pauses.get(row[3], ()))
        wd = cal.working_days_between(st, fi) - paused
        days = (fi - st).days - row[12]
        t["finished"] += 1
        t[outcome or "not_judged"] += 1
        t["wd_sum"] += wd
        t["used_sum"] += wd if row[5] == "working_days" else days
        t["limit_sum"] += row[6]
        t["repeated"] += row[11] > 1
        wds[key].append(wd)
    for row in open_rows:
        t = out[tuple(row[i] for i in by)]
        t["backlog"] += 1
        t["open_overdue"] += row[9] is not None and row[9] < e
    if with_pct:
        for key, values in wds.items():
            values.sort()
            out[key]["wd_median"] = statistics.median(values)
            p90 = statistics.quantiles(values, n=10, method="inclusive")[-1] if len(values) > 1 else values[0]
            out[key]["wd_p90"] = p90
    return out


# -- measuring ---------------------------------------------------------------------------------
def timed(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs (the machines are noisy), and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def peak_mb(fn: Callable[[], Any]) -> float:
    """Peak of Python allocations during ``fn`` (a second run: tracemalloc slows Python down)."""
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak


def pg_plans(app: Any, fn: Callable[[], Any]) -> str:
    """How PostgreSQL plans the statements on ``stage_clock`` that ``fn`` sends (EXPLAIN of each, after
    one run): how many read ix_stage_clock_finished_dims alone (index-only), how many scan the table.
    The statements are caught on their way through the units of work (``UnitOfWork.execute``, wrapped
    for the run: the reports may run them on two threads)."""
    from engine.store.database import UnitOfWork

    sent: list[tuple[str, Any]] = []
    execute = UnitOfWork.execute

    def record(uow: UnitOfWork, statement: str, params: Any = ()) -> Any:
        if "stage_clock" in statement:
            sent.append((statement, params))
        return execute(uow, statement, params)

    UnitOfWork.execute = record  # type: ignore[method-assign,assignment]
    try:
        fn()
    finally:
        UnitOfWork.execute = execute  # type: ignore[method-assign]
    kinds: dict[str, int] = defaultdict(int)
    with app.database.reading() as uow:
        for statement, parameters in sent:
            plan = "\n".join(r[0] for r in uow.execute("EXPLAIN " + statement, parameters).fetchall())
            if "Seq Scan on stage_clock" in plan:
                kinds["quét tuần tự stage_clock"] += 1
            elif "Index Only Scan using ix_stage_clock_finished_dims" in plan:
                kinds["chỉ đọc chỉ mục phủ"] += 1
            else:
                kinds["kế hoạch khác"] += 1
    return ", ".join(f"{v} {k}" for k, v in kinds.items())


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _at_head(url: str, dossiers: int | None = None) -> bool:
    """Whether a database built earlier has the current schema (else it is built again), and, if
    ``dossiers`` is given, that many dossiers."""
    from engine.store.database import Database
    from engine.store.migrate import current_revision, head_revision

    database = Database(url)
    try:
        if current_revision(database.url) != head_revision():
            return False
        if dossiers is None:
            return True
        with database.reading() as uow:
            return bool(uow.execute("SELECT COUNT(*) FROM dossier").fetchone()[0] == dossiers)
    except Exception:
        return False
    finally:
        database.close()


def _shown(url: str) -> str:
    """The URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dossiers", type=int, default=1_000_000, help="dossiers in the database (default 1,000,000)")
    ap.add_argument("--db", type=Path, default=None, help="database file (default /tmp/thamdinh-bench-N.db)")
    ap.add_argument("--pg", metavar="URL", default=None,
                    help="measure on PostgreSQL instead: a SQLAlchemy URL, e.g. "
                         "postgresql+psycopg://postgres@localhost:5432/thamdinh_bench (the database is created "
                         "if missing, and dropped and made again when it is rebuilt)")
    ap.add_argument("--rebuild", action="store_true", help="build the database again even if it exists")
    ap.add_argument("--month", default="2024-11", help="the month just ended (default 2024-11)")
    ap.add_argument("--old-month", default="2024-06", help="a month further back, also measured (default 2024-06)")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive baselines")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each SQL measurement; the median is shown")
    ap.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    db = args.db or Path(f"/tmp/thamdinh-bench-{args.dossiers}.db")
    url = args.pg or f"sqlite:///{db}"
    if args.build_only:
        if args.pg:
            build_pg(args.pg, args.dossiers)
        else:
            build(db, args.dossiers)
        return
    if args.pg:
        stale = args.rebuild or not _at_head(args.pg, args.dossiers)
    else:
        stale = args.rebuild or not db.exists() or not _at_head(url)
    if stale:
        t0 = time.perf_counter()
        where = ["--pg", args.pg] if args.pg else ["--db", str(db)]
        print(f"Building {_shown(url) if args.pg else db} with {args.dossiers:,} dossiers (child process)...",
              flush=True)
        subprocess.run([sys.executable, __file__, "--build-only", "--dossiers", str(args.dossiers), *where],
                       check=True)
        print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)

    from sqlalchemy.engine import make_url

    from engine.bootstrap import App
    from engine.io.settings import Settings
    from engine.reporting.metrics import session
    from engine.reporting.periods import Period
    from engine.reporting.render import render_monthly_html

    app = App(Settings().with_(database_url=url))
    _ = app.calendar  # built once, as in any long-running process
    movement = app.reports.movement(None)  # the shipped movement (2024)
    month = Period.month(args.month)
    con = Reader(url)
    in_month = con.rows("SELECT COUNT(*) FROM dossier WHERE received_on BETWEEN ? AND ?",
                        (con.day(month.start), con.day(month.end))).fetchone()[0]
    clocks = con.rows("SELECT COUNT(*) FROM stage_clock").fetchone()[0]
    xlsx = Path(tempfile.gettempdir()) / f"thamdinh-bench-{make_url(url).database}.xlsx" if args.pg \
        else db.with_suffix(".xlsx")

    def monthly(month_: str = args.month) -> str:
        return render_monthly_html(app.reports.monthly(month_))

    def monthly_xlsx() -> Path:
        return app.reports.write_monthly(args.month, "xlsx", xlsx)

    def year() -> dict[str, Any]:
        return app.reports.evaluation(movement)

    rows: list[tuple[str, float, float, float | None, float | None, str]] = []

    def month_metrics() -> Any:
        with session(app.database, app.calendar) as ms:
            return [ms.table(month, by) for by in ([], ["division"], ["division", "officer"], ["workflow", "stage"])]

    mm_s, _ = timed(month_metrics, args.repeat)
    mm_mb = peak_mb(month_metrics)
    m_s, html = timed(monthly, args.repeat)
    x_s, _ = timed(monthly_xlsx, args.repeat)
    o_s, _ = timed(lambda: monthly(args.old_month), args.repeat)
    y_s, ev = timed(year, args.repeat)
    m_mb, x_mb, o_mb, y_mb = (peak_mb(monthly), peak_mb(monthly_xlsx), peak_mb(lambda: monthly(args.old_month)),
                              peak_mb(year))
    ours_rss = rss_mb()
    nm_s = nm_mb = ny_s = ny_mb = None
    if not args.no_naive:
        def naive_month() -> Any:
            return naive_totals(app, con, month.start, month.end, ((), (0,), (0, 1), (2, 4)), True)

        def naive_year() -> Any:
            return naive_totals(app, con, movement.start, movement.end, ((0,), (1,)), False)

        before = rss_mb()
        nm_s, nm = timed(naive_month)
        nm_mb = rss_mb() - before
        before = rss_mb()
        ny_s, ny = timed(naive_year)
        ny_mb = max(0.0, rss_mb() - before)
        # the same numbers both ways
        with session(app.database, app.calendar) as ms:
            (total,) = ms.table(month, [], with_percentiles=True)
        t = nm[()][()]
        keys = ("finished", "early", "late", "wd_sum", "backlog", "open_overdue")
        assert [t[k] for k in keys] == [total[k] for k in keys], "naive and SQL totals differ"
        assert t["wd_median"] == total["wd_median"]
        div = {r["code"]: r["counts"]["finished"] for r in ev["units"]["division"]}
        assert div == {k[0]: v["finished"] for k, v in ny[(0,)].items()}, "naive and SQL year totals differ"
    rows.append((f"Chỉ số tháng {args.month} (4 bảng)", mm_s, mm_mb, nm_s, nm_mb, ""))
    rows.append((f"Báo cáo tháng {args.month} (HTML)", m_s, m_mb, None, None, "< 2 s"))
    rows.append((f"Báo cáo tháng {args.month} (XLSX)", x_s, x_mb, None, None, ""))
    rows.append((f"Báo cáo tháng cũ {args.old_month} (HTML)", o_s, o_mb, None, None, ""))
    rows.append(("Chấm điểm thi đua cả năm", y_s, y_mb, ny_s, ny_mb, "< 5 s"))
    print()
    print(f"Thời gian SQL: trung vị của {args.repeat} lần chạy; naive: một lần.")
    if args.pg:
        version, buffers, work_mem = (con.rows(f"SHOW {x}").fetchone()[0]
                                      for x in ("server_version", "shared_buffers", "work_mem"))
        print(f"PostgreSQL {version.split()[0]} {_shown(url)} (shared_buffers {buffers}, work_mem {work_mem}) — "
              f"{args.dossiers:,} hồ sơ, {clocks:,} bước; tháng {args.month}: {in_month:,} hồ sơ tiếp nhận")
    else:
        print(f"SQLite {db} — {args.dossiers:,} hồ sơ, {clocks:,} bước; tháng {args.month}: {in_month:,} hồ sơ "
              "tiếp nhận")
    head = f"{'Việc':<34} {'SQL (s)':>8} {'MB':>7} {'Naive (s)':>10} {'MB':>7} {'Tỷ lệ':>7}  {'Mục tiêu':<8}"
    print(head)
    print("-" * len(head))
    for name, s, mb, ns, nmb, target in rows:
        ratio = f"{ns / s:6.1f}x" if ns else "     —"
        print(f"{name:<34} {s:>8.2f} {mb:>7.1f} {(f'{ns:.2f}' if ns else '—'):>10} "
              f"{(f'{nmb:.1f}' if nmb else '—'):>7} {ratio:>7}  {target:<8}")
    print("-" * len(head))
    print("Chỉ số tháng: tiếp nhận, giải quyết, trước/đúng/quá hạn, thời gian (tổng, trung vị, P90), tồn và tồn quá hạn"
          " theo tổng, phòng, cán bộ, quy trình × bước; báo cáo HTML thêm xu hướng cả đợt, danh sách quá hạn, biểu đồ.")
    print("MB: SQL = đỉnh cấp phát Python (tracemalloc, lần chạy riêng); naive = mức tăng bộ nhớ thường trú.")
    print(f"Bộ nhớ thường trú cao nhất của tiến trình đo sau các phép SQL (getrusage): {ours_rss:.0f} MB "
          "(mục tiêu < 300 MB)")
    load = os.getloadavg()
    print(f"Tải máy khi đo (load average 1/5/15 phút): {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} trên "
          f"{os.cpu_count()} lõi")
    if args.pg:
        print("Thời gian giải quyết (migration 0003) và phòng, cán bộ, quy trình (migration 0004) lưu sẵn trên "
              "stage_clock; kế hoạch PostgreSQL (EXPLAIN) của các truy vấn đọc stage_clock, chỉ mục phủ là "
              f"ix_stage_clock_finished_dims — báo cáo tháng {args.month}: {pg_plans(app, monthly)}; "
              f"chấm điểm cả năm: {pg_plans(app, year)}.")
    else:
        print("Thời gian giải quyết (migration 0003) và phòng, cán bộ, quy trình (migration 0004) lưu sẵn trên "
              "stage_clock; mọi truy vấn đọc chỉ mục phủ ix_stage_clock_finished_dims, gom nhóm theo ngày khi đọc.")
    print(f"HTML {len(html) // 1024} KiB; xếp hạng phòng: "
          + ", ".join(f"{r['rank']}. {r['code']} {r['score']:.2f}" for r in ev["units"]["division"]))
    con.close()
    app.close()


if __name__ == "__main__":
    main()
