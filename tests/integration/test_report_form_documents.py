"""The monthly report and the evaluation as official documents (Decree 30/2020/NĐ-CP), read from what
is rendered: the heading from the letterhead file (and a province's override, and the settings), the
number and the place-and-date lines, page numbers when printed, recipients and signer, Vietnamese
numbers in tables and charts, names instead of codes; and workbooks set up to print."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_ORG, make_app_for

from engine.bootstrap import App
from engine.domain.clock import TZ, FixedClock
from engine.domain.commands import Fire, Receive
from engine.io.movements import default_movement_path, load_movement
from engine.reporting.render import render_evaluation_html, render_monthly_html

NBSP = "\u00a0"
ISSUED = dt.datetime(2024, 4, 1, 8, 0, tzinfo=TZ)


def _fill(app: App) -> App:
    """March 2024: three finished appraisals in QLXD, one dossier of HTKT open and overdue at the end."""
    s = app.services
    for i, officer in enumerate(("cv.pham", "cv.vo", "cv.pham"), 1):
        code = f"BCNCKT-2024-{i:04d}"
        s.receive(Receive(workflow="project-appraisal", code=code, name=f"Trường tiểu học xã Phú Hữu số {i}",
                          investor="Ban Quản lý dự án đầu tư xây dựng tỉnh Đồng Nai", group="C", grade="III",
                          division="QLXD", officer=officer, at="2024-03-01"))
        s.fire(Fire(code=code, event="accept", actor=officer, at="2024-03-04"))
        s.fire(Fire(code=code, event="pass_appraisal", actor=officer, at="2024-03-07"))
    s.receive(Receive(workflow="post-basic-design", code="TKCS-2024-0001", name="Cầu Hóa An", investor="UBND Biên Hòa",
                      group="B", grade="IV", division="HTKT", officer="cv.ngo", at="2024-02-15"))
    app.clock.set(ISSUED)  # type: ignore[attr-defined]
    return app


@pytest.fixture
def report_app(sqlite_app: App) -> App:
    return _fill(sqlite_app)


@pytest.fixture
def province_app(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> Iterator[App]:
    """An App whose THAMDINH_RULES_PATH holds a province's letterhead override."""
    rules = tmp_path / "tinh"
    (rules / "documents").mkdir(parents=True)
    (rules / "documents" / "letterhead.yaml").write_text(
        "override: true\ngoverning_body: UBND TỈNH BÌNH DƯƠNG\nplace: Bình Dương\ndocuments:\n  monthly:\n"
        "    symbol: BC-SXDBD\n    signer: {authority: KT. GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC, name: Nguyễn Văn An}\n",
        encoding="utf-8")
    a = make_app_for("sqlite", request, tmp_path, clock, rules_path=(rules,))
    a.services.load_org(SAMPLE_ORG)
    yield _fill(a)
    a.close()


def _svgs(html: str) -> str:
    return "".join(re.findall(r"<svg.*?</svg>", html, flags=re.S))


def test_the_monthly_report_is_headed_numbered_dated_and_signed_as_decree_30_says(report_app: App) -> None:
    html = render_monthly_html(report_app.reports.monthly("2024-03"))
    order = [html.index(x) for x in ('class="governing">UBND TỈNH ĐỒNG NAI<', 'class="department">SỞ XÂY DỰNG<',
                                     f"Số:{NBSP * 8}/BC-SXD", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                     "Độc lập - Tự do - Hạnh phúc", "Đồng Nai, ngày 01 tháng 4 năm 2024",
                                     ">BÁO CÁO<", "Tình hình giải quyết hồ sơ thẩm định tháng 03/2024")]
    assert order == sorted(order)
    assert not re.search(r"(?<!UBND )TỈNH ĐỒNG NAI", html)  # never the province without its committee
    assert ".department::after" in html and "border-top" in html  # the rule under the department's name
    assert "Số liệu tính đến hết ngày 31/03/2024" in html and "báo cáo lập lúc 08:00 ngày 01/04/2024" in html
    assert re.search(r'@top-center \{ content: "Trang " counter\(page\) "/" counter\(pages\)', html)
    foot = html[html.index('class="foot"'):]
    assert "Nơi nhận:" in foot and "- UBND tỉnh (để báo cáo);" in foot and "- Lưu: VT, VP." in foot
    assert foot.index("Nơi nhận:") < foot.index(">GIÁM ĐỐC<") < foot.index("(ký, ghi rõ họ tên)")


