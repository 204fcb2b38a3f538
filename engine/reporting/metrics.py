"""Turnaround metrics with the one-stop-shop definitions (domain.md §5), computed in the database
(the SQL is the store's read model, engine.store.read_model; the rollups are here).

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
so the engine computes its turnaround once, when it closes the clock (engine/domain/deadlines.py), and stores
it on the ``stage_clock`` row: ``turnaround_working_days``, ``turnaround_days`` (paused time excluded)
and ``paused_working_days`` (revision 0003 filled them for the clocks already there). The finished pass
reads those columns: no calendar in SQL, no per-row lookup of pauses. What depends on the period's end
rather than on the stage (the backlog's age in working days, the overdue list's working days late) is
turned into dates or computed in Python from the calendar's working-day numbers, so no query
joins a calendar table.

A stage case is credited to the division, officer and workflow on its clock (copied from the dossier when
the clock starts, revision 0004): the officer in charge while the stage ran, even if the dossier was
handed to someone else later. The finished pass joins nothing: it reads the covering index
``ix_stage_clock_finished_dims`` alone, grouped first by the finishing day (the index's order, so SQLite
groups without sorting), and the per-day groups are summed over the period. The stage cases open at the
period's end are read as they stood on that day (engine.store.asof): the officer who held each then (a
later handover does not move it), its due date then and whether the investor held it then (paused, so
not overdue); never today's row, so recording a later event never changes a past period's figures.
"""
from __future__ import annotations

import datetime as dt
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..domain.calendar import WorkingCalendar
from ..domain.clock import TZ
from ..domain.errors import BadInput
from ..store import read_model as sql
from ..store.database import Database, UnitOfWork
from .periods import Period, hist_percentile, percentile_cont
from .rollups import (
    AGE_BUCKETS,
    DIMENSIONS,
    TURNAROUND_BUCKETS,
    bucket_of,
    derive,
    empty_row,
    rollup,
    share,
)

BacklogRows = list[tuple[tuple[Any, ...], dict[str, int]]]
#: the stage cases open at a period's end: the backlog's rows and the open overdue list
EndState = tuple[BacklogRows, list[dict[str, Any]]]
Hist = tuple[Counter[int], Counter[int]]
PCT_KEYS = ("wd_median", "wd_p90", "days_median", "days_p90")


