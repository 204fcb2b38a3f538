"""What appraisal holds up: for each project with dossiers, the working days they spent with the
department and, apart, paused awaiting the investor, while its capital stayed undisbursed
(engine.domain.capital_time); and the director's table of the projects waiting on an appraisal on the
day (an open stage case of one of its dossiers, capital still undisbursed), the most capital first.

The days come from one read of every linked stage case as spans in text, one row per project
(engine.store.capital_spans); each distinct span becomes a mask of working days once, and a project's
days are the bits of their OR. Only the stage cases still open on the day are read one by one, for the
director's table.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from functools import reduce
from operator import or_
from typing import Any

from ..domain.calendar import WorkingCalendar
from ..domain.capital import CapitalGoal, plan_window
from ..domain.capital_time import span_bits, stage_spans, waiting_bits
from ..store.capital_spans import span_days
from ..store.database import Database, UnitOfWork
from .capital_progress import figures_and_projects, goal_data


class _Masks(dict[str, int]):
    """A span's text → its working days inside (base, day] as a mask, computed once per distinct span."""

    def __init__(self, cal: WorkingCalendar, lo: dt.date, day: dt.date) -> None:
        super().__init__()
        self.n, self.before, self.day = cal.working_day_number, lo - dt.timedelta(days=1), day
        self.base = self.n(self.before)

    def __missing__(self, span: str) -> int:
        start, end = span_days(span)
        a = self.n(max(start, self.before))
        b = self.n(self.day if end is None or end > self.day else end)
        self[span] = bits = span_bits(a, b, self.base) if b > a else 0
        return bits

    def union(self, spans: str) -> int:
        return reduce(or_, map(self.__getitem__, spans.split(",")), 0)


def project_days(uow: UnitOfWork, cal: WorkingCalendar, lo: dt.date,
                 day: dt.date) -> tuple[dict[int, tuple[int, int]], int]:
    """Every project with a linked stage case in [lo, day]: (its running days, its stage cases' days) as
    masks, and the mask's base (the working days before ``lo``)."""
    masks = _Masks(cal, lo, day)
    out: dict[int, tuple[int, int]] = {}
    for pid, never_paused, paused in uow.capital.linked_spans(lo, day):
        running = masks.union(never_paused) if never_paused else 0
        stages = running
        for case in paused.split(";") if paused else ():
            span, _, pauses = case.partition(":")
            bits = masks[span]
            stages |= bits
            running |= bits & ~masks.union(pauses) if pauses else bits
        out[pid] = (running, stages)
    return out, masks.base


class _Memo(dict[Any, Any]):
    """``fn`` of a value, computed once per distinct value (a few hundred days among 100,000s of rows)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key: Any) -> Any:
        self[key] = value = self.fn(key)
        return value


def _paused_case(start_n: int, end_n: int, pauses: str, day: dt.date, n: _Memo) -> tuple[int, int, bool]:
    """A paused open stage case's working days with the department and awaiting the investor, from its
    start, and whether it is paused on ``day``."""
    mine = [span_days(p) for p in pauses.split(",")]
    running, paused = stage_spans((start_n, end_n), [(n[p], n[q] if q is not None and q <= day else end_n)
                                                     for p, q in mine])
    return sum(b - a for a, b in running), sum(b - a for a, b in paused), any(q is None or q > day for _, q in mine)


def open_cases(uow: UnitOfWork, cal: WorkingCalendar, lo: dt.date, day: dt.date) -> dict[int, list[dict[str, Any]]]:
    """The linked stage cases still open on ``day``, per project, by start day and dossier: each one's days
    from its start (its pauses overlapping the window), paused or not on the day, overdue."""
    n, iso = _Memo(cal.working_day_number), _Memo(lambda d: d and d.isoformat())
    late_by = _Memo(lambda due: cal.working_days_between(due, day))
    end_n = n[day]
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pid, code, state, stage, start, due, division, officer, pauses in uow.capital.open_linked(lo, day):
        start_n = n[start]
        with_department, awaiting, is_paused = (_paused_case(start_n, end_n, pauses, day, n) if pauses
                                                else (end_n - start_n, 0, False))
        late = not is_paused and due is not None and due < day
        out[pid].append({"dossier": code, "state": state, "stage": stage, "start_date": iso[start],
                         "due_date": iso[due], "paused": is_paused, "with_department": with_department,
                         "awaiting_investor": awaiting, "overdue_working_days": late_by[due] if late else 0,
                         "division": division, "officer": officer})
    for listed in out.values():
        listed.sort(key=lambda c: (c["start_date"], c["dossier"], c["stage"]))
    return out


def holdups(database: Database, cal: WorkingCalendar, goal: CapitalGoal, as_of: dt.date) -> dict[str, Any]:
    """Per project: plan, disbursed, working days with the department and awaiting the investor (inside
    the plan's window up to ``as_of``, or up to the day its capital was all disbursed); and the projects
    waiting on an appraisal on ``as_of``. (The spans read on a second connection meanwhile saved no time on
    two busy CPUs and cost 2 s more of them: one connection.)"""
    lo_day, hi_day = plan_window(goal.plan_year)
    day = min(as_of, hi_day)
    with database.reading() as uow:
        figures, projects = figures_and_projects(uow, goal, day, trend=False)
        reached = uow.capital.first_reaching(goal.plan_year, lo_day, day)
        days, base = project_days(uow, cal, lo_day, day)
        cases = open_cases(uow, cal, lo_day, day)
    n, end_n = cal.working_day_number, cal.working_day_number(day)
    rows = []
    for pid in sorted(days, key=lambda p: projects[p][1]):
        f = figures.get(pid)
        plan, disbursed = (f.plan, f.disbursed) if f else (0, 0)
        hi = min(end_n, n(reached[pid])) if pid in reached else end_n
        w = waiting_bits(*days[pid], base, hi)
        # disbursed / plan: the float of the exact rate (an int division is correctly rounded)
        rows.append({"code": projects[pid][1], "name": projects[pid][2], "investor": projects[pid][3],
                     "division": projects[pid][5], "plan": plan, "disbursed": disbursed,
                     "undisbursed": max(plan - disbursed, 0), "rate": disbursed / plan if plan > 0 else None,
                     "with_department": w.with_department, "awaiting_investor": w.awaiting_investor,
                     "elapsed": w.elapsed, "appraisal_share": w.with_department / w.elapsed if w.elapsed else None,
                     "open": cases.get(pid, [])})
    waiting_rows = sorted((r for r in rows if r["open"] and r["undisbursed"] > 0),
                          key=lambda r: (-r["undisbursed"], r["code"]))
    return {"as_of": day.isoformat(), "goal": goal_data(goal, day), "projects": rows, "waiting": waiting_rows,
            "waiting_capital": sum(r["undisbursed"] for r in waiting_rows)}
