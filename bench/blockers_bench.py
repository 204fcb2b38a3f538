"""Benchmark: the monthly report with its blockers section, and the evaluation with the blocker and
urging criteria, at 1,000,000 dossiers (SQLite).

    python bench/blockers_bench.py                    # 1,000,000 dossiers, 5% with a blocker, 10% urged
    python bench/blockers_bench.py --dossiers 100000 --db /tmp/bench-blockers-100k.db

The dossiers, stage clocks and pauses are report_bench.py's (its generator, built in a child process
into a file of this benchmark's own); then one blocker on every twentieth dossier (raised 0–20 working
days after receipt, a cause day 0–6 working days before, three in four resolved 1–15 working days
later) and an urge on every tenth (0–5 days after its first due date), written with ``executemany``.
Measured (median of ``--repeat`` runs): the blockers section alone; the whole monthly report of
November 2024 rendered to HTML (target under 2 s), beside the same report with the section left out;
the year's evaluation with the movement's blocker and urging criteria.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from report_bench import timed  # noqa: E402  (the same median of runs as the report benchmark's)

CAUSES = ("legal", "site_clearance", "investor_documents", "other_agency", "capital")
TO = {"legal": "director", "site_clearance": "other_agency", "investor_documents": "investor",
      "other_agency": "other_agency", "capital": "director"}
ESCALATE_AFTER = 5


def add_blockers(db: Path, seed: int = 11) -> tuple[int, int]:
    """One blocker on every 20th dossier, an urge on every 10th; returns how many of each."""
    from engine.bootstrap import App
    from engine.io.settings import Settings

    app = App(Settings().with_(database_url=f"sqlite:///{db}"))
    cal = app.calendar
    app.close()
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    con.execute("DELETE FROM urge")
    con.execute("DELETE FROM blocker_update")
    con.execute("DELETE FROM blocker")
    rows = con.execute("SELECT d.id, d.division, d.officer, d.received_on, c.due_date FROM dossier d "
                       "JOIN stage_clock c ON c.dossier_id = d.id AND c.seq = 1 WHERE d.id % 10 = 0").fetchall()
    blockers, urges = [], []
    for dossier_id, division, officer, received, due in rows:
        day = dt.date.fromisoformat(received)
        if dossier_id % 20 == 0:
            raised = cal.add_working_days(day, rng.randint(0, 20))
            cause = rng.choice(CAUSES)
            resolved = cal.add_working_days(raised, rng.randint(1, 15)) if rng.random() < 0.75 else None
            escalated = cal.add_working_days(raised, ESCALATE_AFTER)
            esc = f"{escalated.isoformat()} 00:05:00.000000" if resolved is None or resolved > escalated else None
            blockers.append((dossier_id, division, cause, "Vướng mắc (dữ liệu đo)", TO[cause],
                             cal.add_working_days(raised, -rng.randint(0, 6)).isoformat(), raised.isoformat(),
                             officer or "cv.pham", "resolved" if resolved else "open",
                             resolved.isoformat() if resolved else None, esc, f"{raised.isoformat()} 02:00:00.000000"))
        if due:
            at = dt.date.fromisoformat(due) + dt.timedelta(days=rng.randint(0, 5))
            urges.append((dossier_id, officer or "cv.pham", "tp.nguyen", f"{at.isoformat()} 03:00:00.000000"))
    con.executemany("INSERT INTO blocker (dossier_id, division, cause, description, addressed_to, cause_on, "
                    "raised_on, raised_by, state, resolved_on, escalated_at, updated_at, version) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)", blockers)
    con.executemany("INSERT INTO urge (dossier_id, officer, by_person, at) VALUES (?, ?, ?, ?)", urges)
    con.commit()
    con.execute("ANALYZE")
    con.close()
    return len(blockers), len(urges)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dossiers", type=int, default=1_000_000)
    ap.add_argument("--db", type=Path, default=None, help="default /tmp/thamdinh-bench-blockers-N.db")
    ap.add_argument("--rebuild", action="store_true", help="build the dossiers again even if the file exists")
    ap.add_argument("--month", default="2024-11")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    db = args.db or Path(f"/tmp/thamdinh-bench-blockers-{args.dossiers}.db")
    if args.rebuild or not db.exists():
        t0 = time.perf_counter()
        print(f"Building {db} with {args.dossiers:,} dossiers (report_bench.py, child process)...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "bench" / "report_bench.py"), "--build-only", "--dossiers",
                        str(args.dossiers), "--db", str(db)], check=True)
        print(f"  built in {time.perf_counter() - t0:.1f} s", flush=True)
    n_blockers, n_urges = add_blockers(db)

    from engine.bootstrap import App
    from engine.io.settings import Settings
    from engine.reporting import monthly as monthly_module
    from engine.reporting.blockers_section import blockers_section
    from engine.reporting.periods import Period
    from engine.reporting.render import render_monthly_html

    app = App(Settings().with_(database_url=f"sqlite:///{db}"))
    _ = app.calendar
    month = Period.month(args.month)
    movement = app.reports.movement(None)
    section_s, section = timed(lambda: blockers_section(app.database, app.calendar, month), args.repeat)
    with_s, _ = timed(lambda: render_monthly_html(app.reports.monthly(args.month)), args.repeat)
    keep = monthly_module.blockers_section
    monthly_module.blockers_section = lambda *a, **k: None  # type: ignore[assignment]
    try:
        without_s, _ = timed(lambda: render_monthly_html(app.reports.monthly(args.month)), args.repeat)
    finally:
        monthly_module.blockers_section = keep  # type: ignore[assignment]
    eval_s, result = timed(lambda: app.reports.evaluation(movement), 1)
    app.close()
    weighed = [c["id"] for c in result["movement"]["criteria"]]
    print(f"\n{args.dossiers:,} dossiers, {n_blockers:,} blockers, {n_urges:,} urges (SQLite, {db})")
    print(f"{'measure':<58} {'seconds':>8}")
    print(f"{'blockers section of ' + args.month + ' alone':<58} {section_s:>8.3f}")
    print(f"{'monthly report ' + args.month + ' (HTML) with the section':<58} {with_s:>8.3f}")
    print(f"{'monthly report ' + args.month + ' (HTML) without it':<58} {without_s:>8.3f}")
    print(f"{'evaluation of the year (criteria: ' + ', '.join(weighed) + ')':<58} {eval_s:>8.3f}")
    t = section["total"] if section else {}
    print(f"section: raised {t.get('raised')}, resolved {t.get('resolved')}, open {t.get('open')}, "
          f"escalated {t.get('escalated')}")


if __name__ == "__main__":
    main()
