"""The form of the department's documents (Decree 30/2020/NĐ-CP) as data: the letterhead file, a
province's override merged key by key, the settings' names over both; and the charts' numbers written
the Vietnamese way."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from engine.domain.errors import DefinitionError
from engine.io.letterhead import FOLDER, NAME, check_letterhead_file, load_letterhead, shipped_letterhead, with_settings
from engine.io.resources import workflows_dir
from engine.io.settings import Settings
from engine.reporting.charts import bar_chart, evaluation_chart

SHIPPED = workflows_dir() / FOLDER / NAME


def _override(tmp_path: Path, text: str) -> Path:
    path = tmp_path / FOLDER / NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_letterhead_names_the_governing_body_above_the_department_and_cites_decree_30() -> None:
    lh = shipped_letterhead()
    assert (lh.governing_body, lh.department, lh.place) == ("UBND TỈNH ĐỒNG NAI", "SỞ XÂY DỰNG", "Đồng Nai")
    assert (lh.nation, lh.slogan) == ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
    assert "Nghị định 30/2020/NĐ-CP" in lh.source
    monthly = lh.document("monthly")
    assert (monthly.type_name, monthly.symbol) == ("BÁO CÁO", "BC-SXD")
    assert monthly.recipients[-1] == "Lưu: VT, VP" and monthly.signer.title == "GIÁM ĐỐC"
    assert lh.document("evaluation").signer.authority.startswith("TM. HỘI ĐỒNG THI ĐUA")


@pytest.mark.parametrize("day, text", [(dt.date(2025, 2, 5), "Đồng Nai, ngày 05 tháng 02 năm 2025"),
                                       (dt.date(2024, 4, 1), "Đồng Nai, ngày 01 tháng 4 năm 2024"),
                                       (dt.date(2024, 12, 31), "Đồng Nai, ngày 31 tháng 12 năm 2024"),
                                       (dt.date(2025, 1, 9), "Đồng Nai, ngày 09 tháng 01 năm 2025")])
def test_the_place_and_date_line_pads_days_below_ten_and_the_first_two_months(day: dt.date, text: str) -> None:
    assert shipped_letterhead().place_date(day) == text


def test_without_a_date_the_line_leaves_room_to_write_it_in() -> None:
    line = shipped_letterhead().place_date(None)
    assert line.startswith("Đồng Nai, ngày") and "tháng" in line and not re.search(r"\d", line)


def test_a_province_override_changes_only_the_keys_it_names(tmp_path: Path) -> None:
    path = _override(tmp_path, "override: true\ngoverning_body: UBND TỈNH BÌNH DƯƠNG\nplace: Bình Dương\n"
                               "documents:\n  monthly:\n    signer: {authority: KT. GIÁM ĐỐC, title: PHÓ GIÁM ĐỐC,"
                               " name: Nguyễn Văn An}\n")
    lh = load_letterhead([SHIPPED, path])
    assert (lh.governing_body, lh.place, lh.department) == ("UBND TỈNH BÌNH DƯƠNG", "Bình Dương", "SỞ XÂY DỰNG")
    signer = lh.document("monthly").signer
    assert (signer.authority, signer.title, signer.name) == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An")
    assert lh.document("monthly").recipients == shipped_letterhead().document("monthly").recipients
    assert lh.document("evaluation") == shipped_letterhead().document("evaluation")
    assert check_letterhead_file(path) == "letterhead"


@pytest.mark.parametrize("text, key", [
    ("governing_body: UBND TỈNH X\n", "override"),
    ("override: true\nletterhead: x\n", "letterhead"),
    ("override: true\ndocuments:\n  monthly: {symbol: BC SXD}\n", "documents.monthly.symbol"),
    ("override: true\ndocuments:\n  monthly: {recipients: []}\n", "documents.monthly.recipients"),
    ("override: true\ndocuments:\n  monthly:\n    signer: {title: ''}\n", "documents.monthly.signer.title"),
    ("override: true\nplace: ''\n", "place"),
])
def test_a_bad_override_is_refused_naming_the_file_and_the_key(tmp_path: Path, text: str, key: str) -> None:
    path = _override(tmp_path, text)
    with pytest.raises(DefinitionError) as exc:
        load_letterhead([SHIPPED, path])
    assert str(path) in exc.value.message and f"{key}:" in exc.value.message


def test_a_document_kind_the_file_lacks_is_a_clear_error() -> None:
    with pytest.raises(DefinitionError, match="documents.invoice"):
        shipped_letterhead().document("invoice")


def test_the_settings_names_apply_over_the_file_only_when_set() -> None:
    lh = shipped_letterhead()
    assert with_settings(lh, Settings()) == lh  # the built-in defaults are not an override
    named = with_settings(lh, Settings().with_(province_name="TỈNH BÌNH DƯƠNG", department_name="SỞ XD BÌNH DƯƠNG"))
    assert (named.governing_body, named.department, named.place) == ("UBND TỈNH BÌNH DƯƠNG", "SỞ XD BÌNH DƯƠNG",
                                                                     "Bình Dương")
    assert with_settings(lh, Settings().with_(province_name="UBND TỈNH ĐỒNG NAI")) == lh


def test_chart_numbers_are_written_the_vietnamese_way() -> None:
    shares = bar_chart([("T2", 0.895), ("T3", 0.5)])
    assert [b["value"] for b in shares["bars"]] == ["89,5%", "50,0%"]
    assert [t["label"] for t in shares["ticks"]] == ["0%", "50%", "100%"]
    counts = bar_chart([("a", 1234.0), ("b", 89.5)], as_percent=False)
    assert [b["value"] for b in counts["bars"]] == ["1.234", "89,5"]
    assert not any(re.search(r"\d\.\d{1,2}(%|$)", b["value"]) for b in shares["bars"] + counts["bars"])


def test_the_evaluation_chart_names_its_bars_and_slants_long_names() -> None:
    rows = [{"name": "Phạm Thị Hồng", "code": "cv.pham", "score": 89.5, "eligible": True},
            {"name": "Ngô Đức Thịnh", "code": "cv.ngo", "score": 75.0, "eligible": True},
            {"name": "Chưa đủ", "code": "cv.x", "score": 10.0, "eligible": False}]
    chart = evaluation_chart(rows)
    assert [b["label"] for b in chart["bars"]] == ["Phạm Thị Hồng", "Ngô Đức Thịnh"]
    assert [b["value"] for b in chart["bars"]] == ["89,5", "75"]
    many = evaluation_chart([{**rows[0], "name": f"Nguyễn Thị Minh Khai {i}"} for i in range(20)])
    assert many["slant"] and many["height"] > 220  # the picture grows to hold the slanted names
    for b in many["bars"]:
        assert 0 <= b["y"] <= many["base"] and b["x"] + b["w"] <= many["right"]
