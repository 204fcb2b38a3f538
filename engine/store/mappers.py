"""One mapper from a row to each domain object (and back, for the columns a write needs).

The column lists here are the ``SELECT`` lists the repositories use, so a row and its mapper cannot
drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..domain.deadlines import StageClock
from ..domain.dossier import Dossier, HistoryEntry
from ..domain.org import Division, Person, parse_roles
from .codecs import Codec, decode_events

DOSSIER_COLS = ("id", "code", "project_name", "investor", "project_group", "grade", "capital_source",
                "division", "officer", "workflow_id", "workflow_version", "rule_version", "state",
                "resume_state", "counters", "supplement_requests", "open_clock_id", "blockers", "received_on",
                "received_at", "last_event_at", "closed_at", "version")
CLOCK_COLS = ("id", "stage", "seq", "unit", "limit_units", "policy", "extension", "max_extension",
              "start_date", "segment_start", "used_before", "paused_on", "pause_count", "paused_days",
              "due_date", "finished_on", "outcome", "closed_by", "paused_working_days", "turnaround_working_days",
              "turnaround_days")
#: the dossier's columns a clock copies when it starts (what the metrics group by; revision 0004)
CLOCK_DIMS = ("division", "officer", "workflow_id")
PERSON_COLS = ("id", "name", "email", "division", "roles", "active")
EVENT_COLS = ("seq", "event", "from_state", "to_state", "actor", "at", "note", "effects", "channel", "client")
_CLOCK_DATES = frozenset({"start_date", "segment_start", "paused_on", "due_date", "finished_on"})


def columns(prefix: str, cols: Sequence[str]) -> str:
    return ", ".join(f"{prefix}.{c}" for c in cols)


def dossier(codec: Codec, row: Sequence[Any]) -> Dossier:
    (id_, code, project_name, investor, group, grade, capital_source, division, officer, workflow_id,
     workflow_version, rule_version, state, resume_state, counters, supplement_requests, open_clock_id, blockers,
     received_on, received_at, last_event_at, closed_at, version) = row
    day, last = codec.read_day(received_on), codec.read_ts(last_event_at)
    assert day is not None and last is not None
    return Dossier(
        id=int(id_), code=code, project_name=project_name, investor=investor, group=group, grade=grade,
        capital_source=capital_source, division=division, officer=officer, workflow_id=workflow_id,
        workflow_version=int(workflow_version), rule_version=rule_version, state=state, received_on=day,
        last_event_at=last, version=int(version), resume_state=resume_state, counters=codec.read_counters(counters),
        supplement_requests=int(supplement_requests or 0), open_clock_id=open_clock_id, blockers=blockers,
        received_at=codec.read_ts(received_at), closed_at=codec.read_ts(closed_at))


def clock(codec: Codec, row: Sequence[Any]) -> StageClock:
    r = dict(zip(CLOCK_COLS, row, strict=True))
    rd = codec.read_day
    start, segment = rd(r["start_date"]), rd(r["segment_start"])
    assert start is not None and segment is not None
    return StageClock(
        stage=r["stage"], seq=r["seq"], unit=r["unit"], limit=r["limit_units"], policy=r["policy"],
        start_date=start, segment_start=segment, due_date=rd(r["due_date"]), used_before=r["used_before"],
        extension=r["extension"], max_extension=r["max_extension"], paused_on=rd(r["paused_on"]),
        pause_count=r["pause_count"], paused_days=r["paused_days"], finished_on=rd(r["finished_on"]),
        outcome=r["outcome"], closed_by=r["closed_by"], id=r["id"], paused_working_days=r["paused_working_days"] or 0,
        turnaround_working_days=r["turnaround_working_days"], turnaround_days=r["turnaround_days"])


def clock_values(codec: Codec, c: StageClock) -> list[Any]:
    """The values of CLOCK_COLS[1:] for an INSERT or UPDATE."""
    out = []
    for col in CLOCK_COLS[1:]:
        value = getattr(c, "limit" if col == "limit_units" else col)
        out.append(codec.day(value) if col in _CLOCK_DATES else value)
    return out


def person(row: Sequence[Any]) -> Person:
    pid, name, email, division, roles, active = row
    return Person(pid, name, (email or "").strip() or None, division, parse_roles(roles), bool(active))


def division(row: Sequence[Any]) -> Division:
    return Division(row[0], row[1])


def history_entry(codec: Codec, row: Sequence[Any]) -> HistoryEntry:
    seq, event, from_state, to_state, actor, at, note, effects, channel, client = row
    when = codec.read_ts(at)
    assert when is not None
    return HistoryEntry(int(seq), event, from_state, to_state, actor, when, note, decode_events(effects), channel,
                        client)
