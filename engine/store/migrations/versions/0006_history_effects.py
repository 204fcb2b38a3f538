"""the history keeps what each event did as typed events (JSON), not as short codes

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01

``dossier_event.clock_effect`` held codes such as ``finish:appraisal:early,start:post_basic_design``
that the store parsed back and the page showed raw. The runtime now returns typed events
(engine/domain/events.py) and the store keeps them as JSON in ``dossier_event.effects``; people read
them in Vietnamese. This revision turns the stored codes into those events, once, dossier by dossier
in history order, recomputing what the codes did not say (a stage's due date when it started, resumed
or was extended) from the clock rows and their pauses with the working-day calendar handed over by
engine.store.migrate; a handover's note (``Giao hồ sơ từ «a» sang «b».``) becomes its event; and
``dossier.supplement_requests`` is counted again from the pauses begun (a handover during a pause had
counted as a second request). Then ``clock_effect`` goes.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import context, op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
HANDOVER = re.compile(r"^Giao hồ sơ từ «(.*?)» sang «(.*?)»\.")
CHUNK = 2000


def _day(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) \
        else dt.date.fromisoformat(str(value)[:10])


def _local_day(at: Any, cal: Any) -> dt.date:
    when = at if isinstance(at, dt.datetime) else dt.datetime.fromisoformat(str(at))
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when
    day = when.astimezone(TZ).date()
    return day if cal.is_working_day(day) else cal.next_working_day(day)


class _Clock:
    """One clock as the codes replay it: units used, current segment, extension."""

    def __init__(self, row: Any) -> None:
        self.stage, self.unit, self.limit = row.stage, row.unit, row.limit_units
        self.policy, self.max_extension = row.policy, row.max_extension
        self.seg, self.used, self.ext, self.paused = _day(row.start_date), 0, 0, False

    def due(self, cal: Any) -> str:
        return cal.add(self.seg, self.limit + self.ext - self.used, self.unit).isoformat()


def _events(code: str, day: dt.date, clocks: dict[int, _Clock], state: dict[str, Any], cal: Any) -> list[dict]:
    kind, stage, *rest = code.split(":")
    if kind == "start":
        state["seq"] += 1
        c = state["open"] = clocks[state["seq"]]
        return [{"type": "clock_started", "stage": stage, "limit": c.limit, "unit": c.unit, "due_date": c.due(cal)}]
    c = state["open"]
    if kind == "pause":
        c.used += max(0, cal.units_between(c.seg, day, c.unit))
        c.paused = True
        state["supplements"] += 1
        return [{"type": "clock_paused", "stage": stage, "on": day.isoformat()},
                {"type": "supplement_requested", "count": state["supplements"]}]
    if kind in ("resume", "restart"):
        c.seg, c.paused = day, False
        c.used = 0 if kind == "restart" else c.used
        return [{"type": "clock_resumed", "stage": stage, "on": day.isoformat(), "policy": kind,
                 "due_date": c.due(cal)}]
    if kind == "extend":
        c.ext += int(rest[0].lstrip("+"))
        return [{"type": "clock_extended", "stage": stage, "units": int(rest[0].lstrip("+")), "unit": c.unit,
                 "due_date": None if c.paused else c.due(cal)}]
    outcome = rest[0] if rest and rest[0] != "not_judged" else None
    return [{"type": "stage_finished", "stage": stage, "on": day.isoformat(), "outcome": outcome}]


def _dossier(conn: Any, dossier_id: int, cal: Any) -> tuple[list[tuple[int, str | None]], int]:
    clocks = {r.seq: _Clock(r) for r in conn.execute(sa.text(
        "SELECT seq, stage, unit, limit_units, policy, max_extension, start_date FROM stage_clock "
        "WHERE dossier_id = :d"), {"d": dossier_id})}
    state: dict[str, Any] = {"seq": 0, "open": None, "supplements": 0}
    out = []
    for row in conn.execute(sa.text("SELECT id, at, note, clock_effect FROM dossier_event WHERE dossier_id = :d "
                                    "ORDER BY seq"), {"d": dossier_id}):
        events: list[dict] = []
        day = _local_day(row.at, cal)
        for code in filter(None, (row.clock_effect or "").split(",")):
            events.extend(_events(code, day, clocks, state, cal))
        handed = HANDOVER.match(row.note or "")
        if handed:
            before = None if handed.group(1) == "chưa phân công" else handed.group(1)
            events.append({"type": "dossier_handed_over", "from_officer": before, "to_officer": handed.group(2)})
        out.append((row.id, json.dumps(events, ensure_ascii=False, sort_keys=True) if events else None))
    return out, state["supplements"]


def upgrade() -> None:
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('effects', sa.Text(), nullable=True))
    conn = op.get_bind()
    ids = [r[0] for r in conn.execute(sa.text("SELECT DISTINCT dossier_id FROM dossier_event "
                                              "WHERE clock_effect IS NOT NULL OR note LIKE 'Giao hồ sơ từ%'"))]
    if ids:
        cal = context.config.attributes.get("calendar")
        if cal is None:
            raise RuntimeError("revision 0006 needs the working-day calendar: run it through engine.store.migrate")
        rows: list[dict[str, Any]] = []
        supplements: dict[int, int] = defaultdict(int)
        for dossier_id in ids:
            effects, supplements[dossier_id] = _dossier(conn, dossier_id, cal)
            rows.extend({"id": i, "e": e} for i, e in effects if e is not None)
            if len(rows) >= CHUNK:
                conn.execute(sa.text("UPDATE dossier_event SET effects = :e WHERE id = :id"), rows)
                rows = []
        if rows:
            conn.execute(sa.text("UPDATE dossier_event SET effects = :e WHERE id = :id"), rows)
        conn.execute(sa.text("UPDATE dossier SET supplement_requests = :n WHERE id = :id"),
                     [{"id": k, "n": v} for k, v in supplements.items()])
    op.execute('ALTER TABLE dossier_event DROP COLUMN clock_effect')


_CODES = {"clock_started": lambda e: f"start:{e['stage']}", "clock_paused": lambda e: f"pause:{e['stage']}",
          "clock_resumed": lambda e: f"{e['policy']}:{e['stage']}",
          "clock_extended": lambda e: f"extend:{e['stage']}:+{e['units']}",
          "stage_finished": lambda e: f"finish:{e['stage']}:{e['outcome'] or 'not_judged'}"}


def downgrade() -> None:
    """Back to the codes (what they could say: the clock effects; a handover stays in its note)."""
    op.execute('ALTER TABLE dossier_event ADD COLUMN clock_effect VARCHAR')
    conn = op.get_bind()
    rows = []
    for row_id, effects in conn.execute(sa.text("SELECT id, effects FROM dossier_event WHERE effects IS NOT NULL")):
        codes = ",".join(_CODES[e["type"]](e) for e in json.loads(effects) if e["type"] in _CODES)
        if codes:
            rows.append({"id": row_id, "c": codes})
    if rows:
        conn.execute(sa.text("UPDATE dossier_event SET clock_effect = :c WHERE id = :id"), rows)
    op.execute('ALTER TABLE dossier_event DROP COLUMN effects')
