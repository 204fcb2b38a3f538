"""The JSON API of blockers and urges (``/api/v1/…``): the same services as ``thamdinh blocker`` and
``thamdinh urge``, for the holder of a token, who is the person acting (a body naming ``actor`` is
refused). Refusals are the access rules' (403, naming who may), a resolved blocker or a concurrent
change 409, bad input 422."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import FastAPI, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from ..domain import text
from ..domain.blockers import RaiseBlocker, ResolveBlocker, UpdateBlocker
from .api import Short, Who
from .errors import ERROR_RESPONSES

#: a blocker's number: a database integer (a larger one is a 422, never a driver's overflow)
BlockerId = Annotated[int, Path(ge=1, le=2**63 - 1)]

if TYPE_CHECKING:
    from ..bootstrap import App

_CODE = Field(default=None, max_length=text.CODE_MAX)
_NOTE = Field(default=None, max_length=text.NOTE_MAX)
_DAY = Field(default=None, max_length=10, description="YYYY-MM-DD")
_VERSION = Field(default=None, ge=1, le=2**31 - 1, description="Phiên bản người gửi đã xem; khác thì 409.")


class RaiseBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str | None = Field(default=None, max_length=text.CODE_MAX, description="Mã hồ sơ (hoặc project).")
    project: str | None = _CODE
    cause: str = Field(max_length=text.CODE_MAX,
                       description="legal, site_clearance, investor_documents, other_agency, capital")
    description: str = Field(max_length=text.NOTE_MAX)
    addressed_to: str = Field(max_length=text.CODE_MAX, description="director, investor, other_agency")
    addressee: str | None = Field(default=None, max_length=text.NAME_MAX)
    cause_on: str | None = _DAY
    raised_on: str | None = _DAY


class UpdateBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str | None = _NOTE
    expected_version: int | None = _VERSION


class ResolveBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    resolution: str = Field(max_length=text.NOTE_MAX)
    resolved_on: str | None = _DAY
    expected_version: int | None = _VERSION


class UrgeBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str | None = Field(default=None, max_length=text.CODE_MAX, description="Mã hồ sơ (hoặc officer).")
    officer: str | None = _CODE
    note: str | None = _NOTE




def add_blocker_api(api: FastAPI, app: App) -> None:
    @api.get("/api/v1/blockers", responses=ERROR_RESPONSES)
    def blockers_list(who: Who, state: Short = None, division: Short = None, code: Short = None,
                      project: Short = None, open: bool = False,
                      limit: Annotated[int, Query(ge=1, le=10000)] = 500) -> list[dict[str, Any]]:
        return app.blockers.list(state=state, division=division, code=code, project=project, open_only=open,
                                 limit=limit, viewer=who.person)

    @api.post("/api/v1/blockers", status_code=201, responses=ERROR_RESPONSES)
    def blockers_raise(who: Who, body: RaiseBody) -> dict[str, Any]:
        return app.blockers.raise_(RaiseBlocker(actor=who.person.id, **body.model_dump()), who.via)

    @api.get("/api/v1/blockers/{blocker_id}", responses=ERROR_RESPONSES)
    def blockers_show(who: Who, blocker_id: BlockerId) -> dict[str, Any]:
        return app.blockers.get(blocker_id, who.person)

    @api.post("/api/v1/blockers/{blocker_id}/update", responses=ERROR_RESPONSES)
    def blockers_update(who: Who, blocker_id: BlockerId, body: UpdateBody) -> dict[str, Any]:
        return app.blockers.update(UpdateBlocker(blocker_id, who.person.id, body.note, body.expected_version),
                                   who.via)

    @api.post("/api/v1/blockers/{blocker_id}/resolve", responses=ERROR_RESPONSES)
    def blockers_resolve(who: Who, blocker_id: BlockerId, body: ResolveBody) -> dict[str, Any]:
        cmd = ResolveBlocker(blocker_id, who.person.id, body.resolution, body.resolved_on, body.expected_version)
        return app.blockers.resolve(cmd, who.via)

    @api.post("/api/v1/urges", status_code=201, responses=ERROR_RESPONSES)
    def urges_add(who: Who, body: UrgeBody) -> dict[str, Any]:
        return app.urging.urge(who.person.id, code=body.code, officer=body.officer, note=body.note, via=who.via)

    @api.get("/api/v1/urges", responses=ERROR_RESPONSES)
    def urges_list(who: Who, code: Short = None, officer: Short = None,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
        """The urges of a dossier (``code``: whoever may see it) or of an officer (``officer``: the officer, and
        whoever acts on their division's dossiers), newest first."""
        return app.urging.listed(who.person, code=code, officer=officer, limit=limit)
