"""the progress table's look-ups per project from indexes alone: its plan and its latest figures

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01

- ``ix_capital_plan_project_year_day``: ``capital_plan (project_id, year, decided_on, amount)``, in place
  of ``ix_capital_plan_project_year`` (``project_id, year``, 0009), which it begins with: a project's plan
  of a year decided by a day is summed from the index.
- ``ix_disbursement_project_day_cumulative``: ``disbursement (project_id, on_date, cumulative)``: a
  project's latest cumulative figure by a day is the last entry of its range, without the table's row
  (``uq_disbursement_project_day`` stays: it keeps one figure per project and day).

The progress table, the monthly report's capital section and the evaluation seek these once per project
(engine.store.capital): 100,000 projects, three look-ups each.
"""
from __future__ import annotations

from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_capital_plan_project_year_day', 'capital_plan',
                    ['project_id', 'year', 'decided_on', 'amount'])
    op.drop_index('ix_capital_plan_project_year', table_name='capital_plan')
    op.create_index('ix_disbursement_project_day_cumulative', 'disbursement',
                    ['project_id', 'on_date', 'cumulative'])


def downgrade() -> None:
    op.drop_index('ix_disbursement_project_day_cumulative', table_name='disbursement')
    op.create_index('ix_capital_plan_project_year', 'capital_plan', ['project_id', 'year'])
    op.drop_index('ix_capital_plan_project_year_day', table_name='capital_plan')
