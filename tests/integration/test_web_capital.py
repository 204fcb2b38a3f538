"""The capital page on SQLite and PostgreSQL, on the fixed set of tests/capital_set.py (the figures are
those test_capital_fixed_set computes by hand): the progress table against the 95% target and its
milestones, by project, investor and capital source, the whole, the projects below the path, the projects
waiting on an appraisal; the XLSX downloads; only the heads and the director open it, and they find it in
the navigation."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import capital_set
import pytest
from webtools import page_client


@pytest.fixture
def fixed(app: Any, tmp_path: Path) -> Any:
    capital_set.load(app, tmp_path)
    return app


def _table(html: str, name: str) -> str:
    return html.split(f'id="{name}"')[1].split("</table>")[0]


def test_the_director_reads_the_progress_against_the_target_and_the_projects_waiting(fixed: Any) -> None:
    director = page_client(fixed, "gd.tran")
    home = director.get("/ho-so").text
    assert 'id="nav-capital"' in home and 'href="/giai-ngan"' in home
    r = director.get("/giai-ngan?as_of=2024-09-30")
    assert r.status_code == 200, r.text
    html = r.text
    assert "Tiến độ giải ngân kế hoạch vốn năm 2024" in html and "mục tiêu giải ngân 95,0%" in html
    assert "31/01/2025" in html and 'id="path-today">74,9%' in html
    milestones = _table(html, "milestones")
    assert "30/06/2024" in milestones and "50,0%" in milestones and "70,0%" in milestones
    progress = _table(html, "progress")
    p1 = progress.split('data-key="P1"')[1].split("</tr>")[0]
    assert "Đường liên xã Tân Hòa" in p1 and "8.000.000.000" in p1 and "75,0%" in p1 and "Dưới lộ trình" not in p1
    p2 = progress.split('data-key="P2"')[1].split("</tr>")[0]
    assert "25,0%" in p2 and "Dưới lộ trình" in p2
    total = html.split('id="progress-total"')[1].split("</tr>")[0]
    assert "14.000.000.000" in total and "9.000.000.000" in total and "13.813.043.478" in total
    below = _table(html, "below-path")
    assert 'data-key="P2"' in below and 'data-key="P1"' not in below and "1.996.078.431" in below
    waiting = _table(html, "waiting")
    assert 'data-key="P2"' in waiting and 'data-key="P3"' not in waiting  # P3's capital is all disbursed
    assert "D2" in waiting and "Quá hạn 111 ngày làm việc" in waiting and "131" in waiting
    assert "3.000.000.000" in waiting
    assert "post_basic_design" not in waiting  # the stage by its label
    by_investor = director.get("/giai-ngan?as_of=2024-09-30&by=investor").text
    row = _table(by_investor, "progress").split('data-key="Ban QLDA tỉnh"')[1].split("</tr>")[0]
    assert "10.000.000.000" in row and "80,0%" in row
    assert director.get("/giai-ngan?by=khac").status_code == 422


def test_the_tables_download_as_workbooks(fixed: Any) -> None:
    from openpyxl import load_workbook

    head = page_client(fixed, "tp.nguyen")
    r = head.get("/giai-ngan/tien-do.xlsx?as_of=2024-09-30&by=capital_source")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    assert "Dưới lộ trình" in wb.sheetnames
    cells = [c.value for row in wb.worksheets[0].iter_rows() for c in row]
    assert "Ngân sách trung ương" in cells and 6 * 10**9 in cells
    waiting = load_workbook(io.BytesIO(head.get("/giai-ngan/cho-tham-dinh.xlsx?as_of=2024-09-30").content))
    cells = [c.value for row in waiting["Dự án chờ thẩm định"].iter_rows() for c in row]
    assert "P2" in cells and "D2" in cells


def test_only_the_heads_and_the_director_see_the_capital(fixed: Any) -> None:
    officer = page_client(fixed, "cv.pham")
    assert 'id="nav-capital"' not in officer.get("/ho-so").text
    r = officer.get("/giai-ngan")
    assert r.status_code == 403 and "không xem được tiến độ giải ngân" in r.text and "trưởng phòng" in r.text
    assert officer.get("/giai-ngan/tien-do.xlsx").status_code == 403
    assert page_client(fixed, "mc.truong").get("/giai-ngan/cho-tham-dinh.xlsx").status_code == 403
