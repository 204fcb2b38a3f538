"""The reports as the pages and the API hand them out: the month's report, the statutory statistics and
the movement's evaluation, as data for a page or as the bytes of a file (HTML, XLSX, JSON, PDF).

An issued report (engine/services/issuing.py) is served as it was issued: its stored data for the page
and its stored bytes for a file, never recomputed; a PDF of it is its stored HTML printed. A report not
issued is computed now (``Reports``) and rendered by engine/reporting/files.py. PDF needs
engine/reporting/pdf.py (``html_to_pdf``); without it the format is refused with a message.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..domain.errors import BadInput
from ..domain.movement import Movement
from ..reporting import files
from ..reporting.columns import FORMATS
from ..reporting.periods import Period
from .issuing import Issuing
from .reports import Reports, check_period

MEDIA = {"html": "text/html; charset=utf-8", "json": "application/json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}


def pdf_available() -> bool:
    return importlib.util.find_spec("engine.reporting.pdf") is not None


def formats() -> tuple[str, ...]:
    """The file formats offered: HTML, XLSX, JSON, and PDF when the PDF printer is in this build."""
    return (*FORMATS, "pdf") if pdf_available() else FORMATS


def check_format(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in formats():
        raise BadInput(f"Định dạng «{fmt}» không hỗ trợ.", hint="Chọn: " + ", ".join(formats()) + ".")
    return fmt


@dataclass(frozen=True)
class ReportFile:
    name: str
    media_type: str
    content: bytes
    #: the issued version it is (None: computed now, a draft)
    issued_version: int | None


@dataclass
class ReportFiles:
    reports: Reports
    issuing: Issuing

    def _file(self, stem: str, kind: str, period: str, scope: str, fmt: str,
              render: Callable[[str], bytes]) -> ReportFile:
        fmt = check_format(fmt)
        name = files.safe_name(stem, fmt)
        if fmt == "pdf":
            html = self._file(stem, kind, period, scope, "html", render)
            from ..reporting.pdf import html_to_pdf  # type: ignore[import-not-found,unused-ignore]

            return ReportFile(name, MEDIA["pdf"], html_to_pdf(html.content.decode("utf-8")), html.issued_version)
        found = self.issuing.issued_file(kind, period, scope, fmt)
        if found is not None:
            return ReportFile(name, MEDIA[fmt], found[1], found[0].version)
        return ReportFile(name, MEDIA[fmt], render(fmt), None)

    # -- the month -----------------------------------------------------------------------------
    def monthly_data(self, month: str, division: str | None) -> tuple[dict[str, Any], int | None]:
        """The month's report data: the issued version's when it was issued, else computed now."""
        period = Period.month(month)
        issued = self.issuing.latest("monthly", period.ym, division or "")
        if issued is not None and issued.data is not None:
            return json.loads(issued.data), issued.version
        return self.reports.monthly(period.ym, division), None

    def monthly_file(self, month: str, division: str | None, fmt: str) -> ReportFile:
        period = Period.month(month)
        stem = f"bao-cao-thang-{period.ym}" + (f"-{division}" if division else "")
        return self._file(stem, "monthly", period.ym, division or "", fmt,
                          lambda f: files.render(self.reports.monthly(period.ym, division), f))

    # -- the statutory statistics (computed for any period; not issued) -------------------------
    def statistics_file(self, start: dt.date, end: dt.date, division: str | None, fmt: str) -> ReportFile:
        check_period(start, end)
        fmt = check_format(fmt)
        stem = f"thong-ke-{start.isoformat()}-{end.isoformat()}" + (f"-{division}" if division else "")
        data = self.reports.statistics(start, end, division)
        if fmt == "pdf":
            from ..reporting.pdf import html_to_pdf  # type: ignore[import-not-found,unused-ignore]

            return ReportFile(files.safe_name(stem, fmt), MEDIA[fmt], html_to_pdf(files.render(data, "html").decode()),
                              None)
        return ReportFile(files.safe_name(stem, fmt), MEDIA[fmt], files.render(data, fmt), None)

    # -- the movement's evaluation --------------------------------------------------------------
    def evaluation_data(self, movement: Movement, until: dt.date | None) -> tuple[dict[str, Any], int | None]:
        issued = self.issuing.latest("evaluation", movement.id, "")
        if issued is not None and issued.data is not None:
            return json.loads(issued.data), issued.version
        return self.reports.evaluation(movement, until=until), None

    def evaluation_file(self, movement: Movement, until: dt.date | None, fmt: str) -> ReportFile:
        h = self.reports.heading
        return self._file(f"cham-diem-thi-dua-{movement.id}", "evaluation", movement.id, "", fmt,
                          lambda f: files.render_evaluation(self.reports.evaluation(movement, until=until), f,
                                                            h.department_name, h.province_name))
