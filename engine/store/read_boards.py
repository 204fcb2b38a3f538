"""The boards' read model: the SQL behind the division board (a head's) and the department board (the
director's), over the open stage clocks and the stages finished this month.

An open clock (``finished_on IS NULL``) carries the division and the officer now holding it, and its due
date (NULL while paused, the investor holding it). The counts read the covering index
``ix_stage_clock_finished_dims`` alone (finishing day, division, officer, …, due date): its front is the
open clocks, in division and officer order, so a division's load per officer is one index range with no
sort. The lists join the dossier by its key for the code, name and state, and stop at ``:limit``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..domain.blockers import HANDLING, OPEN, RESOLVED
from .read_model import EVALUATION_SUMS

if TYPE_CHECKING:
    from .database import UnitOfWork

_OPEN_SUMS = ("COUNT(*) AS open_count, "
              "SUM(CASE WHEN c.due_date < :today THEN 1 ELSE 0 END) AS overdue, "
              "SUM(CASE WHEN c.due_date >= :today AND c.due_date <= :soon THEN 1 ELSE 0 END) AS due_soon, "
              "SUM(CASE WHEN c.due_date IS NULL THEN 1 ELSE 0 END) AS paused")
OPEN_NAMES = ("open_count", "overdue", "due_soon", "paused")
MONTH_NAMES = ("finished", "judged", "early", "on_time", "late")
BLOCKER_NAMES = ("open", "handling", "escalated", "resolved_this_month")
#: the department board's blockers per division: open, being handled, escalated and not resolved, resolved
#: since :start (the month's first day)
BLOCKERS_BY_DIVISION = ("SELECT division, SUM(CASE WHEN state = :open THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN state = :handling THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN state <> :resolved AND escalated_at IS NOT NULL THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN state = :resolved AND resolved_on >= :start THEN 1 ELSE 0 END) "
                        "FROM blocker WHERE state <> :resolved OR resolved_on >= :start GROUP BY division")

#: a division's open clocks per officer
LOAD_BY_OFFICER = (f"SELECT c.officer, {_OPEN_SUMS} FROM stage_clock c "
                   "WHERE c.finished_on IS NULL AND c.division = :division GROUP BY c.officer")
#: every open clock per division
LOAD_BY_DIVISION = (f"SELECT c.division, {_OPEN_SUMS} FROM stage_clock c "
                    "WHERE c.finished_on IS NULL GROUP BY c.division")

_MONTH_SUMS = ", ".join(f"{EVALUATION_SUMS[k]} AS {k}" for k in MONTH_NAMES)
#: the stages finished from the month's first day to today, per officer of a division / per division
MONTH_BY_OFFICER = (f"SELECT c.officer, {_MONTH_SUMS} FROM stage_clock c "
                    "WHERE c.finished_on BETWEEN :start AND :today AND c.division = :division GROUP BY c.officer")
MONTH_BY_DIVISION = (f"SELECT c.division, {_MONTH_SUMS} FROM stage_clock c "
                     "WHERE c.finished_on BETWEEN :start AND :today GROUP BY c.division")
RECEIVED_BY_DIVISION = ("SELECT d.division, COUNT(*) FROM dossier d WHERE d.received_on BETWEEN :start AND :today "
                        "GROUP BY d.division")

_ROW = ("SELECT d.id, d.code, d.project_name, d.state, d.workflow_id, d.workflow_version, d.rule_version, d.version, "
        "c.officer, c.stage, c.unit, c.due_date, c.paused_on, c.division FROM stage_clock c "
        "JOIN dossier d ON d.id = c.dossier_id WHERE c.finished_on IS NULL")
ROW_NAMES = ("dossier_id", "code", "project_name", "state", "workflow", "workflow_version", "rule_version", "version",
             "officer", "stage", "unit", "due_date", "paused_on", "division")
OVERDUE_ROWS = _ROW + " AND c.division = :division AND c.due_date < :today ORDER BY c.due_date, d.code LIMIT :limit"
DUE_SOON_ROWS = (_ROW + " AND c.division = :division AND c.due_date >= :today AND c.due_date <= :soon "
                 "ORDER BY c.due_date, d.code LIMIT :limit")
#: paused clocks paused on or before the cut-off (the partial index of open clocks: due date NULL, paused on)
PAUSED_ROWS = _ROW + " AND c.due_date IS NULL AND c.paused_on <= :cutoff{division} ORDER BY c.paused_on, d.code"


def _int(value: Any) -> int:
    return int(value or 0)


class BoardQueries:
    """The boards' statements on one unit of work (read only)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    def _grouped(self, sql: str, params: dict[str, Any], names: tuple[str, ...]) -> dict[str | None, dict[str, int]]:
        rows = self.uow.execute(sql, params).fetchall()
        return {r[0]: {n: _int(v) for n, v in zip(names, r[1:], strict=True)} for r in rows}

    def _days(self, **days: dt.date) -> dict[str, Any]:
        return {k: self.codec.day(v) for k, v in days.items()}

    def load(self, today: dt.date, soon: dt.date, division: str | None) -> dict[str | None, dict[str, int]]:
        """Open clocks, overdue, due by ``soon`` and paused: per officer of ``division``, or per division."""
        params = self._days(today=today, soon=soon)
        if division is None:
            return self._grouped(LOAD_BY_DIVISION, params, OPEN_NAMES)
        return self._grouped(LOAD_BY_OFFICER, {**params, "division": division}, OPEN_NAMES)

    def month(self, start: dt.date, today: dt.date, division: str | None) -> dict[str | None, dict[str, int]]:
        """Stages finished from ``start`` to ``today``: finished, judged, early, on time, late."""
        params = self._days(start=start, today=today)
        if division is None:
            return self._grouped(MONTH_BY_DIVISION, params, MONTH_NAMES)
        return self._grouped(MONTH_BY_OFFICER, {**params, "division": division}, MONTH_NAMES)

    def received(self, start: dt.date, today: dt.date) -> dict[str, int]:
        rows = self.uow.execute(RECEIVED_BY_DIVISION, self._days(start=start, today=today)).fetchall()
        return {r[0]: _int(r[1]) for r in rows}

    def blockers(self, start: dt.date) -> dict[str | None, dict[str, int]]:
        """Blockers per division: open, being handled, escalated and unresolved, resolved since ``start``."""
        params = {"open": OPEN, "handling": HANDLING, "resolved": RESOLVED, **self._days(start=start)}
        return self._grouped(BLOCKERS_BY_DIVISION, params, BLOCKER_NAMES)

    def _rows(self, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        out = []
        for r in self.uow.execute(sql, params).fetchall():
            row = dict(zip(ROW_NAMES, r, strict=True))
            row["due_date"] = self.codec.read_day(row["due_date"])
            row["paused_on"] = self.codec.read_day(row["paused_on"])
            out.append(row)
        return out

    def overdue(self, division: str, today: dt.date, limit: int) -> list[dict[str, Any]]:
        return self._rows(OVERDUE_ROWS, {**self._days(today=today), "division": division, "limit": limit})

    def due_soon(self, division: str, today: dt.date, soon: dt.date, limit: int) -> list[dict[str, Any]]:
        return self._rows(DUE_SOON_ROWS, {**self._days(today=today, soon=soon), "division": division,
                                          "limit": limit})

    def paused_since(self, cutoff: dt.date, division: str | None) -> list[dict[str, Any]]:
        """Paused open clocks paused on or before ``cutoff`` (of ``division``, or every division)."""
        sql = PAUSED_ROWS.format(division=" AND c.division = :division" if division else "")
        params: dict[str, Any] = self._days(cutoff=cutoff)
        if division:
            params["division"] = division
        return self._rows(sql, params)
