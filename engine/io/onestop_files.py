"""``workflows/documents/one-stop.yaml`` (and a province's ``documents/one-stop.yaml`` with
``override: true``, merged key by key) → ``OneStopCatalogue``: each one-stop document's title, legal
form and template, where results are collected, and the documents received per workflow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .checks import Ctx
from .yaml_files import read_mapping

NAME = "one-stop.yaml"
_KEYS = {"id", "version", "source", "override", "collect_at", "documents", "checklists"}
_DOC_KEYS = {"title", "form", "template", "event"}
_ITEM_KEYS = {"name", "copy", "count"}


@dataclass(frozen=True)
class OneStopDocument:
    kind: str
    title: str
    form: str  # the legal form it follows ("Mẫu số 01, Thông tư 01/2018/TT-VPCP")
    template: str  # in templates/documents/
    event: str | None = None  # printable once the dossier's history has this event


@dataclass(frozen=True)
class ChecklistItem:
    name: str
    copy: str
    count: int


@dataclass(frozen=True)
class OneStopCatalogue:
    source: str
    collect_at: str
    documents: dict[str, OneStopDocument]
    checklists: dict[str, tuple[ChecklistItem, ...]]

    def checklist(self, workflow_id: str) -> tuple[ChecklistItem, ...]:
        return self.checklists.get(workflow_id, ())


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for k, v in over.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _item(c: Ctx, key: str, raw: Any) -> ChecklistItem:
    spec = c.mapping(raw, key)
    c.only(spec, _ITEM_KEYS, key)
    return ChecklistItem(c.text(spec.get("name"), f"{key}.name"), c.text(spec.get("copy", "Bản chính"), f"{key}.copy"),
                         c.positive(spec.get("count", 1), f"{key}.count"))


def load_catalogue(paths: Iterable[Path]) -> OneStopCatalogue:
    """The catalogue of ``paths`` in order (later files with ``override: true`` over earlier ones);
    raises DefinitionError naming the file and the key."""
    data: dict[str, Any] = {}
    where: list[str] = []
    for path in paths:
        raw = read_mapping(path, "tệp phiếu một cửa phải là một bảng YAML (mapping).")
        data = _merge(data, raw) if data else raw
        where.append(str(path))
    c = Ctx(" + ".join(where) or NAME)
    c.only(data, _KEYS)
    docs = {}
    for kind, spec in c.mapping(data.get("documents"), "documents").items():
        key = f"documents.{kind}"
        spec = c.mapping(spec, key)
        c.only(spec, _DOC_KEYS, key)
        docs[str(kind)] = OneStopDocument(str(kind), c.text(spec.get("title"), f"{key}.title"),
                                          c.text(spec.get("form"), f"{key}.form"),
                                          c.text(spec.get("template"), f"{key}.template"), spec.get("event"))
    lists = {str(wid): tuple(_item(c, f"checklists.{wid}[{i}]", x)
                             for i, x in enumerate(c.sequence(items, f"checklists.{wid}")))
             for wid, items in c.mapping(data.get("checklists"), "checklists", empty=True).items()}
    return OneStopCatalogue(str(data.get("source") or ""), c.text(data.get("collect_at"), "collect_at"), docs, lists)
