"""The reports' pages (``/bao-cao/…``): the month's report in the page and as HTML, XLSX, JSON and PDF
files for any month; the statutory statistics of any period; the metrics by period and grouping; the
movement's evaluation. Their calls: ``/api/v1/reports/…``.

An issued month (or evaluation) is shown and served as issued (engine/services/report_files.py). The
reports are for the heads, the director and the administrators (the roles acting on a division's or
every dossier, or managing people); anyone else gets a 403 naming them.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response

from ..domain import text
from ..domain.clock import local_date, parse_date
from ..domain.errors import BadInput, NotPermitted
from ..domain.org import Person
from ..domain.roles import ALL, DIVISION
from ..reporting.columns import UNIT_NOTE, VI_COLUMNS, VI_DIMENSIONS
from ..services.report_files import MEDIA, ReportFile, ReportFiles, formats
from ..services.reports import previous_month
from .api import Who
from .errors import ERROR_RESPONSES
from .identity import Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App

_Month = Annotated[str, Query(max_length=7, description="Tháng YYYY-MM.")]
_Division = Annotated[str | None, Query(max_length=text.CODE_MAX, description="Mã phòng; bỏ trống: toàn Sở.")]
_Format = Annotated[str, Query(max_length=8, description="html, xlsx, json hoặc pdf.")]
_Day = Annotated[str, Query(max_length=10, description="Ngày YYYY-MM-DD.")]
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERROR_RESPONSES, 200: {"description": "Tệp báo cáo (HTML, XLSX, JSON hoặc PDF), theo «format».",
                             "content": {media.split(";")[0]: {} for media in MEDIA.values()}}}


def require_reports(app: App, p: Person) -> None:
    roles = app.roles
    if roles.widest(p.roles, "acts_on") in (DIVISION, ALL) or roles.manages(p.roles, "people"):
        return
    who = roles.labels(n for n, r in roles.by_name.items() if r.acts_on in (DIVISION, ALL) or "people" in r.manages)
    raise NotPermitted(f"{p.name} ({roles.labels(p.roles) or 'không có vai trò'}) không xem được báo cáo tổng hợp.",
                       hint=f"Báo cáo dành cho: {who}. Xem tình hình hồ sơ của mình tại /ho-so.")


def download(f: ReportFile) -> Response:
    return Response(f.content, media_type=f.media_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(f.name)}",
        "X-Issued-Version": str(f.issued_version) if f.issued_version else "draft"})


def _day(value: str, what: str, default: dt.date) -> dt.date:
    return parse_date(value, what) if value.strip() else default


def _division(value: str | None) -> str | None:
    return text.clean(value, "mã phòng", limit=text.CODE_MAX) or None


def add_reports(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    rf = ReportFiles(app.reports, app.issuing)

    def viewer(request: Request) -> Person:
        caller = identity.signed_in(request)
        require_reports(app, caller.person)
        return caller.person

    def today() -> dt.date:
        return local_date(app.clock.now())

    @api.get("/bao-cao", response_class=HTMLResponse, include_in_schema=False)
    def reports_index(request: Request) -> HTMLResponse:
        viewer(request)
        t = today()
        with app.database.reading() as uow:
            divisions = uow.people.divisions()
        return page(request, "reports_index.html", month=previous_month(t), today=t.isoformat(),
                    start=t.replace(day=1).isoformat(), divisions=divisions, formats=formats(),
                    issued=rf.issuing.listing()[:24], title="Báo cáo")

    @api.get("/bao-cao/thang", response_class=HTMLResponse, include_in_schema=False)
    def monthly_page(request: Request, month: str = "", division: str = "") -> HTMLResponse:
        viewer(request)
        chosen = month.strip()[:7] or previous_month(today())
        data, version = rf.monthly_data(chosen, _division(division))
        return page(request, "report_monthly.html", r=data, issued_version=version, columns=VI_COLUMNS,
                    unit_note=UNIT_NOTE, formats=formats(), division=division, title=f"Báo cáo tháng {chosen}")

    _analysis_pages(api, app, rf, page, viewer, today)
    _downloads(api, app, rf, viewer, today)
    _api(api, app, rf, today)


def _analysis_pages(api: FastAPI, app: App, rf: ReportFiles, page: Page, viewer: Any, today: Any) -> None:
    """The statistics, the metrics and the evaluation in the page."""

    @api.get("/bao-cao/thong-ke", response_class=HTMLResponse, include_in_schema=False)
    def statistics_page(request: Request, start: str = "", end: str = "", division: str = "") -> HTMLResponse:
        viewer(request)
        t = today()
        a, b = _day(start, "ngày đầu kỳ", t.replace(day=1)), _day(end, "ngày cuối kỳ", t)
        data = app.reports.statistics(a, b, _division(division))
        return page(request, "report_statistics.html", s=data, start=a.isoformat(), end=b.isoformat(),
                    division=division, formats=formats(), title="Thống kê giải quyết hồ sơ")

    @api.get("/bao-cao/chi-so", response_class=HTMLResponse, include_in_schema=False)
    def metrics_page(request: Request, start: str = "", end: str = "", by: str = "division",
                     division: str = "") -> HTMLResponse:
        viewer(request)
        t = today()
        a, b = _day(start, "ngày đầu kỳ", t.replace(day=1)), _day(end, "ngày cuối kỳ", t)
        keys = _grouping(by)
        rows = app.reports.metrics(a, b, keys, _division(division))
        names = _dimension_names(app)
        for r in rows:
            r["labels"] = [names[k](r) for k in keys]
        return page(request, "report_metrics.html", rows=rows, keys=keys, start=a.isoformat(), end=b.isoformat(),
                    by=",".join(keys), division=division, columns=VI_COLUMNS, dims=VI_DIMENSIONS,
                    unit_note=UNIT_NOTE, title="Chỉ số giải quyết hồ sơ")

    @api.get("/bao-cao/thi-dua", response_class=HTMLResponse, include_in_schema=False)
    def evaluation_page(request: Request) -> HTMLResponse:
        viewer(request)
        movement = app.reports.movement(None)
        until = today() if today() < movement.end else None
        data, version = rf.evaluation_data(movement, until)
        return page(request, "report_evaluation.html", r=data, issued_version=version, formats=formats(),
                    interim=until is not None, title="Chấm điểm thi đua")


def _dimension_names(app: App) -> dict[str, Any]:
    """How a metrics row's dimension is named on the page: divisions and people by name, workflows by
    title, stages by label."""
    with app.database.reading() as uow:
        divisions = {d.code: d.name for d in uow.people.divisions()}
        people = uow.people.names()
    return {"division": lambda r: divisions.get(r["division"], r["division"] or "—"),
            "officer": lambda r: people.get(r["officer"], r["officer"] or "—"),
            "workflow": lambda r: app.rules.workflows[r["workflow"]].title if r["workflow"] in app.rules.workflows
            else r["workflow"] or "—",
            "stage": lambda r: app.rules.stage_label(r["workflow"], r["stage"]) if r.get("workflow") else r["stage"]}


def _grouping(by: str) -> list[str]:
    keys = [k.strip() for k in by.split(",") if k.strip()]
    unknown = [k for k in keys if k not in VI_DIMENSIONS]
    if unknown or len(keys) > len(VI_DIMENSIONS):
        raise BadInput(f"Không nhóm theo «{', '.join(unknown) or by}» được.",
                       hint="Nhóm theo: " + ", ".join(f"{k} ({v})" for k, v in VI_DIMENSIONS.items()) + ".")
    return keys


def _downloads(api: FastAPI, app: App, rf: ReportFiles, viewer: Any, today: Any) -> None:
    @api.get("/bao-cao/tai-ve/thang", include_in_schema=False)
    def monthly_download(request: Request, month: str = "", division: str = "", format: str = "html") -> Response:
        viewer(request)
        return download(rf.monthly_file(month[:7], _division(division), format[:8]))

    @api.get("/bao-cao/tai-ve/thong-ke", include_in_schema=False)
    def statistics_download(request: Request, start: str = "", end: str = "", division: str = "",
                            format: str = "html") -> Response:
        viewer(request)
        t = today()
        return download(rf.statistics_file(_day(start, "ngày đầu kỳ", t.replace(day=1)), _day(end, "ngày cuối kỳ", t),
                                           _division(division), format[:8]))

    @api.get("/bao-cao/tai-ve/thi-dua", include_in_schema=False)
    def evaluation_download(request: Request, format: str = "html") -> Response:
        viewer(request)
        movement = app.reports.movement(None)
        return download(rf.evaluation_file(movement, today() if today() < movement.end else None, format[:8]))


def _api(api: FastAPI, app: App, rf: ReportFiles, today: Any) -> None:
    tags: list[str | Enum] = ["báo cáo"]

    @api.get("/api/v1/reports/monthly", responses=FILE_RESPONSES, tags=tags, response_class=Response)
    def api_monthly(who: Who, month: _Month, division: _Division = None, format: _Format = "json") -> Response:
        """Báo cáo tháng (bản đã ban hành nếu có, nguyên văn; nếu chưa thì lập ngay) dạng html, xlsx, json, pdf."""
        require_reports(app, who.person)
        return download(rf.monthly_file(month, _division(division), format))

    @api.get("/api/v1/reports/statistics", responses=FILE_RESPONSES, tags=tags, response_class=Response)
    def api_statistics(who: Who, start: _Day, end: _Day, division: _Division = None,
                       format: _Format = "json") -> Response:
        """Thống kê theo mẫu II.06a và chỉ số tiến độ (Quyết định 766) của một kỳ, số liệu tại ngày cuối kỳ."""
        require_reports(app, who.person)
        return download(rf.statistics_file(parse_date(start, "ngày đầu kỳ"), parse_date(end, "ngày cuối kỳ"),
                                           _division(division), format))

    @api.get("/api/v1/reports/metrics", responses=ERROR_RESPONSES, tags=tags)
    def api_metrics(who: Who, start: _Day, end: _Day, by: Annotated[str, Query(max_length=60)] = "division",
                    division: _Division = None) -> list[dict[str, Any]]:
        """Chỉ số theo kỳ và nhóm (division, officer, workflow, stage; nhiều nhóm cách nhau bằng dấu phẩy)."""
        require_reports(app, who.person)
        return app.reports.metrics(parse_date(start, "ngày đầu kỳ"), parse_date(end, "ngày cuối kỳ"), _grouping(by),
                                   _division(division))

    @api.get("/api/v1/reports/evaluation", responses=FILE_RESPONSES, tags=tags, response_class=Response)
    def api_evaluation(who: Who, format: _Format = "json") -> Response:
        """Kết quả chấm điểm thi đua của phong trào (bản đã ban hành nếu có), với số liệu đầu vào từng tiêu chí."""
        require_reports(app, who.person)
        movement = app.reports.movement(None)
        return download(rf.evaluation_file(movement, today() if today() < movement.end else None, format))
