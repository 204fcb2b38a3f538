"""The columns of the metrics tables, with their Vietnamese headers, as every format shows them.

Every count in these tables counts **stages** (bước giải quyết: one dossier's pass through one stage),
not dossiers: a dossier that went through two stages in the month is two stages received.
"""

from __future__ import annotations

from typing import Any

FORMATS = ("html", "xlsx", "json")
VI_DIMENSIONS = {"division": "Phòng", "officer": "Cán bộ", "workflow": "Quy trình", "stage": "Bước"}
#: what the counts of the tables count, as a report says it
UNIT_NOTE = "Đơn vị tính: bước giải quyết (mỗi lần một hồ sơ qua một bước được tính một bước)."
VI_COLUMNS: list[tuple[str, str, str]] = [  # key, header, kind (int | share | num)
    ("received", "Tiếp nhận", "int"), ("finished", "Đã giải quyết", "int"), ("early", "Trước hạn", "int"),
    ("on_time", "Đúng hạn", "int"), ("late", "Quá hạn", "int"), ("not_judged", "Không đánh giá", "int"),
    ("early_or_on_time_share", "Tỷ lệ trước hạn + đúng hạn", "share"), ("late_share", "Tỷ lệ quá hạn", "share"),
    ("wd_median", "Trung vị (ngày LV)", "num"), ("wd_mean", "Bình quân (ngày LV)", "num"),
    ("wd_p90", "Phân vị 90 (ngày LV)", "num"), ("days_mean", "Bình quân (ngày)", "num"),
    ("paused_share", "Tỷ lệ có tạm dừng", "share"), ("supplements_per_case", "Yêu cầu bổ sung / bước", "num"),
    ("backlog", "Tồn cuối kỳ", "int"), ("open_overdue", "Tồn quá hạn", "int"),
]


def division_names(data: dict[str, Any]) -> dict[str, str]:
    """Division code → name, from the month's own tables (the overdue list carries only the code)."""
    names = {r["division"]: r["division_name"] for r in data.get("by_officer", ()) if r.get("division")}
    names.update({r["division"]: r["name"] for r in data.get("by_division", ()) if r.get("division")})
    if data.get("division") and data.get("division_name"):
        names[data["division"]] = data["division_name"]
    return names
