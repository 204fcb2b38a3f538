"""The start of the site: ``/`` sends a signed-in person to «Việc của tôi» (engine.web.work); the
search is engine.web.search, a dossier engine.web.dossier_page, the reception engine.web.intake."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response

from .identity import Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App


def add_pages(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    @api.get("/", include_in_schema=False)
    def index() -> Response:
        return RedirectResponse("/viec-cua-toi", status_code=303)
