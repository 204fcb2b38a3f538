"""Disbursement progress against a movement's goal: per project, investor, capital source and for the
whole, as of a day (engine.domain.capital does the arithmetic; this module reads and groups).

Each line: the plan (assigned + adjustments decided by the day), the cumulative disbursed then, the
rate, the milestone path's share on that day and the gap, the projection at the target day from the pace
of the goal's last ``trend_months`` months, and whether the line is below the path. A group's figures
are the sums of its projects' (a rate of sums, not a mean of rates).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ..domain.capital import CapitalGoal, Figures, GoalOnDay, below_path, plan_window, progress_line, total
from ..domain.errors import BadInput
from ..store.database import UnitOfWork

BY = ("project", "investor", "capital_source")
BY_LABELS = {"project": "Dự án", "investor": "Chủ đầu tư", "capital_source": "Nguồn vốn"}


def project_figures(uow: UnitOfWork, goal: CapitalGoal, as_of: dt.date) -> dict[int, Figures]:
    """Every project with a plan of the goal's year or a figure in its window: its figures on ``as_of``."""
    lo, hi = plan_window(goal.plan_year)
    day = min(as_of, hi)
    plans = uow.capital.plan_sums(goal.plan_year, day)
    now = uow.capital.disbursed_on(lo, day) if day >= lo else {}
    since = goal.trend_start(day)
    before = uow.capital.disbursed_on(lo, since) if since >= lo else {}
    return {pid: Figures(plans.get(pid, 0), now.get(pid, 0), before.get(pid, 0))
            for pid in plans.keys() | now.keys()}




def goal_data(goal: CapitalGoal, as_of: dt.date) -> dict[str, Any]:
    return {"plan_year": goal.plan_year, "target": float(goal.target), "by": goal.by.isoformat(),
            "source": goal.source, "trend_months": goal.trend_months, "path_today": float(goal.path(as_of)),
            "milestones": [{"on": m.on.isoformat(), "share": float(m.share), "label": m.label,
                            "reached_by_path": m.on <= as_of} for m in goal.milestones]}


def progress(uow: UnitOfWork, goal: CapitalGoal, as_of: dt.date, by: str = "project") -> dict[str, Any]:
    """The progress table grouped ``by`` (project, investor, capital_source), the whole, and the
    projects below the milestone path (the largest shortfall first); raises BadInput on ``by``."""
    if by not in BY:
        raise BadInput(f"Không nhóm được theo «{by}».", hint="Chọn một trong: " + ", ".join(BY) + ".")
    figures = project_figures(uow, goal, as_of)
    projects = {r[0]: r for r in uow.capital.projects().values()}
    g = GoalOnDay.of(goal, as_of)
    if by == "project":
        rows = [{"key": p[1], "projects": 1, "name": p[2], "investor": p[3], "capital_source": p[4],
                 "division": p[5], **progress_line(g, figures[pid])}
                for pid, p in sorted(((pid, projects[pid]) for pid in figures), key=lambda x: x[1][1])]
        below = [r for r in rows if r["below_path"]]
    else:
        column = 3 if by == "investor" else 4
        groups: dict[str, list[Figures]] = defaultdict(list)
        for pid, f in figures.items():
            groups[projects[pid][column] or "—"].append(f)
        rows = [{"key": key, "projects": len(groups[key]), **progress_line(g, total(groups[key]))}
                for key in sorted(groups)]
        below = [{"key": p[1], "projects": 1, "name": p[2], "investor": p[3], "capital_source": p[4],
                  "division": p[5], **progress_line(g, f)}
                 for pid, f in figures.items() if below_path(g, f) and (p := projects[pid])]
    below.sort(key=lambda r: (-r["needed_for_path"], r["key"]))
    return {"as_of": as_of.isoformat(), "by": by, "by_label": BY_LABELS[by], "goal": goal_data(goal, as_of),
            "rows": rows, "total": {"projects": len(figures), **progress_line(g, total(figures.values()))},
            "below_path": below}
