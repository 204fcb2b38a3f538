"""Blockers (khó khăn, vướng mắc): raise on a dossier or a project, take into handling, resolve, list;
every change a ``blocker_update`` row with its person, channel and client, in the same unit of work.

Who may raise, handle and resolve is asked of the access rules (``actions:`` of roles.yaml) with the
blocker's target: its division and whose it is (the officer holding the dossier, the one who raised
it). A blocker on a closed dossier is refused (raise it on the project instead). The labels and the
escalation threshold are data (``workflows/blockers.yaml``); ``view`` says a blocker in Vietnamese with
its working days open and the day it goes (or went) to the director.
"""

from __future__ import annotations

import builtins
import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from ..domain import blockers as b
from ..domain.actions import Target
from ..domain.caller import CLI, Via
from ..domain.clock import TZ, Clock, local_date
from ..domain.errors import BadInput, ConflictError, NotPermitted, UnknownPerson
from ..domain.org import Person
from ..runtime.rulebook import Rulebook
from ..store.blockers import BlockerFilter, BlockerRecord, BlockerStore
from ..store.database import Database, UnitOfWork
from .access import Access

LIST_MAX = 10000
#: each dossier's unresolved blockers, for the boards (``list`` is a method of ``Blockers``)
OpenOn = dict[int, list[dict[str, Any]]]


def _not_found(blocker_id: int) -> BadInput:
    return BadInput(f"Không có vướng mắc số {blocker_id}.", hint="Xem danh sách bằng: thamdinh blocker list")


