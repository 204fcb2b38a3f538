"""The administration pages, read only: the audit log (``/quan-tri/nhat-ky``), people, roles and accounts
(``/quan-tri/nguoi``), the working-day calendar by year with a date check (``/quan-tri/lich``), and the
workflows with their rule versions, legal sources and diagram (``/quan-tri/quy-trinh``). People and the
audit log are for those whose role manages people and accounts; the calendar and the workflows are the
department's published rules, for everyone signed in. Calls: ``/api/v1/calendar/…``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from ..domain import text
from ..domain.accounts import AUDIT_LABELS
from ..domain.caller import CHANNEL_LABELS
from ..domain.clock import TZ, local_date, parse_date
from ..domain.errors import BadInput, ThamdinhError
from ..reporting.diagram import describe
from ..reporting.diagram_layout import layout
from ..services.admin_views import AdminViews
from .api import Who
from .errors import ERROR_RESPONSES, status_for
from .identity import Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App


def add_admin(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    views = AdminViews(app.database, app.rules, app.clock, app.access)

    @api.get("/quan-tri/nhat-ky", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(request: Request, person: str = "", kind: str = "") -> HTMLResponse:
        caller = identity.signed_in(request)
        kind = kind if kind in AUDIT_LABELS else ""
        entries = app.accounts.audit(caller.person, person_id=text.clean(person, "mã cán bộ", limit=text.CODE_MAX),
                                     kind=kind or None, limit=500)
        rows = [{"at": e.at.astimezone(TZ), "label": e.label, "person_id": e.person_id, "actor": e.actor,
                 "channel": e.channel, "client": e.client, "detail": e.detail} for e in entries]
        return page(request, "audit.html", rows=rows, filters={"person": person, "kind": kind},
                    kinds=sorted(AUDIT_LABELS.items(), key=lambda kv: kv[1]), channels=CHANNEL_LABELS,
                    title="Nhật ký truy cập")

    @api.get("/quan-tri", response_class=HTMLResponse, include_in_schema=False)
    def admin_index(request: Request) -> HTMLResponse:
        identity.signed_in(request)
        return page(request, "admin_index.html", workflows=views.workflows(), title="Quản trị và quy định")

    @api.get("/quan-tri/nguoi", response_class=HTMLResponse, include_in_schema=False)
    def people_page(request: Request) -> HTMLResponse:
        caller = identity.signed_in(request)
        return page(request, "admin_people.html", v=views.people(caller.person), title="Cán bộ, vai trò, tài khoản")

    _calendar(api, app, views, page, identity)
    _workflows(api, views, page, identity)


def _calendar(api: FastAPI, app: App, views: AdminViews, page: Page, identity: Identity) -> None:
    @api.get("/quan-tri/lich", response_class=HTMLResponse, include_in_schema=False)
    def calendar_page(request: Request, year: str = "", day: str = "", n: str = "",
                      unit: str = "working_days") -> HTMLResponse:
        identity.signed_in(request)
        error, check, status = None, None, 200
        today = local_date(app.clock.now())
        try:
            chosen = int(year) if year.strip() else (parse_date(day, "ngày").year if day.strip() else today.year)
            if day.strip():
                check = views.check_day(parse_date(day, "ngày cần kiểm tra"), _count(n), unit)
            cal = views.calendar_year(chosen)
        except (ThamdinhError, ValueError) as exc:
            error = str(exc) if isinstance(exc, ThamdinhError) else f"Năm «{year[:8]}» không phải một số."
            status = status_for(exc) if isinstance(exc, ThamdinhError) else 422
            cal = views.calendar_year(today.year)
        return page(request, "admin_calendar.html", status, cal=cal, check=check, error=error,
                    form={"day": day[:10], "n": n[:4], "unit": unit}, title=f"Lịch làm việc năm {cal['year']}")

    @api.get("/api/v1/calendar/check", responses=ERROR_RESPONSES, tags=["lịch làm việc"])
    def api_check(who: Who, date: Annotated[str, Query(max_length=10, description="YYYY-MM-DD")],
                  n: Annotated[int | None, Query(ge=1, le=366)] = None,
                  unit: Annotated[str, Query(max_length=16)] = "working_days") -> dict[str, Any]:
        """Một ngày có phải ngày làm việc (vì sao không, ngày làm việc kế tiếp) và N ngày sau nó là ngày nào."""
        return views.check_day(parse_date(date, "ngày"), n, unit)

    @api.get("/api/v1/calendar/{year}", responses=ERROR_RESPONSES, tags=["lịch làm việc"])
    def api_year(who: Who, year: int) -> dict[str, Any]:
        """Các ngày nghỉ (ngoài thứ Bảy, Chủ nhật) và ngày làm bù của một năm."""
        return views.calendar_year(year)


def _count(n: str) -> int | None:
    if not n.strip():
        return None
    try:
        return int(n)
    except ValueError:
        raise BadInput(f"«{n[:8]}» không phải số ngày.", hint="Nhập một số từ 1 đến 366.") from None


def _workflows(api: FastAPI, views: AdminViews, page: Page, identity: Identity) -> None:
    @api.get("/quan-tri/quy-trinh", response_class=HTMLResponse, include_in_schema=False)
    def workflows_page(request: Request) -> HTMLResponse:
        identity.signed_in(request)
        return page(request, "admin_index.html", workflows=views.workflows(), title="Quy trình và quy định")

    @api.get("/quan-tri/quy-trinh/{workflow_id}", response_class=HTMLResponse, include_in_schema=False)
    def workflow_page(request: Request, workflow_id: str, version: str = "") -> HTMLResponse:
        identity.signed_in(request)
        if version.strip() and not version.strip().isdigit():
            raise BadInput(f"Phiên bản «{version[:8]}» không phải một số.")
        wf = views.workflow(text.code(workflow_id), int(version) if version.strip() else None)
        return page(request, "admin_workflow.html", wf=describe(wf), d=layout(wf), title=f"Quy trình {wf.title}")
