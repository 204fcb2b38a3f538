"""One mapper from a row to each domain object (and back, for the columns a write needs).

The column lists here are the ``SELECT`` lists the repositories use, so a row and its mapper cannot
drift apart. The mappers build the domain's frozen values with ``values.build`` (every field at once,
as decoded: the fire path reads a dossier, its open clock and the actor on every fire).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from operator import attrgetter
from typing import Any

from ..domain.deadlines import StageClock
from ..domain.dossier import Dossier, DossierState, HistoryEntry
from ..domain.org import Division, Person, parse_roles
from ..domain.values import build
from .codecs import Codec, decode_events

DOSSIER_COLS = ("id", "code", "project_name", "investor", "project_group", "grade", "capital_source",
                "division", "officer", "workflow_id", "workflow_version", "rule_version", "state",
                "resume_state", "counters", "supplement_requests", "open_clock_id", "blockers", "received_on",
                "received_at", "last_event_at", "closed_at", "version")
#: the dossier's columns the fire path reads (engine.domain.dossier.DossierState, in its order)
FIRE_DOSSIER_COLS = ("id", "code", "project_group", "grade", "capital_source", "division", "officer", "workflow_id",
                     "workflow_version", "rule_version", "state", "last_event_at", "version", "resume_state",
                     "counters", "supplement_requests", "open_clock_id", "chain_head")
CLOCK_COLS = ("id", "stage", "seq", "unit", "limit_units", "policy", "extension", "max_extension",
              "start_date", "segment_start", "used_before", "paused_on", "pause_count", "paused_days",
              "due_date", "finished_on", "outcome", "closed_by", "paused_working_days", "turnaround_working_days",
              "turnaround_days")
#: the dossier's columns a clock copies when it starts (what the metrics group by; revision 0004)
CLOCK_DIMS = ("division", "officer", "workflow_id")
PERSON_COLS = ("id", "name", "email", "division", "roles", "active")
EVENT_COLS = ("seq", "event", "from_state", "to_state", "actor", "at", "note", "effects", "channel", "client",
              "correction")
_CLOCK_DATES = frozenset({"start_date", "segment_start", "paused_on", "due_date", "finished_on"})
#: a clock's values in the order of CLOCK_COLS[1:] (its ``limit`` is the column ``limit_units``), and where
#: the days are among them
_clock_fields = attrgetter(*("limit" if col == "limit_units" else col for col in CLOCK_COLS[1:]))
_CLOCK_DATE_AT = tuple(i for i, col in enumerate(CLOCK_COLS[1:]) if col in _CLOCK_DATES)
#: the roles column's few distinct values, parsed once each (a frozenset is immutable: safe to share)
_roles = lru_cache(maxsize=256)(parse_roles)


def columns(prefix: str, cols: Sequence[str]) -> str:
    return ", ".join(f"{prefix}.{c}" for c in cols)


def dossier(codec: Codec, row: Sequence[Any]) -> Dossier:
    (id_, code, project_name, investor, group, grade, capital_source, division, officer, workflow_id,
     workflow_version, rule_version, state, resume_state, counters, supplement_requests, open_clock_id, blockers,
     received_on, received_at, last_event_at, closed_at, version) = row
    day, last, read_ts = codec.read_day(received_on), codec.read_ts(last_event_at), codec.read_ts
    assert day is not None and last is not None
    return build(Dossier, {
        "id": int(id_), "code": code, "project_name": project_name, "investor": investor, "group": group,
        "grade": grade, "capital_source": capital_source, "division": division, "officer": officer,
        "workflow_id": workflow_id, "workflow_version": int(workflow_version), "rule_version": rule_version,
        "state": state, "received_on": day, "last_event_at": last, "version": int(version),
        "resume_state": resume_state, "counters": codec.read_counters(counters),
        "supplement_requests": int(supplement_requests or 0), "open_clock_id": open_clock_id, "blockers": blockers,
        "received_at": None if received_at is None else read_ts(received_at),
        "closed_at": None if closed_at is None else read_ts(closed_at)})


def dossier_state(codec: Codec, row: Sequence[Any]) -> DossierState:
    """A row of FIRE_DOSSIER_COLS."""
    (id_, code, group, grade, capital_source, division, officer, workflow_id, workflow_version, rule_version, state,
     last_event_at, version, resume_state, counters, supplement_requests, open_clock_id, chain_head) = row
    last = codec.read_ts(last_event_at)
    assert last is not None
    return build(DossierState, {
        "id": int(id_), "code": code, "group": group, "grade": grade, "capital_source": capital_source,
        "division": division, "officer": officer, "workflow_id": workflow_id, "workflow_version": int(workflow_version),
        "rule_version": rule_version, "state": state, "last_event_at": last, "version": int(version),
        "resume_state": resume_state, "counters": codec.read_counters(counters),
        "supplement_requests": int(supplement_requests or 0), "open_clock_id": open_clock_id,
        "chain_head": chain_head})


def clock(codec: Codec, row: Sequence[Any]) -> StageClock:
    (id_, stage, seq, unit, limit_units, policy, extension, max_extension, start_date, segment_start, used_before,
     paused_on, pause_count, paused_days, due_date, finished_on, outcome, closed_by, paused_working_days,
     turnaround_working_days, turnaround_days) = row
    rd = codec.read_day
    start, segment = rd(start_date), rd(segment_start)
    assert start is not None and segment is not None
    return build(StageClock, {
        "stage": stage, "seq": seq, "unit": unit, "limit": limit_units, "policy": policy, "start_date": start,
        "segment_start": segment, "due_date": None if due_date is None else rd(due_date),
        "used_before": used_before, "extension": extension, "max_extension": max_extension,
        "paused_on": None if paused_on is None else rd(paused_on), "pause_count": pause_count,
        "paused_days": paused_days, "finished_on": None if finished_on is None else rd(finished_on),
        "outcome": outcome, "closed_by": closed_by, "id": id_, "paused_working_days": paused_working_days or 0,
        "turnaround_working_days": turnaround_working_days, "turnaround_days": turnaround_days})


def clock_values(codec: Codec, c: StageClock) -> list[Any]:
    """The values of CLOCK_COLS[1:] for an INSERT or UPDATE."""
    return codec.days_at(list(_clock_fields(c)), _CLOCK_DATE_AT)


def person(row: Sequence[Any]) -> Person:
    pid, name, email, division, roles, active = row
    return build(Person, {"id": pid, "name": name, "email": (email or "").strip() or None, "division": division,
                          "roles": _roles(roles), "active": bool(active)})


def division(row: Sequence[Any]) -> Division:
    return Division(row[0], row[1])


def history_entry(codec: Codec, row: Sequence[Any]) -> HistoryEntry:
    seq, event, from_state, to_state, actor, at, note, effects, channel, client, correction = row
    when = codec.read_ts(at)
    assert when is not None
    return HistoryEntry(int(seq), event, from_state, to_state, actor, when, note, decode_events(effects), channel,
                        client, correction)