class Blockers:
    def __init__(self, database: Database, rules: Rulebook, clock: Clock, access: Access,
                 policy: b.BlockerPolicy) -> None:
        self.database, self.rules, self.clock, self.access, self.policy = database, rules, clock, access, policy

    # -- who and what ---------------------------------------------------------------------------------
    def _actor(self, uow: UnitOfWork, actor: str) -> Person:
        p = uow.people.get(actor)
        if p is None or not p.active:
            raise UnknownPerson(f"Không có cán bộ «{actor}» (hoặc đã thôi công tác) trong tổ chức.",
                                hint="Xem danh sách bằng: thamdinh org show")
        return p

    def _people(self, uow: UnitOfWork) -> Callable[[], Iterable[Person]]:
        return lambda: [p for p in uow.people.all() if p.active]

    def _target(self, r: BlockerRecord) -> Target:
        what = f"số {r.id} " + (f"của hồ sơ {r.dossier_code}" if r.dossier_code else
                                          f"của dự án {r.project_code}")
        return Target(r.division, frozenset(x for x in (r.dossier_officer, r.raised_by) if x), what)

    def may(self, p: Person, view: dict[str, Any]) -> dict[str, bool]:
        """What ``p`` may do now with the blocker ``view`` (as ``view`` gives it): take it into handling,
        resolve it; for the forms a page shows (the services ask the same rules again)."""
        target = Target(view["division"], frozenset(x for x in (view["dossier_officer"], view["raised_by"]) if x))
        moves = b.NEXT.get(view["state"], ())
        return {"handle": view["state"] == b.OPEN and self.access.may_take(p, b.HANDLE, target),
                "resolve": b.RESOLVED in moves and self.access.may_take(p, b.RESOLVE, target)}

    def _where(self, uow: UnitOfWork, cmd: b.RaiseBlocker, p: Person) -> tuple[dict[str, Any], Target]:
        if cmd.code is not None:
            d = uow.dossiers.get(cmd.code)
            state = self.rules.definition(d.workflow_id, d.workflow_version).state(d.state)
            target = Target(d.division, frozenset({d.officer} if d.officer else ()), f"trên hồ sơ {d.code}")
            if state.terminal:
                who = [q.name for q in self._people(uow)() if self.access.may_take(q, b.RAISE, Target(d.division))]
                raise NotPermitted(f"Hồ sơ {d.code} đã kết thúc ({state.label}): không nêu vướng mắc trên hồ sơ này.",
                                   hint="Nếu dự án còn khó khăn, nêu vướng mắc trên dự án (--project MÃ_DỰ_ÁN)"
                                        + (f"; người nêu được: {', '.join(who[:4])}." if who else "."))
            return {"dossier_id": d.id, "project_id": uow_project(uow, d.id), "division": d.division}, target
        assert cmd.project is not None
        found = BlockerStore(uow).project(cmd.project)
        if found is None:
            raise BadInput(f"Không có dự án «{cmd.project}».", hint="Kiểm tra mã dự án.")
        division = found[3] or p.division or ""
        return ({"dossier_id": None, "project_id": found[0], "division": division},
                Target(division, frozenset(), f"trên dự án {found[1]}"))

    # -- acts -----------------------------------------------------------------------------------------
    def raise_(self, cmd: b.RaiseBlocker, via: Via = CLI) -> dict[str, Any]:
        """Raise a blocker; returns its view. Raises NotPermitted, BadInput, UnknownDossier."""
        now = self.clock.now()
        today = local_date(now)
        raised_on = cmd.raised_on or today
        assert isinstance(raised_on, dt.date)
        if raised_on > today:
            raise BadInput(f"Ngày nêu vướng mắc {raised_on:%d/%m/%Y} ở tương lai.", hint="Bỏ ngày để lấy hôm nay.")
        with self.database.unit_of_work() as uow:
            p = self._actor(uow, cmd.actor)
            where, target = self._where(uow, cmd, p)
            self.access.require_action(p, b.RAISE, target, self._people(uow))
            store = BlockerStore(uow)
            new_id = store.add({**where, "cause": cmd.cause, "description": cmd.description,
                                "addressed_to": cmd.addressed_to, "addressee": cmd.addressee,
                                "cause_on": cmd.cause_on, "raised_on": raised_on, "raised_by": p.id}, now)
            store.log(new_id, now, p.id, None, b.OPEN, cmd.description, via.channel, via.client)
            record = store.get(new_id)
            assert record is not None
            view = self.view(uow, record, today)
            uow.commit()
        return view

    def _move(self, blocker_id: int, actor: str, action: str, to: str, note: str | None, via: Via,
              expected: int | None, resolved_on: dt.date | None = None) -> dict[str, Any]:
        now = self.clock.now()
        with self.database.unit_of_work() as uow:
            store = BlockerStore(uow)
            r = store.get(blocker_id)
            if r is None:
                raise _not_found(blocker_id)
            p = self._actor(uow, actor)
            self.access.require_action(p, action, self._target(r), self._people(uow))
            b.check_move(r.state, to, r.id, self.policy.states)
            if expected is not None and expected != r.version:
                raise ConflictError(f"Vướng mắc số {r.id} vừa được người khác cập nhật.", hint="Xem lại rồi làm tiếp.")
            if resolved_on is not None and resolved_on < r.raised_on:
                raise BadInput(f"Ngày giải quyết {resolved_on:%d/%m/%Y} trước ngày nêu {r.raised_on:%d/%m/%Y}.",
                               hint="Kiểm tra lại ngày giải quyết.")
            if not store.change(r, to, now, note if to == b.RESOLVED else None, resolved_on):
                raise ConflictError(f"Vướng mắc số {r.id} vừa được người khác cập nhật.", hint="Xem lại rồi làm tiếp.")
            store.log(r.id, now, p.id, r.state, to, note, via.channel, via.client)
            changed = store.get(r.id)
            assert changed is not None
            view = self.view(uow, changed, local_date(now))
            uow.commit()
        return view

    def update(self, cmd: b.UpdateBlocker, via: Via = CLI) -> dict[str, Any]:
        """Take a blocker into handling (or add a note to one being handled)."""
        return self._move(cmd.blocker_id, cmd.actor, b.HANDLE, b.HANDLING, cmd.note, via, cmd.expected_version)

    def resolve(self, cmd: b.ResolveBlocker, via: Via = CLI) -> dict[str, Any]:
        """Resolve a blocker with its resolution and day (default today; not in the future)."""
        today = local_date(self.clock.now())
        day = cmd.resolved_on or today
        assert isinstance(day, dt.date)
        if day > today:
            raise BadInput(f"Ngày giải quyết {day:%d/%m/%Y} ở tương lai.", hint="Bỏ ngày để lấy hôm nay.")
        return self._move(cmd.blocker_id, cmd.actor, b.RESOLVE, b.RESOLVED, cmd.resolution, via,
                          cmd.expected_version, day)

    # -- reads ----------------------------------------------------------------------------------------
    def list(self, *, state: str | None = None, division: str | None = None, code: str | None = None,
             project: str | None = None, open_only: bool = False, limit: int = 500,
             viewer: Person | None = None) -> list[dict[str, Any]]:
        """Blockers ``viewer`` may see (their division's; all for the director and the console)."""
        if state is not None and state not in b.STATES:
            raise BadInput(f"Trạng thái «{state}» không hợp lệ.", hint="Chọn: " + ", ".join(b.STATES) + ".")
        if not 1 <= limit <= LIST_MAX:
            raise BadInput(f"Giới hạn {limit} nằm ngoài 1–{LIST_MAX}.", hint=f"Dùng từ 1 đến {LIST_MAX}.")
        seen = self.access.seen_division(viewer)
        if seen is not None and division not in (None, "", seen):
            raise NotPermitted(f"Chỉ xem được vướng mắc của phòng {seen}.", hint="Bỏ điều kiện lọc theo phòng khác.")
        today = local_date(self.clock.now())
        with self.database.reading() as uow:
            store = BlockerStore(uow)
            dossier_id = uow.dossiers.get(code).id if code else None
            project_id = None
            if project:
                found = store.project(project)
                if found is None:
                    raise BadInput(f"Không có dự án «{project}».", hint="Kiểm tra mã dự án.")
                project_id = found[0]
            states = (state,) if state else (b.UNRESOLVED if open_only else ())
            rows = store.find(BlockerFilter(states, seen or division or None, dossier_id, project_id), limit)
            return [self.view(uow, r, today, history=False) for r in rows]

    def get(self, blocker_id: int, viewer: Person | None = None) -> dict[str, Any]:
        with self.database.reading() as uow:
            r = BlockerStore(uow).get(blocker_id)
            if r is None:
                raise _not_found(blocker_id)
            seen = self.access.seen_division(viewer)
            if seen is not None and r.division != seen:
                raise NotPermitted(f"Vướng mắc số {r.id} thuộc phòng {r.division}.",
                                   hint="Cán bộ của phòng đó và Giám đốc xem được.")
            return self.view(uow, r, local_date(self.clock.now()))

    def open_on(self, dossier_ids: builtins.list[int]) -> OpenOn:
        """For the boards: each dossier's unresolved blockers (cause, description, state, working days open,
        whether the director was told), the oldest first; dossiers without one are left out."""
        today, cal, pol = local_date(self.clock.now()), self.rules.calendar, self.policy
        with self.database.reading() as uow:
            rows = BlockerStore(uow).open_on(dossier_ids)
        out: OpenOn = {}
        for dossier_id, bid, cause, description, state, raised_on, escalated in rows:
            out.setdefault(int(dossier_id), []).append({
                "id": bid, "cause_label": pol.cause_label(cause), "description": description,
                "state_label": pol.state_label(state), "working_days_open": b.working_days_open(cal, raised_on, today),
                "escalated": escalated is not None})
        return out

    def view(self, uow: UnitOfWork, r: BlockerRecord, today: dt.date, history: bool = True) -> dict[str, Any]:
        cal, pol = self.rules.calendar, self.policy
        until = r.resolved_on or today
        out: dict[str, Any] = {"id": r.id, "dossier": r.dossier_code, "project": r.project_code, "division": r.division,
               "cause": r.cause, "cause_label": pol.cause_label(r.cause), "description": r.description,
               "addressed_to": r.addressed_to, "addressed_to_label": pol.addressee_label(r.addressed_to),
               "addressee": r.addressee, "dossier_officer": r.dossier_officer,
               "cause_on": r.cause_on.isoformat() if r.cause_on else None,
               "raised_on": r.raised_on.isoformat(), "raised_by": r.raised_by,
               "state": r.state, "state_label": pol.state_label(r.state), "resolution": r.resolution,
               "resolved_on": r.resolved_on.isoformat() if r.resolved_on else None,
               "working_days_open": b.working_days_open(cal, r.raised_on, until),
               "escalation_day": b.escalation_day(cal, r.raised_on, pol.escalate_after).isoformat(),
               "escalated_at": r.escalated_at.astimezone(TZ).isoformat() if r.escalated_at else None,
               "version": r.version}
        if history:
            out["updates"] = [{**u, "at": u["at"].astimezone(TZ).isoformat(),
                               "to_label": pol.state_label(u["to_state"])} for u in BlockerStore(uow).updates(r.id)]
        return out


def uow_project(uow: UnitOfWork, dossier_id: int) -> int | None:
    """The project a dossier belongs to, if any (a blocker on a dossier names it too)."""
    return BlockerStore(uow).dossier_project(dossier_id)
