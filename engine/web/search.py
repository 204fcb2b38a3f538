"""The search page ``/ho-so`` and its export ``/ho-so.xlsx``: text without accents («duong» finds
«Đường»), filters as selects with Vietnamese labels, the due status of every row, pages with the
total, sorting, and the current result as a workbook.

A filter that cannot be read is shown beside its field (the form keeps what was typed); the search
itself is ``Services.finder`` (engine.services.search), the same for the API.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from ..domain.errors import BadInput
from ..reporting.list_workbook import dossier_list_xlsx
from ..services.search_query import SearchQuery
from .identity import Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App

FIELDS = ("q", "state", "division", "officer", "workflow", "due", "received_from", "received_to", "sort", "page")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def query_of(request: Request) -> SearchQuery:
    """The search a query string asks for (unknown keys ignored, each value cut to a sane length)."""
    return SearchQuery(**{k: request.query_params.get(k, "")[:200] for k in FIELDS if k in request.query_params})


def link(q: SearchQuery, **changes: Any) -> str:
    """The query string of ``q`` with ``changes`` (empty values left out)."""
    values = {k: getattr(q, k) for k in FIELDS}
    values.update({k: str(v) for k, v in changes.items()})
    return urlencode({k: v for k, v in values.items() if v and not (k == "page" and v == "1")})


def add_search(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    finder = app.services.finder

    @api.get("/ho-so", response_class=HTMLResponse, include_in_schema=False)
    def search_page(request: Request) -> HTMLResponse:
        caller = identity.signed_in(request)
        q = query_of(request)
        found: dict[str, Any] = {"rows": [], "total": 0, "page": 1, "pages": 1}
        errors: dict[str, str] = {}
        try:
            found = finder.search(q, caller.person)
        except BadInput as exc:
            fields = exc.details.get("fields")
            errors = dict(fields) if isinstance(fields, dict) else {str(exc.details.get("field") or "q"): exc.message}
        pages = [{"n": n, "href": "?" + link(q, page=n)} for n in _window(found["page"], found["pages"])]
        return page(request, "search.html", 422 if errors else 200, q=q, found=found, errors=errors,
                    choices=finder.choices(caller.person), pages=pages, export="/ho-so.xlsx?" + link(q, page=""),
                    prev="?" + link(q, page=found["page"] - 1) if found["page"] > 1 else None,
                    next="?" + link(q, page=found["page"] + 1) if found["page"] < found["pages"] else None,
                    title="Tra cứu hồ sơ")

    @api.get("/ho-so.xlsx", include_in_schema=False)
    def search_export(request: Request) -> Response:
        caller = identity.signed_in(request)
        result = finder.export(query_of(request), caller.person)  # a bad filter: the error page (422)
        body = dossier_list_xlsx(result["rows"], "Danh sách hồ sơ", finder.today())
        return Response(body, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="ho-so.xlsx"'})


def _window(current: int, pages: int, width: int = 3) -> list[int]:
    """The page numbers shown: the first, the last, and ``width`` either side of the current one."""
    shown = {1, pages, *range(max(1, current - width), min(pages, current + width) + 1)}
    return sorted(shown)
