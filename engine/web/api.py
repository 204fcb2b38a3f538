"""The JSON API: the same commands and queries as the CLI and the pages, for the holder of a token.

Every route needs ``Authorization: Bearer <personal token>``; the person acting is the token's, never
a field of the body (a body naming ``actor`` is refused). Dossier codes may contain "/" (receipt
numbers such as ``125/SXD-HTKT``): write it ``%2F`` in the URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field

from ..domain import text
from ..domain.commands import Fire, Receive
from ..services.queries import LIST_MAX
from .errors import ERROR_RESPONSES
from .identity import Caller, Identity

if TYPE_CHECKING:
    from ..bootstrap import App

_CODE = Field(max_length=text.CODE_MAX)
_NAME = Field(max_length=text.NAME_MAX)
_NOTE = Field(default=None, max_length=text.NOTE_MAX)
_OPTIONAL_CODE = Field(default=None, max_length=text.CODE_MAX)
CORRECTION = ("Lý do điều chỉnh: sự kiện lùi ngày vào tháng đã ban hành báo cáo (người có quyền: Giám đốc); "
              "không có thì bị từ chối (409).")
_BEARER = HTTPBearer(auto_error=False, description="Mã truy cập cá nhân: thamdinh user token MÃ_CÁN_BỘ --name TÊN")


class ReceiveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    workflow: str = _CODE
    code: str = _CODE
    name: str = _NAME
    investor: str = _NAME
    group: str = _CODE
    division: str = _CODE
    grade: str | None = _OPTIONAL_CODE
    officer: str | None = _OPTIONAL_CODE
    capital_source: str | None = Field(default=None, max_length=text.NAME_MAX)
    at: str | None = Field(default=None, max_length=40,
                           description="Thời điểm tiếp nhận (ISO 8601); mặc định: bây giờ.")
    note: str | None = _NOTE
    correction: str | None = Field(default=None, max_length=text.NOTE_MAX, description=CORRECTION)


class FireBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    event: str = _CODE
    note: str | None = _NOTE
    at: str | None = Field(default=None, max_length=40, description="Thời điểm (ISO 8601); mặc định: bây giờ.")
    expected_version: int | None = Field(default=None, ge=1, le=2**31 - 1,
                                         description="Phiên bản hồ sơ người gửi đã xem; khác thì bị từ chối (409).")
    officer: str | None = Field(default=None, max_length=text.CODE_MAX,
                                description="Cán bộ nhận hồ sơ, với thao tác giao hồ sơ (reassign).")
    correction: str | None = Field(default=None, max_length=text.NOTE_MAX, description=CORRECTION)


class Me(BaseModel):
    id: str
    name: str
    division: str | None
    roles: list[str]
    roles_label: str


def _caller(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)]) -> Caller:
    identity: Identity = request.app.state.identity
    return identity.api_caller(request, credentials)


Who = Annotated[Caller, Depends(_caller)]
Short = Annotated[str | None, Query(max_length=text.CODE_MAX)]


def add_api(api: FastAPI, app: App, identity: Identity) -> None:
    svc = app.services
    api.state.identity = identity

    @api.get("/api/me", responses={401: ERROR_RESPONSES[401]})
    def api_me(who: Who) -> Me:
        p = who.person
        return Me(id=p.id, name=p.name, division=p.division, roles=[r for r in app.roles.names if r in p.roles],
                  roles_label=app.roles.labels(p.roles))

    @api.get("/api/dossiers", responses=ERROR_RESPONSES)
    def api_list(who: Who, state: Short = None, division: Short = None, officer: Short = None,
                 workflow: Short = None, overdue: bool = False,
                 due_within: Annotated[int | None, Query(ge=0, le=365)] = None,
                 limit: Annotated[int, Query(ge=1, le=LIST_MAX)] = 500) -> list[dict[str, Any]]:
        return svc.list_dossiers(state=state, division=division, officer=officer, workflow=workflow,
                                 overdue=overdue, due_within=due_within, limit=limit, viewer=who.person)

    @api.post("/api/dossiers", status_code=201, responses=ERROR_RESPONSES)
    def api_receive(who: Who, body: ReceiveBody) -> dict[str, Any]:
        return svc.receive(Receive(**body.model_dump(), actor=who.person.id), who.via, who.person)

    @api.post("/api/dossiers/{code:path}/events", responses=ERROR_RESPONSES)
    def api_fire(who: Who, code: str, body: FireBody) -> dict[str, Any]:
        cmd = Fire(code=code, actor=who.person.id, **body.model_dump())
        result = svc.fire(cmd, who.via)
        view = svc.show(cmd.code, who.person)
        view["fired"] = result
        return view

    @api.get("/api/dossiers/{code:path}", responses=ERROR_RESPONSES)
    def api_show(who: Who, code: str) -> dict[str, Any]:
        return svc.show(code, who.person)

    @api.get("/api/workflows/{workflow_id}", responses=ERROR_RESPONSES)
    def api_workflow(who: Who, workflow_id: Annotated[str, Path(max_length=text.CODE_MAX)]) -> dict[str, Any]:
        from ..reporting.diagram import describe

        out = describe(app.rules.latest(text.code(workflow_id)))
        out.pop("text")
        return out
