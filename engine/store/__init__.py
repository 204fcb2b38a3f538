"""Persistence: the database and its unit of work, the codecs (placeholders, date/time formats), the
named SQL and repositories (dossiers, people, alerts, outbox, lease, the metrics' read model), the
row mappers, the SQLModel tables and the Alembic migrations."""
