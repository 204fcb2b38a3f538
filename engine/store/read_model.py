"""The metrics' read model: every SQL statement the reports and the evaluation run, over
``stage_clock`` (the clock carries the division, officer and workflow it ran under, revision 0004).

The stage cases finished in a period are read from the covering index ``ix_stage_clock_finished_dims``
(finishing day, then the dimensions and the turnaround) and grouped by the finishing day first: the
index's own order, so SQLite groups the rows as it reads them, with no sort; an outer query then sums
the per-day groups. A finished clock never changes, so these are already the figures of the period.

The stage cases open at a period's end (its backlog, its open overdue list) are read **as of that
day** (engine.store.asof): which were open then (started by it, finished after it or not yet: the same
index), the officer who held each then, whether the investor held it (paused) and its due date then;
so a later pause, resumption, extension, handover or finish never changes a past period's figures. A
stage case open at the end is overdue when it was running then and its due date then was before that
day. Only what may have changed is looked up: the pauses of a clock ever paused, the due date of a clock
ever paused or extended, the handovers of the dossier after the period (each by its own index).
Named parameters (``:start``, ``:end``, ``:division``…) hold days in the codec's format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import asof

if TYPE_CHECKING:
    from .database import UnitOfWork

#: The SQL of the additive columns summed over finished stage cases (``c`` = stage_clock), by name. A
#: judged stage with more than one supplement request counts as late, as the national portal counts it.
EVALUATION_SUMS = {
    "finished": "COUNT(*)",
    "judged": "SUM(CASE WHEN c.outcome IS NOT NULL THEN 1 ELSE 0 END)",
    "early": "SUM(CASE WHEN c.outcome = 'early' AND c.pause_count <= 1 THEN 1 ELSE 0 END)",
    "on_time": "SUM(CASE WHEN c.outcome = 'on_time' AND c.pause_count <= 1 THEN 1 ELSE 0 END)",
    "late": "SUM(CASE WHEN c.outcome = 'late' OR (c.outcome IS NOT NULL AND c.pause_count > 1) THEN 1 ELSE 0 END)",
    "repeated_supplements": "SUM(CASE WHEN c.pause_count > 1 THEN 1 ELSE 0 END)",
    "supplement_requests": "SUM(c.pause_count)",
    "limit_sum": "SUM(c.limit_units)",
    "used_sum": "SUM(CASE WHEN c.unit = 'working_days' THEN c.turnaround_working_days ELSE c.turnaround_days END)",
}
#: ... and those the monthly tables add (``received`` here: stage cases both started and finished in it)
MONTH_SUMS = {
    **EVALUATION_SUMS,
    "received": "SUM(CASE WHEN c.start_date >= :start THEN 1 ELSE 0 END)",
    "paused_cases": "SUM(CASE WHEN c.pause_count > 0 THEN 1 ELSE 0 END)",
    "paused_days_sum": "SUM(c.paused_days)",
    "elapsed_days_sum": "SUM(c.turnaround_days + c.paused_days)",
}
DIMS = "c.division AS division, c.officer AS officer, c.workflow_id AS workflow, c.stage AS stage"


def _aliased(sums: Mapping[str, str]) -> str:
    return ", ".join(f"{expr} AS {name}" for name, expr in sums.items())


def where_division(division: str | None) -> str:
    # not a plain ``c.division = :division``: SQLite would then sort rows that the index already gives in
    # GROUP BY order (an equality on a column it does not search by); same result
    return " AND COALESCE(c.division, '') = :division" if division else ""


def grouped_by_day(inner: str, keys: Sequence[str], sums: Sequence[str]) -> str:
    """Sum the per-day groups of ``inner`` over the days (a sort of a few thousand groups, not every row)."""
    return (f"SELECT {', '.join(keys)}, {', '.join(f'SUM({x})' for x in sums)} "
            f"FROM ({inner}) g GROUP BY {', '.join(keys)}")


def finished_sql(division: str | None) -> str:
    """The stage cases finished in the period, per dimension and turnaround: every sum and histogram."""
    inner = (f"SELECT {DIMS}, c.turnaround_working_days AS wd, c.turnaround_days AS days, {_aliased(MONTH_SUMS)} "
             "FROM stage_clock c WHERE c.finished_on BETWEEN :start AND :end" + where_division(division)
             + " GROUP BY c.finished_on, c.division, c.officer, c.workflow_id, c.stage, "
             "c.turnaround_working_days, c.turnaround_days")
    return grouped_by_day(inner, ("division", "officer", "workflow", "stage", "wd", "days"), list(MONTH_SUMS))


def open_at_end(select: str, division: str | None) -> str:
    """``select`` over the stage cases open at the period's end (started by it, not finished by it):
    those finished after it, then those still open (``finished_on`` NULL: the front of the index)."""
    cond = "c.start_date <= :end" + where_division(division)
    return (f"{select} FROM stage_clock c WHERE c.finished_on > :end AND {cond} UNION ALL "
            f"{select} FROM stage_clock c WHERE c.finished_on IS NULL AND {cond}")


def open_as_of_end(sqlite: bool, division: str | None, extra: str = "") -> str:
    """One row per stage case open at the period's end, as it stood then (engine.store.asof): its
    ``division``, the ``officer`` who held it then, ``workflow``, ``stage``, ``start_date``, ``paused``
    (1: the investor held it) and ``due`` (its due date then, read only when not paused); ``extra``:
    more columns of ``c`` (``, c.x AS x``).

    SQLite looks up per clock, by index, what may have changed: the handovers of its dossier after the
    period (their partial index: a miss for most), and the pauses and extensions of the clocks ever
    paused or extended only; cheap there. PostgreSQL would run those look-ups as a sub-plan per row (and
    compile the costly plan), so it reads the open cases once into a CTE (``b``) and joins what it reads
    once each: the pauses open on the day, the changes after it of those cases only (hashed against
    ``b``: an older month's later changes are mostly of cases started after it) grouped by clock, and the
    first handover after it of each dossier handed over then (its row read with the partial index's)."""
    if sqlite:
        return open_at_end(f"SELECT {DIMS_AS_OF}, {asof.OFFICER_AT_END_OF_C} AS officer, c.start_date AS start_date, "
                           f"{asof.PAUSED_AT_END_FLAG} AS paused, {asof.DUE_AT_END_IF_RUNNING} AS due{extra}", division)
    cases = open_at_end(f"SELECT {DIMS_AS_OF}, c.start_date AS start_date, c.due_date AS due_now, "
                        f"c.id AS clock_ref, c.dossier_id AS held_in, c.pause_count AS pauses{extra}", division)
    return (f"WITH b AS MATERIALIZED ({cases}) SELECT b.*, {asof.AS_OF_END_COLUMNS} FROM b "
            + asof.as_of_end_joins("b"))


#: the dimensions of a stage case open at the period's end, the officer the clock's own (``open_as_of_end``
#: puts the one who held it then beside them)
DIMS_AS_OF = "c.division AS division, c.officer AS clock_officer, c.workflow_id AS workflow, c.stage AS stage"
#: an open stage case past its due date at the period's end (``o``: a row of ``open_as_of_end``)
OVERDUE_AT_END = "o.paused = 0 AND o.due < :end"
O_DIMS = "o.division, o.officer, o.workflow, o.stage"
#: what the open overdue list shows of a stage case after its dimensions (``end_state_sql``)
OVERDUE_SHOWN = ("code", "project_name", "investor", "start_date", "due")


def _backlog_sums(age_buckets: int) -> list[str]:
    """The sums of the open stage cases at the period's end (``o``): backlog, received in it, open overdue
    then, paused for the investor then, and the age buckets (``:age_lo1``… are the bucket bounds as start
    days), each ``expr AS name``."""
    sums = ["COUNT(*) AS backlog", "SUM(CASE WHEN o.start_date >= :start THEN 1 ELSE 0 END) AS received",
            f"SUM(CASE WHEN {OVERDUE_AT_END} THEN 1 ELSE 0 END) AS open_overdue", "SUM(o.paused) AS paused_at_end"]
    for i in range(age_buckets):
        conds = ([f"o.start_date < :age_lo{i}"] if i > 0 else []) + \
            ([f"o.start_date >= :age_lo{i + 1}"] if i < age_buckets - 1 else [])
        sums.append(f"SUM(CASE WHEN {' AND '.join(conds) or '1 = 1'} THEN 1 ELSE 0 END) AS age_b{i}")
    return sums


def backlog_sql(division: str | None, age_buckets: int, sqlite: bool) -> tuple[str, list[str]]:
    """Open stage cases at the period's end per dimension, as of that day (``_backlog_sums``); returns the
    SQL and the names."""
    sums = _backlog_sums(age_buckets)
    return (f"SELECT {O_DIMS}, {', '.join(sums)} FROM ({open_as_of_end(sqlite, division)}) o GROUP BY {O_DIMS}",
            [x.rsplit(" AS ", 1)[1] for x in sums])


def end_state_sql(division: str | None, age_buckets: int, sqlite: bool) -> tuple[str, list[str]]:
    """The backlog's groups (``backlog_sql``) and the open overdue list at the period's end, from one read
    of the stage cases open then (a materialised CTE): rows ``part`` (0: a group, 1: a listed case), the
    dimensions, the sums (NULL in a listed case), then ``code``, ``project_name``, ``investor``,
    ``start_date`` and ``due`` (NULL in a group). The listed cases are the ``:limit`` most overdue (the
    due date then, the dossier's code), in that order after the groups; returns the SQL and the sums' names."""
    sums = _backlog_sums(age_buckets)
    blank = ", ".join(f"NULL AS {x}" for x in OVERDUE_SHOWN)
    unsummed = ", ".join(f"NULL AS {x.rsplit(' AS ', 1)[1]}" for x in sums)
    listed = ("SELECT o.division, o.officer, o.workflow, o.stage, d.code, d.project_name, d.investor, o.start_date, "
              f"o.due FROM o JOIN dossier d ON d.id = o.dossier_id WHERE {OVERDUE_AT_END} ORDER BY o.due, d.code "
              "LIMIT :limit")
    cases = open_as_of_end(sqlite, division, ", c.dossier_id AS dossier_id")
    return ("WITH o AS MATERIALIZED (SELECT a.division, a.officer, a.workflow, a.stage, a.start_date, a.paused, "
            f"a.due, a.dossier_id FROM ({cases}) a) "
            f"SELECT 0 AS part, {O_DIMS}, {', '.join(sums)}, {blank} FROM o GROUP BY {O_DIMS} UNION ALL "
            f"SELECT 1, v.division, v.officer, v.workflow, v.stage, {unsummed}, "
            + ", ".join(f"v.{x}" for x in OVERDUE_SHOWN) + f" FROM ({listed}) v ORDER BY part, due, code",
            [x.rsplit(" AS ", 1)[1] for x in sums])


def evaluation_sql() -> str:
    inner = ("SELECT c.division AS division, c.officer AS officer, " + _aliased(EVALUATION_SUMS)
             + " FROM stage_clock c WHERE c.finished_on BETWEEN :start AND :end "
             "GROUP BY c.finished_on, c.division, c.officer")
    return grouped_by_day(inner, ("division", "officer"), list(EVALUATION_SUMS))


def trend_sql(division: str | None) -> str:
    return ("SELECT c.finished_on, COUNT(*), SUM(CASE WHEN c.outcome IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN c.outcome IN ('early', 'on_time') AND c.pause_count <= 1 THEN 1 ELSE 0 END) "
            "FROM stage_clock c WHERE c.finished_on BETWEEN :start AND :end" + where_division(division)
            + " GROUP BY c.finished_on")


def finished_base_sql(division: str | None) -> str:
    """The stage cases finished in the period: dimensions and turnaround (the percentiles' input)."""
    return (f"SELECT {DIMS}, c.turnaround_working_days AS wd, c.turnaround_days AS days FROM stage_clock c "
            "WHERE c.finished_on BETWEEN :start AND :end" + where_division(division))


def percentile_sql(division: str | None, by: Sequence[str]) -> str:
    """PostgreSQL's ``percentile_cont`` of both turnarounds, grouped ``by``."""
    cols = ", ".join(f"b.{k}" for k in by)
    return ("SELECT " + (cols + ", " if cols else "")
            + ", ".join(f"percentile_cont({f}) WITHIN GROUP (ORDER BY b.{col})"
                        for col in ("wd", "days") for f in (0.5, 0.9))
            + f" FROM ({finished_base_sql(division)}) b" + (f" GROUP BY {cols}" if cols else ""))


def durations_sql(division: str | None, by: Sequence[str]) -> str:
    cols = ", ".join(f"b.{k}" for k in by)
    return "SELECT " + (cols + ", " if cols else "") + f"b.wd, b.days FROM ({finished_base_sql(division)}) b"


#: PostgreSQL's memory for a sort or hash of the as-of statements: a month's end holds about 110,000 open
#: stage cases at 1,000,000 dossiers (7 MB in the CTE); under the default 4 MB they went to disk to be grouped
AS_OF_WORK_MEM = "SET LOCAL work_mem = '16MB'"
NAMES = {"divisions": "SELECT code, name FROM division", "people": "SELECT id, name FROM person",
         "people_divisions": "SELECT id, name, division FROM person"}


class ReadModel:
    """The read model's queries on one unit of work (read only)."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        self.uow.without_jit()
        return [tuple(r) for r in self.uow.execute(sql, dict(params)).fetchall()]

    def as_of_rows(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """``rows`` of a statement over the stage cases open at a period's end; on PostgreSQL with
        AS_OF_WORK_MEM for the rest of this unit of work."""
        if not self.codec.sqlite:
            self.uow.execute(AS_OF_WORK_MEM)
        return self.rows(sql, params)

    def in_chunks(self, sql: str, params: Mapping[str, Any], size: int = 20000) -> Any:
        """The rows of a long read as Python rows ``size`` at a time: SQLite steps the statement as they are
        fetched; on PostgreSQL libpq holds the whole result and only its Python rows are chunked
        (``UnitOfWork.stream`` instead gives the rows as the server sends them)."""
        self.uow.without_jit()
        cur = self.uow.execute(sql, dict(params))
        while True:
            chunk = cur.fetchmany(size)
            if not chunk:
                return
            yield from chunk

    def names(self, which: str) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.uow.execute(NAMES[which]).fetchall()]
