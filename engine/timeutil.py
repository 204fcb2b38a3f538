"""Time: the project's time zone, an injectable clock, and parsing of ``--at`` values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol
from zoneinfo import ZoneInfo

from .errors import BadInput

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = dt.UTC


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current instant, time-zone aware."""
        ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(TZ)


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


def parse_at(text: str) -> dt.datetime:
    """Parse an ISO 8601 date or date-time; without an offset it is Asia/Ho_Chi_Minh.

    Raises BadInput with a Vietnamese message when the text is not ISO 8601.
    """
    raw = text.strip()
    try:
        if len(raw) == 10:
            return to_instant(dt.date.fromisoformat(raw))
        return ensure_aware(dt.datetime.fromisoformat(raw))
    except ValueError:
        raise BadInput(
            f"Thời điểm «{text}» không đúng định dạng ISO 8601.",
            hint="Hãy nhập dạng 2024-03-05 hoặc 2024-03-05T14:30 (giờ Việt Nam nếu không ghi múi giờ).",
        ) from None


def parse_date(text: str, what: str = "ngày") -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise BadInput(f"{what.capitalize()} «{text}» không đúng định dạng YYYY-MM-DD.") from None


def vn_date(day: dt.date | None) -> str:
    """dd/mm/yyyy, as Vietnamese documents write dates."""
    return "—" if day is None else day.strftime("%d/%m/%Y")
