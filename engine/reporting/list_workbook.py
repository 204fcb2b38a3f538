"""A list of dossiers (the search's current result) as a workbook: one sheet, headers frozen, dates
as dates, A4 landscape one page wide with the header row on every page; text from data is never a
live formula (engine.reporting.workbooks)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from ..domain.formatting import vn_date
from .workbooks import DATE, FORMULA_STARTS

HEADERS = ("Mã hồ sơ", "Tên dự án", "Chủ đầu tư", "Quy trình", "Trạng thái", "Phòng", "Cán bộ thụ lý",
           "Ngày tiếp nhận", "Hạn", "Tình trạng hạn", "Số ngày làm việc còn lại")
WIDTHS = (18, 48, 32, 30, 28, 24, 24, 14, 12, 20, 12)


def _cells(r: dict[str, Any]) -> list[Any]:
    day = dt.date.fromisoformat
    return [r["code"], r["project_name"], r["investor"], r["workflow_title"], r["state_label"], r["division_name"],
            r["officer_name"], day(r["received_on"]), day(r["due_date"]) if r["due_date"] else None,
            r["status_label"], r["working_days_left"]]


def dossier_list_xlsx(rows: Iterable[dict[str, Any]], title: str, today: dt.date) -> bytes:
    """The workbook's bytes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(HEADERS))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r in rows:
        values = _cells(r)
        ws.append(values)
        for cell, value in zip(ws[ws.max_row], values, strict=False):
            if isinstance(value, str) and value.startswith(FORMULA_STARTS):
                cell.data_type = "s"
                cell.quotePrefix = True
            elif isinstance(value, dt.date):
                cell.number_format = DATE
    for i, width in enumerate(WIDTHS):
        ws.column_dimensions[chr(ord("A") + i)].width = width
    ws.freeze_panes = "A2"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = f"{title} (ngày {vn_date(today)})"
    ws.oddFooter.center.text = "Trang &P/&N"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
