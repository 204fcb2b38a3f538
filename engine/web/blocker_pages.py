"""Blockers (khó khăn, vướng mắc) on the pages: raise one from a dossier's page
(``/ho-so/{code}/vuong-mac``), take it into handling and resolve it with its resolution from the dossier
page or the boards (``/vuong-mac/{id}/xu-ly``, ``/vuong-mac/{id}/giai-quyet``), and one blocker's page
(``/vuong-mac/{id}``: its details, its changes, the forms again with what was typed after a refusal).

The same services and access rules as ``thamdinh blocker`` and ``/api/v1/blockers``: who acts is the
session's person; a refusal under the access rules is the 403 page naming who may; a raise on a closed
dossier is refused. Labels (causes, addressees, states) are the blockers file's (engine.io.blockers).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain import blockers as b
from ..domain.actions import Target
from ..domain.errors import BadInput, ThamdinhError
from ..domain.org import Person
from .errors import safe_next, status_for
from .identity import Caller, Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App

#: what a page says after each change (``?vm=ID&vm_done=KIND``)
DONE = {"raise": "Đã nêu vướng mắc số {id}.", "handle": "Vướng mắc số {id} đã chuyển sang «{handling}».",
        "resolve": "Đã ghi kết quả giải quyết vướng mắc số {id}."}
#: blockers listed on a board
BOARD_LIMIT = 200


class DossierDetail(Protocol):
    def __call__(self, request: Request, caller: Caller, code: str, status: int = 200, **ctx: Any) -> HTMLResponse: ...


def banner(app: App, vm: str, vm_done: str) -> str | None:
    """The message after a change, from the redirect's query (None: nothing was changed)."""
    if vm_done not in DONE or not vm.isdigit() or len(vm) > 19:
        return None
    return DONE[vm_done].format(id=int(vm), handling=app.blockers.policy.state_label(b.HANDLING))


def with_may(app: App, person: Person, views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**v, "may": app.blockers.may(person, v)} for v in views]


def options(app: App) -> dict[str, list[dict[str, str]]]:
    """The raise form's selects: causes and addressees with their Vietnamese labels (the blockers file)."""
    pol = app.blockers.policy
    return {"cause": [{"value": c, "label": pol.cause_label(c)} for c in b.CAUSES],
            "addressed_to": [{"value": a, "label": pol.addressee_label(a)} for a in b.ADDRESSEES]}


def dossier_blockers(app: App, caller: Caller, view: dict[str, Any], terminal: bool) -> dict[str, Any]:
    """What the dossier page shows of blockers: its blockers with what the person may do with each, and
    whether the raise form shows (not on a closed dossier; the ``raise_blocker`` action's reach)."""
    listed = app.blockers.list(code=view["code"], viewer=caller.person, limit=100)
    target = Target(view["division"], frozenset({view["officer"]} if view["officer"] else ()))
    return {"blockers": with_may(app, caller.person, listed), "blocker_options": options(app),
            "may_raise": not terminal and app.access.may_take(caller.person, b.RAISE, target)}


def board_blockers(app: App, caller: Caller, division: str | None) -> list[dict[str, Any]]:
    """The unresolved blockers of ``division`` (None: every division the person sees), oldest first."""
    found = app.blockers.list(division=division, open_only=True, viewer=caller.person, limit=BOARD_LIMIT)
    return with_may(app, caller.person, found)


def _back(target: str, blocker_id: int, kind: str) -> str:
    path = safe_next(target)
    return f"{path}{'&' if '?' in path else '?'}vm={blocker_id}&vm_done={kind}"


class BlockerPage(Protocol):
    def __call__(self, request: Request, caller: Caller, blocker_id: int, status: int = 200,
                 **ctx: Any) -> HTMLResponse: ...


def _page_of(app: App, page: Page) -> BlockerPage:
    def blocker_page(request: Request, caller: Caller, blocker_id: int, status: int = 200,
                     **ctx: Any) -> HTMLResponse:
        view = app.blockers.get(blocker_id, caller.person)
        names = {p.id: p.name for p in app.services.people()}
        view["raised_by_name"] = names.get(view["raised_by"], view["raised_by"])
        view["updates"] = [{**u, "at": dt.datetime.fromisoformat(u["at"]),
                            "actor_name": names.get(u["actor"], u["actor"])} for u in view["updates"]]
        ctx.setdefault("form", {})
        ctx.setdefault("error", None)
        back = ctx.pop("back", None) or (f"/ho-so/{quote(view['dossier'], safe='')}" if view["dossier"]
                                         else "/bang-dieu-hanh")
        return page(request, "blocker.html", status, x={**view, "may": app.blockers.may(caller.person, view)},
                    back=safe_next(back), title=f"Vướng mắc số {blocker_id}", **ctx)
    return blocker_page


