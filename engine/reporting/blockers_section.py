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
from ..domain.clock import local_date
from ..io.blockers import shipped_blocker_policy
from ..store.blockers import BlockerStore
from ..store.database import Database
from .periods import Period

#: the oldest open blockers listed
LIST_LIMIT = 50


def _row(cal: WorkingCalendar, pol: b.BlockerPolicy, r: tuple[Any, ...], end: dt.date,
         divisions: dict[str, str]) -> dict[str, Any]:
    bid, division, raised_by, cause, _cause_on, raised_on, _resolved_on, _state, esc, desc, to, dossier, project = r
    escalated = esc is not None and local_date(esc) <= end
    return {"id": bid, "dossier": dossier, "project": project, "division": division,
            "division_name": divisions.get(division, division), "raised_by": raised_by,
            "cause_label": pol.cause_label(cause), "description": desc, "addressed_to_label": pol.addressee_label(to),
            "raised_on": raised_on.isoformat(), "working_days_open": b.working_days_open(cal, raised_on, end),
            "escalated": escalated}


def blockers_section(database: Database, cal: WorkingCalendar, period: Period, division: str | None = None,
                     divisions: dict[str, str] | None = None,
                     policy: b.BlockerPolicy | None = None) -> dict[str, Any] | None:
    """The section's data, or None when no blocker was open during the month."""
    pol = policy or shipped_blocker_policy()
    names = divisions or {}
    with database.reading() as uow:
        rows = BlockerStore(uow).alive_between(period.start, period.end, division)
    if not rows:
        return None
    start, end = period.start, period.end
    by_div: defaultdict[str, Counter[str]] = defaultdict(Counter)
    by_cause: defaultdict[str, Counter[str]] = defaultdict(Counter)
    still_open = []
    for r in rows:
        div, cause, cause_on, raised_on, resolved_on, esc = r[1], r[3], r[4], r[5], r[6], r[8]
        counts = Counter[str]()
        if raised_on >= start:
            counts.update(raised=1, prompt=int(cause_on is not None and b.raised_promptly(
                cal, cause_on, raised_on, pol.report_within)), dated=int(cause_on is not None))
        if resolved_on is not None and start <= resolved_on <= end:
            counts.update(resolved=1, resolve_days=b.working_days_open(cal, raised_on, resolved_on))
        if resolved_on is None or resolved_on > end:
            counts.update(open=1, escalated=int(esc is not None and local_date(esc) <= end))
            still_open.append(r)
        by_div[div].update(counts)
        by_cause[cause].update(counts)
    total = sum(by_div.values(), Counter[str]())

    def line(c: Counter[str]) -> dict[str, Any]:
        return {k: c[k] for k in ("raised", "dated", "prompt", "resolved", "open", "escalated")} | {
            "mean_resolve_days": round(c["resolve_days"] / c["resolved"], 1) if c["resolved"] else None}

    return {"report_within": pol.report_within, "escalate_after": pol.escalate_after, "total": line(total),
            "by_division": [{"division": d, "name": names.get(d, d), **line(c)} for d, c in sorted(by_div.items())],
            "by_cause": [{"cause": k, "label": pol.cause_label(k), **line(by_cause[k])}
                         for k in b.CAUSES if k in by_cause],
            "open": [_row(cal, pol, r, end, names) for r in still_open[:LIST_LIMIT]],
            "open_truncated": len(still_open) > LIST_LIMIT}
