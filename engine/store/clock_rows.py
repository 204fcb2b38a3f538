"""A stage clock's rows on the fire path: the clock inserted when a stage starts, the columns of the open one
that a step changed, its pauses and extensions (each with the due date it had just before).

An update sets only the columns whose stored value differs from the row as read in the same unit of work (a
clock is written by the fire path alone, after the dossier's version check, so that row is the stored one).
SQLite rewrites an index of the row only when the statement sets one of its columns: an extension or a
resumption leaves ``ix_stage_clock_dossier_span`` as it was (half the pages that index cost each fire),
and four values bound instead of twenty pay for the comparison. Each set of columns gets its statement once
(a few: the shapes of a pause, a resumption, an extension and a finish).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import compress
from operator import ne
from typing import TYPE_CHECKING, Any

from ..domain import events as ev
from ..domain.deadlines import StageClock
from . import mappers as m

if TYPE_CHECKING:
    from .database import UnitOfWork

#: what INSERT sets: the dossier, the dimensions copied from it, the clock's columns but its id
INSERT_COLS = ("dossier_id", *m.CLOCK_DIMS, *m.CLOCK_COLS[1:])
#: what UPDATE may set: the clock's columns but its id (the values of ``mappers.clock_values``)
UPDATE_COLS = m.CLOCK_COLS[1:]
INSERT_PAUSE = "INSERT INTO clock_pause (clock_id, paused_on, due_before) VALUES (?, ?, ?)"
INSERT_EXTENSION = "INSERT INTO clock_extension (clock_id, extended_on, units, due_before) VALUES (?, ?, ?, ?)"
END_PAUSE = "UPDATE clock_pause SET resumed_on = ?, resumed_how = ? WHERE clock_id = ? AND resumed_on IS NULL"
INSERT_CLOCK = (f"INSERT INTO stage_clock ({', '.join(INSERT_COLS)}) VALUES ({', '.join('?' * len(INSERT_COLS))}) "
                "RETURNING id")
#: per set of changed columns (bytes, one per column of UPDATE_COLS: 1 changed), the UPDATE that sets them
_updates: dict[bytes, str] = {}
_EVERY = b"\x01" * len(UPDATE_COLS)


def _update_sql(changed: bytes) -> str:
    sets = ", ".join(f"{col} = ?" for col, change in zip(UPDATE_COLS, changed, strict=True) if change)
    return _updates.setdefault(changed, f"UPDATE stage_clock SET {sets} WHERE id = ?")


def insert(uow: UnitOfWork, dossier_id: int, dims: dict[str, Any], clock: StageClock) -> int:
    """Insert ``clock`` of dossier ``dossier_id``, copying its CLOCK_DIMS from ``dims``; returns the new id."""
    params = [dossier_id, *(dims[k] for k in m.CLOCK_DIMS), *m.clock_values(uow.codec, clock)]
    return int(uow.execute(INSERT_CLOCK, params).fetchone()[0])


def update(uow: UnitOfWork, clock: StageClock, stored: Sequence[Any] | None) -> None:
    """Store ``clock`` on its row: the columns whose values differ from ``stored`` (the row's UPDATE_COLS as
    read in this unit of work), or every one when it is not known (None)."""
    new = m.clock_values(uow.codec, clock)
    changed = _EVERY if stored is None else bytes(map(ne, new, stored))  # (builtins: a loop costs what it saves)
    if any(changed):
        sql = _updates.get(changed) or _update_sql(changed)
        uow.execute(sql, [*compress(new, changed), clock.id])


def changes(uow: UnitOfWork, clock: StageClock, events: tuple[ev.DomainEvent, ...], on_day: dt.date,
            was: StageClock | None) -> None:
    """The pauses and extensions of ``clock`` (``was``: as it was read), each with the due date it had just
    before. A pause row is open exactly while its clock is paused, so a stage finished on a running clock has
    none to close."""
    day = uow.codec.day
    due_before = None if was is None else was.due_date
    for e in events:
        match e:
            case ev.ClockPaused(on=on):
                uow.execute(INSERT_PAUSE, (clock.id, day(on), day(due_before)))
            case ev.ClockResumed(on=on, policy=policy):
                uow.execute(END_PAUSE, (day(on), policy, clock.id))
            case ev.ClockExtended(units=units):
                uow.execute(INSERT_EXTENSION, (clock.id, day(on_day), units, day(due_before)))
            case ev.StageFinished(on=on) if was is None or was.paused_on is not None:
                uow.execute(END_PAUSE, (day(on), "closed", clock.id))
