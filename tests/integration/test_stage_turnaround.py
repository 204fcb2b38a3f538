"""The turnaround the engine stores on a finished stage clock (revision 0003), on SQLite and PostgreSQL.

- the stored columns hold the hand-computed values of the fixed set (test_metrics_fixed_set) and equal
  what the metrics computed in SQL before they were stored (a temporary working-day table joined to the
  clock's dates and its pauses: the reference query is kept here verbatim);
- upgrading a database at revision 0002 whose clocks are already finished fills them (backfill).
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from acts import note_for
from test_metrics_fixed_set import build_fixed_set

from engine.bootstrap import App
from engine.domain import deadlines
from engine.domain.commands import Fire, Receive
from engine.io.settings import Settings
from engine.store.migrate import current_revision, head_revision, upgrade

# (code, stage) -> (paused working days, turnaround in working days, in days): see test_metrics_fixed_set
EXPECTED = {
    ("D1", "appraisal"): (0, 4, 6), ("D1", "post_basic_design"): (0, 16, 22),
    ("D2", "appraisal"): (4, 11, 15), ("D2", "post_basic_design"): (0, None, None),
    ("D3", "appraisal"): (4, 5, 7), ("D3", "post_basic_design"): (0, 7, 11),
    ("D4", "design_appraisal"): (0, 24, 41),
    ("D6", "appraisal"): (18, 1, 1),
    ("D7", "design_appraisal"): (0, None, None),
    ("D5", "appraisal"): (4, 16, 22),
}

STORED = ("SELECT d.code, c.stage, c.paused_working_days, c.turnaround_working_days, c.turnaround_days "
          "FROM stage_clock c JOIN dossier d ON d.id = c.dossier_id")

# what engine/metrics.py computed before revision 0003, against a temporary working-day table
OLD_SQL = (
    "SELECT d.code, c.stage, "
    "((f.wd - s.wd) - CASE WHEN c.pause_count > 0 THEN COALESCE((SELECT SUM(r.wd - p.wd) "
    "FROM clock_pause cp JOIN tmp_wd_ref p ON p.day = cp.paused_on "
    "JOIN tmp_wd_ref r ON r.day = cp.resumed_on WHERE cp.clock_id = c.id), 0) ELSE 0 END), "
    "((f.ord - s.ord) - c.paused_days) "
    "FROM stage_clock c JOIN dossier d ON d.id = c.dossier_id "
    "JOIN tmp_wd_ref s ON s.day = c.start_date JOIN tmp_wd_ref f ON f.day = c.finished_on "
    "WHERE c.finished_on IS NOT NULL")


def stored(engine: sa.Engine) -> dict[tuple[str, str], tuple[Any, ...]]:
    with engine.connect() as c:
        return {(r[0], r[1]): tuple(r[2:]) for r in c.execute(sa.text(STORED))}


def working_day_numbers(cal: Any) -> dict[int, int]:
    """Day ordinal -> working days up to and including it, over the calendar's span."""
    return {o: cal.working_day_number(dt.date.fromordinal(o)) for o in range(cal.first.toordinal(),
                                                                             cal.last.toordinal() + 1)}


def old_sql(app: App) -> dict[tuple[str, str], tuple[int, int]]:
    pg = app.engine.dialect.name == "postgresql"
    rows = [(dt.date.fromordinal(o) if pg else dt.date.fromordinal(o).isoformat(), o, wd)
            for o, wd in working_day_numbers(app.calendar).items()]
    mark = "%s" if pg else "?"
    with app.engine.connect() as c:
        c.exec_driver_sql("CREATE TEMP TABLE tmp_wd_ref (day DATE PRIMARY KEY, ord INTEGER NOT NULL, "
                          "wd INTEGER NOT NULL)")
        c.exec_driver_sql(f"INSERT INTO tmp_wd_ref (day, ord, wd) VALUES ({mark}, {mark}, {mark})",
                          rows)  # type: ignore[arg-type]
        out = {(r[0], r[1]): (int(r[2]), int(r[3])) for r in c.execute(sa.text(OLD_SQL))}
        c.rollback()
    return out


