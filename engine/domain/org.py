"""The organisation: divisions, people and their roles, and who may hold a dossier.

One ``Person`` type for every layer: the organisation file reads into it, the store maps its rows to
it, the alerts and the pages use it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

ROLES = ("officer", "head", "director", "admin")
ROLE_LABELS = {"officer": "chuyên viên", "head": "trưởng phòng", "director": "giám đốc", "admin": "quản trị"}
#: the roles whose holder may be the officer in charge of a dossier
HOLDER_ROLES = frozenset({"officer", "head"})
UNASSIGNED = "(chưa phân công)"


@dataclass(frozen=True)
class Division:
    code: str
    name: str


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str | None = None
    division: str | None = None
    roles: frozenset[str] = frozenset()
    active: bool = True

    @property
    def may_hold_dossiers(self) -> bool:
        """Whether this person may be the officer in charge of a dossier."""
        return self.active and bool(self.roles & HOLDER_ROLES)

    def roles_label(self) -> str:
        return ", ".join(ROLE_LABELS.get(r, r) for r in ROLES if r in self.roles)


def parse_roles(text: str | None) -> frozenset[str]:
    """Roles as stored (comma-separated) → a set."""
    return frozenset(r.strip() for r in (text or "").split(",") if r.strip())


def format_roles(roles: Iterable[str]) -> str:
    """A set of roles → the stored text, in the canonical order."""
    wanted = set(roles)
    return ",".join(r for r in ROLES if r in wanted)


def roles_text(roles: Iterable[str]) -> str:
    """Roles for people: «chuyên viên, trưởng phòng»."""
    wanted = set(roles)
    return ", ".join(ROLE_LABELS[r] for r in ROLES if r in wanted)


class Directory:
    """Active people by id, heads by division, directors."""

    def __init__(self, people: Iterable[Person]) -> None:
        self.by_id = {p.id: p for p in people if p.active}
        self.heads: dict[str, list[Person]] = defaultdict(list)
        self.directors: list[Person] = []
        for p in sorted(self.by_id.values(), key=lambda p: p.id):
            if "head" in p.roles and p.division:
                self.heads[p.division].append(p)
            if "director" in p.roles:
                self.directors.append(p)

    def name(self, person_id: str | None) -> str:
        if not person_id:
            return UNASSIGNED
        p = self.by_id.get(person_id)
        return p.name if p else person_id

    def with_roles(self, roles: Iterable[str]) -> list[Person]:
        wanted = set(roles)
        return [p for p in sorted(self.by_id.values(), key=lambda p: p.id) if p.roles & wanted]
