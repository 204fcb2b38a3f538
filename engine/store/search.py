"""Named SQL of the search and «Việc của tôi»: dossiers by folded text, filters, due status, sort and
page, with the total and the counters by due status (the same statements on SQLite and PostgreSQL).

The text is compared with ``dossier.search_text`` (revision 0010: code, project name and investor
folded by engine.domain.folding), so the query is folded the same way by the caller; ``LIKE`` with
``!`` as the escape character keeps a typed ``%`` or ``_`` literal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.deadlines import StageClock
from ..domain.dossier import Dossier
from . import mappers as m

if TYPE_CHECKING:
    from .database import UnitOfWork

#: the open clock only (``finished_on IS NULL``, as a dossier's open clock always is): PostgreSQL then
#: joins through the partial index of open clocks instead of reading every clock
FROM = "FROM dossier d LEFT JOIN stage_clock c ON c.id = d.open_clock_id AND c.finished_on IS NULL"
#: the due status of a row (engine.domain.due_status), given today and the last «Tới hạn» day
STATUS_SQL = ("CASE WHEN d.closed_at IS NOT NULL THEN 'closed' WHEN c.paused_on IS NOT NULL THEN 'paused' "
              "WHEN c.due_date IS NULL THEN 'within' WHEN c.due_date < ? THEN 'overdue' "
              "WHEN c.due_date = ? THEN 'today' WHEN c.due_date <= ? THEN 'soon' ELSE 'within' END")
_OPEN_RUNNING = "d.closed_at IS NULL AND c.paused_on IS NULL"
#: each due status as a condition and how many of (today, today, soon) it takes
DUE_CONDITIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "overdue": (f"{_OPEN_RUNNING} AND c.due_date < ?", ("today",)),
    "today": (f"{_OPEN_RUNNING} AND c.due_date = ?", ("today",)),
    "soon": (f"{_OPEN_RUNNING} AND c.due_date > ? AND c.due_date <= ?", ("today", "soon")),
    "within": ("d.closed_at IS NULL AND (c.id IS NULL OR (c.paused_on IS NULL AND (c.due_date IS NULL "
               "OR c.due_date > ?)))", ("soon",)),
    "paused": ("d.closed_at IS NULL AND c.paused_on IS NOT NULL", ()),
    "closed": ("d.closed_at IS NOT NULL", ()),
}
SORTS = {
    "han": "CASE WHEN d.closed_at IS NOT NULL THEN 2 WHEN c.due_date IS NULL THEN 1 ELSE 0 END, c.due_date, d.code",
    "moi": "d.received_at DESC, d.id DESC",
    "cu": "d.received_at, d.id",
    "ma": "d.code",
    "ten": "d.project_name, d.code",
}


@dataclass(frozen=True)
class SearchFilter:
    """What a search narrows to (every given condition holds); ``text`` is already folded."""

    today: dt.date
    soon: dt.date
    text: str | None = None
    state: str | None = None
    division: str | None = None
    officer: str | None = None
    workflow: str | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    due: str | None = None
    open_only: bool = False


def like_pattern(folded: str) -> str:
    """``%folded%`` with ``%``, ``_`` and ``!`` escaped (``ESCAPE '!'``)."""
    return "%" + folded.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%"


class DossierSearch:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    def _where(self, f: SearchFilter) -> tuple[str, list[Any]]:
        day = self.codec.day
        conds, params = ["1 = 1"], []
        if f.text:
            conds.append("d.search_text LIKE ? ESCAPE '!'")
            params.append(like_pattern(f.text))
        for column, value in (("d.state", f.state), ("d.division", f.division), ("d.officer", f.officer),
                              ("d.workflow_id", f.workflow)):
            if value:
                conds.append(f"{column} = ?")
                params.append(value)
        if f.received_from is not None:
            conds.append("d.received_on >= ?")
            params.append(day(f.received_from))
        if f.received_to is not None:
            conds.append("d.received_on <= ?")
            params.append(day(f.received_to))
        if f.open_only:
            conds.append("d.closed_at IS NULL")
        if f.due in DUE_CONDITIONS:
            cond, names = DUE_CONDITIONS[f.due]
            conds.append(cond)
            params.extend(day(f.today if n == "today" else f.soon) for n in names)
        return " AND ".join(conds), params

    def page(self, f: SearchFilter, sort: str, limit: int,
             offset: int) -> tuple[list[tuple[Dossier, StageClock | None]], int]:
        """One page of the matching dossiers, in the order ``sort`` names (a key of SORTS), and how many
        match in all. With a text, one pass over the rows gives both (``COUNT(*) OVER ()``: the ``LIKE``
        scan is the cost); without one, the count is its own statement over the indexes, and the page a
        top-N sort (a window would make the database keep every row before the limit)."""
        where, params = self._where(f)
        window = ", COUNT(*) OVER ()" if f.text else ""
        sql = (f"SELECT {m.columns('d', m.DOSSIER_COLS)}, {m.columns('c', m.CLOCK_COLS)}{window} "
               f"{FROM} WHERE {where} ORDER BY {SORTS.get(sort, SORTS['han'])} LIMIT ? OFFSET ?")
        rows = self.uow.execute(sql, (*params, limit, offset)).fetchall()
        n, k = len(m.DOSSIER_COLS), len(m.DOSSIER_COLS) + len(m.CLOCK_COLS)
        found = [(m.dossier(self.codec, r[:n]), m.clock(self.codec, r[n:k]) if r[n] is not None else None)
                 for r in rows]
        if window and rows:
            return found, int(rows[0][-1])
        return found, (self.count(f) if offset or len(found) == limit else len(found))

    def count(self, f: SearchFilter) -> int:
        """How many dossiers match (the clocks joined only when a due status is asked for)."""
        where, params = self._where(f)
        source = FROM if f.due else "FROM dossier d"
        return int(self.uow.execute(f"SELECT COUNT(*) {source} WHERE {where}", params).fetchone()[0])

    def by_status(self, f: SearchFilter) -> dict[str, int]:
        """How many of the matching dossiers are in each due status."""
        where, params = self._where(f)
        day = self.codec.day
        sql = f"SELECT {STATUS_SQL} AS s, COUNT(*) {FROM} WHERE {where} GROUP BY 1"
        rows = self.uow.execute(sql, (day(f.today), day(f.today), day(f.soon), *params)).fetchall()
        return {str(r[0]): int(r[1]) for r in rows}
