"""«Việc của tôi» ``/viec-cua-toi``: the signed-in person's open dossiers, most urgent first, with the
counters by due status on top (each a link that narrows the list to it); an officer sees the dossiers
they hold, a head their division's, the director every open dossier (roles.yaml, ``acts_on``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse

from ..domain import due_status as ds
from .identity import Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App

SCOPES = {"own": "Hồ sơ bạn đang thụ lý", "division": "Hồ sơ đang giải quyết của phòng",
          "all": "Mọi hồ sơ đang giải quyết"}


def add_work(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    finder = app.services.finder

    @api.get("/viec-cua-toi", response_class=HTMLResponse, include_in_schema=False)
    def my_work(request: Request, due: str = "", page_no: int = 1) -> HTMLResponse:
        caller = identity.signed_in(request)
        due_key = due if due in ds.ORDER else None
        work = finder.my_work(caller.person, due_key, max(1, min(page_no, 100_000)))
        return page(request, "work.html", work=work, scope=SCOPES[work["scope"]], due=due_key,
                    due_label=ds.LABELS[due_key] if due_key else None, today=finder.today(),
                    title="Việc của tôi")
