"""Turnaround metrics with the one-stop-shop definitions (domain.md §5), computed in the database.

The unit of account is a **stage case**: one stage clock of one dossier (``stage_clock`` row).
For every stage case finished in a period:

- **outcome**: the clock's own judgement against its (inclusive) due date, early / on time / late,
  except that a stage with more than one supplement request (``pause_count > 1``) counts as late, as
  the national portal counts it. A stage closed while waiting for the investor is *not judged*.
  Paused time is already excluded: a resumed clock's due date moved by the pause.
- **turnaround in working days**: working days after the start day up to and including the finishing
  day, minus the working days paused (for each pause, working days after the pause day up to and
  including the resumption day: exactly what the clock did not count);
- **turnaround in days**: calendar days from start to finish minus the calendar days paused;
- **turnaround vs the statutory limit**: Σ turnaround in the clock's own unit / Σ statutory limit
  (without extension), a ratio of sums that a reader can recompute.

Per period, two passes, each over what the period needs: the stage cases finished in it, grouped at
the finest grain (division × officer × workflow × stage) *and* by their turnaround (working days,
days), and the stage cases open at its end. Everything else is rolled up in Python from those groups,
so every grouping costs no extra scan, shares are exact fractions of integers, and the group counts
per turnaround value are exact histograms: medians and 90th percentiles are read off them with
PostgreSQL's ``percentile_cont`` formula, identically on SQLite (which has no percentile function) and
PostgreSQL. ``MetricsSession.percentiles`` computes the same figures the direct way
(``percentile_cont`` on PostgreSQL, the period's durations streamed on SQLite) as a cross-check.
"Received" = stage cases started in the period = started-and-finished (pass 1) + started-and-open
(pass 2). No pass ever loads the rows of a period into Python.

Working days need the calendar, which lives in Python (holiday data). A finished stage never changes,
so the engine computes its turnaround once, when it closes the clock (engine/deadlines.py), and stores
it on the ``stage_clock`` row: ``turnaround_working_days``, ``turnaround_days`` (paused time excluded)
and ``paused_working_days`` (revision 0003 filled them for the clocks already there). The finished pass
reads those columns: no calendar in SQL, no per-row lookup of pauses. What depends on the period's end
rather than on the stage (the backlog's age in working days, the overdue list's working days late) is
turned into dates or computed in Python from the working-day index (``_wd_by_ordinal``), so no query
joins a calendar table.

A stage case is credited to the division, officer and workflow on its clock (copied from the dossier when
the clock starts, revision 0004): the officer in charge while the stage ran, even if the dossier was
handed to someone else later. So no pass joins ``dossier``: each reads the covering index
``ix_stage_clock_finished_dims`` alone, grouped first by the finishing day (the index's order, so SQLite
groups without sorting), and the per-day groups are summed over the period.
"""

from __future__ import annotations

import calendar as pycal
import datetime as dt
import logging
import math
import weakref
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import text

from .errors import BadInput

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from .app import App

log = logging.getLogger(__name__)

DIMENSIONS = ("division", "officer", "workflow", "stage")
#: backlog age buckets, in working days since the stage started (upper bounds, inclusive)
AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (("0–10", 10), ("11–20", 20), ("21–40", 40), ("trên 40", None))
#: turnaround distribution buckets, working days (upper bounds, inclusive)
TURNAROUND_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0–5", 5), ("6–10", 10), ("11–15", 15), ("16–20", 20), ("21–30", 30), ("31–40", 40), ("trên 40", None))
BacklogRows = list[tuple[tuple[Any, ...], dict[str, int]]]

# Additive columns of one finest-grain row; everything else is derived from them.
FINISHED_SUMS = ("finished", "judged", "early", "on_time", "late", "not_judged", "wd_sum", "days_sum",
                 "paused_cases", "paused_days_sum", "elapsed_days_sum", "supplement_requests",
                 "repeated_supplements", "used_sum", "limit_sum",
                 *(f"turnaround_b{i}" for i in range(len(TURNAROUND_BUCKETS))))
