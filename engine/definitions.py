"""Workflow definitions as data: load YAML, merge province overrides, validate, freeze.

A definition is checked before anything is built from it; every error names the file and the key
(``workflows/x.yaml: events.approve.transitions[0].target: trạng thái 'aproved' không có``).
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

from .calendar import UNITS
from .datafiles import as_day, read_mapping
from .errors import BadInput, DefinitionError, ReceiptRefused

ROLES = ("officer", "head", "director", "admin")
ROLE_LABELS = {"officer": "chuyên viên", "head": "trưởng phòng", "director": "giám đốc",
               "admin": "quản trị"}
POLICIES = ("resume", "restart")
GROUPS = ("A", "B", "C", "national")
GRADES = ("special", "I", "II", "III", "IV")
#: dossier fields a guard or a limit rule may look at
DOSSIER_FIELDS = ("group", "grade", "capital_source", "division", "officer")
RETURN = "@return"
SAME = "@same"
_TOP_KEYS = {"id", "version", "title", "source", "initial", "stages", "states", "events",
             "rule_versions", "override", "alerts"}
_EVENT_KEYS = {"label", "roles", "transitions", "assigns_officer"}


@dataclass(frozen=True)
class Guard:
    """A condition on a dossier field (``field``) or a rule parameter (``rule``)."""

    kind: str  # "field" | "rule"
    name: str
    op: str  # "equals" | "in" | "not_in" | "present"
    value: Any

    def holds(self, fields: Mapping[str, Any], params: Mapping[str, Any]) -> bool:
        actual = fields.get(self.name) if self.kind == "field" else params.get(self.name)
        if self.op == "equals":
            return bool(actual == self.value)
        if self.op == "in":
            return actual in self.value
        if self.op == "not_in":
            return actual not in self.value
        return (actual not in (None, "")) == bool(self.value)

    def describe(self) -> str:
        what = f"trường «{self.name}»" if self.kind == "field" else f"quy định «{self.name}»"
        if self.op == "equals":
            shown = ("bật" if self.value else "tắt") if isinstance(self.value, bool) else repr(self.value)
            return f"{what} phải là {shown}"
        if self.op == "in":
            return f"{what} phải thuộc {list(self.value)}"
        if self.op == "not_in":
            return f"{what} không được thuộc {list(self.value)}"
        return f"{what} phải {'có' if self.value else 'để trống'}"


@dataclass(frozen=True)
class TransitionDef:
    event: str
    index: int
    sources: tuple[str, ...]
    target: str  # a state, RETURN or SAME
    guards: tuple[Guard, ...] = ()
    max_times: int | None = None
    clock: str | None = None  # "extend" or None

    @property
    def key(self) -> str:
        return f"{self.event}#{self.index}"


@dataclass(frozen=True)
class EventDef:
    name: str
    label: str
    roles: frozenset[str]
    transitions: tuple[TransitionDef, ...]
    #: the event hands the dossier to another officer (``assigns_officer: true``): it keeps the state
    #: and the clock, and the engine moves the dossier and its open clock to the officer given
    assigns_officer: bool = False


@dataclass(frozen=True)
class StateDef:
    name: str
    label: str
    stage: str | None = None
    pauses_clock: bool = False
    terminal: bool = False


@dataclass(frozen=True)
class LimitRule:
    when: tuple[tuple[str, tuple[Any, ...]], ...]
    value: int
    unit: str
    source: str

    def matches(self, fields: Mapping[str, Any]) -> bool:
        return all(fields.get(name) in allowed for name, allowed in self.when)


@dataclass(frozen=True)
class StageRule:
    stage: str
    unit: str
    policy: str
    limits: tuple[LimitRule, ...]
    extension: str | int | None  # "same" (the stage's own limit), a number of units, or None


@dataclass(frozen=True)
class Limit:
    """The limit that applies to one dossier in one stage."""

    stage: str
    value: int
    unit: str
    policy: str
    extension: int
    source: str


@dataclass(frozen=True)
class AnswerWindow:
    """How long the investor has to answer a supplement request, counted like a limit from the day of
    the request (that day not counted); when it runs out, the appraisal stops and the dossier is
    returned (domain §3). The scheduler tells the officer and the head (engine/alerts.py)."""

    value: int
    unit: str
    source: str


@dataclass(frozen=True)
class RuleVersion:
    id: str
    effective_from: dt.date
    source: str
    params: Mapping[str, Any]
    stages: Mapping[str, StageRule]
    refuse_receipt: str | None = None
    supplement_answer: AnswerWindow | None = None


@dataclass(frozen=True)
class AlertThresholds:
    """When alerts fall due, in working days relative to the due date (see the scheduler)."""

    due_soon: int = 2
    escalate_after: int = 3


@dataclass(frozen=True)
class WorkflowDef:
    id: str
    version: int
    title: str
    source: str
    initial: str
    stages: Mapping[str, str]  # stage -> label
    states: Mapping[str, StateDef]
    events: Mapping[str, EventDef]
    rule_versions: tuple[RuleVersion, ...]  # sorted by effective_from
    alerts: Mapping[str, AlertThresholds] = field(default_factory=dict)
    path: str = ""

    # -- rules ---------------------------------------------------------------------------
    def rule_for(self, receipt: dt.date) -> RuleVersion:
        """The rule version in force on ``receipt``; raises BadInput if none yet."""
        chosen = None
        for rule in self.rule_versions:
            if rule.effective_from <= receipt:
                chosen = rule
        if chosen is None:
            first = self.rule_versions[0].effective_from
            raise BadInput(
                f"Quy trình «{self.id}» chưa có quy định áp dụng cho ngày {receipt.isoformat()}.",
                hint=f"Quy định sớm nhất có hiệu lực từ {first.isoformat()}.",
            )
        return chosen

    def find_rule(self, rule_id: str) -> RuleVersion | None:
        return next((rule for rule in self.rule_versions if rule.id == rule_id), None)

    def rule(self, rule_id: str) -> RuleVersion:
        rule = self.find_rule(rule_id)
        if rule is None:
            raise BadInput(f"Quy trình «{self.id}» không có phiên bản quy định «{rule_id}».")
        return rule

    def check_receipt(self, rule: RuleVersion) -> None:
        if rule.refuse_receipt:
            raise ReceiptRefused(rule.refuse_receipt.strip(), rule_version=rule.id)

    def limit(self, rule: RuleVersion, stage: str, fields: Mapping[str, Any]) -> Limit:
        """The time limit for ``stage`` under ``rule`` for a dossier with ``fields``."""
        srule = rule.stages.get(stage)
        if srule is None:
            raise BadInput(f"Quy định «{rule.id}» không quy định thời hạn cho bước «{stage}».")
        for lim in srule.limits:
            if lim.matches(fields):
                if srule.extension == "same":
                    ext = lim.value
                elif isinstance(srule.extension, int):
                    ext = srule.extension
                else:
                    ext = 0
                return Limit(stage, lim.value, lim.unit, srule.policy, ext, lim.source)
        shown = ", ".join(f"{k}={fields.get(k)!r}" for k in ("group", "grade"))
        raise BadInput(
            f"Quy định «{rule.id}» không có thời hạn bước «{stage}» cho hồ sơ ({shown}).",
            hint="Kiểm tra nhóm dự án và cấp công trình, hoặc bổ sung quy định trong tệp quy trình.",
        )

    def stage_of(self, state: str) -> str | None:
        return self.states[state].stage

    def state_label(self, state: str | None) -> str:
        if state is None:
            return "—"
        s = self.states.get(state)
        return s.label if s else state

    def event_label(self, event: str) -> str:
        e = self.events.get(event)
        return e.label if e else event

    def alert_thresholds(self, stage: str) -> AlertThresholds:
        return self.alerts.get(stage, AlertThresholds())


# ---------------------------------------------------------------------------------------------
# loading


def load_workflows(dirs: list[Path]) -> dict[str, WorkflowDef]:
    """Load every ``*.yaml`` workflow in ``dirs``; later dirs may override earlier ones.

    A file whose ``id`` is already known must say ``override: true``; its mappings are merged
    key by key into the earlier definition (lists are replaced). Raises DefinitionError.
    """
    raw: dict[str, tuple[dict[str, Any], str]] = {}
    for folder in dirs:
        for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
            data = _read(path)
            wid = data.get("id")
            if not isinstance(wid, str) or not wid:
                raise DefinitionError(f"{path}: id: thiếu mã quy trình (chuỗi).")
            if wid in raw:
                if data.get("override") is not True:
                    raise DefinitionError(
                        f"{path}: id: quy trình «{wid}» đã có ở {raw[wid][1]}.",
                        hint="Thêm 'override: true' để ghi đè từng khóa, hoặc đổi id.",
                    )
                merged = _deep_merge(raw[wid][0], {k: v for k, v in data.items() if k != "override"})
                raw[wid] = (merged, f"{raw[wid][1]} + {path}")
            else:
                if data.get("override") is True:
                    raise DefinitionError(f"{path}: override: không có quy trình «{wid}» để ghi đè.")
                raw[wid] = (data, str(path))
    return {wid: parse_workflow(data, where) for wid, (data, where) in raw.items()}


def load_workflow_file(path: Path) -> WorkflowDef:
    return parse_workflow(_read(path), str(path))


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


class _Ctx:
    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, key: str, message: str) -> DefinitionError:
        return DefinitionError(f"{self.where}: {key}: {message}")

    def mapping(self, value: Any, key: str) -> dict[str, Any]:
        if not isinstance(value, dict) or not value:
            raise self.fail(key, "cần một bảng (mapping) không rỗng.")
        return value

    def names(self, value: Any, key: str) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(v, str) for v in items):
            raise self.fail(key, "cần một tên hoặc danh sách tên.")
        return tuple(items)


def parse_workflow(data: dict[str, Any], where: str) -> WorkflowDef:
    """Validate one workflow mapping and freeze it. Raises DefinitionError naming file and key."""
    c = _Ctx(where)
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise c.fail(sorted(unknown)[0], f"khóa không được hỗ trợ (cho phép: {', '.join(sorted(_TOP_KEYS))}).")
    for key in ("id", "title", "initial"):
        if not isinstance(data.get(key), str) or not data[key]:
            raise c.fail(key, "bắt buộc, là một chuỗi.")
    version = data.get("version", 1)
    if not isinstance(version, int) or version < 1:
        raise c.fail("version", "phải là số nguyên dương.")

    stages_raw = data.get("stages") or {}
    if not isinstance(stages_raw, dict):
        raise c.fail("stages", "cần một bảng các bước tính thời hạn.")
    stages = {name: str((spec or {}).get("label", name)) for name, spec in stages_raw.items()}

    states: dict[str, StateDef] = {}
    for name, spec in c.mapping(data.get("states"), "states").items():
        spec = spec or {}
        key = f"states.{name}"
        if not isinstance(spec, dict):
            raise c.fail(key, "cần một bảng (label, stage, pauses_clock, terminal).")
        if not isinstance(spec.get("label"), str):
            raise c.fail(f"{key}.label", "thiếu nhãn tiếng Việt.")
        stage = spec.get("stage")
        if stage is not None and stage not in stages:
            raise c.fail(f"{key}.stage", f"bước «{stage}» không khai báo trong 'stages'.")
        states[name] = StateDef(name, spec["label"], stage, bool(spec.get("pauses_clock")),
                                bool(spec.get("terminal")))
    if data["initial"] not in states:
        raise c.fail("initial", f"trạng thái «{data['initial']}» không có trong 'states'.")
    if not any(s.terminal for s in states.values()):
        raise c.fail("states", "không có trạng thái kết thúc nào (terminal: true).")

    events: dict[str, EventDef] = {}
    for name, spec in c.mapping(data.get("events"), "events").items():
        key = f"events.{name}"
        if not isinstance(spec, dict):
            raise c.fail(key, "cần một bảng (label, roles, transitions).")
        unknown_keys = set(spec) - _EVENT_KEYS
        if unknown_keys:
            raise c.fail(f"{key}.{sorted(unknown_keys)[0]}",
                         f"khóa không được hỗ trợ (cho phép: {', '.join(sorted(_EVENT_KEYS))}).")
        roles = c.names(spec.get("roles"), f"{key}.roles")
        for role in roles:
            if role not in ROLES:
                raise c.fail(f"{key}.roles", f"vai trò «{role}» không có (cho phép: {', '.join(ROLES)}).")
        trans_raw = spec.get("transitions")
        if not isinstance(trans_raw, list) or not trans_raw:
            raise c.fail(f"{key}.transitions", "cần ít nhất một chuyển trạng thái.")
        transitions = tuple(_parse_transition(c, name, i, t, states) for i, t in enumerate(trans_raw))
        assigns = spec.get("assigns_officer", False)
        if not isinstance(assigns, bool):
            raise c.fail(f"{key}.assigns_officer", "phải là true hoặc false.")
        if assigns:
            for t in transitions:
                if t.target != SAME or t.clock is not None:
                    raise c.fail(f"{key}.transitions[{t.index}]",
                                 "thao tác giao hồ sơ chỉ giữ nguyên trạng thái và thời hạn "
                                 "(target: '@same', không có 'clock').")
        events[name] = EventDef(name, str(spec.get("label", name)), frozenset(roles), transitions, assigns)

    rule_versions = _parse_rules(c, data.get("rule_versions"), stages)
    alerts = _parse_alerts(c, data.get("alerts") or {}, stages)
    wf = WorkflowDef(
        id=data["id"], version=version, title=data["title"], source=str(data.get("source", "")),
        initial=data["initial"], stages=stages, states=states, events=events,
        rule_versions=rule_versions, alerts=alerts, path=where,
    )
    _check_reachable(c, wf)
    _check_guard_params(c, wf)
    return wf


def _parse_transition(c: _Ctx, event: str, i: int, spec: Any, states: Mapping[str, StateDef]) -> TransitionDef:
    key = f"events.{event}.transitions[{i}]"
    if not isinstance(spec, dict):
        raise c.fail(key, "cần một bảng (source, target).")
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
    if max_times is not None and (not isinstance(max_times, int) or max_times < 1):
        raise c.fail(f"{key}.max_times", "phải là số nguyên dương.")
    clock = spec.get("clock")
    if clock not in (None, "extend"):
        raise c.fail(f"{key}.clock", "chỉ hỗ trợ 'extend'.")
    guards = tuple(_parse_guard(c, f"{key}.guards[{j}]", g) for j, g in enumerate(spec.get("guards") or []))
    return TransitionDef(event, i, sources, target, guards, max_times, clock)


def _parse_guard(c: _Ctx, key: str, spec: Any) -> Guard:
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
    ops = [op for op in ("equals", "in", "not_in", "present") if op in spec]
    if len(ops) != 1:
        raise c.fail(key, "cần đúng một phép so sánh: equals, in, not_in hoặc present.")
    value = spec[ops[0]]
    if ops[0] in ("in", "not_in"):
        if not isinstance(value, list):
            raise c.fail(f"{key}.{ops[0]}", "cần một danh sách.")
        value = tuple(value)
    return Guard(kind, str(name), ops[0], value)


def _as_date(c: _Ctx, key: str, value: Any) -> dt.date:
    day = as_day(value)
    if day is None:
        raise c.fail(key, "cần một ngày dạng YYYY-MM-DD.")
    return day


def _parse_rules(c: _Ctx, raw: Any, stages: Mapping[str, str]) -> tuple[RuleVersion, ...]:
    out = []
    for rid, spec in c.mapping(raw, "rule_versions").items():
        key = f"rule_versions.{rid}"
        if not isinstance(spec, dict):
            raise c.fail(key, "cần một bảng.")
        eff = _as_date(c, f"{key}.effective_from", spec.get("effective_from"))
        if not spec.get("source"):
            raise c.fail(f"{key}.source", "mỗi phiên bản quy định phải ghi căn cứ pháp lý.")
        refuse = spec.get("refuse_receipt")
        srules: dict[str, StageRule] = {}
        declared = set()
        for stage, sspec in (spec.get("stages") or {}).items():
            skey = f"{key}.stages.{stage}"
            if stage not in stages:
                raise c.fail(skey, f"bước «{stage}» không khai báo trong 'stages'.")
            declared.add(stage)
            if sspec is None:
                continue  # explicitly not applicable under this rule version
            if not isinstance(sspec, dict):
                raise c.fail(skey, "cần một bảng (unit, policy, limits).")
            unit = sspec.get("unit")
            if unit not in UNITS:
                raise c.fail(f"{skey}.unit", f"đơn vị «{unit}» không hợp lệ (days hoặc working_days).")
            policy = sspec.get("policy", "resume")
            if policy not in POLICIES:
                raise c.fail(f"{skey}.policy", f"«{policy}» không hợp lệ (resume hoặc restart).")
            ext = sspec.get("extension")
            if ext is not None and ext != "same" and (not isinstance(ext, int) or ext <= 0):
                raise c.fail(f"{skey}.extension", "phải là 'same' hoặc số nguyên dương.")
            limits = []
            lims = sspec.get("limits")
            if not isinstance(lims, list) or not lims:
                raise c.fail(f"{skey}.limits", "cần ít nhất một thời hạn.")
            for j, lim in enumerate(lims):
                lkey = f"{skey}.limits[{j}]"
                if not isinstance(lim, dict):
                    raise c.fail(lkey, "cần một bảng (when, value, source).")
                value = lim.get("value")
                if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                    raise c.fail(f"{lkey}.value", f"thời hạn phải là số nguyên dương, không phải {value!r}.")
                lunit = lim.get("unit", unit)
                if lunit not in UNITS:
                    raise c.fail(f"{lkey}.unit", f"đơn vị «{lunit}» không hợp lệ (days hoặc working_days).")
                when = []
                for fname, allowed in (lim.get("when") or {}).items():
                    if fname not in DOSSIER_FIELDS:
                        raise c.fail(f"{lkey}.when.{fname}",
                                     f"trường không có (cho phép: {', '.join(DOSSIER_FIELDS)}).")
                    values = tuple(str(v) for v in (allowed if isinstance(allowed, list) else [allowed]))
                    when.append((fname, values))
                limits.append(LimitRule(tuple(when), value, lunit, str(lim.get("source") or spec["source"])))
            srules[stage] = StageRule(stage, unit, policy, tuple(limits), ext)
        if not refuse:
            missing = [s for s in stages if s not in declared]
            if missing:
                raise c.fail(f"{key}.stages", f"thiếu thời hạn cho bước «{missing[0]}».")
        out.append(RuleVersion(str(rid), eff, str(spec["source"]), dict(spec.get("params") or {}),
                               srules, str(refuse) if refuse else None,
                               _parse_answer_window(c, f"{key}.supplement_answer", spec.get("supplement_answer"))))
    out.sort(key=lambda r: r.effective_from)
    for a, b in pairwise(out):
        if a.effective_from == b.effective_from:
            raise c.fail(f"rule_versions.{b.id}.effective_from", f"trùng ngày hiệu lực với «{a.id}».")
    return tuple(out)


def _parse_answer_window(c: _Ctx, key: str, raw: Any) -> AnswerWindow | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise c.fail(key, "cần một bảng (value, unit, source).")
    value = raw.get("value")
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise c.fail(f"{key}.value", f"thời hạn phải là số nguyên dương, không phải {value!r}.")
    unit = raw.get("unit", "working_days")
    if unit not in UNITS:
        raise c.fail(f"{key}.unit", f"đơn vị «{unit}» không hợp lệ (days hoặc working_days).")
    if not raw.get("source"):
        raise c.fail(f"{key}.source", "phải ghi căn cứ pháp lý.")
    return AnswerWindow(value, str(unit), str(raw["source"]))


def _parse_alerts(c: _Ctx, raw: Any, stages: Mapping[str, str]) -> dict[str, AlertThresholds]:
    if not isinstance(raw, dict):
        raise c.fail("alerts", "cần một bảng theo bước.")
    out = {}
    for stage, spec in raw.items():
        if stage not in stages:
            raise c.fail(f"alerts.{stage}", f"bước «{stage}» không khai báo trong 'stages'.")
        spec = spec or {}
        vals = {}
        for k in ("due_soon", "escalate_after"):
            if k in spec:
                v = spec[k]
                if not isinstance(v, int) or v <= 0:
                    raise c.fail(f"alerts.{stage}.{k}", "phải là số ngày làm việc nguyên dương.")
                vals[k] = v
        out[stage] = AlertThresholds(**vals)
    return out


def _check_reachable(c: _Ctx, wf: WorkflowDef) -> None:
    edges: dict[str, set[str]] = {s: set() for s in wf.states}
    for event in wf.events.values():
        for t in event.transitions:
            for s in t.sources:
                if t.target == SAME:
                    continue
                if t.target == RETURN:
                    continue  # returns to where the pause came from, which is already reached
                edges[s].add(t.target)
    seen = {wf.initial}
    queue = deque([wf.initial])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    for name in wf.states:
        if name not in seen:
            raise c.fail(f"states.{name}", f"không thể tới trạng thái này từ '{wf.initial}'.")


def _check_guard_params(c: _Ctx, wf: WorkflowDef) -> None:
    for event in wf.events.values():
        for t in event.transitions:
            for j, g in enumerate(t.guards):
                if g.kind != "rule":
                    continue
                for rule in wf.rule_versions:
                    if not rule.refuse_receipt and g.name not in rule.params:
                        raise c.fail(f"events.{event.name}.transitions[{t.index}].guards[{j}].rule",
                                     f"phiên bản quy định «{rule.id}» không có tham số «{g.name}».")
