"""a history that shows tampering, figures as of a period's end, sealed reports, the intake channel

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

- ``dossier_event.row_hash`` and ``dossier.chain_head``: each history row's SHA-256 over its content
  and the previous row's digest (engine/store/chain.py, format ``v1``), computed here for the rows
  already there, dossier by dossier in ``seq`` order;
- ``clock_pause.due_before`` and the table ``clock_extension``: the due date a clock had just before
  each pause and each extension, so a period's figures read the due date *as of its end*; filled
  here from the due dates the history's events record;
- ``issued_report`` and ``issued_file``: a report as issued (its data, its files, their hashes, the
  checkpoint of the history it was made from), version by version;
- ``dossier.intake_channel`` (in person, online, by post; empty before this revision: not recorded)
  and ``dossier_event.correction`` (the reason of an act recorded into an issued period).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import context, op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _instant(value: Any) -> dt.datetime:
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def row_digest_v1(prev: str, code: str, seq: int, event: str, from_state: str | None, to_state: str, actor: str,
                  at: dt.datetime, note: str | None, effects: str | None, channel: str | None,
                  client: str | None, correction: str | None = None) -> str:
    """engine.store.chain.row_digest, frozen here as format v1 (a test keeps the two equal)."""
    payload = _ENCODE(["v1", prev, code, seq, event, from_state, to_state, actor,
                       at.astimezone(dt.UTC).isoformat(timespec="microseconds"), note, effects, channel, client,
                       correction])
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


#: columns added, and dropped on downgrade, with plain ALTER TABLE (SQLite >= 3.35): a batch copy of
#: ``dossier`` would have to drop a table that the foreign keys of the others refuse
COLUMNS = (('dossier_event', sa.Column('row_hash', sa.String(length=64), nullable=True)),
           ('dossier_event', sa.Column('correction', sa.Text(), nullable=True)),
           ('dossier', sa.Column('chain_head', sa.String(length=64), nullable=True)),
           ('dossier', sa.Column('intake_channel', sa.String(length=16), nullable=True)),
           ('clock_pause', sa.Column('due_before', sa.Date(), nullable=True)))


def _schema() -> None:
    for table, column in COLUMNS:
        op.add_column(table, column)
    op.create_index('ix_dossier_closed_at', 'dossier', ['closed_at'])
    op.create_index('ix_clock_pause_clock_day', 'clock_pause', ['clock_id', 'paused_on'])
    op.create_table(
        'clock_extension',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('clock_id', sa.Integer(), sa.ForeignKey('stage_clock.id'), nullable=False),
        sa.Column('extended_on', sa.Date(), nullable=False),
        sa.Column('units', sa.Integer(), nullable=False),
        sa.Column('due_before', sa.Date(), nullable=True))
    op.create_index('ix_clock_extension_clock_day', 'clock_extension', ['clock_id', 'extended_on'])
    op.create_table(
        'issued_report',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('period', sa.String(length=32), nullable=False),
        sa.Column('scope', sa.String(length=64), nullable=False, server_default=''),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('issued_by', sa.String(length=64), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('data', sa.Text(), nullable=False),
        sa.Column('content_hash', sa.String(length=64), nullable=False),
        sa.Column('checkpoint_event_id', sa.Integer(), nullable=False),
        sa.Column('checkpoint', sa.String(length=64), nullable=False),
        sa.UniqueConstraint('kind', 'period', 'scope', 'version', name='uq_issued_report_version'))
    op.create_table(
        'issued_file',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('report_id', sa.Integer(), sa.ForeignKey('issued_report.id'), nullable=False, index=True),
        sa.Column('format', sa.String(length=8), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False))


def _backfill_dossier(conn: Any, cal: Any, d: Any, events: list[Any], clocks: list[int]) -> None:
    prev, due, idx = "", None, -1
    for e in events:
        prev = row_digest_v1(prev, d.code, e.seq, e.event, e.from_state, e.to_state, e.actor, _instant(e.at),
                             e.note, e.effects, e.channel, e.client)
        conn.execute(sa.text("UPDATE dossier_event SET row_hash = :h WHERE id = :id"), {"h": prev, "id": e.id})
        day = _instant(e.at).astimezone(TZ).date()
        day = day if cal is None or cal.is_working_day(day) else cal.next_working_day(day)
        for x in json.loads(e.effects) if e.effects else []:
            kind = x.get("type")
            if kind == "clock_started":
                idx, due = idx + 1, x.get("due_date")
            elif idx < 0 or idx >= len(clocks):
                continue
            elif kind == "clock_paused":
                conn.execute(sa.text("UPDATE clock_pause SET due_before = :due WHERE clock_id = :c AND "
                                     "paused_on = :on AND due_before IS NULL"),
                             {"due": due, "c": clocks[idx], "on": x.get("on")})
                due = None
            elif kind == "clock_resumed":
                due = x.get("due_date")
            elif kind == "clock_extended":
                conn.execute(sa.text("INSERT INTO clock_extension (clock_id, extended_on, units, due_before) "
                                     "VALUES (:c, :on, :u, :due)"),
                             {"c": clocks[idx], "on": day, "u": int(x.get("units") or 0), "due": due})
                due = x.get("due_date") or due
    conn.execute(sa.text("UPDATE dossier SET chain_head = :h WHERE id = :id"), {"h": prev or None, "id": d.id})


def upgrade() -> None:
    _schema()
    conn = op.get_bind()
    cal = context.config.attributes.get("calendar")
    dossiers = conn.execute(sa.text("SELECT id, code FROM dossier ORDER BY id")).fetchall()
    for d in dossiers:
        events = conn.execute(sa.text(
            "SELECT id, seq, event, from_state, to_state, actor, at, note, effects, channel, client "
            "FROM dossier_event WHERE dossier_id = :d ORDER BY seq"), {"d": d.id}).fetchall()
        clocks = [r[0] for r in conn.execute(sa.text("SELECT id FROM stage_clock WHERE dossier_id = :d ORDER BY seq"),
                                             {"d": d.id}).fetchall()]
        _backfill_dossier(conn, cal, d, events, clocks)


def downgrade() -> None:
    op.drop_table('issued_file')
    op.drop_table('issued_report')
    op.drop_index('ix_clock_extension_clock_day', table_name='clock_extension')
    op.drop_table('clock_extension')
    op.drop_index('ix_clock_pause_clock_day', table_name='clock_pause')
    op.drop_index('ix_dossier_closed_at', table_name='dossier')
    for table, column in reversed(COLUMNS):
        op.execute(f'ALTER TABLE {table} DROP COLUMN {column.name}')
