"""The blockers in the heads' daily digest: each division's unresolved blockers (on its dossiers and
its projects), said in Vietnamese with their working days open, and the text of the digest's
"Vướng mắc" column for each dossier listed (the dossier's own unresolved blockers)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ..domain import blockers as b
from ..domain.calendar import WorkingCalendar
from ..store.blockers import BlockerFilter, BlockerStore
from ..store.database import UnitOfWork

#: unresolved blockers read for one digest (all divisions)
LIMIT = 5000


def open_blockers(uow: UnitOfWork, policy: b.BlockerPolicy, cal: WorkingCalendar,
                  today: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Unresolved blockers by division, the oldest first."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in BlockerStore(uow).find(BlockerFilter(b.UNRESOLVED), LIMIT):
        days = b.working_days_open(cal, r.raised_on, today)
        out[r.division].append({
            "id": r.id, "dossier": r.dossier_code, "project": r.project_code, "raised_on": r.raised_on,
            "cause_label": policy.cause_label(r.cause), "description": r.description,
            "addressed_to_label": policy.addressee_label(r.addressed_to), "state_label": policy.state_label(r.state),
            "working_days_open": days, "escalated": r.escalated_at is not None,
            "text": f"{policy.cause_label(r.cause)}: {r.description} ({policy.state_label(r.state).lower()}, "
                    f"{days} ngày làm việc" + (", đã báo cáo Giám đốc" if r.escalated_at else "") + ")"})
    return out


def attach(by_division: dict[str, list[dict[str, Any]]], blockers: dict[str, list[dict[str, Any]]]) -> None:
    """Fill each listed dossier's "Vướng mắc" column, and list every division with unresolved blockers."""
    for division, lines in blockers.items():
        items = by_division.setdefault(division, [])
        by_code: dict[str, list[str]] = defaultdict(list)
        for line in lines:
            if line["dossier"]:
                by_code[line["dossier"]].append(line["text"])
        for item in items:
            texts = ([item["blockers"]] if item.get("blockers") else []) + by_code.get(item["code"], [])
            item["blockers"] = "; ".join(texts) or None
