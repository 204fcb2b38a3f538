"""The reports as workbooks (openpyxl): one sheet per table, numbers stored as numbers, headers frozen.

No cell whose text comes from data is ever a live formula: text starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return (a project named ``=HYPERLINK(…)``, say) is written as text, with Excel's
quote prefix so that editing the cell does not turn it into one either.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .columns import VI_COLUMNS

#: how a formula (or a DDE payload) may start in a spreadsheet
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _append(ws: Any, values: list[Any]) -> None:
    ws.append(values)
    for cell, value in zip(ws[ws.max_row], values, strict=False):
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.value = value
            cell.data_type = "s"  # text, never a formula
            cell.quotePrefix = True


def _sheet(wb: Any, title: str, headers: list[str], rows: list[list[Any]], formats: list[str] | None = None) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(title[:31])
    _append(ws, headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        _append(ws, row)
    if formats:
        for col, fmt in enumerate(formats, 1):
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell.number_format = fmt
    ws.freeze_panes = "A2"
    for i, h in enumerate(headers, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, min(40, len(h) + 2))


def _metric_cells(r: dict[str, Any]) -> tuple[list[Any], list[str]]:
    vals, fmts = [], []
    for key, _, kind in VI_COLUMNS:
        v = r.get(key)
        vals.append(v)
        fmts.append({"share": "0.0%", "num": "0.00", "int": "0"}[kind])
    return vals, fmts


def write_monthly_xlsx(data: dict[str, Any], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    heads = [h for _, h, _ in VI_COLUMNS]
    tables = [("Tổng hợp", ["Phạm vi"], [([data["division_name"] or "Toàn Sở"], data["total"])]),
              ("Theo phòng", ["Mã phòng", "Tên phòng"], [([r["division"], r["name"]], r) for r in data["by_division"]]),
              ("Theo cán bộ", ["Phòng", "Mã cán bộ", "Họ tên"],
               [([r["division"], r["officer"], r["name"]], r) for r in data["by_officer"]]),
              ("Theo quy trình, bước", ["Quy trình", "Bước"],
               [([r["workflow_name"], r["name"]], r) for r in data["by_stage"]])]
    for title, keys, rows in tables:
        body, fmts = [], [""] * len(keys)
        for k, r in rows:
            vals, f = _metric_cells(r)
            body.append(k + vals)
            fmts = [""] * len(keys) + f
        _sheet(wb, title, keys + heads, body, fmts)
    t = data["total"]
    _sheet(wb, "Tồn theo tuổi", ["Tuổi (ngày làm việc)", "Số bước tồn"],
           [[label, n] for label, n in zip(data["age_buckets"], t["age_buckets"], strict=False)], ["", "0"])
    _sheet(wb, "Phân bố thời gian", ["Thời gian giải quyết (ngày làm việc)", "Số bước"],
           [[label, n] for label, n in zip(data["turnaround_buckets"], t["turnaround_buckets"], strict=True)],
           ["", "0"])
    _sheet(wb, "Xu hướng", ["Tháng", "Đã giải quyết", "Được đánh giá", "Trước hạn + đúng hạn", "Tỷ lệ"],
           [[x["month"], x["finished"], x["judged"], x["early_or_on_time"], x["early_or_on_time_share"]]
            for x in data["trend"]], ["", "0", "0", "0", "0.0%"])
    _sheet(wb, "Tồn quá hạn", ["Mã hồ sơ", "Tên dự án", "Chủ đầu tư", "Phòng", "Cán bộ", "Bước", "Bắt đầu",
                               "Hạn", "Quá hạn (ngày LV)"],
           [[r["code"], r["project_name"], r["investor"], r["division"], r["officer_name"], r["stage_name"],
             dt.date.fromisoformat(r["start_date"]), dt.date.fromisoformat(r["due_date"]),
             r["overdue_working_days"]] for r in data["open_overdue"]],
           ["", "", "", "", "", "", "DD/MM/YYYY", "DD/MM/YYYY", "0"])
    wb.save(out)


def write_evaluation_xlsx(data: dict[str, Any], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    crit = data["movement"]["criteria"]
    for unit, rows in data["units"].items():
        heads = ["Hạng", "Mã", "Tên", "Phòng", "Số bước đã giải quyết", "Điểm", "Xếp loại", "Ghi chú"]
        fmts = ["0", "", "", "", "0", "0.00", "", ""]
        for c in crit:
            heads += [f"{c['label']} – tử số", "mẫu số", "giá trị", "điểm", "trọng số"]
            fmts += ["0", "0", "0.0000", "0", "0"]
        body = []
        for r in rows:
            line = [r["rank"], r["code"], r["name"], r["division"], r["finished"], r["score"], r["band_label"],
                    r["note"] or ""]
            for c in r["criteria"]:
                line += [c["numerator"], c["denominator"], c["value"], c["points"], c["weight"]]
            body.append(line)
        _sheet(wb, {"division": "Xếp hạng phòng", "officer": "Xếp hạng cán bộ"}[unit], heads, body, fmts)
    _sheet(wb, "Tiêu chí", ["Mã", "Tiêu chí", "Chỉ số", "Chiều", "Trọng số", "Thang điểm", "Nguồn"],
           [[c["id"], c["label"], c["metric"], "cao hơn tốt hơn" if c["direction"] == "higher" else "thấp hơn tốt hơn",
             c["weight"], "; ".join(f"{'≥' if c['direction'] == 'higher' else '≤'} {s['bound']}: {s['points']}"
                                    if s["bound"] is not None else f"còn lại: {s['points']}" for s in c["scale"]),
             c["source"]] for c in crit], ["", "", "", "", "0", "", ""])
    wb.save(out)
