"""The boards: a head's division board and the director's department board, as plain data.

The division board lists the division's open dossiers that need the head: overdue, due within the
due-soon threshold (working days), and paused past the investor's answer window (the dossier's rule
version, ``supplement_answer``); then each officer's load (open, overdue, due soon, paused) and this
month's on-time share (stages finished early or on time over those judged, more than one supplement
request counting as late, as the metrics count them). The department board gives the same per
division, with the month's figures (received, finished, early, on time, late). Who may open which
board is ``Access.board_division`` and ``Access.require_department_board`` (the roles' ``acts_on``); hand-over is the
workflow's assigning event (``assigns_officer``), fired through ``DossierWrites`` like any other act.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain import text
from ..domain.alert_rules import answer_cutoff, answer_deadline, answer_overdue_on
from ..domain.calendar import UNIT_LABELS
from ..domain.caller import Via
from ..domain.clock import Clock, local_date
from ..domain.commands import Fire
from ..domain.errors import BadInput
from ..domain.org import UNASSIGNED, Person
from ..domain.roles import ALL
from ..domain.workflow import AlertThresholds, WorkflowDef
from ..runtime.rulebook import Rulebook
from ..store.database import Database
from ..store.read_boards import BLOCKER_NAMES, MONTH_NAMES, OPEN_NAMES, BoardQueries
from .access import Access

#: rows of each list of the division board
LIST_LIMIT = 100
DUE_SOON = AlertThresholds().due_soon


def share(n: int, d: int) -> float | None:
    return n / d if d else None


@dataclass
class Boards:
    database: Database
    rules: Rulebook
    clock: Clock
    access: Access
    fire: Callable[[Fire, Via], dict[str, Any]]
    #: the last urge of each dossier (engine/services/urging.py): ids → {at, by, by_name, note}
    last_urges: Callable[[list[int]], dict[int, dict[str, Any]]] = lambda ids: {}
    #: the unresolved blockers of each dossier (engine/services/blockers.py): ids → [{cause_label, …}]
    open_blockers: Callable[[list[int]], dict[int, list[dict[str, Any]]]] = lambda ids: {}

    def today(self) -> dt.date:
        return local_date(self.clock.now())

    def _wf(self, workflow: str, version: int) -> WorkflowDef | None:
        try:
            return self.rules.definition(workflow, version)
        except Exception:  # a version no file defines any more: the row still shows, unlabelled
            return self.rules.workflows.get(workflow)

    def _row(self, r: dict[str, Any], today: dt.date, names: dict[str, str], viewer: Person) -> dict[str, Any]:
        cal, wf = self.rules.calendar, self._wf(r["workflow"], r["workflow_version"])
        due = r["due_date"]
        handover = [e for e in (wf.assigning_events() if wf else [])
                    if viewer.roles & wf.events[e].roles  # type: ignore[union-attr]
                    and any(r["state"] in t.sources for t in wf.events[e].transitions)]  # type: ignore[union-attr]
        return {**r, "state_label": wf.state(r["state"]).label if wf and r["state"] in wf.states else r["state"],
                "stage_label": wf.stage_label(r["stage"]) if wf else r["stage"],
                "officer_name": names.get(r["officer"], r["officer"]) if r["officer"] else UNASSIGNED,
                "unit_label": UNIT_LABELS.get(r["unit"], r["unit"]),
                "overdue_by": cal.units_between(due, today, r["unit"]) if due and due < today else 0,
                "remaining": cal.units_between(today, due, r["unit"]) if due and due >= today else None,
                "due_date": due.isoformat() if due else None,
                "paused_on": r["paused_on"].isoformat() if r["paused_on"] else None,
                "handover_event": handover[0] if handover else None}

    def _past_window(self, q: BoardQueries, today: dt.date, division: str | None) -> list[dict[str, Any]]:
        """Paused clocks whose investor let the answer window of the dossier's rule version run out."""
        cal = self.rules.calendar
        cutoff = answer_cutoff(self.rules.answer_windows(), today, cal)
        if cutoff is None:
            return []
        out = []
        for r in q.paused_since(cutoff, division):
            wf = self._wf(r["workflow"], r["workflow_version"])
            rule = wf.find_rule(r["rule_version"]) if wf else None
            window = rule.supplement_answer if rule else None
            if window is None or r["paused_on"] is None or answer_overdue_on(r["paused_on"], window, cal) > today:
                continue
            last = answer_deadline(r["paused_on"], window, cal)
            out.append({**r, "answer_by": last, "answer_late_by": cal.units_between(last, today, window.unit),
                        "answer_unit": window.unit})
        return out

    def division_board(self, viewer: Person, division: str | None = None) -> dict[str, Any]:
        """The board of ``division`` (a head: their own); raises NotPermitted, BadInput."""
        asked = text.clean(division, "mã phòng", limit=text.CODE_MAX) or None
        chosen = self.access.board_division(viewer, asked)
        today = self.today()
        soon = self.rules.calendar.add_working_days(today, DUE_SOON)
        with self.database.reading() as uow:
            divisions = uow.people.divisions()
            base = {"today": today.isoformat(), "month_start": today.replace(day=1).isoformat(),
                    "due_soon_days": DUE_SOON, "divisions": [{"code": d.code, "name": d.name} for d in divisions],
                    "division": chosen, "may_choose": self.access.roles.widest(viewer.roles, "acts_on") == ALL}
            if chosen is None:
                return {**base, "chosen": False}
            found = next((d for d in divisions if d.code == chosen), None)
            if found is None:
                raise BadInput(f"Không có phòng «{chosen}».",
                               hint="Các phòng: " + ", ".join(d.code for d in divisions) + ".")
            q = BoardQueries(uow)
            load, month = q.load(today, soon, chosen), q.month(today.replace(day=1), today, chosen)
            overdue, due_soon = q.overdue(chosen, today, LIST_LIMIT), q.due_soon(chosen, today, soon, LIST_LIMIT)
            paused = self._past_window(q, today, chosen)
            people = uow.people.all()
        names = {p.id: p.name for p in people}
        holders = self.access.holders(people, chosen, None)

        ids = [r["dossier_id"] for r in (*overdue, *due_soon, *paused[:LIST_LIMIT])]
        urged, blocked = self.last_urges(ids), self.open_blockers(ids)

        def rows(found_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [{**self._row(r, today, names, viewer), "last_urge": urged.get(r["dossier_id"]),
                     "blockers": blocked.get(r["dossier_id"], []),
                     "handover_to": [{"id": p.id, "name": p.name} for p in holders if p.id != r["officer"]]}
                    for r in found_rows]

        totals = {k: sum(v[k] for v in load.values()) for k in OPEN_NAMES}
        return {**base, "chosen": True, "division_name": found.name, "overdue": rows(overdue),
                "due_soon": rows(due_soon), "paused_past_window": rows(paused[:LIST_LIMIT]),
                "paused_past_window_count": len(paused), "totals": totals,
                "officers": _officers(holders, load, month, names)}

    def handover(self, viewer: Person, code: str, officer: str, via: Via, *, note: str | None = None,
                 expected_version: int | None = None) -> dict[str, Any]:
        """Hand the dossier to ``officer`` with its workflow's assigning event (``assigns_officer``) for its
        state; the access rules and the workflow decide as for any act (NotPermitted, Refused, BadInput)."""
        if not officer.strip():
            raise BadInput("Cần chọn cán bộ nhận hồ sơ.", hint="Chọn một cán bộ của phòng trong danh sách.")
        with self.database.reading() as uow:
            d = uow.dossiers.get(text.code(code))
        wf = self.rules.definition(d.workflow_id, d.workflow_version)
        events = [e for e in wf.assigning_events() if any(d.state in t.sources for t in wf.events[e].transitions)]
        if not events:
            raise BadInput(f"Hồ sơ {d.code} đang «{wf.state(d.state).label}»: không giao cho cán bộ khác được.",
                           hint="Chỉ hồ sơ chưa kết thúc mới giao được.")
        return self.fire(Fire(code=d.code, event=events[0], actor=viewer.id, note=note or None,
                              expected_version=expected_version, officer=officer), via)

    def department_board(self, viewer: Person) -> dict[str, Any]:
        """Every division's counts and the month's figures; the director's (raises NotPermitted)."""
        self.access.require_department_board(viewer)
        today = self.today()
        start, soon = today.replace(day=1), self.rules.calendar.add_working_days(today, DUE_SOON)
        with self.database.reading() as uow:
            q = BoardQueries(uow)
            load, month, received = q.load(today, soon, None), q.month(start, today, None), q.received(start, today)
            past = self._past_window(q, today, None)
            blockers = q.blockers(start)
            divisions = uow.people.divisions()
            people = uow.people.all()
        holding = {p.division for p in people if p.active and self.access.roles.any(p.roles, "holds_dossiers")}
        past_by: dict[str, int] = {}
        for r in past:
            past_by[r["division"]] = past_by.get(r["division"], 0) + 1
        rows = []
        active = holding | {*load, *month, *received, *blockers}
        for d in divisions:
            if d.code not in active:
                continue  # the office, say: nobody there appraises
            rows.append(_figures({"code": d.code, "name": d.name}, load.get(d.code), month.get(d.code),
                                 received=received.get(d.code, 0), past=past_by.get(d.code, 0)))
            rows[-1]["blockers"] = {k: blockers.get(d.code, {}).get(k, 0) for k in BLOCKER_NAMES}
        keys = (*OPEN_NAMES, *MONTH_NAMES, "received", "paused_past_window")
        total = {k: sum(r[k] for r in rows) for k in keys}
        total["on_time_share"] = share(total["early"] + total["on_time"], total["judged"])
        total["blockers"] = {k: sum(r["blockers"][k] for r in rows) for k in BLOCKER_NAMES}
        return {"today": today.isoformat(), "month_start": start.isoformat(), "month": f"{today:%Y-%m}",
                "due_soon_days": DUE_SOON, "divisions": rows, "total": total}


def _figures(head: dict[str, Any], load: dict[str, int] | None, month: dict[str, int] | None, **extra: int
             ) -> dict[str, Any]:
    out: dict[str, Any] = {**head, **{k: (load or {}).get(k, 0) for k in OPEN_NAMES},
                           **{k: (month or {}).get(k, 0) for k in MONTH_NAMES}}
    out.update(extra)
    out["paused_past_window"] = extra.get("past", 0)
    out.pop("past", None)
    out["on_time_share"] = share(out["early"] + out["on_time"], out["judged"])
    return out


def _officers(holders: list[Person], load: dict[str | None, dict[str, int]],
              month: dict[str | None, dict[str, int]], names: dict[str, str]) -> list[dict[str, Any]]:
    """Each holder of the division, and anyone else still holding its dossiers (left, moved)."""
    ids = [p.id for p in holders] + sorted(k for k in {*load, *month} if k and k not in {p.id for p in holders})
    out = [_figures({"id": pid, "name": names.get(pid, pid)}, load.get(pid), month.get(pid)) for pid in ids]
    if None in load:
        out.append(_figures({"id": None, "name": UNASSIGNED}, load.get(None), None))
    return out
