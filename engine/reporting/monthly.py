"""The monthly report as data (also its JSON format): the month's metrics in four tables, the backlog's
ages, the turnaround distribution, the campaign's trend, the open overdue list, and the capital those
overdue appraisals hold up (engine.reporting.capital_section), and the month's blockers
(engine.reporting.blockers_section).

Three parts that read different rows run on three units of work at once (the drivers release the GIL
while the database works): the stage cases open at the month's end (its backlog and overdue list, from
one read), the trend, and the finished tables.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from ..domain.blockers import BlockerPolicy
from ..domain.clock import TZ
from ..domain.errors import BadInput
from ..io.letterhead import Letterhead, shipped_letterhead
from ..runtime.rulebook import Rulebook
from ..store.database import Database
from .blockers_section import blockers_section
from .capital_section import capital_section
from .metrics import EndState, MetricsSession, session
from .periods import Period
from .rollups import AGE_BUCKETS, TURNAROUND_BUCKETS

#: the blank the clerk writes the document's number in when it is issued (Decree 30/2020, Annex I)
NUMBER_BLANK = "\u00a0" * 8


@dataclass(frozen=True)
class ReportHeading:
    """Who issues the reports and the form of their documents (Decree 30/2020/NĐ-CP): the letterhead
    files with the settings' names over them (``App.heading``). ``department_name`` and
    ``province_name`` are its first two lines: the department and its governing body ("UBND TỈNH …")."""

    letterhead: Letterhead = field(default_factory=shipped_letterhead)

    @property
    def department_name(self) -> str:
        return self.letterhead.department

    @property
    def province_name(self) -> str:
        return self.letterhead.governing_body

    def document(self, kind: str, *, issued: dt.date | None, as_of: dt.date) -> dict[str, Any]:
        """The heading and closing blocks of one document of ``kind``, as plain data: issued on
        ``issued`` (None: the date is written in when signed), figures as of the end of ``as_of``."""
        lh, doc = self.letterhead, self.letterhead.document(kind)
        return {"governing_body": lh.governing_body, "department": lh.department, "nation": lh.nation,
                "slogan": lh.slogan, "type": doc.type_name, "symbol": doc.symbol,
                "number": f"Số:{NUMBER_BLANK}/{doc.symbol}", "place_date": lh.place_date(issued),
                "issued": issued.isoformat() if issued else None, "as_of": as_of.isoformat(),
                "recipients": list(doc.recipients),
                "signer": {"authority": doc.signer.authority, "title": doc.signer.title, "name": doc.signer.name},
                "source": lh.source}


def campaign_start(month: Period, movement_span: tuple[dt.date, dt.date] | None) -> dt.date:
    """The start of the campaign the month belongs to, else twelve months back."""
    if movement_span is not None and movement_span[0] <= month.start <= movement_span[1]:
        return movement_span[0]
    y, m = month.start.year - 1, month.start.month + 1
    return dt.date(y + 1, 1, 1) if m == 13 else dt.date(y, m, 1)


def _names(ms: MetricsSession, rules: Rulebook) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    divisions = {r[0]: r[1] for r in ms.rm.names("divisions")}
    people = {r[0]: r[1] for r in ms.rm.names("people")}
    labels: dict[str, str] = {}
    for wf in rules.workflows.values():
        labels[f"wf:{wf.id}"] = wf.title
        labels.update(wf.stages)
    return divisions, people, labels


def _label(data: dict[str, Any], divisions: dict[str, str], people: dict[str, str], labels: dict[str, str]) -> None:
    for r in data["by_division"]:
        r["name"] = divisions.get(r["division"], r["division"])
    for r in data["by_officer"]:
        r["name"] = people.get(r["officer"], r["officer"] or "(chưa phân công)")
        r["division_name"] = divisions.get(r["division"], r["division"])
    for r in data["by_stage"]:
        r["workflow_name"] = labels.get(f"wf:{r['workflow']}", r["workflow"])
        r["name"] = labels.get(r["stage"], r["stage"])
    for r in data["open_overdue"]:
        r["officer_name"] = people.get(r["officer"], r["officer"] or "—")
        r["stage_name"] = labels.get(r["stage"], r["stage"])
        r["start_date"], r["due_date"] = r["start_date"].isoformat(), r["due_date"].isoformat()


def monthly_data(database: Database, rules: Rulebook, heading: ReportHeading, now: dt.datetime, month: str,
                 division: str | None = None, movement_span: tuple[dt.date, dt.date] | None = None, *,
                 blocker_policy: BlockerPolicy | None = None) -> dict[str, Any]:
    """Everything the monthly report shows, as plain data; raises BadInput (month, division)."""
    period = Period.month(month)
    cal = rules.calendar
    start = campaign_start(period, movement_span)

    def end_state() -> EndState:
        with session(database, cal) as ms:
            return ms.end_state(period, division)

    def trend() -> list[dict[str, Any]]:
        with session(database, cal) as ms:
            return ms.monthly_trend(start, period.end, division)

    def tables(end_future: Future[EndState]) -> tuple[Any, ...]:
        with session(database, cal) as ms:
            names = _names(ms, rules)
            if division is not None and division not in names[0]:
                raise BadInput(f"Không có phòng «{division}».", hint="Các phòng: " + ", ".join(sorted(names[0])))
            ms.fine(period, division, backlog=lambda: end_future.result()[0])
            return (names, ms.table(period, [], division)[0], ms.table(period, ["division"], division),
                    ms.table(period, ["division", "officer"], division),
                    ms.table(period, ["workflow", "stage"], division))

    with ThreadPoolExecutor(max_workers=2) as pool:
        end_future = pool.submit(end_state)
        trend_future = pool.submit(trend)
        names, total, by_division, by_officer, by_stage = tables(end_future)
        trend_rows, overdue = trend_future.result(), end_future.result()[1]
    data = {
        "kind": "monthly", "department_name": heading.department_name, "province_name": heading.province_name,
        "month": period.ym, "period": {"start": period.start.isoformat(), "end": period.end.isoformat(),
                                       "label": period.label},
        "division": division, "division_name": names[0].get(division) if division else None,
        "generated_at": now.astimezone(TZ).isoformat(timespec="minutes"),
        "heading": heading.document("monthly", issued=now.astimezone(TZ).date(), as_of=period.end),
        "age_buckets": [b[0] for b in AGE_BUCKETS], "turnaround_buckets": [b[0] for b in TURNAROUND_BUCKETS],
        "total": total, "by_division": by_division, "by_officer": by_officer, "by_stage": by_stage,
        "trend": trend_rows, "open_overdue": overdue,
    }
    _label(data, *names)
    data["capital"] = capital_section(database, cal, period, division, names[1], names[2])
    data["blockers"] = blockers_section(database, cal, period, division, names[0], blocker_policy)
    return data
