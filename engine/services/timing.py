"""When an act happened: the instant recorded and the day its clock effects count from."""

from __future__ import annotations

import datetime as dt

from ..domain.calendar import WorkingCalendar
from ..domain.clock import TZ, Clock, local_date
from ..domain.errors import TimeOrderError
from ..domain.formatting import vn_datetime

#: how far ahead of the clock an explicit time may be (clocks of two machines differ a little)
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def when(at: dt.datetime | None, clock: Clock, cal: WorkingCalendar) -> tuple[dt.datetime, dt.date]:
    """The instant of an act and the day its clock effects count from.

    An explicit time in the future or on a day off is refused (TimeOrderError, NonWorkingDay); "now"
    on a day off counts from the next working day.
    """
    now = clock.now()
    if at is None:
        return now, cal.next_working_day(local_date(now))
    if at > now + FUTURE_TOLERANCE:
        raise TimeOrderError(f"Thời điểm {vn_datetime(at.astimezone(TZ))} ở tương lai.",
                             hint="Chỉ ghi nhận sự kiện đã xảy ra; bỏ --at để dùng thời điểm hiện tại.")
    day = local_date(at)
    cal.require_working_day(day, "Ngày")
    return at, day


def not_before(at: dt.datetime, last: dt.datetime) -> None:
    """Events are recorded in time order: raises TimeOrderError if ``at`` is before ``last``."""
    if at < last:
        raise TimeOrderError(
            f"Thời điểm {vn_datetime(at.astimezone(TZ))} sớm hơn sự kiện trước đó của hồ sơ "
            f"({vn_datetime(last.astimezone(TZ))}).",
            hint="Sự kiện phải được ghi theo đúng thứ tự thời gian.")
