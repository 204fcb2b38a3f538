"""The API under ``/api/v1``: every action the officers' pages offer, for the holder of a token.

- ``GET /api/v1/dossiers`` — the search (``q`` without accents, filters, ``due``, ``sort``, ``page``) with
  the total; ``GET /api/v1/export/dossiers.xlsx`` — its whole result as a workbook;
- ``GET /api/v1/my-work`` — the caller's open dossiers, most urgent first, with the counters;
- ``GET /api/v1/dossiers/{code}`` — a dossier with the actions the caller may take and what each requires;
- ``POST /api/v1/dossiers/{code}/actions/{event}`` — take one (``reason``, ``missing``, ``confirmed``…);
- ``POST /api/v1/dossiers`` — receive (intake, with ``intake_channel`` and the documents received; ``at`` and
  the director's ``correction`` as ``thamdinh receive`` takes them);
  ``GET /api/v1/intake/due-date`` — the appointment date before receiving;
- ``GET /api/v1/dossiers/{code}/documents/{kind}.pdf`` — a one-stop document (``receipt``…) as PDF.
The older ``/api/...`` routes stay as they were.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal

from fastapi import FastAPI, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from ..domain import requirements as rq
from ..domain import text
from ..domain.commands import Fire
from ..domain.errors import BadInput
from ..services.search_query import SearchQuery
from .api import CORRECTION, ReceiveBody, Who
from .documents import file_name, one_stop, pdf_response
from .dossier_page import actions
from .errors import ERROR_RESPONSES
from .intake import intake_of
from .search import XLSX

if TYPE_CHECKING:
    from ..bootstrap import App

from enum import Enum

TAG: list[str | Enum] = ["v1"]
_Q = Annotated[str, Query(max_length=200)]
_S = Annotated[str, Query(max_length=text.CODE_MAX)]
_PDF: dict[int | str, dict[str, Any]] = {200: {"content": {"application/pdf": {}}, "description": "Tệp PDF (A4)."}}


class ActionBody(BaseModel):
    """What an action takes; the workflow file says which of ``reason`` and ``missing`` it requires."""

    model_config = ConfigDict(extra="forbid")
    reason: str | None = Field(default=None, max_length=text.NOTE_MAX, description="Lý do (trả lại, yêu cầu bổ sung).")
    missing: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list, max_length=100,
                                                                 description="Tài liệu cần bổ sung, mỗi mục một chuỗi.")
    note: str | None = Field(default=None, max_length=text.NOTE_MAX)
    officer: str | None = Field(default=None, max_length=text.CODE_MAX, description="Cán bộ nhận hồ sơ (giao hồ sơ).")
    expected_version: int | None = Field(default=None, ge=1, le=2**31 - 1)
    at: str | None = Field(default=None, max_length=40, description="Thời điểm (ISO 8601); mặc định: bây giờ.")
    new_date: dt.date | None = Field(default=None, description="Ngày hẹn trả mới (dự thảo phiếu xin lỗi).")
    confirmed: bool = Field(default=False, description="Bắt buộc true với thao tác cần xác nhận (confirm).")
    correction: str | None = Field(default=None, max_length=text.NOTE_MAX, description=CORRECTION)


class IntakeBody(ReceiveBody):
    intake_channel: Literal["in_person", "online", "post"] = Field(
        description="Kênh tiếp nhận: in_person (trực tiếp), online (trực tuyến), post (bưu chính).")
    received: list[Annotated[str, Field(max_length=500)]] = Field(default_factory=list, max_length=100,
                                                                  description="Thành phần hồ sơ đã nhận.")
    investor_address: str | None = Field(default=None, max_length=text.NAME_MAX, description="Địa chỉ chủ đầu tư.")
    investor_phone: str | None = Field(default=None, max_length=32, description="Điện thoại chủ đầu tư.")
    investor_email: str | None = Field(default=None, max_length=254, description="Thư điện tử chủ đầu tư.")


def add_api_v1(api: FastAPI, app: App) -> None:
    svc, finder, docs, intake = app.services, app.services.finder, one_stop(app), intake_of(app)

    @api.get("/api/v1/dossiers", responses=ERROR_RESPONSES, tags=TAG)
    def v1_search(who: Who, q: _Q = "", state: _S = "", division: _S = "", officer: _S = "", workflow: _S = "",
                  due: _S = "", received_from: _S = "", received_to: _S = "", sort: _S = "han",
                  page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> dict[str, Any]:
        """Tra cứu hồ sơ (không dấu: «duong» tìm được «Đường»), lọc, sắp xếp, phân trang kèm tổng số."""
        query = SearchQuery(q, state, division, officer, workflow, due, received_from, received_to, sort, str(page))
        return finder.search(query, who.person)

    @api.get("/api/v1/export/dossiers.xlsx", responses={**ERROR_RESPONSES, 200: {"content": {XLSX: {}}}}, tags=TAG)
    def v1_export(who: Who, q: _Q = "", state: _S = "", division: _S = "", officer: _S = "", workflow: _S = "",
                  due: _S = "", received_from: _S = "", received_to: _S = "", sort: _S = "han") -> Response:
        """Toàn bộ kết quả tra cứu (tối đa 10.000 hồ sơ) dưới dạng tệp Excel."""
        from ..reporting.list_workbook import dossier_list_xlsx

        query = SearchQuery(q, state, division, officer, workflow, due, received_from, received_to, sort)
        rows = finder.export(query, who.person)["rows"]
        return Response(dossier_list_xlsx(rows, "Danh sách hồ sơ", finder.today()), media_type=XLSX)

    @api.get("/api/v1/my-work", responses=ERROR_RESPONSES, tags=TAG)
    def v1_my_work(who: Who, due: _S = "", page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> dict[str, Any]:
        """Việc của tôi: hồ sơ đang giải quyết, gấp nhất trước, kèm số đếm theo tình trạng hạn."""
        return finder.my_work(who.person, due or None, page)

    @api.get("/api/v1/intake/due-date", responses=ERROR_RESPONSES, tags=TAG)
    def v1_due_date(who: Who, workflow: _S, group: _S, grade: _S = "") -> dict[str, Any]:
        """Ngày hẹn trả kết quả nếu tiếp nhận bây giờ."""
        return intake.due_date(workflow, group, grade or None)

    @api.post("/api/v1/dossiers", status_code=201, responses=ERROR_RESPONSES, tags=TAG)
    def v1_receive(who: Who, body: IntakeBody) -> dict[str, Any]:
        """Tiếp nhận hồ sơ (bộ phận một cửa), ghi kênh tiếp nhận và thành phần hồ sơ đã nhận."""
        values = {k: "" if v is None else str(v) for k, v in body.model_dump(exclude={"received", "at", "correction"})
                  .items()}
        code = intake.receive(values, body.received, who.person, who.via, at=body.at, correction=body.correction)
        return svc.show(code, who.person)

    _documents(api, app, docs)
    _dossier(api, app)


def _documents(api: FastAPI, app: App, docs: Any) -> None:
    @api.get("/api/v1/dossiers/{code:path}/documents/{kind}.pdf", responses={**ERROR_RESPONSES, **_PDF}, tags=TAG)
    def v1_document(who: Who, code: str, kind: Annotated[str, Path(max_length=32)]) -> Response:
        """Một phiếu một cửa của hồ sơ (receipt, supplement, refusal, control) dưới dạng PDF."""
        view = app.services.show(code, who.person)
        return pdf_response(docs.pdf(kind, view, {}), file_name(view["code"], kind))


def _dossier(api: FastAPI, app: App) -> None:
    svc = app.services

    @api.post("/api/v1/dossiers/{code:path}/actions/{event}", responses=ERROR_RESPONSES, tags=TAG)
    def v1_act(who: Who, code: str, event: Annotated[str, Path(max_length=text.CODE_MAX)],
               body: ActionBody) -> dict[str, Any]:
        """Thực hiện một thao tác; thao tác cần lý do (trả lại, yêu cầu bổ sung) bị từ chối (422) khi thiếu,
        thao tác cần xác nhận (phát hành, trả lại, rút) cần ``confirmed: true``."""
        view = svc.show(code, who.person)
        wf = app.rules.definition(view["workflow"], view["workflow_version"])
        edef = wf.events.get(event)
        note = rq.compose(body.reason, body.missing, body.note, body.new_date)
        if edef is not None and edef.confirm and not body.confirmed:
            raise BadInput(f"«{edef.label}» cần xác nhận: {edef.confirm}", hint="Gửi lại với «confirmed»: true.",
                           field="confirmed")
        result = svc.fire(Fire(code=code, event=event, actor=who.person.id, note=note, at=body.at,
                               expected_version=body.expected_version, correction=body.correction,
                               officer=body.officer if svc.assigns_officer(event) else None), who.via)
        out = _view(app, code, who)
        out["fired"] = result
        return out

    @api.get("/api/v1/dossiers/{code:path}", responses=ERROR_RESPONSES, tags=TAG)
    def v1_show(who: Who, code: str) -> dict[str, Any]:
        """Một hồ sơ: chi tiết, thời hạn từng bước, diễn biến, và các thao tác người gọi được làm (kèm yêu cầu)."""
        return _view(app, code, who)


def _view(app: App, code: str, who: Any) -> dict[str, Any]:
    view = app.services.show(code, who.person)
    wf = app.rules.definition(view["workflow"], view["workflow_version"])
    view["actions"] = actions(wf, view["my_events"])
    return view
