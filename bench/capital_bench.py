"""Benchmark: the capital tables on a large SQLite (or PostgreSQL) database.

    python bench/capital_bench.py                   # 1,000,000 dossiers, 100,000 projects (built once, reused)
    python bench/capital_bench.py --dossiers 100000 --projects 10000
    python bench/capital_bench.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/thamdinh_capital_bench

The dossiers, their stage clocks and pauses are bench/report_bench.py's (``build`` or ``build_pg``, same
generator and seed); then ``--projects`` projects are added with the bare driver (sqlite3, or psycopg's
``COPY``): every dossier linked to one (id modulo the projects), an assigned 2024 plan each and an
adjustment for one in ten, and the cumulative disbursement of every project at each month's end from March
to November 2024. A database built at an older revision is upgraded to the newest (``App.init``, then
``ANALYZE``) rather than built again.

Measured (the median of ``--repeat`` runs: the wall time and this process's CPU time, in which SQLite
runs too; PostgreSQL's server is not counted), each beside a baseline in the same run:

- the progress table (``App.capital.progress`` on 30/11/2024) by project, by investor and by capital
  source; target under 2 s; baseline: the rows read with the bare driver and summed in a Python loop;
- the monthly report of November 2024 with its capital section, rendered to HTML; target under 2 s; and
  the section alone;
- the hold-ups (``App.capital.holdups``: every linked stage case's working days, the open ones listed);
- the import of 100,000 disbursement rows (a CSV of every project's figure on 31/12/2024, checked against
  the 900,000 stored figures, all or nothing); target under 30 s; baseline: the same rows inserted with
  ``executemany`` and no check. The rows are deleted again after each run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report_bench import Reader, _at_head, _shown  # noqa: E402  (the generator's module, beside this one)

INVESTORS = [f"Ban QLDA số {i}" for i in range(1, 41)]
SOURCES = ("Ngân sách tỉnh", "Ngân sách trung ương", "Vốn ODA")
MONTH_ENDS = [dt.date(2024, m + 1, 1) - dt.timedelta(days=1) for m in range(3, 12)]  # 31/03 … 30/11
AS_OF, MONTH, NEW_DAY = dt.date(2024, 11, 30), "2024-11", dt.date(2024, 12, 31)


def timed(fn: Any, repeat: int = 1) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs and the last result; the median CPU time of this process
    (SQLite runs in it) is kept in ``CPU`` for the table: on a shared machine under load, the wall time
    is mostly waiting for a CPU."""
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(time.process_time() - c0)
    CPU.append(sorted(cpus)[len(cpus) // 2])
    return sorted(walls)[len(walls) // 2], result


CPU: list[float] = []


def _load(r: Reader, table: str, cols: str, rows: Any) -> None:
    """Rows into ``table``: ``executemany`` with sqlite3, ``COPY`` with psycopg."""
    if r.pg:
        with r.con.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for values in rows:
                copy.write_row(values)
    else:
        r.con.executemany(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(cols.split(',')))})", rows)


def add_projects(url: str, n: int, seed: int = 11) -> None:
    """Projects, plans and month-end disbursement, and every dossier linked (raw sqlite3 or psycopg)."""
    rng = random.Random(seed)
    r = Reader(url)
    if not r.pg:
        r.con.execute("PRAGMA journal_mode=OFF")
        r.con.execute("PRAGMA synchronous=OFF")
    now = "2024-12-01 00:00:00"
    _load(r, "project", "id, code, name, investor, capital_source, division, created_at",
          [(i, f"DA-{i:06d}", f"Dự án số {i}", rng.choice(INVESTORS), rng.choice(SOURCES),
            rng.choice(("QLXD", "HTKT", "QHKT")), now) for i in range(1, n + 1)])
    plans, disbursed = [], []
    for i in range(1, n + 1):
        amount = rng.randint(2_000, 200_000) * 1_000_000
        plans.append((i, 2024, "assigned", amount, "2023-12-20", None, now))
        if i % 10 == 0:
            plans.append((i, 2024, "adjustment", -amount // 10, "2024-07-15", None, now))
        final, share = rng.uniform(0.4, 1.0), 0.0
        for k, day in enumerate(MONTH_ENDS, 1):
            share = max(share, final * k / (len(MONTH_ENDS) + 2) * rng.uniform(0.8, 1.1))
            disbursed.append((i, day.isoformat(), int(amount * 0.9 * share), now))
    _load(r, "capital_plan", "project_id, year, kind, amount, decided_on, decision, imported_at", plans)
    _load(r, "disbursement", "project_id, on_date, cumulative, imported_at", disbursed)
    r.rows(f"UPDATE dossier SET project_id = MOD(id, {int(n)}) + 1")
    if r.pg:
        for table in ("project", "capital_plan", "disbursement"):
            r.rows(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                   f"(SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)")
        r.con.commit()
        r.con.autocommit = True
        r.rows("VACUUM ANALYZE")
    else:
        r.rows("ANALYZE")
        r.con.commit()
    r.close()


def naive_progress(url: str) -> int:
    """The baseline: every plan and figure read with the bare driver, the latest per project kept in Python."""
    r = Reader(url)
    plan: dict[int, int] = {}
    for pid, amount in r.rows("SELECT project_id, amount FROM capital_plan WHERE year = 2024 AND decided_on <= ?",
                              (r.day(AS_OF),)):
        plan[pid] = plan.get(pid, 0) + amount
    latest: dict[int, tuple[Any, int]] = {}
    for pid, day, cumulative in r.rows("SELECT project_id, on_date, cumulative FROM disbursement "
                                       "WHERE on_date BETWEEN ? AND ?", (r.day(dt.date(2024, 1, 1)), r.day(AS_OF))):
        if pid not in latest or day > latest[pid][0]:
            latest[pid] = (day, cumulative)
    r.close()
    return sum(v[1] for v in latest.values()) + len(plan)


def import_file(url: str, n: int) -> Path:
    """A finance office's CSV of every project's cumulative figure on 31/12/2024."""
    r = Reader(url)
    last = dict(r.rows("SELECT project_id, MAX(cumulative) FROM disbursement GROUP BY project_id").fetchall())
    r.close()
    path = Path(tempfile.gettempdir()) / f"thamdinh-capital-bench-{n}.csv"
    with path.open("w", encoding="utf-8") as f:
        f.write("kind,project,year,date,amount\n")
        for i in range(1, n + 1):
            amount = f"{last[i] + 1_000_000:,}".replace(",", ".")  # as the finance office writes it
            f.write(f"disbursed,DA-{i:06d},2024,31/12/2024,{amount}\n")
    return path


def undo_import(url: str) -> None:
    r = Reader(url)
    r.rows("DELETE FROM disbursement WHERE on_date = ?", (r.day(NEW_DAY),))
    r.con.commit()
    r.close()


def raw_insert(url: str, n: int) -> None:
    """The import's floor: the same rows inserted with executemany, nothing checked."""
    r = Reader(url)
    sql = "INSERT INTO disbursement (project_id, on_date, cumulative, imported_at) VALUES (?, ?, ?, ?)"
    r.con.cursor().executemany(sql.replace("?", "%s") if r.pg else sql,
                               [(i, r.day(NEW_DAY), 10**12, "2025-01-01 00:00:00") for i in range(1, n + 1)])
    r.con.commit()
    r.close()


def _project_count(url: str) -> int | None:
    try:
        r = Reader(url)
        try:
            return int(r.rows("SELECT COUNT(*) FROM project").fetchone()[0])
        finally:
            r.close()
    except Exception:  # no database yet, or not this schema
        return None


def prepare(url: str, dossiers: int, projects: int, rebuild: bool) -> None:
    """Build the database, or reuse it; one built at an older revision is upgraded (the revisions since
    add indexes and tables, a few seconds) rather than built again."""
    db = Path(url.removeprefix("sqlite:///"))
    exists = url.startswith("postgresql") or db.exists()
    if not rebuild and exists and _project_count(url) == projects:
        if not _at_head(url):
            from engine.bootstrap import App
            from engine.io.settings import Settings

            t0 = time.perf_counter()
            app = App(Settings().with_(database_url=url))
            print(f"Upgrading {_shown(url)} to revision {app.init()}...", flush=True)
            app.close()
            r = Reader(url)
            r.con.commit()
            if r.pg:
                r.con.autocommit = True
            r.rows("ANALYZE")
            r.close()
            print(f"  upgraded in {time.perf_counter() - t0:.1f} s", flush=True)
        return
    t0 = time.perf_counter()
    where = ["--pg", url] if url.startswith("postgresql") else ["--db", str(db)]
    print(f"Building {_shown(url)} with {dossiers:,} dossiers and {projects:,} projects (child process)...",
          flush=True)
    subprocess.run([sys.executable, str(Path(__file__).parent / "report_bench.py"), "--build-only", "--dossiers",
                    str(dossiers), *where], check=True)
    add_projects(url, projects)
    print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)


def row(what: str, seconds: float, target: str, baseline: str, base_s: float | None,
        base_cpu: float | None = None) -> str:
    base = f"{base_s:8.2f} s {base_cpu:6.2f} s" if base_s is not None and base_cpu is not None else " " * 19
    return f"{what:<58} {seconds:8.2f} s {CPU[-1]:6.2f} s  {target:>8}  {baseline:<34} {base}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dossiers", type=int, default=1_000_000)
    ap.add_argument("--projects", type=int, default=100_000)
    ap.add_argument("--db", type=Path, default=None, help="default /tmp/thamdinh-capital-bench-N-P.db")
    ap.add_argument("--pg", metavar="URL", default=None,
                    help="on PostgreSQL instead: a SQLAlchemy URL, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/"
                         "thamdinh_capital_bench (built there once, dropped and made again by --rebuild)")
    ap.add_argument("--rebuild", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-holdups", action="store_true", help="skip the hold-ups (every linked stage case)")
    args = ap.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"thamdinh-capital-bench-{args.dossiers}-{args.projects}.db"
    url = args.pg or f"sqlite:///{db}"
    prepare(url, args.dossiers, args.projects, args.rebuild)

    from engine.bootstrap import App
    from engine.io.settings import Settings
    from engine.reporting.capital_section import capital_section
    from engine.reporting.periods import Period
    from engine.reporting.render import render_monthly_html

    undo_import(url)
    app = App(Settings().with_(database_url=url))
    _ = app.calendar
    r = args.repeat
    base, _ = timed(lambda: naive_progress(url), r)
    base_cpu = CPU[-1]
    results: list[str] = []
    for by in ("project", "investor", "capital_source"):
        s, data = timed(lambda by=by: app.capital.progress(AS_OF, by), r)
        first = by == "project"
        results.append(row(f"progress by {by} ({len(data['rows']):,} rows, {data['below_path_count']:,} below)", s,
                           "< 2 s", "naive: rows read, summed in Python" if first else "", base if first else None,
                           base_cpu))
    s, html = timed(lambda: render_monthly_html(app.reports.monthly(MONTH)), r)
    section: Any = app.reports.monthly(MONTH)["capital"]
    results.append(row(f"monthly report {MONTH} with its capital section, HTML", s, "< 2 s", "", None))
    s, _ = timed(lambda: capital_section(app.database, app.calendar, Period.month(MONTH)), r)
    results.append(row(f"  the capital section alone ({section['overdue_linked']:,} overdue linked)", s, "", "", None))
    if not args.no_holdups:
        s, held = timed(lambda: app.capital.holdups(AS_OF), r)
        results.append(row(f"hold-ups ({len(held['projects']):,} projects, {len(held['waiting']):,} waiting)", s,
                           "", "", None))
    path = import_file(url, args.projects)
    t_raw, _ = timed(lambda: (raw_insert(url, args.projects), undo_import(url)), 1)
    raw_cpu = CPU[-1]
    s, _ = timed(lambda: (app.capital.import_file(path), undo_import(url)), r)
    results.append(row(f"import of {args.projects:,} disbursement rows (CSV)", s, "< 30 s",
                       "raw executemany, no check", t_raw, raw_cpu))
    app.close()
    where = "PostgreSQL (CPU: this process's, the server's not counted)" if args.pg else "SQLite"
    print(f"{where}, {args.dossiers:,} dossiers, {args.projects:,} projects, "
          f"{args.projects * len(MONTH_ENDS):,} stored figures; median of {r} runs")
    print(f"{'measured':<58} {'wall':>10} {'CPU':>8}  {'target':>8}  {'baseline':<34} {'wall':>10} {'CPU':>8}")
    print("\n".join(results))


if __name__ == "__main__":
    main()