class MetricsSession:
    """One unit of work (read only) and the calendar; run any number of queries on it."""

    def __init__(self, uow: UnitOfWork, cal: WorkingCalendar) -> None:
        self.rm = uow.read_model
        self.pg = not uow.codec.sqlite
        self.cal = cal
        self._fine: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
        self._hist: dict[tuple[Any, ...], dict[tuple[Any, ...], Hist]] = {}

    def _check_span(self, period: Period) -> None:
        if period.start < self.cal.first or period.end > self.cal.last:
            raise BadInput(f"Kỳ {period.label} nằm ngoài lịch làm việc đã nạp.",
                           hint="Mở rộng khoảng năm (years) trong tệp lịch.")

    def _params(self, period: Period, division: str | None) -> dict[str, Any]:
        day = self.rm.codec.day
        p: dict[str, Any] = {"start": day(period.start), "end": day(period.end)}
        if division:
            p["division"] = division
        return p

    # -- finest-grain additive rows ------------------------------------------------------------
    def fine(self, period: Period, division: str | None = None,
             backlog: Callable[[], BacklogRows] | None = None) -> list[dict[str, Any]]:
        """Additive counts and sums per (division, officer, workflow, stage) for ``period``.

        Two passes: the stage cases finished in it (one grouped query that also yields the turnaround
        histograms) and the stage cases open at its end (``backlog_rows``; a caller may have it computed
        on another connection meanwhile and pass a function returning it).
        """
        key = (period.start, period.end, division)
        if key in self._fine:
            return self._fine[key]
        self._check_span(period)
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}
        hist: dict[tuple[Any, ...], Hist] = {}

        def slot(k: tuple[Any, ...]) -> dict[str, Any]:
            if k not in rows:
                rows[k] = empty_row(**dict(zip(DIMENSIONS, k, strict=False)))
            return rows[k]

        names = list(sql.MONTH_SUMS)
        for rec in self.rm.rows(sql.finished_sql(division), self._params(period, division)):
            k, wd, days = tuple(rec[:4]), int(rec[4]), int(rec[5])
            r = slot(k)
            sums = {name: int(value or 0) for name, value in zip(names, rec[6:], strict=True)}
            for name, value in sums.items():
                r[name] += value
            n = sums["finished"]
            r["not_judged"] += n - sums["judged"]
            r["wd_sum"] += wd * n
            r["days_sum"] += days * n
            r[f"turnaround_b{bucket_of(wd, TURNAROUND_BUCKETS)}"] += n
            h = hist.setdefault(k, (Counter(), Counter()))
            h[0][wd] += n
            h[1][days] += n
        for k, values in (backlog() if backlog is not None else self.backlog_rows(period, division)):
            r = slot(k)
            for name, value in values.items():
                r[name] += value
        self._fine[key], self._hist[key] = list(rows.values()), hist
        return self._fine[key]

    def _age_bounds(self, end: dt.date) -> list[dt.date]:
        """For each bounded age bucket h: the earliest start day whose age at ``end`` is at most h,
        i.e. the working day numbered wd(end) - h (or the calendar's first day)."""
        end_wd = self.cal.working_day_number(end)
        first = self.cal.next_working_day(self.cal.first)
        return [self.cal.first if end_wd - hi <= 1 else self.cal.add_working_days(first, end_wd - hi - 1)
                for _, hi in AGE_BUCKETS if hi is not None]

    def _end_params(self, period: Period, division: str | None) -> dict[str, Any]:
        """The period's parameters, ``:after_at`` (the first instant after its last day) and the age buckets'
        bounds: age in working days = wd(end) - wd(start) <= h exactly when start >= the working day numbered
        wd(end) - h, so the bounds become start days (``:age_lo1``…), no calendar join."""
        after = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(), TZ)
        return {**self._params(period, division), "after_at": self.rm.codec.ts(after),
                **{f"age_lo{i + 1}": self.rm.codec.day(b) for i, b in enumerate(self._age_bounds(period.end))}}

    def backlog_rows(self, period: Period, division: str | None = None) -> BacklogRows:
        """The stage cases open at the period's end, as of that day (and how many of them started in it,
        were overdue then, were paused then), per (division, officer then, workflow, stage)."""
        query, names = sql.backlog_sql(division, len(AGE_BUCKETS), self.rm.codec.sqlite)
        return _backlog(self.rm.as_of_rows(query, self._end_params(period, division)), names)

    def end_state(self, period: Period, division: str | None = None, limit: int = 50) -> EndState:
        """``backlog_rows`` and ``open_overdue_list`` from one read of the stage cases open at the period's
        end (read_model.end_state_sql): the monthly report's figures as of that day."""
        query, names = sql.end_state_sql(division, len(AGE_BUCKETS), self.rm.codec.sqlite)
        rows = self.rm.as_of_rows(query, {**self._end_params(period, division), "limit": limit})
        n = 5 + len(names)
        return (_backlog([r[1:n] for r in rows if r[0] == 0], names),
                self._listed(period, [r[1:5] + r[n:] for r in rows if r[0] == 1]))

    def evaluation_totals(self, period: Period) -> list[dict[str, Any]]:
        """Additive rows per (division, officer) for a long period (a movement's year): only what the
        evaluation reads. No histograms; the year's stages are grouped per day as the index is read."""
        self._check_span(period)
        rows: dict[tuple[Any, ...], dict[str, Any]] = {}

        def slot(k: tuple[Any, ...]) -> dict[str, Any]:
            if k[:2] not in rows:
                rows[k[:2]] = empty_row(division=k[0], officer=k[1], workflow=None, stage=None)
            return rows[k[:2]]

        names = list(sql.EVALUATION_SUMS)
        for rec in self.rm.rows(sql.evaluation_sql(), self._params(period, None)):
            r = slot((rec[0], rec[1]))
            r.update({name: int(value or 0) for name, value in zip(names, rec[2:], strict=True)})
            r["not_judged"] = r["finished"] - r["judged"]
        for k, values in self.backlog_rows(period, None):
            r = slot(k)
            for name, value in values.items():
                r[name] += value
        return list(rows.values())

    # -- percentiles ---------------------------------------------------------------------------
    def percentiles_from_histograms(self, period: Period, by: Sequence[str],
                                    division: str | None = None) -> dict[tuple[Any, ...], dict[str, float | None]]:
        """Median and 90th percentile per group ``by``, from the finished pass's exact histograms."""
        self.fine(period, division)
        merged: dict[tuple[Any, ...], Hist] = {}
        idx = [DIMENSIONS.index(b) for b in by]
        for k, (w, d) in self._hist[(period.start, period.end, division)].items():
            m = merged.setdefault(tuple(k[i] for i in idx), (Counter(), Counter()))
            m[0].update(w)
            m[1].update(d)
        return {g: dict(zip(PCT_KEYS, (hist_percentile(w, 0.5), hist_percentile(w, 0.9), hist_percentile(d, 0.5),
                                       hist_percentile(d, 0.9)), strict=True))
                for g, (w, d) in merged.items()}

    def percentiles(self, period: Period, by: Sequence[str],
                    division: str | None = None) -> dict[tuple[Any, ...], dict[str, float | None]]:
        """The same figures straight from the rows: ``percentile_cont`` on PostgreSQL, the durations
        streamed and interpolated in Python on SQLite. A cross-check of the histogram path."""
        _check_dims(by)
        params, n = self._params(period, division), len(by)
        out: dict[tuple[Any, ...], dict[str, float | None]] = {}
        if self.pg:
            for rec in self.rm.rows(sql.percentile_sql(division, by), params):
                vals = [None if v is None else float(v) for v in rec[n:]]
                if vals[0] is not None:
                    out[tuple(rec[:n])] = dict(zip(PCT_KEYS, vals, strict=True))
            return out
        wd: dict[tuple[Any, ...], array[int]] = defaultdict(lambda: array("i"))
        days: dict[tuple[Any, ...], array[int]] = defaultdict(lambda: array("i"))
        for rec in self.rm.in_chunks(sql.durations_sql(division, by), params):
            wd[tuple(rec[:n])].append(int(rec[n]))
            days[tuple(rec[:n])].append(int(rec[n + 1]))
        for k in wd:
            w, d = sorted(wd[k]), sorted(days[k])
            out[k] = dict(zip(PCT_KEYS, (percentile_cont(w, 0.5), percentile_cont(w, 0.9), percentile_cont(d, 0.5),
                                         percentile_cont(d, 0.9)), strict=True))
        return out

    # -- public --------------------------------------------------------------------------------
    def table(self, period: Period, by: Sequence[str], division: str | None = None,
              with_percentiles: bool = True) -> list[dict[str, Any]]:
        """Metrics rows grouped ``by`` (a subset of DIMENSIONS; empty for the total)."""
        _check_dims(by)
        rows = rollup(self.fine(period, division), by)
        if not rows and not by:
            rows = [derive(empty_row())]
        pct = self.percentiles_from_histograms(period, by, division) if with_percentiles else {}
        empty = dict.fromkeys(PCT_KEYS)
        for r in rows:
            r.update(pct.get(tuple(r[k] for k in by), empty))
        return rows

    def monthly_trend(self, start: dt.date, end: dt.date, division: str | None = None) -> list[dict[str, Any]]:
        """Judged and early-or-on-time stage cases per month of finishing, from ``start`` to ``end``."""
        span = Period(start, end, "")
        self._check_span(span)
        per_month: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
        for rec in self.rm.rows(sql.trend_sql(division), self._params(span, division)):
            ym = str(rec[0])[:7]
            per_month[ym] = [a + int(b or 0) for a, b in zip(per_month[ym], rec[1:4], strict=True)]
        out = []
        for mp in span.months():
            finished, judged, good = per_month.get(mp.ym, (0, 0, 0))
            out.append({"month": mp.ym, "label": mp.label, "finished": finished, "judged": judged,
                        "early_or_on_time": good, "early_or_on_time_share": share(good, judged)})
        return out

    def open_overdue_list(self, period: Period, division: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """The stage cases open and past their due date at the period's end, as of that day, the most
        overdue first; ``overdue_working_days``: working days after the due date then up to the last day."""
        return self.end_state(period, division, limit)[1]

    def _listed(self, period: Period, rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        """The open overdue list's rows (the dimensions, then read_model.OVERDUE_SHOWN) as the report shows."""
        day, end_wd = self.rm.codec.read_day, self.cal.working_day_number(period.end)
        return [{"code": code, "project_name": name, "investor": investor, "division": division, "officer": officer,
                 "workflow": workflow, "stage": stage, "start_date": day(start), "due_date": day(due),
                 "overdue_working_days": end_wd - self.cal.working_day_number(_day(day(due)))}
                for division, officer, workflow, stage, code, name, investor, start, due in rows]


def _day(value: dt.date | None) -> dt.date:
    assert value is not None
    return value


def _backlog(rows: list[tuple[Any, ...]], names: Sequence[str]) -> BacklogRows:
    return [(tuple(rec[:4]), {name: int(value or 0) for name, value in zip(names, rec[4:], strict=True)})
            for rec in rows]


def _check_dims(by: Sequence[str]) -> None:
    for b in by:
        if b not in DIMENSIONS:
            raise BadInput(f"Không nhóm được theo «{b}».", hint="Chọn trong: " + ", ".join(DIMENSIONS))


@contextmanager
def session(database: Database, cal: WorkingCalendar) -> Iterator[MetricsSession]:
    """A metrics session on one unit of work (read only: rolled back when done)."""
    with database.reading() as uow:
        yield MetricsSession(uow, cal)