def _shown(exc: ThamdinhError) -> int:
    """The status of a refusal the page shows beside its form; the others go to the error page."""
    status = status_for(exc)
    if status in (401, 403, 404):
        raise exc
    return status


def add_blocker_pages(api: FastAPI, app: App, page: Page, identity: Identity, detail: DossierDetail) -> None:
    blocker_page = _page_of(app, page)

    @api.post("/ho-so/{code:path}/vuong-mac", include_in_schema=False)
    def raise_form(code: str, request: Request, csrf: str = Form(""), cause: str = Form(""),
                   description: str = Form(""), addressed_to: str = Form(""), addressee: str = Form(""),
                   cause_on: str = Form("")) -> Response:
        caller = identity.signed_in(request)
        identity.check_csrf(caller, csrf)
        typed = {"cause": cause, "description": description, "addressed_to": addressed_to, "addressee": addressee,
                 "cause_on": cause_on[:10]}
        try:
            cmd = b.RaiseBlocker(actor=caller.person.id, code=code, cause=cause, description=description,
                                 addressed_to=addressed_to, addressee=addressee or None, cause_on=cause_on[:10] or None)
            raised = app.blockers.raise_(cmd, caller.via)
        except ThamdinhError as exc:
            return detail(request, caller, code, _shown(exc), blocker_form=typed, blocker_error=str(exc))
        return RedirectResponse(_back(f"/ho-so/{quote(code, safe='')}", raised["id"], "raise"), status_code=303)

    @api.get("/vuong-mac/{blocker_id}", response_class=HTMLResponse, include_in_schema=False)
    def blocker_view(blocker_id: int, request: Request, back: str = "") -> HTMLResponse:
        return blocker_page(request, identity.signed_in(request), _id(blocker_id), back=back[:300] or None)

    _change_routes(api, app, identity, blocker_page)


def _change_routes(api: FastAPI, app: App, identity: Identity, blocker_page: BlockerPage) -> None:
    @api.post("/vuong-mac/{blocker_id}/xu-ly", include_in_schema=False)
    def handle_form(blocker_id: int, request: Request, csrf: str = Form(""), note: str = Form(""),
                    expected_version: int = Form(...), back: str = Form("")) -> Response:
        caller = identity.signed_in(request)
        identity.check_csrf(caller, csrf)
        try:
            app.blockers.update(b.UpdateBlocker(_id(blocker_id), caller.person.id, note or None, expected_version),
                                caller.via)
        except ThamdinhError as exc:
            return blocker_page(request, caller, blocker_id, _shown(exc), error=str(exc), back=back,
                                form={"note": note})
        return RedirectResponse(_back(back, blocker_id, "handle"), status_code=303)

    @api.post("/vuong-mac/{blocker_id}/giai-quyet", include_in_schema=False)
    def resolve_form(blocker_id: int, request: Request, csrf: str = Form(""), resolution: str = Form(""),
                     resolved_on: str = Form(""), expected_version: int = Form(...), back: str = Form("")) -> Response:
        caller = identity.signed_in(request)
        identity.check_csrf(caller, csrf)
        try:
            cmd = b.ResolveBlocker(_id(blocker_id), caller.person.id, resolution, resolved_on[:10] or None,
                                   expected_version)
            app.blockers.resolve(cmd, caller.via)
        except ThamdinhError as exc:
            return blocker_page(request, caller, blocker_id, _shown(exc), error=str(exc), back=back,
                                form={"resolution": resolution, "resolved_on": resolved_on[:10]})
        return RedirectResponse(_back(back, blocker_id, "resolve"), status_code=303)


def _id(blocker_id: int) -> int:
    """A blocker's number as the database holds it (a larger one is no blocker at all)."""
    if not 1 <= blocker_id <= 2**63 - 1:
        raise BadInput(f"Không có vướng mắc số {blocker_id}.", hint="Xem danh sách vướng mắc trên bảng điều hành.")
    return blocker_id
