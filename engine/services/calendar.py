"""Questions about the working-day calendar that people ask from the command line."""

from __future__ import annotations

import datetime as dt

from ..domain.calendar import UNITS, WorkingCalendar
from ..domain.errors import BadInput


def due_date(cal: WorkingCalendar, start: dt.date, n: int, unit: str) -> dt.date:
    """N days (or working days, ``unit``) after ``start``, that day not counted; raises BadInput."""
    unit = unit.replace("-", "_")
    if unit not in UNITS:
        raise BadInput(f"Đơn vị «{unit}» không hợp lệ.", hint="Dùng days hoặc working-days.")
    if n <= 0:
        raise BadInput(f"Số ngày phải dương, không phải {n}.")
    return cal.add(start, n, unit)
