"""The capital tables as workbooks (the same print setup and text-never-a-formula rule as every
report, engine.reporting.workbooks): the progress table with the whole and the projects below the
milestone path; the projects waiting on an appraisal with each project's days."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ..domain.formatting import vn_date, vn_percent
from .workbooks import INT, SHARE, _sheet

PROGRESS_HEADS = ["Kế hoạch vốn (đồng)", "Đã giải ngân (đồng)", "Tỷ lệ giải ngân", "Lộ trình đến ngày",
                  "Chênh lệch", "Dự báo đến ngày mục tiêu (đồng)", "Tỷ lệ dự báo", "Dưới lộ trình"]
PROGRESS_FORMATS = [INT, INT, SHARE, SHARE, SHARE, INT, SHARE, ""]


def _cells(r: dict[str, Any]) -> list[Any]:
    return [r["plan"], r["disbursed"], r["rate"], r["path"], r["gap"], r["projected"], r["projected_rate"],
            "có" if r["below_path"] else ""]


def write_progress_xlsx(data: dict[str, Any], out: Path) -> None:
    from openpyxl import Workbook

    g = data["goal"]
    caption = (f"Tiến độ giải ngân kế hoạch vốn năm {g['plan_year']} — mục tiêu {vn_percent(g['target'])} "
               f"đến {vn_date(g['by'])}", f"Số liệu đến hết ngày {vn_date(data['as_of'])}")
    wb = Workbook()
    wb.remove(wb.active)
    first = ["Mã dự án", "Tên dự án", "Chủ đầu tư"] if data["by"] == "project" else [data["by_label"], "Số dự án"]
    body = [([r["key"], r.get("name"), r.get("investor")] if data["by"] == "project" else [r["key"], r["projects"]])
            + _cells(r) for r in data["rows"]]
    body.append(["Toàn bộ", data["total"]["projects"], *([""] if data["by"] == "project" else []),
                 *_cells(data["total"])])
    _sheet(wb, f"Theo {data['by_label'].lower()}", first + PROGRESS_HEADS, body,
           [""] * len(first) + PROGRESS_FORMATS, caption)
    _sheet(wb, "Dưới lộ trình", ["Mã dự án", "Tên dự án", "Chủ đầu tư", *PROGRESS_HEADS, "Cần giải ngân thêm (đồng)"],
           [[r["key"], r.get("name"), r.get("investor"), *_cells(r), r["needed_for_path"]] for r in data["below_path"]],
           ["", "", "", *PROGRESS_FORMATS, INT], caption)
    _sheet(wb, "Mốc", ["Ngày", "Tỷ lệ", "Ghi chú"],
           [[dt.date.fromisoformat(m["on"]), m["share"], m["label"]] for m in g["milestones"]]
           + [[dt.date.fromisoformat(g["by"]), g["target"], "Mục tiêu"]], ["DD/MM/YYYY", SHARE, ""], caption)
    wb.save(out)


def write_holdups_xlsx(data: dict[str, Any], out: Path) -> None:
    from openpyxl import Workbook

    caption = ("Dự án chờ thẩm định và vốn chưa giải ngân", f"Số liệu đến hết ngày {vn_date(data['as_of'])}")
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Dự án chờ thẩm định", ["Mã dự án", "Tên dự án", "Chủ đầu tư", "Vốn chưa giải ngân (đồng)", "Hồ sơ",
                                       "Bước", "Đang chờ chủ đầu tư", "Ngày LV tại Sở", "Ngày LV chờ chủ đầu tư",
                                       "Quá hạn (ngày LV)"],
           [[r["code"], r["name"], r["investor"], r["undisbursed"], c["dossier"], c["stage"],
             "có" if c["paused"] else "", c["with_department"], c["awaiting_investor"], c["overdue_working_days"]]
            for r in data["waiting"] for c in r["open"]], ["", "", "", INT, "", "", "", INT, INT, INT], caption)
    _sheet(wb, "Theo dự án", ["Mã dự án", "Tên dự án", "Chủ đầu tư", "Kế hoạch vốn (đồng)", "Đã giải ngân (đồng)",
                              "Chưa giải ngân (đồng)", "Ngày LV tại Sở", "Ngày LV chờ chủ đầu tư",
                              "Ngày LV đã qua", "Tỷ lệ thời gian tại Sở"],
           [[r["code"], r["name"], r["investor"], r["plan"], r["disbursed"], r["undisbursed"], r["with_department"],
             r["awaiting_investor"], r["elapsed"], r["appraisal_share"]] for r in data["projects"]],
           ["", "", "", INT, INT, INT, INT, INT, INT, SHARE], caption)
    wb.save(out)

