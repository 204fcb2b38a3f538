"""Writing a report to a file in one of its formats (HTML, XLSX, JSON), and a report's files as bytes
(what an issued report keeps, and gives back byte for byte)."""

from __future__ import annotations

import json
import re
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..domain.errors import BadInput
from .columns import FORMATS
from .render import render_evaluation_html, render_monthly_html, render_statistics_html
from .workbooks import write_evaluation_xlsx, write_monthly_xlsx, write_statistics_xlsx

_NOT_IN_A_NAME = re.compile(r"[^\w.-]+")


def safe_name(stem: str, ext: str) -> str:
    """A file name built from data (a division's code, a movement's id): one name inside the folder
    asked for, never a path: separators, "..", control characters and the like become "-"."""
    name = _NOT_IN_A_NAME.sub("-", unicodedata.normalize("NFC", stem))
    name = re.sub(r"-{2,}", "-", re.sub(r"\.{2,}", "-", name)).strip("-.")[:120] or "bao-cao"
    return f"{name}.{ext}"


def check_format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise BadInput(f"Định dạng «{fmt}» không hỗ trợ.", hint="Chọn: html, xlsx hoặc json.")
    return fmt


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def write_monthly(data: dict[str, Any], fmt: str, out: Path) -> Path:
    """Write a month's report data in ``fmt`` to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        out.write_text(render_monthly_html(data), encoding="utf-8")
    elif fmt == "xlsx":
        write_monthly_xlsx(data, out)
    else:
        out.write_text(to_json(data), encoding="utf-8")
    return out


def write_evaluation(data: dict[str, Any], fmt: str, out: Path, department_name: str, province_name: str) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        out.write_text(render_evaluation_html(data, department_name, province_name), encoding="utf-8")
    elif fmt == "xlsx":
        write_evaluation_xlsx(data, out)
    else:
        out.write_text(to_json(data), encoding="utf-8")
    return out


def _xlsx_bytes(write: Callable[[dict[str, Any], Path], None], data: dict[str, Any]) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.xlsx"
        write(data, out)
        return out.read_bytes()


def render(data: dict[str, Any], fmt: str) -> bytes:
    """A report's data in ``fmt``, as the bytes of its file (monthly or statistics)."""
    if fmt == "json":
        return to_json(data).encode("utf-8")
    html = {"monthly": render_monthly_html, "statistics": render_statistics_html}[data["kind"]]
    if fmt == "html":
        return html(data).encode("utf-8")
    return _xlsx_bytes({"monthly": write_monthly_xlsx, "statistics": write_statistics_xlsx}[data["kind"]], data)


def render_evaluation(data: dict[str, Any], fmt: str, department_name: str, province_name: str) -> bytes:
    """The evaluation's data in ``fmt``, as the bytes of its file."""
    if fmt == "json":
        return to_json(data).encode("utf-8")
    if fmt == "html":
        return render_evaluation_html(data, department_name, province_name).encode("utf-8")
    return _xlsx_bytes(write_evaluation_xlsx, data)


def write_statistics(data: dict[str, Any], fmt: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render(data, fmt))
    return out
