"""The web pages and the JSON API for appraisal officers (FastAPI), over the same use cases as the CLI.

Pages (Vietnamese): ``/ho-so`` (the list, with filters), ``/ho-so/{code}`` (a dossier: its clock,
history and one button per allowed event). The event form carries the version the officer saw, so a
concurrent edit is refused with a clear message instead of silently applied.

API: ``GET /api/dossiers``, ``GET /api/dossiers/{code}``, ``POST /api/dossiers`` (receive),
``POST /api/dossiers/{code}/events`` (fire), ``GET /api/workflows/{id}``. Errors are JSON
``{"error", "message", "hint"}`` with 404 (unknown dossier), 422 (bad input), 409 (refused or conflict).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from ..domain.errors import ThamdinhError
from .api import add_api
from .pages import add_pages, status_for

if TYPE_CHECKING:
    from ..bootstrap import App


def create_web(app: App) -> FastAPI:
    """Build the FastAPI application around one composition root."""
    api = FastAPI(title="thamdinh", docs_url="/api/docs", openapi_url="/api/openapi.json")

    @api.exception_handler(ThamdinhError)
    async def _error(request: Request, exc: ThamdinhError) -> Response:
        return JSONResponse(exc.as_dict(), status_code=status_for(exc))

    add_pages(api, app)
    add_api(api, app)
    return api


__all__ = ["create_web"]
