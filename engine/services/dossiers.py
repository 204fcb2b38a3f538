"""Receiving dossiers and firing events: the write use cases.

A walk of ``thamdinh fire CODE accept``: the entry point builds a ``Fire`` command; ``fire`` opens a
unit of work, reads the dossier, its open clock and the actor, checks the time, asks the runtime for
the step, records it through the dossier repository and commits. Anything raised on the way rolls the
unit of work back: nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain import requirements
from ..domain.caller import CLI, Via
from ..domain.clock import Clock
from ..domain.commands import Fire, FireMany, Receive
from ..domain.contact import InvestorContact
from ..domain.dossier import Dossier, DossierState
from ..domain.errors import BadInput, ConflictError, IllegalTransition, ThamdinhError, UnknownPerson
from ..domain.events import compact
from ..domain.org import Person
from ..domain.workflow import EventDef, WorkflowDef
from ..runtime.rulebook import Rulebook
from ..runtime.step import DossierSnapshot
from ..store.database import Database, UnitOfWork
from ..store.dossiers import Act, duplicate
from . import sealed, timing
from .access import Access

SYSTEM_ACTOR = "system"


def _unknown_person(who: str) -> UnknownPerson:
    return UnknownPerson(f"Không có cán bộ «{who}» (hoặc đã thôi công tác) trong tổ chức.",
                         hint="Xem danh sách bằng: thamdinh org show")


def snapshot(d: Dossier | DossierState) -> DossierSnapshot:
    return DossierSnapshot(d.state, d.fields, d.resume_state, d.counters, d.supplement_requests)


@dataclass
class DossierWrites:
    database: Database
    rules: Rulebook
    clock: Clock
    access: Access

    # -- receive -------------------------------------------------------------------------------
    def receive(self, cmd: Receive, via: Via = CLI, contact: InvestorContact | None = None) -> str:
        """Receive a dossier in one unit of work, with the investor's contact when given; returns its code."""
        with self.database.unit_of_work() as uow:
            dossier_id = self.receive_in(uow, cmd, via)
            if contact is not None:
                uow.contacts.add(dossier_id, contact)
            uow.commit()
        return cmd.code

    def _person(self, uow: UnitOfWork, who: str | None) -> Person | None:
        """The acting person (None: the system, at the server's console); raises UnknownPerson."""
        if who is None or who == SYSTEM_ACTOR:
            return None
        person = uow.people.get(who)
        if person is None or not person.active:
            raise _unknown_person(who)
        return person

    def receive_in(self, uow: UnitOfWork, cmd: Receive, via: Via = CLI) -> int:
        """Create the dossier, start its first stage clock, record the receipt; returns its id."""
        cw = self.rules.compiled(cmd.workflow)
        wf = cw.wf
        if uow.people.division(cmd.division) is None:
            raise BadInput(f"Không có phòng «{cmd.division}».",
                           hint="Kiểm tra mã phòng, hoặc nạp tổ chức bằng: thamdinh org load TỆP.yaml")
        receiver = self._person(uow, cmd.actor)
        self.access.require_receive(receiver)
        if cmd.officer is not None:
            self.access.require_holder(uow.people.get(cmd.officer), cmd.officer, cmd.division)
        if uow.dossiers.exists(cmd.code):
            raise duplicate(cmd.code)
        when, day = timing.when(cmd.when, self.clock, self.rules.calendar)
        now = self.clock.now()
        correction = (sealed.correction_of(uow, self.access, receiver, day, now, cmd.correction)
                      if sealed.needs_check(cmd.when, day, now, cmd.correction) else None)
        rule = wf.rule_for(day)
        fields = {"group": cmd.group, "grade": cmd.grade, "capital_source": cmd.capital_source,
                  "division": cmd.division, "officer": cmd.officer}
        step = cw.receive(fields, rule, day, self.rules.calendar)
        values: dict[str, Any] = {
            "code": cmd.code, "project_name": cmd.name, "investor": cmd.investor, "project_group": cmd.group,
            "grade": cmd.grade, "capital_source": cmd.capital_source, "division": cmd.division,
            "officer": cmd.officer, "workflow_id": wf.id, "workflow_version": wf.version, "rule_version": rule.id,
            "state": step.to_state, "counters": {}, "supplement_requests": 0, "received_on": day,
            "received_at": when, "last_event_at": when, "version": 1,
            "intake_channel": cmd.intake_channel}
        dossier_id = uow.dossiers.create(values)
        dims = {"division": cmd.division, "officer": cmd.officer, "workflow_id": wf.id}
        uow.dossiers.record_receipt(dossier_id, dims, step, Act(cmd.code, cmd.actor or SYSTEM_ACTOR, when, day,
                                                                now, cmd.note, via, correction))
        return dossier_id

    # -- fire ----------------------------------------------------------------------------------
    def fire(self, cmd: Fire, via: Via = CLI) -> dict[str, Any]:
        """Fire one event in one unit of work.

        Raises UnknownDossier, UnknownPerson, UnknownEvent, NotPermitted, IllegalTransition,
        GuardFailed, TimeOrderError, NonWorkingDay, BadInput, or ConflictError if another edit won.
        """
        with self.database.unit_of_work() as uow:
            result = self.fire_in(uow, cmd, via)
            uow.commit()
        return result

    def fire_in(self, uow: UnitOfWork, cmd: Fire, via: Via = CLI) -> dict[str, Any]:
        d, open_clock, n_clocks, actor = uow.dossiers.for_fire(cmd.code, cmd.actor)
        if actor is None or not actor.active:
            raise _unknown_person(cmd.actor)
        if cmd.expected_version is not None and cmd.expected_version != d.version:
            raise ConflictError(
                f"Hồ sơ «{d.code}» vừa được người khác cập nhật (phiên bản {d.version}, "
                f"bạn đang xem phiên bản {cmd.expected_version}).",
                hint="Tải lại hồ sơ rồi thực hiện lại nếu vẫn cần.")
        when, day = timing.when(cmd.when, self.clock, self.rules.calendar)
        timing.not_before(when, d.last_event_at)
        cw = self.rules.compiled(d.workflow_id, d.workflow_version)
        edef = cw.event(cmd.event)
        now = self.clock.now()
        correction = (sealed.correction_of(uow, self.access, actor, day, now, cmd.correction)
                      if sealed.needs_check(cmd.when, day, now, cmd.correction) else None)
        if correction is None:  # a correction into an issued month is the director's, whatever the event
            self.access.require_act(actor, d, edef, lambda: uow.people.all())  # the people only for a refusal
        requirements.check(edef.label, edef.requires, cmd.note)  # a reason, what is missing: every channel
        if edef.follows is not None:  # an approval needs its draft: one more read, for it alone
            self._require_follows(d, cw.wf, edef, [e.event for e in uow.dossiers.history(d.id)])
        if edef.assigns_officer and cmd.officer is not None:
            self.access.require_holder(uow.people.get(cmd.officer), cmd.officer, d.division, d.officer)
        step = cw.fire(snapshot(d), cmd.event, cw.wf.rule(d.rule_version), open_clock, day, self.rules.calendar,
                       n_clocks + 1, cmd.officer)
        # a handover is its event (DossierHandedOver, said with the officers' names); the note keeps what was typed
        version = uow.dossiers.record(d, step, Act(d.code, actor.id, when, day, now, cmd.note, via, correction),
                                      open_clock)
        return {"code": d.code, "workflow": d.workflow_id, "event": cmd.event, "from": step.from_state,
                "to": step.to_state, "version": version, "clock_effect": compact(step.events),
                "officer": step.after.officer}

    def _require_follows(self, d: Dossier | DossierState, wf: WorkflowDef, edef: EventDef, done: list[str]) -> None:
        """Raise IllegalTransition unless ``edef``, which answers another (``follows``: the apology's approval
        its head's draft), finds that other one taken since its own last time (``done``: the history)."""
        assert edef.follows is not None
        if requirements.follows_met(edef.name, edef.follows, done):
            return
        first = wf.events[edef.follows]
        raise IllegalTransition(
            f"Không «{edef.label}» được: hồ sơ {d.code} chưa có «{first.label}» nào đang chờ "
            + ("duyệt (lần trước đã duyệt)." if edef.name in done else "duyệt."),
            hint=f"«{first.label}» trước ({self.access.roles.labels(first.roles)}), rồi mới «{edef.label}».",
            event=edef.name, state=d.state)

    # -- many dossiers at once -----------------------------------------------------------------
    def fire_many(self, cmd: FireMany, via: Via = CLI) -> dict[str, Any]:
        """Fire ``cmd.event`` on every open dossier that matches, in one unit of work: all or none,
        the first refusal named with its dossier. A dry run does it all and does not commit, so the
        result is exactly what would happen.

        For instance the transition of Law 135/2025: the department stops and returns the
        post-basic-design dossiers pending on 01/7/2026 (``return`` on ``post-basic-design`` received
        before that day).
        """
        if cmd.workflow is not None:
            self.rules.latest(cmd.workflow)  # raises UnknownWorkflow with the list
        known = {st for (wid, _), wf in self.rules.definitions.items() if cmd.workflow in (None, wid)
                 for st in wf.states}
        unknown = [st for st in cmd.states if st not in known]
        if unknown:
            raise BadInput(f"Không có trạng thái «{unknown[0]}».", hint="Các trạng thái: " + ", ".join(sorted(known)))
        fired: list[dict[str, Any]] = []
        with self.database.unit_of_work() as uow:
            actor = self._person(uow, cmd.actor)
            if actor is None:
                raise _unknown_person(cmd.actor)
            division = self.access.fire_many_division(actor, cmd.division)
            for code in uow.dossiers.open_codes(workflow=cmd.workflow, division=division, states=cmd.states,
                                                received_before=cmd.before):
                try:
                    r = self.fire_in(uow, cmd.one(code), via)
                except ThamdinhError as exc:
                    exc.message = f"Hồ sơ {code}: {exc.message}"
                    exc.hint = ((exc.hint or "") + " Không hồ sơ nào được cập nhật.").strip()
                    raise
                wid = r["workflow"]
                fired.append({"code": code, "from": r["from"], "to": r["to"],
                              "from_label": self.rules.state_label(wid, r["from"]),
                              "to_label": self.rules.state_label(wid, r["to"]),
                              "event_label": self.rules.event_label(wid, cmd.event)})
            if not cmd.dry_run:
                uow.commit()
        labels = sorted({d["event_label"] for d in fired}) or sorted(
            {wf.event_label(cmd.event) for wf in self.rules.definitions.values() if cmd.event in wf.events})
        return {"event": cmd.event, "event_label": " / ".join(labels) or cmd.event,
                "dry_run": cmd.dry_run, "count": len(fired), "dossiers": fired}
