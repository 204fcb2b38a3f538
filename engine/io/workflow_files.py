"""Workflow files → validated definitions: load YAML, merge province overrides, check, freeze.

A definition is checked before anything is built from it; every error names the file and the key
(``workflows/x.yaml: events.approve.transitions[0].target: trạng thái «aproved» không có``).

Versions: a workflow ``id`` may be defined by several files of different ``version`` (keep the file of
an older version beside the new one, for instance ``project-appraisal@1.yaml``): new dossiers take the
highest version, and each dossier keeps the version it was received under. An ``override: true`` file
(a province's) is merged key by key into the version it names, or into every version of its id.
"""

from __future__ import annotations

import copy
from collections import deque
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..domain.dossier import DOSSIER_FIELDS
from ..domain.errors import DefinitionError
from ..domain.workflow import RETURN, SAME, EventDef, Guard, StateDef, TransitionDef, WorkflowDef
from . import rule_files
from .checks import Ctx
from .event_inputs import confirmation, requirements
from .roles import shipped_roles
from .yaml_files import read_mapping

_TOP_KEYS = {"id", "version", "title", "source", "initial", "stages", "states", "events",
             "rule_versions", "override", "alerts"}
_STATE_KEYS = {"label", "stage", "pauses_clock", "terminal", "counts_as"}
_COUNTS_AS = ("resolved", "withdrawn")
_EVENT_KEYS = {"label", "roles", "transitions", "assigns_officer", "requires", "confirm", "follows"}
_TRANSITION_KEYS = {"source", "target", "guards", "max_times", "clock"}
_OPS = ("equals", "in", "not_in", "present")
Raw = dict[tuple[str, int], tuple[dict[str, Any], str]]


#: files beside the workflows that are not workflows
NOT_WORKFLOWS = {"roles.yaml"}


def workflow_files(dirs: Iterable[Path]) -> list[Path]:
    return [p for folder in dirs for p in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
            if p.name not in NOT_WORKFLOWS]


def load_workflows(dirs: Iterable[Path], roles: Iterable[str] | None = None) -> list[WorkflowDef]:
    """Every workflow version defined in ``dirs`` (later folders may override earlier ones); an event's
    roles must be among ``roles`` (default: the shipped roles file's).

    A file whose ``id`` and ``version`` are already known must say ``override: true``; its mappings are
    merged key by key into the earlier definition (lists are replaced). Raises DefinitionError.
    """
    raw: Raw = {}
    for path in workflow_files(dirs):
        data = _read(path)
        wid, version = _identity(path, data)
        if data.get("override") is True:
            _override(raw, path, wid, data)
        elif (wid, version) in raw:
            raise DefinitionError(f"{path}: id: quy trình «{wid}» phiên bản {version} đã có ở {raw[wid, version][1]}.",
                                  hint="Thêm 'override: true' để ghi đè từng khóa, hoặc tăng 'version'.")
        else:
            raw[wid, version] = (data, str(path))
    known = tuple(roles) if roles is not None else shipped_roles().names
    return [parse_workflow(data, where, known) for _, (data, where) in sorted(raw.items())]


def _identity(path: Path, data: dict[str, Any]) -> tuple[str, int]:
    wid = data.get("id")
    if not isinstance(wid, str) or not wid:
        raise DefinitionError(f"{path}: id: thiếu mã quy trình (chuỗi).")
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise DefinitionError(f"{path}: version: phải là số nguyên dương.")
    return wid, version


def _override(raw: Raw, path: Path, wid: str, data: dict[str, Any]) -> None:
    targets = [k for k in raw if k[0] == wid and ("version" not in data or k[1] == data["version"])]
    if not targets:
        raise DefinitionError(f"{path}: override: không có quy trình «{wid}» để ghi đè.")
    extra = {k: v for k, v in data.items() if k not in ("override", "version")}
    for key in targets:
        base, where = raw[key]
        raw[key] = (_deep_merge(base, extra), f"{where} + {path}")


def load_workflow_file(path: Path, roles: Iterable[str] | None = None) -> WorkflowDef:
    return parse_workflow(_read(path), str(path), tuple(roles) if roles is not None else shipped_roles().names)


def _read(path: Path) -> dict[str, Any]:
    return read_mapping(path, "tệp quy trình phải là một bảng YAML (mapping).")


