"""The repository: plain SQL on a pooled DBAPI connection for the hot path (firing an event), with
the same storage formats the SQLModel tables use, on SQLite and PostgreSQL.

Firing is one transaction, always in this order: read the dossier, its open clock and the actor in
one SELECT; insert a new clock if one starts; update the dossier WHERE version = the version read
(zero rows: someone else won, roll back); update the changed clock; record pauses; append the
history row; commit. Anything raised rolls the whole transaction back.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine

from ..deadlines import StageClock

UTC = dt.UTC

CLOCK_COLS = ("id", "stage", "seq", "unit", "limit_units", "policy", "extension", "max_extension",
              "start_date", "segment_start", "used_before", "paused_on", "pause_count", "paused_days",
              "due_date", "finished_on", "outcome", "closed_by", "paused_working_days", "turnaround_working_days",
              "turnaround_days")
DOSSIER_COLS = ("id", "code", "project_name", "investor", "project_group", "grade", "capital_source",
                "division", "officer", "workflow_id", "workflow_version", "rule_version", "state",
                "resume_state", "counters", "supplement_requests", "open_clock_id", "last_event_at",
                "version")
#: the dossier's columns a clock copies when it starts (what the metrics group by; revision 0004)
CLOCK_DIMS = ("division", "officer", "workflow_id")
_DATE_CLOCK = {"start_date", "segment_start", "paused_on", "due_date", "finished_on"}


class Dialect:
    """Parameter style and value formats of one backend."""

    def __init__(self, name: str) -> None:
        self.sqlite = name == "sqlite"
        self.name = name

    def sql(self, text: str) -> str:
        return text if self.sqlite else text.replace("?", "%s")

    def ts(self, value: dt.datetime | None) -> Any:
        if value is None:
            return None
        value = value.astimezone(UTC)
        if not self.sqlite:
            return value
        # the text SQLAlchemy's SQLite DateTime stores: "YYYY-MM-DD HH:MM:SS.ffffff", UTC, no offset
        return value.replace(tzinfo=None).isoformat(" ", "microseconds")

    def read_ts(self, value: Any) -> dt.datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

    def day(self, value: dt.date | None) -> Any:
        return None if value is None else (value.isoformat() if self.sqlite else value)

    @staticmethod
    def read_day(value: Any) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        return dt.date.fromisoformat(str(value)[:10])


_SELECT_FOR_FIRE = (
    "SELECT " + ", ".join(f"d.{c}" for c in DOSSIER_COLS) + ", "
    + ", ".join(f"c.{c}" for c in CLOCK_COLS) + ", p.roles, "
    + "(SELECT COUNT(*) FROM stage_clock x WHERE x.dossier_id = d.id) "
    + "FROM dossier d LEFT JOIN stage_clock c ON c.id = d.open_clock_id "
    + "LEFT JOIN person p ON p.id = ? AND p.active = ? WHERE d.code = ?"
)


class Repo:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.d = Dialect(engine.dialect.name)
        self._select_for_fire = self.d.sql(_SELECT_FOR_FIRE)
        self._update_dossier = self.d.sql(
            "UPDATE dossier SET state = ?, resume_state = ?, counters = ?, supplement_requests = ?, "
            "open_clock_id = ?, last_event_at = ?, closed_at = ?, officer = ?, version = ? "
            "WHERE id = ? AND version = ?")
        self._assign_clock = self.d.sql("UPDATE stage_clock SET officer = ? WHERE id = ?")
        self._insert_event = self.d.sql(
            "INSERT INTO dossier_event (dossier_id, seq, event, from_state, to_state, actor, at, recorded_at,"
            " note, clock_effect) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        cols = CLOCK_COLS[1:]
        self._insert_clock = self.d.sql(
            f"INSERT INTO stage_clock (dossier_id, {', '.join(CLOCK_DIMS)}, {', '.join(cols)}) "
            f"VALUES ({', '.join('?' * (1 + len(CLOCK_DIMS) + len(cols)))}) RETURNING id")
        self._update_clock = self.d.sql(
            "UPDATE stage_clock SET " + ", ".join(f"{c} = ?" for c in cols) + " WHERE id = ?")
        self._insert_pause = self.d.sql("INSERT INTO clock_pause (clock_id, paused_on) VALUES (?, ?)")
        self._resume_pause = self.d.sql(
            "UPDATE clock_pause SET resumed_on = ?, resumed_how = ? WHERE clock_id = ? AND resumed_on IS NULL")

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """A DBAPI cursor in a transaction that rolls back unless the block completes."""
        conn = self.engine.raw_connection()
        try:
            cur = conn.cursor()
            try:
                yield cur
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
            finally:
                cur.close()
        finally:
            conn.close()

    # -- reading -----------------------------------------------------------------------------
    def load_for_fire(self, cur: Any, code: str,
                      actor: str) -> tuple[dict[str, Any], StageClock | None, str | None, int] | None:
        cur.execute(self._select_for_fire, (actor, True, code))
        row = cur.fetchone()
        if row is None:
            return None
        n = len(DOSSIER_COLS)
        dossier = dict(zip(DOSSIER_COLS, row[:n], strict=True))
        dossier["last_event_at"] = self.d.read_ts(dossier["last_event_at"])
        clock_vals = row[n:n + len(CLOCK_COLS)]
        clock = None
        if clock_vals[0] is not None:
            clock = self.clock_from_row(dict(zip(CLOCK_COLS, clock_vals, strict=True)))
        return dossier, clock, row[n + len(CLOCK_COLS)], int(row[-1])

    def clock_from_row(self, r: dict[str, Any]) -> StageClock:
        rd = self.d.read_day
        return StageClock(
            stage=r["stage"], seq=r["seq"], unit=r["unit"], limit=r["limit_units"], policy=r["policy"],
            start_date=rd(r["start_date"]), segment_start=rd(r["segment_start"]),  # type: ignore[arg-type]
            due_date=rd(r["due_date"]), used_before=r["used_before"], extension=r["extension"],
            max_extension=r["max_extension"], paused_on=rd(r["paused_on"]), pause_count=r["pause_count"],
            paused_days=r["paused_days"], finished_on=rd(r["finished_on"]), outcome=r["outcome"],
            closed_by=r["closed_by"], id=r["id"], paused_working_days=r["paused_working_days"] or 0,
            turnaround_working_days=r["turnaround_working_days"], turnaround_days=r["turnaround_days"],
        )

    # -- writing -----------------------------------------------------------------------------
    def _clock_values(self, c: StageClock) -> list[Any]:
        out = []
        for col in CLOCK_COLS[1:]:
            attr = {"limit_units": "limit"}.get(col, col)
            value = getattr(c, attr)
            out.append(self.d.day(value) if col in _DATE_CLOCK else value)
        return out

    def insert_clock(self, cur: Any, dossier: dict[str, Any], clock: StageClock) -> int:
        """Insert ``clock`` for ``dossier`` (its id and CLOCK_DIMS); sets and returns the clock's id."""
        cur.execute(self._insert_clock,
                    [dossier["id"], *(dossier[k] for k in CLOCK_DIMS), *self._clock_values(clock)])
        clock.id = int(cur.fetchone()[0])
        return clock.id

    def update_clock(self, cur: Any, clock: StageClock) -> None:
        cur.execute(self._update_clock, [*self._clock_values(clock), clock.id])

    def record_pause(self, cur: Any, clock: StageClock, effect: str | None) -> None:
        if not effect:
            return
        if effect.startswith("pause:"):
            cur.execute(self._insert_pause, (clock.id, self.d.day(clock.paused_on)))
        elif effect.startswith(("resume:", "restart:")):
            cur.execute(self._resume_pause, (self.d.day(clock.segment_start), effect.split(":")[0], clock.id))
        elif effect.startswith("finish:") and clock.closed_by and clock.finished_on:
            cur.execute(self._resume_pause, (self.d.day(clock.finished_on), "closed", clock.id))

    def update_dossier(self, cur: Any, dossier_id: int, expected_version: int, *, state: str,
                       resume_state: str | None, counters: dict[str, int], supplement_requests: int,
                       open_clock_id: int | None, last_event_at: dt.datetime, closed_at: dt.datetime | None,
                       officer: str | None) -> bool:
        cur.execute(self._update_dossier, (
            state, resume_state, json.dumps(counters, sort_keys=True), supplement_requests, open_clock_id,
            self.d.ts(last_event_at), self.d.ts(closed_at), officer, expected_version + 1, dossier_id,
            expected_version))
        return bool(cur.rowcount == 1)

    def assign_clock(self, cur: Any, clock_id: int, officer: str | None) -> None:
        """The open clock follows its dossier to another officer (revision 0004's ``officer``)."""
        cur.execute(self._assign_clock, (officer, clock_id))

    def insert_event(self, cur: Any, dossier_id: int, seq: int, event: str, from_state: str | None,
                     to_state: str, actor: str, at: dt.datetime, recorded_at: dt.datetime, note: str | None,
                     clock_effect: str | None) -> None:
        cur.execute(self._insert_event, (dossier_id, seq, event, from_state, to_state, actor,
                                         self.d.ts(at), self.d.ts(recorded_at), note, clock_effect))


