"""stage dimensions on the clock: division, officer, workflow; one covering index for the metrics

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

The metrics group stage cases by division, officer, workflow and stage. Until now the division,
officer and workflow were read from ``dossier`` through a join: one row lookup per stage case (at a
million dossiers, a month's 170,000 finished stages cost about 0.4 s of lookups) and a sort of every
row for the GROUP BY. This revision copies them onto ``stage_clock`` (the engine fills them when it
starts a clock), fills them for the clocks already there, and replaces the covering indexes of 0003 with
one, ``ix_stage_clock_finished_dims``: finishing day, then the dimensions, then the turnaround. A
GROUP BY on that prefix reads the index in order, so a period's stages are grouped as they are read,
with no sort and no lookup. The same index answers the backlog (stages finished after a period, and the
open ones, whose ``finished_on`` is NULL) and the campaign trend.

Dropped: ``ix_stage_clock_finished`` (a prefix of the new index), ``ix_stage_clock_finished_cover``,
``ix_stage_clock_dossier_cover``, ``ix_dossier_division_officer`` (the year's evaluation no longer walks
the dossiers) and ``ix_stage_clock_open_due``: every clock by due date, which led the planner to read
every stage ever due before a day (nearly the whole table) where it wanted the open ones; the open
clocks by due date are ``ix_stage_clock_open_only`` (0002). ``ix_stage_clock_dossier_id`` stays for the
per-dossier reads. Every clock is written with one index fewer than before.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: spelt out (a migration does not import the models, which change later)
FINISHED_DIMS = ("finished_on", "division", "officer", "workflow_id", "stage", "turnaround_working_days",
                 "turnaround_days", "unit", "start_date", "outcome", "pause_count", "paused_days", "limit_units",
                 "due_date", "dossier_id")
FINISHED_COVER = ("finished_on", "outcome", "pause_count", "dossier_id", "stage", "start_date", "due_date",
                  "paused_days", "unit", "limit_units", "turnaround_working_days", "turnaround_days")
DOSSIER_COVER = ("dossier_id", "finished_on", "outcome", "pause_count", "unit", "limit_units",
                 "turnaround_working_days", "turnaround_days")
DIMS = ("division", "officer", "workflow_id")


def upgrade() -> None:
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_clock_dossier_cover')
        batch_op.drop_index('ix_stage_clock_finished_cover')
        batch_op.drop_index('ix_stage_clock_finished')
        batch_op.drop_index('ix_stage_clock_open_due')
        batch_op.add_column(sa.Column('division', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('officer', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('workflow_id', sa.String(length=64), nullable=True))
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index('ix_dossier_division_officer')
    # one statement, before the index exists (filling an indexed column would update the index too)
    op.execute("UPDATE stage_clock SET (division, officer, workflow_id) = "
               "(SELECT d.division, d.officer, d.workflow_id FROM dossier d WHERE d.id = stage_clock.dossier_id)")
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.create_index('ix_stage_clock_finished_dims', list(FINISHED_DIMS), unique=False)


def downgrade() -> None:
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_clock_finished_dims')
    # plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch copy of the table would have to drop
    # stage_clock, which the foreign keys of clock_pause and alert refuse
    for column in reversed(DIMS):
        op.execute(f'ALTER TABLE stage_clock DROP COLUMN {column}')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index('ix_dossier_division_officer', ['division', 'officer'], unique=False)
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.create_index('ix_stage_clock_finished', ['finished_on'], unique=False)
        batch_op.create_index('ix_stage_clock_open_due', ['due_date', 'finished_on'], unique=False)
        batch_op.create_index('ix_stage_clock_finished_cover', list(FINISHED_COVER), unique=False)
        batch_op.create_index('ix_stage_clock_dossier_cover', list(DOSSIER_COVER), unique=False)
