"""``Verification.run()`` on SQLite and PostgreSQL: a database written by the engine verifies clean, and
each kind of tampering made with raw SQL is caught and names the right dossier.

The set: the fixed set of test_metrics_fixed_set (supplements at intake and in review, an extension over
Tết, a return while paused, a restart under Decree 217, an open overdue stage, both workflows) and a
small simulated year of the demo (handovers, extensions, returns, withdrawals) on the same database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from conftest import transaction
from test_metrics_fixed_set import build_fixed_set

from engine.bootstrap import App
from engine.demo import make_plans
from engine.demo.simulate import Simulation
from engine.domain.clock import TZ, FixedClock
from engine.services.verify import VerifyReport
from engine.store import chain

YEAR = (dt.date(2024, 2, 1), dt.date(2024, 12, 31))


def build_rich_set(app: App, clock: FixedClock, size: int = 30) -> None:
    """The fixed set, then ``size`` dossiers of the demo's simulated year through the services."""
    build_fixed_set(app)
    clock.set(dt.datetime.combine(YEAR[0], dt.time(7, 0), TZ))
    plans = make_plans(app.calendar, app.services.people(), size, *YEAR, seed=11)
    Simulation(app, clock, None).run(plans, *YEAR, lambda n: None)
    clock.set("2026-11-02T09:00")


@pytest.fixture
def rich(app: App, clock: FixedClock) -> App:
    build_rich_set(app, clock)
    return app


def dossier_id(cur: Any, code: str) -> int:
    return int(cur.execute("SELECT id FROM dossier WHERE code = ?", (code,)).fetchone()[0])


def tamper(app: App, code: str, sql: str, *params: Any) -> None:
    """Run ``sql`` with the dossier's id as its first parameter, committed."""
    with transaction(app) as cur:
        cur.execute(sql, (dossier_id(cur, code), *params))
        assert cur.rowcount >= 1, sql


def flagged(report: VerifyReport) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in report.problems:
        out.setdefault(p.code, []).append(p.what)
    return out


def counts(app: App) -> tuple[int, int]:
    with transaction(app) as cur:
        return (int(cur.execute("SELECT COUNT(*) FROM dossier").fetchone()[0]),
                int(cur.execute("SELECT COUNT(*) FROM dossier_event").fetchone()[0]))


def test_a_database_written_by_the_engine_verifies_clean(rich: App) -> None:
    report = rich.verification.run()
    assert report.problems == []
    assert report.ok and (report.dossiers, report.rows) == counts(rich)
    assert report.dossiers == 37 and report.rows > 3 * report.dossiers
    with transaction(rich) as cur:  # the set holds what the replay has to get right
        kinds = {r[0] for r in cur.execute("SELECT event FROM dossier_event").fetchall()}
        extensions = cur.execute("SELECT COUNT(*) FROM clock_extension").fetchone()[0]
        pauses = cur.execute("SELECT COUNT(*) FROM clock_pause WHERE due_before IS NOT NULL").fetchone()[0]
    assert {"reassign", "extend", "request_supplement", "receive_supplement", "return", "approve"} <= kinds
    assert extensions >= 2 and pauses >= 5


def _at_plus_an_hour(app: App, code: str, seq: int) -> None:
    with transaction(app) as cur:
        d = dossier_id(cur, code)
        at = app.database.codec.read_ts(cur.execute("SELECT at FROM dossier_event WHERE dossier_id = ? AND seq = ?",
                                                    (d, seq)).fetchone()[0])
        assert at is not None
        cur.execute("UPDATE dossier_event SET at = ? WHERE dossier_id = ? AND seq = ?",
                    (app.database.codec.ts(at + dt.timedelta(hours=1)), d, seq))


def _swap(app: App, code: str, a: int, b: int) -> None:
    with transaction(app) as cur:
        d = dossier_id(cur, code)
        for old, new in ((a, -1), (b, a), (-1, b)):
            cur.execute("UPDATE dossier_event SET seq = ? WHERE dossier_id = ? AND seq = ?", (new, d, old))


def _sql(code: str, sql: str, *params: Any) -> Callable[[App], None]:
    return lambda app: tamper(app, code, sql, *params)


#: name -> (the dossier, the raw SQL change, a finding that names it)
TAMPERS: dict[str, tuple[str, Callable[[App], None], str]] = {
    "edited actor": ("D1", _sql("D1", "UPDATE dossier_event SET actor = 'cv.vo' WHERE dossier_id = ? AND seq = 3"),
                     "dòng 3: nội dung không khớp mã băm (đã bị sửa?)"),
    "edited time": ("D3", lambda app: _at_plus_an_hour(app, "D3", 4), "dòng 4: nội dung không khớp mã băm"),
    "edited note": ("D2", _sql("D2", "UPDATE dossier_event SET note = 'Đã đủ hồ sơ' WHERE dossier_id = ? AND seq = 2"),
                    "dòng 2: nội dung không khớp mã băm"),
    "deleted middle row": ("D3", _sql("D3", "DELETE FROM dossier_event WHERE dossier_id = ? AND seq = 4"),
                           "dòng 5: số thứ tự không liên tục"),
    "deleted last row": ("D1", _sql("D1", "DELETE FROM dossier_event WHERE dossier_id = ? AND seq = 4"),
                         "mã băm cuối của hồ sơ không khớp dòng cuối (dòng 3)"),
    "two rows swapped": ("D2", lambda app: _swap(app, "D2", 2, 3), "dòng 2: nội dung không khớp mã băm"),
    "flipped outcome": ("D4", _sql("D4", "UPDATE stage_clock SET outcome = 'early' WHERE dossier_id = ? "
                                         "AND outcome = 'late'"),
                        "thời hạn 1 (design_appraisal): kết quả: lưu trước hạn, tính lại quá hạn"),
    "changed due date": ("D7", _sql("D7", "UPDATE stage_clock SET due_date = '2024-03-20' WHERE dossier_id = ?"),
                         "thời hạn 1 (design_appraisal): hạn xử lý: lưu 20/03/2024, tính lại 06/03/2024"),
    "changed due date before a pause": (
        "D2", _sql("D2", "UPDATE clock_pause SET due_before = '2024-03-25' WHERE clock_id IN "
                         "(SELECT id FROM stage_clock WHERE dossier_id = ? AND seq = 1)"),
        "thời hạn 1 (appraisal), lần tạm dừng 1: hạn trước khi tạm dừng: lưu 25/03/2024, tính lại 18/03/2024"),
    "changed due date before an extension": (
        "D4", _sql("D4", "UPDATE clock_extension SET due_before = '2024-03-01' WHERE clock_id IN "
                         "(SELECT id FROM stage_clock WHERE dossier_id = ?)"),
        "thời hạn 1 (design_appraisal), lần gia hạn 1: hạn trước khi gia hạn: lưu 01/03/2024, tính lại 27/02/2024"),
}


@pytest.mark.parametrize("name", list(TAMPERS))
def test_tampering_with_raw_sql_is_caught_and_names_the_dossier(rich: App, name: str) -> None:
    code, change, expected = TAMPERS[name]
    assert rich.verification.run().ok
    change(rich)
    report = rich.verification.run()
    found = flagged(report)
    assert not report.ok and list(found) == [code], found
    assert any(expected in what for what in found[code]), found[code]
    assert report.dossiers_with_problems() == [code]
