"""Describe a workflow for people: a text summary and a Mermaid state diagram."""

from __future__ import annotations

from typing import Any

from ..domain.calendar import UNIT_LABELS
from ..domain.workflow import RETURN, SAME, WorkflowDef


def mermaid(wf: WorkflowDef) -> str:
    lines = ["stateDiagram-v2", f"    [*] --> {wf.initial}"]
    for s in wf.states.values():
        lines.append(f'    {s.name} : {s.label}')
    for e in wf.events.values():
        for t in e.transitions:
            for src in t.sources:
                if t.target == RETURN:
                    lines.append(f"    {src} --> {src} : {e.name} (trở lại bước trước)")
                    continue
                dst = src if t.target == SAME else t.target
                cond = " *" if t.guards else ""
                lines.append(f"    {src} --> {dst} : {e.name}{cond}")
    for s in wf.states.values():
        if s.terminal:
            lines.append(f"    {s.name} --> [*]")
    return "\n".join(lines)


def describe(wf: WorkflowDef) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    for r in wf.rule_versions:
        stages = {}
        for name, sr in r.stages.items():
            stages[name] = {"unit": sr.unit, "policy": sr.policy, "extension": sr.extension,
                            "limits": [{"when": {k: list(v) for k, v in lim.when}, "value": lim.value,
                                        "unit": lim.unit, "source": lim.source} for lim in sr.limits]}
        rules.append({"id": r.id, "effective_from": r.effective_from.isoformat(), "source": r.source,
                      "params": dict(r.params), "refuse_receipt": r.refuse_receipt, "stages": stages})
    diagram = mermaid(wf)
    text = [f"{wf.title} [{wf.id} v{wf.version}]", f"Căn cứ: {wf.source}", "", "Trạng thái:"]
    for s in wf.states.values():
        tag = " (kết thúc)" if s.terminal else " (tạm dừng thời hạn)" if s.pauses_clock else ""
        text.append(f"  {s.name:<26} {s.label}{tag}")
    text += ["", "Thao tác:"]
    for e in wf.events.values():
        text.append(f"  {e.name:<20} {e.label} — vai trò: {', '.join(sorted(e.roles))}")
    text += ["", "Quy định thời hạn:"]
    for doc in rules:
        text.append(f"  {doc['id']} (từ {doc['effective_from']}): {doc['source']}")
        if doc["refuse_receipt"]:
            text.append(f"    Không tiếp nhận: {doc['refuse_receipt'].strip()}")
        for name, st in doc["stages"].items():
            for lim in st["limits"]:
                when = ", ".join(f"{k}={'/'.join(v)}" for k, v in lim["when"].items()) or "còn lại"
                text.append(f"    {name}: {when}: {lim['value']} {UNIT_LABELS[lim['unit']]} ({st['policy']})")
    text += ["", "```mermaid", diagram, "```"]
    return {"id": wf.id, "version": wf.version, "title": wf.title, "source": wf.source, "initial": wf.initial,
            "states": {s.name: {"label": s.label, "stage": s.stage, "pauses_clock": s.pauses_clock,
                                "terminal": s.terminal} for s in wf.states.values()},
            "events": {e.name: {"label": e.label, "roles": sorted(e.roles),
                                "transitions": [{"source": list(t.sources), "target": t.target,
                                                 "max_times": t.max_times} for t in e.transitions]}
                       for e in wf.events.values()},
            "rule_versions": rules, "mermaid": diagram, "text": "\n".join(text)}
