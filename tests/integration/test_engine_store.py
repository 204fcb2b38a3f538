"""The engine on its durable store, on SQLite and on PostgreSQL: what is written, what is refused,
and that a refusal or a lost race writes nothing."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from acts import RETURN_REASON, SUPPLEMENT, note_for

from engine.bootstrap import App
from engine.domain.clock import FixedClock
from engine.domain.commands import Fire, Receive
from engine.domain.errors import (
    BadInput,
    ConflictError,
    DuplicateDossier,
    IllegalTransition,
    NonWorkingDay,
    NotPermitted,
    Refused,
    ThamdinhError,
    TimeOrderError,
    UnknownDossier,
    UnknownPerson,
)
from engine.io.settings import Settings

SAMPLE_ORG_PATH = Path(__file__).resolve().parents[2] / "workflows" / "org" / "sample-department.yaml"


def counts(app: App) -> dict[str, int]:
    """Rows per table, straight from the database."""
    out = {}
    with app.engine.connect() as c:
        for table in ("dossier", "dossier_event", "stage_clock", "clock_pause", "person", "division"):
            out[table] = c.exec_driver_sql(f"SELECT COUNT(*) FROM {table}").scalar_one()
    return out


def snapshot(app: App, code: str) -> tuple[Any, ...]:
    view = app.services.show(code)
    return (view["state"], view["version"], len(view["history"]), json.dumps(view["clocks"], sort_keys=True),
            len(list(app.services.iter_history(code))))


# -- receive, fire, show ------------------------------------------------------------------------
def test_receiving_a_dossier_returns_its_view_with_the_open_clock(
        app: App, clock: FixedClock, make_dossier: Callable[..., dict[str, Any]]) -> None:
    clock.set("2024-06-07T09:00")
    view = make_dossier(code="HS-0001", at="2024-06-03T08:30")
    json.dumps(view)  # the view is a JSON document
    assert (view["code"], view["workflow"], view["state"], view["rule_version"], view["version"]) == (
        "HS-0001", "project-appraisal", "received", "law-62-2020", 1)
    c = view["clock"]
    assert (c["stage"], c["start_date"], c["due_date"], c["paused"], c["unit"]) == (
        "appraisal", "2024-06-03", "2024-06-18", False, "days")
    assert (c["used"], c["remaining"], c["limit"], c["overdue_by"]) == (4, 11, 15, 0)
    assert [e["event"] for e in view["history"]] == ["receive"]
    assert view["history"][0]["clock_effect"] == "start:appraisal"
    assert "accept" in view["allowed_events"]


def test_firing_events_pauses_and_resumes_the_clock_in_the_stored_view(
        app: App, clock: FixedClock, make_dossier: Callable[..., dict[str, Any]]) -> None:
    clock.set("2024-06-12T09:00")
    make_dossier(code="HS-P")
    s = app.services
    r = s.fire(Fire(code="HS-P", event="accept", actor="cv.pham", at="2024-06-04T10:00"))
    assert r == {"code": "HS-P", "workflow": "project-appraisal", "event": "accept", "from": "received",
                 "to": "appraising", "version": 2, "clock_effect": None, "officer": "cv.pham"}
    r = s.fire(Fire(code="HS-P", event="request_supplement", actor="cv.pham", at="2024-06-06T15:00",
                    note="Thiếu bản vẽ\nCần bổ sung, hoàn thiện:\n- Bản vẽ mặt bằng"))
    assert r["clock_effect"] == "pause:appraisal"
    paused = s.show("HS-P")
    c = paused["clock"]
    assert paused["state"] == "awaiting_supplement" and paused["supplement_requests"] == 1
    assert c["paused"] is True and c["due_date"] is None and c["paused_on"] == "2024-06-06"
    assert (c["used"], c["remaining"]) == (3, 12)
    assert s.list_dossiers(overdue=True) == []
    s.fire(Fire(code="HS-P", event="receive_supplement", actor="cv.pham", at="2024-06-10T09:00"))
    resumed = s.show("HS-P")
    c = resumed["clock"]
    assert resumed["state"] == "appraising" and resumed["version"] == 4
    assert (c["paused"], c["due_date"], c["used"], c["remaining"], c["paused_days"]) == (
        False, "2024-06-24", 5, 10, 4)
    assert [(h["seq"], h["event"]) for h in resumed["history"]] == [
        (1, "receive"), (2, "accept"), (3, "request_supplement"), (4, "receive_supplement")]
    assert resumed["history"][2]["note"] == "Thiếu bản vẽ\nCần bổ sung, hoàn thiện:\n- Bản vẽ mặt bằng"
    assert resumed["history"][1]["at"].startswith("2024-06-04T10:00:00+07:00")
    with app.engine.connect() as conn:
        pause = conn.exec_driver_sql("SELECT paused_on, resumed_on, resumed_how FROM clock_pause").one()
    assert [str(v)[:10] if v is not None else None for v in pause] == ["2024-06-06", "2024-06-10", "resume"]


def test_finishing_a_dossier_judges_its_clock_and_closes_it(
        app: App, clock: FixedClock, make_dossier: Callable[..., dict[str, Any]]) -> None:
    clock.set("2024-08-01T09:00")
    make_dossier(code="HS-F", group="A", grade="II")
    s = app.services
    s.fire(Fire(code="HS-F", event="accept", actor="cv.pham", at="2024-06-04"))
    s.fire(Fire(code="HS-F", event="pass_appraisal", actor="tp.nguyen", at="2024-07-08"))  # due 8/7: on time
    s.fire(Fire(code="HS-F", event="approve", actor="gd.tran", at="2024-07-31"))
    view = s.show("HS-F")
    assert view["state"] == "approved" and view["clock"] is None and view["allowed_events"] == []
    assert [(c["stage"], c["due_date"], c["outcome"]) for c in view["clocks"]] == [
        ("appraisal", "2024-07-08", "on_time"), ("post_basic_design", "2024-08-07", "early")]
    assert s.list_dossiers(state="approved")[0]["clock"] is None


# -- refusals write nothing ---------------------------------------------------------------------
def test_an_illegal_transition_leaves_the_database_unchanged(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="HS-I")
    before, rows = snapshot(app, "HS-I"), counts(app)
    with pytest.raises(IllegalTransition) as err:
        app.services.fire(Fire(code="HS-I", event="approve", actor="gd.tran", at="2024-06-04"))
    assert "Không thể" in err.value.message
    assert err.value.details["allowed"] and "accept" in err.value.details["allowed"]
    assert snapshot(app, "HS-I") == before
    assert counts(app) == rows


def test_a_refused_role_and_an_unknown_actor_leave_the_database_unchanged(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="HS-R")
    s = app.services
    s.fire(Fire(code="HS-R", event="accept", actor="cv.pham", at="2024-06-04"))
    before, rows = snapshot(app, "HS-R"), counts(app)
    with pytest.raises(NotPermitted):
        s.fire(Fire(code="HS-R", event="approve", actor="cv.vo", at="2024-06-05"))
    with pytest.raises(UnknownPerson):
        s.fire(Fire(code="HS-R", event="return", note=RETURN_REASON, actor="nobody", at="2024-06-05"))
    assert snapshot(app, "HS-R") == before and counts(app) == rows


def test_firing_on_an_unknown_dossier_is_refused(app: App) -> None:
    with pytest.raises(UnknownDossier) as err:
        app.services.fire(Fire(code="KHONG-CO", event="accept", actor="cv.pham"))
    assert "KHONG-CO" in err.value.message and err.value.exit_code == 2
    with pytest.raises(UnknownDossier):
        app.services.show("KHONG-CO")
    assert counts(app)["dossier_event"] == 0


def test_an_event_dated_before_the_previous_one_is_refused(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="HS-T")
    app.services.fire(Fire(code="HS-T", event="accept", actor="cv.pham", at="2024-06-05T10:00"))
    before = snapshot(app, "HS-T")
    with pytest.raises(TimeOrderError):
        app.services.fire(Fire(code="HS-T", event="request_supplement", note=SUPPLEMENT,
                               actor="cv.pham", at="2024-06-05T09:59"))
    with pytest.raises(TimeOrderError):
        app.services.fire(Fire(code="HS-T", event="request_supplement", note=SUPPLEMENT,
                               actor="cv.pham", at="2024-06-04"))
    assert snapshot(app, "HS-T") == before


def test_an_event_dated_in_the_future_is_refused(
        app: App, clock: FixedClock, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="HS-FUT")
    with pytest.raises(TimeOrderError):
        app.services.fire(Fire(code="HS-FUT", event="accept", actor="cv.pham",
                               at=(clock.now() + dt.timedelta(days=1)).isoformat()))
    assert app.services.show("HS-FUT")["version"] == 1


@pytest.mark.parametrize("day, next_day", [("2024-02-12", "2024-02-15"), ("2024-06-08", "2024-06-10"),
                                           ("2024-04-29", "2024-05-02")])
def test_an_event_dated_on_a_day_off_is_refused_with_the_next_working_day(
        app: App, make_dossier: Callable[..., dict[str, Any]], day: str, next_day: str) -> None:
    make_dossier(code="HS-H", at="2024-02-01")
    with pytest.raises(NonWorkingDay) as err:
        app.services.fire(Fire(code="HS-H", event="accept", actor="cv.pham", at=day))
    assert err.value.details["next_working_day"] == next_day
    with pytest.raises(NonWorkingDay):
        make_dossier(code="HS-H2", at=day)
    assert app.services.show("HS-H")["version"] == 1
    assert [d["code"] for d in app.services.list_dossiers()] == ["HS-H"]


def test_firing_without_a_time_on_a_day_off_counts_from_the_next_working_day(
        app: App, clock: FixedClock) -> None:
    clock.set("2024-02-10T09:00")  # Tết
    view = app.services.receive(Receive(workflow="project-appraisal", code="HS-TET", name="Dự án", investor="Ban",
                                group="C", grade="III", division="QLXD", officer="cv.pham"))
    assert view["received_on"] == "2024-02-15"
    assert view["clock"]["start_date"] == "2024-02-15"


def test_a_stale_expected_version_is_a_conflict_and_writes_nothing(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="HS-V")
    s = app.services
    s.fire(Fire(code="HS-V", event="accept", actor="cv.pham", at="2024-06-04", expected_version=1))
    before = snapshot(app, "HS-V")
    with pytest.raises(ConflictError) as err:
        s.fire(Fire(code="HS-V", event="request_supplement", note=SUPPLEMENT,
                    actor="cv.pham", at="2024-06-05", expected_version=1))
    assert err.value.exit_code == 3
    assert snapshot(app, "HS-V") == before
    assert s.fire(Fire(code="HS-V", event="request_supplement", note=SUPPLEMENT, actor="cv.pham", at="2024-06-05",
                       expected_version=2))["version"] == 3


def test_a_duplicate_code_and_an_unknown_division_are_refused_and_write_nothing(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="HS-D")
    rows = counts(app)
    with pytest.raises(DuplicateDossier):
        make_dossier(code="HS-D")
    with pytest.raises(BadInput, match="XYZ"):
        make_dossier(code="HS-D2", division="XYZ")
    with pytest.raises(BadInput):
        make_dossier(code="HS-D3", group="E")
    assert counts(app) == rows


# -- listing --------------------------------------------------------------------------------------
def test_the_list_filters_overdue_and_due_within_on_the_open_clock(
        app: App, clock: FixedClock, make_dossier: Callable[..., dict[str, Any]]) -> None:
    clock.set("2024-06-20T09:00")
    make_dossier(code="HS-LATE")                              # due 18/6: overdue by 2 days
    make_dossier(code="HS-SOON", at="2024-06-10")             # due 25/6
    make_dossier(code="HS-FAR", at="2024-06-19", group="A")   # due 24/7
    make_dossier(code="HS-HELD", at="2024-06-03")
    app.services.fire(Fire(code="HS-HELD", event="request_supplement", note=SUPPLEMENT,
                           actor="cv.pham", at="2024-06-05"))
    s = app.services
    late = s.list_dossiers(overdue=True)
    assert [d["code"] for d in late] == ["HS-LATE"]
    assert late[0]["clock"]["overdue_by"] == 2
    assert [d["code"] for d in s.list_dossiers(due_within=5)] == ["HS-SOON"]
    assert [d["code"] for d in s.list_dossiers(due_within=30)] == ["HS-SOON", "HS-FAR"]
    assert [d["code"] for d in s.list_dossiers()] == ["HS-LATE", "HS-SOON", "HS-FAR", "HS-HELD"]
    assert [d["code"] for d in s.list_dossiers(state="awaiting_supplement")] == ["HS-HELD"]
    assert s.list_dossiers(division="QHKT") == []
    with pytest.raises(BadInput):
        s.list_dossiers(due_within=-1)


# -- organisation -------------------------------------------------------------------------------
def test_loading_the_organisation_twice_updates_and_never_duplicates(app: App, tmp_path: Path) -> None:
    data = yaml.safe_load(SAMPLE_ORG_PATH.read_text(encoding="utf-8"))
    n_people, n_div = len(data["people"]), len(data["divisions"])
    assert counts(app)["person"] == n_people  # the fixture loaded it once
    again = app.services.load_org(SAMPLE_ORG_PATH)
    assert again == {"divisions": n_div, "people": n_people, "created": 0, "updated": n_div + n_people}
    data["people"][3]["name"] = "Phạm Thị Hồng (đổi tên)"
    data["people"][3]["roles"] = ["officer", "head"]
    data["people"].append({"id": "cv.moi", "name": "Cán bộ mới", "division": "QLXD", "roles": ["officer"]})
    changed = tmp_path / "org.yaml"
    changed.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    third = app.services.load_org(changed)
    assert third["created"] == 1
    rows = counts(app)
    assert (rows["person"], rows["division"]) == (n_people + 1, n_div)
    people = {p.id: p for p in app.services.people()}
    assert people["cv.pham"].name == "Phạm Thị Hồng (đổi tên)"
    assert people["cv.pham"].roles == {"officer", "head"}


# -- CSV import -----------------------------------------------------------------------------------
CSV_HEADER = "code,event,at,actor,note,workflow,project_name,investor,group,grade,division,officer,capital_source\n"
CSV_GOOD = (
    "NK-1,receive,2024-03-04,mc.truong,,project-appraisal,Đường tỉnh 768,Ban QLDA,C,III,QLXD,cv.pham,ngân sách\n"
    "NK-1,accept,2024-03-05,cv.pham,,,,,,,,,\n"
    "NK-2,receive,2024-03-04,,,post-basic-design,Trường học,UBND huyện,B,II,QLXD,cv.vo,\n"
    "NK-1,pass_appraisal,2024-03-15,tp.nguyen,,,,,,,,,\n"
)


def test_a_csv_import_creates_dossiers_and_replays_their_events(app: App, tmp_path: Path) -> None:
    path = tmp_path / "ok.csv"
    path.write_text(CSV_HEADER + CSV_GOOD, encoding="utf-8")
    assert app.services.import_csv(path) == {"dossiers": 2, "events": 2}
    one = app.services.show("NK-1")
    assert one["state"] == "post_basic_design_review" and one["version"] == 3
    assert app.services.show("NK-2")["clock"]["due_date"] == "2024-04-03"


def test_a_csv_import_replays_a_handover_from_the_officer_column(app: App, tmp_path: Path) -> None:
    path = tmp_path / "giao.csv"
    path.write_text(CSV_HEADER + CSV_GOOD
                    + "NK-1,reassign,2024-03-18,tp.nguyen,Nghỉ phép,,,,,,,cv.dang,\n"
                    + "NK-2,accept,2024-03-18,cv.vo,,,,,,,,cv.vo,\n",  # an officer column on other rows: ignored
                    encoding="utf-8")
    assert app.services.import_csv(path) == {"dossiers": 2, "events": 4}
    one = app.services.show("NK-1")
    assert one["officer"] == "cv.dang"
    assert one["history"][-1]["note"] == "Nghỉ phép"
    assert one["history"][-1]["effects_text"] == "Giao hồ sơ từ Phạm Thị Hồng sang Đặng Ngọc Ánh"
    assert app.services.show("NK-2")["state"] == "appraising"


@pytest.mark.parametrize("bad_line, kind", [
    ("NK-2,approve,2024-03-06,gd.tran,,,,,,,,,\n", IllegalTransition),  # approve a received dossier
    ("NK-1,request_supplement,2024-03-09,cv.pham,,,,,,,,,\n", NonWorkingDay),  # a Saturday
    ("NK-9,accept,2024-03-06,cv.pham,,,,,,,,,\n", UnknownDossier),
])
def test_a_csv_import_with_one_bad_line_imports_nothing_and_names_the_line(
        app: App, tmp_path: Path, bad_line: str, kind: type[ThamdinhError]) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(CSV_HEADER + CSV_GOOD + bad_line, encoding="utf-8")
    rows = counts(app)
    with pytest.raises(kind) as err:
        app.services.import_csv(path)
    assert "dòng 6" in err.value.message and str(path) in err.value.message
    assert "Không có dòng nào được nhập" in (err.value.hint or "")
    assert counts(app) == rows
    assert app.services.list_dossiers() == []


def test_a_csv_import_without_the_required_columns_is_refused(app: App, tmp_path: Path) -> None:
    path = tmp_path / "cols.csv"
    path.write_text("code,event\nNK-1,receive\n", encoding="utf-8")
    with pytest.raises(BadInput, match="at, actor"):
        app.services.import_csv(path)


# -- concurrency --------------------------------------------------------------------------------
def _race(app: App, code: str, attempts: list[tuple[str, str]]) -> list[object]:
    """Fire the attempts from one thread each, released together; returns each result or error."""
    barrier = threading.Barrier(len(attempts))
    results: list[object] = [None] * len(attempts)

    def worker(i: int, event: str, actor: str) -> None:
        barrier.wait()
        try:
            results[i] = app.services.fire(Fire(code=code, event=event, note=note_for(event),
                                                actor=actor, at="2024-06-04T10:00"))
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i, e, a)) for i, (e, a) in enumerate(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@pytest.mark.parametrize("attempts", [
    [("accept", "cv.pham")] * 6,
    # each of these ends the dossier, so whichever wins, the others are too late
    [("return", "tp.nguyen"), ("withdraw", "cv.pham"), ("return", "gd.tran"), ("withdraw", "tp.nguyen"),
     ("return", "cv.pham"), ("withdraw", "tp.nguyen")],
], ids=["same-event", "competing-closing-events"])
def test_concurrent_fires_on_one_dossier_let_exactly_one_through(
        app: App, make_dossier: Callable[..., dict[str, Any]], attempts: list[tuple[str, str]]) -> None:
    make_dossier(code="HS-RACE")
    events_before = counts(app)["dossier_event"]
    results = _race(app, "HS-RACE", attempts)
    wins = [r for r in results if isinstance(r, dict)]
    losses = [r for r in results if not isinstance(r, dict)]
    assert len(wins) == 1, results
    assert all(isinstance(r, (ConflictError, IllegalTransition)) for r in losses), losses
    assert all(isinstance(r, Refused) for r in losses)
    view = app.services.show("HS-RACE")
    assert view["version"] == 2 and view["state"] == wins[0]["to"]  # type: ignore[index]
    assert counts(app)["dossier_event"] == events_before + 1
    assert len(view["history"]) == 2


def _hold_after_reading(monkeypatch: pytest.MonkeyPatch, thread: list[threading.Thread], read_done: Any,
                        release: Any) -> None:
    """Make a fire in ``thread`` stop between reading the dossier and writing it."""
    from engine.store.dossiers import Dossiers

    original = Dossiers.for_fire

    def held(self: Dossiers, code: str, actor: str) -> Any:
        loaded = original(self, code, actor)
        if threading.current_thread() in thread:
            read_done.set()
            assert release.wait(60), "never released"
        return loaded

    monkeypatch.setattr(Dossiers, "for_fire", held)


def test_a_fire_that_read_the_dossier_before_another_one_committed_is_a_conflict(
        app: App, make_dossier: Callable[..., dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    make_dossier(code="HS-LOST")
    slow = App(app.settings, app.clock)  # a second process's worth of engine, same database
    read_done, release = threading.Event(), threading.Event()
    slow_thread: list[threading.Thread] = []
    _hold_after_reading(monkeypatch, slow_thread, read_done, release)
    outcome: list[object] = []

    def late() -> None:
        try:
            outcome.append(slow.services.fire(Fire(code="HS-LOST", event="return", note=RETURN_REASON,
                                                   actor="tp.nguyen",
                                                   at="2024-06-04T10:00")))
        except Exception as exc:  # noqa: BLE001
            outcome.append(exc)

    t = threading.Thread(target=late)
    slow_thread.append(t)
    t.start()
    try:
        assert read_done.wait(30)
        app.services.fire(Fire(code="HS-LOST", event="accept", actor="cv.pham", at="2024-06-04T09:00"))
    finally:
        release.set()
        t.join(60)
        slow.close()
    assert len(outcome) == 1 and isinstance(outcome[0], ConflictError), outcome
    view = app.services.show("HS-LOST")
    assert (view["state"], view["version"], len(view["history"])) == ("appraising", 2, 2)


def test_two_clerks_receiving_the_same_code_at_once_get_one_dossier_and_a_duplicate_error(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.store.dossiers import Dossiers

    read_done, release = threading.Event(), threading.Event()
    original = Dossiers.create
    slow_thread: list[threading.Thread] = []

    def held(self: Dossiers, values: dict[str, Any]) -> int:
        if threading.current_thread() in slow_thread:  # checked "no such code", now waits
            read_done.set()
            assert release.wait(60)
        return original(self, values)

    monkeypatch.setattr(Dossiers, "create", held)
    kw: dict[str, Any] = dict(workflow="project-appraisal", code="HS-TWICE", name="Dự án", investor="Ban",
                              group="C", grade="III", division="QLXD", officer="cv.pham", at="2024-06-03")
    outcome: list[object] = []

    def late() -> None:
        try:
            outcome.append(app.services.receive(Receive(**kw)))
        except Exception as exc:  # noqa: BLE001
            outcome.append(exc)

    t = threading.Thread(target=late)
    slow_thread.append(t)
    t.start()
    try:
        assert read_done.wait(30)
        first = app.services.receive(Receive(**{**kw, "officer": "cv.vo"}))
    finally:
        release.set()
        t.join(60)
    assert len(outcome) == 1 and isinstance(outcome[0], DuplicateDossier), outcome
    assert "HS-TWICE" in outcome[0].message
    assert first["officer"] == "cv.vo"
    rows = counts(app)
    assert (rows["dossier"], rows["dossier_event"], rows["stage_clock"]) == (1, 1, 1)


def _process_worker(url: str, code: str, event: str, who: tuple[int, str], hold: bool, barrier: Any, read_done: Any,
                    release: Any, out: Any) -> None:
    """Runs in a spawned process: its own App, engine and connection pool."""
    from engine.bootstrap import App as ChildApp
    from engine.io.settings import Settings as ChildSettings

    child = ChildApp(ChildSettings().with_(database_url=url))
    child.calendar, child.rules.compiled("project-appraisal")  # noqa: B018 - warm up before the race
    if hold:  # this whole process is the slow one
        _hold_after_reading(pytest.MonkeyPatch(), [threading.current_thread()], read_done, release)
    try:
        barrier.wait(60)
        if not hold:
            read_done.wait(60)
        child.services.fire(Fire(code=code, event=event, note=note_for(event), actor=who[1], at="2024-06-04T10:00"))
        out.put((who, "ok"))
    except Exception as exc:  # noqa: BLE001
        out.put((who, type(exc).__name__))
    finally:
        child.close()


def test_concurrent_fires_from_several_processes_on_sqlite_let_exactly_one_through(
        sqlite_app: App) -> None:
    sqlite_app.services.receive(Receive(workflow="project-appraisal", code="HS-MP", name="Dự án", investor="Ban",
                                group="C", grade="III", division="QLXD", officer="cv.pham", at="2024-06-03"))
    sqlite_app.close()
    url = sqlite_app.settings.database_url
    ctx = multiprocessing.get_context("spawn")
    # the officer in charge and the head accept the same dossier at once, four times; the first one reads
    # it, then waits while the others race: one of them wins, the rest are too late, and the first one's
    # write must find it changed
    actors = list(enumerate(["cv.pham", "tp.nguyen", "cv.pham", "tp.nguyen"]))
    barrier, read_done, release, out = ctx.Barrier(len(actors)), ctx.Event(), ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=_process_worker,
                         args=(url, "HS-MP", "accept", a, i == 0, barrier, read_done, release, out))
             for i, a in enumerate(actors)]
    for p in procs:
        p.start()
    try:
        racers = dict(out.get(timeout=120) for _ in actors[1:])
    finally:
        release.set()
    held = dict([out.get(timeout=120)])
    for p in procs:
        p.join(30)
    assert held == {(0, "cv.pham"): "ConflictError"}, (held, racers)
    results = list(racers.values())
    assert results.count("ok") == 1, racers
    assert set(results) - {"ok"} <= {"ConflictError", "IllegalTransition"}, racers
    view = sqlite_app.services.show("HS-MP")
    assert view["version"] == 2 and len(view["history"]) == 2
    assert view["history"][1]["actor"] == next(a for (_, a), r in racers.items() if r == "ok")
    assert len(list(sqlite_app.services.iter_history("HS-MP"))) == 2


def test_a_settings_object_points_each_app_at_its_own_database(sqlite_app: App, tmp_path: Path) -> None:
    other = App(Settings().with_(database_url=f"sqlite:///{tmp_path / 'other.db'}"))
    try:
        other.init()
        assert counts(other)["person"] == 0
        assert counts(sqlite_app)["person"] > 0
    finally:
        other.close()
