"""A dossier as the domain sees it, the part of it firing an event reads, and one row of its history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .events import DomainEvent

GROUPS = ("A", "B", "C", "national")
GRADES = ("special", "I", "II", "III", "IV")
#: dossier fields a guard or a limit rule may look at
DOSSIER_FIELDS = ("group", "grade", "capital_source", "division", "officer")


@dataclass(frozen=True)
class Dossier:
    """One dossier as stored: its project, who holds it, and where it stands in its workflow."""

    id: int
    code: str
    project_name: str
    investor: str
    group: str
    grade: str | None
    capital_source: str | None
    division: str
    officer: str | None
    workflow_id: str
    workflow_version: int
    rule_version: str
    state: str
    received_on: dt.date
    last_event_at: dt.datetime
    version: int
    resume_state: str | None = None
    counters: Mapping[str, int] = field(default_factory=dict)
    supplement_requests: int = 0
    open_clock_id: int | None = None
    blockers: str | None = None
    received_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None

    @property
    def fields(self) -> dict[str, Any]:
        """What guards and limit rules may look at (DOSSIER_FIELDS)."""
        return guard_fields(self)


@dataclass(frozen=True)
class DossierState:
    """A dossier as firing an event reads it: who it is, its rules, where it stands and who holds it
    (a ``Dossier`` without its project, its receipt and its closing, which firing never reads: the
    store's fire path reads only these columns)."""

    id: int
    code: str
    group: str
    grade: str | None
    capital_source: str | None
    division: str
    officer: str | None
    workflow_id: str
    workflow_version: int
    rule_version: str
    state: str
    last_event_at: dt.datetime
    version: int
    resume_state: str | None = None
    counters: Mapping[str, int] = field(default_factory=dict)
    supplement_requests: int = 0
    open_clock_id: int | None = None
    #: the digest of its last history row (the store's hash chain)
    chain_head: str | None = None

    @property
    def fields(self) -> dict[str, Any]:
        """What guards and limit rules may look at (DOSSIER_FIELDS)."""
        return guard_fields(self)


def guard_fields(d: Dossier | DossierState) -> dict[str, Any]:
    return {"group": d.group, "grade": d.grade, "capital_source": d.capital_source, "division": d.division,
            "officer": d.officer}


@dataclass(frozen=True)
class HistoryEntry:
    """One row of a dossier's append-only history (the receipt is the first)."""

    seq: int
    event: str
    from_state: str | None
    to_state: str
    actor: str
    at: dt.datetime
    note: str | None
    effects: tuple[DomainEvent, ...] = ()
    #: through which channel (web, api, cli, import, scheduler, demo) and from which client address
    channel: str | None = None
    client: str | None = None
    #: the reason of an act recorded into a month whose report was issued (the director's correction)
    correction: str | None = None
