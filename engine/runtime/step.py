"""What the runtime reads (a dossier's snapshot) and what it returns (a step)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..domain.deadlines import StageClock
from ..domain.events import DomainEvent, DossierHandedOver


@dataclass(frozen=True)
class DossierSnapshot:
    """What the runtime needs to know about a dossier (a plain value, never an ORM row)."""

    state: str
    fields: Mapping[str, Any]
    resume_state: str | None = None
    counters: Mapping[str, int] = field(default_factory=dict)
    supplement_requests: int = 0

    @property
    def officer(self) -> str | None:
        value = self.fields.get("officer")
        return None if value is None else str(value)


@dataclass(frozen=True)
class Step:
    """Everything firing one event did: the dossier before and after, the clock a stage started
    (``opened``, to insert), the previously open clock as it is now (``changed``, to update), and the
    typed events in the order they happened."""

    event: str
    before: DossierSnapshot | None
    after: DossierSnapshot
    terminal: bool = False
    opened: StageClock | None = None
    changed: StageClock | None = None
    events: tuple[DomainEvent, ...] = ()

    @property
    def from_state(self) -> str | None:
        return self.before.state if self.before else None

    @property
    def to_state(self) -> str:
        return self.after.state

    @property
    def closes_clock(self) -> bool:
        """The clock that was open is closed now (a stage finished)."""
        return self.changed is not None and not self.changed.is_open

    @property
    def handed_to(self) -> str | None:
        for e in self.events:  # (a loop, not a generator: asked on every fire)
            if isinstance(e, DossierHandedOver):
                return e.to_officer
        return None
