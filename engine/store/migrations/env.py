"""Alembic environment: the engine (and the working-day calendar) are handed
over by engine.store.migrate (no alembic.ini needed)."""

from alembic import context
from sqlmodel import SQLModel

from engine.store import tables, tables_access, tables_movement, tables_records  # noqa: F401  (register the tables on SQLModel.metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        raise RuntimeError("run the migrations through engine.store.migrate (thamdinh init)")
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata,
                          render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
