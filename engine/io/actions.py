"""The ``actions:`` of the roles files (``workflows/roles.yaml`` and a province's override, merged
action by action) → the domain's ``ActionRules``: for each action its label and each role's reach."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..domain.actions import ActionRule, ActionRules
from ..domain.roles import SCOPES
from .checks import Ctx
from .yaml_files import read_mapping


def _rule(c: Ctx, name: str, raw: Any, roles: Iterable[str]) -> ActionRule:
    key = f"actions.{name}"
    spec = c.mapping(raw, key)
    c.only(spec, {"label", "roles"}, key)
    known = set(roles)
    scopes: dict[str, str] = {}
    for role, scope in c.mapping(spec.get("roles"), f"{key}.roles").items():
        if role not in known:
            raise c.fail(f"{key}.roles.{role}", f"không có vai trò «{role}» (có: {', '.join(sorted(known))}).")
        if scope not in SCOPES:
            raise c.fail(f"{key}.roles.{role}", f"«{scope}» không hợp lệ (cho phép: {', '.join(SCOPES)}).")
        scopes[str(role)] = str(scope)
    return ActionRule(name, c.text(spec.get("label"), f"{key}.label"), scopes)


def load_actions(paths: Iterable[Path], roles: Iterable[str], required: Iterable[str] = ()) -> ActionRules:
    """The actions of the roles files, each override merged action by action; raises DefinitionError
    when a role or a scope is unknown or a ``required`` action is missing."""
    merged: dict[str, Any] = {}
    where = []
    for path in paths:
        data = read_mapping(path, "tệp vai trò phải là một bảng YAML có 'roles'.")
        c = Ctx(str(path))
        for name, spec in c.mapping(data.get("actions") or {}, "actions").items():
            merged[str(name)] = {**merged.get(str(name), {}), **c.mapping(spec, f"actions.{name}")}
        where.append(str(path))
    c = Ctx(" + ".join(where))
    names = list(roles)
    rules = {name: _rule(c, name, spec, names) for name, spec in merged.items()}
    missing = [a for a in required if a not in rules]
    if missing:
        raise c.fail("actions", f"thiếu {', '.join(missing)} (ai được làm việc đó).")
    return ActionRules(rules)
