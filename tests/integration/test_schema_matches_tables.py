"""The migrations build exactly the schema the SQLModel tables declare (Alembic's autogenerate finds
nothing to add or drop), on SQLite and PostgreSQL, and the newest revision downgrades and upgrades again."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from engine.bootstrap import App
from engine.store import tables, tables_access, tables_movement, tables_records  # noqa: F401
from engine.store.migrate import alembic_config, head_revision


def _differences(app: App) -> list[object]:
    with app.engine.connect() as conn:
        found = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    return [d for d in found if "apscheduler" not in str(d)]  # the scheduler's job store owns its table


def test_the_migrations_build_the_declared_schema(app: App) -> None:
    assert _differences(app) == []


def test_the_newest_revision_downgrades_and_upgrades_again(app: App) -> None:
    head = head_revision()
    cfg = alembic_config(app.engine, app.rules.calendar)
    command.downgrade(cfg, "-1")
    command.upgrade(cfg, "head")
    with app.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head
    assert _differences(app) == []
