"""Backup and restore on SQLite and PostgreSQL: a copy taken while a writer fires events is a consistent
snapshot, restore fills an empty database only, the nightly job keeps its count of files, and a
database built by the first migration is upgraded by ``init``."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from acts import note_for
from conftest import PG_URL, SAMPLE_ORG, make_app_for, transaction

from engine.bootstrap import App
from engine.domain.clock import TZ, FixedClock
from engine.domain.commands import Fire, Receive
from engine.domain.errors import BadInput, DatabaseUnavailable, SettingsError
from engine.io.settings import Settings
from engine.store import backup as store
from engine.store.backup import NotABackup, TargetNotEmpty
from engine.store.migrate import head_revision

PLAN = ("accept", "request_supplement", "receive_supplement", "extend", "pass_appraisal")


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.fixture
def new_database(backend: str, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Factory: the address of a new, empty database (SQLite: a file not there yet; PostgreSQL: a
    private database of its own, dropped after the test)."""
    import sqlalchemy as sa

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    created: list[str] = []

    def make(name: str) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / f'{name}.db'}"
        database = f"thamdinh_bk_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{database}"')
        created.append(database)
        return sa.engine.make_url(PG_URL).set(database=database).render_as_string(hide_password=False)

    yield make
    with admin.connect() as c:
        for database in created:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    admin.dispose()


def app_on(url: str, clock: FixedClock, **settings: Any) -> App:
    return App(Settings().with_(database_url=url, **settings), clock)


def receive(app: App, code: str, **kw: Any) -> None:
    fields: dict[str, Any] = dict(workflow="project-appraisal", code=code, name=f"Dự án {code}",
                                  investor="Ban QLDA tỉnh", group="A", grade="II", division="QLXD",
                                  officer="cv.pham", at="2024-06-03")
    fields.update(kw)
    app.services.receive(Receive(**fields))


