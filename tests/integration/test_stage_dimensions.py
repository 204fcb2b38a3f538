"""The division, officer and workflow a stage clock carries (revision 0004), on SQLite and PostgreSQL.

- every clock the engine starts (at receipt and on a transition) copies its dossier's dimensions;
- upgrading a database at 0003 fills them for the clocks already there;
- on SQLite the metrics read ``stage_clock`` only through its covering index, never the table, and
  group a period's rows as they are read (at most one sort for a GROUP BY, of the per-day groups).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from test_metrics_fixed_set import build_fixed_set
from test_stage_turnaround import fresh_url  # noqa: F401  (a fixture)

from engine.bootstrap import App
from engine.io.settings import Settings
from engine.reporting.metrics import session
from engine.reporting.periods import Period
from engine.store.database import UnitOfWork
from engine.store.migrate import current_revision, head_revision, upgrade

DIMS_SQL = ("SELECT d.code, c.stage, c.division, c.officer, c.workflow_id, d.division, d.officer, d.workflow_id "
            "FROM stage_clock c JOIN dossier d ON d.id = c.dossier_id ORDER BY d.code, c.seq")


def clock_dims(engine: sa.Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(DIMS_SQL))]


def test_every_clock_carries_its_dossiers_dimensions(app: App) -> None:
    build_fixed_set(app)
    rows = clock_dims(app.engine)
    # receipt clocks and clocks started by a transition (the design stages: D1, D2, D3, D7...)
    assert {r[1] for r in rows} >= {"appraisal", "post_basic_design", "design_appraisal"}
    assert len(rows) >= 10
    for code, stage, *dims in rows:
        assert dims[:3] == dims[3:], (code, stage)
        assert dims[0] is not None and dims[2] is not None
    assert ("D4", "design_appraisal", "HTKT", "cv.duong", "post-basic-design") in {r[:5] for r in rows}


def test_upgrade_from_0003_fills_the_dimensions(fresh_url: str, clock: Any, tmp_path: Path) -> None:  # noqa: F811
    from alembic import command
    from conftest import SAMPLE_ORG

    from engine.store.migrate import alembic_config

    app = App(Settings().with_(database_url=fresh_url, mail_dir=tmp_path / "thu-di"), clock)
    try:
        app.init()
        app.services.load_org(SAMPLE_ORG)
        build_fixed_set(app)
        before = clock_dims(app.engine)
        command.downgrade(alembic_config(app.engine, app.calendar), "0003")
        assert current_revision(app.database.url) == "0003"
        assert "division" not in {c["name"] for c in sa.inspect(app.engine).get_columns("stage_clock")}
        assert upgrade(app.database.url, app.calendar) == head_revision()
        assert clock_dims(app.engine) == before
        idx = {i["name"] for i in sa.inspect(app.engine).get_indexes("stage_clock")}
        assert "ix_stage_clock_finished_dims" in idx
        assert not idx & {"ix_stage_clock_finished_cover", "ix_stage_clock_dossier_cover", "ix_stage_clock_finished"}
        # the metrics of the upgraded database are those of the fixed set (test_metrics_fixed_set)
        with session(app.database, app.calendar) as ms:
            total = ms.table(Period.month("2024-03"), [])[0]
        assert (total["received"], total["finished"], total["early"], total["on_time"], total["late"],
                total["not_judged"], total["wd_median"]) == (7, 7, 3, 1, 2, 1, 7.0)
    finally:
        app.close()


def test_sqlite_metrics_read_the_covering_index_only(sqlite_app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every statement the monthly report and the evaluation run, explained: ``stage_clock`` is only
    ever searched through ix_stage_clock_finished_dims (no table scan, no row lookup), the dossier only
    by primary key (the overdue list's names), and each statement sorts at most once."""
    app = sqlite_app
    build_fixed_set(app)
    seen: list[tuple[str, Any]] = []
    original = UnitOfWork.execute

    def record(self: UnitOfWork, statement: str, parameters: Any = ()) -> Any:
        if "stage_clock" in statement:
            seen.append((statement, parameters))
        return original(self, statement, parameters)

    monkeypatch.setattr(UnitOfWork, "execute", record)
    app.reports.monthly("2024-03")
    app.reports.monthly("2024-03", division="QLXD")
    with session(app.database, app.calendar) as ms:
        ms.evaluation_totals(Period(Period.month("2024-02").start, Period.month("2024-12").end, "năm"))
    monkeypatch.undo()
    assert len(seen) >= 8
    with app.database.reading() as uow:
        for statement, parameters in seen:
            plan = [str(r[3]) for r in uow.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()]
            for line in plan:
                if line.startswith(("SCAN", "SEARCH")) and " c " in f" {line} ":
                    assert "USING COVERING INDEX ix_stage_clock_finished_dims" in line, (statement, plan)
                if line.startswith(("SCAN d", "SEARCH d")):
                    assert "INTEGER PRIMARY KEY" in line, (statement, plan)
            assert sum("TEMP B-TREE FOR GROUP BY" in line for line in plan) <= 1, "\n".join(plan)
