"""The due status of a dossier, in the words the one-stop systems made familiar.

- ``within``  — Trong hạn: more than three working days left;
- ``soon``    — Tới hạn: three working days or fewer left (orange);
- ``today``   — Đến hạn hôm nay: due today;
- ``overdue`` — Quá hạn: past its due date (red);
- ``paused``  — Tạm dừng: waiting for the investor's supplements, the clock stopped;
- ``closed``  — Đã kết thúc: the dossier has reached a final state.
"""

from __future__ import annotations

import datetime as dt

from .calendar import WorkingCalendar
from .deadlines import StageClock

WITHIN, SOON, TODAY, OVERDUE, PAUSED, CLOSED = "within", "soon", "today", "overdue", "paused", "closed"
#: the statuses in their order of urgency (the counters of «Việc của tôi» are shown in it)
ORDER = (OVERDUE, TODAY, SOON, WITHIN, PAUSED)
LABELS = {WITHIN: "Trong hạn", SOON: "Tới hạn", TODAY: "Đến hạn hôm nay", OVERDUE: "Quá hạn",
          PAUSED: "Tạm dừng, chờ chủ đầu tư", CLOSED: "Đã kết thúc"}
#: «Tới hạn»: this many working days left, or fewer
SOON_DAYS = 3


def soon_until(today: dt.date, cal: WorkingCalendar) -> dt.date:
    """The last due date that is «Tới hạn» on ``today``."""
    return cal.add_working_days(today, SOON_DAYS)


def status(clock: StageClock | None, today: dt.date, cal: WorkingCalendar, closed: bool = False) -> str:
    """The due status of a dossier whose open clock is ``clock`` (None: no clock runs)."""
    if closed:
        return CLOSED
    if clock is None or clock.due_date is None:
        return PAUSED if clock is not None and clock.paused else WITHIN
    if clock.paused:
        return PAUSED
    if clock.due_date < today:
        return OVERDUE
    if clock.due_date == today:
        return TODAY
    return SOON if clock.due_date <= soon_until(today, cal) else WITHIN


def working_days_left(clock: StageClock | None, today: dt.date, cal: WorkingCalendar) -> int | None:
    """Working days from ``today`` to the due date (negative: overdue by that many; None: no running clock)."""
    if clock is None or clock.due_date is None or clock.paused:
        return None
    return cal.working_days_between(today, clock.due_date)