class Writer(threading.Thread):
    """Fires events through ``app.services.fire`` as the head of QLXD, dossier after dossier, until told
    to stop: each dossier through PLAN, then handed between two officers again and again."""

    def __init__(self, app: App, codes: list[str]) -> None:
        super().__init__(daemon=True)
        self.app, self.codes = app, codes
        self.fired = 0
        self.halt = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for n in itertools.count():
                if self.halt.is_set():
                    return
                code, step = self.codes[n % len(self.codes)], n // len(self.codes)
                if step < len(PLAN):
                    cmd = Fire(code=code, event=PLAN[step], note=note_for(PLAN[step]), actor="tp.nguyen")
                else:
                    cmd = Fire(code=code, event="reassign", actor="tp.nguyen", officer=("cv.pham", "cv.vo")[step % 2])
                self.app.services.fire(cmd)
                self.fired += 1
        except BaseException as exc:  # the test reports it
            self.error = exc

    def wait_for(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while self.fired < count:
            assert self.error is None, f"the writer failed: {self.error!r}"
            assert time.monotonic() < deadline, f"the writer fired {self.fired} of {count} events in {timeout} s"
            time.sleep(0.002)


def codes_of(app: App) -> list[str]:
    with transaction(app) as cur:
        cur.execute("SELECT code FROM dossier ORDER BY code")
        return [r[0] for r in cur.fetchall()]


def history(app: App, code: str) -> list[tuple[Any, ...]]:
    return [(h["seq"], h["event"], h["to"], h["actor"]) for h in app.services.show(code)["history"]]


def assert_consistent(app: App) -> dict[str, int]:
    """Every history row's and clock's dossier exists, every dossier's version is its count of history
    rows (numbered 1…version), its open clock is its own and unfinished, paused exactly when the
    dossier awaits a supplement, and no other clock is open; returns the versions by code."""
    with transaction(app) as cur:
        for child in ("dossier_event", "stage_clock"):
            cur.execute(f"SELECT COUNT(*) FROM {child} x WHERE NOT EXISTS "
                        "(SELECT 1 FROM dossier d WHERE d.id = x.dossier_id)")
            assert cur.fetchone()[0] == 0, f"{child} rows without their dossier"
        cur.execute("SELECT COUNT(*) FROM stage_clock c WHERE c.finished_on IS NULL AND NOT EXISTS "
                    "(SELECT 1 FROM dossier d WHERE d.open_clock_id = c.id)")
        assert cur.fetchone()[0] == 0, "an unfinished clock that is no dossier's open clock"
        cur.execute("SELECT COUNT(*) FROM stage_clock c WHERE c.pause_count <> "
                    "(SELECT COUNT(*) FROM clock_pause p WHERE p.clock_id = c.id)")
        assert cur.fetchone()[0] == 0, "a clock whose pause count is not its pauses"
        cur.execute("SELECT d.code, d.state, c.dossier_id = d.id, c.finished_on, c.paused_on FROM dossier d "
                    "JOIN stage_clock c ON c.id = d.open_clock_id")
        for code, state, own, finished_on, paused_on in cur.fetchall():
            assert own and finished_on is None, code
            assert (paused_on is not None) == (state == "awaiting_supplement"), code
    versions = {}
    for code in codes_of(app):
        view = app.services.show(code)
        assert len(view["history"]) == view["version"], code
        assert [h["seq"] for h in view["history"]] == list(range(1, view["version"] + 1)), code
        assert sum(1 for c in view["clocks"] if c["finished_on"] is None) == (view["clock"] is not None), code
        versions[code] = view["version"]
    return versions


# -- a copy of a live database --------------------------------------------------------------------
def test_a_backup_taken_while_a_writer_fires_events_restores_a_consistent_snapshot(
        app: App, clock: FixedClock, tmp_path: Path, new_database: Callable[[str], str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    clock.set("2024-06-12T09:00")
    for n in range(1, 31):
        receive(app, f"HS-{n:03d}")
    monkeypatch.setattr(store, "STEP_PAGES", 1)  # SQLite: a page a step, so the writer commits between steps
    writer = Writer(app, codes_of(app))
    writer.start()
    writer.wait_for(40)
    marks: dict[str, int] = {}

    def meanwhile() -> None:  # the copy's snapshot is fixed: let the writer commit 25 more events
        if not marks:
            marks["snapshot"] = writer.fired
            writer.wait_for(writer.fired + 25)

    before = writer.fired
    result = app.backups.backup(tmp_path / f"copy{app.backups.extension}", on_step=meanwhile)
    writer.wait_for(writer.fired + 10)  # and the application goes on writing after the copy
    writer.halt.set()
    writer.join(30)
    assert writer.error is None and not writer.is_alive()
    live = assert_consistent(app)
    assert (result["dossiers"], result["people"], result["revision"]) == (30, 13, head_revision())

    restored = app_on(new_database("restored"), clock)
    done = restored.backups.restore(Path(result["file"]))
    assert (done["revision"], done["upgrade_needed"], done["dossiers"]) == (head_revision(), False, 30)
    copied = assert_consistent(restored)
    fires = sum(copied.values()) - len(copied)  # the receipts aside
    assert before <= fires <= marks["snapshot"] + 1  # the writer's events up to the snapshot, none after
    assert sum(live.values()) - len(live) >= marks["snapshot"] + 35
    for code in copied:  # each dossier as it stood at the snapshot: a prefix of its history now
        assert history(restored, code) == history(app, code)[:copied[code]]
        assert copied[code] <= live[code]
    verified = restored.verification.run()  # its chains and clocks are whole: thamdinh verify passes
    assert verified.problems == [] and (verified.dossiers, verified.rows) == (30, sum(copied.values()))
    receive(restored, "HS-NEW")  # the restored database takes new work (ids and sequences follow on)
    restored.services.fire(Fire(code="HS-NEW", event="accept", actor="cv.pham"))
    assert restored.services.show("HS-NEW")["version"] == 2
    restored.close()


# -- what restore refuses ----------------------------------------------------------------------------
def test_restore_refuses_a_target_that_holds_dossiers_or_people_and_leaves_it_as_it_was(
        app: App, clock: FixedClock, tmp_path: Path, new_database: Callable[[str], str]) -> None:
    receive(app, "HS-1")
    copy = Path(app.backups.backup(tmp_path / f"copy{app.backups.extension}")["file"])
    with pytest.raises(TargetNotEmpty) as err:
        app.backups.restore(copy)  # the live database itself: dossiers and people
    assert err.value.exit_code == 2 and "đã có dữ liệu (1 hồ sơ, 13 cán bộ)" in err.value.message
    assert codes_of(app) == ["HS-1"]
    people_only = app_on(new_database("people"), clock)
    people_only.init()
    people_only.services.load_org(SAMPLE_ORG)
    with pytest.raises(TargetNotEmpty, match="0 hồ sơ, 13 cán bộ"):
        people_only.backups.restore(copy)
    assert codes_of(people_only) == []
    people_only.close()
    initialised = app_on(new_database("initialised"), clock)
    initialised.init()  # an empty database made by «thamdinh init» is a fine target
    assert initialised.backups.restore(copy)["dossiers"] == 1
    assert initialised.services.show("HS-1")["version"] == 1
    initialised.close()


def test_restore_refuses_a_file_that_is_not_a_backup(app: App, backend: str, tmp_path: Path) -> None:
    text = tmp_path / "ghi-chu.txt"
    text.write_text("không phải bản sao lưu", encoding="utf-8")
    truncated = tmp_path / "hong.dump"
    truncated.write_bytes(b"PGDMP\x01\x0e\x00")
    foreign = tmp_path / "khac.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE t (x)")
    ours = truncated if backend == "postgres" else foreign  # the backend's own kind, but not ours
    for file in (text, ours):
        with pytest.raises(NotABackup) as err:
            app.backups.restore(file)
        assert err.value.exit_code == 2
        assert "không phải bản sao lưu" in err.value.message or "không đọc được" in err.value.message
    with pytest.raises(BadInput, match="Không có tệp sao lưu"):
        app.backups.restore(tmp_path / "khong-co.db")
    other = foreign if backend == "postgres" else truncated
    with pytest.raises(BadInput, match="là bản sao lưu .* còn cơ sở dữ liệu đích là"):
        app.backups.restore(other)
    assert codes_of(app) == [] and len(app.services.people()) == 13  # nothing was touched


def test_backup_refuses_to_replace_a_file_and_needs_its_folder(app: App, tmp_path: Path) -> None:
    kept = tmp_path / "ban-cu.db"
    kept.write_bytes(b"old")
    with pytest.raises(BadInput, match="đã có"):
        app.backups.backup(kept)
    assert kept.read_bytes() == b"old"
    with pytest.raises(BadInput, match="Không có thư mục"):
        app.backups.backup(tmp_path / "khong-co" / "b.db")


def test_backup_of_an_unreachable_database_is_bad_input(tmp_path: Path, clock: FixedClock) -> None:
    missing = app_on(f"sqlite:///{tmp_path / 'khong-co.db'}", clock)
    with pytest.raises(DatabaseUnavailable) as err:
        missing.backups.backup(tmp_path / "b.db")
    assert err.value.exit_code == 2 and not (tmp_path / "b.db").exists()


@pytest.mark.postgres
def test_pg_backup_of_an_unreachable_server_a_missing_pg_dump_and_an_old_one_are_bad_input(
        tmp_path: Path, clock: FixedClock, pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlalchemy as sa

    down = app_on(sa.engine.make_url(PG_URL).set(port=1).render_as_string(hide_password=False), clock)
    with pytest.raises(DatabaseUnavailable) as err:
        down.backups.backup(tmp_path / "b.dump")
    assert err.value.exit_code == 2
    live = app_on(pg_database, clock)
    tools = tmp_path / "bin"
    tools.mkdir()
    monkeypatch.setenv("PATH", str(tools))
    with pytest.raises(BadInput, match="Không tìm thấy chương trình pg_dump") as err:
        live.backups.backup(tmp_path / "b.dump")
    assert err.value.exit_code == 2
    old = tools / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 12.22'\n", encoding="utf-8")
    old.chmod(0o755)
    with pytest.raises(BadInput, match=r"pg_dump phiên bản 12 cũ hơn máy chủ PostgreSQL \d+") as err:
        live.backups.backup(tmp_path / "b.dump")
    assert not list(tmp_path.glob("*.dump*"))
    live.close()
    down.close()


# -- the nightly job -------------------------------------------------------------------------------
def test_the_nightly_job_keeps_exactly_its_count_of_files_the_newest_and_only_its_own(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> None:
    folder = tmp_path / "sao-luu"
    app = make_app_for(backend, request, tmp_path, clock, backup_dir=folder, backup_keep=3)
    app.services.load_org(SAMPLE_ORG)
    receive(app, "HS-1")
    ext, other = app.backups.extension, {".db": ".dump", ".dump": ".db"}[app.backups.extension]
    folder.mkdir()
    foreign = [f"thamdinh-2024-01-02{other}", "ghi-chu.txt", f"thamdinh-thu-cong{ext}",
               f"thamdinh-2024-01-03{ext}.bak"]
    for name in [f"thamdinh-2024-01-01{ext}", *foreign]:
        (folder / name).write_bytes(b"x")
    s = app.scheduler("A")
    t = at("2024-06-10T00:30")
    while t < at("2024-06-16T12:00"):  # a tick every three hours for a week
        clock.set(t)
        s.run_due_jobs(t)
        t += dt.timedelta(hours=3)
    assert [rt for job, rt in s.runs if job == "backup"] == [at(f"2024-06-{d}T02:00") for d in range(10, 17)]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [*foreign, *(f"thamdinh-2024-06-{d}{ext}" for d in (14, 15, 16))])
    newest = folder / f"thamdinh-2024-06-16{ext}"
    assert store.backend_of(newest) == ("sqlite" if backend == "sqlite" else "postgresql")
    app.close()
    unset = App(app.settings.with_(backup_dir=None), clock)  # the nightly backup turned off
    off = unset.scheduler("A")
    off.run_due_jobs(at("2024-06-17T09:00"))
    assert "backup" not in {j.id for j in off.store.get_all_jobs()}
    unset.close()


def test_the_backup_settings_are_read_and_checked() -> None:
    s = Settings.from_env({"THAMDINH_BACKUP_DIR": "~/sao-luu", "THAMDINH_BACKUP_TIME": "01:15",
                           "THAMDINH_BACKUP_KEEP": "7"})
    assert (s.backup_dir, s.backup_at, s.backup_keep) == (Path("~/sao-luu").expanduser(), dt.time(1, 15), 7)
    assert (Settings().backup_dir, Settings().backup_at, Settings().backup_keep) == (None, dt.time(2, 0), 14)
    for env, words in (({"THAMDINH_BACKUP_TIME": "2h"}, "THAMDINH_BACKUP_TIME «2h» không phải giờ dạng HH:MM"),
                       ({"THAMDINH_BACKUP_KEEP": "0"}, "THAMDINH_BACKUP_KEEP 0 phải từ 1 trở lên"),
                       ({"THAMDINH_BACKUP_KEEP": "mười"}, "THAMDINH_BACKUP_KEEP «mười» không phải số nguyên")):
        with pytest.raises(SettingsError, match=words):
            Settings.from_env(env)


# -- a database of the first migration ---------------------------------------------------------------
def _utc(text: str) -> dt.datetime:
    return at(text).astimezone(dt.UTC)


def build_at_0001(app: App) -> None:
    """The schema of revision 0001 and rows in its shape: people, a dossier paused for a supplement
    (its history's clock effects as 0001 stored them, in codes) and an approved one."""
    import sqlalchemy as sa
    from alembic import command

    from engine.store.migrate import alembic_config, sqlalchemy_engine

    engine = sqlalchemy_engine(app.database.url)
    command.upgrade(alembic_config(engine, app.calendar), "0001")
    insert = {table: sa.text(f"INSERT INTO {table} ({cols}) VALUES "
                             f"({', '.join(':' + c.strip() for c in cols.split(','))})")
              for table, cols in _COLUMNS.items()}
    with engine.begin() as c:
        c.execute(insert["division"], {"code": "QLXD", "name": "Phòng Quản lý xây dựng"})
        c.execute(insert["person"], [{"id": i, "name": n, "email": None, "division": "QLXD", "roles": r,
                                      "active": True} for i, n, r in (("cv.pham", "Phạm Thị Hồng", "officer"),
                                                     ("tp.nguyen", "Nguyễn Hữu Phước", "head,officer"),
                                                     ("gd.tran", "Trần Văn Sáu", "director"))])
        for row in _DOSSIERS:
            c.execute(insert["dossier"], row)
        c.execute(insert["stage_clock"], _CLOCKS)
        c.execute(insert["clock_pause"], {"id": 1, "clock_id": 1, "paused_on": dt.date(2024, 6, 6),
                                          "resumed_on": None, "resumed_how": None})
        c.execute(insert["dossier_event"], _EVENTS)
    engine.dispose()


_COLUMNS = {
    "division": "code, name",
    "person": "id, name, email, division, roles, active",
    "dossier": "id, code, project_name, investor, project_group, grade, division, officer, workflow_id, "
               "workflow_version, rule_version, state, resume_state, counters, supplement_requests, open_clock_id, "
               "received_on, received_at, last_event_at, closed_at, version",
    "stage_clock": "id, dossier_id, stage, seq, unit, limit_units, policy, extension, max_extension, start_date, "
                   "segment_start, used_before, paused_on, pause_count, paused_days, due_date, finished_on, outcome, "
                   "closed_by",
    "clock_pause": "id, clock_id, paused_on, resumed_on, resumed_how",
    "dossier_event": "dossier_id, seq, event, from_state, to_state, actor, at, recorded_at, note, clock_effect",
}
_D = dt.date
_DOSSIERS = [
    {"id": 1, "code": "HS-0001", "project_name": "Đường liên xã Tân Hòa", "investor": "Ban QLDA tỉnh",
     "project_group": "C", "grade": "III", "division": "QLXD", "officer": "cv.pham", "workflow_id": "project-appraisal",
     "workflow_version": 1, "rule_version": "law-62-2020", "state": "awaiting_supplement",
     "resume_state": "appraising", "counters": '{"request_supplement": 1}', "supplement_requests": 1,
     "open_clock_id": 1, "received_on": _D(2024, 6, 3), "received_at": _utc("2024-06-03T09:00"),
     "last_event_at": _utc("2024-06-06T15:00"), "closed_at": None, "version": 3},
    {"id": 2, "code": "HS-0002", "project_name": "Trường tiểu học Phú Lý", "investor": "UBND huyện",
     "project_group": "C", "grade": "III", "division": "QLXD", "officer": "cv.pham", "workflow_id": "project-appraisal",
     "workflow_version": 1, "rule_version": "law-62-2020", "state": "approved", "resume_state": None,
     "counters": "{}", "supplement_requests": 0, "open_clock_id": None, "received_on": _D(2024, 6, 3),
     "received_at": _utc("2024-06-03T09:30"), "last_event_at": _utc("2024-06-14T10:00"),
     "closed_at": _utc("2024-06-14T10:00"), "version": 3},
]
_CLOCKS = [
    {"id": 1, "dossier_id": 1, "stage": "appraisal", "seq": 1, "unit": "days", "limit_units": 15, "policy": "resume",
     "extension": 0, "max_extension": 15, "start_date": _D(2024, 6, 3), "segment_start": _D(2024, 6, 3),
     "used_before": 3, "paused_on": _D(2024, 6, 6), "pause_count": 1, "paused_days": 0, "due_date": None,
     "finished_on": None, "outcome": None, "closed_by": None},
    {"id": 2, "dossier_id": 2, "stage": "appraisal", "seq": 1, "unit": "days", "limit_units": 15, "policy": "resume",
     "extension": 0, "max_extension": 15, "start_date": _D(2024, 6, 3), "segment_start": _D(2024, 6, 3),
     "used_before": 0, "paused_on": None, "pause_count": 0, "paused_days": 0, "due_date": _D(2024, 6, 18),
     "finished_on": _D(2024, 6, 14), "outcome": "early", "closed_by": "approve"},
]
_EVENTS = [
    {"dossier_id": d, "seq": seq, "event": ev, "from_state": fr, "to_state": to, "actor": actor, "at": _utc(when),
     "recorded_at": _utc(when), "note": None, "clock_effect": effect}
    for d, seq, ev, fr, to, actor, when, effect in (
        (1, 1, "receive", None, "received", "cv.pham", "2024-06-03T09:00", "start:appraisal"),
        (1, 2, "accept", "received", "appraising", "cv.pham", "2024-06-04T10:00", None),
        (1, 3, "request_supplement", "appraising", "awaiting_supplement", "cv.pham", "2024-06-06T15:00",
         "pause:appraisal"),
        (2, 1, "receive", None, "received", "cv.pham", "2024-06-03T09:30", "start:appraisal"),
        (2, 2, "accept", "received", "appraising", "cv.pham", "2024-06-04T09:00", None),
        (2, 3, "approve", "appraising", "approved", "tp.nguyen", "2024-06-14T10:00", "finish:appraisal:early"))]


def assert_0001_rows_readable(app: App) -> None:
    paused = app.services.show("HS-0001")
    assert (paused["state"], paused["version"], len(paused["history"])) == ("awaiting_supplement", 3, 3)
    assert paused["clock"]["paused"] and paused["clock"]["paused_on"] == "2024-06-06"
    assert [e["type"] for e in paused["history"][2]["effects"]] == ["clock_paused", "supplement_requested"]
    assert paused["history"][0]["effects"][0]["due_date"] == "2024-06-18"
    done = app.services.show("HS-0002")
    assert (done["state"], done["clock"], done["clocks"][0]["outcome"]) == ("approved", None, "early")
    assert done["history"][2]["effects"] == [{"type": "stage_finished", "stage": "appraisal", "on": "2024-06-14",
                                              "outcome": "early"}]
    app.services.fire(Fire(code="HS-0001", event="receive_supplement", actor="cv.pham", at="2024-06-10T09:00"))
    resumed = app.services.show("HS-0001")
    assert (resumed["state"], resumed["version"], resumed["clock"]["due_date"]) == ("appraising", 4, "2024-06-24")


def test_init_upgrades_a_database_built_by_the_first_migration(
        backend: str, clock: FixedClock, new_database: Callable[[str], str]) -> None:
    clock.set("2024-06-20T09:00")
    app = app_on(new_database("rev0001"), clock)
    build_at_0001(app)
    assert store.contents(app.database).revision == "0001"
    assert app.init() == head_revision()
    assert_0001_rows_readable(app)
    app.close()


def test_a_backup_of_an_older_schema_restores_at_its_revision_and_init_upgrades_it(
        backend: str, clock: FixedClock, tmp_path: Path, new_database: Callable[[str], str]) -> None:
    clock.set("2024-06-20T09:00")
    old = app_on(new_database("old"), clock)
    build_at_0001(old)
    copy = old.backups.backup(tmp_path / f"ban-sao{old.backups.extension}")
    assert (copy["revision"], copy["dossiers"], copy["people"]) == ("0001", 2, 3)
    old.close()
    new = app_on(new_database("new"), clock)
    done = new.backups.restore(Path(copy["file"]))
    assert (done["revision"], done["upgrade_needed"], done["head"]) == ("0001", True, head_revision())
    assert new.init() == head_revision()
    assert_0001_rows_readable(new)
    new.close()


def test_a_backup_file_is_one_self_contained_file(sqlite_app: App, tmp_path: Path) -> None:
    copy = Path(sqlite_app.backups.backup(tmp_path / "copy.db")["file"])
    assert sorted(p.name for p in tmp_path.glob("copy.db*")) == ["copy.db"]
    assert not list(tmp_path.glob(".copy.db.part"))
    with sqlite3.connect(f"{copy.as_uri()}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert os.access(copy, os.R_OK)
