"""the open-clock index also orders the paused clocks by the day they were paused

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

The scan's check of the investor's answer window (engine/alerts.py, ``answer_overdue``) reads the
open clocks that are paused (no due date) and were paused on or before a day. With
``ix_stage_clock_open_only`` on (due_date) alone, every paused clock's row had to be read to learn
its pause day; on (due_date, paused_on) those clocks are one range of the index.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OPEN = sa.text('finished_on IS NULL')


def upgrade() -> None:
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_clock_open_only', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_stage_clock_open_only', ['due_date', 'paused_on'], unique=False,
                              sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_clock_open_only', sqlite_where=OPEN, postgresql_where=OPEN)
        batch_op.create_index('ix_stage_clock_open_only', ['due_date'], unique=False,
                              sqlite_where=OPEN, postgresql_where=OPEN)
