"""The organisation repository: divisions and people (the domain's ``Division`` and ``Person``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.org import Directory, Division, Person, format_roles
from . import mappers as m

if TYPE_CHECKING:
    from .database import UnitOfWork

SELECT_PEOPLE = f"SELECT {', '.join(m.PERSON_COLS)} FROM person ORDER BY division, id"
SELECT_PERSON = f"SELECT {', '.join(m.PERSON_COLS)} FROM person WHERE id = ?"
SELECT_DIVISIONS = "SELECT code, name FROM division ORDER BY code"
SELECT_DIVISION = "SELECT code, name FROM division WHERE code = ?"
INSERT_DIVISION = "INSERT INTO division (code, name) VALUES (?, ?)"
UPDATE_DIVISION = "UPDATE division SET name = ? WHERE code = ?"
INSERT_PERSON = "INSERT INTO person (id, name, email, division, roles, active) VALUES (?, ?, ?, ?, ?, ?)"
UPDATE_PERSON = "UPDATE person SET name = ?, email = ?, division = ?, roles = ?, active = ? WHERE id = ?"


class People:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    def divisions(self) -> list[Division]:
        return [m.division(r) for r in self.uow.execute(SELECT_DIVISIONS).fetchall()]

    def division(self, code: str) -> Division | None:
        row = self.uow.execute(SELECT_DIVISION, (code,)).fetchone()
        return m.division(row) if row else None

    def all(self) -> list[Person]:
        return [m.person(r) for r in self.uow.execute(SELECT_PEOPLE).fetchall()]

    def get(self, person_id: str) -> Person | None:
        row = self.uow.execute(SELECT_PERSON, (person_id,)).fetchone()
        return m.person(row) if row else None

    def directory(self) -> Directory:
        return Directory(self.all())

    def names(self) -> dict[str, str]:
        return {p.id: p.name for p in self.all()}

    def save_division(self, d: Division) -> bool:
        """Create or update; True if it was created."""
        if self.division(d.code) is None:
            self.uow.execute(INSERT_DIVISION, (d.code, d.name))
            return True
        self.uow.execute(UPDATE_DIVISION, (d.name, d.code))
        return False

    def save_person(self, p: Person) -> bool:
        """Create or update; True if it was created."""
        values = (p.name, p.email, p.division, format_roles(p.roles), p.active)
        if self.get(p.id) is None:
            self.uow.execute(INSERT_PERSON, (p.id, *values))
            return True
        self.uow.execute(UPDATE_PERSON, (*values, p.id))
        return False
