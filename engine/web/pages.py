"""The pages: the list of dossiers and one dossier with its actions (Vietnamese, server-rendered).

Every page needs a signed-in person (``Identity.signed_in``); the list shows what their role lets
them see, a dossier shows only the actions they may take, and every form carries the session's CSRF
token and the version the person saw, so a forged post or a concurrent edit is refused with a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.commands import Fire
from ..domain.errors import ThamdinhError
from .errors import status_for
from .identity import Caller, Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App


def add_pages(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    @api.get("/", include_in_schema=False)
    def index() -> Response:
        return RedirectResponse("/ho-so", status_code=303)

    _list_page(api, app, page, identity)
    _dossier_pages(api, app, page, identity)


def _list_page(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    @api.get("/ho-so", response_class=HTMLResponse, include_in_schema=False)
    def list_page(request: Request, state: str = "", division: str = "", officer: str = "", overdue: str = "",
                  due_within: str = "") -> HTMLResponse:
        caller = identity.signed_in(request)
        error = None
        found: dict[str, Any] = {"rows": [], "truncated": False, "limit": 500}
        try:
            within = int(due_within) if due_within.strip() else None
            if within is not None and not 0 <= within <= 365:
                raise ValueError
            found = app.services.find(state=state or None, division=division or None, officer=officer or None,
                                      overdue=bool(overdue), due_within=within, viewer=caller.person)
        except ValueError:
            error = f"«{due_within[:20]}» không phải số ngày làm việc (0–365)."
        except ThamdinhError as exc:
            error = str(exc)
        filters = {"state": state, "division": division, "officer": officer, "overdue": bool(overdue),
                   "due_within": due_within}
        return page(request, "list.html", 422 if error else 200, rows=found["rows"], truncated=found["truncated"],
                    limit=found["limit"], filters=filters, error=error, title="Danh sách hồ sơ thẩm định")


def _dossier_pages(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    svc = app.services

    def detail(request: Request, caller: Caller, code: str, status: int = 200, error: str | None = None,
               done: str | None = None, note: str = "") -> HTMLResponse:
        view = svc.show(code, caller.person)  # raises UnknownDossier (404), NotPermitted (403)
        wf = app.rules.definition(view["workflow"], view["workflow_version"])
        events = [{"name": e, "label": wf.event_label(e), "assigns": wf.events[e].assigns_officer}
                  for e in view["my_events"]]
        assignees = [{"id": p.id, "name": p.name} for p in svc.assignees(view["division"], view["officer"])]
        return page(request, "dossier.html", status, d=view, events=events, error=error,
                    done=wf.event_label(done) if done and done in wf.events else None, note=note,
                    assignees=assignees, title=f"Hồ sơ {view['code']}")

    @api.get("/ho-so/{code:path}", response_class=HTMLResponse, include_in_schema=False)
    def dossier_page(code: str, request: Request, done: str = "") -> HTMLResponse:
        return detail(request, identity.signed_in(request), code, done=done or None)

    @api.post("/ho-so/{code:path}/thao-tac", include_in_schema=False)
    def fire_form(code: str, request: Request, event: str = Form(...), csrf: str = Form(""),
                  note: str = Form(""), expected_version: int = Form(...), officer: str = Form("")) -> Response:
        caller = identity.signed_in(request)
        identity.check_csrf(caller, csrf)
        try:
            # the officer list belongs to the assigning buttons; the others ignore it
            svc.fire(Fire(code=code, event=event, actor=caller.person.id, note=note,
                          expected_version=expected_version, officer=officer if svc.assigns_officer(event) else None),
                     caller.via)
        except ThamdinhError as exc:
            if status_for(exc) in (401, 403, 404):
                raise
            return detail(request, caller, code, status_for(exc), error=str(exc), note=note)
        return RedirectResponse(f"/ho-so/{quote(code, safe='')}?done={quote(event, safe='')}", status_code=303)
