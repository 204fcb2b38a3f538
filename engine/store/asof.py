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

``c`` is the stage_clock alias; ``:end`` the period's last day; ``:after_at`` the first instant after
it (Asia/Ho_Chi_Minh), as the codec writes instants.
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
#: paused nor extended still has the due date it started with, so only the others are looked up
DUE_AT_END_IF_RUNNING = ("CASE WHEN c.pause_count = 0 AND c.extension = 0 THEN c.due_date "
                         f"ELSE COALESCE({_FIRST_CHANGE_AFTER}, c.due_date) END")

#: the supplement requests of dossier ``d`` begun by :end (each is a pause of one of its clocks)
SUPPLEMENTS_BY_END = ("(SELECT COUNT(*) FROM clock_pause ps JOIN stage_clock cs ON cs.id = ps.clock_id "
                      "WHERE cs.dossier_id = d.id AND ps.paused_on <= :end)")

_HANDED_FROM = {
    True: ("(SELECT json_extract(j.value, '$.from_officer') FROM json_each(h.effects) j "
           "WHERE json_extract(j.value, '$.type') = 'dossier_handed_over' LIMIT 1)"),
    False: ("(SELECT j.value ->> 'from_officer' FROM jsonb_array_elements(CAST(h.effects AS jsonb)) j "
            "WHERE j.value ->> 'type' = 'dossier_handed_over' LIMIT 1)"),
}


def officer_at_end(sqlite: bool) -> str:
    """The officer who held clock ``c`` on :end: whom the first handover after the period took the
    dossier from (the empty text when it had none), else the clock's own officer."""
    first = (f"(SELECT COALESCE({_HANDED_FROM[sqlite]}, '') FROM dossier_event h "
             "WHERE h.dossier_id = c.dossier_id AND h.at >= :after_at "
             "AND h.effects LIKE '%dossier_handed_over%' ORDER BY h.seq LIMIT 1)")
    return f"NULLIF(COALESCE({first}, c.officer), '')"
