"""The columns of the metrics tables, with their Vietnamese headers, as every format shows them."""

from __future__ import annotations

FORMATS = ("html", "xlsx", "json")
VI_DIMENSIONS = {"division": "Phòng", "officer": "Cán bộ", "workflow": "Quy trình", "stage": "Bước"}
VI_COLUMNS: list[tuple[str, str, str]] = [  # key, header, kind (int | share | num)
    ("received", "Tiếp nhận", "int"), ("finished", "Đã giải quyết", "int"), ("early", "Trước hạn", "int"),
    ("on_time", "Đúng hạn", "int"), ("late", "Quá hạn", "int"), ("not_judged", "Không đánh giá", "int"),
    ("early_or_on_time_share", "Tỷ lệ trước hạn + đúng hạn", "share"), ("late_share", "Tỷ lệ quá hạn", "share"),
    ("wd_median", "Trung vị (ngày LV)", "num"), ("wd_mean", "Bình quân (ngày LV)", "num"),
    ("wd_p90", "Phân vị 90 (ngày LV)", "num"), ("days_mean", "Bình quân (ngày)", "num"),
    ("paused_share", "Tỷ lệ có tạm dừng", "share"), ("supplements_per_case", "Yêu cầu bổ sung / hồ sơ", "num"),
    ("backlog", "Tồn cuối kỳ", "int"), ("open_overdue", "Tồn quá hạn", "int"),
]
