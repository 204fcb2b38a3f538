"""The capital file a finance office exports (CSV or XLSX) → ``CapitalRecord`` rows, each checked on its
own: its kind, the project code, the plan year, the day (inside the plan's window), the amount (whole
đồng, or triệu đồng under an ``amount_million`` column), and a plan row's project details and dossiers.

Columns are named in English or in Vietnamese (``Mã dự án`` = ``project``; see ``COLUMNS``), in any
order; unknown columns are refused. A CSV file is read as the dossier import reads it
(engine.io.text_files); an XLSX file's first sheet, header on its first row. Every error is a BadInput
naming the file, the row and the column; what the rows mean together (unknown projects, duplicates,
cumulative figures that go down) is the import's to check (engine.services.capital).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.capital import amount_of_number, decision_window, parse_amount, plan_window
from ..domain.errors import BadInput
from ..domain.text import CODE_MAX, NAME_MAX, clean
from .text_files import decode, delimiter, read_bytes

#: column → the Vietnamese headers a finance office writes for it
COLUMNS: dict[str, tuple[str, ...]] = {
    "kind": ("loại", "loại dòng"), "project": ("mã dự án",), "name": ("tên dự án",),
    "investor": ("chủ đầu tư",), "capital_source": ("nguồn vốn",), "division": ("phòng thẩm định",),
    "year": ("năm kế hoạch", "năm"), "date": ("ngày",), "amount": ("số tiền", "số tiền (đồng)"),
    "amount_million": ("số tiền (triệu đồng)",), "decision": ("số quyết định", "quyết định"),
    "dossiers": ("hồ sơ", "mã hồ sơ"),
}
REQUIRED = ("kind", "project", "year", "date")
#: a row's kind → its Vietnamese spellings
KINDS: dict[str, tuple[str, ...]] = {"assigned": ("giao", "kế hoạch giao"), "adjustment": ("điều chỉnh",),
                                     "disbursed": ("giải ngân", "giải ngân lũy kế")}
#: the plan row's details (an adjustment's: its decision only), with what an error calls them
DETAILS = (("name", "tên dự án"), ("investor", "chủ đầu tư"), ("capital_source", "nguồn vốn"),
           ("division", "phòng thẩm định"), ("decision", "số quyết định"))
_ALIASES = {alias: col for col, names in COLUMNS.items() for alias in (col, *names)}
_KIND_OF = {alias: kind for kind, names in KINDS.items() for alias in (kind, *names)}
_HINT = "Sửa dòng đó rồi nhập lại; không có dòng nào được nhập."


@dataclass(frozen=True)
class CapitalRecord:
    """One checked row: a plan (``assigned``), an adjustment, or a cumulative disbursed figure."""

    line: int
    kind: str
    project: str
    year: int
    day: dt.date
    amount: int
    name: str | None = None
    investor: str | None = None
    capital_source: str | None = None
    division: str | None = None
    decision: str | None = None
    dossiers: tuple[str, ...] = ()


def _norm(text: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text or "")).strip().lower().split())


class RowError(BadInput):
    """A row's cell refused: names the file, the row and the column."""

    kind = "capital_file"


def row_error(path: Path, line: int, column: str, message: str, hint: str | None = None) -> RowError:
    return RowError(f"{path}, dòng {line}, cột «{column}»: {message}",
                    hint=f"{hint} Không có dòng nào được nhập." if hint else _HINT, line=line, column=column)


def _header(path: Path, cells: list[Any]) -> list[str | None]:
    header: list[str | None] = []
    for cell in cells:
        name = _norm(cell)
        if not name:
            header.append(None)
            continue
        if name not in _ALIASES:
            raise row_error(path, 1, str(cell).strip(), "cột không được hỗ trợ.",
                        "Các cột: " + ", ".join(COLUMNS) + " (hoặc tên tiếng Việt, xem README).")
        if _ALIASES[name] in header:
            raise row_error(path, 1, str(cell).strip(), "cột bị lặp.")
        header.append(_ALIASES[name])
    missing = [c for c in REQUIRED if c not in header]
    if "amount" not in header and "amount_million" not in header:
        missing.append("amount")
    if missing or ("amount" in header and "amount_million" in header):
        raise BadInput(f"{path}: thiếu cột {', '.join(missing)}." if missing
                       else f"{path}: chỉ dùng một trong hai cột amount (đồng) và amount_million (triệu đồng).",
                       hint="Các cột: " + ", ".join(COLUMNS) + ".")
    return header


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if "/" in text:
            d, m, y = text.split("/")
            return dt.date(int(y), int(m), int(d))
        return dt.date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"«{text}» không phải một ngày.", hint="Viết ngày dd/mm/yyyy hoặc YYYY-MM-DD.") from None


def _amount(value: Any, million: bool, signed: bool) -> int:
    if isinstance(value, bool):
        raise BadInput(f"«{value}» không phải một số tiền.")
    if isinstance(value, int | float):
        return amount_of_number(value, str(value), million=million, signed=signed)
    return parse_amount(str(value), million=million, signed=signed)