def _deep_merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def parse_workflow(data: dict[str, Any], where: str, roles: tuple[str, ...]) -> WorkflowDef:
    """Validate one workflow mapping and freeze it. Raises DefinitionError naming file and key."""
    c = Ctx(where)
    c.only(data, _TOP_KEYS)
    for key in ("id", "title", "initial"):
        c.text(data.get(key), key)
    version = data.get("version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise c.fail("version", "phải là số nguyên dương.")
    stages = _stages(c, data.get("stages"))
    states = _states(c, data.get("states"), stages)
    if data["initial"] not in states:
        raise c.fail("initial", f"trạng thái «{data['initial']}» không có trong 'states'.")
    if not any(s.terminal for s in states.values()):
        raise c.fail("states", "không có trạng thái kết thúc nào (terminal: true).")
    events = {str(name): _event(c, str(name), spec, states, roles)
              for name, spec in c.mapping(data.get("events"), "events").items()}
    wf = WorkflowDef(
        id=data["id"], version=version, title=data["title"], source=str(data.get("source") or ""),
        initial=data["initial"], stages=stages, states=states, events=events,
        rule_versions=rule_files.rule_versions(c, data.get("rule_versions"), stages),
        alerts=rule_files.alert_thresholds(c, data.get("alerts"), stages), path=where,
    )
    _check_reachable(c, wf)
    _check_guard_params(c, wf)
    for event in wf.events.values():
        if event.follows is not None and event.follows not in wf.events:
            raise c.fail(f"events.{event.name}.follows", f"thao tác «{event.follows}» không có trong 'events'.")
    return wf


def _stages(c: Ctx, raw: Any) -> dict[str, str]:
    out = {}
    for name, spec in c.mapping(raw, "stages", empty=True).items():
        spec = c.mapping(spec, f"stages.{name}", empty=True)
        c.only(spec, {"label"}, f"stages.{name}")
        out[str(name)] = str(spec.get("label", name))
    return out


def _states(c: Ctx, raw: Any, stages: Mapping[str, str]) -> dict[str, StateDef]:
    states: dict[str, StateDef] = {}
    for name, spec in c.mapping(raw, "states").items():
        key = f"states.{name}"
        if not isinstance(spec, dict):
            raise c.fail(key, "cần một bảng (label, stage, pauses_clock, terminal).")
        c.only(spec, _STATE_KEYS, key)
        if not isinstance(spec.get("label"), str):
            raise c.fail(f"{key}.label", "thiếu nhãn tiếng Việt.")
        stage = spec.get("stage")
        if stage is not None and stage not in stages:
            raise c.fail(f"{key}.stage", f"bước «{stage}» không khai báo trong 'stages'.")
        terminal = c.boolean(spec.get("terminal"), f"{key}.terminal")
        counts_as = spec.get("counts_as", "resolved" if terminal else None)
        if counts_as is not None and (not terminal or counts_as not in _COUNTS_AS):
            raise c.fail(f"{key}.counts_as", f"chỉ dùng cho trạng thái kết thúc, một trong: {', '.join(_COUNTS_AS)}.")
        states[str(name)] = StateDef(str(name), spec["label"], stage,
                                     c.boolean(spec.get("pauses_clock"), f"{key}.pauses_clock"), terminal, counts_as)
    return states


def _event(c: Ctx, name: str, spec: Any, states: Mapping[str, StateDef], known: tuple[str, ...]) -> EventDef:
    key = f"events.{name}"
    if not isinstance(spec, dict):
        raise c.fail(key, "cần một bảng (label, roles, transitions).")
    c.only(spec, _EVENT_KEYS, key)
    roles = c.names(spec.get("roles"), f"{key}.roles")
    for role in roles:
        if role not in known:
            raise c.fail(f"{key}.roles", f"vai trò «{role}» không có (cho phép: {', '.join(known)}).")
    trans_raw = c.sequence(spec.get("transitions"), f"{key}.transitions", empty=False)
    transitions = tuple(_transition(c, name, i, t, states) for i, t in enumerate(trans_raw))
    assigns = c.boolean(spec.get("assigns_officer"), f"{key}.assigns_officer")
    for t in transitions if assigns else ():
        if t.target != SAME or t.clock is not None:
            raise c.fail(f"{key}.transitions[{t.index}]", "thao tác giao hồ sơ chỉ giữ nguyên trạng thái và "
                                                          "thời hạn (target: '@same', không có 'clock').")
    return EventDef(name, str(spec.get("label", name)), frozenset(roles), transitions, assigns,
                    requirements(c, spec.get("requires"), f"{key}.requires"),
                    confirmation(c, spec.get("confirm"), f"{key}.confirm"),
                    c.text(spec["follows"], f"{key}.follows").strip() if spec.get("follows") is not None else None)


def _transition(c: Ctx, event: str, i: int, spec: Any, states: Mapping[str, StateDef]) -> TransitionDef:
    key = f"events.{event}.transitions[{i}]"
    if not isinstance(spec, dict):
        raise c.fail(key, "cần một bảng (source, target).")
    c.only(spec, _TRANSITION_KEYS, key)
    sources = c.names(spec.get("source"), f"{key}.source")
    for s in sources:
        if s not in states:
            raise c.fail(f"{key}.source", f"trạng thái «{s}» không có trong 'states'.")
        if states[s].terminal:
            raise c.fail(f"{key}.source", f"trạng thái «{s}» là trạng thái kết thúc.")
    target = spec.get("target")
    if not isinstance(target, str) or (target not in states and target not in (RETURN, SAME)):
        raise c.fail(f"{key}.target", f"trạng thái «{target}» không có trong 'states'.")
    if target == RETURN and not all(states[s].pauses_clock for s in sources):
        raise c.fail(f"{key}.target", "'@return' chỉ dùng từ trạng thái tạm dừng (pauses_clock).")
    max_times = spec.get("max_times")
    if max_times is not None:
        c.positive(max_times, f"{key}.max_times")
    if spec.get("clock") not in (None, "extend"):
        raise c.fail(f"{key}.clock", "chỉ hỗ trợ 'extend'.")
    guards = tuple(_guard(c, f"{key}.guards[{j}]", g)
                   for j, g in enumerate(c.sequence(spec.get("guards"), f"{key}.guards")))
    return TransitionDef(event, i, sources, target, guards, max_times, spec.get("clock"))


def _guard(c: Ctx, key: str, spec: Any) -> Guard:
    if not isinstance(spec, dict):
        raise c.fail(key, "cần một bảng như {field: group, in: [A, B]}.")
    if "field" in spec:
        kind, name = "field", spec["field"]
        if name not in DOSSIER_FIELDS:
            raise c.fail(f"{key}.field", f"trường «{name}» không có (cho phép: {', '.join(DOSSIER_FIELDS)}).")
    elif "rule" in spec:
        kind, name = "rule", spec["rule"]
    else:
        raise c.fail(key, "cần 'field' hoặc 'rule'.")
    c.only(spec, {kind, *_OPS}, key)
    ops = [op for op in _OPS if op in spec]
    if len(ops) != 1:
        raise c.fail(key, "cần đúng một phép so sánh: equals, in, not_in hoặc present.")
    value = spec[ops[0]]
    if ops[0] in ("in", "not_in"):
        value = tuple(c.sequence(value, f"{key}.{ops[0]}"))
    return Guard(kind, str(name), ops[0], value)


def _check_reachable(c: Ctx, wf: WorkflowDef) -> None:
    edges: dict[str, set[str]] = {s: set() for s in wf.states}
    for event in wf.events.values():
        for t in event.transitions:
            if t.target not in (SAME, RETURN):  # @return goes back where the pause came from: reached
                for s in t.sources:
                    edges[s].add(t.target)
    seen = {wf.initial}
    queue = deque([wf.initial])
    while queue:
        for nxt in edges[queue.popleft()] - seen:
            seen.add(nxt)
            queue.append(nxt)
    for name in wf.states:
        if name not in seen:
            raise c.fail(f"states.{name}", f"không thể tới trạng thái này từ '{wf.initial}'.")


def _check_guard_params(c: Ctx, wf: WorkflowDef) -> None:
    for event in wf.events.values():
        for t in event.transitions:
            for j, g in enumerate(t.guards):
                missing = [r.id for r in wf.rule_versions
                           if g.kind == "rule" and not r.refuse_receipt and g.name not in r.params]
                if missing:
                    raise c.fail(f"events.{event.name}.transitions[{t.index}].guards[{j}].rule",
                                 f"phiên bản quy định «{missing[0]}» không có tham số «{g.name}».")
