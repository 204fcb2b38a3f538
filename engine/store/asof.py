"""A stage clock as it stood at the end of a period, in SQL: paused or not, and its due date then.

Every change of a clock's due date after it starts is a pause (``clock_pause``, with the due date it
had just before: ``due_before``), a resumption (which ends a pause) or an extension
(``clock_extension``, with ``due_before`` too; revision 0008). So the first change after day E tells
the clock's due date on E; with none, its current row does. A clock paused on E (a pause begun by E,
not resumed by E) has no due date then: the investor holds it. Same-day changes are ordered by the
due date they replaced, running before paused (an extension only ever moves a due date later).

``c`` is the stage_clock alias; ``:end`` the period's last day.
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

#: the supplement requests of dossier ``d`` begun by :end (each is a pause of one of its clocks)
SUPPLEMENTS_BY_END = ("(SELECT COUNT(*) FROM clock_pause ps JOIN stage_clock cs ON cs.id = ps.clock_id "
                      "WHERE cs.dossier_id = d.id AND ps.paused_on <= :end)")
