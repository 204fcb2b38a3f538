"""the investor's contact on a dossier, as the receipt prints it

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01

- ``dossier_contact``: one row per dossier whose reception recorded the investor's address, phone or
  e-mail (the receipt and appointment slip of Circular 01/2018/TT-VPCP names them). A dossier without
  one has no row; nothing else reads it.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dossier_contact',
                    sa.Column('dossier_id', sa.Integer(), nullable=False),
                    sa.Column('investor_address', sa.String(length=500), nullable=True),
                    sa.Column('investor_phone', sa.String(length=32), nullable=True),
                    sa.Column('investor_email', sa.String(length=254), nullable=True),
                    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id']),
                    sa.PrimaryKeyConstraint('dossier_id'))


def downgrade() -> None:
    op.drop_table('dossier_contact')
