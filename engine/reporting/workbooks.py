"""The reports as workbooks (openpyxl): one sheet per table, numbers stored as numbers, headers frozen,
and every sheet ready to print: A4 landscape, one page wide, the header row repeated on every page,
the report's name and period in the page header and "Trang n/N" in the footer, columns as wide as their
longest value (capped; longer text wraps).

No cell whose text comes from data is ever a live formula: text starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return (a project named ``=HYPERLINK(…)``, say) is written as text, with Excel's
quote prefix so that editing the cell does not turn it into one either.

Number formats are Excel's (``#,##0``, ``0.0%``, ``DD/MM/YYYY``): the separators shown follow the
viewer's locale, so a Vietnamese Excel shows 1.234 and 89,5%.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..domain.formatting import vn_date, vn_number
from .blockers_workbook import blockers_sheets
from .columns import VI_COLUMNS, division_names

#: how a formula (or a DDE payload) may start in a spreadsheet
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: column widths, in characters: at least, at most (longer text wraps), and what a header adds at most
WIDTH_MIN, WIDTH_MAX, HEADER_MAX = 6, 60, 18
INT, SHARE, NUM, DATE = "#,##0", "0.0%", "#,##0.00", "DD/MM/YYYY"
_FORMATS = {"share": SHARE, "num": NUM, "int": INT}


def _append(ws: Any, values: list[Any]) -> None:
    ws.append(values)
    for cell, value in zip(ws[ws.max_row], values, strict=False):
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.value = value
            cell.data_type = "s"  # text, never a formula
            cell.quotePrefix = True


def _shown(value: Any, fmt: str) -> str:
    """The text a cell shows (near enough to size its column)."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return vn_date(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        decimals = fmt.partition(".")[2].count("0")
        return vn_number(value * 100, decimals) + "%" if fmt.endswith("%") else vn_number(value, decimals)
    return str(value)


def _header_text(text: str) -> str:
    """Text from data in a page header or footer: "&" is a control character there; Excel keeps 255."""
    return text.replace("&", "&&")[:200]


def _print_setup(ws: Any, caption: str, footer: str) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    ws.oddHeader.center.text = _header_text(caption)
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.right.text = _header_text(footer)


