"""``Verification.run()`` on SQLite and PostgreSQL: a database written by the engine verifies clean, and
each kind of tampering made with raw SQL is caught and names the right dossier.

The set: the fixed set of test_metrics_fixed_set (supplements at intake and in review, an extension over
Tết, a return while paused, a restart under Decree 217, an open overdue stage, both workflows) and a
small simulated year of the demo (handovers, extensions, returns, withdrawals) on the same database.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import pytest
from conftest import transaction
from test_metrics_fixed_set import build_fixed_set

from engine.bootstrap import App
from engine.demo import make_plans
from engine.demo.simulate import Simulation
from engine.domain.clock import TZ, FixedClock
from engine.domain.replay import replay
from engine.services.verify import VerifyReport
from engine.store import chain
from engine.store.history_walk import Walk, walk

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


def test_history_rows_of_no_dossier_are_a_database_wide_problem(rich: App, backend: str) -> None:
    with transaction(rich) as cur:
        if backend == "sqlite":
            cur.execute("PRAGMA foreign_keys = OFF")  # (the raw SQL of someone who means it)
        else:
            cur.execute("SET session_replication_role = replica")
        cur.execute("INSERT INTO dossier_event (dossier_id, seq, event, from_state, to_state, actor, at, recorded_at) "
                    "VALUES (99999, 1, 'receive', NULL, 'received', 'cv.pham', ?, ?)",
                    (rich.database.codec.ts(rich.clock.now()),) * 2)
        cur.execute("INSERT INTO clock_extension (clock_id, extended_on, units) VALUES (888888, ?, 10)",
                    (rich.database.codec.day(dt.date(2024, 3, 4)),))
    report = rich.verification.run()
    assert [(p.code, p.what) for p in report.problems] == [
        ("", "bảng dossier_event: có dòng lịch sử của hồ sơ không tồn tại (1 mã hồ sơ: 99999)"),
        ("", "bảng clock_extension: có lần gia hạn của thời hạn không tồn tại (1 mã thời hạn: 888888)")]


def issue(app: App, event_id: int, version: int = 1) -> str:
    """An issued report whose checkpoint covers the history rows up to ``event_id`` (as issuing takes it)."""
    with transaction(app) as cur:
        digests = [r[0] for r in cur.execute("SELECT row_hash FROM dossier_event WHERE id <= ? ORDER BY id",
                                             (event_id,)).fetchall()]
        mark = chain.checkpoint(digests)
        cur.execute("INSERT INTO issued_report (kind, period, scope, version, issued_at, issued_by, data, "
                    "content_hash, checkpoint_event_id, checkpoint) "
                    "VALUES ('monthly', '2024-03', '', ?, ?, 'gd.tran', '{}', ?, ?, ?)",
                    (version, app.database.codec.ts(app.clock.now()), "0" * 64, event_id, mark))
    return mark


def rechain(app: App, code: str) -> None:
    """Recompute a dossier's whole chain and its head from its rows as they now are (a careful forger)."""
    with transaction(app) as cur:
        d = dossier_id(cur, code)
        rows = cur.execute("SELECT id, seq, event, from_state, to_state, actor, at, note, effects, channel, client, "
                           "correction FROM dossier_event WHERE dossier_id = ? ORDER BY seq", (d,)).fetchall()
        prev = ""
        for r in rows:
            at = app.database.codec.read_ts(r[6])
            assert at is not None
            prev = chain.row_digest(prev, code, r[1], r[2], r[3], r[4], r[5], at, r[7], r[8], r[9], r[10], r[11])
            cur.execute("UPDATE dossier_event SET row_hash = ? WHERE id = ?", (prev, r[0]))
        cur.execute("UPDATE dossier SET chain_head = ? WHERE id = ?", (prev, d))


def test_a_rewritten_chain_passes_the_chain_but_not_an_issued_reports_checkpoint(rich: App) -> None:
    with transaction(rich) as cur:
        last, d1_row = (int(cur.execute(sql).fetchone()[0]) for sql in (
            "SELECT MAX(id) FROM dossier_event",
            "SELECT e.id FROM dossier_event e JOIN dossier d ON d.id = e.dossier_id WHERE d.code = 'D1' AND e.seq = 3"))
    issue(rich, last - 5)
    issue(rich, d1_row - 1, version=2)  # issued before D1's third row: not covering it
    report = rich.verification.run()
    assert report.ok and report.issued_checked == 2
    tamper(rich, "D1", "UPDATE dossier_event SET actor = 'cv.vo' WHERE dossier_id = ? AND seq = 3")
    rechain(rich, "D1")
    report = rich.verification.run()
    assert [(p.code, p.what) for p in report.problems] == [
        ("", f"báo cáo đã ban hành monthly 2024-03 (lần 1): dấu kiểm lịch sử đến dòng mã {last - 5} không khớp "
             "(lịch sử đã có từ trước khi ban hành bị sửa, xóa hoặc tính lại mã băm?)")]
    assert report.issued_checked == 2


