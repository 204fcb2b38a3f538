"""Disbursement progress against a movement's goal: per project, investor, capital source and for the
whole, as of a day (engine.domain.capital does the arithmetic; this module reads and groups).

Each line: the plan (assigned + adjustments decided by the day), the cumulative disbursed then, the
rate, the milestone path's share on that day and the gap, the projection at the target day from the pace
of the goal's last ``trend_months`` months, and whether the line is below the path. A group's figures
are the sums of its projects' (a rate of sums, not a mean of rates).
"""

from __future__ import annotations

import datetime as dt
import gc
import heapq
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from ..domain.capital import CapitalGoal, Figures, GoalOnDay, plan_window, progress_line, total
from ..domain.errors import BadInput
from ..store.database import UnitOfWork

BY = ("project", "investor", "capital_source")
#: the projects below the path listed (the largest shortfall first); the table by project flags them all
BELOW_LIMIT = 100
BY_LABELS = {"project": "Dự án", "investor": "Chủ đầu tư", "capital_source": "Nguồn vốn"}


def figures_and_projects(uow: UnitOfWork, goal: CapitalGoal, as_of: dt.date, trend: bool = True,
                         each: Callable[[Figures, tuple[Any, ...]], object] | None = None
                         ) -> tuple[dict[int, Figures], dict[int, tuple[Any, ...]]]:
    """Every project with a plan of the goal's year or a figure in its window: its figures on ``as_of``
    (one read; without the trend's start, 0, unless ``trend``), and every project's row (id, code, name,
    investor, capital source, division, …). ``each(figures, row)`` is called on each of the first as it is
    read: on PostgreSQL a table's lines are built while the server reads the next projects."""
    lo, hi = plan_window(goal.plan_year)
    day = min(as_of, hi)
    figures: dict[int, Figures] = {}
    projects: dict[int, tuple[Any, ...]] = {}
    for r in uow.capital.figures(goal.plan_year, lo, day, goal.trend_start(day) if trend else None):
        projects[r[0]] = r
        if r[6] or r[7] is not None:  # the plan and the figures are ints (engine.store.capital.FIGURES)
            f = figures[r[0]] = Figures(r[6], r[7] or 0, r[8] or 0)
            if each is not None:
                each(f, r)
    return figures, projects


def project_figures(uow: UnitOfWork, goal: CapitalGoal, as_of: dt.date) -> dict[int, Figures]:
    """Every project with a plan of the goal's year or a figure in its window: its plan and disbursed on
    ``as_of`` (the trend's start not read)."""
    return figures_and_projects(uow, goal, as_of, trend=False)[0]


def goal_data(goal: CapitalGoal, as_of: dt.date) -> dict[str, Any]:
    return {"plan_year": goal.plan_year, "target": float(goal.target), "by": goal.by.isoformat(),
            "source": goal.source, "trend_months": goal.trend_months, "path_today": float(goal.path(as_of)),
            "milestones": [{"on": m.on.isoformat(), "share": float(m.share), "label": m.label,
                            "reached_by_path": m.on <= as_of} for m in goal.milestones]}


def _project_row(g: GoalOnDay, f: Figures, p: tuple[Any, ...]) -> dict[str, Any]:
    row = progress_line(g, f)
    row["key"], row["projects"], row["name"], row["investor"], row["capital_source"], row["division"] = \
        p[1], 1, p[2], p[3], p[4], p[5]
    return row


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """The cyclic garbage collector paused while a table's lines are built (100,000 dicts, none of them
    garbage; each full collection meanwhile walked every object of the process: 0.51 → 0.37 s of CPU for
    the table by project on PostgreSQL, 0.62 → 0.55 s on SQLite). It is process-wide: enabled again after
    if it was before."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def progress(uow: UnitOfWork, goal: CapitalGoal, as_of: dt.date, by: str = "project",
             below_limit: int = BELOW_LIMIT) -> dict[str, Any]:
    """The progress table grouped ``by`` (project, investor, capital_source), the whole, and the
    projects below the milestone path (the ``below_limit`` with the largest shortfall, and how many
    there are); raises BadInput on ``by``."""
    if by not in BY:
        raise BadInput(f"Không nhóm được theo «{by}».", hint="Chọn một trong: " + ", ".join(BY) + ".")
    with _no_cycle_collection():
        return _table(uow, goal, as_of, by, below_limit)


def _table(uow: UnitOfWork, goal: CapitalGoal, as_of: dt.date, by: str, below_limit: int) -> dict[str, Any]:
    g = GoalOnDay.of(goal, as_of)
    lines: list[dict[str, Any]] = []
    figures, projects = figures_and_projects(
        uow, goal, as_of, each=(lambda f, p: lines.append(_project_row(g, f, p))) if by == "project" else None)
    pn, pd = g.path_ratio
    # below the path (as below_path, in integers), each with its shortfall: the largest first, then by code
    behind = [(done - pn * plan // pd, projects[pid][1], pid) for pid, (plan, done, _) in figures.items()
              if plan > 0 and done * pd < pn * plan]
    worst = [pid for _, _, pid in heapq.nsmallest(below_limit, behind)]
    if by == "project":  # the rows come in code order (engine.store.capital.Capital.figures)
        rows = lines
    else:
        column = 3 if by == "investor" else 4
        groups: dict[str, list[Figures]] = defaultdict(list)
        for pid, f in figures.items():
            groups[projects[pid][column] or "—"].append(f)
        rows = [{"key": key, "projects": len(groups[key]), **progress_line(g, total(groups[key]))}
                for key in sorted(groups)]
    return {"as_of": as_of.isoformat(), "by": by, "by_label": BY_LABELS[by], "goal": goal_data(goal, as_of),
            "rows": rows, "total": {"projects": len(figures), **progress_line(g, total(figures.values()))},
            "below_path": [_project_row(g, figures[pid], projects[pid]) for pid in worst],
            "below_path_count": len(behind)}
