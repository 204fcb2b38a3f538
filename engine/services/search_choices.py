"""The options of the search's selects, in Vietnamese: states and workflows from the workflow files,
divisions and officers from the organisation (as far as the viewer sees), due statuses, sorts."""

from __future__ import annotations

from typing import Any

from ..domain import due_status as ds
from ..domain.org import Person
from ..runtime.rulebook import Rulebook
from ..store.database import Database
from .access import Access


def choices(database: Database, rules: Rulebook, access: Access, viewer: Person | None,
            sorts: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """``{"state": [{"value", "label"}…], "division", "officer", "workflow", "due", "sort"}``."""
    seen = access.seen_division(viewer)
    with database.reading() as uow:
        divisions = [d for d in uow.people.divisions() if seen in (None, d.code)]
        people = [p for p in uow.people.all() if p.active and access.roles.any(p.roles, "holds_dossiers")
                  and seen in (None, p.division)]
    states: dict[str, str] = {}
    workflows: dict[str, str] = {}
    for wf in rules.workflows.values():
        workflows[wf.id] = wf.title
        for name, st in wf.states.items():
            states.setdefault(name, st.label)
    out: dict[str, list[dict[str, Any]]] = {
        "state": [{"value": k, "label": v} for k, v in sorted(states.items(), key=lambda kv: kv[1])],
        "division": [{"value": d.code, "label": d.name} for d in divisions],
        "officer": [{"value": p.id, "label": p.name} for p in sorted(people, key=lambda p: p.name)],
        "workflow": [{"value": k, "label": v} for k, v in sorted(workflows.items(), key=lambda kv: kv[1])],
        "due": [{"value": k, "label": ds.LABELS[k]} for k in (*ds.ORDER, ds.CLOSED)],
        "sort": [{"value": k, "label": v} for k, v in sorts.items()],
    }
    return out
