"""The statutory statistics' read model: dossiers (not stages) received, resolved, withdrawn and
pending in a period, per division, as of the period's end (engine.store.asof).

A dossier is **carried over** when it was received before the period and still open at its start;
**new** when received in it (by its intake channel, where recorded); **resolved** when it reached a
terminal state in the period that is not a withdrawal; **withdrawn** when the investor withdrew it in
the period; **pending** when received by the period's end and still open then. The instants are
compared in Asia/Ho_Chi_Minh: ``:start_at`` is the first moment of the first day, ``:after_at`` the
first moment after the last day.
"""

from __future__ import annotations

from collections.abc import Sequence

from .asof import DUE_AT_END, PAUSED_AT_END, SUPPLEMENTS_BY_END


def _in(states: Sequence[str]) -> str:
    return "(" + ", ".join(f"'{s}'" for s in states) + ")" if states else "('')"


def _division(division: str | None) -> str:
    return " AND d.division = :division" if division else ""


def received_sql(division: str | None) -> str:
    """Per division: carried over, and new by intake channel."""
    return ("SELECT d.division, "
            "SUM(CASE WHEN d.received_on < :start THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.received_on >= :start AND d.intake_channel = 'online' THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.received_on >= :start AND d.intake_channel IN ('in_person', 'post') THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN d.received_on >= :start AND d.intake_channel IS NULL THEN 1 ELSE 0 END) "
            "FROM dossier d WHERE d.received_on <= :end AND (d.closed_at IS NULL OR d.closed_at >= :start_at)"
            + _division(division) + " GROUP BY d.division")


def closed_sql(division: str | None, withdrawn: Sequence[str]) -> str:
    """One row per dossier closed in the period: division, withdrawn or not, more than one supplement
    request, and its stages' outcomes (late / on time / early seen on any of them)."""
    return ("SELECT d.division, CASE WHEN d.state IN " + _in(withdrawn) + " THEN 1 ELSE 0 END, "
            "CASE WHEN d.supplement_requests > 1 THEN 1 ELSE 0 END, "
            "MAX(CASE WHEN c.outcome = 'late' THEN 1 ELSE 0 END), "
            "MAX(CASE WHEN c.outcome = 'on_time' THEN 1 ELSE 0 END), "
            "MAX(CASE WHEN c.outcome = 'early' THEN 1 ELSE 0 END) "
            "FROM dossier d LEFT JOIN stage_clock c ON c.dossier_id = d.id "
            "WHERE d.closed_at >= :start_at AND d.closed_at < :after_at" + _division(division)
            + " GROUP BY d.id, d.division, d.state, d.supplement_requests")


def pending_sql(division: str | None) -> str:
    """One row per dossier open at the period's end: division, supplement requests begun by then,
    whether its clock was paused then, and that clock's due date then (NULL: none running)."""
    return (f"SELECT d.division, {SUPPLEMENTS_BY_END}, "
            f"CASE WHEN c.id IS NOT NULL AND {PAUSED_AT_END} THEN 1 ELSE 0 END, "
            f"CASE WHEN c.id IS NULL THEN NULL ELSE {DUE_AT_END} END "
            "FROM dossier d LEFT JOIN stage_clock c ON c.dossier_id = d.id AND c.start_date <= :end "
            "AND (c.finished_on IS NULL OR c.finished_on > :end) "
            "WHERE d.received_on <= :end AND (d.closed_at IS NULL OR d.closed_at >= :after_at)"
            + _division(division))
