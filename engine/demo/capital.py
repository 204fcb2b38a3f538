"""The demo's capital: each feasibility-study dossier is a project (a design dossier joins an earlier
project of its division, or starts its own), with a 2024 capital plan, a few adjustments and the
cumulative disbursement at each month's end, written as the finance office's capital file
(``OUT/von-dau-tu-cong.csv``) and imported through ``thamdinh capital import``.

A project disburses little (site clearance, surveys) until its dossier is approved, then climbs to its
year's end; a project whose dossier is still with the department at the year's end stays low. So the
progress table, the hold-ups, the monthly report's capital section and the evaluation's disbursement
criterion have something to show. The seed is fixed: the same run gives the same figures.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path
from typing import Any

from ..bootstrap import App
from ..domain.capital import plan_window
from ..reporting.capital_workbook import write_holdups_xlsx, write_progress_xlsx
from ..reporting.periods import Period
from .plans import Plan

PLAN_BILLIONS = {"A": (60, 200), "B": (15, 60), "C": (2, 15)}
HEADER = ["kind", "project", "name", "investor", "capital_source", "division", "year", "date", "amount",
          "decision", "dossiers"]
MILLION = 1_000_000


def _approved(app: App, day: dt.date, plan: Plan) -> dt.date | None:
    offsets = [o for o, e, _ in plan.events if e == "approve"]
    if not offsets:
        return None
    try:
        return app.calendar.add_working_days(day, offsets[0])
    except Exception:  # beyond the calendar's years: not approved within the demo
        return None


def _projects(app: App, plans: list[tuple[dt.date, Plan]], rng: random.Random) -> list[dict[str, Any]]:
    projects: list[dict[str, Any]] = []
    by_division: dict[str, list[dict[str, Any]]] = {}
    for day, plan in plans:
        r = plan.receive
        own = by_division.get(r["division"], [])
        if r["workflow"] != "project-appraisal" and own and rng.random() < 0.7:
            project = rng.choice(own[-40:])
        else:
            project = {"code": f"DA-2024-{len(projects) + 1:04d}", "name": r["name"], "investor": r["investor"],
                       "source": rng.choice(("Ngân sách tỉnh", "Ngân sách trung ương", "Ngân sách tỉnh")),
                       "division": r["division"], "group": r["group"], "received": day, "dossiers": [],
                       "approved": None}
            projects.append(project)
            by_division.setdefault(r["division"], []).append(project)
        project["dossiers"].append(plan.code)
        approved = _approved(app, day, plan)
        if approved and (project["approved"] is None or approved < project["approved"]):
            project["approved"] = approved
    return projects


def _rows(p: dict[str, Any], rng: random.Random, year: int) -> list[list[Any]]:
    lo, hi = PLAN_BILLIONS[p["group"]]
    assigned = rng.randint(lo * 1000, hi * 1000) * MILLION
    decided = dt.date(year - 1, 12, 20) if p["received"].month < 7 else dt.date(year, 7, 15)
    rows = [["assigned", p["code"], p["name"], p["investor"], p["source"], p["division"], year, decided,
             f"{assigned:,}".replace(",", "."), f"{rng.randint(100, 999)}/QĐ-UBND", ";".join(p["dossiers"])]]
    plan = assigned
    if rng.random() < 0.15:
        change = rng.choice((-1, 1)) * assigned * rng.randint(10, 20) // 100 // MILLION * MILLION
        plan += change
        rows.append(["adjustment", p["code"], "", "", "", "", year, dt.date(year, 10, 15), str(change),
                     f"{rng.randint(100, 999)}/QĐ-UBND", ""])
    approved, end = p["approved"], plan_window(year)[1]
    final = rng.uniform(0.88, 1.0) if approved and approved < dt.date(year, 11, 30) else rng.uniform(0.3, 0.6)
    share = 0.0
    for month in Period(dt.date(year, 3, 1), end, "").months():
        if month.end < p["received"]:
            continue
        if approved is None or month.end < approved:
            share = min(share + rng.uniform(0.0, 0.04), 0.25)
        else:
            left = max((end - month.end).days, 0) / max((end - approved).days, 1)
            share = max(share, final - (final - share) * left)
        amount = int(plan * share) // MILLION * MILLION
        rows.append(["disbursed", p["code"], "", "", "", "", year, month.end, str(amount), "", ""])
    return rows


def give_capital(app: App, plans: list[tuple[dt.date, Plan]], out: Path, report_dir: Path, year: int = 2024,
                 seed: int = 20240201) -> dict[str, Any]:
    """Write the capital file, import it, write the year-end progress and hold-ups; returns what was done."""
    rng = random.Random(seed)
    projects = _projects(app, plans, rng)
    path = out / "von-dau-tu-cong.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for p in projects:
            w.writerows([[v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v for v in row]
                         for row in _rows(p, rng, year)])
    counts = app.capital.import_file(path)
    end = plan_window(year)[1]
    progress = app.capital.progress(end)
    report_dir.mkdir(parents=True, exist_ok=True)
    write_progress_xlsx(progress, report_dir / f"tien-do-giai-ngan-{end.isoformat()}.xlsx")
    write_holdups_xlsx(app.capital.holdups(end), report_dir / f"du-an-cho-tham-dinh-{end.isoformat()}.xlsx")
    t = progress["total"]
    return {"capital_file": str(path), "projects": counts["projects_added"], "capital_plan": t["plan"],
            "capital_disbursed": t["disbursed"], "capital_rate": t["rate"], "below_path": progress["below_path_count"]}
