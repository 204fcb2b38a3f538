"""Rendering of the report templates: escaping, the official heading, charts, XLSX numbers read back."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pytest

from engine.domain.commands import Fire, Receive
from engine.io.movements import DEFAULT_MOVEMENT, load_movement
from engine.io.resources import workflows_dir
from engine.io.templating import environment
from engine.reporting.charts import bar_chart
from engine.reporting.render import render_evaluation_html, render_monthly_html

EVIL = "<script>alert('x')</script>"


@pytest.fixture
def data_app(sqlite_app: Any) -> Any:
    """Two dossiers in March 2024, one overdue at the month's end with a hostile project name."""
    s = sqlite_app.services
    s.receive(Receive(workflow="project-appraisal", code="HS-1", name="Trường học", investor="Ban QLDA", group="C",
              grade="III", division="QLXD", officer="cv.pham", at="2024-03-01"))
    s.fire(Fire(code="HS-1", event="accept", actor="cv.pham", at="2024-03-04"))
    s.fire(Fire(code="HS-1", event="pass_appraisal", actor="cv.pham", at="2024-03-07"))
    s.receive(Receive(workflow="post-basic-design", code="HS-2", name=f"Cầu {EVIL}", investor=f"UBND {EVIL}",
              group="B", grade="IV", division="HTKT", officer="cv.ngo", at="2024-02-15"))
    with sqlite_app.engine.begin() as c:
        c.exec_driver_sql("UPDATE division SET name = ? WHERE code = 'HTKT'", (f"Phòng {EVIL}",))
        c.exec_driver_sql("UPDATE person SET name = ? WHERE id = 'cv.pham'", (f"Chị {EVIL}",))
    return sqlite_app


def test_the_monthly_report_escapes_what_people_typed(data_app: Any) -> None:
    html = render_monthly_html(data_app.reports.monthly("2024-03"))
    assert "<script>" not in html
    assert "Cầu &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "Chị &lt;script&gt;" in html and "Phòng &lt;script&gt;" in html  # officer and division names
    assert "HS-2" in html  # listed as open and overdue at 31/03


def test_the_monthly_report_is_an_official_vietnamese_a4_document(data_app: Any) -> None:
    data = data_app.reports.monthly("2024-03")
    html = render_monthly_html(data)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "Độc lập - Tự do - Hạnh phúc" in html  # Decree 30
    assert "UBND TỈNH ĐỒNG NAI" in html and "SỞ XÂY DỰNG" in html
    assert ">BÁO CÁO<" in html and "Tình hình giải quyết hồ sơ thẩm định tháng 03/2024" in html
    assert "size: A4" in html and 'lang="vi"' in html
    assert html.count("<svg") == 3  # trend, divisions, distribution
    assert "tháng 03/2024" in html and "Từ ngày 01/03/2024 đến ngày 31/03/2024" in html
    # the trend runs from the campaign's start (01/02/2024) to the month
    assert [t["month"] for t in data["trend"]] == ["2024-02", "2024-03"]


def test_a_division_report_keeps_to_its_division(data_app: Any) -> None:
    data = data_app.reports.monthly("2024-03", "QLXD")
    assert [r["division"] for r in data["by_division"]] == ["QLXD"]
    assert data["open_overdue"] == [] and data["division_name"] == "Phòng Quản lý xây dựng"
    assert "Phòng Quản lý xây dựng" in render_monthly_html(data)


def test_the_evaluation_report_escapes_names_and_shows_how_scores_were_made(data_app: Any) -> None:
    result = data_app.reports.evaluation(load_movement(workflows_dir() / "movements" / DEFAULT_MOVEMENT))
    html = render_evaluation_html(result, "SỞ XÂY DỰNG", "TỈNH ĐỒNG NAI")
    assert "<script>" not in html and "Phòng &lt;script&gt;" in html
    assert "Hoàn thành xuất sắc nhiệm vụ" in html and "Quyết định 766/QĐ-TTg" in html
    assert "Tổng: " in html and "không xếp hạng" in html
    assert html.count("<svg") == 2


def test_the_json_report_is_plain_data(data_app: Any, tmp_path: Path) -> None:
    out = data_app.reports.write_monthly("2024-03", "json", tmp_path / "m.json")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["total"]["finished"] == 1 and data["total"]["early"] == 1
    assert data["open_overdue"][0]["project_name"] == f"Cầu {EVIL}"


