"""Benchmark: the monthly report and the year's evaluation on a large SQLite database.

    python bench/report_bench.py                  # 1,000,000 dossiers (built once, then reused)
    python bench/report_bench.py --dossiers 100000 --db /tmp/bench-100k.db

The database is built with raw ``sqlite3.executemany`` (dossiers, their stage clocks and pauses; no event
history, which no metric reads; each finished clock with the turnaround the engine stores when it closes
it, engine/deadlines.py), receipts spread over ten months (Feb–Nov 2024), so each month holds
about a tenth of the dossiers: 100,000 at the default size. Building runs in a child process, so the
peak resident memory printed is that of the measuring process alone.

Measured, each beside a naive baseline that loads the rows into Python and computes the same numbers
there (working days with the calendar, percentiles with ``statistics``):

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
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DIVISIONS = {"QLXD": ["cv.pham", "cv.vo", "cv.dang"], "QHKT": ["cv.bui", "cv.do"], "HTKT": ["cv.ngo", "cv.duong"]}
NOW = dt.date(2025, 1, 31)


# -- building ----------------------------------------------------------------------------------
def build(db: Path, n: int, seed: int = 7) -> None:
    from engine.app import App
    from engine.deadlines import judge
    from engine.resources import workflows_dir
    from engine.settings import Settings

    if db.exists():
        db.unlink()
    app = App(Settings().with_(database_url=f"sqlite:///{db}"))
    app.services.init()
    app.services.load_org(workflows_dir() / "org" / "sample-department.yaml")
    cal = app.calendar
    app.close()
    rng = random.Random(seed)
    days = list(cal.working_days_in(dt.date(2024, 2, 1), dt.date(2024, 11, 30)))
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    d_cols = ("id, code, project_name, investor, project_group, grade, capital_source, division, officer, "
              "workflow_id, workflow_version, rule_version, state, resume_state, counters, supplement_requests, "
              "open_clock_id, blockers, received_on, received_at, last_event_at, closed_at, version")
    c_cols = ("id, dossier_id, division, officer, workflow_id, stage, seq, unit, limit_units, policy, extension, "
              "max_extension, start_date, "
              "segment_start, used_before, paused_on, pause_count, paused_days, due_date, finished_on, outcome, "
              "closed_by, paused_working_days, turnaround_working_days, turnaround_days")
    crows: list[tuple[Any, ...]]
    d_sql = f"INSERT INTO dossier ({d_cols}) VALUES ({', '.join('?' * 23)})"
    c_sql = f"INSERT INTO stage_clock ({c_cols}) VALUES ({', '.join('?' * 25)})"
    p_sql = "INSERT INTO clock_pause (clock_id, paused_on, resumed_on, resumed_how) VALUES (?, ?, ?, ?)"
    clock_id = 0
    chunk = 50_000
    for lo in range(0, n, chunk):
        drows: list[tuple[Any, ...]] = []
        crows = []
        prows: list[tuple[Any, ...]] = []
        for i in range(lo, min(n, lo + chunk)):
            received = days[i * len(days) // n]
            division = rng.choices(list(DIVISIONS), weights=(45, 20, 35))[0]
            officer = rng.choice(DIVISIONS[division])
            workflow = "project-appraisal" if rng.random() < 0.7 else "post-basic-design"
            group = rng.choices("ABC", weights=(8, 32, 60))[0]
            grade = rng.choice(("I", "II", "III", "IV"))
            stages = [("appraisal", {"A": 35, "B": 25, "C": 15}[group]), ("post_basic_design", 30)] \
                if workflow == "project-appraisal" else [("design_appraisal", 30)]
            start = received
            open_id = None
            state, closed = "approved", None
            supp = 0
            for seq, (stage, limit) in enumerate(stages, 1):
                clock_id += 1
                speed = rng.uniform(0.3, 1.1)
                work = max(1, int(limit * 5 / 7 * speed))
                pauses = 0 if rng.random() > 0.15 else (2 if rng.random() < 0.1 else 1)
                paused_days, paused_wd, at = 0, 0, start
                for _ in range(pauses):
                    p_on = cal.add_working_days(at, rng.randint(1, 3))
                    r_on = cal.add_working_days(p_on, rng.randint(2, 10))
                    paused_days += (r_on - p_on).days
                    paused_wd += cal.working_days_between(p_on, r_on)
                    prows.append((clock_id, p_on.isoformat(), r_on.isoformat(), "resume"))
                    at = r_on
                    supp += 1
                finish = cal.add_working_days(at, max(1, work - 2) if pauses else work)
                due = cal.add(start, limit, "days")
                if paused_days:
                    due = cal.next_working_day(due + dt.timedelta(days=paused_days))
                if finish > NOW:
                    crows.append((clock_id, i + 1, division, officer, workflow, stage, seq, "days", limit, "resume",
                                  0, limit, start.isoformat(),
                                  start.isoformat(), 0, None, pauses, paused_days, due.isoformat(), None, None, None,
                                  paused_wd, None, None))
                    open_id, state = clock_id, "appraising"
                    break
                crows.append((clock_id, i + 1, division, officer, workflow, stage, seq, "days", limit, "resume",
                              0, limit, start.isoformat(),
                              start.isoformat(), 0, None, pauses, paused_days, due.isoformat(), finish.isoformat(),
                              judge(finish, due), "approve", paused_wd,
                              # what the engine stores when it finishes the clock (deadlines.finish)
                              cal.working_days_between(start, finish) - paused_wd,
                              (finish - start).days - paused_days))
                start = finish
            if state == "approved":
                closed = f"{start.isoformat()} 09:00:00.000000"
            stamp = f"{received.isoformat()} 02:00:00.000000"
            drows.append((i + 1, f"HS-{i + 1:07d}", f"Dự án số {i + 1}", "Ban QLDA", group, grade, "NSNN", division,
                          officer, workflow, 1, "law-62-2020" if workflow == "project-appraisal" else "decree-15-2021",
                          state, None, "{}", supp, open_id, None, received.isoformat(), stamp, stamp, closed, 1))
        con.executemany(d_sql, drows)
        con.executemany(c_sql, crows)
        con.executemany(p_sql, prows)
        con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.close()


# -- the naive way -----------------------------------------------------------------------------
def naive_rows(con: sqlite3.Connection, where: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT d.division, d.officer, d.workflow_id, c.id, c.stage, c.unit, c.limit_units, c.start_date, "
        "c.finished_on, c.due_date, c.outcome, c.pause_count, c.paused_days FROM stage_clock c "
        f"JOIN dossier d ON d.id = c.dossier_id WHERE {where}", params).fetchall()


def naive_totals(app: Any, con: sqlite3.Connection, start: dt.date, end: dt.date, bys: tuple[tuple[int, ...], ...],
                 with_pct: bool) -> dict[tuple[int, ...], dict[tuple[Any, ...], dict[str, Any]]]:
    """Everything in Python: rows loaded once, working days counted with the calendar, grouped by hand."""
    finished = naive_rows(con, "c.finished_on BETWEEN ? AND ?", (start.isoformat(), end.isoformat()))
    open_rows = naive_rows(con, "c.start_date <= ? AND (c.finished_on IS NULL OR c.finished_on > ?)",
                           (end.isoformat(), end.isoformat()))
    pauses: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for cid, p, r in con.execute("SELECT clock_id, paused_on, resumed_on FROM clock_pause"):
        pauses[cid].append((p, r))
    return {by: _naive_group(app, finished, open_rows, pauses, end, by, with_pct) for by in bys}


def _naive_group(app: Any, finished: list[tuple[Any, ...]], open_rows: list[tuple[Any, ...]],
                 pauses: dict[int, list[tuple[str, str]]], end: dt.date, by: tuple[int, ...],
                 with_pct: bool) -> dict[tuple[Any, ...], dict[str, Any]]:
    cal = app.calendar
    out: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    wds: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    e = end.isoformat()
    for row in finished:
        key = tuple(row[i] for i in by)
        t = out[key]
        outcome = None if row[10] is None else ("late" if row[11] > 1 else row[10])
        st, fi = dt.date.fromisoformat(row[7]), dt.date.fromisoformat(row[8])
        paused = sum(cal.working_days_between(dt.date.fromisoformat(p), dt.date.fromisoformat(r))
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


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _at_head(db: Path) -> bool:
    """Whether a database built earlier has the current schema (else it is built again)."""
    from engine.store.db import head_revision, make_engine

    engine = make_engine(f"sqlite:///{db}")
    try:
        with engine.connect() as conn:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        return bool(current == head_revision(engine))
    except Exception:
        return False
    finally:
        engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dossiers", type=int, default=1_000_000, help="dossiers in the database (default 1,000,000)")
    ap.add_argument("--db", type=Path, default=None, help="database file (default /tmp/thamdinh-bench-N.db)")
    ap.add_argument("--rebuild", action="store_true", help="build the database again even if it exists")
    ap.add_argument("--month", default="2024-11", help="the month just ended (default 2024-11)")
    ap.add_argument("--old-month", default="2024-06", help="a month further back, also measured (default 2024-06)")
    ap.add_argument("--no-naive", action="store_true", help="skip the naive baselines")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each SQL measurement; the median is shown")
    ap.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    db = args.db or Path(f"/tmp/thamdinh-bench-{args.dossiers}.db")
    if args.build_only:
        build(db, args.dossiers)
        return
    if args.rebuild or not db.exists() or not _at_head(db):
        t0 = time.perf_counter()
        print(f"Building {db} with {args.dossiers:,} dossiers (child process)...", flush=True)
        subprocess.run([sys.executable, __file__, "--build-only", "--dossiers", str(args.dossiers), "--db", str(db)],
                       check=True)
        print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)

    from engine import reports
    from engine.app import App
    from engine.evaluation import evaluate, load_movement
    from engine.metrics import Period
    from engine.resources import workflows_dir
    from engine.settings import Settings

    app = App(Settings().with_(database_url=f"sqlite:///{db}"))
    _ = app.calendar  # built once, as in any long-running process
    movement = load_movement(workflows_dir() / "movements" / reports.DEFAULT_MOVEMENT)
    month = Period.month(args.month)
    con = sqlite3.connect(db)
    in_month = con.execute("SELECT COUNT(*) FROM dossier WHERE received_on BETWEEN ? AND ?",
                           (month.start.isoformat(), month.end.isoformat())).fetchone()[0]
    clocks = con.execute("SELECT COUNT(*) FROM stage_clock").fetchone()[0]

    def monthly(month_: str = args.month) -> str:
        return reports.render_monthly_html(reports.monthly_data(app, month_))

    def monthly_xlsx() -> Path:
        return reports.write_monthly(app, args.month, "xlsx", db.with_suffix(".xlsx"))

    def year() -> dict[str, Any]:
        return evaluate(app, movement)

    rows: list[tuple[str, float, float, float | None, float | None, str]] = []

    def month_metrics() -> Any:
        from engine.metrics import session

        with session(app) as ms:
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
        from engine.metrics import session

        with session(app) as ms:
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
    print(f"SQLite {db} — {args.dossiers:,} hồ sơ, {clocks:,} bước; tháng {args.month}: {in_month:,} hồ sơ tiếp nhận")
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
    print("Thời gian giải quyết (migration 0003) và phòng, cán bộ, quy trình (migration 0004) lưu sẵn trên "
          "stage_clock; mọi truy vấn đọc chỉ mục phủ ix_stage_clock_finished_dims, gom nhóm theo ngày khi đọc.")
    print(f"HTML {len(html) // 1024} KiB; xếp hạng phòng: "
          + ", ".join(f"{r['rank']}. {r['code']} {r['score']:.2f}" for r in ev["units"]["division"]))
    con.close()
    app.close()


if __name__ == "__main__":
    main()
