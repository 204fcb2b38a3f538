"""How long a project's capital waited on appraisal, pure: spans of working days as half-open intervals
``(a, b]`` of working-day numbers (the calendar's ``working_day_number``: the working days after day A up
to and including day B are ``b - a``, as every turnaround counts them).

A stage case of one of the project's dossiers is **with the department** from its start day (not
counted) to its finishing day, except while it is **paused awaiting the investor** (each pause from its
pause day, not counted, to its resumption day), as the stage clock counts. A project's days are the
union over its dossiers' stage cases, so two dossiers open on the same day count that day once; a day
both with the department (one dossier) and paused (another) counts as with the department. Days are
counted inside the plan year's window, up to the day asked about or the day the project's cumulative
disbursed first reached its plan, whichever comes first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Span = tuple[int, int]


def clip(span: Span, lo: int, hi: int) -> Span | None:
    """``span`` ∩ (lo, hi], or None when empty."""
    a, b = max(span[0], lo), min(span[1], hi)
    return (a, b) if b > a else None


def union(spans: Iterable[Span]) -> list[Span]:
    """The spans merged: sorted, no two overlapping or touching."""
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def length(spans: Iterable[Span]) -> int:
    return sum(b - a for a, b in union(spans))


def stage_spans(stage: Span, pauses: Iterable[Span]) -> tuple[list[Span], list[Span]]:
    """A stage case's (running, paused) spans: ``stage`` is (start, finish or the day asked about),
    ``pauses`` each (pause day, resumption day or the day asked about), clipped to the stage."""
    paused = union(s for p in pauses if (s := clip(p, *stage)) is not None)
    running: list[Span] = []
    at = stage[0]
    for a, b in paused:
        if a > at:
            running.append((at, a))
        at = max(at, b)
    if stage[1] > at:
        running.append((at, stage[1]))
    return running, paused


@dataclass(frozen=True)
class Waiting:
    """A project's working days with the department and paused awaiting the investor (union over
    its stage cases), out of the working days elapsed in the window."""

    with_department: int
    awaiting_investor: int
    elapsed: int

    @property
    def appraisal_share(self) -> tuple[int, int]:
        """(days with the department, days elapsed): the appraisal's share of the wait, as a ratio."""
        return self.with_department, self.elapsed


def waiting(stages: Iterable[tuple[list[Span], list[Span]]], lo: int, hi: int) -> Waiting:
    """Union the stage cases' (running, paused) spans inside (lo, hi]."""
    running: list[Span] = []
    paused: list[Span] = []
    for run, pause in stages:
        running.extend(s for x in run if (s := clip(x, lo, hi)) is not None)
        paused.extend(s for x in pause if (s := clip(x, lo, hi)) is not None)
    with_department = length(running)
    return Waiting(with_department, length([*running, *paused]) - with_department, max(hi - lo, 0))


# -- the same days as bits: a whole table's stage cases in one pass -----------------------------------
#
# Bit ``i`` of a mask stands for the working day numbered ``base + 1 + i`` (``base``: the working days
# before the window). A span (a, b] is the bits from a to b; a union of spans is their OR, what a set
# of them leaves out of another is ``mask & ~other``, and the working days of a mask inside (base, hi]
# are the bits below ``hi - base`` that are set: the same counts as the spans above, without sorting.


def span_bits(a: int, b: int, base: int) -> int:
    """The mask of the working days in (a, b], a and b not below ``base`` (0 when empty)."""
    return (1 << (b - base)) - (1 << (a - base)) if b > a else 0


def days_in(mask: int, base: int, hi: int) -> int:
    """How many working days of ``mask`` fall inside (base, hi]."""
    return (mask & ((1 << (hi - base)) - 1)).bit_count() if hi > base else 0


def waiting_bits(running: int, stages: int, base: int, hi: int) -> Waiting:
    """``waiting`` from masks: ``running`` the union of the running spans, ``stages`` the union of the
    stage cases (running and paused), counted inside (base, hi]."""
    with_department = days_in(running, base, hi)
    return Waiting(with_department, days_in(stages | running, base, hi) - with_department, max(hi - base, 0))
