"""The hold-ups' read of every stage case linked to a project, in one pass: per project, its stage
cases as spans of days in text, joined in the database (``group_concat`` on SQLite, ``string_agg`` on
PostgreSQL) so that a million stage cases cross to Python as one row per project.

A span is written ``START`` or ``STARTEND`` (ISO days, ``END`` the day it finished, none while open);
a stage case never paused (``pause_count`` 0: it counts every pause begun, as engine.store.asof reads
it) is a span in the first column; a paused one is ``SPAN:PAUSE,PAUSE…`` in the second, each of its
pauses overlapping the window a span too (``END`` the day it resumed), so its running days are its
span without its pauses. The dossiers are walked by project (``ix_dossier_project``) and their stage
cases read from ``ix_stage_clock_dossier_span`` alone (revision 0013).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

#: the linked stage cases started by :end and not finished before :lo
WHERE_LINKED = ("WHERE c.dossier_id = d.id AND d.project_id IS NOT NULL AND c.start_date <= :end "
                "AND (c.finished_on IS NULL OR c.finished_on >= :lo)")
PAUSES_OF_C = ("(SELECT {agg}({pause}, ',') FROM clock_pause x WHERE x.clock_id = c.id AND x.paused_on <= :end "
               "AND (x.resumed_on IS NULL OR x.resumed_on >= :lo))")


def _dialect(sqlite: bool) -> tuple[str, str]:
    """The text aggregate and a day written as ISO text, in the backend's SQL (on PostgreSQL a day's text
    under ``DateStyle`` ISO, which the reads set: ``to_char`` took half as long again at 1,000,000 dossiers)."""
    return ("group_concat", "{}") if sqlite else ("string_agg", "CAST({} AS TEXT)")


def _span(sqlite: bool, start: str, end: str) -> str:
    """A span in text: its first day, then its last one if any."""
    day = _dialect(sqlite)[1]
    return f"{day.format(start)} || COALESCE({day.format(end)}, '')"


def _pauses_of_c(sqlite: bool) -> str:
    return PAUSES_OF_C.format(agg=_dialect(sqlite)[0], pause=_span(sqlite, "x.paused_on", "x.resumed_on"))


@lru_cache(maxsize=2)
def linked_spans_sql(sqlite: bool) -> str:
    """Per project with a linked stage case in [:lo, :end]: the spans of those never paused, and those
    of the paused ones with their pauses (NULL when it has none of the kind)."""
    agg, stage, pauses = _dialect(sqlite)[0], _span(sqlite, "c.start_date", "c.finished_on"), _pauses_of_c(sqlite)
    # CROSS JOIN: SQLite walks the dossiers by project (the groups come in order, nothing sorted)
    return (f"SELECT d.project_id, {agg}(CASE WHEN c.pause_count = 0 THEN {stage} END, ','), "
            f"{agg}(CASE WHEN c.pause_count > 0 THEN {stage} || ':' || COALESCE({pauses}, '') END, ';') "
            f"FROM dossier d CROSS JOIN stage_clock c {WHERE_LINKED} GROUP BY d.project_id")


@lru_cache(maxsize=2)
def open_linked_sql(sqlite: bool) -> str:
    """The linked stage cases open on :end (the covering ``ix_stage_clock_finished_dims`` and the dossier):
    the project, the dossier's code and state, the stage, its start and due days, division, officer and
    its pauses overlapping [:lo, :end] (a clock never paused is not looked up)."""
    return ("SELECT d.project_id, d.code, d.state, c.stage, c.start_date, c.due_date, c.division, c.officer, "
            f"CASE WHEN c.pause_count > 0 THEN {_pauses_of_c(sqlite)} END FROM stage_clock c JOIN dossier d "
            "ON d.id = c.dossier_id WHERE d.project_id IS NOT NULL AND c.start_date <= :end "
            "AND (c.finished_on IS NULL OR c.finished_on > :end)")


def span_days(span: str) -> tuple[dt.date, dt.date | None]:
    """A span's first day and its last one (None: still running, or still paused)."""
    return dt.date.fromisoformat(span[:10]), dt.date.fromisoformat(span[10:]) if len(span) > 10 else None
