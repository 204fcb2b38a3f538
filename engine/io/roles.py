"""The roles file (``workflows/roles.yaml``, and a province's ``roles.yaml`` with ``override: true``)
→ the domain's ``Roles``."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..domain.errors import DefinitionError
from ..domain.roles import MANAGED, SCOPES, Roles, RoleScope
from .actions import load_actions
from .checks import Ctx
from .resources import workflows_dir
from .yaml_files import read_mapping

_ROLE_KEYS = {"label", "sees", "acts_on", "fire_many", "receives", "holds_dossiers", "corrects_issued", "manages",
              "issues_reports"}
NAME = "roles.yaml"


def _scope(c: Ctx, key: str, value: Any) -> str:
    if value is None:
        return SCOPES[0]
    if value not in SCOPES:
        raise c.fail(key, f"«{value}» không hợp lệ (cho phép: {', '.join(SCOPES)}).")
    return str(value)


def _role(c: Ctx, name: str, raw: Any) -> RoleScope:
    key = f"roles.{name}"
    spec = c.mapping(raw, key)
    c.only(spec, _ROLE_KEYS, key)
    manages = c.sequence(spec.get("manages"), f"{key}.manages")
    for what in manages:
        if what not in MANAGED:
            raise c.fail(f"{key}.manages", f"«{what}» không hợp lệ (cho phép: {', '.join(MANAGED)}).")
    return RoleScope(name, c.text(spec.get("label"), f"{key}.label"), _scope(c, f"{key}.sees", spec.get("sees")),
                     _scope(c, f"{key}.acts_on", spec.get("acts_on")),
                     _scope(c, f"{key}.fire_many", spec.get("fire_many")),
                     c.boolean(spec.get("receives"), f"{key}.receives"),
                     c.boolean(spec.get("holds_dossiers"), f"{key}.holds_dossiers"),
                     c.boolean(spec.get("corrects_issued"), f"{key}.corrects_issued"), frozenset(manages),
                     _scope(c, f"{key}.issues_reports", spec.get("issues_reports")))


def load_roles(paths: Iterable[Path]) -> Roles:
    """The shipped roles file, then each override merged role by role; raises DefinitionError."""
    merged: dict[str, Any] = {}
    source, where = "", []
    for path in paths:
        data = read_mapping(path, "tệp vai trò phải là một bảng YAML có 'roles'.")
        c = Ctx(str(path))
        c.only(data, {"id", "source", "roles", "override", "actions"})  # actions: engine.io.actions
        if merged and data.get("override") is not True:
            raise DefinitionError(f"{path}: override: tệp vai trò của tỉnh phải có 'override: true'.")
        for name, spec in c.mapping(data.get("roles"), "roles").items():
            merged[str(name)] = {**merged.get(str(name), {}), **c.mapping(spec, f"roles.{name}")}
        source = str(data.get("source") or source).strip()
        where.append(str(path))
    if not merged:
        raise DefinitionError("Không tìm thấy tệp vai trò (workflows/roles.yaml).")
    c = Ctx(" + ".join(where))
    return Roles({name: _role(c, name, spec) for name, spec in merged.items()}, source)


@lru_cache(maxsize=1)
def shipped_roles() -> Roles:
    """The shipped roles (what a loader checks role names against when it is given no others)."""
    return load_roles([workflows_dir() / NAME])


def check_roles_file(path: Path) -> str:
    """Validate one roles file (a province's override is checked merged over the shipped one);
    returns its id. Raises DefinitionError."""
    data = read_mapping(path, "tệp vai trò phải là một bảng YAML có 'roles'.")
    files = [workflows_dir() / NAME, path] if data.get("override") is True else [path]
    roles = load_roles(files)
    load_actions(files, roles.names)  # the actions' roles and scopes too
    return str(data.get("id") or "roles")
