"""The public pages, without signing in: ``/tra-cuu`` (a dossier by its code and the investor's look-up
key, printed on the receipt) and ``/xep-hang`` (the movement's ranking with how each score was made);
their calls ``/api/v1/public/lookup`` and ``/api/v1/public/ranking``.

A look-up shows the state, the appointment date and each stage's result (early, on time, late), never
an officer's name or a note (engine/services/public.py says how the key is made and checked). Too many
failed look-ups from one address are answered 429 for a while.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from ..domain import text
from ..domain.errors import ThamdinhError
from ..services.public import PublicLookup, PublicRanking, TooManyTries
from .errors import ERROR_RESPONSES, status_for
from .identity import client_address
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App

_KEY = Annotated[str, Query(max_length=40, description="Mã tra cứu in trên giấy tiếp nhận (10 ký tự).")]
_CODE = Annotated[str, Query(max_length=text.CODE_MAX, description="Mã hồ sơ.")]
PUBLIC_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: ERROR_RESPONSES[404], 422: ERROR_RESPONSES[422],
    429: {"model": ERROR_RESPONSES[404]["model"], "description": "Tra cứu sai quá nhiều lần; thử lại sau."}}


def lookup_service(app: App) -> PublicLookup:
    return PublicLookup(app.services.queries, app.settings.secret_key)


def add_public(api: FastAPI, app: App, page: Page) -> None:
    lookup = lookup_service(app)
    ranking = PublicRanking(app.reports, app.clock)

    @api.get("/tra-cuu", response_class=HTMLResponse, include_in_schema=False)
    def lookup_page(request: Request, ma: str = "", khoa: str = "") -> HTMLResponse:
        found, error, status = None, None, 200
        if ma.strip() or khoa.strip():
            try:
                found = lookup.lookup(ma[:text.CODE_MAX], khoa[:40], client_address(request))
            except TooManyTries as exc:
                error, status = f"{exc} {exc.hint}", 429
            except ThamdinhError as exc:
                error, status = f"{exc} {exc.hint or ''}".strip(), status_for(exc)
        return page(request, "public_lookup.html", status, d=found, error=error, code=ma[:text.CODE_MAX],
                    title="Tra cứu hồ sơ")

    @api.get("/xep-hang", response_class=HTMLResponse, include_in_schema=False)
    def ranking_page(request: Request) -> HTMLResponse:
        return page(request, "public_ranking.html", r=ranking.ranking(), title="Xếp hạng thi đua")

    @api.get("/api/v1/public/lookup", responses=PUBLIC_RESPONSES, tags=["công khai"])
    def api_lookup(request: Request, code: _CODE, key: _KEY) -> Response:
        """Tra cứu một hồ sơ bằng mã hồ sơ và mã tra cứu (không cần đăng nhập): trạng thái, ngày hẹn trả,
        kết quả từng bước; không có tên cán bộ, không có ghi chú."""
        try:
            return JSONResponse(lookup.lookup(code, key, client_address(request)))
        except TooManyTries as exc:
            return JSONResponse({**exc.as_dict(), "error": "too_many_tries"}, status_code=429)

    @api.get("/api/v1/public/ranking", tags=["công khai"])
    def api_ranking() -> dict[str, Any]:
        """Xếp hạng thi đua của phong trào: từng phòng, từng cán bộ, với số liệu đầu vào, điểm và trọng số
        của từng tiêu chí (không cần đăng nhập)."""
        return ranking.ranking()
