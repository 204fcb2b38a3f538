"""who is acting: accounts, sessions, personal API tokens, the audit log; the channel of each act

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

- ``account``: one per person who may sign in (Argon2id hash, failed sign-ins, lock-out, disabled);
- ``web_session``: signed-in browsers (the SHA-256 of the cookie's value, never the value itself),
  idle expiry, the CSRF token bound to it;
- ``api_token``: personal tokens (their SHA-256), named, revocable, last use;
- ``audit_log``: sign-ins, failures, lock-outs, sign-outs, password changes, tokens and their use;
- ``dossier_event.channel`` and ``client``: through which channel (web, api, cli, import, scheduler,
  demo) and from which address each act came (empty on the rows before this revision).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('client', sa.String(length=64), nullable=True))
    op.create_table(
        'account',
        sa.Column('person_id', sa.String(length=64), sa.ForeignKey('person.id'), primary_key=True),
        sa.Column('password_hash', sa.Text(), nullable=True),
        _ts('password_set_at', True),
        sa.Column('failed_count', sa.Integer(), nullable=False, server_default='0'),
        _ts('locked_until', True),
        sa.Column('disabled', sa.Boolean(), nullable=False, server_default=sa.false()),
        _ts('created_at'))
    op.create_table(
        'web_session',
        sa.Column('id', sa.String(length=64), primary_key=True),
        sa.Column('person_id', sa.String(length=64), sa.ForeignKey('person.id'), nullable=False, index=True),
        sa.Column('csrf_token', sa.String(length=64), nullable=False),
        _ts('created_at'), _ts('last_seen_at'), _ts('ended_at', True),
        sa.Column('client', sa.String(length=64), nullable=True),
        sa.Column('user_agent', sa.String(length=300), nullable=True))
    op.create_table(
        'api_token',
        sa.Column('id', sa.Integer(), primary_key=True),
        sa.Column('person_id', sa.String(length=64), sa.ForeignKey('person.id'), nullable=False, index=True),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False, unique=True),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        _ts('created_at'), _ts('last_used_at', True), _ts('revoked_at', True))
    op.create_table(
        'audit_log',
        sa.Column('id', sa.Integer(), primary_key=True),
        _ts('at'),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('person_id', sa.String(length=64), nullable=True),
        sa.Column('actor', sa.String(length=64), nullable=True),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('client', sa.String(length=64), nullable=True),
        sa.Column('detail', sa.Text(), nullable=True))
    op.create_index('ix_audit_log_at', 'audit_log', ['at'])
    op.create_index('ix_audit_log_person_at', 'audit_log', ['person_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_audit_log_person_at', table_name='audit_log')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    for table in ('audit_log', 'api_token', 'web_session', 'account'):
        op.drop_table(table)
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.drop_column('client')
        batch_op.drop_column('channel')