def _widths(ws: Any, headers: list[str], rows: list[list[Any]], formats: list[str]) -> None:
    from openpyxl.styles import Alignment
    from openpyxl.utils import get_column_letter

    for i, head in enumerate(headers):
        fmt = formats[i] if i < len(formats) else ""
        longest = max((len(_shown(r[i], fmt)) for r in rows if i < len(r)), default=0)
        word = max((len(w) for w in head.split()), default=0)
        width = min(WIDTH_MAX, max(WIDTH_MIN, longest, word, min(len(head), HEADER_MAX)) + 2)
        ws.column_dimensions[get_column_letter(i + 1)].width = width
        if longest + 2 > WIDTH_MAX:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i + 1, max_col=i + 1):
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def _sheet(wb: Any, title: str, headers: list[str], rows: list[list[Any]], formats: list[str],
           caption: tuple[str, str]) -> None:
    """One table on its own sheet; ``caption``: the report's name and period, and the footer's note."""
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(title[:31])
    _append(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        _append(ws, row)
    for col, fmt in enumerate(formats, 1):
        if fmt:
            for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                cell.number_format = fmt
    ws.freeze_panes = "A2"
    _widths(ws, headers, rows, formats)
    _print_setup(ws, f"{caption[0]} — {title}", caption[1])


def _metric_cells(r: dict[str, Any]) -> tuple[list[Any], list[str]]:
    return [r.get(key) for key, _, _ in VI_COLUMNS], [_FORMATS[kind] for _, _, kind in VI_COLUMNS]


def _monthly_tables(wb: Any, data: dict[str, Any], caption: tuple[str, str]) -> None:
    heads = [h for _, h, _ in VI_COLUMNS]
    tables = [("Tổng hợp", ["Phạm vi"], [([data["division_name"] or "Toàn Sở"], data["total"])]),
              ("Theo phòng", ["Phòng"], [([r["name"]], r) for r in data["by_division"]]),
              ("Theo cán bộ", ["Phòng", "Họ tên"], [([r["division_name"] or "—", r["name"]], r)
                                                   for r in data["by_officer"]]),
              ("Theo quy trình, bước", ["Quy trình", "Bước"],
               [([r["workflow_name"], r["name"]], r) for r in data["by_stage"]])]
    for title, keys, rows in tables:
        body, fmts = [], [""] * len(keys) + _metric_cells({})[1]
        for k, r in rows:
            body.append(k + _metric_cells(r)[0])
        _sheet(wb, title, keys + heads, body, fmts, caption)


def write_monthly_xlsx(data: dict[str, Any], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    caption = (f"Báo cáo tình hình giải quyết hồ sơ thẩm định tháng {data['period']['label']}"
               + (f" — {data['division_name']}" if data["division_name"] else ""),
               f"{data['department_name']} · Số liệu tính đến hết ngày {vn_date(data['period']['end'])}")
    _monthly_tables(wb, data, caption)
    t = data["total"]
    _sheet(wb, "Tồn theo tuổi", ["Tuổi (ngày làm việc)", "Số bước tồn"],
           [[label, n] for label, n in zip(data["age_buckets"], t["age_buckets"], strict=False)], ["", INT], caption)
    _sheet(wb, "Phân bố thời gian", ["Thời gian giải quyết (ngày làm việc)", "Số bước"],
           [[label, n] for label, n in zip(data["turnaround_buckets"], t["turnaround_buckets"], strict=True)],
           ["", INT], caption)
    _sheet(wb, "Xu hướng", ["Tháng", "Đã giải quyết", "Được đánh giá", "Trước hạn + đúng hạn", "Tỷ lệ"],
           [[f"{x['month'][5:7]}/{x['month'][:4]}", x["finished"], x["judged"], x["early_or_on_time"],
             x["early_or_on_time_share"]] for x in data["trend"]], ["", INT, INT, INT, SHARE], caption)
    names = division_names(data)
    _sheet(wb, "Tồn quá hạn", ["Mã hồ sơ", "Tên dự án", "Chủ đầu tư", "Phòng", "Cán bộ", "Bước", "Bắt đầu",
                               "Hạn", "Quá hạn (ngày LV)"],
           [[r["code"], r["project_name"], r["investor"], names.get(r["division"], r["division"]) or "—",
             r["officer_name"], r["stage_name"], dt.date.fromisoformat(r["start_date"]),
             dt.date.fromisoformat(r["due_date"]), r["overdue_working_days"]] for r in data["open_overdue"]],
           ["", "", "", "", "", "", DATE, DATE, INT], caption)
    if data.get("capital"):
        capital_section_sheet(wb, data["capital"], caption)
    if data.get("blockers"):
        blockers_sheets(wb, data["blockers"], caption, _sheet)
    wb.save(out)


def capital_section_sheet(wb: Any, k: dict[str, Any], caption: tuple[str, str]) -> None:
    """The monthly report's capital section as one more sheet of its workbook."""
    _sheet(wb, "Quá hạn và vốn chờ", ["Mã dự án", "Tên dự án", "Chủ đầu tư", "Hồ sơ", "Cán bộ", "Bước", "Hạn",
                                      "Quá hạn (ngày LV)", "Kế hoạch vốn (đồng)", "Đã giải ngân (đồng)",
                                      "Chưa giải ngân (đồng)"],
           [[r["project"], r["project_name"], r["investor"], r["dossier"], r["officer_name"], r["stage_name"],
             dt.date.fromisoformat(r["due_date"]), r["overdue_working_days"], r["plan"], r["disbursed"],
             r["undisbursed"]] for r in k["rows"]], ["", "", "", "", "", "", DATE, INT, INT, INT, INT],
           caption)


def write_evaluation_xlsx(data: dict[str, Any], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    crit = data["movement"]["criteria"]
    period = data["period"]
    caption = (f"Kết quả chấm điểm thi đua: {data['movement']['name']}",
               f"Kỳ đánh giá {vn_date(period['start'])} – {vn_date(period['end'])}")
    for unit, rows in data["units"].items():
        officer = unit == "officer"  # a division's sheet names the division once
        heads = ["Hạng", "Tên", *(["Phòng"] if officer else []), "Số bước đã giải quyết", "Điểm", "Xếp loại",
                 "Ghi chú"]
        fmts = [INT, "", *([""] if officer else []), INT, "0.00", "", ""]
        for c in crit:
            heads += [f"{c['label']} – tử số", "mẫu số", "giá trị", "điểm", "trọng số"]
            fmts += [INT, INT, "0.0000", INT, INT]
        body = []
        for r in rows:
            line = [r["rank"], r["name"], *([r["division_name"] or "—"] if officer else []), r["finished"],
                    r["score"], r["band_label"], r["note"] or ""]
            for c in r["criteria"]:
                line += [c["numerator"], c["denominator"], c["value"], c["points"], c["weight"]]
            body.append(line)
        _sheet(wb, {"division": "Xếp hạng phòng", "officer": "Xếp hạng cán bộ"}[unit], heads, body, fmts, caption)
    _sheet(wb, "Tiêu chí", ["Tiêu chí", "Chỉ số", "Chiều", "Trọng số", "Thang điểm", "Nguồn"],
           [[c["label"], c["metric_label"], c["direction_label"], c["weight"],
             "; ".join(f"{s['label']}: {s['points']} điểm" for s in c["scale"]), c["source"]] for c in crit],
           ["", "", "", INT, "", ""], caption)
    wb.save(out)


def write_statistics_xlsx(data: dict[str, Any], out: Path) -> None:
    """The II.06a table on one sheet: a row per division, then the total."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    cols = data["columns"]
    heads = ["STT", "Đơn vị"] + [f"{group}: {head}" for _, head, group in cols]
    fmts = ["0", ""] + [SHARE if k == "progress_share" else NUM if k == "progress_points" else INT for k, _, _ in cols]
    body = [[i, r["name"]] + [r[k] for k, _, _ in cols] for i, r in enumerate(data["rows"], 1)]
    body.append([None, "Tổng cộng"] + [data["total"][k] for k, _, _ in cols])
    period = data["period"]
    caption = (f"Tình hình, kết quả giải quyết hồ sơ {vn_date(period['start'])} – {vn_date(period['end'])}",
               f"Số liệu tính đến hết ngày {vn_date(period['end'])}")
    _sheet(wb, "Mẫu II.06a", heads, body, fmts, caption)
    labels = {"ii06a": "Biểu số liệu (mẫu II.06a)", "766": "Chỉ số tiến độ (QĐ 766)"}
    _sheet(wb, "Căn cứ", ["Nội dung", "Căn cứ"], [[labels.get(k, k), v] for k, v in data["sources"].items()],
           ["", ""], caption)
    wb.save(out)
