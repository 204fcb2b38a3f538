"""The blockers file (``workflows/blockers/blockers.yaml``, and a province's ``blockers/blockers.yaml``
with ``override: true``) → the domain's ``BlockerPolicy``: the escalation threshold in working days, the
promptness threshold, and the labels of the causes, addressees and states."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..domain.blockers import ADDRESSEES, CAUSES, STATES, BlockerPolicy
from ..domain.errors import DefinitionError
from .checks import Ctx
from .resources import workflows_dir
from .yaml_files import read_mapping

FOLDER, NAME = "blockers", "blockers.yaml"
_KEYS = {"id", "source", "override", "escalate_after", "report_within", "causes", "addressees", "states"}


def _labels(c: Ctx, raw: Any, key: str, names: tuple[str, ...]) -> dict[str, str]:
    labels = c.mapping(raw, key)
    out = {}
    for name in names:
        out[name] = c.text(labels.get(name), f"{key}.{name}")
    extra = sorted(set(labels) - set(names))
    if extra:
        raise c.fail(f"{key}.{extra[0]}", f"không có mục này (có: {', '.join(names)}).")
    return out


def load_blocker_policy(paths: Iterable[Path]) -> BlockerPolicy:
    """The shipped file, then each override merged key by key; raises DefinitionError."""
    merged: dict[str, Any] = {}
    where = []
    for path in paths:
        data = read_mapping(path, "tệp vướng mắc phải là một bảng YAML.")
        c = Ctx(str(path))
        c.only(data, _KEYS)
        if merged and data.get("override") is not True:
            raise DefinitionError(f"{path}: override: tệp vướng mắc của tỉnh phải có 'override: true'.")
        for key, value in data.items():
            merged[key] = {**merged.get(key, {}), **value} if isinstance(value, dict) else value
        where.append(str(path))
    if not merged:
        raise DefinitionError("Không tìm thấy tệp vướng mắc (workflows/blockers/blockers.yaml).")
    c = Ctx(" + ".join(where))
    return BlockerPolicy(c.positive(merged.get("escalate_after"), "escalate_after"),
                         c.positive(merged.get("report_within"), "report_within"),
                         _labels(c, merged.get("causes"), "causes", CAUSES),
                         _labels(c, merged.get("addressees"), "addressees", ADDRESSEES),
                         _labels(c, merged.get("states"), "states", STATES),
                         str(merged.get("source") or "").strip())


@lru_cache(maxsize=1)
def shipped_blocker_policy() -> BlockerPolicy:
    return load_blocker_policy([workflows_dir() / FOLDER / NAME])
