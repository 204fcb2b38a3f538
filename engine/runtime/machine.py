"""A workflow definition compiled into one shared ``transitions`` machine, and firing it.

Every transition follows one fixed order:

1. the event must exist in the workflow (UnknownEvent);
2. find the event's transitions whose source is the current state; none: IllegalTransition;
3. fire through the shared machine: guards (conditions) and ``max_times`` are checked there (GuardFailed);
4. an assigning event (``assigns_officer``) needs the officer the dossier goes to;
5. leave the state, enter the new one (the state a pause returns to, the counters);
6. clock effects, derived from the stages of the two states (engine.runtime.effects);
7. a supplement request is counted when a pause begins.

Who may fire an event on a dossier (the event's roles, the person's scope) and whom a dossier may
be handed to are access rules: engine.services.access checks them before the runtime is asked.

Nothing is mutated: the snapshot and the clock given stay as they were, and the result is a ``Step``.
Never a Machine per dossier, never ``add_model`` (transitions issue #635): a throwaway model with a
``state`` attribute is triggered through ``machine.events[name].trigger(model)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from transitions import Machine

from ..domain import events as ev
from ..domain.calendar import WorkingCalendar
from ..domain.deadlines import StageClock, start_clock
from ..domain.errors import BadInput, GuardFailed, IllegalTransition, UnknownEvent
from ..domain.values import evolve
from ..domain.workflow import RETURN, SAME, EventDef, RuleVersion, TransitionDef, WorkflowDef
from .effects import clock_effects
from .step import DossierSnapshot, Step


@dataclass
class _Model:
    """What the shared machine moves: a state, and what the guards look at."""

    state: str
    snap: DossierSnapshot
    fired: TransitionDef | None = None


class CompiledWorkflow:
    """A workflow definition with its one shared state machine."""

    def __init__(self, wf: WorkflowDef) -> None:
        self.wf = wf
        spec: list[dict[str, Any]] = []
        for event in wf.events.values():
            for t in event.transitions:
                spec.extend(self._machine_transitions(event, t))
        self.machine = Machine(model=None, states=list(wf.states), transitions=spec, initial=wf.initial,
                               auto_transitions=False, send_event=True, ignore_invalid_triggers=False)

    def _machine_transitions(self, event: EventDef, t: TransitionDef) -> list[dict[str, Any]]:
        conditions: list[Callable[[Any], bool]] = []
        if t.guards or t.max_times is not None:  # (a check that always holds is not asked on every fire)
            conditions.append(self._guard_check(t))
        after = [self._mark(t)]
        if t.target == RETURN:  # one machine transition per state the pause may return to
            return [dict(trigger=event.name, source=src, dest=back, after=after,
                         conditions=[self._returns_to(back), *conditions])  # the cheap test first
                    for src in t.sources for back in self._return_targets()]
        if t.target == SAME:
            return [dict(trigger=event.name, source=src, dest=None, conditions=conditions, after=after)
                    for src in t.sources]
        return [dict(trigger=event.name, source=list(t.sources), dest=t.target, conditions=conditions,
                     after=after)]

    def _return_targets(self) -> list[str]:
        return [n for n, s in self.wf.states.items() if not s.terminal and not s.pauses_clock]

    @staticmethod
    def _guard_check(t: TransitionDef) -> Callable[[Any], bool]:
        def check(event_data: Any) -> bool:
            snap: DossierSnapshot = event_data.model.snap
            rule: RuleVersion = event_data.kwargs["rule"]
            return _allowed(t, snap, rule)
        return check

    @staticmethod
    def _returns_to(state: str) -> Callable[[Any], bool]:
        return lambda event_data: bool(event_data.model.snap.resume_state == state)

    @staticmethod
    def _mark(t: TransitionDef) -> Callable[[Any], None]:
        def mark(event_data: Any) -> None:
            event_data.model.fired = t
        return mark

    # -- questions ----------------------------------------------------------------------------
    def allowed_events(self, state: str) -> list[str]:
        """The events with a transition from ``state`` (guards aside)."""
        return [e.name for e in self.wf.events.values() if any(state in t.sources for t in e.transitions)]

    def possible_events(self, snap: DossierSnapshot, rule: RuleVersion) -> list[str]:
        """The events that would pass their guards and ``max_times`` now (roles aside)."""
        return possible_events(self.wf, snap, rule)

    def open_clock(self, stage: str, rule: RuleVersion, fields: Mapping[str, Any], day: dt.date,
                   cal: WorkingCalendar, seq: int) -> StageClock:
        lim = self.wf.limit(rule, stage, fields)
        return start_clock(stage, seq, lim.value, lim.unit, lim.policy, lim.extension, day, cal)

    # -- acting -------------------------------------------------------------------------------
    def receive(self, fields: Mapping[str, Any], rule: RuleVersion, day: dt.date, cal: WorkingCalendar) -> Step:
        """A new dossier: the initial state, and its first stage's clock if the state has a stage."""
        self.wf.check_receipt(rule)
        after = DossierSnapshot(self.wf.initial, dict(fields))
        stage = self.wf.stage_of(self.wf.initial)
        if stage is None:
            return Step("receive", None, after)
        clock = self.open_clock(stage, rule, fields, day, cal, 1)
        assert clock.due_date is not None
        started = ev.ClockStarted(stage, clock.limit, clock.unit, clock.due_date)
        return Step("receive", None, after, opened=clock, events=(started,))

    def fire(self, snap: DossierSnapshot, event: str, rule: RuleVersion, clock: StageClock | None,
             day: dt.date, cal: WorkingCalendar, next_clock_seq: int, assignee: str | None = None) -> Step:
        """Fire ``event`` on ``snap``; ``assignee``: whom an assigning event hands the dossier to.

        Raises UnknownEvent, IllegalTransition, GuardFailed, or BadInput (an assigning event without
        an ``assignee``, or an ``assignee`` for an event that assigns nobody).
        """
        self.wf.state(snap.state)  # a state this version lacks: UnknownWorkflowVersion, not "ended"
        edef = self.event(event)
        candidates = self._candidates(snap, edef)
        model = _Model(snap.state, snap)
        if not self.machine.events[event].trigger(model, rule=rule) or model.fired is None:
            raise GuardFailed(
                f"Không thể «{edef.label}» với hồ sơ này: {_why(snap, candidates, rule)}.",
                hint="Thao tác được phép lúc này: " + self._named(self.possible_events(snap, rule)) + ".",
                state=snap.state, event=edef.name)
        t = model.fired
        after = self._enter(snap, t, model.state)
        handed: list[ev.DomainEvent] = []
        if edef.assigns_officer:
            handover = self._hand_over(snap, edef, assignee)
            after = evolve(after, fields={**after.fields, "officer": handover.to_officer})
            handed.append(handover)
        elif assignee is not None:
            raise BadInput(f"Thao tác «{edef.label}» không giao hồ sơ cho cán bộ khác; bỏ --officer.",
                           hint=_assign_hint(self.wf))
        effect = clock_effects(self.wf, t, snap.state, after.state, rule, clock, day, cal, next_clock_seq,
                               snap.fields, event)
        events = [*effect.events, *handed]
        if t.target != SAME and self.wf.states[after.state].pauses_clock \
                and not self.wf.states[snap.state].pauses_clock:
            after = evolve(after, supplement_requests=snap.supplement_requests + 1)
            events.append(ev.SupplementRequested(after.supplement_requests))
        return Step(event, snap, after, self.wf.states[after.state].terminal, effect.opened, effect.changed,
                    tuple(events))

    def event(self, event: str) -> EventDef:
        """The definition of ``event``; raises UnknownEvent listing the workflow's events."""
        edef = self.wf.events.get(event)
        if edef is None:
            raise UnknownEvent(f"Quy trình «{self.wf.id}» không có thao tác «{event}».",
                               hint="Các thao tác có: " + ", ".join(self.wf.events) + ".")
        return edef

    def _named(self, events: list[str]) -> str:
        """Events as a person reads them, each with the code to type: «Chấp nhận hồ sơ…» (accept)."""
        return ", ".join(f"«{self.wf.events[e].label}» ({e})" for e in events)

    def _candidates(self, snap: DossierSnapshot, edef: EventDef) -> list[TransitionDef]:
        candidates = [t for t in edef.transitions if snap.state in t.sources]
        if not candidates:
            allowed = self.allowed_events(snap.state)
            raise IllegalTransition(
                f"Không thể «{edef.label}» khi hồ sơ đang ở trạng thái «{self.wf.state_label(snap.state)}».",
                hint=("Thao tác được phép lúc này: " + self._named(allowed) + ".") if allowed
                else "Hồ sơ đã kết thúc; không còn thao tác nào.",
                state=snap.state, event=edef.name, allowed=allowed)
        return candidates

    def _enter(self, snap: DossierSnapshot, t: TransitionDef, new_state: str) -> DossierSnapshot:
        counters = dict(snap.counters)
        if t.max_times is not None:
            counters[t.key] = counters.get(t.key, 0) + 1
        resume_state = snap.resume_state
        if t.target == SAME:
            pass  # an internal transition (extend, reassign) leaves where a pause returns to as it was
        elif self.wf.states[new_state].pauses_clock:
            resume_state = snap.state
        elif self.wf.states[snap.state].pauses_clock:
            resume_state = None
        return DossierSnapshot(new_state, snap.fields, resume_state, counters, snap.supplement_requests)

    @staticmethod
    def _hand_over(snap: DossierSnapshot, edef: EventDef, to: str | None) -> ev.DossierHandedOver:
        if to is None:
            raise BadInput(f"Thao tác «{edef.label}» cần chọn cán bộ nhận hồ sơ.",
                           hint="Thêm --officer MÃ_CÁN_BỘ (xem danh sách bằng: thamdinh org show).")
        return ev.DossierHandedOver(snap.officer, to)


