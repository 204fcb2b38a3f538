"""The organisation: divisions and people with their roles.

One ``Person`` type for every layer: the organisation file reads into it, the store maps its rows to
it, the alerts and the pages use it. What each role may do is data (engine.domain.roles).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

UNASSIGNED = "(chưa phân công)"
#: the roles the alerts and the digest address by name: heads of a division, directors
HEAD, DIRECTOR = "head", "director"


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


def parse_roles(text: str | None) -> frozenset[str]:
    """Roles as stored (comma-separated) → a set."""
    return frozenset(r.strip() for r in (text or "").split(",") if r.strip())


def format_roles(roles: Iterable[str]) -> str:
    """A set of roles → the stored text (sorted, so it reads the same every time)."""
    return ",".join(sorted(set(roles)))


class Directory:
    """Active people by id, heads by division, directors."""

    def __init__(self, people: Iterable[Person]) -> None:
        self.by_id = {p.id: p for p in people if p.active}
        self.heads: dict[str, list[Person]] = defaultdict(list)
        self.directors: list[Person] = []
        for p in sorted(self.by_id.values(), key=lambda p: p.id):
            if HEAD in p.roles and p.division:
                self.heads[p.division].append(p)
            if DIRECTOR in p.roles:
                self.directors.append(p)

    def name(self, person_id: str | None) -> str:
        if not person_id:
            return UNASSIGNED
        p = self.by_id.get(person_id)
        return p.name if p else person_id

    def with_roles(self, roles: Iterable[str]) -> list[Person]:
        wanted = set(roles)
        return [p for p in sorted(self.by_id.values(), key=lambda p: p.id) if p.roles & wanted]
