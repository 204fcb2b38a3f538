"""The alert repository: the deadline scan's candidates, recording alerts once, the digest's rows.

Candidates come from the partial index of open clocks (``ix_stage_clock_open_only``: due date, then
pause day). SQLite is told to use it (without statistics its planner prefers the plain index on
``finished_on``, which reads every open clock); PostgreSQL's planner picks it by itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .database import UnitOfWork

#: Open clocks (the dossier's current one) due by the widest due-soon horizon that still miss an alert.
#: The kinds fallen due by day T for a clock due on D (T a working day, D a working day) are:
#: due_soon (D <= horizon), due_today (D <= T), overdue (D < T), escalation (D <= T minus E working days);
#: a clock whose recorded alerts for D already number that many has nothing new and is not read.
#: With per-stage thresholds, the horizon is the widest and E the smallest, so the count is an upper
#: bound: a clock may be read for nothing, never skipped wrongly. The exact decision is due_alerts().
CANDIDATES = (
    "SELECT c.id, c.dossier_id, c.stage, c.unit, c.due_date, d.code, d.project_name, d.investor, "
    "d.workflow_id, d.division, d.officer, d.blockers, a.kind "
    "FROM stage_clock c {indexed} "
    "JOIN dossier d ON d.id = c.dossier_id AND d.open_clock_id = c.id "
    "LEFT JOIN alert a ON a.clock_id = c.id AND a.due_date = c.due_date "
    "WHERE c.finished_on IS NULL AND c.due_date IS NOT NULL AND c.due_date <= ? "
    "AND (SELECT COUNT(*) FROM alert e WHERE e.clock_id = c.id AND e.due_date = c.due_date) < "
    "1 + CASE WHEN c.due_date <= ? THEN 1 ELSE 0 END + CASE WHEN c.due_date < ? THEN 1 ELSE 0 END "
    "+ CASE WHEN c.due_date <= ? THEN 1 ELSE 0 END"
)
#: Paused open clocks (no due date: the NULL end of the partial index) paused on or before the latest
#: day whose window has run out; for the scan, without an ``answer_overdue`` alert for this pause (an
#: alert of an earlier pause has a due date before this pause began). The exact decision, per rule
#: version, is made in Python.
PAUSED_CLOCKS = (
    "SELECT c.id, c.dossier_id, c.stage, c.paused_on, d.code, d.project_name, d.investor, d.workflow_id, "
    "d.rule_version, d.division, d.officer, d.blockers "
    "FROM stage_clock c {indexed} "
    "JOIN dossier d ON d.id = c.dossier_id AND d.open_clock_id = c.id "
    "WHERE c.finished_on IS NULL AND c.due_date IS NULL AND c.paused_on IS NOT NULL AND c.paused_on <= ?"
)
ANSWER_CANDIDATES = (PAUSED_CLOCKS + " AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.clock_id = c.id "
                     "AND a.kind = ? AND a.due_date >= c.paused_on)")
#: Recorded only if the clock is still open on the same due date (an officer may have closed, paused
#: or extended it since the candidates were read); a conflict means another scan recorded it first.
INSERT_ALERT = (
    "INSERT INTO alert (dossier_id, clock_id, kind, stage, due_date, falls_on, raised_on, raised_at) "
    "SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM stage_clock s JOIN dossier o "
    "ON o.id = s.dossier_id AND o.open_clock_id = s.id WHERE s.id = ? AND s.finished_on IS NULL AND s.due_date = ?) "
    "ON CONFLICT (clock_id, due_date, kind, dossier_id) DO NOTHING RETURNING id"
)
#: Recorded only if the clock is still open and paused since the same day.
INSERT_ANSWER_ALERT = (
    "INSERT INTO alert (dossier_id, clock_id, kind, stage, due_date, falls_on, raised_on, raised_at) "
    "SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM stage_clock s JOIN dossier o "
    "ON o.id = s.dossier_id AND o.open_clock_id = s.id WHERE s.id = ? AND s.finished_on IS NULL "
    "AND s.due_date IS NULL AND s.paused_on = ?) "
    "ON CONFLICT (clock_id, due_date, kind, dossier_id) DO NOTHING RETURNING id"
)
DIGEST_ROWS = (
    "SELECT c.stage, c.unit, c.due_date, d.code, d.project_name, d.workflow_id, d.division, d.officer, "
    "d.blockers, d.id "
    "FROM stage_clock c {indexed} JOIN dossier d ON d.id = c.dossier_id AND d.open_clock_id = c.id "
    "WHERE c.finished_on IS NULL AND c.due_date IS NOT NULL AND c.due_date <= ? "
    "ORDER BY c.due_date, d.code"
)


@dataclass
class OpenClock:
    """An open stage clock with what an alert or a digest line says about its dossier."""

    clock_id: int
    dossier_id: int
    stage: str
    unit: str
    due_date: dt.date
    code: str
    name: str
    investor: str
    workflow_id: str
    division: str
    officer: str | None
    blockers: str | None
    have: set[str] = field(default_factory=set)
    paused_on: dt.date | None = None
    rule_version: str | None = None


class Alerts:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    def indexed(self, template: str) -> str:
        """``template`` for this backend (SQLite is told to read the partial index of open clocks)."""
        return template.format(indexed="INDEXED BY ix_stage_clock_open_only" if self.codec.sqlite else "")

    def candidates(self, horizon: dt.date, today: dt.date, escalated_by: dt.date) -> list[OpenClock]:
        d = self.codec.day
        rows = self.uow.execute(self.indexed(CANDIDATES), (d(horizon), d(today), d(today), d(escalated_by))).fetchall()
        clocks: dict[int, OpenClock] = {}
        for r in rows:
            c = clocks.get(r[0])
            if c is None:
                due = self.codec.read_day(r[4])
                assert due is not None
                c = clocks[r[0]] = OpenClock(r[0], r[1], r[2], r[3], due, *r[5:12])
            if r[12] is not None:
                c.have.add(r[12])
        return list(clocks.values())

    def paused_since(self, cutoff: dt.date, *, without_kind: str | None = None) -> list[tuple[Any, ...]]:
        """Paused open clocks paused on or before ``cutoff`` (with ``without_kind``: lacking that alert
        for this pause): (clock id, dossier id, stage, paused on, code, name, investor, workflow,
        rule version, division, officer, blockers)."""
        day = self.codec.day(cutoff)
        if without_kind is not None:
            rows = self.uow.execute(self.indexed(ANSWER_CANDIDATES), (day, without_kind)).fetchall()
        else:
            rows = self.uow.execute(self.indexed(PAUSED_CLOCKS), (day,)).fetchall()
        return [(*r[:3], self.codec.read_day(r[3]), *r[4:]) for r in rows]

    def record(self, c: OpenClock, kind: str, falls_on: dt.date, today: dt.date, now: dt.datetime) -> int | None:
        """Record one alert; its id, or None if it was recorded before or the clock changed meanwhile."""
        d = self.codec.day
        values = (c.dossier_id, c.clock_id, kind, c.stage, d(c.due_date), d(falls_on), d(today), self.codec.ts(now),
                  c.clock_id)
        if c.paused_on is not None:
            row = self.uow.execute(INSERT_ANSWER_ALERT, (*values, d(c.paused_on))).fetchone()
        else:
            row = self.uow.execute(INSERT_ALERT, (*values, d(c.due_date))).fetchone()
        return None if row is None else int(row[0])

    def digest_rows(self, horizon: dt.date) -> list[OpenClock]:
        out = []
        for stage, unit, due_raw, code, name, wid, division, officer, blockers, dossier_id in self.uow.execute(
                self.indexed(DIGEST_ROWS), (self.codec.day(horizon),)).fetchall():
            due = self.codec.read_day(due_raw)
            assert due is not None
            out.append(OpenClock(0, dossier_id, stage, unit, due, code, name, "", wid, division, officer, blockers))
        return out