def test_the_walk_gives_each_dossier_its_rows_clocks_pauses_and_extensions(rich: App) -> None:
    with rich.database.reading() as uow:
        walk = Walk(uow)
        seen = {d.code: d for d in walk}
        assert walk.orphans == {}
    assert list(seen) == sorted(seen, key=lambda c: seen[c].id)
    d2, d4 = seen["D2"], seen["D4"]
    assert [h.event for h in d2.history] == ["receive", "accept", "request_supplement", "receive_supplement",
                                             "pass_appraisal"]
    assert [h.seq for h in d2.history] == [1, 2, 3, 4, 5] and d2.version == 5
    assert d2.chain_head == d2.digests[-1] and all(d2.digests)
    assert d2.pauses == {1: [(dt.date(2024, 3, 5), dt.date(2024, 3, 11), dt.date(2024, 3, 18))]}
    assert d4.extensions == {1: [(dt.date(2024, 2, 26), dt.date(2024, 2, 27))]}
    assert [(c.stage, c.due_date) for c in d2.clocks] == [("appraisal", dt.date(2024, 3, 22)),
                                                          ("post_basic_design", dt.date(2024, 4, 22))]
    assert d2.open_clock_id == d2.clocks[1].id
    for d in seen.values():
        shown = rich.services.show(d.code)
        assert [h["seq"] for h in shown["history"]] == [h.seq for h in d.history]
        assert len(shown["clocks"]) == len(d.clocks)


def test_the_walk_is_the_same_whatever_its_batches(rich: App, backend: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Each table is one statement ordered by dossier, taken in step with the dossiers' batches: with
    batches of 3 dossiers and fetches of 2 rows, batch boundaries fall inside dossiers' rows, and the rows
    of a deleted dossier between two others and a row above the last dossier are found all the same."""
    from engine.store import history_walk

    with transaction(rich) as cur:
        cur.execute("PRAGMA foreign_keys = OFF" if backend == "sqlite" else "SET session_replication_role = replica")
        ids = [int(r[0]) for r in cur.execute("SELECT id FROM dossier ORDER BY id").fetchall()]
        gone = dossier_id(cur, "D4")  # (a clock with an extension)
        cur.execute("DELETE FROM dossier WHERE id = ?", (gone,))
        cur.execute("INSERT INTO dossier_event (dossier_id, seq, event, from_state, to_state, actor, at, recorded_at) "
                    "VALUES (?, 1, 'receive', NULL, 'received', 'cv.pham', ?, ?)",
                    (ids[-1] + 7, *(rich.database.codec.ts(rich.clock.now()),) * 2))

    def walked() -> tuple[list[Any], dict[str, list[int]]]:
        with rich.database.reading() as uow:
            walk = Walk(uow)
            return list(walk), walk.orphans

    whole = walked()
    assert [d.id for d in whole[0]] == [i for i in ids if i != gone] and gone not in (ids[0], ids[-1])
    assert whole[1] == {"dossier_event": [gone, ids[-1] + 7], "stage_clock": [gone], "clock_extension": [gone]}
    monkeypatch.setattr(history_walk, "FETCH", 3)
    monkeypatch.setattr(history_walk, "CHILD_FETCH", 2)
    assert walked() == whole


def test_the_replay_gives_the_hand_computed_clocks_of_the_fixed_set(rich: App) -> None:
    with rich.database.reading() as uow:
        d = {x.code: x for x in walk(uow)
             if x.code in ("D3", "D4", "D5", "D6")}
    out = {}
    for code, x in d.items():
        wf = rich.rules.definition(x.workflow[0], x.workflow[1])
        r = replay(x.history, wf, wf.rule(x.workflow[2]), x.fields, rich.calendar)
        assert r.problems == []
        out[code] = [(c.due_date, c.outcome, c.pause_count, c.turnaround_working_days) for c in r.clocks]
    D = dt.date
    assert out["D3"] == [(D(2024, 3, 22), "early", 2, 5), (D(2024, 4, 15), "early", 0, 7)]
    assert out["D4"] == [(D(2024, 3, 18), "late", 0, 24)]
    assert out["D5"] == [(D(2026, 7, 29), "late", 1, 16)]
    assert out["D6"] == [(None, None, 1, 1)]


def test_in_parts_in_worker_processes_the_report_is_the_same(rich: App, monkeypatch: pytest.MonkeyPatch,
                                                              backend: str) -> None:
    from engine.bootstrap import verify_part
    from engine.services import verify

    TAMPERS["flipped outcome"][1](rich)
    TAMPERS["deleted middle row"][1](rich)
    with transaction(rich) as cur:  # a row of no dossier above every dossier: the last part finds it
        cur.execute("PRAGMA foreign_keys = OFF" if backend == "sqlite" else "SET session_replication_role = replica")
        cur.execute("INSERT INTO dossier_event (dossier_id, seq, event, from_state, to_state, actor, at, recorded_at) "
                    "VALUES (99999, 1, 'receive', NULL, 'received', 'cv.pham', ?, ?)",
                    (rich.database.codec.ts(rich.clock.now()),) * 2)
    here = verify.Verification(rich.database, rich.rules).run()
    monkeypatch.setattr(verify, "PARALLEL_FROM", 1)
    seen: list[tuple[int, int]] = []
    parts = verify.Verification(rich.database, rich.rules, workers=2,
                                part_runner=functools.partial(verify_part, rich.settings))
    there = parts.run(lambda d, r: seen.append((d, r)))
    assert there == here and not there.ok
    assert flagged(there).keys() == {"D3", "D4", ""}
    assert len(seen) == 2 * verify.PARTS_PER_WORKER and seen[-1] == (here.dossiers, here.rows)
