"""The monthly report's blockers section as sheets of its workbook (by division and cause, the oldest
still open); the workbook hands its sheet writer in, so this module needs nothing of it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

INT, NUM, DATE = "#,##0", "#,##0.0", "DD/MM/YYYY"
Sheet = Callable[[Any, str, list[str], list[list[Any]], list[str], tuple[str, str]], None]
COUNTS = ["Nêu trong tháng", "Nêu kịp thời", "Giải quyết trong tháng", "Số ngày LV giải quyết (bình quân)",
          "Chưa giải quyết cuối tháng", "Đã báo cáo Giám đốc"]


def _counts(r: dict[str, Any]) -> list[Any]:
    return [r["raised"], r["prompt"], r["resolved"], r["mean_resolve_days"], r["open"], r["escalated"]]


def blockers_sheets(wb: Any, k: dict[str, Any], caption: tuple[str, str], sheet: Sheet) -> None:
    counts_fmt = [INT, INT, INT, NUM, INT, INT]
    sheet(wb, "Vướng mắc theo phòng", ["Phòng", *COUNTS],
          [[r["name"], *_counts(r)] for r in k["by_division"]] + [["Cộng", *_counts(k["total"])]],
          ["", *counts_fmt], caption)
    sheet(wb, "Vướng mắc theo nguyên nhân", ["Nguyên nhân", *COUNTS],
          [[r["label"], *_counts(r)] for r in k["by_cause"]], ["", *counts_fmt], caption)
    sheet(wb, "Vướng mắc chưa giải quyết", ["Số", "Hồ sơ, dự án", "Phòng", "Nguyên nhân", "Nội dung", "Đề nghị",
                                            "Ngày nêu", "Số ngày LV", "Đã báo cáo Giám đốc"],
          [[r["id"], r["dossier"] or f"dự án {r['project']}", r["division_name"], r["cause_label"], r["description"],
            r["addressed_to_label"], dt.date.fromisoformat(r["raised_on"]), r["working_days_open"],
            "có" if r["escalated"] else "không"] for r in k["open"]],
          [INT, "", "", "", "", "", DATE, INT, ""], caption)