def test_finished_clocks_store_their_turnaround(app: Any) -> None:
    build_fixed_set(app)
    got = stored(app.engine)
    assert got == EXPECTED
    old = old_sql(app)
    assert old == {k: v[1:] for k, v in EXPECTED.items() if v[1] is not None}
    assert old == {k: v[1:] for k, v in got.items() if v[1] is not None}


def test_the_clock_read_back_for_firing_keeps_its_paused_working_days(app: Any) -> None:
    """A pause's working days accumulate across transactions (pause, resume, pause, resume, finish)."""
    s = app.services
    s.receive(Receive(workflow="project-appraisal", code="P1", name="Dự án P1", investor="Ban QLDA tỉnh", group="C",
              grade="III", division="QLXD", officer="cv.pham", at="2024-03-01"))
    for event, at in (("request_supplement", "2024-03-04"), ("receive_supplement", "2024-03-06"),
                      ("accept", "2024-03-07"), ("request_supplement", "2024-03-08")):
        s.fire(Fire(code="P1", event=event, note=note_for(event), actor="cv.pham", at=at))
    assert stored(app.engine)[("P1", "appraisal")] == (2, None, None)
    s.fire(Fire(code="P1", event="receive_supplement", actor="cv.pham", at="2024-03-12"))
    s.fire(Fire(code="P1", event="pass_appraisal", actor="cv.pham", at="2024-03-14"))
    assert stored(app.engine)[("P1", "appraisal")] == (4, 5, 7)
    assert s.show("P1")["clocks"][0]["outcome"] == "early"


def test_finish_is_pure_arithmetic_on_the_calendar() -> None:
    cal = App(Settings()).calendar
    D = dt.date
    c = deadlines.start_clock("appraisal", 1, 10, "working_days", "resume", 0, D(2024, 6, 3), cal)
    c = deadlines.pause(c, D(2024, 6, 6), cal)
    c = deadlines.finish(c, D(2024, 6, 10), "return", cal)  # closed while paused: not judged
    assert (c.outcome, c.paused_days, c.paused_working_days) == (None, 4, 2)
    assert (c.turnaround_working_days, c.turnaround_days) == (3, 3)


# -- the migration -------------------------------------------------------------------------------
@pytest.fixture
def fresh_url(backend: str, tmp_path: Path) -> Any:
    """An empty database of its own (the migration test goes down to 0002 and back up)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'mig.db'}"
        return
    from conftest import PG_URL

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"thamdinh_mig_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_upgrade_from_0002_backfills_finished_clocks(fresh_url: str, clock: Any, tmp_path: Path) -> None:
    from alembic import command
    from conftest import SAMPLE_ORG

    from engine.store.migrate import alembic_config

    app = App(Settings().with_(database_url=fresh_url, mail_dir=tmp_path / "thu-di"), clock)
    try:
        app.init()
        app.services.load_org(SAMPLE_ORG)
        build_fixed_set(app)
        # the same history in a database at 0002: the columns did not exist
        command.downgrade(alembic_config(app.engine, app.calendar), "0002")
        assert current_revision(app.database.url) == "0002"
        cols = {c["name"] for c in sa.inspect(app.engine).get_columns("stage_clock")}
        assert "turnaround_days" not in cols
        assert upgrade(app.database.url, app.calendar, "0003") == "0003"
        assert stored(app.engine) == EXPECTED
        idx = {i["name"] for i in sa.inspect(app.engine).get_indexes("stage_clock")}
        assert {"ix_stage_clock_finished_cover", "ix_stage_clock_dossier_cover"} <= idx
        assert upgrade(app.database.url, app.calendar) == head_revision()
        assert stored(app.engine) == EXPECTED
        # and the engine goes on from there: D2's open design stage finishes with the right figures
        app.services.fire(Fire(code="D2", event="approve", actor="tp.nguyen", at="2024-04-05"))
        assert stored(app.engine)[("D2", "post_basic_design")] == (0, 10, 14)
    finally:
        app.close()


def test_backfill_on_an_empty_table_is_a_no_op(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    app = App(Settings().with_(database_url=f"sqlite:///{db}"))
    try:
        assert upgrade(app.database.url, app.calendar) == head_revision()
        assert stored(app.engine) == {}
    finally:
        app.close()
