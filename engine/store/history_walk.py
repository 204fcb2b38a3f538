"""Reading every dossier with its whole history, clocks, pauses and extensions, in dossier order, for
``thamdinh verify``: five statements over the walk's range of dossier ids, each ordered by dossier and read
on a cursor of its own (on PostgreSQL a server-side cursor), all on one snapshot, merged in step: the
dossiers in batches of FETCH, and for each batch the rows of the four other tables up to its last dossier,
so memory holds one batch at a time whatever the size of the database, and each statement runs once per
walk (a statement per batch made PostgreSQL hash the whole pause and extension tables for every batch: a
walk quadratic in the dossiers). A walk may cover a range of dossier ids only (verify's parts, one per process).
Rows whose dossier is not there (possible only with the foreign keys switched off) are counted by table,
not dropped silently. ``checkpoints`` recomputes the
checkpoint of every issued report from the same snapshot, in one pass over the history in id order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from ..domain.deadlines import StageClock
from ..domain.dossier import HistoryEntry
from ..domain.values import build
from . import mappers as m
from .codecs import Codec, decode_events

if TYPE_CHECKING:
    from .database import UnitOfWork

#: a part of the dossiers: ids above the first bound, up to and including the second
DOSSIERS = ("SELECT id, code, workflow_id, workflow_version, rule_version, project_group, grade, capital_source, "
            "division, officer, state, version, open_clock_id, chain_head FROM dossier WHERE id > ? AND id <= ? "
            "ORDER BY id")
EVENTS = ("SELECT dossier_id, seq, event, from_state, to_state, actor, at, note, effects, channel, client, "
          "correction, row_hash FROM dossier_event WHERE dossier_id > ? AND dossier_id <= ? ORDER BY dossier_id, seq")
CLOCKS = (f"SELECT dossier_id, {', '.join(m.CLOCK_COLS)} FROM stage_clock WHERE dossier_id > ? AND dossier_id <= ? "
          "ORDER BY dossier_id, seq")
PAUSES = ("SELECT c.dossier_id, c.seq, p.paused_on, p.resumed_on, p.due_before FROM clock_pause p "
          "JOIN stage_clock c ON c.id = p.clock_id WHERE c.dossier_id > ? AND c.dossier_id <= ? "
          "ORDER BY c.dossier_id, c.seq, p.paused_on, p.id")
EXTENSIONS = ("SELECT c.dossier_id, c.seq, x.extended_on, x.due_before FROM clock_extension x "
              "JOIN stage_clock c ON c.id = x.clock_id WHERE c.dossier_id > ? AND c.dossier_id <= ? "
              "ORDER BY c.dossier_id, c.seq, x.extended_on, x.id")
BOUNDS = "SELECT MIN(id), MAX(id), COUNT(*) FROM dossier"
#: PostgreSQL, in the walk's transaction: its instants come with ``datetime.UTC`` (the codec keeps them as
#: they are) instead of the server's zone by name, which every read converted to UTC
UTC_SESSION = "SET LOCAL TIME ZONE 'UTC'"
#: pauses and extensions of no stage clock (the walk reaches them through their clock only)
CLOCKLESS = {table: f"SELECT DISTINCT x.clock_id FROM {table} x WHERE NOT EXISTS "
                    "(SELECT 1 FROM stage_clock c WHERE c.id = x.clock_id) ORDER BY x.clock_id"
             for table in ("clock_pause", "clock_extension")}
ISSUED = ("SELECT id, kind, period, scope, version, checkpoint_event_id, checkpoint FROM issued_report "
          "ORDER BY checkpoint_event_id, id")
DIGESTS = "SELECT id, row_hash FROM dossier_event WHERE id <= ? ORDER BY id"
#: below and above every id: the bounds of the whole table
LOWEST, HIGHEST = -(2**62), 2**62
#: the tables whose rows name a dossier, in the order of the merged streams
CHILD_TABLES = ("dossier_event", "stage_clock", "clock_pause", "clock_extension")
#: dossiers read at a time (and rows of the other tables fetched at a time: CHILD_FETCH)
FETCH = 2000
CHILD_FETCH = 10_000
Grouped = dict[int, list[tuple[Any, ...]]]
_owner = itemgetter(0)


@dataclass
class StoredDossier:
    """One dossier as stored: what its rows say, for verify to recompute."""

    id: int
    code: str
    fields: dict[str, Any]
    workflow: tuple[str, int, str]  # id, version, rule version
    state: str
    version: int
    open_clock_id: int | None
    chain_head: str | None
    history: list[HistoryEntry] = field(default_factory=list)
    digests: list[str | None] = field(default_factory=list)
    raw_effects: list[str | None] = field(default_factory=list)
    corrections: list[str | None] = field(default_factory=list)
    #: the seq of each row whose effects are not readable JSON of known events
    unreadable: list[int] = field(default_factory=list)
    clocks: list[StageClock] = field(default_factory=list)
    #: by clock seq: each pause (day, resumed on, due date before), each extension (day, due date before)
    pauses: dict[int, list[tuple[dt.date, dt.date | None, dt.date | None]]] = field(default_factory=dict)
    extensions: dict[int, list[tuple[dt.date, dt.date | None]]] = field(default_factory=dict)


@dataclass(frozen=True)
class IssuedCheckpoint:
    """An issued report's checkpoint: as printed on it, and as the history now gives it."""

    report_id: int
    title: str
    event_id: int
    stored: str
    recomputed: str


