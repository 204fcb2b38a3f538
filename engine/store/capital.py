"""The capital repository: projects, their plans and cumulative disbursement, the dossiers linked to
them, and the reads the progress table, the hold-ups (their stage cases: engine.store.capital_spans) and
the monthly report's capital section run.

A project's disbursed figure on a day is its latest cumulative figure dated within the plan's window
up to that day (one seek per project of the index on (project, day, cumulative), read without the table's
rows, as its plan from (project, year, decided_on, amount): revision 0015). Amounts are whole đồng (BIGINT).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from . import read_model
from .capital_spans import linked_spans_sql, open_linked_sql

if TYPE_CHECKING:
    from .database import UnitOfWork

PROJECT_COLS = ("id", "code", "name", "investor", "capital_source", "division")
SELECT_PROJECTS = f"SELECT {', '.join(PROJECT_COLS)} FROM project"
INSERT_PROJECT = ("INSERT INTO project (code, name, investor, capital_source, division, created_at) "
                  "VALUES (?, ?, ?, ?, ?, ?)")
UPDATE_PROJECT = "UPDATE project SET name = ?, investor = ?, capital_source = ?, division = ? WHERE id = ?"
SELECT_PLANS = "SELECT project_id, kind, amount, decided_on, decision FROM capital_plan WHERE year = ?"
INSERT_PLAN = ("INSERT INTO capital_plan (project_id, year, kind, amount, decided_on, decision, imported_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?)")
INSERT_DISBURSED = "INSERT INTO disbursement (project_id, on_date, cumulative, imported_at) VALUES (?, ?, ?, ?)"
SELECT_DOSSIER_LINKS = "SELECT code, id, project_id FROM dossier WHERE code IN ({marks})"
#: each project's latest stored figure in [?, ?]: its day and amount (one index seek per project)
LATEST_STORED = ("SELECT p.id, x.on_date, x.cumulative FROM project p JOIN disbursement x ON x.id = "
                 "(SELECT d.id FROM disbursement d WHERE d.project_id = p.id AND d.on_date BETWEEN ? AND ? "
                 "ORDER BY d.on_date DESC LIMIT 1)")
SELECT_SERIES = ("SELECT on_date, cumulative FROM disbursement WHERE project_id = ? AND on_date BETWEEN ? AND ? "
                 "ORDER BY on_date")
LINK_DOSSIER = "UPDATE dossier SET project_id = ? WHERE id = ?"
PLAN_SUMS = ("SELECT project_id, SUM(amount) FROM capital_plan WHERE year = :year AND decided_on <= :day "
             "GROUP BY project_id")
#: the latest cumulative figure per project dated in [:lo, :day]: one seek per project of the index on
#: (project, day, cumulative), the figure read from the index, on both backends
LATEST_OF_P = ("(SELECT d.cumulative FROM disbursement d WHERE d.project_id = p.id "
               "AND d.on_date BETWEEN :lo AND :day ORDER BY d.on_date DESC LIMIT 1)")
LATEST = f"SELECT p.id, {LATEST_OF_P} FROM project p"
#: a project's plan of :year decided by :day, a BIGINT (PostgreSQL's SUM of BIGINT is a NUMERIC: a Decimal read)
PLAN_OF_P = ("(SELECT CAST(COALESCE(SUM(k.amount), 0) AS BIGINT) FROM capital_plan k WHERE k.project_id = p.id "
             "AND k.year = :year AND k.decided_on <= :day)")
#: every project, by code, with its plan and its latest figures on :day and on {before} (:since or NULL)
FIGURES = (f"SELECT {', '.join('p.' + c for c in PROJECT_COLS)}, {PLAN_OF_P}, {LATEST_OF_P}, {{before}} "
           "FROM project p ORDER BY p.code")
#: the whole's plan and its latest figures, summed in the database
PLAN_TOTAL = "SELECT COALESCE(SUM(amount), 0) FROM capital_plan WHERE year = :year AND decided_on <= :day"
DISBURSED_TOTAL = f"SELECT COALESCE(SUM({LATEST_OF_P}), 0) FROM project p"
#: the first day each project's cumulative disbursed reached its plan of :year (decided by :day)
FIRST_REACHING = ("SELECT d.project_id, MIN(d.on_date) FROM disbursement d JOIN (" + PLAN_SUMS.replace(
    "SUM(amount)", "SUM(amount) AS plan") + ") p ON p.project_id = d.project_id "
    "WHERE d.on_date BETWEEN :lo AND :day AND p.plan > 0 AND d.cumulative >= p.plan GROUP BY d.project_id")
#: the stage cases a unit handled in a period, with the project of their dossier (the evaluation). SQLite
#: reads the linked dossiers once from their index (ix_dossier_project) and looks their cases up by dossier,
#: rather than a dossier's row for each of the period's cases (5.2 s against 11.7 s at 1,000,000 dossiers);
#: PostgreSQL hashes the join either way (4.2 s)
UNIT_PROJECTS = {
    True: "WITH d AS MATERIALIZED (SELECT id, project_id FROM dossier WHERE project_id IS NOT NULL) "
          "SELECT DISTINCT c.division, c.officer, d.project_id FROM stage_clock c JOIN d ON d.id = c.dossier_id "
          "WHERE c.start_date <= :end AND (c.finished_on IS NULL OR c.finished_on >= :start)",
    False: "SELECT DISTINCT c.division, c.officer, d.project_id FROM stage_clock c "
           "JOIN dossier d ON d.id = c.dossier_id WHERE d.project_id IS NOT NULL "
           "AND c.start_date <= :end AND (c.finished_on IS NULL OR c.finished_on >= :start)"}


def overdue_linked_sql(sqlite: bool, division: str | None) -> str:
    """The stage cases open and overdue at the period's end (as of that day) whose dossier belongs to a
    project: the project, the dossier, the dimensions, the start day and the due date then."""
    inner = read_model.open_as_of_end(sqlite, division, ", c.dossier_id AS dossier_id")
    return ("SELECT d.project_id, d.code, o.division, o.officer, o.workflow, o.stage, o.start_date, o.due "
            f"FROM ({inner}) o JOIN dossier d ON d.id = o.dossier_id "
            f"WHERE d.project_id IS NOT NULL AND {read_model.OVERDUE_AT_END}")


class Capital:
    """Projects, plans, disbursement and the reads over them, on one unit of work."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    def _rows(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        self.uow.without_jit()  # (a read over every project or linked stage case)
        return [tuple(r) for r in self.uow.execute(sql, params).fetchall()]

    def _days(self, params: dict[str, Any]) -> dict[str, Any]:
        return {k: self.codec.day(v) if isinstance(v, dt.date) else v for k, v in params.items()}

    # -- writes (the import) -------------------------------------------------------------------
    def projects(self) -> dict[str, tuple[Any, ...]]:
        """Every project by code: (id, code, name, investor, capital_source, division)."""
        return {r[1]: r for r in self._rows(SELECT_PROJECTS)}

    def add_projects(self, rows: Iterable[tuple[str, str, str, str | None, str | None]], now: dt.datetime) -> None:
        ts = self.codec.ts(now)
        self.uow.executemany(INSERT_PROJECT, [(*r, ts) for r in rows])

    def update_projects(self, rows: Sequence[tuple[str, str, str | None, str | None, int]]) -> None:
        if rows:
            self.uow.executemany(UPDATE_PROJECT, list(rows))

    def plans(self, year: int) -> list[tuple[int, str, int, dt.date | None, str | None]]:
        return [(r[0], r[1], int(r[2]), self.codec.read_day(r[3]), r[4]) for r in self._rows(SELECT_PLANS, (year,))]

    def add_plans(self, rows: Iterable[tuple[int, int, str, int, dt.date, str | None]], now: dt.datetime) -> None:
        ts, day = self.codec.ts(now), self.codec.day
        self.uow.executemany(INSERT_PLAN, [(p, y, k, a, day(d), dec, ts) for p, y, k, a, d, dec in rows])

    def add_disbursed(self, rows: Iterable[tuple[int, dt.date, int]], now: dt.datetime) -> None:
        ts, day = self.codec.ts(now), self.codec.day
        self.uow.executemany(INSERT_DISBURSED, [(p, day(d), c, ts) for p, d, c in rows])

    def latest_between(self, lo: dt.date, hi: dt.date) -> dict[int, tuple[dt.date, int]]:
        """Each project's latest stored figure dated in [lo, hi]: project id → (day, cumulative)."""
        read = self.codec.read_day
        return {r[0]: (read(r[1]) or lo, int(r[2]))
                for r in self._rows(LATEST_STORED, (self.codec.day(lo), self.codec.day(hi)))}

    def series(self, project_id: int, lo: dt.date, hi: dt.date) -> list[tuple[dt.date, int]]:
        """A project's stored figures dated in [lo, hi], by day."""
        read = self.codec.read_day
        return [(read(r[0]) or lo, int(r[1]))
                for r in self._rows(SELECT_SERIES, (project_id, self.codec.day(lo), self.codec.day(hi)))]

    def dossier_links(self, codes: Sequence[str]) -> dict[str, tuple[int, int | None]]:
        """The dossiers named: code → (id, project id)."""
        found: dict[str, tuple[int, int | None]] = {}
        for i in range(0, len(codes), 500):
            part = list(codes[i:i + 500])
            sql = SELECT_DOSSIER_LINKS.format(marks=", ".join("?" * len(part)))
            found.update({r[0]: (r[1], r[2]) for r in self._rows(sql, part)})
        return found

    def link(self, pairs: Iterable[tuple[int, int]]) -> None:
        """Link dossiers to projects: (project id, dossier id) pairs."""
        self.uow.executemany(LINK_DOSSIER, list(pairs))

    # -- reads ---------------------------------------------------------------------------------
    def plan_sums(self, year: int, day: dt.date) -> dict[int, int]:
        """Each project's plan of ``year`` (assigned + adjustments) decided by ``day``."""
        return {r[0]: int(r[1]) for r in self._rows(PLAN_SUMS, self._days({"year": year, "day": day}))}

    def disbursed_on(self, lo: dt.date, day: dt.date) -> dict[int, int]:
        """Each project's latest cumulative figure dated in [lo, day]."""
        return {r[0]: int(r[1]) for r in self._rows(LATEST, self._days({"lo": lo, "day": day})) if r[1] is not None}

    def totals(self, year: int, lo: dt.date, day: dt.date) -> tuple[int, int]:
        """The whole's plan of ``year`` decided by ``day`` and its cumulative disbursed on ``day``."""
        (plan,), = self._rows(PLAN_TOTAL, self._days({"year": year, "day": day}))
        (done,), = self._rows(DISBURSED_TOTAL, self._days({"lo": lo, "day": day}))
        return int(plan), int(done)

    def of_projects(self, ids: Sequence[int], year: int, lo: dt.date,
                    day: dt.date) -> dict[int, tuple[tuple[Any, ...], int, int]]:
        """For the projects ``ids``: (their row, plan of ``year`` decided by ``day``, disbursed on ``day``)."""
        out: dict[int, tuple[tuple[Any, ...], int, int]] = {}
        params = self._days({"year": year, "lo": lo, "day": day})
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            marks = ", ".join(f":p{k}" for k in range(len(part)))
            sql = (f"SELECT {', '.join('p.' + c for c in PROJECT_COLS)}, {PLAN_OF_P}, {LATEST_OF_P} "
                   f"FROM project p WHERE p.id IN ({marks})")
            for r in self._rows(sql, {**params, **{f"p{k}": v for k, v in enumerate(part)}}):
                out[r[0]] = (r[:6], int(r[6]), int(r[7] or 0))
        return out

    def figures(self, year: int, lo: dt.date, day: dt.date, since: dt.date | None) -> Iterable[tuple[Any, ...]]:
        """Every project in one pass, by code: its row, its plan of ``year`` decided by ``day`` (an int), its
        cumulative disbursed on ``day`` and on ``since`` (None: no figure yet, or no ``since`` asked). Streamed
        (``UnitOfWork.stream``: on PostgreSQL the caller builds its lines while the server reads on); read
        them to the end before the next statement."""
        sql = FIGURES.format(before=LATEST_OF_P.replace(":day", ":since") if since else "NULL")
        params = {"year": year, "lo": lo, "day": day, **({"since": since} if since else {})}
        self.uow.without_jit()
        return self.uow.stream(sql, self._days(params))

    def _iso_days(self) -> None:
        """On PostgreSQL, days written as text in ISO (what engine.store.capital_spans reads)."""
        if not self.codec.sqlite:
            self.uow.execute("SET LOCAL DateStyle = 'ISO'")

    def linked_spans(self, lo: dt.date, end: dt.date) -> list[tuple[int, str | None, str | None]]:
        """Per project, its linked stage cases in [lo, end] as spans of days in text
        (engine.store.capital_spans): (project id, the never paused, the paused with their pauses)."""
        self._iso_days()
        return [(r[0], r[1], r[2])
                for r in self._rows(linked_spans_sql(self.codec.sqlite), self._days({"end": end, "lo": lo}))]

    def open_linked(self, lo: dt.date, end: dt.date) -> list[tuple[Any, ...]]:
        """The linked stage cases still open on ``end``: (project id, dossier, its state, stage, start, due,
        division, officer, its pauses overlapping [lo, end] as spans in text or None)."""
        days: dict[Any, dt.date | None] = {}
        self._iso_days()

        def read(v: Any) -> dt.date | None:  # a few hundred distinct days among 100,000s of rows
            if v not in days:
                days[v] = self.codec.read_day(v)
            return days[v]

        return [(*r[:4], read(r[4]), read(r[5]), *r[6:])
                for r in self._rows(open_linked_sql(self.codec.sqlite), self._days({"end": end, "lo": lo}))]

    def first_reaching(self, year: int, lo: dt.date, day: dt.date) -> dict[int, dt.date]:
        """The day each project's cumulative disbursed (dated in [lo, day]) first reached its plan."""
        params = self._days({"year": year, "lo": lo, "day": day})
        return {r[0]: self.codec.read_day(r[1]) or day for r in self._rows(FIRST_REACHING, params)}

    def unit_projects(self, start: dt.date, end: dt.date) -> list[tuple[str | None, str | None, int]]:
        rows = self._rows(UNIT_PROJECTS[self.codec.sqlite], self._days({"start": start, "end": end}))
        return [(r[0], r[1], r[2]) for r in rows]

    def overdue_linked(self, start: dt.date, end: dt.date, after_at: dt.datetime,
                       division: str | None) -> list[tuple[Any, ...]]:
        params = self._days({"start": start, "end": end})
        params["after_at"] = self.codec.ts(after_at)
        if division:
            params["division"] = division
        read = self.codec.read_day
        return [(*r[:6], read(r[6]), read(r[7])) for r in self._rows(overdue_linked_sql(self.codec.sqlite, division),
                                                                        params)]
