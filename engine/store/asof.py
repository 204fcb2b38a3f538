"""A stage clock as it stood at the end of a period, in SQL: paused or not, its due date then, and the
officer who held it then.

Every change of a clock's due date after it starts is a pause (``clock_pause``, with the due date it
had just before: ``due_before``), a resumption (which ends a pause) or an extension
(``clock_extension``, with ``due_before`` too; revision 0008). So the first change after day E tells
the clock's due date on E; with none, its current row does. A clock paused on E (a pause begun by E,
not resumed by E) has no due date then: the investor holds it. Same-day changes are ordered by the
due date they replaced, running before paused (an extension only ever moves a due date later).

The officer works the same way: only a handover (``DossierHandedOver`` in a history row's events)
changes who holds a dossier and its open clock, and it names whom it took the dossier from. So the
first handover of the dossier after the period is from the officer who held the clock at its end
(the dossier's officer and its open clock's are the same one until the clock finishes, and a finished
clock keeps its officer); with none, the clock's own column is still right.

Two forms of the same questions: per clock ``c`` (correlated look-ups by index, SQLite's form and the
statistics'), and read once for all clocks, grouped by clock or dossier, to be joined (PostgreSQL's form
for the metrics' backlog: it would run a look-up per row as a sub-plan); there the open clocks are a CTE
first, and only their later changes are grouped. ``c`` is the stage_clock alias; ``:end`` the period's
last day; ``:after_at`` the first instant after it (Asia/Ho_Chi_Minh), as the codec writes instants.
"""

from __future__ import annotations

PAUSED_AT_END = ("EXISTS (SELECT 1 FROM clock_pause pe WHERE pe.clock_id = c.id AND pe.paused_on <= :end "
                 "AND (pe.resumed_on IS NULL OR pe.resumed_on > :end))")

_FIRST_CHANGE_AFTER = (
    "(SELECT x.due_before FROM (SELECT pa.paused_on AS day, pa.due_before FROM clock_pause pa "
    "WHERE pa.clock_id = c.id AND pa.paused_on > :end UNION ALL SELECT xe.extended_on, xe.due_before "
    "FROM clock_extension xe WHERE xe.clock_id = c.id AND xe.extended_on > :end) x "
    "ORDER BY x.day, CASE WHEN x.due_before IS NULL THEN 1 ELSE 0 END, x.due_before LIMIT 1)")

#: the clock's due date on :end (NULL when paused then)
DUE_AT_END = (f"CASE WHEN {PAUSED_AT_END} THEN NULL ELSE COALESCE({_FIRST_CHANGE_AFTER}, c.due_date) END")

#: 1 when the clock was paused on :end, else 0; a clock never paused (``pause_count`` 0: it counts every
#: pause begun, later ones too) is not looked up
PAUSED_AT_END_FLAG = f"CASE WHEN c.pause_count > 0 AND {PAUSED_AT_END} THEN 1 ELSE 0 END"

#: the clock's due date on :end *if it was running then* (read with PAUSED_AT_END_FLAG): a clock never
#: paused nor extended still has the due date it started with, so only the others are looked up (the
#: extensions in their own small index: the clock's row is not read, its covering index is enough)
DUE_AT_END_IF_RUNNING = ("CASE WHEN c.pause_count = 0 AND NOT EXISTS (SELECT 1 FROM clock_extension xn "
                         "WHERE xn.clock_id = c.id) THEN c.due_date "
                         f"ELSE COALESCE({_FIRST_CHANGE_AFTER}, c.due_date) END")

#: the supplement requests of dossier ``d`` begun by :end (each is a pause of one of its clocks)
SUPPLEMENTS_BY_END = ("(SELECT COUNT(*) FROM clock_pause ps JOIN stage_clock cs ON cs.id = ps.clock_id "
                      "WHERE cs.dossier_id = d.id AND ps.paused_on <= :end)")


def handover_rows(alias: str) -> str:
    """The history rows (``alias``) that hand a dossier over: the predicate of their partial index (0011)."""
    return f"{alias}.effects LIKE '%dossier_handed_over%'"


def _handed_from(sqlite: bool, alias: str = "h") -> str:
    """Whom the handover in history row ``alias``'s effects took the dossier from (NULL: nobody)."""
    if sqlite:
        return (f"(SELECT json_extract(j.value, '$.from_officer') FROM json_each({alias}.effects) j "
                "WHERE json_extract(j.value, '$.type') = 'dossier_handed_over' LIMIT 1)")
    return (f"(SELECT j.value ->> 'from_officer' FROM jsonb_array_elements(CAST({alias}.effects AS jsonb)) j "
            "WHERE j.value ->> 'type' = 'dossier_handed_over' LIMIT 1)")


