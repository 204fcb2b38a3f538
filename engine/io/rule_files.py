"""The time-limit part of a workflow file: rule versions with their stages' limits, the investor's
answer window, and the alert thresholds per stage (engine.io.workflow_files reads the rest)."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from typing import Any

from ..domain.calendar import UNITS
from ..domain.dossier import DOSSIER_FIELDS
from ..domain.workflow import POLICIES, AlertThresholds, AnswerWindow, LimitRule, RuleVersion, StageRule
from .checks import Ctx

_RULE_KEYS = {"effective_from", "source", "params", "stages", "refuse_receipt", "supplement_answer"}
_STAGE_KEYS = {"unit", "policy", "extension", "limits"}
_LIMIT_KEYS = {"when", "value", "unit", "source"}


def _unit(c: Ctx, value: Any, key: str) -> str:
    if value not in UNITS:
        raise c.fail(key, f"đơn vị «{value}» không hợp lệ (days hoặc working_days).")
    return str(value)


def _limit(c: Ctx, lkey: str, lim: Any, unit: str, source: str) -> LimitRule:
    if not isinstance(lim, dict):
        raise c.fail(lkey, "cần một bảng (when, value, source).")
    c.only(lim, _LIMIT_KEYS, lkey)
    value = c.positive(lim.get("value"), f"{lkey}.value", "thời hạn là số nguyên dương")
    when = []
    for fname, allowed in c.mapping(lim.get("when"), f"{lkey}.when", empty=True).items():
        if fname not in DOSSIER_FIELDS:
            raise c.fail(f"{lkey}.when.{fname}", f"trường không có (cho phép: {', '.join(DOSSIER_FIELDS)}).")
        values = allowed if isinstance(allowed, list) else [allowed]
        if not values or not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
            raise c.fail(f"{lkey}.when.{fname}", "cần một giá trị hoặc danh sách giá trị.")
        when.append((str(fname), tuple(str(v) for v in values)))
    lunit = _unit(c, lim.get("unit", unit), f"{lkey}.unit")
    return LimitRule(tuple(when), value, lunit, str(lim.get("source") or source))


def _stage_rule(c: Ctx, skey: str, stage: str, sspec: Any, source: str) -> StageRule:
    if not isinstance(sspec, dict):
        raise c.fail(skey, "cần một bảng (unit, policy, limits).")
    c.only(sspec, _STAGE_KEYS, skey)
    unit = _unit(c, sspec.get("unit"), f"{skey}.unit")
    policy = sspec.get("policy", "resume")
    if policy not in POLICIES:
        raise c.fail(f"{skey}.policy", f"«{policy}» không hợp lệ (resume hoặc restart).")
    ext = sspec.get("extension")
    if ext is not None and ext != "same":
        c.positive(ext, f"{skey}.extension", "'same' hoặc số nguyên dương")
    lims = c.sequence(sspec.get("limits"), f"{skey}.limits", empty=False)
    limits = tuple(_limit(c, f"{skey}.limits[{j}]", lim, unit, source) for j, lim in enumerate(lims))
    return StageRule(stage, unit, str(policy), limits, ext)


def _rule_version(c: Ctx, rid: str, spec: Any, stages: Mapping[str, str]) -> RuleVersion:
    key = f"rule_versions.{rid}"
    if not isinstance(spec, dict):
        raise c.fail(key, "cần một bảng.")
    c.only(spec, _RULE_KEYS, key)
    eff = c.day(spec.get("effective_from"), f"{key}.effective_from")
    if not isinstance(spec.get("source"), str) or not spec["source"].strip():
        raise c.fail(f"{key}.source", "mỗi phiên bản quy định phải ghi căn cứ pháp lý.")
    refuse = spec.get("refuse_receipt")
    if refuse is not None and not isinstance(refuse, str):
        raise c.fail(f"{key}.refuse_receipt", "cần một chuỗi nêu lý do và căn cứ.")
    srules: dict[str, StageRule] = {}
    declared = set()
    for stage, sspec in c.mapping(spec.get("stages"), f"{key}.stages", empty=True).items():
        skey = f"{key}.stages.{stage}"
        if stage not in stages:
            raise c.fail(skey, f"bước «{stage}» không khai báo trong 'stages'.")
        declared.add(stage)
        if sspec is not None:  # None: explicitly not applicable under this rule version
            srules[stage] = _stage_rule(c, skey, stage, sspec, spec["source"])
    missing = [s for s in stages if s not in declared]
    if missing and not refuse:
        raise c.fail(f"{key}.stages", f"thiếu thời hạn cho bước «{missing[0]}».")
    params = c.mapping(spec.get("params"), f"{key}.params", empty=True)
    window = answer_window(c, f"{key}.supplement_answer", spec.get("supplement_answer"))
    return RuleVersion(str(rid), eff, str(spec["source"]), dict(params), srules, refuse or None, window)


def rule_versions(c: Ctx, raw: Any, stages: Mapping[str, str]) -> tuple[RuleVersion, ...]:
    """Every rule version, sorted by the day it took effect; two on one day are refused."""
    out = sorted((_rule_version(c, str(rid), spec, stages)
                  for rid, spec in c.mapping(raw, "rule_versions").items()), key=lambda r: r.effective_from)
    for a, b in pairwise(out):
        if a.effective_from == b.effective_from:
            raise c.fail(f"rule_versions.{b.id}.effective_from", f"trùng ngày hiệu lực với «{a.id}».")
    return tuple(out)


def answer_window(c: Ctx, key: str, raw: Any) -> AnswerWindow | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise c.fail(key, "cần một bảng (value, unit, source).")
    c.only(raw, {"value", "unit", "source"}, key)
    value = c.positive(raw.get("value"), f"{key}.value", "thời hạn là số nguyên dương")
    unit = _unit(c, raw.get("unit", "working_days"), f"{key}.unit")
    if not isinstance(raw.get("source"), str) or not raw["source"].strip():
        raise c.fail(f"{key}.source", "phải ghi căn cứ pháp lý.")
    return AnswerWindow(value, unit, raw["source"])


def alert_thresholds(c: Ctx, raw: Any, stages: Mapping[str, str]) -> dict[str, AlertThresholds]:
    out = {}
    for stage, spec in c.mapping(raw, "alerts", empty=True).items():
        key = f"alerts.{stage}"
        if stage not in stages:
            raise c.fail(key, f"bước «{stage}» không khai báo trong 'stages'.")
        spec = c.mapping(spec, key, empty=True)
        c.only(spec, {"due_soon", "escalate_after"}, key)
        vals = {k: c.positive(spec[k], f"{key}.{k}", "số ngày làm việc nguyên dương")
                for k in ("due_soon", "escalate_after") if k in spec}
        out[str(stage)] = AlertThresholds(**vals)
    return out
