"""Revision 0008 on a database with histories (SQLite and PostgreSQL): a database taken back to 0007 (no
chain, no due dates before pauses, no extension rows) and upgraded again gets the very digests the engine
wrote, the same due dates before each pause and extension, and verifies clean; the engine then goes on
from the backfilled chain."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from conftest import SAMPLE_ORG
from test_stage_turnaround import fresh_url  # noqa: F401  (a fixture)
from test_verify import build_rich_set

from engine.bootstrap import App
from engine.domain.clock import FixedClock
from engine.domain.commands import Fire
from engine.io.settings import Settings
from engine.store.migrate import alembic_config, current_revision, head_revision, upgrade

WRITTEN = {
    "digests": "SELECT d.code, e.seq, e.row_hash FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id",
    "heads": "SELECT code, chain_head FROM dossier",
    "pauses": "SELECT d.code, c.seq, p.paused_on, p.due_before FROM clock_pause p JOIN stage_clock c ON "
              "c.id = p.clock_id JOIN dossier d ON d.id = c.dossier_id",
    "extensions": "SELECT d.code, c.seq, x.extended_on, x.units, x.due_before FROM clock_extension x JOIN stage_clock "
                  "c ON c.id = x.clock_id JOIN dossier d ON d.id = c.dossier_id",
}


def written(engine: sa.Engine) -> dict[str, set[tuple[Any, ...]]]:
    with engine.connect() as c:
        return {name: {tuple(r) for r in c.execute(sa.text(sql))} for name, sql in WRITTEN.items()}


def test_upgrade_from_0007_backfills_the_chain_and_the_database_verifies(
        fresh_url: str, clock: FixedClock, tmp_path: Path) -> None:  # noqa: F811
    app = App(Settings().with_(database_url=fresh_url, mail_dir=tmp_path / "thu-di"), clock)
    try:
        app.init()
        app.services.load_org(SAMPLE_ORG)
        build_rich_set(app, clock)
        before = written(app.engine)
        assert len(before["extensions"]) >= 2 and all(r[3] for r in before["pauses"])
        command.downgrade(alembic_config(app.engine, app.calendar), "0007")
        assert current_revision(app.database.url) == "0007"
        assert "row_hash" not in {c["name"] for c in sa.inspect(app.engine).get_columns("dossier_event")}
        assert upgrade(app.database.url, app.calendar) == head_revision()
        assert written(app.engine) == before
        report = app.verification.run()
        assert report.problems == [] and report.dossiers == 37
        app.services.fire(Fire(code="D2", event="approve", actor="tp.nguyen", at="2024-04-05"))
        again = app.verification.run()
        assert again.ok and again.rows == report.rows + 1
    finally:
        app.close()
