"""Time: the project's time zone, an injectable clock, and parsing of the dates and times people type.

Every component takes its clock from the composition root; tests inject a ``FixedClock``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from .errors import BadInput

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC
#: the years a date typed by a person may fall in
FIRST_YEAR, LAST_YEAR = 1900, 2100


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, time-zone aware."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(TZ)


@dataclass(frozen=True)
class ShiftedClock:
    """The machine's clock moved by a fixed offset: it reads ``start`` when made and runs on from there
    (a demo database, whose simulated history ends on a past day, opened later: ``THAMDINH_AS_OF``)."""

    offset: dt.timedelta

    @classmethod
    def starting_at(cls, start: dt.datetime) -> ShiftedClock:
        return cls(ensure_aware(start) - dt.datetime.now(TZ))

    def now(self) -> dt.datetime:
        return dt.datetime.now(TZ) + self.offset


@dataclass
class FixedClock:
    """A clock for tests and simulations: it says what it is told and moves when asked."""

    current: dt.datetime = field(default_factory=lambda: dt.datetime(2024, 3, 1, 8, 0, tzinfo=TZ))

    def __post_init__(self) -> None:
        self.current = ensure_aware(self.current)

    def now(self) -> dt.datetime:
        return self.current

    def set(self, when: dt.datetime | dt.date | str) -> None:
        self.current = parse_at(when) if isinstance(when, str) else to_instant(when)

    def advance(self, **delta: float) -> None:
        self.current = self.current + dt.timedelta(**delta)


def ensure_aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=TZ)


def to_instant(value: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return ensure_aware(value)
    return dt.datetime.combine(value, dt.time(0, 0), TZ)


def local_date(value: dt.datetime) -> dt.date:
    """The calendar day of an instant in Asia/Ho_Chi_Minh."""
    return ensure_aware(value).astimezone(TZ).date()


def _in_range(day: dt.date, text: str) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadInput(f"Ngày «{text}» nằm ngoài khoảng năm {FIRST_YEAR}–{LAST_YEAR}.",
                       hint="Kiểm tra lại năm đã nhập.")


def parse_at(text: str) -> dt.datetime:
    """Parse an ISO 8601 date or date-time; without an offset it is Asia/Ho_Chi_Minh.

    Raises BadInput with a Vietnamese message when the text is not ISO 8601 or its year is outside
    1900–2100.
    """
    raw = text.strip()
    try:
        if len(raw) == 10:
            day = dt.date.fromisoformat(raw)
            _in_range(day, text)
            return to_instant(day)
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise BadInput(
            f"Thời điểm «{text}» không đúng định dạng ISO 8601.",
            hint="Hãy nhập dạng 2024-03-05 hoặc 2024-03-05T14:30 (giờ Việt Nam nếu không ghi múi giờ).",
        ) from None
    _in_range(when.date(), text)
    return ensure_aware(when)


def parse_date(text: str, what: str = "ngày") -> dt.date:
    """A ``YYYY-MM-DD`` date typed by a person; raises BadInput naming ``what``."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{what[:1].upper()}{what[1:]} «{text}» không đúng định dạng YYYY-MM-DD.") from None
    _in_range(day, text)
    return day
