"""Reading every dossier with its whole history, clocks, pauses and extensions, in dossier order, for
``thamdinh verify``: four streamed statements merged by dossier id, so memory holds one dossier at a
time whatever the size of the database.
"""

from __future__ import annotations

import datetime as dt
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
EVENTS = ("SELECT dossier_id, seq, event, from_state, to_state, actor, at, note, effects, channel, client, row_hash, "
          "id FROM dossier_event ORDER BY dossier_id, seq")
CLOCKS = f"SELECT dossier_id, {', '.join(m.CLOCK_COLS)} FROM stage_clock ORDER BY dossier_id, seq"
PAUSES = ("SELECT c.dossier_id, c.seq, p.paused_on, p.resumed_on, p.due_before FROM clock_pause p "
          "JOIN stage_clock c ON c.id = p.clock_id ORDER BY c.dossier_id, c.seq, p.paused_on, p.id")
EXTENSIONS = ("SELECT c.dossier_id, c.seq, x.extended_on, x.due_before FROM clock_extension x "
              "JOIN stage_clock c ON c.id = x.clock_id ORDER BY c.dossier_id, c.seq, x.extended_on, x.id")


@dataclass
class StoredDossier:
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
    clocks: list[StageClock] = field(default_factory=list)
    pauses: dict[int, list[tuple[dt.date, dt.date | None, dt.date | None]]] = field(default_factory=dict)
    extensions: dict[int, list[tuple[dt.date, dt.date | None]]] = field(default_factory=dict)


def _stream(uow: UnitOfWork, cur: Any, sql: str, size: int = 5000) -> Iterator[tuple[Any, ...]]:
    cur.execute(uow.codec.sql(sql))
    while rows := cur.fetchmany(size):
        yield from (tuple(r) for r in rows)


class _Merge:
    """One stream, read up to the rows of a given dossier id."""

    def __init__(self, rows: Iterator[tuple[Any, ...]]) -> None:
        self.rows, self.head = rows, next(rows, None)

    def take(self, dossier_id: int) -> Iterator[tuple[Any, ...]]:
        while self.head is not None and self.head[0] < dossier_id:
            self.head = next(self.rows, None)  # a row of no dossier: verify reports it by count
        while self.head is not None and self.head[0] == dossier_id:
            yield self.head
            self.head = next(self.rows, None)


def _day(codec: Codec, value: Any) -> dt.date:
    day = codec.read_day(value)
    assert day is not None  # (a NOT NULL column)
    return day


def walk(uow: UnitOfWork) -> Iterator[StoredDossier]:
    """Every dossier, in id order, with everything verify compares."""
    c = uow.codec
    cursors = uow.snapshot_cursors(5)
    events, clocks, pauses, extensions = (_Merge(_stream(uow, cur, sql)) for cur, sql in
                                          zip(cursors, (EVENTS, CLOCKS, PAUSES, EXTENSIONS), strict=False))
    for row in _stream(uow, cursors[4], DOSSIERS):
        d = StoredDossier(row[0], row[1], {"group": row[5], "grade": row[6], "capital_source": row[7],
                                           "division": row[8], "officer": row[9]},
                          (row[2], int(row[3]), row[4]), row[10], int(row[11]), row[12], row[13])
        for e in events.take(d.id):
            at = c.read_ts(e[6])
            assert at is not None
            d.history.append(HistoryEntry(int(e[1]), e[2], e[3], e[4], e[5], at, e[7], decode_events(e[8]),
                                          e[9], e[10]))
            d.digests.append(e[11])
            d.raw_effects.append(e[8])
        d.clocks.extend(m.clock(c, k[1:]) for k in clocks.take(d.id))
        for p in pauses.take(d.id):
            d.pauses.setdefault(int(p[1]), []).append((_day(c, p[2]), c.read_day(p[3]), c.read_day(p[4])))
        for x in extensions.take(d.id):
            d.extensions.setdefault(int(x[1]), []).append((_day(c, x[2]), c.read_day(x[3])))
        yield d