_INSERT_DOSSIER_COLS = ("code", "project_name", "investor", "project_group", "grade", "capital_source",
                        "division", "officer", "workflow_id", "workflow_version", "rule_version", "state",
                        "resume_state", "counters", "supplement_requests", "open_clock_id", "blockers",
                        "received_on", "received_at", "last_event_at", "closed_at", "version")


def insert_dossier_sql(d: Dialect) -> str:
    cols = ", ".join(_INSERT_DOSSIER_COLS)
    marks = ", ".join("?" * len(_INSERT_DOSSIER_COLS))
    return d.sql(f"INSERT INTO dossier ({cols}) VALUES ({marks}) RETURNING id")


def insert_dossier(repo: Repo, cur: Any, values: dict[str, Any]) -> int:
    d = repo.d
    row = []
    for col in _INSERT_DOSSIER_COLS:
        v = values.get(col)
        if col in ("received_at", "last_event_at", "closed_at"):
            v = d.ts(v)
        elif col == "received_on":
            v = d.day(v)
        elif col == "counters":
            v = json.dumps(v or {}, sort_keys=True)
        row.append(v)
    cur.execute(insert_dossier_sql(d), row)
    return int(cur.fetchone()[0])


def set_open_clock(repo: Repo, cur: Any, dossier_id: int, clock_id: int) -> None:
    cur.execute(repo.d.sql("UPDATE dossier SET open_clock_id = ? WHERE id = ?"), (clock_id, dossier_id))
