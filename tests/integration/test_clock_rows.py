"""The fire path writes a stage clock's row with the columns a step changed (``engine.store.clock_rows``) and
closes no pause on a running clock: the database after each dossier's whole life (pauses, resumptions,
extensions, a handover, a stage finished while paused and while running) is row for row the one written by
updating every column of the clock, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from acts import note_for
from conftest import SAMPLE_ORG, make_app_for

from engine.bootstrap import App
from engine.domain.clock import FixedClock
from engine.domain.commands import Fire, Receive
from engine.domain.deadlines import StageClock
from engine.store import clock_rows
from engine.store import mappers as m
from engine.store.codecs import Codec

#: each dossier's acts: (day, event, officer handed to)
LIVES: dict[str, list[tuple[str, str, str | None]]] = {
    "HS-A": [("2024-06-04", "accept", None), ("2024-06-05", "request_supplement", None),
             ("2024-06-10", "receive_supplement", None), ("2024-06-11", "extend", None),
             ("2024-06-12", "pass_appraisal", None), ("2024-06-13", "extend", None), ("2024-06-14", "approve", None)],
    "HS-B": [("2024-06-04", "request_supplement", None), ("2024-06-07", "withdraw", None)],
    "HS-C": [("2024-06-04", "accept", None), ("2024-06-05", "reassign", "cv.vo"),
             ("2024-06-06", "request_supplement", None), ("2024-06-11", "return", None)],
    "HS-D": [("2024-06-04", "extend", None), ("2024-06-05", "request_supplement", None),
             ("2024-06-12", "receive_supplement", None), ("2024-06-13", "accept", None),
             ("2024-06-14", "pass_appraisal", None), ("2024-06-17", "approve", None)],
}
TABLES = ("dossier", "stage_clock", "clock_pause", "clock_extension", "dossier_event")


def _live(app: App, clock: FixedClock) -> dict[str, list[tuple[Any, ...]]]:
    clock.set("2024-06-03T08:00")
    for code in LIVES:
        app.services.receive(Receive(workflow="project-appraisal", code=code, name="Dự án", investor="Ban QLDA",
                                     group="C", grade="III", division="QLXD", officer="cv.pham"))
    for step in range(max(len(acts) for acts in LIVES.values())):
        for code, acts in LIVES.items():
            if step < len(acts):
                day, event, officer = acts[step]
                clock.set(f"{day}T09:{step:02d}")
                app.services.fire(Fire(code=code, event=event, actor="tp.nguyen", note=note_for(event),
                                       officer=officer))
    with app.database.reading() as uow:
        return {t: [tuple(r) for r in uow.execute(f"SELECT * FROM {t} ORDER BY id").fetchall()] for t in TABLES}


def test_the_changed_columns_alone_write_the_rows_every_column_would(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = make_app_for(backend, request, tmp_path, clock)
    app.services.load_org(SAMPLE_ORG)
    written = _live(app, clock)
    app.close()

    whole = clock_rows.update
    monkeypatch.setattr(clock_rows, "update", lambda uow, c, stored: whole(uow, c, None))  # every column
    app = make_app_for(backend, request, tmp_path, clock)
    app.services.load_org(SAMPLE_ORG)
    expected = _live(app, clock)
    app.close()

    assert written == expected
    assert (len(written["clock_pause"]), len(written["clock_extension"])) == (4, 3)
    assert sorted(r[4] for r in written["clock_pause"]) == ["closed", "closed", "resume", "resume"]


class _Recorder:
    """A unit of work that keeps the statements it is given."""

    codec = Codec(True)

    def __init__(self) -> None:
        self.statements: list[tuple[str, list[Any]]] = []

    def execute(self, sql: str, params: list[Any]) -> None:
        self.statements.append((sql, params))


def test_an_update_sets_the_changed_columns_only_and_none_when_nothing_changed() -> None:
    day = dt.date(2024, 6, 3)
    running = StageClock("appraisal", 1, "days", 15, "resume", day, day, dt.date(2024, 6, 18), id=7)
    extended = StageClock("appraisal", 1, "days", 15, "resume", day, day, dt.date(2024, 6, 23), extension=5, id=7)
    uow: Any = _Recorder()
    stored = tuple(m.clock_values(uow.codec, running))
    clock_rows.update(uow, extended, stored)
    clock_rows.update(uow, running, stored)
    assert uow.statements == [("UPDATE stage_clock SET extension = ?, due_date = ? WHERE id = ?",
                               [5, "2024-06-23", 7])]
