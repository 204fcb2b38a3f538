"""The hold-ups' one-pass read (every linked stage case as spans in text per project, unions as masks of
working days: engine.store.capital_spans, engine.reporting.capital_holdups) against the span arithmetic
it replaced (every stage case and pause read one by one, spans clipped and merged in Python:
engine.domain.capital_time.stage_spans and waiting), on a generated set over the capital fixed set, on
SQLite and PostgreSQL: identical tables on every day asked about.

The set adds projects (some without a plan, some whose capital is all disbursed within the year) and
dossiers linked to them whose stage cases start before the plan year, finish inside it, after the day or
never, with pauses that overlap one another, touch, run past the stage's end or are still running; a
stage case never paused has no pause row, as the engine writes them (``pause_count``).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from pathlib import Path
from typing import Any

import capital_set
import pytest
from conftest import transaction

from engine.domain.capital import plan_window, rate
from engine.domain.capital_time import stage_spans, waiting
from engine.reporting.capital_progress import project_figures

DAYS = (dt.date(2024, 3, 15), dt.date(2024, 9, 30), dt.date(2024, 11, 30), dt.date(2025, 1, 31))
#: the reads the span arithmetic ran: every linked stage case and pause overlapping [:lo, :end]
LINKED_CLOCKS = ("SELECT d.project_id, d.code, d.state, c.id, c.stage, c.start_date, c.finished_on, c.due_date, "
                 "c.division, c.officer FROM stage_clock c JOIN dossier d ON d.id = c.dossier_id "
                 "WHERE d.project_id IS NOT NULL AND c.start_date <= :end "
                 "AND (c.finished_on IS NULL OR c.finished_on >= :lo)")
LINKED_PAUSES = ("SELECT p.clock_id, p.paused_on, p.resumed_on FROM clock_pause p "
                 "JOIN stage_clock c ON c.id = p.clock_id JOIN dossier d ON d.id = c.dossier_id "
                 "WHERE d.project_id IS NOT NULL AND p.paused_on <= :end "
                 "AND (p.resumed_on IS NULL OR p.resumed_on >= :lo)")


def _open_case(row: tuple[Any, ...], spans: Any, is_paused: bool, cal: Any, day: dt.date) -> dict[str, Any]:
    code, state, stage, start, due = row
    late = not is_paused and due is not None and due < day
    return {"dossier": code, "state": state, "stage": stage, "start_date": start.isoformat(),
            "due_date": due.isoformat() if due else None, "paused": is_paused,
            "with_department": sum(b - a for a, b in spans[0]), "awaiting_investor": sum(b - a for a, b in spans[1]),
            "overdue_working_days": cal.working_days_between(due, day) if late and due else 0}


def _stage_cases(uow: Any, cal: Any, lo_day: dt.date, day: dt.date) -> tuple[dict[int, Any], dict[int, Any]]:
    """Every linked stage case's (running, paused) spans per project, and the open ones' lines."""
    params, read = {"lo": uow.codec.day(lo_day), "end": uow.codec.day(day)}, uow.codec.read_day
    pauses: dict[int, list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for clock_id, on, resumed in uow.execute(LINKED_PAUSES, params).fetchall():
        pauses[clock_id].append((read(on), read(resumed)))
    n, end_n = cal.working_day_number, cal.working_day_number(day)
    stages: dict[int, list[Any]] = defaultdict(list)
    cases: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for pid, code, state, clock_id, stage, start, finished_on, due, division, officer in uow.execute(
            LINKED_CLOCKS, params).fetchall():
        finished = read(finished_on)
        finished = finished if finished is not None and finished <= day else None
        stop = n(finished) if finished else end_n
        mine = pauses.get(clock_id)
        start_n = n(read(start))
        spans = stage_spans((start_n, stop), [(n(p), n(q) if q is not None and q <= day else end_n)
                                              for p, q in mine]) if mine else ([(start_n, stop)], [])
        stages[pid].append(spans)
        if finished is None:
            is_paused = any(q is None or q > day for _, q in pauses.get(clock_id, []))
            line = _open_case((code, state, stage, read(start), read(due)), spans, is_paused, cal, day)
            cases[pid].append({**line, "division": division, "officer": officer})
    for listed in cases.values():
        listed.sort(key=lambda c: (c["start_date"], c["dossier"], c["stage"]))
    return stages, cases


def reference(uow: Any, cal: Any, goal: Any, as_of: dt.date) -> dict[str, tuple[Any, ...]]:
    """Each project's line as computed before the one-pass read (its open cases listed by start day and
    dossier): code → (with the department, awaiting the investor, elapsed, rate, open cases)."""
    lo_day, hi_day = plan_window(goal.plan_year)
    day = min(as_of, hi_day)
    figures = project_figures(uow, goal, day)
    code = {r[0]: r[1] for r in uow.capital.projects().values()}
    reached = uow.capital.first_reaching(goal.plan_year, lo_day, day)
    n, end_n = cal.working_day_number, cal.working_day_number(day)
    lo_n = n(lo_day) - (1 if cal.is_working_day(lo_day) else 0)
    stages, cases = _stage_cases(uow, cal, lo_day, day)
    out = {}
    for pid, spans in stages.items():
        w = waiting(spans, lo_n, min(end_n, n(reached[pid])) if pid in reached else end_n)
        share = rate(figures[pid].disbursed, figures[pid].plan) if pid in figures else None
        out[code[pid]] = (w.with_department, w.awaiting_investor, w.elapsed,
                          None if share is None else float(share), cases.get(pid, []))
    return out


def _copy_row(tx: Any, table: str, where: str, key: Any, changes: dict[str, Any]) -> None:
    """A copy of one row of ``table`` (its id left to the database) with ``changes``."""
    row = tx.execute(f"SELECT * FROM {table} WHERE {where} = ?", (key,)).fetchone()
    names = [c[0] for c in tx._cur.description]
    values = {**dict(zip(names, row, strict=True)), **changes}
    values.pop("id")
    tx.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
               tuple(values.values()))


def _projects(tx: Any, rng: random.Random, day: Any) -> list[int]:
    ids = []
    for i in range(12):
        tx.execute("INSERT INTO project (code, name, investor, capital_source, division, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?)", (f"G{i:02d}", f"Dự án G{i:02d}", "Ban QLDA tỉnh", "Vốn ODA", "QLXD",
                                                 tx.uow.codec.ts(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))))
        pid = tx.execute("SELECT id FROM project WHERE code = ?", (f"G{i:02d}",)).fetchone()[0]
        ids.append(pid)
        if i % 4 == 3:
            continue  # no plan
        plan = rng.randint(1, 9) * 10**9
        tx.execute("INSERT INTO capital_plan (project_id, year, kind, amount, decided_on, imported_at) "
                   "VALUES (?, 2024, 'assigned', ?, ?, ?)", (pid, plan, day(dt.date(2023, 12, 20)),
                                                            tx.uow.codec.ts(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))))
        for m in sorted(rng.sample(range(2, 13), 3)):
            done = plan if i % 3 == 0 and m > 6 else plan * m // 14
            tx.execute("INSERT INTO disbursement (project_id, on_date, cumulative, imported_at) VALUES (?, ?, ?, ?)",
                       (pid, day(dt.date(2024, m, 1) - dt.timedelta(days=1)), done,
                        tx.uow.codec.ts(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))))
    return ids


def _pauses(rng: random.Random, start: dt.date, stop: dt.date | None) -> list[tuple[dt.date, dt.date | None]]:
    out = []
    for _ in range(rng.randint(1, 3)):
        on = start + dt.timedelta(days=rng.randint(-3, 60))
        resumed = None if rng.random() < 0.25 else on + dt.timedelta(days=rng.randint(0, 40))
        out.append((on, resumed))
    if rng.random() < 0.3 and out[0][1] is not None:
        out.append((out[0][1], out[0][1] + dt.timedelta(days=5)))  # touching the first one
    return out


def generate(app: Any, seed: int = 5) -> None:
    rng = random.Random(seed)
    with transaction(app) as tx:
        day = tx.uow.codec.day
        projects = _projects(tx, rng, day)
        for k in range(60):
            code = f"H{k:03d}"
            _copy_row(tx, "dossier", "code", "D2", {"code": code, "project_id": rng.choice(projects)})
            dossier = tx.execute("SELECT id FROM dossier WHERE code = ?", (code,)).fetchone()[0]
            start = dt.date(2023, 11, 1) + dt.timedelta(days=rng.randint(0, 420))
            for seq in range(1, rng.randint(2, 4)):
                stop = None if rng.random() < 0.3 else start + dt.timedelta(days=rng.randint(0, 80))
                pauses = _pauses(rng, start, stop) if rng.random() < 0.5 else []
                _copy_row(tx, "stage_clock", "dossier_id", _d2(tx), {
                    "dossier_id": dossier, "seq": seq, "start_date": day(start), "finished_on": day(stop),
                    "due_date": day(start + dt.timedelta(days=30)), "pause_count": len(pauses)})
                clock = tx.execute("SELECT MAX(id) FROM stage_clock WHERE dossier_id = ?", (dossier,)).fetchone()[0]
                for on, resumed in pauses:
                    tx.execute("INSERT INTO clock_pause (clock_id, paused_on, resumed_on) VALUES (?, ?, ?)",
                               (clock, day(on), day(resumed)))
                if stop is None:
                    break
                start = stop + dt.timedelta(days=rng.choice((0, 0, 3)))


def _d2(tx: Any) -> int:
    """D2's id: its first stage case is the template of the generated ones."""
    return int(tx.execute("SELECT d.id FROM dossier d WHERE d.code = 'D2'").fetchone()[0])


@pytest.fixture
def generated(app: Any, tmp_path: Path) -> Any:
    capital_set.load(app, tmp_path)
    generate(app)
    return app


def test_the_one_pass_holdups_equal_the_span_arithmetic(generated: Any) -> None:
    _, goal = generated.capital.goal()
    for as_of in DAYS:
        new = generated.capital.holdups(as_of)
        with generated.database.reading() as uow:
            old = reference(uow, generated.calendar, goal, as_of)
        assert [r["code"] for r in new["projects"]] == sorted(old) and len(old) >= 14
        assert {r["code"]: (r["with_department"], r["awaiting_investor"], r["elapsed"], r["rate"], r["open"])
                for r in new["projects"]} == old, as_of
    assert sum(1 for r in new["projects"] if r["awaiting_investor"]) >= 3  # enough pauses to tell unions apart
