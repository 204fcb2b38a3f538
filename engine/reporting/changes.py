"""What changed between two versions of an issued report: every figure whose value differs, found by
comparing the two data dicts recursively, with a Vietnamese label for each (the table, the row by its
name, the column by its header) and the value before and after.

Rows of a table (lists of dicts) are matched by what identifies them (the division, the officer, the
stage, the month, the dossier's code…), not by position, so a row added in between changes one row,
not every row after it. What says when and how a report was made (``generated_at``, ``heading``,
``issue``) is not a figure and is not compared.
"""

from __future__ import annotations

from typing import Any

from ..domain.formatting import vn_number, vn_percent
from .columns import VI_COLUMNS

#: keys that are not figures of the report
NOT_FIGURES = frozenset({"generated_at", "heading", "issue", "file"})
#: what identifies a row of a table, in order
IDENTITY = ("workflow", "stage", "division", "officer", "month", "code", "unit", "id")
SECTIONS = {"total": "Toàn Sở", "by_division": "Theo phòng", "by_officer": "Theo cán bộ", "by_stage": "Theo bước",
            "trend": "Diễn biến theo tháng", "open_overdue": "Hồ sơ quá hạn", "units": "Xếp hạng",
            "period": "Kỳ báo cáo", "movement": "Phong trào", "blockers": "Vướng mắc", "capital": "Giải ngân vốn"}
#: the metric tables: in them only the figures a document prints count (the sums and buckets behind them
#: change with them); in any other section every number that changed is a figure
METRIC_SECTIONS = frozenset({"total", "by_division", "by_officer", "by_stage", "trend", "open_overdue"})
#: the figures a change is reported for (what the documents print), with their labels; the sums and
#: buckets behind them change with them
FIGURES = {**{key: header for key, header, _ in VI_COLUMNS}, "score": "Điểm", "band_label": "Xếp loại",
           "rank": "Thứ hạng", "eligible": "Được xếp hạng", "points": "Điểm tiêu chí", "value": "Giá trị",
           "by_cause": "Theo nguyên nhân", "plan_total": "Kế hoạch vốn", "disbursed_total": "Đã giải ngân",
           "undisbursed": "Chưa giải ngân", "mean_resolve_days": "Thời gian xử lý bình quân (ngày LV)",
           "raised": "Phát sinh", "dated": "Có ngày phát sinh", "prompt": "Báo cáo kịp thời", "resolved": "Đã xử lý",
           "open": "Còn mở cuối kỳ", "escalated": "Đã báo cáo Giám đốc"}
#: the parts of a section below the first level ("Vướng mắc › Theo phòng › …")
PARTS = {"total": "Tổng", "by_division": "Theo phòng", "by_officer": "Theo cán bộ", "by_cause": "Theo nguyên nhân",
         "rows": "Chi tiết", "projects": "Dự án"}
MISSING = object()


def _row_key(row: dict[str, Any]) -> tuple[Any, ...] | None:
    if isinstance(row.get("code"), str):  # a dossier, a unit of the evaluation: its code says which
        return (row["code"],)
    key = tuple(row.get(k) for k in IDENTITY if k in row and not isinstance(row.get(k), dict | list))
    return key or None


def _row_label(row: dict[str, Any], key: tuple[Any, ...]) -> str:
    name = row.get("name") or row.get("label")
    return str(name) if name else " / ".join(str(k) for k in key if k is not None) or "—"


def _keyed(items: list[Any]) -> dict[Any, tuple[str, Any]] | None:
    """A table's rows by their identity (None: not a table of distinct rows; compared by position)."""
    out: dict[Any, tuple[str, Any]] = {}
    for item in items:
        if not isinstance(item, dict):
            return None
        key = _row_key(item)
        if key is None or key in out:
            return None
        out[key] = (_row_label(item, key), item)
    return out


def _label(key: str, depth: int) -> str:
    return (SECTIONS.get(key) if depth == 0 else PARTS.get(key)) or FIGURES.get(key) or key


def _is_number(*values: Any) -> bool:
    return any(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _is_row(value: Any) -> bool:
    return isinstance(value, dict) or value is MISSING


def _walk(before: Any, after: Any, path: list[str], labels: list[str], out: list[dict[str, Any]]) -> None:
    if isinstance(before, dict) and isinstance(after, dict):
        keys = set(before) | set(after)
        for key in [*(k for k in SECTIONS if k in keys), *sorted((k for k in keys if k not in SECTIONS), key=str)]:
            if key in NOT_FIGURES:
                continue
            _walk(before.get(key, MISSING), after.get(key, MISSING), [*path, str(key)],
                  [*labels, _label(str(key), len(path))], out)
        return
    if isinstance(before, list) and isinstance(after, list):
        old, new = _keyed(before), _keyed(after)
        if old is not None and new is not None:
            for key in [*old, *(k for k in new if k not in old)]:
                label = (new.get(key) or old[key])[0]
                _walk(old.get(key, (label, MISSING))[1], new.get(key, (label, MISSING))[1],
                      [*path, "/".join(str(k) for k in key)], [*labels, label], out)
            return
        if len(before) == len(after):
            for i, (b, a) in enumerate(zip(before, after, strict=True)):
                _walk(b, a, [*path, str(i)], [*labels, str(i + 1)], out)
            return
    figure = bool(path) and (path[-1] in FIGURES or (path[0] not in METRIC_SECTIONS and _is_number(before, after)))
    whole_row = _is_row(before) and _is_row(after)  # a row that one version has and the other has not
    if before != after and (figure or whole_row):
        out.append({"path": path, "label": " › ".join(labels), "before": _plain(before), "after": _plain(after)})


def _plain(value: Any) -> Any:
    return None if value is MISSING else value


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures that differ from ``before`` to ``after`` (plain JSON data, as stored), each
    ``{"path": [...], "label": "Theo phòng › Phòng Quản lý xây dựng › Đã giải quyết", "before": 3, "after": 4}``."""
    out: list[dict[str, Any]] = []
    _walk(before, after, [], [], out)
    return out


def shown(value: Any, key: str = "") -> str:
    """A value of a change as a person reads it (1.234; 89,5; 89,5%; "(không có)" for a row that was not
    there); ``key``: the figure's name (a ``…_share`` is a percentage)."""
    if value is None:
        return "(không có)"
    if key.endswith("_share") and isinstance(value, int | float) and not isinstance(value, bool):
        return vn_percent(value)
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, int):
        return vn_number(value)
    if isinstance(value, float):
        return vn_number(value, 2 if abs(value) < 1 else 1)
    if isinstance(value, dict | list):
        return "(có)"
    return str(value)


def describe(change: dict[str, Any]) -> str:
    """One change in a line: "Theo phòng › Phòng Quản lý xây dựng › Đã giải quyết: 3 → 4"."""
    key = change["path"][-1] if change["path"] else ""
    return f"{change['label']}: {shown(change['before'], key)} → {shown(change['after'], key)}"
