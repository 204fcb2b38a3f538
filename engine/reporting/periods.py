"""Periods (a month, a movement's campaign…) and the percentile formula the reports use."""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..domain.errors import BadInput
from ..domain.formatting import vn_date


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days with a label (a month, a movement's campaign...)."""

    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def month(cls, text_: str) -> Period:
        """``YYYY-MM``; raises BadInput otherwise."""
        try:
            year, month = (int(x) for x in text_.strip().split("-"))
            start = dt.date(year, month, 1)
        except (ValueError, TypeError):
            raise BadInput(f"Tháng «{text_}» không đúng định dạng YYYY-MM.", hint="Ví dụ: --month 2024-03") from None
        end = dt.date(year, month, pycal.monthrange(year, month)[1])
        return cls(start, end, f"{month:02d}/{year}")

    @classmethod
    def between(cls, start: dt.date, end: dt.date) -> Period:
        """Any range of days, labelled dd/mm/yyyy – dd/mm/yyyy; raises BadInput if it runs backwards."""
        if start > end:
            raise BadInput("Ngày đầu kỳ sau ngày cuối kỳ.")
        return cls(start, end, f"{vn_date(start)} – {vn_date(end)}")

    @property
    def ym(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"

    def months(self) -> list[Period]:
        out, y, m = [], self.start.year, self.start.month
        while dt.date(y, m, 1) <= self.end:
            out.append(Period.month(f"{y:04d}-{m:02d}"))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont`` on sorted ``values``: the same formula, the same floats."""
    n = len(values)
    if n == 0:
        return None
    pos = fraction * (n - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    first, second = float(values[lo]), float(values[hi])
    return first + (second - first) * (pos - lo)


def hist_percentile(hist: Counter[int], fraction: float) -> float | None:
    """``percentile_cont`` of the sorted values a histogram {value: count} stands for (exact)."""
    n = sum(hist.values())
    if n == 0:
        return None
    pos = fraction * (n - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    first = second = None
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if first is None and seen > lo:
            first = value
        if seen > hi:
            second = value
            break
    assert first is not None and second is not None
    return float(first) + (float(second) - float(first)) * (pos - lo)
