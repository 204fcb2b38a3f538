"""The monthly report's capital section: the month's overdue appraisals linked to the capital they hold
up. Each stage case open and overdue at the month's end (as of that day, as the report's overdue list
reads it) whose dossier belongs to a project, with the project's plan, its cumulative disbursed at the
month's end and what is still undisbursed; the capital held up is the sum of the undisbursed of those
projects, each counted once.

The plan year of a month: its own year, except January, which is the last month of the previous
year's plan (a plan is disbursed until 31/01 of the next year, engine.domain.capital).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.calendar import WorkingCalendar
from ..domain.capital import plan_window
from ..domain.clock import TZ
from ..store.database import Database
from .periods import Period


def plan_year_of(period: Period) -> int:
    return period.end.year - 1 if period.end.month == 1 else period.end.year


def capital_section(database: Database, cal: WorkingCalendar, period: Period, division: str | None = None,
                    people: dict[str, str] | None = None,
                    stages: dict[str, str] | None = None) -> dict[str, Any] | None:
    """The section's data, or None when no project has a plan of the month's plan year; ``people`` and
    ``stages`` name the officers and the stages."""
    year = plan_year_of(period)
    lo, _ = plan_window(year)
    after = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), TZ)
    with database.reading() as uow:
        plan_total, disbursed_total = uow.capital.totals(year, lo, period.end)
        if not plan_total:
            return None
        overdue = uow.capital.overdue_linked(period.start, period.end, after, division)
        linked = uow.capital.of_projects(sorted({r[0] for r in overdue}), year, lo, period.end)
    end_wd = cal.working_day_number(period.end)
    rows = []
    for pid, code, div, officer, workflow, stage, start, due in overdue:
        p, plan, done = linked[pid]
        rows.append({"project": p[1], "project_name": p[2], "investor": p[3], "dossier": code, "division": div,
                     "officer": officer, "officer_name": (people or {}).get(officer, officer or "—"),
                     "stage_name": (stages or {}).get(stage, stage), "workflow": workflow, "stage": stage,
                     "start_date": start.isoformat(),
                     "due_date": due.isoformat(), "overdue_working_days": end_wd - cal.working_day_number(due),
                     "plan": plan, "disbursed": done, "undisbursed": max(plan - done, 0)})
    rows.sort(key=lambda r: (-r["undisbursed"], r["project"], r["due_date"], r["dossier"]))
    held = {r["project"]: r["undisbursed"] for r in rows}
    return {"plan_year": year, "overdue_linked": len(rows), "projects": len(held),
            "capital_held_up": sum(held.values()), "plan_total": plan_total,
            "disbursed_total": disbursed_total, "rows": rows}
