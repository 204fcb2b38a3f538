"""The statutory statistics of a period, per division, as of its end: the table of form
II.06a/VPCP/KSTT and the progress indicator of Decision 766/QĐ-TTg (domain.md §8).

Counted in **dossiers** (hồ sơ), not stages:

- **received** = carried over (received before the period, open at its start) + new (received in it:
  online, in person or by post, not recorded — dossiers received before the channel was recorded);
- **resolved** in the period (a terminal state other than a withdrawal), judged as a whole: late if any
  of its stages finished late or it had more than one supplement request (the national portal's rule),
  else on time if any stage finished on time, else early; a dossier whose stages were all closed while
  the investor held it (returned while awaiting a supplement) has nothing late against the department
  and counts as on time;
- **withdrawn** by the investor in the period (outside both "resolved" and "pending");
- **pending** at the period's end: overdue when its running clock's due date *on that day* was past,
  or it had more than one supplement request by then; within the deadline otherwise (a clock paused
  for the investor is within it).

So carried over + new = resolved + withdrawn + pending, for every division.

The 766 indicator: (resolved early or on time + pending within the deadline) ÷ (resolved + pending)
× 20 points; the investor's supplement time is excluded by the clocks themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from ..domain.clock import TZ
from ..runtime.rulebook import Rulebook
from ..store import read_statistics as sql
from ..store.database import Database
from .periods import Period
from .rollups import share

SOURCES = {
    "ii06a": "Mẫu II.06a/VPCP/KSTT (Thông tư 01/2018/TT-VPCP): báo cáo tình hình, kết quả giải quyết thủ tục "
             "hành chính; trước hạn, đúng hạn, quá hạn so với ngày hẹn trả (Nghị định 118/2025/NĐ-CP).",
    "766": "Quyết định 766/QĐ-TTg (2022), chỉ số tiến độ giải quyết (20 điểm): số hồ sơ giải quyết trước hạn, "
           "đúng hạn và đang giải quyết trong hạn trên số hồ sơ tiếp nhận và xử lý trong kỳ; không tính thời "
           "gian bổ sung; hơn một lần yêu cầu bổ sung tính là quá hạn.",
}
COUNTS = ("carried_over", "new_online", "new_direct", "new_unrecorded", "received", "resolved", "early",
          "on_time", "late", "withdrawn", "pending", "pending_within", "pending_overdue")
POINTS = 20


def withdrawn_states(rules: Rulebook) -> list[str]:
    """The terminal states that a workflow counts as the investor's withdrawal (``counts_as: withdrawn``)."""
    return sorted({s.name for wf in rules.definitions.values() for s in wf.states.values()
                   if s.terminal and s.counts_as == "withdrawn"})


def _outcome(supplements: int, late: int, on_time: int, early: int) -> str:
    if supplements or late:
        return "late"
    return "on_time" if on_time or not early else "early"


def _derive(row: dict[str, Any]) -> dict[str, Any]:
    row["received"] = row["carried_over"] + row["new_online"] + row["new_direct"] + row["new_unrecorded"]
    row["resolved"] = row["early"] + row["on_time"] + row["late"]
    row["pending"] = row["pending_within"] + row["pending_overdue"]
    good, handled = row["early"] + row["on_time"] + row["pending_within"], row["resolved"] + row["pending"]
    row["progress_share"] = share(good, handled)
    row["progress_points"] = None if row["progress_share"] is None else round(row["progress_share"] * POINTS, 2)
    return row


