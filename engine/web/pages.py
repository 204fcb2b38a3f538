"""The pages: the list of dossiers and one dossier with its actions (Vietnamese, server-rendered)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.commands import Fire
from ..domain.errors import BadInput, ThamdinhError, UnknownDossier
from ..io.templating import environment

if TYPE_CHECKING:
    from ..bootstrap import App

ACTOR_COOKIE = "thamdinh_actor"


def status_for(exc: ThamdinhError) -> int:
    if isinstance(exc, UnknownDossier):
        return 404
    if isinstance(exc, BadInput) or exc.exit_code == 2:
        return 422
    return 409


def add_pages(api: FastAPI, app: App) -> None:
    env = environment("web", app.rules)

    def page(name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("title", "Hồ sơ thẩm định")
        ctx.setdefault("department", app.settings.department_name)
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=status)

    @api.get("/", include_in_schema=False)
    def index() -> Response:
        return RedirectResponse("/ho-so", status_code=303)

    _list_page(api, app, page)
    _dossier_pages(api, app, page)


Page = Callable[..., HTMLResponse]


def _list_page(api: FastAPI, app: App, page: Page) -> None:
    @api.get("/ho-so", response_class=HTMLResponse, include_in_schema=False)
    def list_page(state: str = "", division: str = "", officer: str = "", overdue: str = "",
                  due_within: str = "") -> HTMLResponse:
        error = None
        found: dict[str, Any] = {"rows": [], "truncated": False, "limit": 500}
        try:
            within = int(due_within) if due_within.strip() else None
            found = app.services.find(state=state or None, division=division or None, officer=officer or None,
                                      overdue=bool(overdue), due_within=within)
        except ValueError:
            error = f"«{due_within}» không phải số ngày làm việc."
        except ThamdinhError as exc:
            error = str(exc)
        filters = {"state": state, "division": division, "officer": officer, "overdue": bool(overdue),
                   "due_within": due_within}
        return page("list.html", 422 if error else 200, rows=found["rows"], truncated=found["truncated"],
                    limit=found["limit"], filters=filters, error=error, title="Danh sách hồ sơ thẩm định")


def _dossier_pages(api: FastAPI, app: App, page: Page) -> None:
    svc = app.services

    def detail(code: str, request: Request, status: int = 200, error: str | None = None,
               done: str | None = None, note: str = "") -> HTMLResponse:
        try:
            view = svc.show(code)
        except UnknownDossier as exc:
            return page("error.html", 404, message=str(exc), title="Không tìm thấy hồ sơ")
        wf = app.rules.definition(view["workflow"], view["workflow_version"])
        events = [{"name": e, "label": wf.event_label(e), "assigns": wf.events[e].assigns_officer}
                  for e in view["allowed_events"]]
        people = [{"id": p.id, "name": p.name, "roles": app.roles.labels(p.roles)} for p in svc.people() if p.active]
        assignees = [{"id": p.id, "name": p.name} for p in svc.assignees(view["division"], view["officer"])]
        return page("dossier.html", status, d=view, events=events, people=people, error=error,
                    done=wf.event_label(done) if done else None, note=note,
                    actor=request.cookies.get(ACTOR_COOKIE, ""), assignees=assignees, title=f"Hồ sơ {view['code']}")

    @api.get("/ho-so/{code}", response_class=HTMLResponse, include_in_schema=False)
    def dossier_page(code: str, request: Request, done: str = "") -> HTMLResponse:
        return detail(code, request, done=done or None)

    @api.post("/ho-so/{code}/thao-tac", include_in_schema=False)
    def fire_form(code: str, request: Request, event: str = Form(...), actor: str = Form(""),
                  note: str = Form(""), expected_version: int = Form(...), officer: str = Form("")) -> Response:
        try:
            if not actor.strip():
                raise BadInput("Chưa chọn người thực hiện.", hint="Chọn tên của bạn trong danh sách.")
            # the officer list belongs to the assigning buttons; the others ignore it
            svc.fire(Fire(code=code, event=event, actor=actor, note=note, expected_version=expected_version,
                          officer=officer if svc.assigns_officer(event) else None))
        except ThamdinhError as exc:
            return detail(code, request, status_for(exc), error=str(exc), note=note)
        resp = RedirectResponse(f"/ho-so/{quote(code, safe='')}?done={quote(event)}", status_code=303)
        resp.set_cookie(ACTOR_COOKIE, actor, httponly=True, samesite="strict")
        return resp
