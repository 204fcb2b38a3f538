"""Roles and what each may do, as data (``workflows/roles.yaml``): whom a person sees, on which
dossiers they act, whether they receive dossiers, run fire-many, hold dossiers, record corrections
into a month already issued, issue (seal) reports, manage the system.

A person's reach is the widest of their roles'. Scopes, narrowest first: ``none``, ``own`` (the
dossiers they are in charge of), ``division`` (their division's), ``all``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

NONE, OWN, DIVISION, ALL = "none", "own", "division", "all"
SCOPES = (NONE, OWN, DIVISION, ALL)
#: what an administrator may manage
MANAGED = ("people", "accounts", "settings")


@dataclass(frozen=True)
class RoleScope:
    name: str
    label: str
    sees: str = NONE
    acts_on: str = NONE
    fire_many: str = NONE
    receives: bool = False
    holds_dossiers: bool = False
    #: may record an act into a month whose report was issued, as a correction with its reason
    corrects_issued: bool = False
    manages: frozenset[str] = field(default_factory=frozenset)
    #: which reports they may issue (seal): ``division`` their division's monthly report, ``all`` any
    issues_reports: str = NONE


@dataclass(frozen=True)
class Roles:
    """Every role of the organisation, by name (the file's order)."""

    by_name: Mapping[str, RoleScope]
    source: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.by_name)

    def label(self, role: str) -> str:
        found = self.by_name.get(role)
        return found.label if found else role

    def labels(self, roles: Iterable[str]) -> str:
        wanted = set(roles)
        return ", ".join(r.label for name, r in self.by_name.items() if name in wanted)

    @cached_property
    def _ranks(self) -> dict[str, dict[str, int]]:
        """For each scope attribute, each role's scope as its index in SCOPES (asked on every fire)."""
        return {attr: {name: SCOPES.index(getattr(r, attr)) for name, r in self.by_name.items()}
                for attr in ("sees", "acts_on", "fire_many", "issues_reports")}

    def widest(self, roles: Iterable[str], attr: str) -> str:
        """The widest scope ``attr`` (sees, acts_on, fire_many, issues_reports) among ``roles``."""
        ranks = self._ranks[attr]
        best = 0
        for role in roles:
            rank = ranks.get(role, 0)
            if rank > best:
                best = rank
        return SCOPES[best]

    def any(self, roles: Iterable[str], attr: str) -> bool:
        """Whether one of ``roles`` has the flag ``attr`` (receives, holds_dossiers, corrects_issued)."""
        return any(bool(getattr(self.by_name[r], attr)) for r in roles if r in self.by_name)

    def manages(self, roles: Iterable[str], what: str) -> bool:
        return any(what in self.by_name[r].manages for r in roles if r in self.by_name)

    def with_flag(self, attr: str) -> list[str]:
        return [name for name, r in self.by_name.items() if getattr(r, attr)]