def _allowed(t: TransitionDef, snap: DossierSnapshot, rule: RuleVersion) -> bool:
    if t.max_times is not None and snap.counters.get(t.key, 0) >= t.max_times:
        return False
    return all(g.holds(snap.fields, rule.params) for g in t.guards)


def _why(snap: DossierSnapshot, candidates: list[TransitionDef], rule: RuleVersion) -> str:
    reasons = []
    for t in candidates:
        if t.max_times is not None and snap.counters.get(t.key, 0) >= t.max_times:
            reasons.append(f"chỉ được thực hiện {t.max_times} lần và đã dùng hết")
        reasons.extend(g.describe() + f" (theo quy định {rule.id})" for g in t.guards
                       if not g.holds(snap.fields, rule.params))
    return "; ".join(dict.fromkeys(reasons)) or "điều kiện không thỏa mãn"


def possible_events(wf: WorkflowDef, snap: DossierSnapshot, rule: RuleVersion) -> list[str]:
    """The events of ``wf`` that would pass their guards and ``max_times`` on ``snap`` now."""
    if wf.state(snap.state).terminal:
        return []
    return [e.name for e in wf.events.values()
            if any(snap.state in t.sources and _allowed(t, snap, rule) for t in e.transitions)]


def _assign_hint(wf: WorkflowDef) -> str:
    assigning = wf.assigning_events()
    return ("Giao hồ sơ bằng thao tác: " + ", ".join(assigning) + ".") if assigning \
        else "Quy trình này không có thao tác giao hồ sơ."
