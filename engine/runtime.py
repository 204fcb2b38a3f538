"""Apply a workflow definition to a dossier: one shared ``transitions`` machine per workflow.

The runtime does no I/O. Given a dossier snapshot, its open clock, the event, the actor's roles and
the event's day, it either raises (unknown event, role, illegal transition, failed guard) or returns
what happened. Every transition follows one fixed order:

1. check the actor's role for the event;
2. find the transitions of the event whose source is the current state; none: IllegalTransition;
3. fire through the shared machine: guards (conditions) and ``max_times`` are checked there;
4. leave the state, enter the new one (state and ``resume_state`` updated on the snapshot);
5. clock effects, derived from the stages of the two states (start, pause, resume, extend, finish).

Never a Machine per dossier, never ``add_model`` (transitions issue #635): the snapshot is a plain
object with a ``state`` attribute and ``machine.events[name].trigger(snapshot)`` is called on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from transitions import Machine

from . import deadlines
from .calendar import WorkingCalendar
from .definitions import RETURN, ROLE_LABELS, SAME, RuleVersion, TransitionDef, WorkflowDef
from .errors import GuardFailed, IllegalTransition, NotPermitted, UnknownEvent


@dataclass
class DossierSnapshot:
    """What the runtime needs to know about a dossier (a plain object, never an ORM row)."""

    state: str
    fields: dict[str, Any]
    resume_state: str | None = None
    counters: dict[str, int] = field(default_factory=dict)
    fired: TransitionDef | None = None


@dataclass
class Step:
    """What firing one event did."""

    event: str
    from_state: str
    to_state: str
    resume_state: str | None
    counters: dict[str, int]
    clock_effect: str | None
    opened: deadlines.StageClock | None = None
    changed: deadlines.StageClock | None = None  # the previously open clock, modified in place


class CompiledWorkflow:
    """A workflow definition with its one shared state machine."""

    def __init__(self, wf: WorkflowDef) -> None:
        self.wf = wf
        states = list(wf.states)
        spec: list[dict[str, Any]] = []
        for event in wf.events.values():
            for t in event.transitions:
                conditions: list[Callable[[Any], bool]] = [self._guard_check(t)]
                after = [self._mark(t)]
                if t.target == RETURN:
                    # one machine transition per state the pause may return to
                    for src in t.sources:
                        for back in self._return_targets():
                            spec.append(dict(trigger=event.name, source=src, dest=back,
                                             conditions=conditions + [self._returns_to(back)], after=after))
                elif t.target == SAME:
                    for src in t.sources:
                        spec.append(dict(trigger=event.name, source=src, dest=None,
                                         conditions=conditions, after=after))
                else:
                    spec.append(dict(trigger=event.name, source=list(t.sources), dest=t.target,
                                     conditions=conditions, after=after))
        self.machine = Machine(model=None, states=states, transitions=spec, initial=wf.initial,
                               auto_transitions=False, send_event=True, ignore_invalid_triggers=False)

    def _return_targets(self) -> list[str]:
        return [n for n, s in self.wf.states.items() if not s.terminal and not s.pauses_clock]

    @staticmethod
    def _guard_check(t: TransitionDef) -> Callable[[Any], bool]:
        def check(event_data: Any) -> bool:
            snap: DossierSnapshot = event_data.model
            rule: RuleVersion = event_data.kwargs["rule"]
            if t.max_times is not None and snap.counters.get(t.key, 0) >= t.max_times:
                return False
            return all(g.holds(snap.fields, rule.params) for g in t.guards)
        return check

    @staticmethod
    def _returns_to(state: str) -> Callable[[Any], bool]:
        return lambda event_data: event_data.model.resume_state == state

    @staticmethod
    def _mark(t: TransitionDef) -> Callable[[Any], None]:
        def mark(event_data: Any) -> None:
            event_data.model.fired = t
        return mark

    # -- firing -----------------------------------------------------------------------------
    def allowed_events(self, state: str) -> list[str]:
        return [e.name for e in self.wf.events.values() if any(state in t.sources for t in e.transitions)]

    def fire(self, snap: DossierSnapshot, event: str, roles: frozenset[str], rule: RuleVersion,
             clock: deadlines.StageClock | None, day: dt.date, cal: WorkingCalendar,
             next_clock_seq: int) -> Step:
        """Fire ``event`` on ``snap``; raises UnknownEvent, NotPermitted, IllegalTransition, GuardFailed."""
        wf = self.wf
        edef = wf.events.get(event)
        if edef is None:
            raise UnknownEvent(
                f"Quy trình «{wf.id}» không có thao tác «{event}».",
                hint="Các thao tác có: " + ", ".join(wf.events) + ".",
            )
        if not roles & edef.roles:
            need = ", ".join(ROLE_LABELS[r] for r in sorted(edef.roles))
            raise NotPermitted(
                f"Người thực hiện không có quyền «{edef.label}».",
                hint=f"Thao tác này dành cho: {need}.", event=event,
            )
        candidates = [t for t in edef.transitions if snap.state in t.sources]
        if not candidates:
            allowed = self.allowed_events(snap.state)
            raise IllegalTransition(
                f"Không thể «{edef.label}» khi hồ sơ đang ở trạng thái «{wf.state_label(snap.state)}».",
                hint=("Thao tác được phép lúc này: " + ", ".join(allowed) + ".") if allowed
                else "Hồ sơ đã kết thúc; không còn thao tác nào.",
                state=snap.state, event=event, allowed=allowed,
            )
        before = snap.state
        snap.fired = None
        ok = self.machine.events[event].trigger(snap, rule=rule)
        if not ok or snap.fired is None:
            raise GuardFailed(
                f"Không thể «{edef.label}» với hồ sơ này: {self._why(snap, candidates, rule)}.",
                hint="Thao tác được phép lúc này: " + ", ".join(self.possible_events(snap, rule)) + ".",
                state=snap.state, event=event,
            )
        t = snap.fired
        after = snap.state
        counters = dict(snap.counters)
        if t.max_times is not None:
            counters[t.key] = counters.get(t.key, 0) + 1
        resume_state = snap.resume_state
        if t.target == SAME:
            pass  # an internal transition (extend, reassign) leaves where a pause returns to as it was
        elif wf.states[after].pauses_clock:
            resume_state = before
        elif wf.states[before].pauses_clock:
            resume_state = None
        step = Step(event, before, after, resume_state, counters, None)
        try:
            self._clock_effects(step, t, snap, rule, clock, day, cal, next_clock_seq)
        except Exception:
            snap.state = before  # the snapshot is left as it was found
            raise
        snap.counters, snap.resume_state = counters, resume_state
        return step

    def _why(self, snap: DossierSnapshot, candidates: list[TransitionDef], rule: RuleVersion) -> str:
        reasons = []
        for t in candidates:
            if t.max_times is not None and snap.counters.get(t.key, 0) >= t.max_times:
                reasons.append(f"chỉ được thực hiện {t.max_times} lần và đã dùng hết")
            for g in t.guards:
                if not g.holds(snap.fields, rule.params):
                    reasons.append(g.describe() + f" (theo quy định {rule.id})")
        return "; ".join(dict.fromkeys(reasons)) or "điều kiện không thỏa mãn"

    def possible_events(self, snap: DossierSnapshot, rule: RuleVersion) -> list[str]:
        out = []
        for e in self.wf.events.values():
            for t in e.transitions:
                if snap.state in t.sources and (t.max_times is None or snap.counters.get(t.key, 0) < t.max_times) \
                        and all(g.holds(snap.fields, rule.params) for g in t.guards):
                    out.append(e.name)
                    break
        return out

    def _clock_effects(self, step: Step, t: TransitionDef, snap: DossierSnapshot, rule: RuleVersion,
                       clock: deadlines.StageClock | None, day: dt.date, cal: WorkingCalendar,
                       next_seq: int) -> None:
        wf = self.wf
        src, dst = wf.states[step.from_state], wf.states[step.to_state]
        effects: list[str] = []
        if t.clock == "extend":
            if clock is None:
                raise GuardFailed("Hồ sơ không có thời hạn đang chạy để gia hạn.")
            if clock.max_extension <= 0:
                raise GuardFailed(f"Quy định {rule.id} không cho phép gia hạn bước «{clock.stage}».")
            units = deadlines.extend(clock, cal)
            step.changed = clock
            step.clock_effect = f"extend:{clock.stage}:+{units}"
            return
        if t.target == SAME:
            return  # the state is kept, so is the clock (reassign)
        if dst.pauses_clock:
            if clock is not None and not clock.paused:
                deadlines.pause(clock, day, cal)
                step.changed = clock
                effects.append(f"pause:{clock.stage}")
        elif src.pauses_clock and clock is not None and clock.paused and dst.stage == clock.stage:
            how = deadlines.resume(clock, day, cal)
            step.changed = clock
            effects.append(f"{how}:{clock.stage}")
        else:
            if clock is not None and clock.stage != dst.stage:
                deadlines.finish(clock, day, step.event, cal)
                step.changed = clock
                effects.append(f"finish:{clock.stage}:{clock.outcome or 'not_judged'}")
            if dst.stage is not None and (clock is None or clock.stage != dst.stage):
                step.opened = self.open_clock(dst.stage, rule, snap.fields, day, cal, next_seq)
                effects.append(f"start:{dst.stage}")
        step.clock_effect = ",".join(effects) or None

    def open_clock(self, stage: str, rule: RuleVersion, fields: dict[str, Any], day: dt.date,
                   cal: WorkingCalendar, seq: int) -> deadlines.StageClock:
        lim = self.wf.limit(rule, stage, fields)
        return deadlines.start_clock(stage, seq, lim.value, lim.unit, lim.policy, lim.extension, day, cal)