def test_the_monthly_report_counts_stages_as_stages_and_names_divisions(report_app: App) -> None:
    data = report_app.reports.monthly("2024-03")
    html = render_monthly_html(data)
    t = data["total"]
    assert f"Sở tiếp nhận <b>{t['received']}</b> bước giải quyết hồ sơ" in html
    assert f"giải quyết xong <b>{t['finished']}</b> bước" in html and "bước hồ sơ," not in html
    overdue = html[html.index("VI. Hồ sơ tồn quá hạn"):]
    assert "<td>Phòng Hạ tầng kỹ thuật</td>" in overdue and "<td>HTKT</td>" not in overdue
    officers = html[html.index("III. Theo cán bộ"):html.index("IV. Theo quy trình")]
    assert "<td>Phòng Quản lý xây dựng</td><td>Phạm Thị Hồng</td>" in officers and "<td>QLXD</td>" not in officers
    svg = _svgs(html)
    assert ">Phòng Quản lý xây dựng</text>" in svg and ">QLXD</text>" not in svg
    assert "100,0%" in svg and not re.search(r"\d\.\d+%", svg)


def test_a_province_override_of_the_letterhead_changes_the_heading(province_app: App) -> None:
    data = province_app.reports.monthly("2024-03")
    html = render_monthly_html(data)
    assert 'class="governing">UBND TỈNH BÌNH DƯƠNG<' in html and "ĐỒNG NAI" not in html
    assert "Bình Dương, ngày 01 tháng 4 năm 2024" in html and f"{NBSP}/BC-SXDBD<" in html
    assert ">KT. GIÁM ĐỐC<" in html and ">PHÓ GIÁM ĐỐC<" in html and ">Nguyễn Văn An<" in html
    assert "(ký, ghi rõ họ tên)" not in html and "- UBND tỉnh (để báo cáo);" in html  # the rest merged
    assert data["heading"]["governing_body"] == "UBND TỈNH BÌNH DƯƠNG"


def test_the_settings_names_still_override_the_files(request: pytest.FixtureRequest, tmp_path: Path,
                                                     clock: FixedClock) -> None:
    app = make_app_for("sqlite", request, tmp_path, clock, province_name="TỈNH BÌNH PHƯỚC",
                       department_name="SỞ XÂY DỰNG BÌNH PHƯỚC")
    try:
        app.services.load_org(SAMPLE_ORG)
        clock.set(ISSUED)
        html = render_monthly_html(app.reports.monthly("2024-03"))
        assert 'class="governing">UBND TỈNH BÌNH PHƯỚC<' in html and ">SỞ XÂY DỰNG BÌNH PHƯỚC<" in html
        assert "Bình Phước, ngày 01 tháng 4 năm 2024" in html
    finally:
        app.close()


def _evaluation(app: App, tmp_path: Path) -> dict[str, Any]:
    """The shipped movement with no minimum, so that every unit of the small month is ranked."""
    text = default_movement_path().read_text(encoding="utf-8").replace("min_finished: 10", "min_finished: 0")
    path = tmp_path / "phong-trao.yaml"
    path.write_text(text, encoding="utf-8")
    return app.reports.evaluation(load_movement(path))


def test_the_evaluation_is_an_official_document_and_its_chart_names_officers(report_app: App,
                                                                             tmp_path: Path) -> None:
    data = _evaluation(report_app, tmp_path)
    h = report_app.heading
    html = render_evaluation_html(data, h.department_name, h.province_name)
    assert 'class="governing">UBND TỈNH ĐỒNG NAI<' in html and f"Số:{NBSP * 8}/BC-HĐTĐKT" in html
    assert "Đồng Nai, ngày" in html and "Số liệu tính đến hết ngày 31/01/2025" in html
    assert ">TM. HỘI ĐỒNG THI ĐUA – KHEN THƯỞNG<" in html and ">CHỦ TỊCH<" in html and "Nơi nhận:" in html
    officer_svg = _svgs(html[html.index("Xếp hạng: Cán bộ"):])
    assert ">Phạm Thị Hồng</text>" in officer_svg and ">Võ Quốc Bảo</text>" in officer_svg
    assert "cv.pham" not in officer_svg and "cv.vo" not in officer_svg
    assert not re.search(r">\d+\.\d+<", _svgs(html))  # scores like 89,5, never 89.5
    assert "<span class=\"muted\">(Phòng Quản lý xây dựng)</span>" in html
    assert "≥ 98%: 100 điểm" in html and "0,98" not in html


def test_the_evaluation_html_without_a_heading_takes_the_names_it_is_given(report_app: App, tmp_path: Path) -> None:
    html = render_evaluation_html(_evaluation(report_app, tmp_path), "SỞ XÂY DỰNG", "TỈNH ĐỒNG NAI")
    assert 'class="governing">UBND TỈNH ĐỒNG NAI<' in html  # the CLI passes the settings' province


def test_a_province_override_heads_the_evaluation_too(province_app: App, tmp_path: Path) -> None:
    reports = province_app.reports
    data = reports.evaluation(reports.movement(None))
    assert data["heading"]["governing_body"] == "UBND TỈNH BÌNH DƯƠNG"
    html = reports.write_evaluation(data, "html", tmp_path / "thi-dua.html").read_text(encoding="utf-8")
    assert 'class="governing">UBND TỈNH BÌNH DƯƠNG<' in html and "ĐỒNG NAI" not in html
