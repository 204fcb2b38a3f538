"""The emulation (thi đua) evaluation: score divisions and officers on a movement's criteria.

A movement is data (``workflows/movements/*.yaml``, read by engine.io.movements): its name, period,
criteria (a metric, a direction,
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
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from ..domain.calendar import WorkingCalendar
from ..domain.formatting import vn_percent
from ..domain.movement import METRICS, Criterion, Movement
from ..store.database import Database
from .blockers_evaluation import blocker_totals
from .capital_evaluation import capital_totals
from .metrics import session
from .periods import Period
from .rollups import rollup


def round2(x: Fraction) -> Decimal:
    """Round half up to two decimals, exactly."""
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


DIRECTION_LABELS = {"higher": "cao hơn tốt hơn", "lower": "thấp hơn tốt hơn"}


def _share(value: Fraction) -> str:
    """A scale's bound (every metric is a ratio) as a Vietnamese percentage: 0.98 → 98%, 0.025 → 2,5%."""
    decimals = next((d for d in range(3) if (value * 100 * 10**d).denominator == 1), 2)
    return vn_percent(float(value), decimals)


def _scale(c: Criterion) -> list[dict[str, Any]]:
    sign = "≥" if c.direction == "higher" else "≤"
    return [{"bound": None if s.bound is None else float(s.bound), "points": s.points,
             "label": "còn lại" if s.bound is None else f"{sign} {_share(s.bound)}"} for s in c.scale]


def score_unit(movement: Movement, totals: dict[str, Any]) -> dict[str, Any]:
    """Score one unit's period totals (a rolled-up metrics row) on every criterion."""
    lines = []
    weighted = Fraction(0)
    total_weight = sum(c.weight for c in movement.criteria)
    for c in movement.criteria:
        m = METRICS[c.metric]
        num, den = m.numerator(totals), m.denominator(totals)
        value = Fraction(num, den) if den else None
        if value is None and c.no_data == "skip":  # left out of this unit's score, weight and all
            total_weight -= c.weight
            lines.append({"id": c.id, "label": c.label, "metric": c.metric, "direction": c.direction,
                          "source": c.source, "numerator_label": m.numerator_label, "numerator": num,
                          "denominator_label": m.denominator_label, "denominator": den, "value": None,
                          "points": None, "weight": c.weight, "weighted_points": None, "skipped": True})
            continue
        pts = c.points(value)
        weighted += pts * c.weight
        lines.append({"id": c.id, "label": c.label, "metric": c.metric, "direction": c.direction,
                      "source": c.source, "numerator_label": m.numerator_label, "numerator": num,
                      "denominator_label": m.denominator_label, "denominator": den,
                      "value": None if value is None else float(value), "points": pts, "weight": c.weight,
                      "weighted_points": pts * c.weight})
    score = round2(weighted / total_weight) if total_weight else Decimal("0.00")
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


def evaluate(database: Database, cal: WorkingCalendar, movement: Movement, *,
             until: dt.date | None = None) -> dict[str, Any]:
    """Score and rank the movement's units over its period (or up to ``until`` for an interim review)."""
    end = min(movement.end, until) if until else movement.end
    period = Period(movement.start, end, f"{movement.start:%d/%m/%Y} – {end:%d/%m/%Y}")
    with session(database, cal) as ms:
        fine = ms.evaluation_totals(period)
        extra = capital_totals(database, movement, period)
        blockers = blocker_totals(database, cal, movement, period)
        divisions = {r[0]: r[1] for r in ms.rm.names("divisions")}
        people = {r[0]: (r[1], r[2]) for r in ms.rm.names("people_divisions")}
    result: dict[str, Any] = {
        "movement": {"id": movement.id, "name": movement.name, "source": movement.source, "file": movement.path,
                     "start": movement.start.isoformat(), "end": movement.end.isoformat(),
                     "min_finished": movement.min_finished, "tie_break": list(movement.tie_break),
                     "criteria": [{"id": c.id, "label": c.label, "metric": c.metric,
                                   "metric_label": METRICS[c.metric].label, "direction": c.direction,
                                   "direction_label": DIRECTION_LABELS[c.direction], "weight": c.weight,
                                   "source": c.source, "scale": _scale(c)} for c in movement.criteria],
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
            totals = {**totals, **extra.get(unit, {}).get(code, {}), **blockers.get(unit, {}).get(code, {})}
            scored = score_unit(movement, totals)
            eligible = totals["finished"] >= movement.min_finished
            rows.append({"code": code, "name": name, "division": division,
                         "division_name": divisions.get(division, division) if division else None,
                         "finished": totals["finished"],
                         "judged": totals["judged"], "eligible": eligible, "rank": None,
                         "note": None if eligible else
                         f"Chưa đủ {movement.min_finished} bước giải quyết xong: không xếp hạng",
                         "totals": totals, **scored})
        _rank(movement, rows)
        for r in rows:
            t = r.pop("totals")
            r["counts"] = {k: t[k] for k in ("finished", "judged", "early", "on_time", "late",
                                             "not_judged", "backlog", "open_overdue", "repeated_supplements")}
        result["units"][unit] = rows
    return result
