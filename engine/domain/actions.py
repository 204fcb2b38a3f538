"""Actions beyond a workflow's events, as data (``workflows/roles.yaml``, ``actions:``): for each, the
roles that may take it and each role's reach (``own``, ``division``, ``all``), so who may raise,
handle and resolve a blocker, or urge an officer, is read from the file, never written in code.

A person may take an action on a target (a dossier, a project or an officer, each with a division and
maybe an officer in charge) when one of their roles is listed and its reach covers the target:
``own`` the target is theirs (they hold the dossier, or raised the blocker), ``division`` it is their
division's, ``all`` any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .org import Person
from .roles import ALL, DIVISION, NONE, OWN, SCOPES


@dataclass(frozen=True)
class Target:
    """What an action is taken on: its division, and the people it is theirs (``own``)."""

    division: str | None
    owners: frozenset[str] = frozenset()
    what: str = ""


@dataclass(frozen=True)
class ActionRule:
    name: str
    label: str
    scopes: Mapping[str, str]

    def reach(self, roles: Iterable[str]) -> str:
        best = 0
        for r in roles:
            best = max(best, SCOPES.index(self.scopes.get(r, NONE)))
        return SCOPES[best]

    def allows(self, p: Person, target: Target) -> bool:
        scope = self.reach(p.roles)
        return p.active and (scope == ALL or (scope == DIVISION and p.division is not None
                                              and p.division == target.division)
                             or (scope in (OWN, DIVISION) and p.id in target.owners))


@dataclass(frozen=True)
class ActionRules:
    """Every action of the roles file, by name."""

    by_name: Mapping[str, ActionRule] = field(default_factory=dict)

    def get(self, name: str) -> ActionRule:
        return self.by_name.get(name) or ActionRule(name, name, {})
