"""The boards: a head's division board (``/bang-dieu-hanh/phong``) and the director's department board
(``/bang-dieu-hanh/so``), with hand-over and urging from the board; their calls: ``/api/v1/boards/…``
and, for an urge, ``/api/v1/urges`` (engine/web/api_blockers.py, the same ``Urging`` service).

Who acts is the session's person (or the token's); the forms carry the session's CSRF token and the
version of the dossier the head saw, so a colleague's change in between is refused with a message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from fastapi import FastAPI, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..domain import text
from ..domain.errors import ThamdinhError
from ..services.boards import Boards
from .api import Who
from .blocker_pages import banner, board_blockers
from .errors import ERROR_RESPONSES, status_for
from .identity import Caller, Identity
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App

BOARD = "/bang-dieu-hanh/phong"
DEPARTMENT = "/bang-dieu-hanh/so"


class HandoverBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(max_length=text.CODE_MAX)
    officer: str = Field(max_length=text.CODE_MAX, description="Cán bộ nhận hồ sơ (cùng phòng).")
    note: str | None = Field(default=None, max_length=text.NOTE_MAX)
    expected_version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                         description="Phiên bản hồ sơ người gửi đã xem; khác thì bị từ chối (409).")


def boards_of(app: App) -> Boards:
    return Boards(app.database, app.rules, app.clock, app.access, app.services.fire, app.urging.last_urges,
                  app.blockers.open_on)


def board_url(division: str | None, **extra: str) -> str:
    query = "&".join(f"{k}={quote(v, safe='')}" for k, v in {"division": division or "", **extra}.items() if v)
    return BOARD + (f"?{query}" if query else "")


def add_boards(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    boards = boards_of(app)
    _pages(api, app, boards, page, identity)
    _api(api, boards)


def _pages(api: FastAPI, app: App, boards: Boards, page: Page, identity: Identity) -> None:
    def division_page(request: Request, caller: Caller, division: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        ctx.setdefault("blocker_done", None)
        board = boards.division_board(caller.person, division or None)
        listed = board_blockers(app, caller, board["division"]) if board["chosen"] else []
        return page(request, "board_division.html", status, b=board, urge=_may_urge(app, caller, board["division"]),
                    blockers=listed, title=f"Bảng điều hành — {board.get('division_name') or 'chọn phòng'}", **ctx)

    @api.get("/bang-dieu-hanh", include_in_schema=False)
    def board_home(request: Request) -> Response:
        caller = identity.signed_in(request)
        wide = app.roles.widest(caller.person.roles, "acts_on") == "all"
        return RedirectResponse(DEPARTMENT if wide else BOARD, status_code=303)

    @api.get(BOARD, response_class=HTMLResponse, include_in_schema=False)
    def division_board(request: Request, division: str = "", done: str = "", urged: str = "", vm: str = "",
                       vm_done: str = "") -> HTMLResponse:
        caller = identity.signed_in(request)
        return division_page(request, caller, division, done=done[:text.CODE_MAX] or None,
                             urged=urged[:text.CODE_MAX] or None, error=None, blocker_done=banner(app, vm, vm_done))

    @api.get(DEPARTMENT, response_class=HTMLResponse, include_in_schema=False)
    def department_board(request: Request, vm: str = "", vm_done: str = "") -> HTMLResponse:
        caller = identity.signed_in(request)
        board = boards.department_board(caller.person)
        return page(request, "board_department.html", b=board, blockers=board_blockers(app, caller, None),
                    blocker_done=banner(app, vm, vm_done), title="Bảng điều hành của Sở")

    _forms(api, app, boards, identity, division_page)


def _forms(api: FastAPI, app: App, boards: Boards, identity: Identity, division_page: Any) -> None:
    """The board's two forms: hand a dossier over, urge its officer."""

    @api.post(BOARD + "/giao-ho-so", include_in_schema=False)
    def handover_form(request: Request, code: str = Form(...), officer: str = Form(""), division: str = Form(""),
                      note: str = Form(""), expected_version: int = Form(...), csrf: str = Form("")) -> Response:
        caller = identity.signed_in(request)
        identity.check_csrf(caller, csrf)
        try:
            boards.handover(caller.person, code, officer, caller.via, note=note, expected_version=expected_version)
        except ThamdinhError as exc:
            if status_for(exc) in (401, 403, 404):
                raise
            return division_page(request, caller, division, status_for(exc), error=f"{code}: {exc}", done=None,
                                 urged=None)
        return RedirectResponse(board_url(division, done=code), status_code=303)

    @api.post(BOARD + "/don-doc", include_in_schema=False)
    def urge_form(request: Request, code: str = Form(...), division: str = Form(""), note: str = Form(""),
                  csrf: str = Form("")) -> Response:
        caller = identity.signed_in(request)
        identity.check_csrf(caller, csrf)
        try:
            _urge(app, caller, code, note)
        except ThamdinhError as exc:
            if status_for(exc) in (401, 403, 404):
                raise
            return division_page(request, caller, division, status_for(exc), error=f"{code}: {exc}", done=None,
                                 urged=None)
        return RedirectResponse(board_url(division, urged=code), status_code=303)


def _may_urge(app: App, caller: Caller, division: str | None) -> bool:
    """Whether the urge button shows: the ``urge`` action of roles.yaml over the division (issue 12)."""
    from ..domain.actions import Target
    from ..domain.blockers import URGE

    return division is not None and app.access.may_take(caller.person, URGE, Target(division))


def _urge(app: App, caller: Caller, code: str, note: str) -> dict[str, Any]:
    """Urge the officer holding ``code``: recorded (the urge table, the dossier's urges) and mailed."""
    result: dict[str, Any] = app.urging.urge(caller.person.id, code=code, note=note or None, via=caller.via)
    return result


def _api(api: FastAPI, boards: Boards) -> None:
    @api.get("/api/v1/boards/division", responses=ERROR_RESPONSES, tags=["bảng điều hành"])
    def api_division_board(who: Who, division: Annotated[str | None, Query(max_length=text.CODE_MAX)] = None
                           ) -> dict[str, Any]:
        """Bảng điều hành của một phòng: quá hạn, sắp đến hạn, tạm dừng quá hạn trả lời, tải việc từng cán bộ."""
        return boards.division_board(who.person, division)

    @api.get("/api/v1/boards/department", responses=ERROR_RESPONSES, tags=["bảng điều hành"])
    def api_department_board(who: Who) -> dict[str, Any]:
        """Bảng điều hành của Sở: từng phòng, với số liệu của tháng."""
        return boards.department_board(who.person)

    @api.post("/api/v1/boards/handover", responses=ERROR_RESPONSES, tags=["bảng điều hành"])
    def api_handover(who: Who, body: HandoverBody) -> dict[str, Any]:
        """Giao hồ sơ cho cán bộ khác của phòng (thao tác giao hồ sơ của quy trình)."""
        return boards.handover(who.person, body.code, body.officer, who.via, note=body.note,
                               expected_version=body.expected_version)
