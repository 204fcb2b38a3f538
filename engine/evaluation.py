"""The emulation (thi đua) evaluation: score divisions and officers on a movement's criteria.

A movement is data (``workflows/movements/*.yaml``): its name, period, criteria (a metric, a direction,
a weight and a point scale, each with its source), outcome bands, the minimum number of finished stage
cases for a unit to be ranked, and the tie-break order. Law 06/2022/QH15 Arts 16–18 leave criteria to
each movement's plan; there is no national formula, so nothing here is hard-coded.

Every score carries how it was made: for each criterion the metric's numerator and denominator (counts
from the metrics module), the value, the points read from the scale, the weight and the weighted points.
The total is Σ(points × weight) / Σ weights, rounded half up to two decimals, computed with exact
fractions so that a reader with a pencil gets the same number.

Ranking: eligible units by score, highest first; ties broken by the movement's ``tie_break`` list (by
default: higher early-or-on-time share, then more finished stage cases, then unit code A→Z), so ranks are
unique. Units below ``min_finished`` are scored, marked and not ranked.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .datafiles import as_day, read_mapping
from .errors import DefinitionError

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger(__name__)

UNIT_LABELS = {"division": "Phòng", "officer": "Cán bộ"}


@dataclass(frozen=True)
class MetricDef:
    label: str
    numerator_label: str
    numerator: Callable[[dict[str, Any]], int]
    denominator_label: str
    denominator: Callable[[dict[str, Any]], int]


#: the metrics a criterion may name: value = numerator / denominator of a unit's period totals
METRICS: dict[str, MetricDef] = {
    "early_or_on_time_share": MetricDef(
        "Tỷ lệ trước hạn và đúng hạn", "Số bước trước hạn + đúng hạn", lambda r: r["early"] + r["on_time"],
        "Số bước đã giải quyết được đánh giá", lambda r: r["judged"]),
    "turnaround_vs_limit": MetricDef(
        "Thời gian thực tế / thời hạn luật định", "Tổng thời gian giải quyết thực tế (đơn vị của thời hạn)",
        lambda r: r["used_sum"], "Tổng thời hạn luật định", lambda r: r["limit_sum"]),
    "open_overdue_rate": MetricDef(
        "Tỷ lệ tồn quá hạn cuối kỳ", "Số bước đang giải quyết đã quá hạn cuối kỳ", lambda r: r["open_overdue"],
        "Số bước đã giải quyết + đang giải quyết cuối kỳ", lambda r: r["finished"] + r["backlog"]),
    "repeated_supplement_share": MetricDef(
        "Tỷ lệ yêu cầu bổ sung quá một lần", "Số bước có hơn một lần yêu cầu bổ sung",
        lambda r: r["repeated_supplements"], "Số bước đã giải quyết", lambda r: r["finished"]),
    "late_share": MetricDef(
        "Tỷ lệ quá hạn", "Số bước quá hạn", lambda r: r["late"], "Số bước đã giải quyết được đánh giá",
        lambda r: r["judged"]),
}
TIE_KEYS = {*METRICS, "finished", "code"}


@dataclass(frozen=True)
class Step:
    bound: Fraction | None  # None: the catch-all last step
    points: int


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    metric: str
    direction: str  # higher | lower
    weight: int
    source: str
    scale: tuple[Step, ...]

    def points(self, value: Fraction | None) -> int:
        """Points of ``value`` on the scale: the first step it reaches; no value scores 0."""
        if value is None:
            return 0
        for step in self.scale:
            if step.bound is None:
                return step.points
            if (value >= step.bound) if self.direction == "higher" else (value <= step.bound):
                return step.points
        return 0


@dataclass(frozen=True)
class Band:
    code: str
    min: int
    label: str


@dataclass(frozen=True)
class Movement:
    id: str
    name: str
    source: str
    start: dt.date
    end: dt.date
    units: tuple[str, ...]
    min_finished: int
    tie_break: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    bands: tuple[Band, ...]
    path: str

    def band(self, score: Decimal) -> Band:
        for b in self.bands:
            if score >= b.min:
                return b
        return self.bands[-1]


def _date(path: Path, key: str, value: Any) -> dt.date:
    day = as_day(value)
    if day is None:
        raise DefinitionError(f"{path}: {key}: cần một ngày dạng YYYY-MM-DD.")
    return day


def load_movement(path: Path) -> Movement:
    """Read and validate a movement file; raises DefinitionError naming the file and key."""
    data = read_mapping(path, "cần một bảng YAML (id, name, period, criteria, bands).")
    for key in ("id", "name", "period", "criteria", "bands"):
        if key not in data:
            raise DefinitionError(f"{path}: thiếu khóa '{key}'.")
    period = data["period"] or {}
    start, end = _date(path, "period.start", period.get("start")), _date(path, "period.end", period.get("end"))
    if start > end:
        raise DefinitionError(f"{path}: period: ngày bắt đầu sau ngày kết thúc.")
    criteria = []
    for i, c in enumerate(data["criteria"] or []):
        key = f"criteria[{i}]"
        if not isinstance(c, dict) or c.get("metric") not in METRICS:
            raise DefinitionError(f"{path}: {key}.metric: cần một trong: {', '.join(METRICS)}.")
        direction = c.get("direction", "higher")
        if direction not in ("higher", "lower"):
            raise DefinitionError(f"{path}: {key}.direction: 'higher' hoặc 'lower'.")
        weight = c.get("weight")
        if not isinstance(weight, int) or weight <= 0:
            raise DefinitionError(f"{path}: {key}.weight: cần một số nguyên dương.")
        bound_key = "min" if direction == "higher" else "max"
        steps = []
        for j, s in enumerate(c.get("scale") or []):
            if not isinstance(s, dict) or not isinstance(s.get("points"), int):
                raise DefinitionError(f"{path}: {key}.scale[{j}]: cần 'points' (số nguyên) và '{bound_key}'.")
            bound = s.get(bound_key)
            steps.append(Step(None if bound is None else Fraction(str(bound)), s["points"]))
        if not steps:
            raise DefinitionError(f"{path}: {key}.scale: cần ít nhất một bậc.")
        criteria.append(Criterion(str(c.get("id", c["metric"])), str(c.get("label", METRICS[c["metric"]].label)),
                                  c["metric"], direction, weight, str(c.get("source", "")).strip(), tuple(steps)))
    if not criteria:
        raise DefinitionError(f"{path}: criteria: cần ít nhất một tiêu chí.")
    bands = []
    for i, b in enumerate(data["bands"] or []):
        if not isinstance(b, dict) or not b.get("code") or not isinstance(b.get("min"), (int, float)):
            raise DefinitionError(f"{path}: bands[{i}]: cần 'code', 'min', 'label'.")
        bands.append(Band(str(b["code"]), int(b["min"]), str(b.get("label", b["code"]))))
    bands.sort(key=lambda b: -b.min)
    units = tuple(data.get("units") or ("division", "officer"))
    for u in units:
        if u not in UNIT_LABELS:
            raise DefinitionError(f"{path}: units: '{u}' không hợp lệ (division, officer).")
    tie = tuple(data.get("tie_break") or ("early_or_on_time_share", "finished", "code"))
    for t in tie:
        if t not in TIE_KEYS:
            raise DefinitionError(f"{path}: tie_break: '{t}' không hợp lệ ({', '.join(sorted(TIE_KEYS))}).")
    return Movement(str(data["id"]), str(data["name"]), str(data.get("source", "")).strip(), start, end, units,
                    int(data.get("min_finished", 0)), tie, tuple(criteria), tuple(bands), str(path))


def round2(x: Fraction) -> Decimal:
    """Round half up to two decimals, exactly."""
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def score_unit(movement: Movement, totals: dict[str, Any]) -> dict[str, Any]:
    """Score one unit's period totals (a rolled-up metrics row) on every criterion."""
    lines = []
    weighted = Fraction(0)
    total_weight = sum(c.weight for c in movement.criteria)
    for c in movement.criteria:
        m = METRICS[c.metric]
        num, den = m.numerator(totals), m.denominator(totals)
        value = Fraction(num, den) if den else None
        pts = c.points(value)
        weighted += pts * c.weight
        lines.append({"id": c.id, "label": c.label, "metric": c.metric, "direction": c.direction,
                      "source": c.source, "numerator_label": m.numerator_label, "numerator": num,
                      "denominator_label": m.denominator_label, "denominator": den,
                      "value": None if value is None else float(value), "points": pts, "weight": c.weight,
                      "weighted_points": pts * c.weight})
    score = round2(weighted / total_weight)
    band = movement.band(score)
    return {"score": float(score), "score_text": f"{score}", "weighted_sum": int(weighted),
            "total_weight": total_weight, "band": band.code, "band_label": band.label, "criteria": lines}


