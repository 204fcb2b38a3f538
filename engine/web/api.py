"""The JSON API: the same commands and queries as the CLI and the pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import FastAPI
from pydantic import BaseModel

from ..domain.commands import Fire, Receive

if TYPE_CHECKING:
    from ..bootstrap import App


class ReceiveBody(BaseModel):
    workflow: str
    code: str
    name: str
    investor: str
    group: str
    division: str
    grade: str | None = None
    officer: str | None = None
    capital_source: str | None = None
    at: str | None = None
    actor: str | None = None
    note: str | None = None


class FireBody(BaseModel):
    event: str
    actor: str
    note: str | None = None
    at: str | None = None
    expected_version: int | None = None
    officer: str | None = None  # the officer an assigning event (reassign) hands the dossier to


def add_api(api: FastAPI, app: App) -> None:
    svc = app.services

    @api.get("/api/dossiers")
    def api_list(state: str | None = None, division: str | None = None, officer: str | None = None,
                 workflow: str | None = None, overdue: bool = False, due_within: int | None = None,
                 limit: int = 500) -> list[dict[str, Any]]:
        return svc.list_dossiers(state=state, division=division, officer=officer, workflow=workflow,
                                 overdue=overdue, due_within=due_within, limit=limit)

    @api.get("/api/dossiers/{code}")
    def api_show(code: str) -> dict[str, Any]:
        return svc.show(code)

    @api.post("/api/dossiers", status_code=201)
    def api_receive(body: ReceiveBody) -> dict[str, Any]:
        return svc.receive(Receive(**body.model_dump()))

    @api.post("/api/dossiers/{code}/events")
    def api_fire(code: str, body: FireBody) -> dict[str, Any]:
        cmd = Fire(code=code, **body.model_dump())
        result = svc.fire(cmd)
        view = svc.show(cmd.code)
        view["fired"] = result
        return view

    @api.get("/api/workflows/{workflow_id}")
    def api_workflow(workflow_id: str) -> dict[str, Any]:
        from ..reporting.diagram import describe

        out = describe(app.rules.latest(workflow_id))
        out.pop("text")
        return out
