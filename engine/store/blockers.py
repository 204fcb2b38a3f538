"""The blockers and urges repository: named SQL for ``blocker``, ``blocker_update`` and ``urge``
(revision 0009), the project a blocker names, and the reads the digest, the boards, the scan and the
monthly report need. Values cross the codec both ways; callers get domain values (dates, aware times).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.blockers import HANDLING, OPEN
from ..domain.clock import TZ
from . import asof

if TYPE_CHECKING:
    from .database import UnitOfWork

COLS = ("b.id, b.dossier_id, b.project_id, b.division, b.cause, b.description, b.addressed_to, b.addressee, "
        "b.cause_on, b.raised_on, b.raised_by, b.state, b.resolution, b.resolved_on, b.escalated_at, b.updated_at, "
        "b.version, d.code, p.code, d.officer")
FROM = ("FROM blocker b LEFT JOIN dossier d ON d.id = b.dossier_id "
        "LEFT JOIN project p ON p.id = b.project_id")
SELECT_ONE = f"SELECT {COLS} {FROM} WHERE b.id = ?"
SELECT_MANY = f"SELECT {COLS} {FROM} {{where}} ORDER BY b.raised_on, b.id LIMIT ?"
INSERT = ("INSERT INTO blocker (dossier_id, project_id, division, cause, description, addressed_to, addressee, "
          "cause_on, raised_on, raised_by, state, updated_at, version) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1) RETURNING id")
INSERT_UPDATE = ("INSERT INTO blocker_update (blocker_id, at, actor, from_state, to_state, note, channel, client) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
#: a change applies only to the version the person saw (else someone changed it meanwhile)
CHANGE = ("UPDATE blocker SET state = ?, resolution = ?, resolved_on = ?, updated_at = ?, version = version + 1 "
          "WHERE id = ? AND version = ?")
UPDATES = ("SELECT at, actor, from_state, to_state, note, channel, client FROM blocker_update "
           "WHERE blocker_id = ? ORDER BY at, id")
#: unresolved, not yet escalated, raised by the day given (the exact day is the calendar's: domain.blockers)
TO_ESCALATE = f"SELECT {COLS} {FROM} WHERE b.state IN (?, ?) AND b.escalated_at IS NULL AND b.raised_on <= ?"
#: the one statement that claims an escalation: a second scan, or a restarted one, finds it done
MARK_ESCALATED = "UPDATE blocker SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL"
DOSSIER_PROJECT = "SELECT project_id FROM dossier WHERE id = ?"
PROJECT_BY_CODE = "SELECT id, code, name, division FROM project WHERE code = ?"
INSERT_URGE = ("INSERT INTO urge (dossier_id, officer, by_person, at, note, channel, client, message_id) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
URGES_OF = ("SELECT u.id, u.at, u.officer, u.by_person, u.note, u.channel, u.client, d.code FROM urge u "
            "LEFT JOIN dossier d ON d.id = u.dossier_id {where} ORDER BY u.at DESC, u.id DESC LIMIT ?")
LAST_URGES = ("SELECT u.dossier_id, u.at, u.by_person, u.note FROM urge u JOIN (SELECT dossier_id, MAX(id) AS id "
              "FROM urge WHERE dossier_id IN ({marks}) GROUP BY dossier_id) l ON l.id = u.id")
MESSAGE_ID = "SELECT id FROM outbox_message WHERE dedup_key = ?"
OPEN_ON = ("SELECT dossier_id, id, cause, description, state, raised_on, escalated_at FROM blocker "
           "WHERE state IN (?, ?) AND dossier_id IN ({marks}) ORDER BY raised_on, id")
#: the evaluation's and the monthly report's inputs
RAISED_BETWEEN = ("SELECT division, raised_by, cause, cause_on, raised_on, resolved_on, state, escalated_at "
                  "FROM blocker WHERE raised_on >= ? AND raised_on <= ?")
#: the month's blockers by division and cause (dates are ISO text on SQLite and dates on PostgreSQL, so the
#: comparisons hold on both): raised in the month, resolved in it, open at its end, and of those reported
#: to the director by then; a blocker resolved after the month is open at its end
MONTH_COUNTS = ("SELECT division, cause, "
                "SUM(CASE WHEN raised_on >= :start THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN resolved_on >= :start AND resolved_on <= :end THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN resolved_on IS NULL OR resolved_on > :end THEN 1 ELSE 0 END), "
                "SUM(CASE WHEN (resolved_on IS NULL OR resolved_on > :end) AND escalated_at < :after "
                "THEN 1 ELSE 0 END) "
                "FROM blocker WHERE raised_on <= :end AND (resolved_on IS NULL OR resolved_on >= :start) {division}"
                "GROUP BY division, cause")
#: the days the month's promptness and time to resolve are counted from
MONTH_DAYS = ("SELECT division, cause, cause_on, raised_on, resolved_on FROM blocker "
              "WHERE raised_on <= :end AND ((raised_on >= :start AND cause_on IS NOT NULL) "
              "OR (resolved_on >= :start AND resolved_on <= :end)) {division}")
#: the oldest blockers open at the month's end
MONTH_OPEN = ("SELECT b.id, b.division, b.raised_by, b.cause, b.raised_on, b.escalated_at, b.description, "
              "b.addressed_to, d.code, p.code FROM (SELECT id FROM blocker WHERE raised_on <= :end "
              "AND (resolved_on IS NULL OR resolved_on > :end) {division}ORDER BY raised_on, id LIMIT :limit) o "
              "JOIN blocker b ON b.id = o.id LEFT JOIN dossier d ON d.id = b.dossier_id "
              "LEFT JOIN project p ON p.id = b.project_id ORDER BY b.raised_on, b.id")


#: the clocks that may have gone overdue in [:start, :end]: those open after :end, and those finished in
#: the period after their due date. A clock finished by :end changes no more (pauses, resumptions and
#: extensions happen while it runs), so its due date on :end is its last one: the covering index
#: (ix_stage_clock_finished_dims) answers for it, and only the late ones are looked up
_CANDIDATES = ("c.finished_on IS NULL OR c.finished_on > :end OR (c.finished_on >= :start "
               "AND (c.due_date IS NULL OR c.finished_on > c.due_date))")


def overdue_stages_sql(sqlite: bool) -> str:
    """Stage cases whose due date *as of :end* (engine.store.asof) fell in [:start, :end] and which were not
    finished by it (they went overdue), with the officer who held each then: later pauses, extensions and
    handovers change nothing of a past period. The few clocks paused on :end or changed after it are read
    once and joined (``asof.PAUSED_ON_END``, ``asof.DUE_ON_END_OF_CHANGED``): a look-up per clock would be a
    sub-plan per row on PostgreSQL (41 s over the 1,700,000 clocks of a year; 0.9 s joined) and is 2.5
    times slower on SQLite too."""
    due = "CASE WHEN pz.clock_id IS NULL THEN COALESCE(fc.due_before, c.due_date) END"
    alive = (f"SELECT c.dossier_id, c.division, c.officer, c.finished_on, {due} AS due FROM stage_clock c "
             f"LEFT JOIN ({asof.PAUSED_ON_END}) pz ON pz.clock_id = c.id "
             f"LEFT JOIN ({asof.DUE_ON_END_OF_CHANGED}) fc ON fc.clock_id = c.id "
             f"WHERE c.start_date <= :end AND ({_CANDIDATES})")
    return ("SELECT x.dossier_id, x.division, CASE WHEN x.finished_on <= :end THEN x.officer "
            "ELSE NULLIF(COALESCE(ho.from_officer, x.officer), '') END, x.due "
            f"FROM ({alive}) x LEFT JOIN ({asof.handed_from_after_end(sqlite)}) ho ON ho.dossier_id = x.dossier_id "
            "WHERE x.due >= :start AND x.due <= :end AND (x.finished_on IS NULL OR x.finished_on > x.due)")


URGES_BETWEEN = "SELECT dossier_id, at FROM urge WHERE dossier_id IS NOT NULL AND at >= ? AND at < ?"


@dataclass(frozen=True)
class BlockerRecord:
    id: int
    dossier_id: int | None
    project_id: int | None
    division: str
    cause: str
    description: str
    addressed_to: str
    addressee: str | None
    cause_on: dt.date | None
    raised_on: dt.date
    raised_by: str
    state: str
    resolution: str | None
    resolved_on: dt.date | None
    escalated_at: dt.datetime | None
    updated_at: dt.datetime
    version: int
    dossier_code: str | None
    project_code: str | None
    dossier_officer: str | None


@dataclass(frozen=True)
class BlockerFilter:
    states: tuple[str, ...] = ()
    division: str | None = None
    dossier_id: int | None = None
    project_id: int | None = None
    raised_by: str | None = None


class BlockerStore:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    def _record(self, r: Any) -> BlockerRecord:
        c = self.codec
        raised, updated = c.read_day(r[9]), c.read_ts(r[15])
        assert raised is not None and updated is not None
        return BlockerRecord(int(r[0]), r[1], r[2], r[3], r[4], r[5], r[6], r[7], c.read_day(r[8]), raised, r[10],
                             r[11], r[12], c.read_day(r[13]), c.read_ts(r[14]), updated, int(r[16]), r[17], r[18],
                             r[19])

    # -- blockers -----------------------------------------------------------------------------------
    def get(self, blocker_id: int) -> BlockerRecord | None:
        row = self.uow.execute(SELECT_ONE, (blocker_id,)).fetchone()
        return self._record(row) if row else None

    def find(self, f: BlockerFilter, limit: int) -> list[BlockerRecord]:
        where: list[str] = []
        params: list[Any] = []
        if f.states:
            where.append(f"b.state IN ({', '.join('?' for _ in f.states)})")
            params.extend(f.states)
        for column, value in (("b.division", f.division), ("b.dossier_id", f.dossier_id),
                              ("b.project_id", f.project_id), ("b.raised_by", f.raised_by)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = SELECT_MANY.format(where=("WHERE " + " AND ".join(where)) if where else "")
        return [self._record(r) for r in self.uow.execute(sql, (*params, limit)).fetchall()]

    def add(self, values: dict[str, Any], now: dt.datetime) -> int:
        c = self.codec
        row = self.uow.execute(INSERT, (
            values["dossier_id"], values["project_id"], values["division"], values["cause"], values["description"],
            values["addressed_to"], values["addressee"], c.day(values["cause_on"]), c.day(values["raised_on"]),
            values["raised_by"], OPEN, c.ts(now))).fetchone()
        return int(row[0])

    def change(self, b: BlockerRecord, state: str, now: dt.datetime, resolution: str | None = None,
               resolved_on: dt.date | None = None) -> bool:
        """Move ``b`` (as read) to ``state``; False if it changed since it was read."""
        cur = self.uow.execute(CHANGE, (state, resolution, self.codec.day(resolved_on), self.codec.ts(now), b.id,
                                        b.version))
        return bool(cur.rowcount == 1)

    def log(self, blocker_id: int, at: dt.datetime, actor: str, from_state: str | None, to_state: str,
            note: str | None, channel: str | None, client: str | None) -> None:
        self.uow.execute(INSERT_UPDATE, (blocker_id, self.codec.ts(at), actor, from_state, to_state, note, channel,
                                         client))

    def updates(self, blocker_id: int) -> list[dict[str, Any]]:
        keys = ("at", "actor", "from_state", "to_state", "note", "channel", "client")
        rows = self.uow.execute(UPDATES, (blocker_id,)).fetchall()
        return [{**dict(zip(keys, r, strict=True)), "at": self.codec.read_ts(r[0])} for r in rows]

    def to_escalate(self, by: dt.date) -> list[BlockerRecord]:
        rows = self.uow.execute(TO_ESCALATE, (OPEN, HANDLING, self.codec.day(by))).fetchall()
        return [self._record(r) for r in rows]

    def mark_escalated(self, blocker_id: int, now: dt.datetime) -> bool:
        return bool(self.uow.execute(MARK_ESCALATED, (self.codec.ts(now), blocker_id)).rowcount == 1)

    def dossier_project(self, dossier_id: int) -> int | None:
        row = self.uow.execute(DOSSIER_PROJECT, (dossier_id,)).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def project(self, code: str) -> tuple[int, str, str, str | None] | None:
        row = self.uow.execute(PROJECT_BY_CODE, (code,)).fetchone()
        return None if row is None else (int(row[0]), row[1], row[2], row[3])

    # -- urges --------------------------------------------------------------------------------------
    def add_urge(self, dossier_id: int | None, officer: str, by: str, at: dt.datetime, note: str | None,
                 channel: str | None, client: str | None, message_id: int | None) -> int:
        row = self.uow.execute(INSERT_URGE, (dossier_id, officer, by, self.codec.ts(at), note, channel, client,
                                             message_id)).fetchone()
        return int(row[0])

    def message_id(self, dedup_key: str) -> int | None:
        row = self.uow.execute(MESSAGE_ID, (dedup_key,)).fetchone()
        return None if row is None else int(row[0])

    def urges(self, *, dossier_id: int | None = None, officer: str | None = None,
              limit: int = 100) -> list[dict[str, Any]]:
        where: list[str] = []
        params: list[Any] = []
        for column, value in (("u.dossier_id", dossier_id), ("u.officer", officer)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        sql = URGES_OF.format(where=("WHERE " + " AND ".join(where)) if where else "")
        keys = ("id", "at", "officer", "by_person", "note", "channel", "client", "code")
        return [{**dict(zip(keys, r, strict=True)), "at": self.codec.read_ts(r[1])}
                for r in self.uow.execute(sql, (*params, limit)).fetchall()]

    # -- the evaluation's and the monthly report's reads ----------------------------------------------
    def raised_between(self, start: dt.date, end: dt.date) -> list[tuple[Any, ...]]:
        """(division, raised by, cause, cause on, raised on, resolved on, state, escalated at) raised in the span."""
        c = self.codec
        return [(r[0], r[1], r[2], c.read_day(r[3]), c.read_day(r[4]), c.read_day(r[5]), r[6], r[7])
                for r in self.uow.execute(RAISED_BETWEEN, (c.day(start), c.day(end))).fetchall()]

    def month(self, start: dt.date, end: dt.date, after: dt.datetime, division: str | None,
              limit: int) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """The month's counts by (division, cause): raised, resolved, open at the end, escalated by ``after``;
        the days of those raised (with a cause day) or resolved in it: (division, cause, cause on, raised on,
        resolved on); the oldest ``limit`` open at its end: (id, division, raised by, cause, raised on,
        escalated at, description, addressed to, dossier, project)."""
        c = self.codec
        params: dict[str, Any] = {"start": c.day(start), "end": c.day(end), "after": c.ts(after), "limit": limit}
        where = ""
        if division:
            where, params["division"] = "AND division = :division ", division
        counts = [(r[0], r[1], *(int(x or 0) for x in r[2:])) for r in
                  self.uow.execute(MONTH_COUNTS.format(division=where), params).fetchall()]
        days = [(r[0], r[1], c.read_day(r[2]), c.read_day(r[3]), c.read_day(r[4]))
                for r in self.uow.execute(MONTH_DAYS.format(division=where), params).fetchall()]
        rows = self.uow.execute(MONTH_OPEN.format(division=where), params).fetchall()
        return counts, days, [(*r[:4], c.read_day(r[4]), c.read_ts(r[5]), *r[6:]) for r in rows]

    def overdue_stages(self, start: dt.date, end: dt.date) -> list[tuple[int, str | None, str | None, dt.date]]:
        """(dossier id, division, officer, due date) of the stage cases due in [start, end] not finished by
        then, as of ``end``."""
        c = self.codec
        after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), TZ)
        params = {"start": c.day(start), "end": c.day(end), "after_at": c.ts(after)}
        return [(int(r[0]), r[1], r[2], c.read_day(r[3]))  # type: ignore[misc]
                for r in self.uow.execute(overdue_stages_sql(c.sqlite), params).fetchall()]

    def urges_between(self, start: dt.datetime, end: dt.datetime) -> list[tuple[int, dt.datetime]]:
        c = self.codec
        return [(int(r[0]), c.read_ts(r[1])) for r in  # type: ignore[misc]
                self.uow.execute(URGES_BETWEEN, (c.ts(start), c.ts(end))).fetchall()]

    def open_on(self, dossier_ids: list[int]) -> list[tuple[Any, ...]]:
        """The unresolved blockers of ``dossier_ids``: (dossier id, id, cause, description, state, raised on,
        escalated at), the oldest first."""
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(dossier_ids), 500):
            chunk = dossier_ids[start:start + 500]
            sql = OPEN_ON.format(marks=", ".join("?" for _ in chunk))
            out.extend((*r[:5], self.codec.read_day(r[5]), r[6])
                       for r in self.uow.execute(sql, (OPEN, HANDLING, *chunk)).fetchall())
        return out

    def last_urges(self, dossier_ids: list[int]) -> dict[int, tuple[dt.datetime, str, str | None]]:
        """The last urge of each of ``dossier_ids`` that has one: (time, by whom, note)."""
        out: dict[int, tuple[dt.datetime, str, str | None]] = {}
        for start in range(0, len(dossier_ids), 500):
            chunk = dossier_ids[start:start + 500]
            sql = LAST_URGES.format(marks=", ".join("?" for _ in chunk))
            for dossier_id, at, by, note in self.uow.execute(sql, tuple(chunk)).fetchall():
                when = self.codec.read_ts(at)
                assert when is not None
                out[int(dossier_id)] = (when, by, note)
        return out
