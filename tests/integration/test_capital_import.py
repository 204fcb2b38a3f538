"""The capital file's import, all or nothing, on SQLite and PostgreSQL: every bad row is refused naming
its row, its column and the rule, in each encoding the import reads (UTF-8, UTF-8 with a BOM, UTF-16 with
a BOM) and in an XLSX workbook; Windows-1258 is refused naming the line; nothing is written."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from capital_set import CSV, HEADER

from engine.domain.errors import BadInput

PLAN = "assigned,P1,Đường liên xã Tân Hòa,Ban QLDA tỉnh,Ngân sách tỉnh,QLXD,2024,15/12/2023,10.000.000.000,,"
#: (the rows after the plan, the row and column named, what the message says)
BAD = {
    "unknown_project": (["disbursed,P9,,,,,2024,30/06/2024,1.000.000,,"], 3, "project", "không có dự án «P9»"),
    "negative": (["disbursed,P1,,,,,2024,30/06/2024,-1.000.000,,"], 3, "amount", "âm"),
    "not_a_number": (["disbursed,P1,,,,,2024,30/06/2024,12 tỷ,,"], 3, "amount", "không phải một số tiền"),
    "outside_the_year": (["disbursed,P1,,,,,2024,15/02/2025,1.000.000,,"], 3, "date",
                         "nằm ngoài thời gian của kế hoạch năm 2024 (01/01/2024 – 31/01/2025)"),
    "duplicate": (["disbursed,P1,,,,,2024,30/06/2024,1.000.000,,", "disbursed,P1,,,,,2024,30/06/2024,1.000.000,,"],
                  4, "date", "dòng trùng với dòng 3"),
    "going_down": (["disbursed,P1,,,,,2024,30/06/2024,3.000.000,,", "disbursed,P1,,,,,2024,31/07/2024,2.000.000,,"],
                   4, "amount", "số giải ngân lũy kế giảm: 2.000.000 đồng ngày 31/07/2024 nhỏ hơn 3.000.000 đồng"),
}
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "xlsx")


def write(tmp_path: Path, text: str, encoding: str) -> Path:
    if encoding != "xlsx":
        path = tmp_path / f"von-{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        return path
    from openpyxl import Workbook

    wb = Workbook()
    for line in text.strip().split("\n"):
        wb.active.append([cell or None for cell in line.split(",")])
    path = tmp_path / "von.xlsx"
    wb.save(path)
    return path


def cp1258(text: str) -> bytes:
    """``text`` as Windows saves Vietnamese in code page 1258: base letters precomposed, tones combining."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = []
    for ch in text:
        d = unicodedata.normalize("NFD", ch)
        out.append(unicodedata.normalize("NFC", "".join(c for c in d if c not in tones))
                   + "".join(c for c in d if c in tones))
    return "".join(out).encode("cp1258")


def counts(app: Any) -> tuple[int, int, int]:
    with app.database.reading() as uow:
        return tuple(uow.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # type: ignore[return-value]
                     for t in ("project", "capital_plan", "disbursement"))


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_row_is_refused_naming_its_row_and_column_and_nothing_is_written(
        app: Any, tmp_path: Path, case: str, encoding: str) -> None:
    rows, line, column, says = BAD[case]
    path = write(tmp_path, "\n".join([HEADER, PLAN, *rows]) + "\n", encoding)
    with pytest.raises(BadInput) as err:
        app.capital.import_file(path)
    assert f"dòng {line}, cột «{column}»: " in err.value.message and says in err.value.message
    assert "Không có dòng nào được nhập" in (err.value.hint or "")
    assert counts(app) == (0, 0, 0)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_the_fixed_set_imports_the_same_in_every_encoding_and_twice_changes_nothing(
        app: Any, tmp_path: Path, encoding: str) -> None:
    from test_metrics_fixed_set import build_fixed_set

    build_fixed_set(app)
    path = write(tmp_path, CSV, encoding)
    assert app.capital.import_file(path)["disbursements"] == 6
    again = app.capital.import_file(path)
    assert (again["unchanged"], again["disbursements"], again["plans"], again["projects_updated"]) == (10, 0, 0, 0)
    assert counts(app) == (3, 4, 6)


