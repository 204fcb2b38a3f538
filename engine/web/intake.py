"""The one-stop reception ``/tiep-nhan``: a form with its messages beside the fields (what was typed
is kept), the appointment date shown as soon as the workflow, group and grade are chosen
(``/tiep-nhan/han``, read by static/intake.js), and, once received, the receipt to print
(``/ho-so/{code}/giay-to/receipt.pdf``: Giấy tiếp nhận hồ sơ và hẹn trả kết quả with its QR code).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from ..domain.dossier import GRADES, GROUPS
from ..domain.errors import BadInput
from ..domain.intake import INTAKE_CHANNEL_LABELS
from ..services.intake import CONTACT_FIELDS, FIELDS, Intake
from .documents import catalogue_of
from .identity import Caller, Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App

GROUP_LABELS = {"national": "Quan trọng quốc gia", "A": "Nhóm A", "B": "Nhóm B", "C": "Nhóm C"}
GRADE_LABELS = {"special": "Cấp đặc biệt", "I": "Cấp I", "II": "Cấp II", "III": "Cấp III", "IV": "Cấp IV"}


def intake_of(app: App) -> Intake:
    return Intake(app.services.writes, app.rules, app.clock)


def _options(app: App, caller: Caller) -> dict[str, Any]:
    with app.database.reading() as uow:
        divisions = uow.people.divisions()
        people = [p for p in uow.people.all() if p.active and app.roles.any(p.roles, "holds_dossiers")]
    catalogue = catalogue_of(app)  # the checklists as loaded (a province's override merged)
    workflows = [{"value": wf.id, "label": wf.title, "checklist": catalogue.checklist(wf.id)}
                 for wf in app.rules.workflows.values()]
    return {"workflow": workflows, "group": [{"value": g, "label": GROUP_LABELS[g]} for g in GROUPS],
            "grade": [{"value": g, "label": GRADE_LABELS[g]} for g in GRADES],
            "division": [{"value": d.code, "label": d.name} for d in divisions],
            "officer": [{"value": p.id, "label": f"{p.name} ({p.division})", "division": p.division or ""}
                        for p in sorted(people, key=lambda p: (p.division or "", p.name))],
            "intake_channel": [{"value": k, "label": v} for k, v in INTAKE_CHANNEL_LABELS.items()]}


def add_intake(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    intake = intake_of(app)

    def form_page(request: Request, caller: Caller, status: int = 200, values: dict[str, str] | None = None,
                  checked: list[str] | None = None, errors: dict[str, str] | None = None,
                  received: str | None = None) -> HTMLResponse:
        values = values or {"intake_channel": "in_person", "workflow": next(iter(app.rules.workflows), "")}
        return page(request, "intake.html", status, v=values, checked=set(checked or []), errors=errors or {},
                    options=_options(app, caller), received=received, title="Tiếp nhận hồ sơ")

    @api.get("/tiep-nhan", response_class=HTMLResponse, include_in_schema=False)
    def intake_form(request: Request, xong: str = "") -> HTMLResponse:
        caller = identity.signed_in(request)
        app.services.access.require_receive(caller.person)
        return form_page(request, caller, received=xong[:64] or None)

    @api.post("/tiep-nhan", include_in_schema=False)
    async def intake_post(request: Request) -> Response:
        caller = identity.signed_in(request)
        form = await request.form()
        identity.check_csrf(caller, str(form.get("csrf") or ""))
        values = {f: str(form.get(f) or "")[:4000] for f in (*FIELDS, *CONTACT_FIELDS)}
        checked = [str(x)[:500] for x in form.getlist("received")]
        try:
            code = intake.receive(values, checked, caller.person, caller.via)
        except BadInput as exc:
            fields = exc.details.get("fields")
            errors = dict(fields) if isinstance(fields, dict) else {"_": str(exc)}
            return form_page(request, caller, 422, values, checked, errors)
        from urllib.parse import quote

        return RedirectResponse(f"/tiep-nhan?xong={quote(code, safe='')}", status_code=303)

    @api.get("/tiep-nhan/han", include_in_schema=False)
    def due_preview(request: Request, workflow: str = "", group: str = "", grade: str = "") -> Response:
        identity.signed_in(request)
        try:
            return JSONResponse(intake.due_date(workflow[:64], group[:16], grade[:16] or None))
        except BadInput as exc:
            return JSONResponse({"due_date": None, "text": str(exc)}, status_code=422)
