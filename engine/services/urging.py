"""Urging (đôn đốc): a head's or the director's urge on a dossier (its officer in charge) or on an
officer directly, with its time and note, recorded in ``urge`` and mailed to the officer (the outbox
row is written in the same unit of work, and the urge names it).

Who may urge whom is asked of the access rules (``actions: urge`` of roles.yaml): heads their
division's dossiers and officers, the director all; an officer is refused, told who may.

An urge is not a row of the dossier's history (``dossier_event``): that history is the workflow's
acts, hash-chained and replayed by ``thamdinh verify``; an urge changes no state and no clock. The
dossier's view merges its urges into the timeline instead (``for_dossier``), and the boards read the
last urge of each dossier (``last_urges``).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..domain.actions import Target
from ..domain.blockers import URGE, Urge
from ..domain.caller import CHANNEL_LABELS, CLI, Via
from ..domain.clock import TZ, Clock
from ..domain.errors import BadInput, NotPermitted, UnknownPerson
from ..domain.org import Person
from ..runtime.rulebook import Rulebook
from ..store.blockers import BlockerStore
from ..store.database import Database, UnitOfWork
from .access import Access

if TYPE_CHECKING:  # the mail is rendered (jinja2) only by the commands that send it
    from notifications.outbox import Mailer


class Urging:
    def __init__(self, database: Database, rules: Rulebook, clock: Clock, access: Access, mailer: Mailer,
                 base_url: str) -> None:
        self.database, self.rules, self.clock, self.access = database, rules, clock, access
        self.mailer, self.base_url = mailer, base_url

    def _person(self, uow: UnitOfWork, person_id: str, what: str) -> Person:
        p = uow.people.get(person_id)
        if p is None or not p.active:
            raise UnknownPerson(f"Không có {what} «{person_id}» (hoặc đã thôi công tác) trong tổ chức.",
                                hint="Xem danh sách bằng: thamdinh org show")
        return p

    def _dossier(self, uow: UnitOfWork, code: str, officer: str | None) -> tuple[dict[str, Any], str]:
        d = uow.dossiers.get(code)
        state = self.rules.definition(d.workflow_id, d.workflow_version).state(d.state)
        if state.terminal:
            raise NotPermitted(f"Hồ sơ {d.code} đã kết thúc ({state.label}): không còn gì để đôn đốc.",
                               hint="Đôn đốc hồ sơ đang giải quyết, hoặc đôn đốc cán bộ (--officer).")
        if not d.officer:
            raise BadInput(f"Hồ sơ {d.code} chưa có chuyên viên thụ lý.", hint="Giao hồ sơ cho chuyên viên trước.")
        if officer is not None and officer != d.officer:
            raise BadInput(f"Hồ sơ {d.code} do «{d.officer}» thụ lý, không phải «{officer}».",
                           hint="Bỏ --officer để đôn đốc người đang thụ lý.")
        clock = next((c for c in uow.dossiers.clocks(d.id) if c.id == d.open_clock_id), None)
        info = {"id": d.id, "code": d.code, "name": d.project_name, "division": d.division,
                "state_label": state.label, "due_date": clock.due_date if clock else None,
                "link": f"{self.base_url.rstrip('/')}/ho-so/{quote(d.code, safe='')}"}
        return info, d.officer

    def urge(self, actor: str, code: str | None = None, officer: str | None = None, note: str | None = None,
             via: Via = CLI) -> dict[str, Any]:
        """Urge the officer of dossier ``code``, or ``officer``; mailed to them. Raises NotPermitted (an
        officer urging, a head urging another division's), BadInput, UnknownDossier, UnknownPerson."""
        cmd = Urge(actor=actor, code=code, officer=officer, note=note)
        now = self.clock.now()
        with self.database.unit_of_work() as uow:
            by = self._person(uow, cmd.actor, "cán bộ")
            dossier, target_id = self._dossier(uow, cmd.code, cmd.officer) if cmd.code else (None, cmd.officer)
            assert target_id is not None
            to = self._person(uow, target_id, "cán bộ")
            if to.id == by.id:
                raise BadInput("Không tự đôn đốc chính mình.", hint="Chọn hồ sơ hoặc cán bộ khác.")
            division = dossier["division"] if dossier else to.division
            what = f"hồ sơ {dossier['code']}" if dossier else f"cán bộ {to.name}"
            self.access.require_action(by, URGE, Target(division, frozenset(), what),
                                       lambda: [p for p in uow.people.all() if p.active])
            store = BlockerStore(uow)
            key = f"urge:{now.isoformat()}:{by.id}:{to.id}:{dossier['id'] if dossier else '-'}"
            context = {"recipient": {"id": to.id, "name": to.name}, "by": {"name": by.name,
                       "roles_label": self.access.roles.labels(by.roles)}, "at": now.astimezone(TZ),
                       "note": cmd.note, "dossier": dossier}
            self.mailer.queue(uow, key, "urge", to, "urge", context, dossier_id=dossier["id"] if dossier else None)
            urge_id = store.add_urge(dossier["id"] if dossier else None, to.id, by.id, now, cmd.note, via.channel,
                                     via.client, store.message_id(key))
            uow.commit()
        return {"id": urge_id, "dossier": dossier["code"] if dossier else None, "officer": to.id,
                "officer_name": to.name, "by": by.id, "by_name": by.name, "at": now.astimezone(TZ).isoformat(),
                "note": cmd.note, "emailed": to.email is not None, "channel": via.channel}

    # -- reads ----------------------------------------------------------------------------------------
    def for_dossier(self, code: str, limit: int = 100) -> list[dict[str, Any]]:
        """A dossier's urges, newest first, as its timeline shows them."""
        with self.database.reading() as uow:
            d = uow.dossiers.get(code)
            names = uow.people.names()
            rows = BlockerStore(uow).urges(dossier_id=d.id, limit=limit)
        return [urge_row(r, names) for r in rows]

    def of_officer(self, officer: str, limit: int = 100) -> list[dict[str, Any]]:
        with self.database.reading() as uow:
            names = uow.people.names()
            rows = BlockerStore(uow).urges(officer=officer, limit=limit)
        return [urge_row(r, names) for r in rows]

    def listed(self, viewer: Person, code: str | None = None, officer: str | None = None,
               limit: int = 100) -> list[dict[str, Any]]:
        """The API's list: a dossier's urges for whoever may see it, an officer's for the officer and
        whoever may urge them; raises NotPermitted, BadInput, UnknownDossier."""
        if (code is None) == (officer is None):
            raise BadInput("Ghi đúng một trong hai: mã hồ sơ (code) hoặc cán bộ (officer).", hint="Vd. ?code=HS-01")
        with self.database.reading() as uow:
            if code is not None:
                self.access.require_see(viewer, uow.dossiers.get(code))
            else:
                assert officer is not None
                target = self._person(uow, officer, "cán bộ")
                if target.id != viewer.id:
                    self.access.require_action(viewer, URGE, Target(target.division, frozenset(),
                                                                    f"cán bộ {target.name}"),
                                               lambda: [p for p in uow.people.all() if p.active])
        return self.for_dossier(code, limit) if code is not None else self.of_officer(str(officer), limit)

    def last_urges(self, dossier_ids: list[int]) -> dict[int, dict[str, Any]]:
        """For the boards: the last urge of each dossier that has one (time, by whom, note)."""
        with self.database.reading() as uow:
            names = uow.people.names()
            found = BlockerStore(uow).last_urges(dossier_ids)
        return {k: {"at": at.astimezone(TZ).isoformat(), "by": by, "by_name": names.get(by, by), "note": note}
                for k, (at, by, note) in found.items()}


def urge_row(r: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """An urge as the dossier's timeline shows it."""
    at: dt.datetime = r["at"]
    return {"id": r["id"], "kind": "urge", "dossier": r["code"], "at": at.astimezone(TZ).isoformat(),
            "officer": r["officer"], "officer_name": names.get(r["officer"], r["officer"]), "by": r["by_person"],
            "by_name": names.get(r["by_person"], r["by_person"]), "note": r["note"], "channel": r["channel"],
            "channel_label": CHANNEL_LABELS.get(r["channel"] or "", "—")}