def _rank(movement: Movement, rows: list[dict[str, Any]]) -> None:
    def key(r: dict[str, Any]) -> tuple[Any, ...]:
        parts: list[Any] = [-Fraction(r["score_text"])]
        for t in movement.tie_break:
            if t == "code":
                parts.append(str(r["code"]))
            elif t == "finished":
                parts.append(-r["finished"])
            else:
                m = METRICS[t]
                den = m.denominator(r["totals"])
                parts.append(-(Fraction(m.numerator(r["totals"]), den) if den else Fraction(-1)))
        return tuple(parts)

    eligible = sorted((r for r in rows if r["eligible"]), key=key)
    for i, r in enumerate(eligible, 1):
        r["rank"] = i
    order = {id(r): i for i, r in enumerate(eligible)}
    rows.sort(key=lambda r: (0, order[id(r)]) if r["eligible"] else (1, key(r)))


def evaluate(app: App, movement: Movement, *, until: dt.date | None = None) -> dict[str, Any]:
    """Score and rank the movement's units over its period (or up to ``until`` for an interim review)."""
    from sqlalchemy import text

    from .metrics import Period, rollup, session

    end = min(movement.end, until) if until else movement.end
    period = Period(movement.start, end, f"{movement.start:%d/%m/%Y} – {end:%d/%m/%Y}")
    with session(app) as ms:
        fine = ms.evaluation_totals(period)
        divisions = {r[0]: r[1] for r in ms.conn.execute(text("SELECT code, name FROM division"))}
        people = {r[0]: (r[1], r[2]) for r in ms.conn.execute(text("SELECT id, name, division FROM person"))}
    result: dict[str, Any] = {
        "movement": {"id": movement.id, "name": movement.name, "source": movement.source, "file": movement.path,
                     "start": movement.start.isoformat(), "end": movement.end.isoformat(),
                     "min_finished": movement.min_finished, "tie_break": list(movement.tie_break),
                     "criteria": [{"id": c.id, "label": c.label, "metric": c.metric, "direction": c.direction,
                                   "weight": c.weight, "source": c.source,
                                   "scale": [{"bound": None if s.bound is None else float(s.bound),
                                              "points": s.points} for s in c.scale]} for c in movement.criteria],
                     "bands": [{"code": b.code, "min": b.min, "label": b.label} for b in movement.bands]},
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat(), "label": period.label},
        "units": {},
    }
    for unit in movement.units:
        rows = []
        for totals in rollup(fine, [unit]):
            code = totals[unit]
            if code is None:
                continue
            if unit == "division":
                name, division = divisions.get(code, code), code
            else:
                name, division = people.get(code, (code, None))
            scored = score_unit(movement, totals)
            eligible = totals["finished"] >= movement.min_finished
            rows.append({"code": code, "name": name, "division": division, "finished": totals["finished"],
                         "judged": totals["judged"], "eligible": eligible, "rank": None,
                         "note": None if eligible else
                         f"Chưa đủ {movement.min_finished} bước hồ sơ đã giải quyết: không xếp hạng",
                         "totals": totals, **scored})
        _rank(movement, rows)
        for r in rows:
            t = r.pop("totals")
            r["counts"] = {k: t[k] for k in ("finished", "judged", "early", "on_time", "late",
                                             "not_judged", "backlog", "open_overdue", "repeated_supplements")}
        result["units"][unit] = rows
    return result
