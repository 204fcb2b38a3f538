"""Reading every dossier with its whole history, clocks, pauses and extensions, in dossier order, for
``thamdinh verify``: five streamed statements merged by dossier id on one snapshot, so memory holds one
dossier at a time whatever the size of the database. Rows whose dossier is not there (possible only with
the foreign keys switched off) are counted by table, not dropped silently. ``checkpoints`` recomputes the
checkpoint of every issued report from the same snapshot, in one pass over the history in id order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..domain.deadlines import StageClock
from ..domain.dossier import HistoryEntry
from . import mappers as m
from .codecs import Codec, decode_events

if TYPE_CHECKING:
    from .database import UnitOfWork

DOSSIERS = ("SELECT id, code, workflow_id, workflow_version, rule_version, project_group, grade, capital_source, "
            "division, officer, state, version, open_clock_id, chain_head FROM dossier ORDER BY id")
EVENTS = ("SELECT dossier_id, seq, event, from_state, to_state, actor, at, note, effects, channel, client, "
          "correction, row_hash FROM dossier_event ORDER BY dossier_id, seq, id")
CLOCKS = f"SELECT dossier_id, {', '.join(m.CLOCK_COLS)} FROM stage_clock ORDER BY dossier_id, seq, id"
PAUSES = ("SELECT c.dossier_id, c.seq, p.paused_on, p.resumed_on, p.due_before FROM clock_pause p "
          "JOIN stage_clock c ON c.id = p.clock_id ORDER BY c.dossier_id, c.seq, p.paused_on, p.id")
EXTENSIONS = ("SELECT c.dossier_id, c.seq, x.extended_on, x.due_before FROM clock_extension x "
              "JOIN stage_clock c ON c.id = x.clock_id ORDER BY c.dossier_id, c.seq, x.extended_on, x.id")
ISSUED = ("SELECT id, kind, period, scope, version, checkpoint_event_id, checkpoint FROM issued_report "
          "ORDER BY checkpoint_event_id, id")
DIGESTS = "SELECT id, row_hash FROM dossier_event WHERE id <= ? ORDER BY id"
#: the tables whose rows name a dossier, in the order of the merged streams
CHILD_TABLES = ("dossier_event", "stage_clock", "clock_pause", "clock_extension")
FETCH = 5000


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


def _stream(cur: Any, sql: str, params: Any = ()) -> Iterator[tuple[Any, ...]]:
    cur.execute(sql, params)
    while rows := cur.fetchmany(FETCH):
        yield from rows


class _Merge:
    """One stream, read up to the rows of a given dossier id; the rows of no dossier are counted."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self.rows, self.head = rows, next(rows, None)
        self.orphans: list[int] = []

    def take(self, dossier_id: int) -> Iterator[tuple[Any, ...]]:
        while self.head is not None and self.head[0] < dossier_id:
            self.orphans.append(int(self.head[0]))
            self.head = next(self.rows, None)
        while self.head is not None and self.head[0] == dossier_id:
            yield self.head
            self.head = next(self.rows, None)

    def drain(self) -> None:
        """Count what is left after the last dossier."""
        while self.head is not None:
            self.orphans.append(int(self.head[0]))
            self.head = next(self.rows, None)


def _day(codec: Codec, value: Any) -> dt.date:
    day = codec.read_day(value)
    assert day is not None  # (a NOT NULL column)
    return day


def _history(c: Codec, d: StoredDossier, rows: Iterator[tuple[Any, ...]]) -> None:
    read_ts, entries = c.read_ts, d.history
    for e in rows:
        at = read_ts(e[6])
        assert at is not None
        try:
            effects = decode_events(e[8])
        except Exception:  # (tampered JSON: the chain says so too)
            effects = ()
            d.unreadable.append(int(e[1]))
        entries.append(HistoryEntry(int(e[1]), e[2], e[3], e[4], e[5], at, e[7], effects, e[9], e[10]))
        d.digests.append(e[12])
        d.raw_effects.append(e[8])
        d.corrections.append(e[11])


class Walk:
    """``for d in Walk(uow)``: every dossier, in id order, with everything verify compares; then
    ``orphans``: by child table, the dossier ids its rows name that no dossier has."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.orphans: dict[str, list[int]] = {}
        self._spare: Any = None

    def __iter__(self) -> Iterator[StoredDossier]:
        c, sql = self.uow.codec, self.uow.codec.sql
        cursors = self.uow.snapshot_cursors(6)
        self._spare = cursors[5]
        events, clocks, pauses, extensions = merges = [
            _Merge(_stream(cur, sql(text))) for cur, text in zip(cursors, (EVENTS, CLOCKS, PAUSES, EXTENSIONS),
                                                                   strict=False)]
        clock = m.clock
        for row in _stream(cursors[4], sql(DOSSIERS)):
            d = StoredDossier(row[0], row[1], {"group": row[5], "grade": row[6], "capital_source": row[7],
                                               "division": row[8], "officer": row[9]},
                              (row[2], int(row[3]), row[4]), row[10], int(row[11]), row[12], row[13])
            _history(c, d, events.take(d.id))
            d.clocks.extend(clock(c, k[1:]) for k in clocks.take(d.id))
            for p in pauses.take(d.id):
                d.pauses.setdefault(int(p[1]), []).append((_day(c, p[2]), c.read_day(p[3]), c.read_day(p[4])))
            for x in extensions.take(d.id):
                d.extensions.setdefault(int(x[1]), []).append((_day(c, x[2]), c.read_day(x[3])))
            yield d
        for name, merge in zip(CHILD_TABLES, merges, strict=True):
            merge.drain()
            if merge.orphans:
                self.orphans[name] = sorted(set(merge.orphans))

    def checkpoints(self) -> list[IssuedCheckpoint]:
        """Every issued report's checkpoint recomputed (SHA-256 of the row digests up to its event id, in
        id order), on the walk's snapshot (call it after the walk)."""
        sql = self.uow.codec.sql
        issued = self.uow.execute(ISSUED).fetchall()
        if not issued:
            return []
        h, out, pending = hashlib.sha256(), [], list(issued)
        cur = self._spare if self._spare is not None else self.uow.cur
        rows = _stream(cur, sql(DIGESTS), (max(int(r[5]) for r in issued),))
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
