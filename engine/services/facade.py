"""The service layer's front door: one object the entry points hold, each use case a method that
takes a command (or a question) and returns plain data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..domain.caller import CLI, Via
from ..domain.clock import Clock
from ..domain.commands import Fire, FireMany, Receive
from ..domain.contact import InvestorContact
from ..domain.dossier import HistoryEntry
from ..domain.org import Person
from ..runtime.machine import CompiledWorkflow
from ..runtime.rulebook import Rulebook
from ..store.database import Database
from . import calendar
from .access import Access
from .dossiers import DossierWrites
from .importing import Importer
from .organisation import OrganisationService
from .queries import DossierQueries
from .search import DossierFinder


class Services:
    def __init__(self, database: Database, rules: Rulebook, clock: Clock, access: Access) -> None:
        self.rules = rules
        self.access = access
        self.writes = DossierWrites(database, rules, clock, access)
        self.queries = DossierQueries(database, rules, clock, access)
        #: the search, «Việc của tôi» and exports (engine.services.search)
        self.finder = DossierFinder(database, rules, clock, access)
        self.organisation = OrganisationService(database, access)
        self.importer = Importer(database, self.writes, self.assigns_officer)

    # -- dossiers ------------------------------------------------------------------------------
    def receive(self, cmd: Receive, via: Via = CLI, viewer: Person | None = None,
                contact: InvestorContact | None = None) -> dict[str, Any]:
        """Receive a dossier (with the investor's contact when given); returns its view (as ``viewer`` sees it)."""
        return self.show(self.writes.receive(cmd, via, contact), viewer)

    def fire(self, cmd: Fire, via: Via = CLI) -> dict[str, Any]:
        return self.writes.fire(cmd, via)

    def fire_many(self, cmd: FireMany, via: Via = CLI) -> dict[str, Any]:
        return self.writes.fire_many(cmd, via)

    def import_csv(self, path: Path) -> dict[str, int]:
        return self.importer.import_csv(path)

    def show(self, code: str, viewer: Person | None = None) -> dict[str, Any]:
        """One dossier's view, for ``viewer`` (None: the server's console); raises NotPermitted."""
        return self.queries.show(code, viewer)

    def list_dossiers(self, **filters: Any) -> list[dict[str, Any]]:
        return list(self.queries.find(**filters)["rows"])

    def find(self, **filters: Any) -> dict[str, Any]:
        return self.queries.find(**filters)

    def iter_history(self, code: str) -> list[HistoryEntry]:
        return self.queries.history(code)

    def today(self) -> dt.date:
        return self.queries.today()

    # -- organisation and rules ----------------------------------------------------------------
    def load_org(self, path: Path) -> dict[str, int]:
        return self.organisation.load(path)

    def people(self) -> list[Person]:
        return self.organisation.people()

    def assignees(self, division: str, holder: str | None) -> list[Person]:
        return self.organisation.assignees(division, holder)

    def workflow(self, workflow_id: str) -> CompiledWorkflow:
        return self.rules.compiled(workflow_id)

    def assigns_officer(self, event: str) -> bool:
        """Whether ``event`` hands a dossier to another officer in some workflow (``assigns_officer``)."""
        return any(event in wf.assigning_events() for wf in self.rules.definitions.values())

    def due_date(self, start: dt.date, n: int, unit: str) -> dt.date:
        return calendar.due_date(self.rules.calendar, start, n, unit)
