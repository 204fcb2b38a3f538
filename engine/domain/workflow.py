"""Workflow definitions as a data model: states, events, transitions, guards, stages and the time
limits of each rule version, frozen once validated (engine.io.workflow_files reads them from YAML).

A dossier binds a workflow ``id`` and ``version`` when it is received, and the rule version in force on
its receipt day; it keeps them whatever is loaded later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import BadInput, ReceiptRefused, UnknownWorkflowVersion
from .formatting import vn_date
from .requirements import Requirement

POLICIES = ("resume", "restart")
#: a transition's target that goes back to the state a pause came from
RETURN = "@return"
#: a transition's target that keeps the state (an internal transition: extend, reassign)
SAME = "@same"
#: the event that creates a dossier (not declared in workflow files: every workflow starts with it)
RECEIVE = "receive"
RECEIVE_LABEL = "Tiếp nhận hồ sơ"


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
    #: what the person must give (a reason, the list of what is missing), checked on every channel
    requires: tuple[Requirement, ...] = ()
    #: the question a page asks before the act (approve, return, withdraw); None: no confirmation
    confirm: str | None = None
    #: the event this one answers (``follows``: the apology's approval its head's draft): taken only once
    #: that event happened since this one last did (engine.domain.requirements.follows_met)
    follows: str | None = None


@dataclass(frozen=True)
class StateDef:
    name: str
    label: str
    stage: str | None = None
    pauses_clock: bool = False
    terminal: bool = False
    #: how the statutory statistics count a dossier that ends here: ``resolved`` (the default for a
    #: terminal state) or ``withdrawn`` (the investor withdrew it)
    counts_as: str | None = None


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
                f"Quy trình «{self.id}» chưa có quy định áp dụng cho ngày {vn_date(receipt)}.",
                hint=f"Quy định sớm nhất có hiệu lực từ {vn_date(first)}.",
            )
        return chosen

    def find_rule(self, rule_id: str) -> RuleVersion | None:
        return next((rule for rule in self.rule_versions if rule.id == rule_id), None)

    def rule(self, rule_id: str) -> RuleVersion:
        """The rule version a dossier bound; raises UnknownWorkflowVersion if this file lost it."""
        rule = self.find_rule(rule_id)
        if rule is None:
            raise UnknownWorkflowVersion(
                f"Quy trình «{self.id}» phiên bản {self.version} không có phiên bản quy định «{rule_id}».",
                hint=f"Khôi phục phiên bản quy định «{rule_id}» trong tệp {self.path or 'quy trình'}: hồ sơ "
                     "giữ quy định áp dụng khi được tiếp nhận.")
        return rule

    def state(self, name: str) -> StateDef:
        """The definition of state ``name``; raises UnknownWorkflowVersion if this version lacks it."""
        found = self.states.get(name)
        if found is None:
            raise UnknownWorkflowVersion(
                f"Trạng thái «{name}» không có trong quy trình «{self.id}» phiên bản {self.version}.",
                hint="Hồ sơ được tiếp nhận theo một phiên bản quy trình khác: giữ lại tệp của phiên bản đó "
                     "(cùng id, khác version) bên cạnh phiên bản mới.")
        return found

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
        return self.state(state).stage

    def state_label(self, state: str | None) -> str:
        if state is None:
            return "—"
        s = self.states.get(state)
        return s.label if s else state

    def event_label(self, event: str) -> str:
        if event == RECEIVE:
            return RECEIVE_LABEL
        e = self.events.get(event)
        return e.label if e else event

    def stage_label(self, stage: str) -> str:
        return self.stages.get(stage, stage)

    def assigning_events(self) -> list[str]:
        """The events that hand a dossier to another officer (``assigns_officer``)."""
        return [e.name for e in self.events.values() if e.assigns_officer]

    def alert_thresholds(self, stage: str) -> AlertThresholds:
        return self.alerts.get(stage, AlertThresholds())
