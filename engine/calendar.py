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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .datafiles import as_day, read_mapping
from .errors import DefinitionError, NonWorkingDay, OutOfCalendar
from .timeutil import vn_date

DAYS = "days"
WORKING_DAYS = "working_days"
UNITS = (DAYS, WORKING_DAYS)
UNIT_LABELS = {DAYS: "ngày", WORKING_DAYS: "ngày làm việc"}
_WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
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

    def __init__(self, spec: CalendarSpec) -> None:
        import holidays  # imported here: it costs ~0.1 s and the CLI's --help must stay fast

        self.spec = spec
        years = range(spec.first_year, spec.last_year + 1)
        package = holidays.country_holidays(spec.country, years=years, language=spec.language)
        self._names: dict[dt.date, str] = {}
        for day, name in package.items():
            if day not in spec.not_days_off:
                self._names[day] = name
        self._names.update(spec.extra_days_off)
        self.first = dt.date(spec.first_year, 1, 1)
        self.last = dt.date(spec.last_year, 12, 31)
        working: list[int] = []
        for ordinal in range(self.first.toordinal(), self.last.toordinal() + 1):
            day = dt.date.fromordinal(ordinal)
            if day in spec.make_up_working_days:
                working.append(ordinal)
            elif day.weekday() not in spec.weekend and day not in self._names:
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

    def working_days_in(self, start: dt.date, end: dt.date) -> Iterable[dt.date]:
        lo = bisect_left(self._working, start.toordinal())
        hi = bisect_right(self._working, end.toordinal())
        return (dt.date.fromordinal(o) for o in self._working[lo:hi])


def load_calendar_spec(paths: list[Path]) -> CalendarSpec:
    """Read the shipped calendar file and any province override files (same id, override: true)."""
    base: dict[str, Any] | None = None
    extra_off: dict[dt.date, str] = {}
    make_up: dict[dt.date, str] = {}
    not_off: set[dt.date] = set()
    for path in paths:
        data = read_mapping(path, "tệp lịch phải là một bảng YAML có khóa 'id'.")
        if "id" not in data:
            raise DefinitionError(f"{path}: tệp lịch phải là một bảng YAML có khóa 'id'.")
        if base is None:
            base = data
        elif data["id"] != base["id"]:
            raise DefinitionError(
                f"{path}: id: lịch «{data['id']}» khác lịch đang dùng «{base['id']}».",
                hint=f"Tệp bổ sung của tỉnh phải có 'id: {base['id']}' và 'override: true'.")
        elif data.get("override") is not True:
            raise DefinitionError(f"{path}: id '{data['id']}' trùng lịch có sẵn; thêm 'override: true'.")
        else:
            for key in ("weekend", "years", "holidays_package"):
                if key in data:
                    base[key] = data[key]
        extra_off.update(_dated(path, data, "extra_days_off"))
        make_up.update(_dated(path, data, "make_up_working_days"))
        not_off.update(_dated(path, data, "not_days_off"))
    if base is None:
        raise DefinitionError("Không tìm thấy tệp lịch làm việc nào.")
    where = paths[0]
    try:
        weekend = frozenset(_WEEKDAYS[str(d).lower()] for d in base.get("weekend", ["saturday", "sunday"]))
    except KeyError as exc:
        raise DefinitionError(f"{where}: weekend: không hiểu ngày '{exc.args[0]}'.") from None
    years = base.get("years") or {}
    pkg = base.get("holidays_package") or {}
    first, last = int(years.get("first", 2015)), int(years.get("last", 2040))
    if first > last:
        raise DefinitionError(f"{where}: years: 'first' ({first}) lớn hơn 'last' ({last}).")
    both = set(extra_off) & set(make_up)
    if both:
        day = min(both)
        raise DefinitionError(f"{where}: ngày {day.isoformat()} vừa là ngày nghỉ vừa là ngày làm bù.")
    return CalendarSpec(
        id=str(base["id"]), weekend=weekend, first_year=first, last_year=last,
        country=str(pkg.get("country", "VN")), language=str(pkg.get("language", "vi")),
        extra_days_off=extra_off, make_up_working_days=make_up, not_days_off=frozenset(not_off),
    )


def _dated(path: Path, data: dict[str, Any], key: str) -> dict[dt.date, str]:
    out: dict[dt.date, str] = {}
    for i, item in enumerate(data.get(key) or []):
        day = as_day(item.get("date") if isinstance(item, dict) else item)
        if day is None:
            raise DefinitionError(f"{path}: {key}[{i}].date: cần một ngày dạng YYYY-MM-DD.")
        out[day] = str(item.get("name", "")) if isinstance(item, dict) else ""
    return out
