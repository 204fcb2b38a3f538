"""stage turnaround stored on the clock: paused working days, turnaround in working days and days

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

A finished stage never changes, so the engine now stores its metric inputs when it closes the clock
(engine/deadlines.py). This revision adds the columns, fills them for the clocks already in the
database (in chunks, with the working-day calendar of the rule files in force: the shipped one plus any
``THAMDINH_RULES_PATH`` override, the calendar the engine counts with, which ``engine.store.migrate``
hands over in the Alembic config's attributes) and adds the indexes the
metrics read without touching the table: ``ix_stage_clock_finished_cover`` (the stages finished in a
period, in finishing order), ``ix_stage_clock_dossier_cover`` and ``ix_dossier_division_officer`` (the
year's evaluation walks the dossiers in (division, officer) order: no sort of a year of stages).

- ``paused_working_days`` (every clock that has been paused): Σ over its finished pauses of the
  working days after the pause day up to and including the resumption (or closing) day;
- ``turnaround_working_days``, ``turnaround_days`` (finished clocks): working days after the start
  day up to and including the finishing day minus ``paused_working_days``; calendar days minus
  ``paused_days``.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

CHUNK = 20_000
#: the covering indexes, spelt out (a migration does not import the models, which change later)
FINISHED_COVER = ("finished_on", "outcome", "pause_count", "dossier_id", "stage", "start_date", "due_date",
                  "paused_days", "unit", "limit_units", "turnaround_working_days", "turnaround_days")
DOSSIER_COVER = ("dossier_id", "finished_on", "outcome", "pause_count", "unit", "limit_units",
                 "turnaround_working_days", "turnaround_days")


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _calendar() -> Any:
    """The working-day calendar the engine counts with, handed over by engine.store.migrate."""
    from alembic import context

    cal = context.config.attributes.get("calendar")
    if cal is None:
        raise RuntimeError("revision 0003 needs the working-day calendar: run it through engine.store.migrate")
    return cal


def backfill(conn: Any, cal: Any) -> int:
    """Fill the three columns of every clock that needs them; returns the clocks updated."""
    lo = conn.execute(sa.text("SELECT MIN(id) FROM stage_clock")).scalar()
    hi = conn.execute(sa.text("SELECT MAX(id) FROM stage_clock")).scalar()
    if lo is None:
        return 0
    update = sa.text("UPDATE stage_clock SET paused_working_days = :pwd, turnaround_working_days = :twd, "
                     "turnaround_days = :td WHERE id = :id")
    done = 0
    for start in range(int(lo), int(hi) + 1, CHUNK):
        end = start + CHUNK - 1
        pauses: dict[int, int] = defaultdict(int)
        for cid, p_on, r_on in conn.execute(sa.text(
                "SELECT clock_id, paused_on, resumed_on FROM clock_pause "
                "WHERE clock_id BETWEEN :a AND :b AND resumed_on IS NOT NULL"), {"a": start, "b": end}):
            pauses[int(cid)] += cal.working_days_between(_day(p_on), _day(r_on))
        rows = []
        for cid, start_date, finished_on, paused_days in conn.execute(sa.text(
                "SELECT id, start_date, finished_on, paused_days FROM stage_clock "
                "WHERE id BETWEEN :a AND :b"), {"a": start, "b": end}):
            pwd = pauses.get(int(cid), 0)
            twd = td = None
            if finished_on is not None:
                s, f = _day(start_date), _day(finished_on)
                twd = cal.working_days_between(s, f) - pwd
                td = (f - s).days - int(paused_days or 0)
            rows.append({"id": int(cid), "pwd": pwd, "twd": twd, "td": td})
        if rows:
            conn.execute(update, rows)
            done += len(rows)
    return done


def upgrade() -> None:
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paused_working_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('turnaround_working_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('turnaround_days', sa.Integer(), nullable=True))
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM stage_clock LIMIT 1")).first() is not None:
        backfill(conn, _calendar())
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.create_index('ix_stage_clock_finished_cover', list(FINISHED_COVER), unique=False)
        batch_op.create_index('ix_stage_clock_dossier_cover', list(DOSSIER_COVER), unique=False)
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_division_officer', ['division', 'officer'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_division_officer')
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_clock_dossier_cover')
        batch_op.drop_index('ix_stage_clock_finished_cover')
    # plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of the table would have to drop
    # stage_clock, which the foreign keys of clock_pause and alert refuse
    for column in ('turnaround_days', 'turnaround_working_days', 'paused_working_days'):
        op.execute(f'ALTER TABLE stage_clock DROP COLUMN {column}')