def _text(value: Any, what: str, limit: int) -> str | None:
    return None if value is None else clean(str(value), what, limit=limit)


def _year(value: Any) -> int:
    text = str(value).strip().removesuffix(".0")
    if not text.isdigit() or not 2000 <= int(text) <= 2100:
        raise BadInput(f"«{value}» không phải một năm kế hoạch.", hint="Viết năm bốn chữ số, ví dụ 2024.")
    return int(text)


def _dossiers(value: Any) -> tuple[str, ...]:
    parts = str(value or "").replace("\n", ";").split(";")
    return tuple(code for p in parts if (code := clean(p, "mã hồ sơ", limit=CODE_MAX)))


def _window_check(kind: str, year: int, day: dt.date) -> None:
    lo, hi = plan_window(year) if kind == "disbursed" else decision_window(year)
    if not lo <= day <= hi:
        what = "giải ngân" if kind == "disbursed" else "quyết định"
        raise BadInput(f"ngày {what} {day:%d/%m/%Y} nằm ngoài thời gian của kế hoạch năm {year} "
                       f"({lo:%d/%m/%Y} – {hi:%d/%m/%Y}).",
                       hint="Kế hoạch vốn năm N giải ngân đến 31/01 năm N+1 (Luật Đầu tư công 39/2019/QH14, Điều 68).")


def _record(line: int, cells: dict[str, Any], million: bool) -> CapitalRecord:
    """One row → a record; raises BadInput with ``column`` in its details."""
    column = "kind"
    try:
        kind = _KIND_OF.get(_norm(cells.get("kind")))
        if kind is None:
            raise BadInput(f"«{cells.get('kind') or ''}» không phải loại dòng.",
                           hint="Một trong: assigned (giao), adjustment (điều chỉnh), disbursed (giải ngân).")
        column = "project"
        project = clean(str(cells.get("project") or ""), "mã dự án", limit=CODE_MAX, required=True) or ""
        column = "year"
        year = _year(cells.get("year"))
        column = "date"
        day = _day(cells.get("date"))
        _window_check(kind, year, day)
        column = "amount_million" if million else "amount"
        amount = _amount(cells.get(column) if cells.get(column) is not None else "", million, kind == "adjustment")
        if kind == "adjustment" and amount == 0:
            raise BadInput("dòng điều chỉnh có số tiền 0.", hint="Bỏ dòng này, hoặc ghi số tiền tăng (giảm: số âm).")
        if kind == "disbursed":  # a figure: the project's details and dossiers are the plan row's
            return CapitalRecord(line, kind, project, year, day, amount)
        details: dict[str, Any] = {}
        for column, what in DETAILS if kind == "assigned" else DETAILS[-1:]:
            details[column] = _text(cells.get(column), what, NAME_MAX)
        column = "dossiers"
        if kind == "assigned":
            details["dossiers"] = _dossiers(cells.get("dossiers"))
        return CapitalRecord(line, kind, project, year, day, amount, **details)
    except BadInput as exc:
        raise BadInput(exc.message, hint=exc.hint, column=column) from None


def _csv_rows(path: Path, raw: bytes) -> Iterator[tuple[int, list[Any]]]:
    text = decode(path, raw)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter(text), strict=True)
    try:
        for cells in reader:
            yield reader.line_num, cells
    except csv.Error as exc:
        raise BadInput(f"{path}, dòng {reader.line_num}: tệp CSV không hợp lệ ({exc}).", hint=_HINT) from None


def _xlsx_rows(path: Path) -> Iterator[tuple[int, list[Any]]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise BadInput(f"{path}: không đọc được tệp XLSX ({exc}).",
                       hint="Lưu lại tệp dạng Excel Workbook (.xlsx).") from None
    try:
        for n, row in enumerate(wb.worksheets[0].iter_rows(values_only=True), 1):
            yield n, list(row)
    finally:
        wb.close()


def read_capital_file(path: Path) -> Iterator[CapitalRecord]:
    """The checked rows of a capital file (CSV or XLSX, by its name); raises BadInput (row, column)."""
    rows = _xlsx_rows(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _csv_rows(path, read_bytes(path))
    header: list[str | None] | None = None
    for line, cells in rows:
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        if header is None:
            header = _header(path, cells)
            million = "amount_million" in header
            continue
        if len(cells) > len(header) and any(str(c or "").strip() for c in cells[len(header):]):
            raise BadInput(f"{path}, dòng {line}: nhiều ô hơn số cột của dòng tiêu đề.", hint=_HINT)
        named = {col: (None if isinstance(v, str) and not v.strip() else v)
                 for col, v in zip(header, cells, strict=False) if col is not None}
        try:
            yield _record(line, named, million)
        except BadInput as exc:
            raise row_error(path, line, str(exc.details.get("column")), exc.message, exc.hint) from None
    if header is None:
        raise BadInput(f"{path}: tệp rỗng.", hint="Dòng đầu là tiêu đề cột; xem README, mục «Tệp vốn».")
