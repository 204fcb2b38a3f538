"""The one-stop documents of a dossier as PDF: ``/ho-so/{code}/giay-to/{kind}.pdf`` (the receipt,
the supplement request, the return slip, the process control sheet), filled from its record by
engine.services.onestop, for whoever may see the dossier."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import Response

from ..io.onestop_files import NAME, OneStopCatalogue, load_catalogue
from ..services.onestop import OneStopDocuments
from .identity import Identity

if TYPE_CHECKING:
    from ..bootstrap import App


def catalogue_of(app: App) -> OneStopCatalogue:
    """The one-stop documents as loaded: the shipped documents/one-stop.yaml, then a province's override
    (THAMDINH_RULES_PATH), merged key by key."""
    return load_catalogue([d / NAME for d in app.rule_dirs("documents") if (d / NAME).is_file()])


def one_stop(app: App) -> OneStopDocuments:
    """The documents service of ``app`` (a province's documents/one-stop.yaml over the shipped one)."""
    return OneStopDocuments(app.rules, catalogue_of(app), app.heading, app.settings.base_url,
                            app.settings.secret_key)


def pdf_response(body: bytes, name: str) -> Response:
    return Response(body, media_type="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


def file_name(code: str, kind: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in code.encode("ascii", "ignore").decode())
    return f"{kind}-{safe or 'ho-so'}.pdf"


def add_documents(api: FastAPI, app: App, identity: Identity) -> None:
    docs = one_stop(app)

    @api.get("/ho-so/{code:path}/giay-to/{kind}.pdf", include_in_schema=False)
    def document_pdf(code: str, kind: str, request: Request) -> Response:
        caller = identity.signed_in(request)
        view = app.services.show(code, caller.person)  # 404, 403
        return pdf_response(docs.pdf(kind, view, {}), file_name(view["code"], kind))