def test_a_later_file_whose_figure_is_below_a_stored_one_is_refused(app: Any, tmp_path: Path) -> None:
    app.capital.import_file(write(tmp_path, f"{HEADER}\n{PLAN}\ndisbursed,P1,,,,,2024,30/06/2024,5.000.000,,\n",
                                  "utf-8"))
    later = tmp_path / "thang-7.csv"
    later.write_text(f"{HEADER}\ndisbursed,P1,,,,,2024,31/07/2024,4.000.000,,\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"dòng 2, cột «amount»: số giải ngân lũy kế giảm"):
        app.capital.import_file(later)
    assert counts(app) == (1, 1, 1)


def test_windows_1258_is_refused_naming_the_line(app: Any, tmp_path: Path) -> None:
    path = tmp_path / "von-1258.csv"
    path.write_bytes(cp1258(f"{HEADER}\n{PLAN}\n"))
    with pytest.raises(BadInput, match=r"dòng 2: byte 0x.. không phải UTF-8 .*Windows-1258"):
        app.capital.import_file(path)
    assert counts(app) == (0, 0, 0)


def test_vietnamese_headers_and_amounts_in_trieu_dong(app: Any, tmp_path: Path) -> None:
    path = tmp_path / "von-trieu.csv"
    path.write_text("Loại;Mã dự án;Tên dự án;Chủ đầu tư;Năm kế hoạch;Ngày;Số tiền (triệu đồng)\n"
                    "giao;P1;Trạm y tế Long Thành;Sở Y tế;2024;20/12/2023;1.234,5\n"
                    "giải ngân;P1;;;2024;31/03/2024;617,25\n", encoding="utf-8")
    app.capital.import_file(path)
    (row,) = app.capital.progress(dt.date(2024, 3, 31))["rows"]
    assert (row["plan"], row["disbursed"], row["rate"]) == (1_234_500_000, 617_250_000, 0.5)


@pytest.mark.parametrize(("cells", "column", "says"), [
    ("assigned,P1,,Ban QLDA tỉnh,,,2024,15/12/2023,1.000,,", "name", "cần tên dự án và chủ đầu tư"),
    ("assigned,P1,Dự án,Ban QLDA tỉnh,,XYZ,2024,15/12/2023,1.000,,", "division", "không có phòng «XYZ»"),
    ("assigned,P1,Dự án,Ban QLDA tỉnh,,,2024,15/12/2023,1.000,,HS-KHONG-CO", "dossiers", "không có hồ sơ"),
    ("assigned,P1,Dự án,Ban QLDA tỉnh,,,2024,15/12/2023,1.234.567.8,,", "amount", "không phải một số tiền"),
    ("mua sắm,P1,Dự án,Ban QLDA tỉnh,,,2024,15/12/2023,1.000,,", "kind", "không phải loại dòng"),
    ("adjustment,P1,,,,,2024,15/07/2024,0,,", "amount", "số tiền 0"),
])
def test_other_rules_of_a_row(app: Any, tmp_path: Path, cells: str, column: str, says: str) -> None:
    path = write(tmp_path, f"{HEADER}\n{PLAN.replace('P1', 'P0')}\n{cells}\n", "utf-8")
    with pytest.raises(BadInput) as err:
        app.capital.import_file(path)
    assert f"dòng 3, cột «{column}»: " in err.value.message and says in err.value.message
    assert counts(app) == (0, 0, 0)


def test_a_back_filled_month_is_checked_against_the_figures_on_either_side(app: Any, tmp_path: Path) -> None:
    app.capital.import_file(write(tmp_path, f"{HEADER}\n{PLAN}\ndisbursed,P1,,,,,2024,30/06/2024,5.000.000,,\n"
                                  "disbursed,P1,,,,,2024,31/08/2024,8.000.000,,\n", "utf-8"))
    july = tmp_path / "thang-7.csv"
    july.write_text(f"{HEADER}\ndisbursed,P1,,,,,2024,31/07/2024,9.000.000,,\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"dòng 2, cột «amount»: số giải ngân lũy kế giảm: 8.000.000 đồng ngày "
                                       r"31/08/2024 nhỏ hơn 9.000.000 đồng ngày 31/07/2024"):
        app.capital.import_file(july)
    july.write_text(f"{HEADER}\ndisbursed,P1,,,,,2024,31/07/2024,6.000.000,,\n"
                    "disbursed,P1,,,,,2024,31/08/2024,8.000.000,,\n", encoding="utf-8")
    assert app.capital.import_file(july)["disbursements"] == 1  # 31/08 is stored already, the same
    assert counts(app) == (1, 1, 3)
    july.write_text(f"{HEADER}\ndisbursed,P1,,,,,2024,31/08/2024,8.500.000,,\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"dòng 2, cột «amount»: ngày 31/08/2024 đã có số lũy kế 8.000.000 đồng"):
        app.capital.import_file(july)