BACKLOG_SUMS = ("backlog", "open_overdue", *(f"age_b{i}" for i in range(len(AGE_BUCKETS))))
ADDITIVE = ("received", *FINISHED_SUMS, *BACKLOG_SUMS)

#: The SQL of the additive columns summed over finished stage cases (``c`` = stage_clock), by name. A
#: judged stage with more than one supplement request counts as late, as the national portal counts it.
EVALUATION_SQL = {
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
MONTH_SQL = {
    **EVALUATION_SQL,
    "received": "SUM(CASE WHEN c.start_date >= :start THEN 1 ELSE 0 END)",
    "paused_cases": "SUM(CASE WHEN c.pause_count > 0 THEN 1 ELSE 0 END)",
    "paused_days_sum": "SUM(c.paused_days)",
    "elapsed_days_sum": "SUM(c.turnaround_days + c.paused_days)",
}


def _aliased(sums: dict[str, str]) -> str:
    return ", ".join(f"{expr} AS {name}" for name, expr in sums.items())


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days with a label (a month, a movement's campaign...)."""

    start: dt.date
    end: dt.date
    label: str

    @classmethod
    def month(cls, text_: str) -> Period:
        """``YYYY-MM``; raises BadInput otherwise."""
        try:
            year, month = (int(x) for x in text_.strip().split("-"))
            start = dt.date(year, month, 1)
        except (ValueError, TypeError):
            raise BadInput(f"Tháng «{text_}» không đúng định dạng YYYY-MM.", hint="Ví dụ: --month 2024-03") from None
        end = dt.date(year, month, pycal.monthrange(year, month)[1])
        return cls(start, end, f"{month:02d}/{year}")

    @property
    def ym(self) -> str:
        return f"{self.start.year:04d}-{self.start.month:02d}"

    def months(self) -> list[Period]:
        out, y, m = [], self.start.year, self.start.month
        while dt.date(y, m, 1) <= self.end:
            out.append(Period.month(f"{y:04d}-{m:02d}"))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        return out


def percentile_cont(values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont`` on sorted ``values``: the same formula, the same floats."""
    n = len(values)
    if n == 0:
        return None
    pos = fraction * (n - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    first, second = float(values[lo]), float(values[hi])
    return first + (second - first) * (pos - lo)


def hist_percentile(hist: Counter[int], fraction: float) -> float | None:
    """``percentile_cont`` of the sorted values a histogram {value: count} stands for (exact)."""
    n = sum(hist.values())
    if n == 0:
        return None
    pos = fraction * (n - 1)
    lo, hi = math.floor(pos), math.ceil(pos)
    first = second = None
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if first is None and seen > lo:
            first = value
        if seen > hi:
            second = value
            break
    assert first is not None and second is not None
    return float(first) + (float(second) - float(first)) * (pos - lo)


def _bucket_of(value: int, buckets: tuple[tuple[str, int | None], ...]) -> int:
    for i, (_, hi) in enumerate(buckets):
        if hi is None or value <= hi:
            return i
    return len(buckets) - 1


def _share(num: int, den: int) -> float | None:
    return num / den if den else None


def derive(row: dict[str, Any]) -> dict[str, Any]:
    """Add the shares and means of an aggregated row (exact ratios of its integer sums)."""
    f, j = row["finished"], row["judged"]
    row["early_share"] = _share(row["early"], j)
    row["on_time_share"] = _share(row["on_time"], j)
    row["late_share"] = _share(row["late"], j)
    row["early_or_on_time_share"] = _share(row["early"] + row["on_time"], j)
    row["wd_mean"] = _share(row["wd_sum"], f)
    row["days_mean"] = _share(row["days_sum"], f)
    row["paused_share"] = _share(row["paused_cases"], f)
    row["paused_time_share"] = _share(row["paused_days_sum"], row["elapsed_days_sum"])
    row["supplements_per_case"] = _share(row["supplement_requests"], f)
    row["repeated_supplement_share"] = _share(row["repeated_supplements"], f)
    row["turnaround_vs_limit"] = _share(row["used_sum"], row["limit_sum"])
    row["open_overdue_rate"] = _share(row["open_overdue"], f + row["backlog"])
    row["age_buckets"] = [row[f"age_b{i}"] for i in range(len(AGE_BUCKETS))]
    row["turnaround_buckets"] = [row[f"turnaround_b{i}"] for i in range(len(TURNAROUND_BUCKETS))]
    return row


def rollup(fine: Iterable[dict[str, Any]], by: Sequence[str]) -> list[dict[str, Any]]:
    """Sum finest-grain rows into groups ``by`` (any subset of DIMENSIONS, in order), sorted by key."""
    groups: dict[tuple[Any, ...], dict[str, Any]] = {}
    for r in fine:
        key = tuple(r[k] for k in by)
        g = groups.get(key)
        if g is None:
            g = groups[key] = {**dict(zip(by, key, strict=False)), **{c: 0 for c in ADDITIVE}}
        for c in ADDITIVE:
            g[c] += r[c]
    return [derive(groups[k]) for k in sorted(groups, key=lambda k: tuple("" if v is None else str(v) for v in k))]


# per calendar object (weakly held: a new App with other rule files gets its own); filled without
# locks: two threads computing the same entry at once store equal values
_WD_CACHE: weakref.WeakKeyDictionary[Any, dict[int, int]] = weakref.WeakKeyDictionary()


def _wd_by_ordinal(cal: Any) -> dict[int, int]:
    """Day ordinal -> number of working days up to and including that day, over the calendar's span."""
    out = _WD_CACHE.get(cal)
    if out is None:
        out, wd = {}, 0
        day, one = cal.first, dt.timedelta(days=1)
        while day <= cal.last:
            if cal.is_working_day(day):
                wd += 1
            out[day.toordinal()] = wd
            day += one
        _WD_CACHE[cal] = out
    return out


def _bucket_sum(expr: str, buckets: tuple[tuple[str, int | None], ...], i: int) -> str:
    """``SUM(CASE ...)`` counting the rows whose ``expr`` falls in bucket ``i`` (inclusive upper bounds)."""
    lo = buckets[i - 1][1] if i > 0 else None
    hi = buckets[i][1]
    conds = ([f"{expr} > {lo}"] if lo is not None else []) + ([f"{expr} <= {hi}"] if hi is not None else [])
    return f"SUM(CASE WHEN {' AND '.join(conds) or '1 = 1'} THEN 1 ELSE 0 END)"


class MetricsSession:
    """One database connection (and the calendar's working-day index); run any number of queries on it."""

    def __init__(self, app: App, conn: Connection) -> None:
        self.app = app
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.cal = app.calendar
        self._wd_index = _wd_by_ordinal(self.cal)
        self._fine: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self._hist: dict[tuple[Any, ...], dict[tuple[Any, ...], tuple[Counter[int], Counter[int]]]] = {}

    # -- setup ------------------------------------------------------------------------------
    def _day(self, d: dt.date) -> Any:
        return d if self.pg else d.isoformat()

    def _check_span(self, period: Period) -> None:
        if period.start < self.cal.first or period.end > self.cal.last:
            raise BadInput(f"Kỳ {period.label} nằm ngoài lịch làm việc đã nạp.",
                           hint="Mở rộng khoảng năm (years) trong tệp lịch.")

    # -- SQL building blocks --------------------------------------------------------------
    # Every query reads ``stage_clock`` alone through ix_stage_clock_finished_dims (finishing day, then
    # the dimensions and the turnaround; revision 0004): the clock carries the division, officer and
    # workflow it ran under, so no query joins ``dossier`` except the overdue list, for its names.
    @staticmethod
    def _where_division(division: str | None) -> str:
        # not a plain ``c.division = :division``: SQLite would then sort rows that the index already
        # gives in GROUP BY order (an equality on a column it does not search by); same result
        return " AND COALESCE(c.division, '') = :division" if division else ""

    def _finished_base(self, division: str | None) -> str:
        """The stage cases finished in the period: dimensions and turnaround (the percentiles' input)."""
        return ("SELECT c.division AS division, c.officer AS officer, c.workflow_id AS workflow, c.stage AS stage, "
                "c.turnaround_working_days AS wd, c.turnaround_days AS days FROM stage_clock c "
                "WHERE c.finished_on BETWEEN :start AND :end" + self._where_division(division))

    @staticmethod
    def _grouped_by_day(inner: str, keys: Sequence[str], sums: Sequence[str]) -> str:
        """``inner`` groups by the finishing day first, then ``keys``: the index's own order, so SQLite
        groups the rows as it reads them, with no sort. This sums those per-day groups over the days
        (a sort of a few thousand groups instead of every row)."""
        return (f"SELECT {', '.join(keys)}, {', '.join(f'SUM({x})' for x in sums)} "
                f"FROM ({inner}) g GROUP BY {', '.join(keys)}")

    def _params(self, period: Period, division: str | None) -> dict[str, Any]:
        p: dict[str, Any] = {"start": self._day(period.start), "end": self._day(period.end)}
        if division:
            p["division"] = division
        return p

    # -- finest-grain additive rows --------------------------------------------------------
    def fine(self, period: Period, division: str | None = None,
             backlog: Callable[[], BacklogRows] | None = None) -> list[dict[str, Any]]:
        """Additive counts and sums per (division, officer, workflow, stage) for ``period``.

        Two passes, each over what the period needs: the stage cases finished in it (one grouped
        query that also yields the turnaround histograms) and the stage cases open at its end
        (``backlog_rows``; a caller may have it computed on another connection meanwhile and pass a
        function returning it).
        """
        key = (period.start, period.end, division)
        if key in self._fine:
            return self._fine[key]
        self._check_span(period)
        params = self._params(period, division)
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        hist: dict[tuple[Any, ...], tuple[Counter[int], Counter[int]]] = {}

        def slot(k: tuple[Any, ...]) -> dict[str, Any]:
            r = rows.get(k)
            if r is None:
                r = rows[k] = {**dict(zip(DIMENSIONS, k, strict=False)), **{c: 0 for c in ADDITIVE}}
            return r

        # 1. finished stage cases, grouped down to (turnaround in working days, in days): the groups
        #    give every sum, and their counts are exact histograms for medians and percentiles. A stage
        #    with more than one supplement request counts as late (judged stages only).
        inner = (
            "SELECT c.division AS division, c.officer AS officer, c.workflow_id AS workflow, c.stage AS stage, "
            "c.turnaround_working_days AS wd, c.turnaround_days AS days, " + _aliased(MONTH_SQL)
            + " FROM stage_clock c WHERE c.finished_on BETWEEN :start AND :end" + self._where_division(division)
            + " GROUP BY c.finished_on, c.division, c.officer, c.workflow_id, c.stage, "
            "c.turnaround_working_days, c.turnaround_days")
        names = list(MONTH_SQL)
        finished_sql = self._grouped_by_day(inner, ("division", "officer", "workflow", "stage", "wd", "days"), names)
        for rec in self.conn.execute(text(finished_sql), params):
            k = tuple(rec[:4])
            r = slot(k)
            wd, days = int(rec[4]), int(rec[5])
            sums = {name: int(value or 0) for name, value in zip(names, rec[6:], strict=True)}
            for name, value in sums.items():
                r[name] += value
            n = sums["finished"]
            r["not_judged"] += n - sums["judged"]
            r["wd_sum"] += wd * n
            r["days_sum"] += days * n
            r[f"turnaround_b{_bucket_of(wd, TURNAROUND_BUCKETS)}"] += n
            h = hist.get(k)
            if h is None:
                h = hist[k] = (Counter(), Counter())
            h[0][wd] += n
            h[1][days] += n
        for k, values in (backlog() if backlog is not None else self.backlog_rows(period, division)):
            r = slot(k)
            for name, value in values.items():
                r[name] += value
        out = list(rows.values())
        self._fine[key] = out
        self._hist[key] = hist
        return out

    def _age_bounds(self, end: dt.date) -> list[dt.date]:
        """For each bounded age bucket h: the earliest start day whose age at ``end`` is at most h,
        i.e. the working day numbered wd(end) - h (or the calendar's first day)."""
        end_wd = self._wd_index[end.toordinal()]
        first = self.cal.next_working_day(self.cal.first)
        out = []
        for _, hi in AGE_BUCKETS:
            if hi is None:
                break
            k = end_wd - hi
            out.append(self.cal.first if k <= 1 else self.cal.add_working_days(first, k - 1))
        return out

    def _open_at_end(self, select: str, division: str | None, group: str = "", where: str = "") -> str:
        """``select`` over the stage cases open at the period's end (started by it, not finished by it):
        those finished after it, then those still open (``finished_on`` NULL: the front of the index),
        each a range of ix_stage_clock_finished_dims; ``where`` is ANDed and ``group`` appended to each."""
        cond = "c.start_date <= :end" + self._where_division(division) + (f" AND {where}" if where else "")
        return (f"{select} FROM stage_clock c WHERE c.finished_on > :end AND {cond}{group} UNION ALL "
                f"{select} FROM stage_clock c WHERE c.finished_on IS NULL AND {cond}{group}")

    def backlog_rows(self, period: Period, division: str | None = None) -> BacklogRows:
        """The stage cases open at the period's end (and how many of them started in it), per
        (division, officer, workflow, stage)."""
        params = self._params(period, division)
        # A stage case started in the period is either finished in it (``fine``'s first pass) or open at
        # its end (this one), so "received" (stage cases started in the period) is the sum of the two.
        # age in working days = wd(end) - wd(start) <= h  <=>  start >= the working day numbered
        # wd(end) - h: bucket bounds become dates, and no calendar join is needed
        bounds = self._age_bounds(period.end)
        sums = ["COUNT(*) AS backlog", "SUM(CASE WHEN c.start_date >= :start THEN 1 ELSE 0 END) AS received",
                "SUM(CASE WHEN c.due_date < :end THEN 1 ELSE 0 END) AS open_overdue"]
        for i, (_, hi) in enumerate(AGE_BUCKETS):
            conds = ([f"c.start_date < :age_lo{i}"] if i > 0 else []) + \
                ([f"c.start_date >= :age_lo{i + 1}"] if hi is not None else [])
            sums.append(f"SUM(CASE WHEN {' AND '.join(conds) or '1 = 1'} THEN 1 ELSE 0 END) AS age_b{i}")
        params = {**params, **{f"age_lo{i + 1}": self._day(b) for i, b in enumerate(bounds)}}
        names = [x.rsplit(" AS ", 1)[1] for x in sums]
        inner = self._open_at_end(
            "SELECT c.division AS division, c.officer AS officer, c.workflow_id AS workflow, c.stage AS stage, "
            + ", ".join(sums), division,
            " GROUP BY c.finished_on, c.division, c.officer, c.workflow_id, c.stage")
        sql = self._grouped_by_day(inner, ("division", "officer", "workflow", "stage"), names)
        return [(tuple(rec[:4]), {name: int(value or 0) for name, value in zip(names, rec[4:], strict=True)})
                for rec in self.conn.execute(text(sql), params)]

    def evaluation_totals(self, period: Period) -> list[dict[str, Any]]:
        """Additive rows per (division, officer) for a long period (a movement's year): only what the
        evaluation reads (outcomes, turnaround in the clock's unit against the limit, repeated
        supplements, backlog and open overdue at the end). No histograms; the year's stages are grouped
        per day as the index is read, then the days summed (no sort of a year of rows)."""
        self._check_span(period)
        params = self._params(period, None)
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}

        def slot(k: tuple[Any, ...]) -> dict[str, Any]:
            k2 = (k[0], k[1])
            r = rows.get(k2)
            if r is None:
                r = rows[k2] = {"division": k2[0], "officer": k2[1], "workflow": None, "stage": None,
                                **{c: 0 for c in ADDITIVE}}
            return r

        names = list(EVALUATION_SQL)
        inner = ("SELECT c.division AS division, c.officer AS officer, " + _aliased(EVALUATION_SQL)
                 + " FROM stage_clock c WHERE c.finished_on BETWEEN :start AND :end "
                 "GROUP BY c.finished_on, c.division, c.officer")
        for rec in self.conn.execute(text(self._grouped_by_day(inner, ("division", "officer"), names)), params):
            r = slot((rec[0], rec[1]))
            r.update({name: int(value or 0) for name, value in zip(names, rec[2:], strict=True)})
            r["not_judged"] = r["finished"] - r["judged"]
        for k, values in self.backlog_rows(period, None):
            r = slot(k)
            for name, value in values.items():
                r[name] += value
        return list(rows.values())

    # -- percentiles -------------------------------------------------------------------------
    def percentiles_from_histograms(self, period: Period, by: Sequence[str],
                                    division: str | None = None) -> dict[tuple[Any, ...], dict[str, float | None]]:
        """Median and 90th percentile per group ``by``, from the finished pass's exact histograms."""
        self.fine(period, division)
        merged: dict[tuple[Any, ...], tuple[Counter[int], Counter[int]]] = {}
        idx = [DIMENSIONS.index(b) for b in by]
        for k, (w, d) in self._hist[(period.start, period.end, division)].items():
            g = tuple(k[i] for i in idx)
            m = merged.get(g)
            if m is None:
                m = merged[g] = (Counter(), Counter())
            m[0].update(w)
            m[1].update(d)
        return {g: {"wd_median": hist_percentile(w, 0.5), "wd_p90": hist_percentile(w, 0.9),
                    "days_median": hist_percentile(d, 0.5), "days_p90": hist_percentile(d, 0.9)}
                for g, (w, d) in merged.items()}

    def percentiles(self, period: Period, by: Sequence[str],
                    division: str | None = None) -> dict[tuple[Any, ...], dict[str, float | None]]:
        """The same figures straight from the rows: ``percentile_cont`` on PostgreSQL, the durations
        streamed and interpolated in Python on SQLite. A cross-check of the histogram path."""
        for b in by:
            if b not in DIMENSIONS:
                raise BadInput(f"Không nhóm được theo «{b}».", hint="Chọn trong: " + ", ".join(DIMENSIONS))
        params = self._params(period, division)
        base = self._finished_base(division)
        out: dict[tuple[Any, ...], dict[str, float | None]] = {}
        cols = ", ".join(f"b.{k}" for k in by)
        n = len(by)
        if self.pg:
            sql = ("SELECT " + (cols + ", " if cols else "")
                   + ", ".join(f"percentile_cont({f}) WITHIN GROUP (ORDER BY b.{col})"
                               for col in ("wd", "days") for f in (0.5, 0.9)) + " "
                   f"FROM ({base}) b" + (f" GROUP BY {cols}" if cols else ""))
            for rec in self.conn.execute(text(sql), params):
                vals = [None if v is None else float(v) for v in rec[n:]]
                if vals[0] is not None:
                    out[tuple(rec[:n])] = {"wd_median": vals[0], "wd_p90": vals[1],
                                           "days_median": vals[2], "days_p90": vals[3]}
            return out
        wd: dict[tuple[Any, ...], array[int]] = defaultdict(lambda: array("i"))
        days: dict[tuple[Any, ...], array[int]] = defaultdict(lambda: array("i"))
        res = self.conn.execute(text("SELECT " + (cols + ", " if cols else "") + f"b.wd, b.days FROM ({base}) b"),
                                params)
        while True:
            chunk = res.fetchmany(20000)
            if not chunk:
                break
            for rec in chunk:
                k = tuple(rec[:n])
                wd[k].append(int(rec[n]))
                days[k].append(int(rec[n + 1]))
        for k in wd:
            w, d = sorted(wd[k]), sorted(days[k])
            out[k] = {"wd_median": percentile_cont(w, 0.5), "wd_p90": percentile_cont(w, 0.9),
                      "days_median": percentile_cont(d, 0.5), "days_p90": percentile_cont(d, 0.9)}
        return out

    # -- public ------------------------------------------------------------------------------
    def table(self, period: Period, by: Sequence[str], division: str | None = None,
              with_percentiles: bool = True) -> list[dict[str, Any]]:
        """Metrics rows grouped ``by`` (a subset of DIMENSIONS; empty for the total)."""
        for b in by:
            if b not in DIMENSIONS:
                raise BadInput(f"Không nhóm được theo «{b}».", hint="Chọn trong: " + ", ".join(DIMENSIONS))
        rows = rollup(self.fine(period, division), by)
        if not rows and not by:
            rows = [derive({c: 0 for c in ADDITIVE})]
        pct = self.percentiles_from_histograms(period, by, division) if with_percentiles else {}
        empty = {"wd_median": None, "wd_p90": None, "days_median": None, "days_p90": None}
        for r in rows:
            r.update(pct.get(tuple(r[k] for k in by), empty))
        return rows

    def monthly_trend(self, start: dt.date, end: dt.date, division: str | None = None) -> list[dict[str, Any]]:
        """Judged and early-or-on-time stage cases per month of finishing, from ``start`` to ``end``
        (read from the index in finishing order: no row lookup, no sort)."""
        span = Period(start, end, "")
        self._check_span(span)
        per_month: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        q = ("SELECT c.finished_on, COUNT(*), SUM(CASE WHEN c.outcome IS NOT NULL THEN 1 ELSE 0 END), "
             "SUM(CASE WHEN c.outcome IN ('early', 'on_time') AND c.pause_count <= 1 THEN 1 ELSE 0 END) "
             "FROM stage_clock c WHERE c.finished_on BETWEEN :start AND :end" + self._where_division(division)
             + " GROUP BY c.finished_on")
        for rec in self.conn.execute(text(q), self._params(span, division)):
            ym = str(rec[0])[:7]
            per_month[ym] = [a + int(b or 0) for a, b in zip(per_month[ym], rec[1:4], strict=True)]
        out = []
        for mp in span.months():
            finished, judged, good = per_month.get(mp.ym, (0, 0, 0))
            out.append({"month": mp.ym, "label": mp.label, "finished": finished, "judged": judged,
                        "early_or_on_time": good, "early_or_on_time_share": _share(good, judged)})
        return out

    def open_overdue_list(self, period: Period, division: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """The stage cases open and past their due date at the period's end, the most overdue first."""
        cases = self._open_at_end(
            "SELECT c.dossier_id, c.division, c.officer, c.workflow_id, c.stage, c.start_date, c.due_date",
            division, where="c.due_date < :end")
        sql = ("SELECT d.code, d.project_name, d.investor, o.division, o.officer, o.workflow_id, o.stage, "
               f"o.start_date, o.due_date FROM ({cases}) o JOIN dossier d ON d.id = o.dossier_id "
               "ORDER BY o.due_date, d.code LIMIT :limit")
        params = {**self._params(period, division), "limit": limit}
        out = []
        end_wd = self._wd_index[period.end.toordinal()]
        for r in self.conn.execute(text(sql), params):
            due = r[8] if isinstance(r[8], dt.date) else dt.date.fromisoformat(str(r[8])[:10])
            start = r[7] if isinstance(r[7], dt.date) else dt.date.fromisoformat(str(r[7])[:10])
            out.append({"code": r[0], "project_name": r[1], "investor": r[2], "division": r[3], "officer": r[4],
                        "workflow": r[5], "stage": r[6], "start_date": start, "due_date": due,
                        "overdue_working_days": end_wd - self._wd_index[due.toordinal()]})
        return out


def warm_up(app: App) -> None:
    """Build the calendar and its working-day index once (before threads share them)."""
    _wd_by_ordinal(app.calendar)


@contextmanager
def session(app: App) -> Iterator[MetricsSession]:
    """A metrics session on one connection (read only: rolled back when done)."""
    with app.engine.connect() as conn:
        ms = MetricsSession(app, conn)
        try:
            yield ms
        finally:
            try:
                conn.rollback()
            except Exception:  # pragma: no cover - the connection is going away anyway
                log.warning("could not end the metrics session cleanly", exc_info=True)
