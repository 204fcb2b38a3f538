"""The Vietnamese working-day calendar and deadline arithmetic.

Working days are precomputed once into a sorted list of ordinals; every question
("the N-th working day after", "how many working days between") is a bisect, never a loop.

Counting rules (Civil Code 2015 Arts 147–148, see docs/rules.md):
- the start day is not counted;
- ``working_days``: the due date is the N-th working day after the start day;
- ``days``: start day + N; if that is not a working day, the next working day.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .errors import NonWorkingDay, OutOfCalendar
from .formatting import vn_date

DAYS = "days"
WORKING_DAYS = "working_days"
UNITS = (DAYS, WORKING_DAYS)
UNIT_LABELS = {DAYS: "ngày", WORKING_DAYS: "ngày làm việc"}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
            "sunday": 6}
_WEEKDAY_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật"]


@dataclass(frozen=True)
class CalendarSpec:
    """The calendar data file, validated."""

    id: str
    weekend: frozenset[int]
    first_year: int
    last_year: int
    country: str
    language: str
    extra_days_off: dict[dt.date, str]
    make_up_working_days: dict[dt.date, str]
    not_days_off: frozenset[dt.date]


class WorkingCalendar:
    """Working days of one calendar over a span of years."""

    def __init__(self, spec: CalendarSpec, public_holidays: Mapping[dt.date, str]) -> None:
        """``public_holidays``: the statutory days off with their names (the ``holidays`` package's,
        read by engine.io.calendars); the spec adds its swaps and make-up working days."""
        self.spec = spec
        self._names: dict[dt.date, str] = {day: name for day, name in public_holidays.items()
                                           if day not in spec.not_days_off}
        self._names.update(spec.extra_days_off)
        self.first = dt.date(spec.first_year, 1, 1)
        self.last = dt.date(spec.last_year, 12, 31)
        working: list[int] = []
        for ordinal in range(self.first.toordinal(), self.last.toordinal() + 1):
            day = dt.date.fromordinal(ordinal)
            if day in spec.make_up_working_days or (day.weekday() not in spec.weekend and day not in self._names):
                working.append(ordinal)
        self._working = working
        self._working_set = frozenset(working)

    # -- questions about one day ---------------------------------------------------------------
    def _check(self, day: dt.date) -> None:
        if not (self.first <= day <= self.last):
            raise OutOfCalendar(
                f"Ngày {vn_date(day)} nằm ngoài lịch làm việc đã nạp "
                f"({vn_date(self.first)}–{vn_date(self.last)}).",
                hint="Mở rộng khoảng năm (years) trong tệp lịch.",
            )

    def is_working_day(self, day: dt.date) -> bool:
        self._check(day)
        return day.toordinal() in self._working_set

    def why_off(self, day: dt.date) -> str | None:
        """Why a day is not a working day, in Vietnamese, or None if it is one."""
        if self.is_working_day(day):
            return None
        if day in self._names:
            return self._names[day]
        return _WEEKDAY_VI[day.weekday()]

    def require_working_day(self, day: dt.date, what: str = "Ngày") -> None:
        """Raise NonWorkingDay naming the holiday and the next working day."""
        reason = self.why_off(day)
        if reason is not None:
            nxt = self.next_working_day(day)
            raise NonWorkingDay(
                f"{what} {vn_date(day)} không phải ngày làm việc ({reason}).",
                hint=f"Ngày làm việc kế tiếp là {vn_date(nxt)}.",
                date=day.isoformat(), next_working_day=nxt.isoformat(),
            )

    def next_working_day(self, day: dt.date, *, include_self: bool = True) -> dt.date:
        self._check(day)
        ordinal = day.toordinal()
        i = bisect_left(self._working, ordinal) if include_self else bisect_right(self._working, ordinal)
        return self._at(i, day)

    def _at(self, index: int, near: dt.date) -> dt.date:
        if index < 0 or index >= len(self._working):
            raise OutOfCalendar(
                f"Kết quả tính hạn quanh ngày {vn_date(near)} vượt ra ngoài lịch đã nạp "
                f"({vn_date(self.first)}–{vn_date(self.last)}).",
                hint="Mở rộng khoảng năm (years) trong tệp lịch.",
            )
        return dt.date.fromordinal(self._working[index])

    # -- deadline arithmetic ----------------------------------------------------------------
    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (n <= 0 counts backwards from ``start``)."""
        self._check(start)
        ordinal = start.toordinal()
        if n > 0:
            return self._at(bisect_right(self._working, ordinal) + n - 1, start)
        if n == 0:
            return start
        return self._at(bisect_left(self._working, ordinal) + n, start)

    def add_days(self, start: dt.date, n: int) -> dt.date:
        """start + n calendar days, moved to the next working day if that one is not."""
        return self.next_working_day(start + dt.timedelta(days=n))

    def add(self, start: dt.date, n: int, unit: str) -> dt.date:
        if unit == WORKING_DAYS:
            return self.add_working_days(start, n)
        if unit == DAYS:
            return self.add_days(start, n)
        raise ValueError(f"unknown unit {unit!r}")

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative if end < start)."""
        self._check(start)
        self._check(end)
        return bisect_right(self._working, end.toordinal()) - bisect_right(self._working, start.toordinal())

    def units_between(self, start: dt.date, end: dt.date, unit: str) -> int:
        """Units used after ``start`` up to and including ``end``."""
        if unit == WORKING_DAYS:
            return self.working_days_between(start, end)
        return (end - start).days

    def working_day_number(self, day: dt.date) -> int:
        """How many working days of the calendar fall on or before ``day``."""
        self._check(day)
        return bisect_right(self._working, day.toordinal())

    def working_days_in(self, start: dt.date, end: dt.date) -> Iterable[dt.date]:
        lo = bisect_left(self._working, start.toordinal())
        hi = bisect_right(self._working, end.toordinal())
        return (dt.date.fromordinal(o) for o in self._working[lo:hi])
