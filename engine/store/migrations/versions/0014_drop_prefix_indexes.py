"""two indexes that others begin with: one write less for each on every fire

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

- ``ix_stage_clock_dossier_id`` (``stage_clock (dossier_id)``, 0001): ``ix_stage_clock_dossier_span``
  (0013) begins with ``dossier_id`` and answers every look-up of a dossier's clocks.
- ``ix_clock_pause_clock_id`` (``clock_pause (clock_id)``, 0001): ``ix_clock_pause_clock_day``
  (``clock_id, paused_on``) begins with it.

A fire that starts, pauses or finishes a clock wrote both of each pair; now one (bench/run.py).
"""
from __future__ import annotations

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_stage_clock_dossier_id', table_name='stage_clock')
    op.drop_index('ix_clock_pause_clock_id', table_name='clock_pause')


def downgrade() -> None:
    op.create_index('ix_clock_pause_clock_id', 'clock_pause', ['clock_id'], unique=False)
    op.create_index('ix_stage_clock_dossier_id', 'stage_clock', ['dossier_id'], unique=False)
