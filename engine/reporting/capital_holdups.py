"""What appraisal holds up: for each project with dossiers, the working days they spent with the
department and, apart, paused awaiting the investor, while its capital stayed undisbursed
(engine.domain.capital_time); and the director's table of the projects waiting on an appraisal on the
day (an open stage case of one of its dossiers, capital still undisbursed), the most capital first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ..domain.calendar import WorkingCalendar
from ..domain.capital import CapitalGoal, plan_window, rate
from ..domain.capital_time import Span, stage_spans, waiting
from ..store.database import UnitOfWork
from .capital_progress import goal_data, project_figures


def _open_case(r: tuple[Any, ...], running: list[Span], paused: list[Span], is_paused: bool,
               cal: WorkingCalendar, as_of: dt.date) -> dict[str, Any]:
    due = r[10]
    late = (not is_paused and due is not None and due < as_of)
    return {"dossier": r[1], "state": r[2], "stage": r[4], "start_date": r[5].isoformat(),
            "due_date": due.isoformat() if due else None, "paused": is_paused,
            "with_department": sum(b - a for a, b in running), "awaiting_investor": sum(b - a for a, b in paused),
            "overdue_working_days": cal.working_days_between(due, as_of) if late and due else 0,
            "division": r[11], "officer": r[12]}


def holdups(uow: UnitOfWork, cal: WorkingCalendar, goal: CapitalGoal, as_of: dt.date) -> dict[str, Any]:
    """Per project: plan, disbursed, working days with the department and awaiting the investor (inside
    the plan's window up to ``as_of``, or up to the day its capital was all disbursed); and the projects
    waiting on an appraisal on ``as_of``."""
    lo_day, hi_day = plan_window(goal.plan_year)
    day = min(as_of, hi_day)
    figures = project_figures(uow, goal, day)
    projects = {r[0]: r for r in uow.capital.projects().values()}
    reached = uow.capital.first_reaching(goal.plan_year, lo_day, day)
    pauses: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for clock_id, on, resumed in uow.capital.linked_pauses(lo_day, day):
        pauses[clock_id].append((on, resumed))
    n, end_n = cal.working_day_number, cal.working_day_number(day)
    lo_n = n(lo_day) - (1 if cal.is_working_day(lo_day) else 0)
    stages: dict[int, list[tuple[list[Span], list[Span]]]] = defaultdict(list)
    open_cases: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in uow.capital.linked_clocks(lo_day, day):
        finished = r[6] if r[6] is not None and r[6] <= day else None
        stop = n(finished) if finished else end_n
        mine = pauses.get(r[3])
        start_n = n(r[5])
        spans = stage_spans((start_n, stop), [(n(p), n(q) if q is not None and q <= day else end_n)
                                              for p, q in mine]) if mine else ([(start_n, stop)], [])
        stages[r[0]].append(spans)
        if finished is None:
            is_paused = any(q is None or q > day for _, q in pauses.get(r[3], []))
            open_cases[r[0]].append(_open_case(r, *spans, is_paused, cal, day))
    rows = []
    for pid in sorted(stages, key=lambda p: projects[p][1]):
        f = figures.get(pid)
        plan, disbursed = (f.plan, f.disbursed) if f else (0, 0)
        hi = min(end_n, n(reached[pid])) if pid in reached else end_n
        w = waiting(stages[pid], lo_n, hi)
        rows.append({"code": projects[pid][1], "name": projects[pid][2], "investor": projects[pid][3],
                     "division": projects[pid][5], "plan": plan, "disbursed": disbursed,
                     "undisbursed": max(plan - disbursed, 0), "rate": _float(rate(disbursed, plan)),
                     "with_department": w.with_department, "awaiting_investor": w.awaiting_investor,
                     "elapsed": w.elapsed, "appraisal_share": w.with_department / w.elapsed if w.elapsed else None,
                     "open": open_cases.get(pid, [])})
    waiting_rows = sorted((r for r in rows if r["open"] and r["undisbursed"] > 0),
                          key=lambda r: (-r["undisbursed"], r["code"]))
    return {"as_of": day.isoformat(), "goal": goal_data(goal, day), "projects": rows, "waiting": waiting_rows,
            "waiting_capital": sum(r["undisbursed"] for r in waiting_rows)}


def _float(x: Any) -> float | None:
    return None if x is None else float(x)
