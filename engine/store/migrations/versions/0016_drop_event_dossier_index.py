"""the history's index on dossier_id alone: uq_dossier_event_seq (dossier_id, seq) begins with it

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01

``ix_dossier_event_dossier_id`` (``dossier_event (dossier_id)``, 0001) answered nothing the unique
``uq_dossier_event_seq`` (``dossier_id, seq``) does not, in the order a dossier's history is read. Every
history row wrote both (about 1.1 WAL frames of the fire's 15, bench/run.py); and PostgreSQL planned
verify's walk of the history on the one-column index with a sort per dossier, where the unique index gives
the order itself (a part of 125,000 dossiers: 480–790 ms, 136–190 ms without it).
"""
from __future__ import annotations

from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_dossier_event_dossier_id', table_name='dossier_event')


def downgrade() -> None:
    op.create_index('ix_dossier_event_dossier_id', 'dossier_event', ['dossier_id'], unique=False)
