"""Movement files (``workflows/movements/*.yaml``) → the domain's ``Movement``: period, units,
criteria (a metric, a direction, a weight, a point scale, each with its source), outcome bands, the
minimum of finished stages to be ranked, the tie-break order, and the disbursement goal (``capital``,
engine.io.capital_goal)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Any

from ..domain.movement import (
    BLOCKER_METRICS,
    CAPITAL_METRICS,
    METRICS,
    TIE_KEYS,
    UNIT_LABELS,
    Band,
    Criterion,
    Movement,
    ScaleStep,
)
from .capital_goal import capital_goal
from .checks import Ctx
from .resources import workflows_dir
from .yaml_files import read_mapping

DEFAULT_MOVEMENT = "2024-giai-ngan-dau-tu-cong.yaml"
_KEYS = {"id", "version", "name", "source", "period", "units", "min_finished", "tie_break", "criteria", "bands",
         "capital"}
_CRITERION_KEYS = {"id", "label", "metric", "direction", "weight", "source", "scale", "no_data", "within"}


def default_movement_path() -> Path:
    return workflows_dir() / "movements" / DEFAULT_MOVEMENT


def _criterion(c: Ctx, key: str, raw: Any) -> Criterion:
    if not isinstance(raw, dict) or raw.get("metric") not in METRICS:
        raise c.fail(f"{key}.metric", f"cần một trong: {', '.join(METRICS)}.")
    c.only(raw, _CRITERION_KEYS, key)
    direction = raw.get("direction", "higher")
    if direction not in ("higher", "lower"):
        raise c.fail(f"{key}.direction", "'higher' hoặc 'lower'.")
    weight = c.positive(raw.get("weight"), f"{key}.weight")
    bound_key = "min" if direction == "higher" else "max"
    steps = []
    for j, s in enumerate(c.sequence(raw.get("scale"), f"{key}.scale", empty=False)):
        if not isinstance(s, dict) or not isinstance(s.get("points"), int) or isinstance(s.get("points"), bool):
            raise c.fail(f"{key}.scale[{j}]", f"cần 'points' (số nguyên) và '{bound_key}'.")
        bound = s.get(bound_key)
        if bound is not None and (not isinstance(bound, int | float) or isinstance(bound, bool)):
            raise c.fail(f"{key}.scale[{j}].{bound_key}", "cần một số.")
        steps.append(ScaleStep(None if bound is None else Fraction(str(bound)), s["points"]))
    metric = raw["metric"]
    no_data = raw.get("no_data", "zero")
    if no_data not in ("zero", "skip"):
        raise c.fail(f"{key}.no_data", "'zero' (0 điểm) hoặc 'skip' (không tính tiêu chí này).")
    within = c.positive(raw.get("within"), f"{key}.within") if "within" in raw or metric in BLOCKER_METRICS else None
    return Criterion(str(raw.get("id", metric)), str(raw.get("label", METRICS[metric].label)), metric, direction,
                     weight, str(raw.get("source", "")).strip(), tuple(steps), no_data, within)


def _bands(c: Ctx, raw: Any) -> tuple[Band, ...]:
    bands = []
    for i, b in enumerate(c.sequence(raw, "bands", empty=False)):
        if not isinstance(b, dict) or not b.get("code") or not isinstance(b.get("min"), int | float):
            raise c.fail(f"bands[{i}]", "cần 'code', 'min', 'label'.")
        bands.append(Band(str(b["code"]), int(b["min"]), str(b.get("label", b["code"]))))
    return tuple(sorted(bands, key=lambda b: -b.min))


def load_movement(path: Path) -> Movement:
    """Read and validate a movement file; raises DefinitionError naming the file and key."""
    data = read_mapping(path, "cần một bảng YAML (id, name, period, criteria, bands).")
    c = Ctx(str(path))
    c.only(data, _KEYS)
    for key in ("id", "name", "period", "criteria", "bands"):
        if key not in data:
            raise c.fail(key, "thiếu khóa bắt buộc.")
    period = c.mapping(data["period"], "period")
    start, end = c.day(period.get("start"), "period.start"), c.day(period.get("end"), "period.end")
    if start > end:
        raise c.fail("period", "ngày bắt đầu sau ngày kết thúc.")
    criteria = tuple(_criterion(c, f"criteria[{i}]", x)
                     for i, x in enumerate(c.sequence(data["criteria"], "criteria", empty=False)))
    units = c.names(data.get("units") or ["division", "officer"], "units")
    for u in units:
        if u not in UNIT_LABELS:
            raise c.fail("units", f"'{u}' không hợp lệ (division, officer).")
    tie = c.names(data.get("tie_break") or ["early_or_on_time_share", "finished", "code"], "tie_break")
    for t in tie:
        if t not in TIE_KEYS:
            raise c.fail("tie_break", f"'{t}' không hợp lệ ({', '.join(sorted(TIE_KEYS))}).")
    min_finished = data.get("min_finished", 0)
    if not isinstance(min_finished, int) or isinstance(min_finished, bool) or min_finished < 0:
        raise c.fail("min_finished", "phải là số nguyên không âm.")
    capital = capital_goal(c, data["capital"]) if "capital" in data else None
    if capital is None and any(x.metric in CAPITAL_METRICS for x in criteria):
        raise c.fail("capital", "tiêu chí giải ngân cần mục capital (năm kế hoạch, mục tiêu).")
    return Movement(str(data["id"]), str(data["name"]), str(data.get("source", "")).strip(), start, end, units,
                    min_finished, tie, criteria, _bands(c, data["bands"]), str(path), capital)
