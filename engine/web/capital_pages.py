"""The capital page ``/giai-ngan`` (the director and the heads): the disbursement progress against the
movement's target and milestones (per project, investor or capital source, and the whole; the projection
from the monthly trend; the projects below the milestone path) and the projects waiting on an appraisal,
as of a day; each table as XLSX (``/giai-ngan/tien-do.xlsx``, ``/giai-ngan/cho-tham-dinh.xlsx``).

The figures are ``App.capital``'s (engine/services/capital_reports.py), the same as ``thamdinh capital
progress|holdups``; who may see them is ``Access.require_capital``.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response

from ..domain.clock import parse_date
from ..domain.errors import BadInput
from ..domain.org import Person
from .identity import Identity
from .render import Page
from .search import XLSX

if TYPE_CHECKING:
    from ..bootstrap import App

PAGE = "/giai-ngan"
BY_CHOICES = (("project", "Dự án"), ("investor", "Chủ đầu tư"), ("capital_source", "Nguồn vốn"))


def _day(typed: str) -> dt.date | None:
    return parse_date(typed, "ngày tính đến") if typed.strip() else None


def _by(typed: str) -> str:
    if typed and typed not in dict(BY_CHOICES):
        raise BadInput(f"Không nhóm được theo «{typed[:30]}».",
                       hint="Chọn: " + ", ".join(label for _, label in BY_CHOICES) + ".")
    return typed or "project"


def stage_labels(app: App) -> dict[str, str]:
    """Every workflow's stages by their Vietnamese labels (a hold-up names the stage of its open case)."""
    return {stage: label for wf in app.rules.workflows.values() for stage, label in wf.stages.items()}


def _workbook(write: Any, data: dict[str, Any], stem: str) -> Response:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / f"{stem}.xlsx"
        write(data, out)
        body = out.read_bytes()
    return Response(body, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{stem}-{data["as_of"]}.xlsx"'})


def add_capital_pages(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    def viewer(request: Request) -> Person:
        caller = identity.signed_in(request)
        app.access.require_capital(caller.person)
        return caller.person

    @api.get(PAGE, response_class=HTMLResponse, include_in_schema=False)
    def capital_page(request: Request, as_of: str = "", by: str = "") -> HTMLResponse:
        viewer(request)
        day, group = _day(as_of[:10]), _by(by[:20])
        progress = app.capital.progress(day, group)
        holdups = app.capital.holdups(day)
        query = f"as_of={progress['as_of']}"
        return page(request, "capital.html", p=progress, h=holdups, by=group, by_choices=BY_CHOICES,
                    stages=stage_labels(app), query=query, title="Tiến độ giải ngân vốn đầu tư công")

    @api.get(PAGE + "/tien-do.xlsx", include_in_schema=False)
    def progress_xlsx(request: Request, as_of: str = "", by: str = "") -> Response:
        from ..reporting.capital_workbook import write_progress_xlsx

        viewer(request)
        data = app.capital.progress(_day(as_of[:10]), _by(by[:20]))
        return _workbook(write_progress_xlsx, data, "tien-do-giai-ngan")

    @api.get(PAGE + "/cho-tham-dinh.xlsx", include_in_schema=False)
    def holdups_xlsx(request: Request, as_of: str = "") -> Response:
        from ..reporting.capital_workbook import write_holdups_xlsx

        viewer(request)
        return _workbook(write_holdups_xlsx, app.capital.holdups(_day(as_of[:10])), "du-an-cho-tham-dinh")
