"""The arithmetic of the metrics: additive columns, buckets, and the shares and means derived from
them, exact ratios of integer sums that a reader can recompute."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

DIMENSIONS = ("division", "officer", "workflow", "stage")
#: backlog age buckets, in working days since the stage started (upper bounds, inclusive)
AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (("0–10", 10), ("11–20", 20), ("21–40", 40), ("trên 40", None))
#: turnaround distribution buckets, working days (upper bounds, inclusive)
TURNAROUND_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("0–5", 5), ("6–10", 10), ("11–15", 15), ("16–20", 20), ("21–30", 30), ("31–40", 40), ("trên 40", None))

# Additive columns of one finest-grain row; everything else is derived from them.
FINISHED_SUMS = ("finished", "judged", "early", "on_time", "late", "not_judged", "wd_sum", "days_sum",
                 "paused_cases", "paused_days_sum", "elapsed_days_sum", "supplement_requests",
                 "repeated_supplements", "used_sum", "limit_sum",
                 *(f"turnaround_b{i}" for i in range(len(TURNAROUND_BUCKETS))))
BACKLOG_SUMS = ("backlog", "open_overdue", "paused_at_end", *(f"age_b{i}" for i in range(len(AGE_BUCKETS))))
ADDITIVE = ("received", *FINISHED_SUMS, *BACKLOG_SUMS)


def bucket_of(value: int, buckets: tuple[tuple[str, int | None], ...]) -> int:
    for i, (_, hi) in enumerate(buckets):
        if hi is None or value <= hi:
            return i
    return len(buckets) - 1


def share(num: int, den: int) -> float | None:
    return num / den if den else None


def empty_row(**keys: Any) -> dict[str, Any]:
    return {**keys, **{c: 0 for c in ADDITIVE}}


def derive(row: dict[str, Any]) -> dict[str, Any]:
    """Add the shares and means of an aggregated row (exact ratios of its integer sums)."""
    f, j = row["finished"], row["judged"]
    row["early_share"] = share(row["early"], j)
    row["on_time_share"] = share(row["on_time"], j)
    row["late_share"] = share(row["late"], j)
    row["early_or_on_time_share"] = share(row["early"] + row["on_time"], j)
    row["wd_mean"] = share(row["wd_sum"], f)
    row["days_mean"] = share(row["days_sum"], f)
    row["paused_share"] = share(row["paused_cases"], f)
    row["paused_time_share"] = share(row["paused_days_sum"], row["elapsed_days_sum"])
    row["supplements_per_case"] = share(row["supplement_requests"], f)
    row["repeated_supplement_share"] = share(row["repeated_supplements"], f)
    row["turnaround_vs_limit"] = share(row["used_sum"], row["limit_sum"])
    row["open_overdue_rate"] = share(row["open_overdue"], f + row["backlog"])
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
            g = groups[key] = empty_row(**dict(zip(by, key, strict=False)))
        for c in ADDITIVE:
            g[c] += r[c]
    return [derive(groups[k]) for k in sorted(groups, key=lambda k: tuple("" if v is None else str(v) for v in k))]
