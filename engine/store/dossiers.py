"""The dossier repository: dossiers, their stage clocks, pauses and history, on a unit of work.

Recording a step is always in this order: insert the clock a stage started; update the dossier
``WHERE version = <read>`` (zero rows: someone else won, ConflictError, and the unit of work rolls
back); update the clock that changed; record pauses; move the open clock with a handover; append the
history row with the step's events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.caller import Via
from ..domain.deadlines import StageClock
from ..domain.dossier import Dossier, DossierState, HistoryEntry
from ..domain.errors import ConflictError, DuplicateDossier, UnknownDossier
from ..domain.folding import search_text
from ..domain.org import Person
from . import chain, clock_rows
from . import mappers as m
from .codecs import encode_events

if TYPE_CHECKING:
    from ..runtime.step import Step
    from .database import UnitOfWork

#: the dossier, its open clock, how many clocks it has, and the actor (one statement on the hot path)
SELECT_FOR_FIRE = (
    f"SELECT {m.columns('d', m.FIRE_DOSSIER_COLS)}, {m.columns('c', m.CLOCK_COLS)}, "
    "(SELECT COUNT(*) FROM stage_clock x WHERE x.dossier_id = d.id), "
    f"{m.columns('p', m.PERSON_COLS)} "
    "FROM dossier d LEFT JOIN stage_clock c ON c.id = d.open_clock_id LEFT JOIN person p ON p.id = ? "
    "WHERE d.code = ?")
SELECT_BY_CODE = f"SELECT {m.columns('d', m.DOSSIER_COLS)} FROM dossier d WHERE d.code = ?"
SELECT_CLOCKS = f"SELECT {m.columns('c', m.CLOCK_COLS)} FROM stage_clock c WHERE c.dossier_id = ? ORDER BY c.seq"
SELECT_HISTORY = (f"SELECT {', '.join(m.EVENT_COLS)} FROM dossier_event WHERE dossier_id = ? ORDER BY seq")
INSERT_DOSSIER_COLS = ("code", "project_name", "investor", "project_group", "grade", "capital_source",
                       "division", "officer", "workflow_id", "workflow_version", "rule_version", "state",
                       "resume_state", "counters", "supplement_requests", "open_clock_id", "blockers",
                       "received_on", "received_at", "last_event_at", "closed_at", "version", "intake_channel",
                       "search_text")
INSERT_DOSSIER = (f"INSERT INTO dossier ({', '.join(INSERT_DOSSIER_COLS)}) "
                  f"VALUES ({', '.join('?' * len(INSERT_DOSSIER_COLS))}) RETURNING id")
SET_OPEN_CLOCK = "UPDATE dossier SET open_clock_id = ? WHERE id = ?"
#: a step that leaves the dossier open: closed_at stays NULL and out of the SET list, so SQLite does not rewrite
#: the dossier's ix_dossier_closed_at entry at every fire (a terminal state has no way out: closed_at never
#: goes back to NULL)
UPDATE_DOSSIER = ("UPDATE dossier SET state = ?, resume_state = ?, counters = ?, supplement_requests = ?, "
                  "open_clock_id = ?, last_event_at = ?, officer = ?, version = ?, chain_head = ? "
                  "WHERE id = ? AND version = ?")
#: a step into a terminal state: the same, and the instant it closed
CLOSE_DOSSIER = ("UPDATE dossier SET state = ?, resume_state = ?, counters = ?, supplement_requests = ?, "
                 "open_clock_id = ?, last_event_at = ?, officer = ?, version = ?, chain_head = ?, closed_at = ? "
                 "WHERE id = ? AND version = ?")
SET_CHAIN_HEAD = "UPDATE dossier SET chain_head = ? WHERE id = ?"
ASSIGN_CLOCK = "UPDATE stage_clock SET officer = ? WHERE id = ?"
INSERT_EVENT = ("INSERT INTO dossier_event (dossier_id, seq, event, from_state, to_state, actor, at, recorded_at, "
                "note, effects, channel, client, correction, row_hash) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
SELECT_LIST = (f"SELECT {m.columns('d', m.DOSSIER_COLS)}, {m.columns('c', m.CLOCK_COLS)} FROM dossier d "
               "LEFT JOIN stage_clock c ON c.id = d.open_clock_id WHERE {where} "
               "ORDER BY CASE WHEN c.due_date IS NULL THEN 1 ELSE 0 END, c.due_date, d.code LIMIT ?")
SELECT_OPEN_CODES = "SELECT code FROM dossier WHERE closed_at IS NULL{filters} ORDER BY code"


@dataclass(frozen=True)
class DossierFilter:
    """What a list of dossiers may be narrowed to (every given filter must hold)."""

    state: str | None = None
    division: str | None = None
    officer: str | None = None
    workflow: str | None = None
    overdue_before: dt.date | None = None  # open clock due before this day
    due_between: tuple[dt.date, dt.date] | None = None  # open clock due within these days


def _not_found(code: str) -> UnknownDossier:
    return UnknownDossier(f"Không có hồ sơ «{code}».", hint="Xem danh sách bằng: thamdinh list")


class Dossiers:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec
        #: the open clock ``for_fire`` read last and its row's stored values (what ``record`` updates it from)
        self._read_clock: tuple[StageClock, tuple[Any, ...]] | None = None

    # -- reading -------------------------------------------------------------------------------
    def for_fire(self, code: str, actor: str) -> tuple[DossierState, StageClock | None, int, Person | None]:
        """The dossier (what firing reads of it), its open clock, how many clocks it has, and the person
        ``actor`` (None if no one has that id); raises UnknownDossier."""
        row = self.uow.execute(SELECT_FOR_FIRE, (actor, code)).fetchone()
        if row is None:
            raise _not_found(code)
        n, k = len(m.FIRE_DOSSIER_COLS), len(m.CLOCK_COLS)
        clock_row, person_row = row[n:n + k], row[n + k + 1:]
        clock = m.clock(self.codec, clock_row) if clock_row[0] is not None else None
        self._read_clock = None if clock is None else (clock, clock_row[1:])
        return (m.dossier_state(self.codec, row[:n]), clock, int(row[n + k]),
                m.person(person_row) if person_row[0] is not None else None)

    def get(self, code: str) -> Dossier:
        row = self.uow.execute(SELECT_BY_CODE, (code,)).fetchone()
        if row is None:
            raise _not_found(code)
        return m.dossier(self.codec, row)

    def exists(self, code: str) -> bool:
        return self.uow.execute("SELECT 1 FROM dossier WHERE code = ?", (code,)).fetchone() is not None

    def clocks(self, dossier_id: int) -> list[StageClock]:
        return [m.clock(self.codec, r) for r in self.uow.execute(SELECT_CLOCKS, (dossier_id,)).fetchall()]

    def history(self, dossier_id: int) -> list[HistoryEntry]:
        return [m.history_entry(self.codec, r) for r in self.uow.execute(SELECT_HISTORY, (dossier_id,)).fetchall()]

    def search(self, f: DossierFilter, limit: int) -> list[tuple[Dossier, StageClock | None]]:
        conds: list[str] = ["1 = 1"]
        params: list[Any] = []
        for column, value in (("d.state", f.state), ("d.division", f.division), ("d.officer", f.officer),
                              ("d.workflow_id", f.workflow)):
            if value:
                conds.append(f"{column} = ?")
                params.append(value)
        if f.overdue_before is not None or f.due_between is not None:
            conds.append("c.finished_on IS NULL")  # the partial index of open clocks
        if f.overdue_before is not None:
            conds.append("c.due_date < ?")
            params.append(self.codec.day(f.overdue_before))
        if f.due_between is not None:
            conds.append("c.due_date >= ? AND c.due_date <= ?")
            params.extend(self.codec.day(d) for d in f.due_between)
        rows = self.uow.execute(SELECT_LIST.format(where=" AND ".join(conds)), (*params, limit)).fetchall()
        n = len(m.DOSSIER_COLS)
        return [(m.dossier(self.codec, r[:n]), m.clock(self.codec, r[n:]) if r[n] is not None else None)
                for r in rows]

    def open_codes(self, *, workflow: str | None, division: str | None, states: tuple[str, ...],
                   received_before: dt.date | None) -> list[str]:
        filters, params = "", []
        for column, value in (("workflow_id", workflow), ("division", division)):
            if value:
                filters += f" AND {column} = ?"
                params.append(value)
        if states:
            filters += f" AND state IN ({', '.join('?' * len(states))})"
            params.extend(states)
        if received_before is not None:
            filters += " AND received_on < ?"
            params.append(self.codec.day(received_before))
        return [r[0] for r in self.uow.execute(SELECT_OPEN_CODES.format(filters=filters), params).fetchall()]

    # -- writing -------------------------------------------------------------------------------
    def create(self, values: dict[str, Any]) -> int:
        """Insert a dossier (INSERT_DOSSIER_COLS by name, its folded search text computed here); raises
        DuplicateDossier if its code is taken."""
        c = self.codec
        encoders: dict[str, Callable[[Any], Any]] = {"received_at": c.ts, "last_event_at": c.ts,
                                                     "closed_at": c.ts, "received_on": c.day, "counters": c.counters}
        values = {**values, "search_text": search_text(values["code"], values["project_name"], values["investor"])}
        row = [encoders.get(col, _same)(values.get(col)) for col in INSERT_DOSSIER_COLS]
        try:
            return int(self.uow.execute(INSERT_DOSSIER, row).fetchone()[0])
        except Exception as exc:
            if self.uow.db.is_integrity_error(exc):  # received by someone else meanwhile
                raise duplicate(values["code"]) from None
            raise

    def record_receipt(self, dossier_id: int, dims: dict[str, Any], step: Step, act: Act) -> None:
        if step.opened is not None:
            clock_id = clock_rows.insert(self.uow, dossier_id, dims, step.opened)
            self.uow.execute(SET_OPEN_CLOCK, (clock_id, dossier_id))
        row = self._history(dossier_id, 1, step, act)
        head = row.digest("")
        self.uow.execute(INSERT_EVENT, row.values)
        self.uow.execute(SET_CHAIN_HEAD, (head, dossier_id))

    def record(self, d: DossierState, step: Step, act: Act, was: StageClock | None) -> int:
        """Record a fired step on dossier ``d`` as read (``was``: its open clock as read); returns the new
        version; raises ConflictError."""
        c = self.codec
        after = step.after
        open_id = d.open_clock_id
        if step.opened is not None:
            dims = {"division": d.division, "officer": after.officer, "workflow_id": d.workflow_id}
            open_id = clock_rows.insert(self.uow, d.id, dims, step.opened)
        elif step.closes_clock:
            open_id = None
        row = self._history(d.id, d.version + 1, step, act)
        at_value = row.at_value
        values = (after.state, after.resume_state, c.counters(after.counters), after.supplement_requests, open_id,
                  at_value, after.officer, d.version + 1, row.digest(d.chain_head or ""))
        updated = (self.uow.execute(CLOSE_DOSSIER, (*values, at_value, d.id, d.version)) if step.terminal
                   else self.uow.execute(UPDATE_DOSSIER, (*values, d.id, d.version)))
        if updated.rowcount != 1:
            raise ConflictError(f"Hồ sơ «{d.code}» vừa được người khác cập nhật; thao tác của bạn chưa được ghi.",
                                hint="Xem lại hồ sơ (thamdinh show) rồi thực hiện lại nếu vẫn cần.")
        read, self._read_clock = self._read_clock, None
        if step.changed is not None:  # (from the row as read, when ``was`` is the clock read with it)
            stored = read[1] if read is not None and read[0] is was and step.changed.id == read[0].id else None
            clock_rows.update(self.uow, step.changed, stored)
            clock_rows.changes(self.uow, step.changed, step.events, act.day, was)
        if step.handed_to is not None and open_id is not None:
            self.uow.execute(ASSIGN_CLOCK, (step.handed_to, open_id))
        self.uow.execute(INSERT_EVENT, row.values)
        return d.version + 1

    def _history(self, dossier_id: int, seq: int, step: Step, act: Act) -> _HistoryRow:
        """The history row to append (the instant of the act in UTC once: the column and the digest read it)."""
        at = act.at.astimezone(dt.UTC)
        at_value = self.codec.ts(at)
        return _HistoryRow(seq, step, act, at, at_value, (dossier_id, seq, step.event, step.from_state,
                           step.to_state, act.actor, at_value, self.codec.ts(act.recorded_at), act.note,
                           encode_events(step.events), act.via.channel, act.via.client, act.correction))


@dataclass
class _HistoryRow:
    """A history row's values for INSERT_EVENT, its digest appended once it is known (``digest``)."""

    seq: int
    step: Step
    act: Act
    at: dt.datetime  # the act's instant in UTC
    at_value: Any  # ... as the column stores it (``codec.ts``)
    head: tuple[Any, ...]
    values: tuple[Any, ...] = ()

    def digest(self, prev: str) -> str:
        a, s = self.act, self.step
        h = chain.row_digest(prev, a.code, self.seq, s.event, s.from_state, s.to_state, a.actor, self.at, a.note,
                             self.head[9], a.via.channel, a.via.client, a.correction)
        self.values = (*self.head, h)
        return h


@dataclass(frozen=True)
class Act:
    """Who recorded an act on which dossier, when, how, and why: what a history row holds besides the step.

    ``at``: the instant of the act; ``day``: the working day its clock effects count from;
    ``correction``: the director's reason for an act recorded into a period already issued."""

    code: str
    actor: str
    at: dt.datetime
    day: dt.date
    recorded_at: dt.datetime
    note: str | None
    via: Via
    correction: str | None = None


def _same(value: Any) -> Any:
    return value


def duplicate(code: str) -> DuplicateDossier:
    return DuplicateDossier(f"Hồ sơ «{code}» đã có.", hint="Dùng mã khác, hoặc xem: thamdinh show " + code)