def _stream(cur: Any, sql: str, params: Any = ()) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``sql``, a batch of FETCH at a time."""
    cur.execute(sql, params)
    while rows := cur.fetchmany(FETCH):
        yield rows


class _Owned:
    """The rows of one statement ordered by their dossier id (the first column), taken a range at a time:
    ``upto(high)`` gives, by dossier, the rows not taken yet whose dossier id is ``high`` or below."""

    def __init__(self, cur: Any, sql: str, params: Any) -> None:
        cur.execute(sql, params)
        self.cur, self.done = cur, False
        self.rows: list[tuple[Any, ...]] = []

    def upto(self, high: int) -> Grouped:
        rows = self.rows
        while not self.done and (not rows or rows[-1][0] <= high):
            more = self.cur.fetchmany(CHILD_FETCH)
            self.done = len(more) < CHILD_FETCH
            rows.extend(more)
        cut = bisect_right(rows, high, key=_owner)
        taken, self.rows = (rows, []) if cut == len(rows) else (rows[:cut], rows[cut:])
        return _grouped(taken)


#: a history row's effects decoded once per distinct text (the events are frozen values: safe to share)
_decode = lru_cache(maxsize=1 << 16)(decode_events)


def _day(codec: Codec, value: Any) -> dt.date:
    day = codec.read_day(value)
    assert day is not None  # (a NOT NULL column)
    return day


def _history(c: Codec, d: StoredDossier, rows: list[tuple[Any, ...]]) -> None:
    read_ts, entries = c.read_ts, d.history
    for e in rows:
        try:
            effects = _decode(e[8])
        except Exception:  # (tampered JSON: the chain says so too)
            effects = ()
            d.unreadable.append(int(e[1]))
        entries.append(build(HistoryEntry, {"seq": e[1], "event": e[2], "from_state": e[3], "to_state": e[4],
                                            "actor": e[5], "at": read_ts(e[6]), "note": e[7], "effects": effects,
                                            "channel": e[9], "client": e[10]}))
        d.digests.append(e[12])
        d.raw_effects.append(e[8])
        d.corrections.append(e[11])


def _grouped(rows: list[tuple[Any, ...]]) -> dict[int, list[tuple[Any, ...]]]:
    return {k: list(g) for k, g in groupby(rows, _owner)}


class Walk:
    """``for d in Walk(uow)``: every dossier with an id above ``after`` and up to ``upto``, in id order, with
    everything verify compares, read in batches of FETCH dossiers on the unit of work's snapshot; then
    ``orphans``: by child table, the dossier ids in that range its rows name and no dossier has."""

    def __init__(self, uow: UnitOfWork, after: int = LOWEST, upto: int = HIGHEST) -> None:
        self.uow, self.after, self.upto = uow, after, upto
        self.orphans: dict[str, list[int]] = {}
        self._cursors: list[Any] = []

    def __iter__(self) -> Iterator[StoredDossier]:
        c, sql, part = self.uow.codec, self.uow.codec.sql, (self.after, self.upto)
        self._cursors = self.uow.snapshot_cursors(1 + len(CHILD_TABLES))  # (on PostgreSQL server-side cursors)
        if not c.sqlite:
            self.uow.execute(UTC_SESSION)
        children = [_Owned(cur, sql(text), part)
                    for cur, text in zip(self._cursors[1:], (EVENTS, CLOCKS, PAUSES, EXTENSIONS), strict=True)]
        for batch in _stream(self._cursors[0], sql(DOSSIERS), part):
            high = int(batch[-1][0]) if len(batch) == FETCH else self.upto
            rows = [child.upto(high) for child in children]
            yield from self._dossiers(c, batch, *rows)
            self._note_orphans(rows, batch)
        # what is left names a dossier above the last one: of no dossier
        self._note_orphans([child.upto(self.upto) for child in children], [])

    @staticmethod
    def _dossiers(c: Codec, batch: list[tuple[Any, ...]], events: Grouped, clocks: Grouped, pauses: Grouped,
                  extensions: Grouped) -> Iterator[StoredDossier]:
        clock = m.clock
        none: list[tuple[Any, ...]] = []
        for row in batch:
            d = StoredDossier(row[0], row[1], {"group": row[5], "grade": row[6], "capital_source": row[7],
                                               "division": row[8], "officer": row[9]},
                              (row[2], int(row[3]), row[4]), row[10], int(row[11]), row[12], row[13])
            _history(c, d, events.get(d.id, none))
            d.clocks.extend(clock(c, k[1:]) for k in clocks.get(d.id, none))
            for p in pauses.get(d.id, none):
                d.pauses.setdefault(int(p[1]), []).append((_day(c, p[2]), c.read_day(p[3]), c.read_day(p[4])))
            for x in extensions.get(d.id, none):
                d.extensions.setdefault(int(x[1]), []).append((_day(c, x[2]), c.read_day(x[3])))
            yield d

    def _note_orphans(self, grouped: list[Grouped], batch: list[tuple[Any, ...]]) -> None:
        ids = {row[0] for row in batch}
        for name, rows in zip(CHILD_TABLES, grouped, strict=True):
            lost = [k for k in rows if k not in ids]
            if lost:
                self.orphans.setdefault(name, []).extend(int(k) for k in lost)

    def clockless(self) -> dict[str, list[int]]:
        """By table, the clock ids of the pauses and extensions whose stage clock is not there."""
        found = {t: [int(r[0]) for r in self.uow.execute(sql).fetchall()] for t, sql in CLOCKLESS.items()}
        return {t: ids for t, ids in found.items() if ids}

    def checkpoints(self) -> list[IssuedCheckpoint]:
        """Every issued report's checkpoint recomputed (SHA-256 of the row digests up to its event id, in
        id order), on the walk's snapshot (call it after the walk)."""
        sql = self.uow.codec.sql
        if not self._cursors:  # (not after a walk: a snapshot of its own)
            self._cursors = self.uow.snapshot_cursors(1)
        issued = self.uow.execute(ISSUED).fetchall()
        if not issued:
            return []
        h, out, pending = hashlib.sha256(), [], list(issued)
        cur = self._cursors[0]
        for rows in _stream(cur, sql(DIGESTS), (max(int(r[5]) for r in issued),)):
            for event_id, digest in rows:
                while pending and int(pending[0][5]) < event_id:
                    out.append(_checkpoint(pending.pop(0), h))
                h.update((digest or "").encode("ascii", "replace"))
        out.extend(_checkpoint(r, h) for r in pending)
        return out


def _checkpoint(row: tuple[Any, ...], h: Any) -> IssuedCheckpoint:
    report_id, kind, period, scope, version, event_id, stored = row
    title = f"{kind} {period}{f' {scope}' if scope else ''} (lần {version})"
    return IssuedCheckpoint(int(report_id), title, int(event_id), stored, h.copy().hexdigest())


def walk(uow: UnitOfWork) -> Iterator[StoredDossier]:
    """Every dossier, in id order, with everything verify compares (``Walk`` keeps the orphans too)."""
    return iter(Walk(uow))