def statistics(database: Database, rules: Rulebook, period: Period,
               division: str | None = None) -> list[dict[str, Any]]:
    """One row per division (and none for divisions with nothing in the period), totals not included."""
    start_at = dt.datetime.combine(period.start, dt.time(), TZ)
    after_at = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), TZ)
    rows: dict[str, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    with database.reading() as uow:
        c = uow.codec
        params: dict[str, Any] = {"start": c.day(period.start), "end": c.day(period.end), "start_at": c.ts(start_at),
                                  "after_at": c.ts(after_at)}
        if division:
            params["division"] = division
        rm = uow.read_model
        for d, carried, online, direct, unrecorded in rm.rows(sql.received_sql(division), params):
            r = rows[d]
            r["carried_over"] += int(carried or 0)
            r["new_online"] += int(online or 0)
            r["new_direct"] += int(direct or 0)
            r["new_unrecorded"] += int(unrecorded or 0)
        for d, withdrawn, supp, late, on_time, early in rm.rows(sql.closed_sql(division, withdrawn_states(rules)),
                                                                 params):
            key = "withdrawn" if withdrawn else _outcome(int(supp), int(late or 0), int(on_time or 0), int(early or 0))
            rows[d][key] += 1
        for d, supplements, paused, due in rm.rows(sql.pending_sql(division), params):
            due_day = c.read_day(due)
            overdue = int(supplements or 0) > 1 or (not paused and due_day is not None and due_day < period.end)
            rows[d]["pending_overdue" if overdue else "pending_within"] += 1
    return [_derive({"division": d, **r}) for d, r in sorted(rows.items())]


def total(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out = dict.fromkeys(COUNTS, 0)
    for r in rows:
        for k in ("carried_over", "new_online", "new_direct", "new_unrecorded", "early", "on_time", "late",
                  "withdrawn", "pending_within", "pending_overdue"):
            out[k] += r[k]
    return _derive({"division": None, **out})


#: the table's columns: key, header, the header group it sits under (II.06a's layout)
COLUMNS = (
    ("received", "Tổng số", "Số hồ sơ nhận giải quyết"),
    ("carried_over", "Kỳ trước chuyển qua", "Số hồ sơ nhận giải quyết"),
    ("new_online", "Mới tiếp nhận trực tuyến", "Số hồ sơ nhận giải quyết"),
    ("new_direct", "Mới tiếp nhận trực tiếp, bưu chính", "Số hồ sơ nhận giải quyết"),
    ("new_unrecorded", "Mới tiếp nhận, chưa ghi kênh", "Số hồ sơ nhận giải quyết"),
    ("resolved", "Tổng số", "Số hồ sơ đã giải quyết"), ("early", "Trước hạn", "Số hồ sơ đã giải quyết"),
    ("on_time", "Đúng hạn", "Số hồ sơ đã giải quyết"), ("late", "Quá hạn", "Số hồ sơ đã giải quyết"),
    ("pending", "Tổng số", "Số hồ sơ đang giải quyết"),
    ("pending_within", "Trong hạn", "Số hồ sơ đang giải quyết"),
    ("pending_overdue", "Quá hạn", "Số hồ sơ đang giải quyết"), ("withdrawn", "Rút hồ sơ", "Khác"),
    ("progress_share", "Tỷ lệ", "Chỉ số tiến độ (QĐ 766)"),
    ("progress_points", "Điểm (tối đa 20)", "Chỉ số tiến độ (QĐ 766)"),
)


def statistics_data(database: Database, rules: Rulebook, period: Period, division: str | None,
                    division_names: dict[str, str]) -> dict[str, Any]:
    """The statistics of ``period`` as plain data (also their JSON form), rows named, with the total."""
    rows = statistics(database, rules, period, division)
    for r in rows:
        r["name"] = division_names.get(r["division"], r["division"])
    return {"kind": "statistics", "period": {"start": period.start.isoformat(), "end": period.end.isoformat(),
                                             "label": period.label},
            "division": division, "division_name": division_names.get(division) if division else None,
            "rows": rows, "total": total(rows), "columns": [list(c) for c in COLUMNS], "groups": _groups(),
            "sources": SOURCES}


def _groups() -> list[list[Any]]:
    """The header groups in the columns' order, with how many columns each spans."""
    out: list[list[Any]] = []
    for _, _, group in COLUMNS:
        if out and out[-1][0] == group:
            out[-1][1] += 1
        else:
            out.append([group, 1])
    return out
