"""a folded search text on every dossier: search without accents, on SQLite and PostgreSQL alike

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01

- ``dossier.search_text``: the dossier's code, project name and investor, lower-cased, without
  diacritics and with «đ» as «d» (engine/domain/folding.py), so «duong» finds «Đường»; written when a
  dossier is received and filled here for the dossiers already there. A search compares a folded
  query with it (``LIKE``, the same on both databases); a scan of this one narrow column stays
  under the pages' budget at 100,000 dossiers (bench/web_bench.py);
- ``ix_dossier_search_text``: on PostgreSQL a trigram index (the ``pg_trgm`` extension, trusted since
  PostgreSQL 13, so the database's owner creates it) that answers ``LIKE '%…%'`` without a scan; on
  SQLite a plain index, which a count of the matches scans instead of the table.
"""
from __future__ import annotations

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

_D = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})
_BATCH = 2000


def fold_v1(value: str | None) -> str:
    """engine.domain.folding.fold, frozen here (a test keeps the two equal)."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_D))
    return " ".join("".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold().split())


def search_text_v1(code: str, project_name: str, investor: str) -> str:
    return " | ".join(fold_v1(x) for x in (code, project_name, investor))


def upgrade() -> None:
    op.add_column('dossier', sa.Column('search_text', sa.Text(), nullable=True))
    bind = op.get_bind()
    dossier = sa.table('dossier', sa.column('id', sa.Integer), sa.column('code', sa.String),
                       sa.column('project_name', sa.String), sa.column('investor', sa.String),
                       sa.column('search_text', sa.Text))
    last = 0
    while True:
        rows = bind.execute(sa.select(dossier.c.id, dossier.c.code, dossier.c.project_name, dossier.c.investor)
                            .where(dossier.c.id > last).order_by(dossier.c.id).limit(_BATCH)).fetchall()
        if not rows:
            break
        bind.execute(sa.update(dossier).where(dossier.c.id == sa.bindparam('b_id'))
                     .values(search_text=sa.bindparam('b_text')),
                     [{'b_id': r[0], 'b_text': search_text_v1(r[1], r[2], r[3])} for r in rows])
        last = rows[-1][0]


    if bind.dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index('ix_dossier_search_text', 'dossier', ['search_text'], postgresql_using='gin',
                    postgresql_ops={'search_text': 'gin_trgm_ops'})


def downgrade() -> None:
    op.drop_index('ix_dossier_search_text', table_name='dossier')
    op.drop_column('dossier', 'search_text')
