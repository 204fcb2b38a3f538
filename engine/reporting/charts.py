"""Charts of the reports: geometry only (bars, ticks, labels); the templates draw them as inline SVG."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def bar_chart(items: Sequence[tuple[str, float | None]], *, width: int = 640, height: int = 220,
              as_percent: bool = True, vmax: float | None = None) -> dict[str, Any]:
    """Vertical bars for (label, value) pairs; values are shares (0–1) or counts (scale up to ``vmax``)."""
    top, bottom, left, right = 16, 40, 40, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax = 1.0 if as_percent else (vmax or max([v or 0 for _, v in items] + [1]))
    n = max(len(items), 1)
    slot = plot_w / n
    bars = []
    for i, (label, value) in enumerate(items):
        v = value or 0
        h = plot_h * (v / vmax)
        bars.append({"x": round(left + i * slot + slot * 0.15, 1), "y": round(top + plot_h - h, 1),
                     "w": round(slot * 0.7, 1), "h": round(h, 1), "label": label,
                     "value": "—" if value is None else (f"{value * 100:.0f}%" if as_percent else f"{value:g}"),
                     "lx": round(left + i * slot + slot / 2, 1)})
    ticks = [{"y": round(top + plot_h - plot_h * f, 1),
              "label": f"{f * 100:.0f}%" if as_percent else f"{vmax * f:.0f}"} for f in (0, 0.5, 1)]
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "left": left,
            "right": width - right, "base": top + plot_h}


def monthly_charts(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "trend": bar_chart([(f"{t['month'][5:7]}/{t['month'][2:4]}", t["early_or_on_time_share"])
                            for t in data["trend"]], width=820),
        "divisions": bar_chart([(r["division"], r["early_or_on_time_share"]) for r in data["by_division"]], width=820),
        "distribution": bar_chart(list(zip(data["turnaround_buckets"],
                                           [float(x) for x in data["total"]["turnaround_buckets"]], strict=False)),
                                  as_percent=False, width=820),
    }