#: the clocks paused on :end (one row each: a clock has one pause at a time), for a join on ``clock_id``
PAUSED_ON_END = ("SELECT pz.clock_id FROM clock_pause pz WHERE pz.paused_on <= :end "
                 "AND (pz.resumed_on IS NULL OR pz.resumed_on > :end)")


def due_on_end_of_changed(among: str | None = None) -> str:
    """Per clock changed after :end, ``due_before``: its due date on :end if it was running then. A due date
    only ever moves later (a resumption counts from a day no earlier than its pause, an extension adds
    units), so the first change's due date before is the least of them (the NULL of a change made while
    paused aside). ``among``: a CTE of the clocks asked about (``clock_ref``; ``pauses``, its pause count),
    joined first, so only their changes are grouped (an older month's later changes are mostly those of
    clocks started after it), the pauses only of the clocks ever paused."""
    pauses, extensions = "clock_pause pa", "clock_extension xe"
    if among:
        pauses += f" JOIN {among} bp ON bp.clock_ref = pa.clock_id AND bp.pauses > 0"
        extensions += f" JOIN {among} bx ON bx.clock_ref = xe.clock_id"
    return ("SELECT x.clock_id, MIN(x.due_before) AS due_before FROM (SELECT pa.clock_id, pa.due_before "
            f"FROM {pauses} WHERE pa.paused_on > :end UNION ALL SELECT xe.clock_id, xe.due_before FROM {extensions} "
            "WHERE xe.extended_on > :end) x GROUP BY x.clock_id")


DUE_ON_END_OF_CHANGED = due_on_end_of_changed()


def handed_from_after_end(sqlite: bool) -> str:
    """One row per dossier handed over after the period: ``dossier_id`` and ``from_officer``, whom its first
    handover after the period took it from (the empty text when it had none). Read from the handovers'
    partial index (revision 0011): the history rows of the dossiers never handed over are not read."""
    first = (f"SELECT hf.dossier_id, MIN(hf.seq) AS seq FROM dossier_event hf WHERE {handover_rows('hf')} "
             "AND hf.at >= :after_at GROUP BY hf.dossier_id")
    return (f"SELECT f.dossier_id, COALESCE({_handed_from(sqlite)}, '') AS from_officer FROM ({first}) f "
            "JOIN dossier_event h ON h.dossier_id = f.dossier_id AND h.seq = f.seq")


#: the officer who held clock ``c`` on :end, looked up in the handovers' partial index (a miss for a dossier
#: never handed over after the period); SQLite's form
OFFICER_AT_END_OF_C = ("NULLIF(COALESCE((SELECT COALESCE(" + _handed_from(True) + ", '') FROM dossier_event h "
                       "WHERE h.dossier_id = c.dossier_id AND h.at >= :after_at AND " + handover_rows("h")
                       + " ORDER BY h.at, h.seq LIMIT 1), c.officer), '')")

#: PostgreSQL's: per dossier handed over after the period, its first handover then (``dossier_id``,
#: ``effects``), read once from the handovers' partial index with its row (no second look-up by seq)
FIRST_HANDOVER_AFTER_END = ("SELECT DISTINCT ON (hf.dossier_id) hf.dossier_id, hf.effects FROM dossier_event hf "
                            f"WHERE {handover_rows('hf')} AND hf.at >= :after_at ORDER BY hf.dossier_id, hf.seq")

#: what a clock open on :end was then, over ``b`` (its row: ``clock_ref``, ``held_in`` its dossier,
#: ``clock_officer``, ``due_now``, ``pauses``) joined with ``pz`` (PAUSED_ON_END), ``fc``
#: (due_on_end_of_changed) and ``ho`` (FIRST_HANDOVER_AFTER_END): the officer who held it (whom that
#: handover took it from, its effects read for the few dossiers joined only; else its own), paused or not,
#: its due date if running
AS_OF_END_COLUMNS = (f"NULLIF(CASE WHEN ho.dossier_id IS NULL THEN b.clock_officer ELSE COALESCE("
                     f"{_handed_from(False, 'ho')}, '') END, '') AS officer, "
                     "CASE WHEN pz.clock_id IS NULL THEN 0 ELSE 1 END AS paused, "
                     "COALESCE(fc.due_before, b.due_now) AS due")


def as_of_end_joins(among: str) -> str:
    """The joins AS_OF_END_COLUMNS reads, after ``FROM b``; ``among``: the name of ``b``, a CTE."""
    return (f"LEFT JOIN ({PAUSED_ON_END}) pz ON pz.clock_id = b.clock_ref "
            f"LEFT JOIN ({due_on_end_of_changed(among)}) fc ON fc.clock_id = b.clock_ref "
            f"LEFT JOIN ({FIRST_HANDOVER_AFTER_END}) ho ON ho.dossier_id = b.held_in")
