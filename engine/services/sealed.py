"""Months whose report was issued are sealed: an act dated into one is refused, unless a person who
may (``corrects_issued`` in roles.yaml: the director) records it as a correction with its reason;
the month's report is then issued again, as a new version that lists what changed.

The check is cheap on the usual path: a month can be issued only once it has ended, so only an act
given a time (``--at``) whose day is before the current month can fall into an issued one; an act
"now" pays two comparisons.
"""

from __future__ import annotations

import datetime as dt

from ..domain.clock import TZ, local_date
from ..domain.errors import BadInput, PeriodSealed
from ..domain.org import Person
from ..store.database import UnitOfWork
from .access import Access


def month_label(day: dt.date) -> str:
    return f"{day.month:02d}/{day.year}"


def needs_check(at: dt.datetime | None, day: dt.date, now: dt.datetime, correction: str | None) -> bool:
    """Whether an act of ``day`` (recorded at ``now``) may fall into an issued month: it carries a
    correction's reason (which must then be needed), or its time was given (``at``; an act "now" counts
    from today or the next working day) and its day is before the current month."""
    return correction is not None or (at is not None and day < local_date(now).replace(day=1))


def correction_of(uow: UnitOfWork, access: Access, actor: Person | None, day: dt.date, now: dt.datetime,
                  correction: str | None) -> str | None:
    """The correction's reason to record with an act of ``day``, or None for an ordinary act.

    Raises PeriodSealed if ``day``'s month was issued and no reason is given, NotPermitted (naming who
    may) if ``actor`` may not correct an issued month, BadInput if a reason is given for a month not issued.
    """
    period = f"{day.year:04d}-{day.month:02d}"
    issued = uow.issued.month_issued(period) if day < local_date(now).replace(day=1) else None
    if issued is None:
        if correction is not None:
            raise BadInput(f"Tháng {month_label(day)} chưa ban hành báo cáo: sự kiện ngày {day:%d/%m/%Y} "
                           "không phải một điều chỉnh.", hint="Bỏ lý do điều chỉnh (--correction) rồi ghi lại.")
        return None
    version, issued_at, _scope = issued
    when = issued_at.astimezone(TZ)
    if correction is None:
        raise PeriodSealed(
            f"Báo cáo tháng {month_label(day)} đã ban hành ngày {when:%d/%m/%Y} lúc {when:%H:%M} (phiên bản "
            f"{version}); không ghi được sự kiện ngày {day:%d/%m/%Y} vào tháng đó.",
            hint=("Nếu đây là điều chỉnh số liệu, người có quyền (Giám đốc) ghi kèm lý do: --correction "
                  f"\"lý do\"; sau đó ban hành lại: thamdinh report monthly --month {period} --issue "
                  "--reason \"lý do\"."),
            period=period, version=version)
    access.require_correct(actor, f"tháng {month_label(day)}", lambda: uow.people.all())
    return correction
