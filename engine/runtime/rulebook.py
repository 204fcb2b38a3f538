"""The rules in force: the working-day calendar and every loaded workflow version, compiled on
first use. Built once by the composition root and handed to whoever needs the rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from ..domain.calendar import WorkingCalendar
from ..domain.errors import UnknownWorkflow, UnknownWorkflowVersion
from ..domain.workflow import AlertThresholds, AnswerWindow, WorkflowDef
from .machine import CompiledWorkflow


@dataclass(eq=False)  # compared and hashed by identity: one per composition root
class Rulebook:
    calendar: WorkingCalendar
    definitions: dict[tuple[str, int], WorkflowDef]
    _compiled: dict[tuple[str, int], CompiledWorkflow] = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, calendar: WorkingCalendar, workflows: Iterable[WorkflowDef]) -> Rulebook:
        return cls(calendar, {(wf.id, wf.version): wf for wf in workflows})

    @cached_property
    def workflows(self) -> dict[str, WorkflowDef]:
        """The newest version of each workflow, by id (what new dossiers are received under)."""
        out: dict[str, WorkflowDef] = {}
        for (wid, _), wf in sorted(self.definitions.items()):
            out[wid] = wf
        return out

    def latest(self, workflow_id: str) -> WorkflowDef:
        wf = self.workflows.get(workflow_id)
        if wf is None:
            raise UnknownWorkflow(f"Không có quy trình «{workflow_id}».",
                                  hint="Các quy trình có: " + ", ".join(sorted(self.workflows)) + ".")
        return wf

    def definition(self, workflow_id: str, version: int) -> WorkflowDef:
        """The version a dossier was received under; raises UnknownWorkflowVersion when it is gone."""
        wf = self.definitions.get((workflow_id, version))
        if wf is None:
            known = sorted(v for w, v in self.definitions if w == workflow_id)
            if not known:
                self.latest(workflow_id)  # raises UnknownWorkflow
            raise UnknownWorkflowVersion(
                f"Quy trình «{workflow_id}» phiên bản {version} không còn trong các tệp quy trình "
                f"(đang có phiên bản {', '.join(map(str, known))}).",
                hint=f"Hồ sơ giữ phiên bản quy trình khi được tiếp nhận: giữ lại tệp của phiên bản {version} "
                     f"(cùng id «{workflow_id}», version: {version}) bên cạnh phiên bản mới.",
                workflow=workflow_id, version=version)
        return wf

    def compiled(self, workflow_id: str, version: int | None = None) -> CompiledWorkflow:
        wf = self.latest(workflow_id) if version is None else self.definition(workflow_id, version)
        key = (wf.id, wf.version)
        cw = self._compiled.get(key)
        if cw is None:
            cw = self._compiled.setdefault(key, CompiledWorkflow(wf))
        return cw

    # -- labels (engine.io.templating.Labels) ----------------------------------------------------
    def _any(self, workflow_id: str) -> list[WorkflowDef]:
        return [wf for (wid, _), wf in sorted(self.definitions.items(), reverse=True) if wid == workflow_id]

    def state_label(self, workflow_id: str, state: str | None) -> str:
        if state is None:
            return "—"
        return next((wf.states[state].label for wf in self._any(workflow_id) if state in wf.states), state)

    def event_label(self, workflow_id: str, event: str) -> str:
        for wf in self._any(workflow_id):
            label = wf.event_label(event)
            if label != event:
                return label
        return event

    def stage_label(self, workflow_id: str, stage: str) -> str:
        return next((wf.stages[stage] for wf in self._any(workflow_id) if stage in wf.stages), stage)

    def workflow_title(self, workflow_id: str) -> str:
        found = self._any(workflow_id)
        return found[0].title if found else workflow_id

    # -- alert thresholds ----------------------------------------------------------------------
    def thresholds(self, workflow_id: str, stage: str) -> AlertThresholds:
        found = self._any(workflow_id)
        return found[0].alert_thresholds(stage) if found else AlertThresholds()

    def widest_due_soon(self) -> int:
        return max([AlertThresholds().due_soon] + [t.due_soon for wf in self.definitions.values()
                                                   for t in wf.alerts.values()])

    def smallest_escalate_after(self) -> int:
        return min([AlertThresholds().escalate_after] + [t.escalate_after for wf in self.definitions.values()
                                                         for t in wf.alerts.values()])

    def answer_windows(self) -> list[AnswerWindow]:
        return [r.supplement_answer for wf in self.definitions.values() for r in wf.rule_versions
                if r.supplement_answer is not None]
