"""core schema: organisation, dossiers, history, stage clocks

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-25
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('division',
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('project_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('investor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('project_group', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('grade', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('capital_source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('division', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('officer', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('workflow_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('workflow_version', sa.Integer(), nullable=False),
    sa.Column('rule_version', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('resume_state', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('counters', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('supplement_requests', sa.Integer(), nullable=False),
    sa.Column('open_clock_id', sa.Integer(), nullable=True),
    sa.Column('blockers', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_event_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_code'), ['code'], unique=True)
        batch_op.create_index('ix_dossier_division_state', ['division', 'state'], unique=False)
        batch_op.create_index('ix_dossier_officer_state', ['officer', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_state'), ['state'], unique=False)

    op.create_table('person',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('division', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('roles', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_division'), ['division'], unique=False)

    op.create_table('dossier_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('event', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('from_state', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('to_state', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('clock_effect', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id', 'seq', name='uq_dossier_event_seq')
    )
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_event_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('stage_clock',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('limit_units', sa.Integer(), nullable=False),
    sa.Column('policy', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('extension', sa.Integer(), nullable=False),
    sa.Column('max_extension', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('segment_start', sa.Date(), nullable=False),
    sa.Column('used_before', sa.Integer(), nullable=False),
    sa.Column('paused_on', sa.Date(), nullable=True),
    sa.Column('pause_count', sa.Integer(), nullable=False),
    sa.Column('paused_days', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('finished_on', sa.Date(), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('closed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stage_clock_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index('ix_stage_clock_finished', ['finished_on'], unique=False)
        batch_op.create_index('ix_stage_clock_open_due', ['due_date', 'finished_on'], unique=False)

    op.create_table('clock_pause',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('clock_id', sa.Integer(), nullable=False),
    sa.Column('paused_on', sa.Date(), nullable=False),
    sa.Column('resumed_on', sa.Date(), nullable=True),
    sa.Column('resumed_how', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.ForeignKeyConstraint(['clock_id'], ['stage_clock.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('clock_pause', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clock_pause_clock_id'), ['clock_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('clock_pause', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clock_pause_clock_id'))

    op.drop_table('clock_pause')
    with op.batch_alter_table('stage_clock', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_clock_open_due')
        batch_op.drop_index('ix_stage_clock_finished')
        batch_op.drop_index(batch_op.f('ix_stage_clock_dossier_id'))

    op.drop_table('stage_clock')
    with op.batch_alter_table('dossier_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_event_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_event_at'))

    op.drop_table('dossier_event')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_division'))

    op.drop_table('person')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_state'))
        batch_op.drop_index(batch_op.f('ix_dossier_received_on'))
        batch_op.drop_index('ix_dossier_officer_state')
        batch_op.drop_index('ix_dossier_division_state')
        batch_op.drop_index(batch_op.f('ix_dossier_code'))

    op.drop_table('dossier')
    op.drop_table('division')
