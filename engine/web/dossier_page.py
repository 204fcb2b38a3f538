"""One dossier ``/ho-so/{code}``: its details, the officer in charge, each stage's clock, the timeline
with notes and readable effects, and one form per action the signed-in person may take now.

Each form asks for what the workflow file says the action requires (``requires``: a reason, the list
of what is missing) and an action with a ``confirm`` question (approve, return, withdraw) is asked
once more on a confirmation page before anything is written; «Sửa lại» there brings the form back
with what was typed. A refusal is shown beside the field it concerns. The services check the same
requirements for every channel, so the page only asks first.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain import requirements
from ..domain.clock import TZ, parse_at
from ..domain.commands import Fire
from ..domain.errors import BadInput, PeriodSealed, ThamdinhError
from ..domain.formatting import vn_datetime
from ..domain.workflow import WorkflowDef
from ..services.onestop import available
from .blocker_pages import add_blocker_pages, banner, dossier_blockers
from .documents import catalogue_of
from .errors import status_for
from .identity import Caller, Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App


def actions(wf: WorkflowDef, names: list[str]) -> list[dict[str, Any]]:
    """The actions a person may take now, with what each asks for."""
    return [{"name": n, "label": wf.events[n].label, "confirm": wf.events[n].confirm,
             "assigns": wf.events[n].assigns_officer,
             "requires": [{"field": r.field, "label": r.label} for r in wf.events[n].requires]} for n in names]


def _day(typed: str) -> dt.date | None:
    """A date field's value (YYYY-MM-DD), None when empty or not a date (the requirement then says so)."""
    try:
        return dt.date.fromisoformat(typed.strip()[:10]) if typed.strip() else None
    except ValueError:
        return None


def timeline(view: dict[str, Any]) -> list[dict[str, Any]]:
    """The history, oldest first, each time as HH:MM dd/mm/yyyy."""
    return [{**e, "at_text": vn_datetime(dt.datetime.fromisoformat(e["at"]))} for e in view["history"]]


def add_dossier_page(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    svc, catalogue = app.services, catalogue_of(app)  # the one-stop documents as loaded (a province's too)

    def detail(request: Request, caller: Caller, code: str, status: int = 200, form: dict[str, Any] | None = None,
               done: str | None = None, **extra: Any) -> HTMLResponse:
        view = svc.show(code, caller.person)  # raises UnknownDossier (404), NotPermitted (403)
        wf = app.rules.definition(view["workflow"], view["workflow_version"])
        assignees = [{"id": p.id, "name": p.name} for p in svc.assignees(view["division"], view["officer"])]
        label = wf.events[done].label if done and done in wf.events else None
        extra.setdefault("blocker_form", {})
        extra.setdefault("blocker_error", None)
        extra.setdefault("blocker_done", None)
        return page(request, "dossier.html", status, d=view, actions=actions(wf, view["my_events"]),
                    form=form or {"event": None, "errors": {}}, done=label,
                    history=timeline(view), assignees=assignees, documents=available(catalogue, view),
                    title=f"Hồ sơ {view['code']}", may_correct=app.access.may_correct(caller.person),
                    **dossier_blockers(app, caller, view, wf.state(view["state"]).terminal), **extra)

    @api.get("/ho-so/{code:path}", response_class=HTMLResponse, include_in_schema=False)
    def dossier_page(code: str, request: Request, done: str = "", vm: str = "", vm_done: str = "") -> HTMLResponse:
        return detail(request, identity.signed_in(request), code, done=done or None,
                      blocker_done=banner(app, vm, vm_done))

    add_blocker_pages(api, app, page, identity, detail)

    @api.post("/ho-so/{code:path}/thao-tac", include_in_schema=False)
    def act(code: str, request: Request, event: str = Form(...), csrf: str = Form(""),
            expected_version: int = Form(...), reason: str = Form(""), missing: str = Form(""),
            note: str = Form(""), officer: str = Form(""), new_date: str = Form(""), confirmed: str = Form(""),
            edit: str = Form(""), at: str = Form(""), correction: str = Form("")) -> Response:
        caller = identity.signed_in(request)
        identity.check_csrf(caller, csrf)
        if not app.access.may_correct(caller.person):  # the time of the act and a correction: the director's
            at = correction = ""
        form = {"event": event, "reason": reason, "missing": missing, "note": note, "officer": officer,
                "new_date": new_date[:10], "expected_version": expected_version, "at": at[:40],
                "correction": correction, "errors": {}}
        if edit:  # «Sửa lại» on the confirmation page: the form again, as typed
            return detail(request, caller, code, form=form)
        view = svc.show(code, caller.person)
        wf = app.rules.definition(view["workflow"], view["workflow_version"])
        edef = wf.events.get(event)
        try:
            text = requirements.compose(reason, requirements.items(missing), note, _day(new_date))
            when = parse_at(at[:40]) if at.strip() else None
            form["at_text"] = vn_datetime(when.astimezone(TZ)) if when else ""
            if edef is not None:
                requirements.check(edef.label, edef.requires, text)
                if edef.confirm and not confirmed:
                    return page(request, "confirm.html", d=view, a=actions(wf, [event])[0], form=form,
                                title=f"Xác nhận — hồ sơ {view['code']}")
            svc.fire(Fire(code=code, event=event, actor=caller.person.id, note=text, expected_version=expected_version,
                          officer=officer or None if svc.assigns_officer(event) else None,
                          at=when, correction=correction or None), caller.via)
        except ThamdinhError as exc:
            if status_for(exc) in (401, 403, 404):
                raise
            form["errors"] = _errors(exc)
            return detail(request, caller, code, status_for(exc), form=form)
        return RedirectResponse(f"/ho-so/{quote(code, safe='')}?done={quote(event, safe='')}", status_code=303)


def _errors(exc: ThamdinhError) -> dict[str, str]:
    """A refusal beside the field it concerns, else for the whole form; a sealed month says what the page
    offers (the director's correction with its reason)."""
    if isinstance(exc, PeriodSealed):
        return {"_": f"{exc.message} Nếu đây là điều chỉnh số liệu, Giám đốc ghi lý do vào ô «Lý do điều chỉnh» "
                     "rồi ghi lại; sau đó ban hành lại báo cáo tháng đó."}
    field = exc.details.get("field") if isinstance(exc, BadInput) else None
    return {str(field): exc.message} if field else {"_": str(exc)}
