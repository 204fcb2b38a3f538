"""The administrators' page: the audit log of sign-ins, failures, lock-outs, passwords and tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from ..domain import text
from ..domain.accounts import AUDIT_LABELS
from ..domain.caller import CHANNEL_LABELS
from ..domain.clock import TZ
from .identity import Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App


def add_admin(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
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
