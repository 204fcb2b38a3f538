"""the handovers of a dossier, found by index: who held a stage at a period's end

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01

- ``ix_dossier_event_handover``: a partial index on ``dossier_event (dossier_id, at)`` over the rows
  whose events hand the dossier to another officer (``dossier_handed_over`` in ``effects``). A period's
  backlog names the officer who held each open stage on its last day: whom the first handover after
  the period took the dossier from (engine.store.asof). With this index that question is a look-up in
  a small index for each open stage, and no read of the history rows of a dossier never handed over.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

HANDOVER = sa.text("effects LIKE '%dossier_handed_over%'")


def upgrade() -> None:
    op.create_index('ix_dossier_event_handover', 'dossier_event', ['dossier_id', 'at'],
                    sqlite_where=HANDOVER, postgresql_where=HANDOVER)


def downgrade() -> None:
    op.drop_index('ix_dossier_event_handover', 'dossier_event', sqlite_where=HANDOVER, postgresql_where=HANDOVER)
