"""Workbooks that print, read back with openpyxl: A4 landscape, one page wide, the header row repeated,
the report's name in the page header and "Trang n/N" in the footer, columns as wide as their longest
value, Vietnamese labels; and the demo's monthly reports dated the day each would be issued."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from engine.bootstrap import App
from engine.domain.clock import TZ
from engine.domain.commands import Fire, Receive
from engine.io.movements import default_movement_path, load_movement
from engine.reporting.workbooks import WIDTH_MAX


@pytest.fixture
def month_app(sqlite_app: App) -> App:
    s = sqlite_app.services
    s.receive(Receive(workflow="project-appraisal", code="BCNCKT-2024-0001", name="Trường tiểu học xã Phú Hữu",
                      investor="Ban Quản lý dự án đầu tư xây dựng tỉnh Đồng Nai", group="C", grade="III",
                      division="QLXD", officer="cv.pham", at="2024-03-01"))
    s.fire(Fire(code="BCNCKT-2024-0001", event="accept", actor="cv.pham", at="2024-03-04"))
    s.fire(Fire(code="BCNCKT-2024-0001", event="pass_appraisal", actor="cv.pham", at="2024-03-07"))
    s.receive(Receive(workflow="post-basic-design", code="TKCS-2024-0001", name="Cầu Hóa An", investor="UBND Biên Hòa",
                      group="B", grade="IV", division="HTKT", officer="cv.ngo", at="2024-02-15"))
    return sqlite_app


def _assert_prints(wb: Any, caption: str) -> None:
    for ws in wb.worksheets:
        ps = ws.page_setup
        assert (ps.orientation, ps.paperSize, ps.fitToWidth, ps.fitToHeight) == ("landscape", 9, 1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
        assert caption in ws.oddHeader.center.text and ws.title in ws.oddHeader.center.text
        assert ws.oddFooter.center.text == "Trang &P/&N"
        for column in ws.iter_cols(min_row=1):
            width = ws.column_dimensions[column[0].column_letter].width
            texts = [c.value for c in column[1:] if isinstance(c.value, str)]
            assert width >= min(WIDTH_MAX, max(map(len, texts), default=0)), (ws.title, column[0].value)


def test_every_sheet_of_the_monthly_workbook_prints_on_a4_landscape_one_page_wide(month_app: App,
                                                                                  tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(month_app.reports.write_monthly("2024-03", "xlsx", tmp_path / "m.xlsx"))
    _assert_prints(wb, "Báo cáo tình hình giải quyết hồ sơ thẩm định tháng 03/2024")
    assert "Số liệu tính đến hết ngày 31/03/2024" in wb["Tổng hợp"].oddFooter.right.text
    od = wb["Tồn quá hạn"]
    row = {h.value: c for h, c in zip(od[1], od[2], strict=True)}
    assert row["Mã hồ sơ"].value == "TKCS-2024-0001" and row["Phòng"].value == "Phòng Hạ tầng kỹ thuật"
    assert row["Hạn"].number_format == "DD/MM/YYYY"
    assert od.column_dimensions["A"].width >= len("TKCS-2024-0001") and od.column_dimensions["D"].width >= len(
        "Phòng Hạ tầng kỹ thuật")
    officers = wb["Theo cán bộ"]
    assert [c.value for c in officers[1]][:2] == ["Phòng", "Họ tên"]
    pham = next(r for r in officers.iter_rows(min_row=2) if r[1].value == "Phạm Thị Hồng")
    assert pham[0].value == "Phòng Quản lý xây dựng" and pham[2].number_format == "#,##0"
    share = next(c for h, c in zip(officers[1], pham, strict=True) if h.value == "Tỷ lệ trước hạn + đúng hạn")
    assert share.number_format == "0.0%"
    assert [c.value for c in wb["Xu hướng"]["A"][1:]] == ["02/2024", "03/2024"]


def test_the_evaluation_workbook_prints_and_speaks_vietnamese(month_app: App, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    result = month_app.reports.evaluation(load_movement(default_movement_path()))
    wb = load_workbook(month_app.reports.write_evaluation(result, "xlsx", tmp_path / "e.xlsx"))
    _assert_prints(wb, "Kết quả chấm điểm thi đua")
    crit = wb["Tiêu chí"]
    cells = [str(c.value) for row in crit.iter_rows() for c in row if c.value is not None]
    assert [c.value for c in crit[1]] == ["Tiêu chí", "Chỉ số", "Chiều", "Trọng số", "Thang điểm", "Nguồn"]
    assert "cao hơn tốt hơn" in cells and "thấp hơn tốt hơn" in cells
    assert not {"higher", "lower", "early_or_on_time_share", "on_time"} & set(cells)
    assert any(c.startswith("≥ 98%: 100 điểm; ≥ 95%: 90 điểm") for c in cells)
    assert not any("0.98" in c or "0,98" in c for c in cells)
    officers = wb["Xếp hạng cán bộ"]
    heads = [c.value for c in officers[1]]
    rows = list(officers.iter_rows(min_row=2, values_only=True))
    assert "Phạm Thị Hồng" in [r[heads.index("Tên")] for r in rows] and "cv.pham" not in str(rows)
    assert "Phòng Quản lý xây dựng" in [r[heads.index("Phòng")] for r in rows]


def test_the_demo_dates_each_monthly_report_on_the_first_working_day_after_its_month(tmp_path: Path) -> None:
    from engine.demo import run_demo

    out = tmp_path / "demo"
    run_demo(out, echo=None, size=20, progress=False, reminders_from=None)
    reports = out / "bao-cao"
    march = json.loads((reports / "bao-cao-thang-2024-03.json").read_text("utf-8"))
    assert march["generated_at"] == dt.datetime(2024, 4, 1, 8, 0, tzinfo=TZ).isoformat(timespec="minutes")
    assert march["heading"]["as_of"] == "2024-03-31"
    january = (reports / "bao-cao-thang-2025-01.html").read_text("utf-8")
    assert "Đồng Nai, ngày 03 tháng 02 năm 2025" in january  # after the Tết holiday
    assert "Số liệu tính đến hết ngày 31/01/2025" in january
    dates = {json.loads(p.read_text("utf-8"))["generated_at"][:10] for p in reports.glob("bao-cao-thang-*.json")}
    assert len(dates) == 12
