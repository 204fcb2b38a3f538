"""Charts of the reports: geometry only (bars, ticks, labels); the templates draw them as inline SVG.

Numbers are written as everywhere else in the reports (engine.domain.formatting: 89,5%; 1.234), and a
bar is labelled with a name (a division's, an officer's), never a code. Labels too long for their bar
are written slanted, and the picture grows at the bottom to hold them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from ..domain.formatting import DASH, vn_number, vn_percent

#: the labels' size in the SVG (templates/reports/base.html: svg text 9px), and the slant of long ones
CHAR_PX, SLANT = 5.0, 40


def _count(value: float) -> str:
    """A count or a score, with as many decimals as it has (up to two): 12; 89,5; 1.234."""
    text = vn_number(value, 2)
    return text.rstrip("0").rstrip(",")


def _value(value: float | None, as_percent: bool) -> str:
    if value is None:
        return DASH
    return vn_percent(value) if as_percent else _count(value)


def bar_chart(items: Sequence[tuple[str, float | None]], *, width: int = 640, height: int = 220,
              as_percent: bool = True, vmax: float | None = None) -> dict[str, Any]:
    """Vertical bars for (label, value) pairs; values are shares (0–1) or counts (scale up to ``vmax``)."""
    n = max(len(items), 1)
    top, left, right = 16, 40, 10
    slot = (width - left - right) / n
    longest = max((len(label) for label, _ in items), default=0) * CHAR_PX
    slanted = longest > slot * 0.95
    bottom = round(16 + longest * math.sin(math.radians(SLANT))) + 8 if slanted else 40
    height += max(0, bottom - 40)
    plot_h = height - top - bottom
    vmax = 1.0 if as_percent else (vmax or max([v or 0 for _, v in items] + [1]))
    bars = []
    for i, (label, value) in enumerate(items):
        h = plot_h * ((value or 0) / vmax)
        bars.append({"x": round(left + i * slot + slot * 0.15, 1), "y": round(top + plot_h - h, 1),
                     "w": round(slot * 0.7, 1), "h": round(h, 1), "label": label,
                     "value": _value(value, as_percent), "lx": round(left + i * slot + slot / 2, 1)})
    ticks = [{"y": round(top + plot_h - plot_h * f, 1),
              "label": vn_percent(f, 0) if as_percent else vn_number(vmax * f, 0)} for f in (0, 0.5, 1)]
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "left": left,
            "right": width - right, "base": top + plot_h, "slant": SLANT if slanted else 0}


def monthly_charts(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "trend": bar_chart([(f"{t['month'][5:7]}/{t['month'][2:4]}", t["early_or_on_time_share"])
                            for t in data["trend"]], width=820),
        "divisions": bar_chart([(r["name"], r["early_or_on_time_share"]) for r in data["by_division"]], width=820),
        "distribution": bar_chart(list(zip(data["turnaround_buckets"],
                                           [float(x) for x in data["total"]["turnaround_buckets"]], strict=False)),
                                  as_percent=False, width=820),
    }


def evaluation_chart(rows: Sequence[dict[str, Any]], limit: int = 20) -> dict[str, Any]:
    """The scores of the first ``limit`` ranked units, each bar named by the unit's name."""
    return bar_chart([(r["name"], r["score"]) for r in rows if r["eligible"]][:limit], as_percent=False,
                     vmax=100, width=820)
