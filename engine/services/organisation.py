"""The organisation: loading divisions and people from a file, and who may hold a dossier."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..domain.org import Person
from ..io.organisation import read_org
from ..store.database import Database
from .access import Access


@dataclass
class OrganisationService:
    database: Database
    access: Access

    def load(self, path: Path) -> dict[str, int]:
        """Create or update divisions and people from a YAML file (never duplicates), all or nothing."""
        org = read_org(path, self.access.roles.names)
        counts = {"divisions": len(org.divisions), "people": len(org.people), "created": 0, "updated": 0}
        with self.database.unit_of_work() as uow:
            for d in org.divisions:
                counts["created" if uow.people.save_division(d) else "updated"] += 1
            for p in org.people:
                counts["created" if uow.people.save_person(p) else "updated"] += 1
            uow.commit()
        return counts

    def people(self) -> list[Person]:
        with self.database.reading() as uow:
            return uow.people.all()

    def assignees(self, division: str, holder: str | None) -> list[Person]:
        """Whom a dossier of ``division`` held by ``holder`` may be handed to (engine.services.access)."""
        return self.access.holders(self.people(), division, holder)
