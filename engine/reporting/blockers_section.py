"""The monthly report's blockers section (khó khăn, vướng mắc): what was raised and resolved in the
month, what is still open at its end (and how many were reported to the director), by division and by
cause, the mean working days to resolve, and the oldest still open, as of the month's end: a blocker
resolved after the month counts as open at its end, and one raised after it is not there.

Labels and the promptness threshold (``report_within``) come from the blockers file
(``workflows/blockers/blockers.yaml``); the figures come from the rows alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from ..domain import blockers as b
from ..domain.calendar import WorkingCalendar
from ..domain.clock import TZ
from ..io.blockers import shipped_blocker_policy
from ..store.blockers import BlockerStore
from ..store.database import Database
from .periods import Period

#: the oldest open blockers listed
LIST_LIMIT = 50


def _row(cal: WorkingCalendar, pol: b.BlockerPolicy, r: tuple[Any, ...], end: dt.date, after: dt.datetime,
         divisions: dict[str, str]) -> dict[str, Any]:
    bid, division, raised_by, cause, raised_on, esc, desc, to, dossier, project = r
    return {"id": bid, "dossier": dossier, "project": project, "division": division,
            "division_name": divisions.get(division, division), "raised_by": raised_by,
            "cause_label": pol.cause_label(cause), "description": desc, "addressed_to_label": pol.addressee_label(to),
            "raised_on": raised_on.isoformat(), "working_days_open": b.working_days_open(cal, raised_on, end),
            "escalated": esc is not None and esc < after}


def _line(c: Counter[str]) -> dict[str, Any]:
    return {k: c[k] for k in ("raised", "dated", "prompt", "resolved", "open", "escalated")} | {
        "mean_resolve_days": round(c["resolve_days"] / c["resolved"], 1) if c["resolved"] else None}


def blockers_section(database: Database, cal: WorkingCalendar, period: Period, division: str | None = None,
                     divisions: dict[str, str] | None = None,
                     policy: b.BlockerPolicy | None = None) -> dict[str, Any] | None:
    """The section's data, or None when no blocker was open during the month."""
    pol = policy or shipped_blocker_policy()
    names = divisions or {}
    start, end = period.start, period.end
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), TZ)
    with database.reading() as uow:
        counts, days, oldest = BlockerStore(uow).month(start, end, after, division, LIST_LIMIT + 1)
    if not counts:
        return None
    by_div: defaultdict[str, Counter[str]] = defaultdict(Counter)
    by_cause: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for div, cause, raised, resolved, still_open, escalated in counts:
        for c in (by_div[div], by_cause[cause]):
            c.update(raised=raised, resolved=resolved, open=still_open, escalated=escalated)
    extra: defaultdict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])  # dated, prompt, days
    within, number = pol.report_within, cal.working_day_number
    for div, cause, cause_on, raised_on, resolved_on in days:
        e = extra[(div, cause)]
        if raised_on >= start and cause_on is not None:
            e[0] += 1
            e[1] += b.raised_promptly(cal, cause_on, raised_on, within)
        if resolved_on is not None and start <= resolved_on <= end:
            e[2] += max(0, number(resolved_on) - number(raised_on))  # working days open (domain.blockers)
    for (div, cause), (dated, prompt, resolve_days) in extra.items():
        for c in (by_div[div], by_cause[cause]):
            c.update(dated=dated, prompt=prompt, resolve_days=resolve_days)
    total = sum(by_div.values(), Counter[str]())
    return {"report_within": pol.report_within, "escalate_after": pol.escalate_after, "total": _line(total),
            "by_division": [{"division": d, "name": names.get(d, d), **_line(c)} for d, c in sorted(by_div.items())],
            "by_cause": [{"cause": k, "label": pol.cause_label(k), **_line(by_cause[k])}
                         for k in b.CAUSES if k in by_cause],
            "open": [_row(cal, pol, r, end, after, names) for r in oldest[:LIST_LIMIT]],
            "open_truncated": len(oldest) > LIST_LIMIT}
