"""Finding dossiers: the search (text without accents, filters, due status, sort, pages with the
total), «Việc của tôi» (a person's open dossiers, most urgent first, with counters by due status)
and the rows of an export, as plain data for the pages, the API and the workbook.

What a person may see is asked of engine.services.access: a person whose role sees one division
searches that division only, whatever the filters say.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from ..domain import due_status as ds
from ..domain.calendar import UNIT_LABELS
from ..domain.clock import Clock, local_date
from ..domain.deadlines import StageClock
from ..domain.dossier import Dossier
from ..domain.errors import BadInput
from ..domain.folding import fold
from ..domain.org import UNASSIGNED, Person
from ..domain.roles import ALL, DIVISION, OWN
from ..runtime.rulebook import Rulebook
from ..store.database import Database
from ..store.search import SORTS, DossierSearch, SearchFilter
from .access import Access
from .search_choices import choices
from .search_query import SearchQuery

PAGE_SIZE = 50
#: the most rows an export writes
EXPORT_MAX = 10_000
SORT_LABELS = {"han": "Hạn gần nhất trước", "moi": "Mới tiếp nhận trước", "cu": "Tiếp nhận sớm nhất trước",
               "ma": "Mã hồ sơ", "ten": "Tên dự án"}
assert set(SORT_LABELS) == set(SORTS)


@dataclass
class DossierFinder:
    database: Database
    rules: Rulebook
    clock: Clock
    access: Access

    def today(self) -> dt.date:
        return local_date(self.clock.now())

    def _base(self, today: dt.date) -> SearchFilter:
        return SearchFilter(today=today, soon=ds.soon_until(today, self.rules.calendar))

    def row(self, d: Dossier, c: StageClock | None, names: dict[str, str], divisions: dict[str, str],
            today: dt.date) -> dict[str, Any]:
        """One dossier as a list shows it: its due status, due date and working days left."""
        cal = self.rules.calendar
        status = ds.status(c, today, cal, closed=d.closed_at is not None)
        left = ds.working_days_left(c, today, cal) if status != ds.CLOSED else None
        return {"code": d.code, "project_name": d.project_name, "investor": d.investor,
                "workflow": d.workflow_id, "workflow_title": self.rules.workflow_title(d.workflow_id),
                "state": d.state, "state_label": self.rules.state_label(d.workflow_id, d.state),
                "division": d.division, "division_name": divisions.get(d.division, d.division),
                "officer": d.officer, "officer_name": names.get(d.officer, d.officer) if d.officer else UNASSIGNED,
                "received_on": d.received_on.isoformat(),
                "stage_label": self.rules.stage_label(d.workflow_id, c.stage) if c else None,
                "due_date": c.due_date.isoformat() if c and c.due_date and status != ds.CLOSED else None,
                "unit_label": UNIT_LABELS[c.unit] if c else None,
                "status": status, "status_label": ds.LABELS[status], "working_days_left": left}

    def _run(self, f: SearchFilter, sort: str, limit: int, offset: int) -> dict[str, Any]:
        with self.database.reading() as uow:
            store = DossierSearch(uow)
            found, total = store.page(f, sort, limit, offset)
            names = uow.people.names()
            divisions = {x.code: x.name for x in uow.people.divisions()}
        rows = [self.row(d, c, names, divisions, f.today) for d, c in found]
        return {"rows": rows, "total": total}

    def search(self, q: SearchQuery, viewer: Person | None) -> dict[str, Any]:
        """One page of the dossiers ``viewer`` may see that match ``q``: rows, total, page, pages.

        Raises BadInput naming the field (``field``) of a filter that cannot be read, NotPermitted."""
        f, sort, page = self.filter_of(q, viewer)
        out = self._run(f, sort, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        pages = max(1, -(-out["total"] // PAGE_SIZE))
        if page > pages and out["total"]:
            raise BadInput(f"Trang {page} vượt quá số trang ({pages}).", hint="Chọn một trang trong danh sách.",
                           field="page")
        return {**out, "page": page, "pages": pages, "size": PAGE_SIZE, "sort": sort}

    def export(self, q: SearchQuery, viewer: Person | None) -> dict[str, Any]:
        """Every row of the result (at most EXPORT_MAX, ``truncated`` says when more matched)."""
        f, sort, _ = self.filter_of(q, viewer)
        out = self._run(f, sort, EXPORT_MAX + 1, 0)
        return {"rows": out["rows"][:EXPORT_MAX], "total": out["total"], "truncated": out["total"] > EXPORT_MAX}

    def filter_of(self, q: SearchQuery, viewer: Person | None) -> tuple[SearchFilter, str, int]:
        f = q.to_filter(self._base(self.today()))
        seen = self.access.seen_division(viewer)
        if seen is not None:
            if f.division not in (None, seen):
                raise BadInput(f"Chỉ xem được hồ sơ của phòng {seen}.", hint="Chọn phòng của mình.",
                               field="division")
            f = replace(f, division=seen)
        return f, q.sort_key(), q.page_number()

    def choices(self, viewer: Person | None) -> dict[str, list[dict[str, str]]]:
        """The options of the search's selects, as far as ``viewer`` sees."""
        return choices(self.database, self.rules, self.access, viewer, SORT_LABELS)

    # -- «Việc của tôi» ------------------------------------------------------------------------
    def work_scope(self, p: Person) -> tuple[str | None, str | None]:
        """The (division, officer) whose open dossiers are ``p``'s work: their own, their division's,
        or every dossier, as far as their role acts (roles.yaml, ``acts_on``)."""
        scope = self.access.roles.widest(p.roles, "acts_on")
        if scope == ALL:
            return None, None
        if scope == DIVISION and p.division:
            return p.division, None
        if scope == OWN or self.access.roles.any(p.roles, "holds_dossiers"):
            return None, p.id
        return None, p.id  # a role that acts on nothing: the dossiers held, if any (none)

    def my_work(self, p: Person, due: str | None = None, page: int = 1) -> dict[str, Any]:
        """``p``'s open dossiers, most urgent first, with the counters by due status on top."""
        if due is not None and due not in ds.ORDER:
            raise BadInput(f"Tình trạng hạn «{due}» không có.", field="due",
                           hint="Chọn một trong: " + ", ".join(ds.LABELS[x] for x in ds.ORDER) + ".")
        division, officer = self.work_scope(p)
        base = replace(self._base(self.today()), division=division, officer=officer, open_only=True)
        with self.database.reading() as uow:
            counts = DossierSearch(uow).by_status(base)
        out = self._run(replace(base, due=due), "han", PAGE_SIZE, (max(1, page) - 1) * PAGE_SIZE)
        counters = [{"status": s, "label": ds.LABELS[s], "count": counts.get(s, 0)} for s in ds.ORDER]
        total = sum(counts.get(s, 0) for s in ds.ORDER)
        return {"rows": out["rows"], "total": out["total"], "open": total, "counters": counters, "due": due,
                "page": max(1, page), "pages": max(1, -(-out["total"] // PAGE_SIZE)),
                "scope": "all" if division is None and officer is None else ("division" if division else "own")}


def fold_query(text: str | None) -> str | None:
    """A typed search text, folded as the store's column is (None when empty)."""
    return fold(text) or None
