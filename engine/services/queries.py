"""Reading dossiers: one dossier's view (clocks, history with readable effects, what may be done
now) and lists, as plain data for the CLI, the pages and the API."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..domain import requirements, text
from ..domain.calendar import UNIT_LABELS
from ..domain.caller import CHANNEL_LABELS
from ..domain.clock import TZ, Clock, local_date
from ..domain.deadlines import OUTCOME_LABELS, StageClock
from ..domain.dossier import HistoryEntry
from ..domain.errors import BadInput, NotPermitted, UnknownWorkflowVersion
from ..domain.events import compact, describe_all
from ..domain.org import UNASSIGNED, Person
from ..domain.workflow import WorkflowDef
from ..runtime.machine import possible_events
from ..runtime.rulebook import Rulebook
from ..store.blockers import BlockerStore
from ..store.codecs import event_dict
from ..store.database import Database
from ..store.dossiers import DossierFilter
from .access import Access
from .dossiers import snapshot
from .urging import urge_row

#: the most rows a list returns when asked for more
LIST_MAX = 10_000
#: the urges a dossier's view carries (the newest)
URGES_SHOWN = 200


@dataclass
class DossierQueries:
    database: Database
    rules: Rulebook
    clock: Clock
    access: Access

    def today(self) -> dt.date:
        return local_date(self.clock.now())

    def clock_view(self, wf: WorkflowDef, c: StageClock, today: dt.date) -> dict[str, Any]:
        cal = self.rules.calendar
        return {
            "stage": c.stage, "stage_label": wf.stage_label(c.stage), "seq": c.seq,
            "start_date": c.start_date.isoformat(), "due_date": c.due_date.isoformat() if c.due_date else None,
            "paused": c.paused, "paused_on": c.paused_on.isoformat() if c.paused_on else None,
            "used": c.used(today, cal), "remaining": c.remaining(today, cal), "limit": c.limit,
            "extension": c.extension, "unit": c.unit, "unit_label": UNIT_LABELS[c.unit], "policy": c.policy,
            "overdue_by": c.overdue_by(today, cal), "pause_count": c.pause_count, "paused_days": c.paused_days,
            "finished_on": c.finished_on.isoformat() if c.finished_on else None, "outcome": c.outcome,
            "outcome_label": OUTCOME_LABELS.get(c.outcome, c.outcome or "—"),
        }

    def _history_row(self, wf: WorkflowDef, e: HistoryEntry, names: dict[str, str]) -> dict[str, Any]:
        def name(pid: str) -> str:
            return names.get(pid, pid)

        return {"seq": e.seq, "event": e.event, "event_label": wf.event_label(e.event), "from": e.from_state,
                "to": e.to_state, "to_label": self.rules.state_label(wf.id, e.to_state), "actor": e.actor,
                "actor_name": name(e.actor), "at": e.at.astimezone(TZ).isoformat(), "note": e.note,
                "effects": [event_dict(x) for x in e.effects],
                "effects_text": describe_all(e.effects, wf.stage_label, name) or None,
                "clock_effect": compact(e.effects), "channel": e.channel,
                "channel_label": CHANNEL_LABELS.get(e.channel or "", "—"), "client": e.client,
                "correction": e.correction}

    def show(self, code: str, viewer: Person | None = None) -> dict[str, Any]:
        """Everything about one dossier; raises UnknownDossier, NotPermitted, UnknownWorkflowVersion."""
        today = self.today()
        with self.database.reading() as uow:
            d = uow.dossiers.get(text.code(code))
            self.access.require_see(viewer, d)
            clocks = uow.dossiers.clocks(d.id)
            history = uow.dossiers.history(d.id)
            urges = BlockerStore(uow).urges(dossier_id=d.id, limit=URGES_SHOWN)
            names = uow.people.names()
            division = uow.people.division(d.division)
            contact = uow.contacts.of(d.id)
        wf = self.rules.definition(d.workflow_id, d.workflow_version)
        rule = wf.rule(d.rule_version)
        open_clock = next((c for c in clocks if c.id == d.open_clock_id), None)
        done = [e.event for e in history]
        allowed = [e for e in possible_events(wf, snapshot(d), rule)
                   if requirements.follows_met(e, wf.events[e].follows, done)]
        return {
            "code": d.code, "project_name": d.project_name, "investor": d.investor, "group": d.group,
            "investor_address": contact.address, "investor_phone": contact.phone, "investor_email": contact.email,
            "grade": d.grade, "capital_source": d.capital_source, "division": d.division,
            "division_name": division.name if division else d.division, "officer": d.officer,
            "officer_name": names.get(d.officer, d.officer) if d.officer else UNASSIGNED,
            "workflow": d.workflow_id, "workflow_title": wf.title, "workflow_version": d.workflow_version,
            "rule_version": d.rule_version, "rule_source": rule.source, "state": d.state,
            "state_label": wf.state(d.state).label, "received_on": d.received_on.isoformat(), "version": d.version,
            "supplement_requests": d.supplement_requests, "blockers": d.blockers,
            "clock": self.clock_view(wf, open_clock, today) if open_clock else None,
            "clocks": [self.clock_view(wf, c, today) for c in clocks],
            "allowed_events": allowed,
            "allowed_labels": {e: wf.event_label(e) for e in allowed},
            # what the viewer may do now (the console: everything the workflow allows)
            "my_events": [e for e in allowed if viewer is None or self.access.may_act(viewer, d, wf.events[e])],
            "history": [self._history_row(wf, e, names) for e in history],
            # urges are not history rows (no state, no clock, not in the hash chain): the timeline merges them
            "urges": [urge_row(u, names) for u in reversed(urges)],
        }

    def _definition(self, workflow_id: str, version: int) -> WorkflowDef:
        """The dossier's version, or the newest one to label a list row (``show`` says what is wrong)."""
        try:
            return self.rules.definition(workflow_id, version)
        except UnknownWorkflowVersion:
            return self.rules.latest(workflow_id)

    def history(self, code: str) -> list[HistoryEntry]:
        with self.database.reading() as uow:
            return uow.dossiers.history(uow.dossiers.get(text.code(code)).id)

    def find(self, *, state: str | None = None, division: str | None = None, officer: str | None = None,
             overdue: bool = False, due_within: int | None = None, workflow: str | None = None,
             limit: int = 500, viewer: Person | None = None) -> dict[str, Any]:
        """Dossiers ``viewer`` may see, the nearest due date first: ``{"rows": [...], "limit", "truncated"}``."""
        state, division, officer, workflow = (
            text.clean(value, what, limit=text.CODE_MAX) for value, what in (
                (state, "trạng thái"), (division, "mã phòng"), (officer, "mã cán bộ"), (workflow, "mã quy trình")))
        seen = self.access.seen_division(viewer)
        if seen is not None and division not in (None, "", seen):
            raise NotPermitted(f"Chỉ xem được hồ sơ của phòng {seen}.", hint="Bỏ điều kiện lọc theo phòng khác.")
        division = seen or division
        if not 1 <= limit <= LIST_MAX:
            raise BadInput(f"Giới hạn {limit} nằm ngoài 1–{LIST_MAX}.", hint="Dùng --limit từ 1 đến 10000.")
        today, cal = self.today(), self.rules.calendar
        if due_within is not None and due_within < 0:
            raise BadInput("--due-within phải là số ngày làm việc không âm.")
        f = DossierFilter(state=state or None, division=division or None, officer=officer or None,
                          workflow=workflow or None, overdue_before=today if overdue else None,
                          due_between=(today, cal.add_working_days(today, due_within)) if due_within is not None
                          else None)
        with self.database.reading() as uow:
            found = uow.dossiers.search(f, limit + 1)
            names = uow.people.names()
        rows = []
        for d, c in found[:limit]:
            wf = self._definition(d.workflow_id, d.workflow_version)
            rows.append({"code": d.code, "project_name": d.project_name, "workflow": d.workflow_id,
                         "state": d.state, "state_label": self.rules.state_label(d.workflow_id, d.state),
                         "division": d.division, "officer": d.officer,
                         "officer_name": names.get(d.officer, d.officer) if d.officer else UNASSIGNED,
                         "group": d.group, "grade": d.grade, "rule_version": d.rule_version,
                         "clock": self.clock_view(wf, c, today) if c is not None else None})
        return {"rows": rows, "limit": limit, "truncated": len(found) > limit}
