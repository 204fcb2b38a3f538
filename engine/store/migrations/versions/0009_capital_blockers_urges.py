"""the movement itself: projects and their capital, disbursement, blockers raised and resolved, urging

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01

- ``project``: a public-investment project (code, name, investor, capital source); ``dossier.project_id``
  links its dossiers (a feasibility study, then a design);
- ``capital_plan``: the year's assigned capital plan of a project and its adjustments, one row each
  (kind ``assigned`` or ``adjustment``; amounts in đồng, an adjustment may be negative), with the decision;
- ``disbursement``: cumulative disbursed by date per project, as a finance office reports it;
- ``blocker`` and ``blocker_update``: a difficulty (khó khăn, vướng mắc) raised on a dossier or a project,
  its cause, addressee and day raised; open → being handled → resolved, every change kept;
- ``urge``: a head's or the director's urge (đôn đốc) on a dossier or an officer, with its note, and the
  message it queued.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _capital() -> None:
    op.create_table(
        'project',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('code', sa.String(length=64), nullable=False, unique=True),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('investor', sa.Text(), nullable=False),
        sa.Column('capital_source', sa.String(length=64), nullable=True),
        sa.Column('division', sa.String(length=64), nullable=True),
        _ts('created_at'))
    op.create_table(
        'capital_plan',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('project_id', sa.Integer(), sa.ForeignKey('project.id'), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=False),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('decision', sa.String(length=200), nullable=True),
        _ts('imported_at'))
    op.create_index('ix_capital_plan_project_year', 'capital_plan', ['project_id', 'year'])
    op.create_table(
        'disbursement',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('project_id', sa.Integer(), sa.ForeignKey('project.id'), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('cumulative', sa.BigInteger(), nullable=False),
        _ts('imported_at'),
        sa.UniqueConstraint('project_id', 'on_date', name='uq_disbursement_project_day'))
    op.create_index('ix_disbursement_day', 'disbursement', ['on_date', 'project_id'])
    # a plain column (SQLite adds a column with a reference only without a table copy this way)
    op.add_column('dossier', sa.Column('project_id', sa.Integer(), nullable=True))
    op.create_index('ix_dossier_project', 'dossier', ['project_id'])


def _blockers() -> None:
    op.create_table(
        'blocker',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('dossier_id', sa.Integer(), sa.ForeignKey('dossier.id'), nullable=True),
        sa.Column('project_id', sa.Integer(), sa.ForeignKey('project.id'), nullable=True),
        sa.Column('division', sa.String(length=64), nullable=False),
        sa.Column('cause', sa.String(length=32), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('addressed_to', sa.String(length=32), nullable=False),
        sa.Column('addressee', sa.Text(), nullable=True),
        sa.Column('cause_on', sa.Date(), nullable=True),
        sa.Column('raised_on', sa.Date(), nullable=False),
        sa.Column('raised_by', sa.String(length=64), nullable=False),
        sa.Column('state', sa.String(length=16), nullable=False),
        sa.Column('resolution', sa.Text(), nullable=True),
        sa.Column('resolved_on', sa.Date(), nullable=True),
        _ts('escalated_at', True),
        _ts('updated_at'),
        sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
    op.create_index('ix_blocker_state_division', 'blocker', ['state', 'division'])
    op.create_index('ix_blocker_dossier', 'blocker', ['dossier_id'])
    op.create_index('ix_blocker_project', 'blocker', ['project_id'])
    op.create_table(
        'blocker_update',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('blocker_id', sa.Integer(), sa.ForeignKey('blocker.id'), nullable=False, index=True),
        _ts('at'),
        sa.Column('actor', sa.String(length=64), nullable=False),
        sa.Column('from_state', sa.String(length=16), nullable=True),
        sa.Column('to_state', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=True),
        sa.Column('client', sa.String(length=64), nullable=True))
    op.create_table(
        'urge',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('dossier_id', sa.Integer(), sa.ForeignKey('dossier.id'), nullable=True),
        sa.Column('officer', sa.String(length=64), sa.ForeignKey('person.id'), nullable=False),
        sa.Column('by_person', sa.String(length=64), sa.ForeignKey('person.id'), nullable=False),
        _ts('at'),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=True),
        sa.Column('client', sa.String(length=64), nullable=True),
        sa.Column('message_id', sa.Integer(), sa.ForeignKey('outbox_message.id'), nullable=True))
    op.create_index('ix_urge_dossier_at', 'urge', ['dossier_id', 'at'])
    op.create_index('ix_urge_officer_at', 'urge', ['officer', 'at'])


def upgrade() -> None:
    _capital()
    _blockers()


def downgrade() -> None:
    for index, table in (('ix_urge_officer_at', 'urge'), ('ix_urge_dossier_at', 'urge')):
        op.drop_index(index, table_name=table)
    op.drop_table('urge')
    op.drop_table('blocker_update')
    for index in ('ix_blocker_project', 'ix_blocker_dossier', 'ix_blocker_state_division'):
        op.drop_index(index, table_name='blocker')
    op.drop_table('blocker')
    op.drop_index('ix_dossier_project', table_name='dossier')
    op.execute('ALTER TABLE dossier DROP COLUMN project_id')
    op.drop_index('ix_disbursement_day', table_name='disbursement')
    op.drop_table('disbursement')
    op.drop_index('ix_capital_plan_project_year', table_name='capital_plan')
    op.drop_table('capital_plan')
    op.drop_table('project')
