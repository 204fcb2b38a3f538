"""The web page and JSON API for appraisal officers (FastAPI), over the same services as the CLI.

Pages (Vietnamese): ``/ho-so`` (the list, with filters), ``/ho-so/{code}`` (a dossier: its clock,
history and one button per allowed event). The event form carries the version the officer saw,
so a concurrent edit is refused with a clear message instead of silently applied.

API: ``GET /api/dossiers``, ``GET /api/dossiers/{code}``, ``POST /api/dossiers`` (receive),
``POST /api/dossiers/{code}/events`` (fire), ``GET /api/workflows/{id}``. Errors are JSON
``{"error", "message", "hint"}`` with 404 (unknown dossier), 422 (bad input), 409 (refused or
conflict). Identity comes from the ``actor`` field; put the service behind the department's
authenticating reverse proxy (see README).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from pydantic import BaseModel

from .app import App
from .errors import BadInput, ThamdinhError, UnknownDossier
from .resources import templates_dir
from .timeutil import vn_date

ACTOR_COOKIE = "thamdinh_actor"


class ReceiveBody(BaseModel):
    workflow: str
    code: str
    name: str
    investor: str
    group: str
    division: str
    grade: str | None = None
    officer: str | None = None
    capital_source: str | None = None
    at: str | None = None
    actor: str | None = None
    note: str | None = None


class FireBody(BaseModel):
    event: str
    actor: str
    note: str | None = None
    at: str | None = None
    expected_version: int | None = None
    officer: str | None = None  # the officer an assigning event (reassign) hands the dossier to


def status_for(exc: ThamdinhError) -> int:
    if isinstance(exc, UnknownDossier):
        return 404
    if isinstance(exc, BadInput) or exc.exit_code == 2:
        return 422
    return 409


def _day(value: str | None) -> str:
    return vn_date(dt.date.fromisoformat(value[:10])) if value else "—"


def create_web(app: App) -> FastAPI:
    """Build the FastAPI application around one composition root."""
    env = Environment(loader=FileSystemLoader(str(templates_dir() / "web")),
                      autoescape=select_autoescape(["html"]), undefined=StrictUndefined)
    env.filters["day"] = _day
    api = FastAPI(title="thamdinh", docs_url="/api/docs", openapi_url="/api/openapi.json")
    svc = app.services

    def page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("title", "Hồ sơ thẩm định")
        ctx.setdefault("department", app.settings.department_name)
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=status)

    @api.exception_handler(ThamdinhError)
    async def _error(request: Request, exc: ThamdinhError) -> Response:
        return JSONResponse(exc.as_dict(), status_code=status_for(exc))

    # -- pages -----------------------------------------------------------------------------
    @api.get("/", include_in_schema=False)
    def index() -> Response:
        return RedirectResponse("/ho-so", status_code=303)

    @api.get("/ho-so", response_class=HTMLResponse, include_in_schema=False)
    def list_page(state: str = "", division: str = "", officer: str = "", overdue: str = "",
                  due_within: str = "") -> HTMLResponse:
        error = None
        rows: list[dict[str, Any]] = []
        try:
            within = int(due_within) if due_within.strip() else None
            rows = svc.list_dossiers(state=state or None, division=division or None, officer=officer or None,
                                     overdue=bool(overdue), due_within=within)
        except ValueError:
            error = f"«{due_within}» không phải số ngày làm việc."
        except ThamdinhError as exc:
            error = str(exc)
        filters = {"state": state, "division": division, "officer": officer, "overdue": bool(overdue),
                   "due_within": due_within}
        return page("list.html", 422 if error else 200, rows=rows, filters=filters, error=error,
                    title="Danh sách hồ sơ thẩm định")

    def _detail(code: str, request: Request, status: int = 200, error: str | None = None,
                done: str | None = None, note: str = "") -> HTMLResponse:
        try:
            view = svc.show(code)
        except UnknownDossier as exc:
            return page("error.html", 404, message=str(exc), title="Không tìm thấy hồ sơ")
        wf = svc.workflow(view["workflow"]).wf
        events = [{"name": e, "label": wf.event_label(e), "assigns": wf.events[e].assigns_officer}
                  for e in view["allowed_events"]]
        people = [{"id": p.id, "name": p.name, "roles": p.roles} for p in svc.people()]
        assignees = [{"id": p.id, "name": p.name} for p in svc.assignees(view["division"], view["officer"])]
        return page("dossier.html", status, d=view, events=events, people=people, error=error, done=done,
                    note=note, actor=request.cookies.get(ACTOR_COOKIE, ""), assignees=assignees,
                    title=f"Hồ sơ {view['code']}")

    @api.get("/ho-so/{code}", response_class=HTMLResponse, include_in_schema=False)
    def dossier_page(code: str, request: Request, done: str = "") -> HTMLResponse:
        return _detail(code, request, done=done or None)

    @api.post("/ho-so/{code}/thao-tac", include_in_schema=False)
    def fire_form(code: str, request: Request, event: str = Form(...), actor: str = Form(""),
                  note: str = Form(""), expected_version: int = Form(...), officer: str = Form("")) -> Response:
        try:
            if not actor.strip():
                raise BadInput("Chưa chọn người thực hiện.", hint="Chọn tên của bạn trong danh sách.")
            # the officer list belongs to the assigning buttons; the others ignore it
            svc.fire(code, event, actor=actor, note=note.strip() or None, expected_version=expected_version,
                     officer=officer if svc.assigns_officer(event) else None)
        except ThamdinhError as exc:
            return _detail(code, request, status_for(exc), error=str(exc), note=note)
        resp = RedirectResponse(f"/ho-so/{quote(code, safe='')}?done={quote(event)}", status_code=303)
        resp.set_cookie(ACTOR_COOKIE, actor, httponly=True, samesite="strict")
        return resp

    # -- API -------------------------------------------------------------------------------
    @api.get("/api/dossiers")
    def api_list(state: str | None = None, division: str | None = None, officer: str | None = None,
                 workflow: str | None = None, overdue: bool = False, due_within: int | None = None,
                 limit: int = 500) -> list[dict[str, Any]]:
        return svc.list_dossiers(state=state, division=division, officer=officer, workflow=workflow,
                                 overdue=overdue, due_within=due_within, limit=limit)

    @api.get("/api/dossiers/{code}")
    def api_show(code: str) -> dict[str, Any]:
        return svc.show(code)

    @api.post("/api/dossiers", status_code=201)
    def api_receive(body: ReceiveBody) -> dict[str, Any]:
        return svc.receive(**body.model_dump())

    @api.post("/api/dossiers/{code}/events")
    def api_fire(code: str, body: FireBody) -> dict[str, Any]:
        result = svc.fire(code, body.event, actor=body.actor, note=body.note, at=body.at,
                          expected_version=body.expected_version, officer=body.officer)
        view = svc.show(code)
        view["fired"] = result
        return view

    @api.get("/api/workflows/{workflow_id}")
    def api_workflow(workflow_id: str) -> dict[str, Any]:
        from .diagram import describe

        out = describe(svc.workflow(workflow_id).wf)
        out.pop("text")
        return out

    return api