def test_the_monthly_xlsx_has_numbers_as_numbers_and_frozen_headers(data_app: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = data_app.reports.write_monthly("2024-03", "xlsx", tmp_path / "m.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp", "Theo phòng", "Theo cán bộ", "Theo quy trình, bước", "Tồn theo tuổi",
                             "Phân bố thời gian", "Xu hướng", "Tồn quá hạn"]
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2"
    ws = wb["Tổng hợp"]
    heads = [c.value for c in ws[1]]
    row = {h: c.value for h, c in zip(heads, ws[2], strict=False)}
    assert row["Đã giải quyết"] == 1 and isinstance(row["Đã giải quyết"], int)
    assert row["Tỷ lệ trước hạn + đúng hạn"] == 1.0 and row["Bình quân (ngày LV)"] == 4
    assert row["Tồn quá hạn"] == 1
    od = wb["Tồn quá hạn"]
    assert od["A2"].value == "HS-2" and od["H2"].value.date() == dt.date(2024, 3, 6) and od["I2"].value == 17
    assert od["B2"].value == f"Cầu {EVIL}"  # a spreadsheet cell is text, not markup


def test_the_evaluation_xlsx_reads_back_every_input(data_app: Any, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    movement = load_movement(workflows_dir() / "movements" / DEFAULT_MOVEMENT)
    result = data_app.reports.evaluation(movement)
    out = data_app.reports.write_evaluation(result, "xlsx", tmp_path / "e.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == ["Xếp hạng phòng", "Xếp hạng cán bộ", "Tiêu chí"]
    ws = wb["Xếp hạng phòng"]
    heads = [c.value for c in ws[1]]
    first = {h: c.value for h, c in zip(heads, ws[2], strict=False)}
    expected = result["units"]["division"][0]
    assert isinstance(first["Điểm"], (int, float)) and first["Điểm"] == expected["score"]
    assert isinstance(first["Số bước đã giải quyết"], int) and first["Số bước đã giải quyết"] == expected["finished"]
    assert ws.freeze_panes == "A2"
    weights = [c.value for h, c in zip(heads, ws[2], strict=False) if h == "trọng số"]
    assert weights == [c.weight for c in movement.criteria]  # every criterion's weight, those left out too


def test_bar_chart_geometry_stays_inside_the_picture() -> None:
    chart = bar_chart([("T2", 0.5), ("T3", None), ("T4", 1.0)])
    assert [b["value"] for b in chart["bars"]] == ["50,0%", "—", "100,0%"]  # as the tables write shares
    for b in chart["bars"]:
        assert 0 <= b["y"] <= chart["base"] and b["x"] + b["w"] <= chart["right"]


def test_templates_refuse_undefined_values() -> None:
    from jinja2 import UndefinedError

    with pytest.raises(UndefinedError):
        environment("reports").get_template("monthly.html").render(r={}, charts={}, columns=[])


def test_a_bad_month_is_refused_clearly(sqlite_app: Any) -> None:
    from engine.domain.errors import BadInput

    with pytest.raises(BadInput, match="YYYY-MM"):
        sqlite_app.reports.monthly("03/2024")
    with pytest.raises(BadInput, match="Không có phòng"):
        sqlite_app.reports.monthly("2024-03", "NOPE")


def test_send_monthly_reports_writes_the_files_and_queues_them_for_heads_and_the_director(
        data_app: Any, tmp_path: Path) -> None:
    files = data_app.issuing.send_monthly("2024-03", tmp_path / "bao-cao")
    assert [f.name for f in files] == ["bao-cao-thang-2024-03.html", "bao-cao-thang-2024-03.xlsx"]
    assert all(f.stat().st_size > 1000 for f in files)
    assert re.search(r"<h1>", files[0].read_text(encoding="utf-8"))
    with data_app.engine.connect() as c:
        rows = c.exec_driver_sql("SELECT recipient_id, subject, attachments FROM outbox_message "
                                 "WHERE kind = 'report' ORDER BY recipient_id").fetchall()
    assert [r[0] for r in rows] == ["gd.tran", "tp.hoang", "tp.huynh", "tp.nguyen"]
    assert all("tháng 03/2024" in r[1] and "bao-cao-thang-2024-03.xlsx" in r[2] for r in rows)
    data_app.issuing.send_monthly("2024-03", tmp_path / "bao-cao")  # a re-run queues nothing new
    with data_app.engine.connect() as c:
        assert c.exec_driver_sql("SELECT COUNT(*) FROM outbox_message WHERE kind = 'report'").scalar() == 4


@pytest.mark.parametrize("hostile", ['=HYPERLINK("http://evil.example","bấm")', "+1+1", "-2+3", "@SUM(1)",
                                     "\t=1+1", "\r=1+1"])
def test_text_from_data_is_never_a_live_formula_in_a_workbook(sqlite_app: Any, tmp_path: Path,
                                                              hostile: str) -> None:
    import zipfile

    from openpyxl import load_workbook

    sqlite_app.services.receive(Receive(workflow="project-appraisal", code="HS-F", name=hostile, investor=hostile,
                                        group="C", grade="III", division="QLXD", officer="cv.pham",
                                        at="2024-02-15"))
    out = sqlite_app.reports.write_monthly("2024-03", "xlsx", tmp_path / "m.xlsx")
    with zipfile.ZipFile(out) as z:
        sheets = [n for n in z.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in sheets)
    od = load_workbook(out)["Tồn quá hạn"]
    stored = hostile.strip()  # a name is stripped when received; what is left still starts a formula
    assert (od["B2"].value, od["B2"].data_type, od["C2"].value) == (stored, "s", stored)
    assert od["B2"].quotePrefix


@pytest.mark.parametrize("stem, name", [("bao-cao-thang-2024-06-QLXD", "bao-cao-thang-2024-06-QLXD.xlsx"),
                                        ("bao-cao-thang-2024-06-../../etc/x", "bao-cao-thang-2024-06-etc-x.xlsx"),
                                        ("a/b\\c\x00d", "a-b-c-d.xlsx"), ("..", "bao-cao.xlsx"),
                                        ("thi-đua-Sở", "thi-đua-Sở.xlsx")])
def test_a_file_name_built_from_data_stays_one_name(stem: str, name: str) -> None:
    from engine.reporting.files import safe_name

    assert safe_name(stem, "xlsx") == name
