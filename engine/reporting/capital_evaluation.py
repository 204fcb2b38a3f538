"""The evaluation's capital inputs: for each unit, the plan and the disbursed of the projects it
appraised, for the movement's disbursement criteria (metric ``disbursement_rate``).

A unit appraised a project when a stage case of one of the project's dossiers was credited to it (the
division and officer on the stage clock) and ran during the period (started by its end, not finished
before its start). Each project counts once per unit, with its plan of the movement's plan year and its
cumulative disbursed as of the period's end (engine.reporting.capital_progress).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..domain.capital import Figures, total
from ..domain.movement import CAPITAL_METRICS, Movement
from ..store.database import Database
from .capital_progress import project_figures
from .periods import Period


def capital_totals(database: Database, movement: Movement, period: Period) -> dict[str, dict[str, dict[str, Any]]]:
    """unit kind → unit code → ``capital_plan``, ``capital_disbursed``, ``capital_projects``; empty when
    the movement weighs no capital criterion."""
    goal = movement.capital
    if goal is None or not any(c.metric in CAPITAL_METRICS for c in movement.criteria):
        return {}
    with database.reading() as uow:
        figures = project_figures(uow, goal, period.end)
        pairs = uow.capital.unit_projects(period.start, period.end)
    appraised: dict[str, dict[str, set[int]]] = {"division": defaultdict(set), "officer": defaultdict(set)}
    for division, officer, pid in pairs:
        if division:
            appraised["division"][division].add(pid)
        if officer:
            appraised["officer"][officer].add(pid)
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for unit, by_code in appraised.items():
        out[unit] = {}
        for code, pids in by_code.items():
            f = total(figures.get(p, Figures()) for p in pids)
            out[unit][code] = {"capital_plan": f.plan, "capital_disbursed": f.disbursed,
                               "capital_projects": len(pids)}
    return out
