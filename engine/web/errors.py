"""Errors at the edge: one body for the API, one page for people, in Vietnamese, never a traceback.

The API answers ``{"error", "message", "hint"}`` with 401 (no valid token), 403 (not permitted, or a
post from another origin), 404 (no such dossier or address), 409 (refused by the workflow, or a
concurrent edit), 422 (bad input, the request's own validation included). A page shows the same
message; one that needs a signed-in person sends the browser to the sign-in page.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..domain.errors import BadInput, NotPermitted, NotSignedIn, SignInRefused, ThamdinhError, UnknownDossier

log = logging.getLogger(__name__)
SIGN_IN = "/dang-nhap"


class ErrorBody(BaseModel):
    """Every error of the API."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str
    hint: str | None = None


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Chưa gửi mã truy cập hợp lệ (Authorization: Bearer <mã>)."},
    403: {"model": ErrorBody, "description": "Người gửi không có quyền làm việc này, hoặc yêu cầu đến từ nơi khác."},
    404: {"model": ErrorBody, "description": "Không có hồ sơ (hoặc địa chỉ) này."},
    409: {"model": ErrorBody, "description": "Quy trình không cho phép, hoặc hồ sơ vừa được người khác cập nhật."},
    422: {"model": ErrorBody, "description": "Dữ liệu gửi lên không hợp lệ."},
}


def status_for(exc: ThamdinhError) -> int:
    if isinstance(exc, NotSignedIn):
        return 401
    if isinstance(exc, NotPermitted):
        return 403
    if isinstance(exc, UnknownDossier):
        return 404
    if isinstance(exc, BadInput) or exc.exit_code == 2:
        return 422
    return 409


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


_WHERE = {"body": "nội dung gửi lên", "query": "tham số", "path": "đường dẫn", "header": "tiêu đề", "cookie": "cookie"}


def _field(loc: tuple[Any, ...]) -> tuple[str, str]:
    where = _WHERE.get(str(loc[0]), str(loc[0])) if loc else "yêu cầu"
    name = ".".join(str(x) for x in loc[1:]) or where
    return where, name


def _one(err: dict[str, Any]) -> str:
    where, name = _field(tuple(err.get("loc", ())))
    kind, ctx = err.get("type", ""), err.get("ctx") or {}
    messages: dict[str, Callable[[], str]] = {
        "missing": lambda: f"thiếu «{name}» trong {where}",
        "extra_forbidden": lambda: (f"không nhận «{name}»" + (": người thực hiện là người đăng nhập hoặc chủ mã truy "
                                                              "cập, không gửi kèm" if name.endswith("actor") else "")),
        "int_parsing": lambda: f"«{name}» phải là số nguyên",
        "int_type": lambda: f"«{name}» phải là số nguyên",
        "int_from_float": lambda: f"«{name}» phải là số nguyên",
        "bool_parsing": lambda: f"«{name}» phải là true hoặc false",
        "bool_type": lambda: f"«{name}» phải là true hoặc false",
        "string_type": lambda: f"«{name}» phải là chuỗi ký tự",
        "string_too_long": lambda: f"«{name}» dài quá {ctx.get('max_length')} ký tự",
        "greater_than_equal": lambda: f"«{name}» phải từ {ctx.get('ge')} trở lên",
        "less_than_equal": lambda: f"«{name}» phải không quá {ctx.get('le')}",
        "json_invalid": lambda: "nội dung gửi lên không phải JSON hợp lệ",
        "model_attributes_type": lambda: "nội dung gửi lên phải là một đối tượng JSON",
        "dict_type": lambda: "nội dung gửi lên phải là một đối tượng JSON",
    }
    found = messages.get(kind)
    return found() if found else f"«{name}» không hợp lệ"


def validation_message(exc: RequestValidationError) -> str:
    parts = list(dict.fromkeys(_one(e) for e in exc.errors()))
    text = "; ".join(parts[:5]) + ("; …" if len(parts) > 5 else "")
    return f"Dữ liệu gửi lên không hợp lệ: {text}."


Page = Callable[..., HTMLResponse]


def install(api: FastAPI, page: Page) -> None:
    """The handlers: project errors, request validation, unknown addresses, and anything unexpected."""

    def answer(request: Request, status: int, body: dict[str, Any], title: str) -> Response:
        if is_api(request):
            headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
            return JSONResponse(body, status_code=status, headers=headers)
        message = body["message"] + (f" {body['hint']}" if body.get("hint") else "")
        return page(request, "error.html", status, message=message, title=title)

    @api.exception_handler(ThamdinhError)
    async def _project(request: Request, exc: ThamdinhError) -> Response:
        status = status_for(exc)
        if status == 401 and not is_api(request) and not isinstance(exc, SignInRefused):
            return RedirectResponse(f"{SIGN_IN}?next={quote(_local(request), safe='')}", status_code=303)
        title = {401: "Không đăng nhập được", 403: "Không có quyền", 404: "Không tìm thấy"}.get(
            status, "Không thực hiện được")
        return answer(request, status, exc.as_dict(), title)

    @api.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        body = {"error": "invalid_input", "message": validation_message(exc),
                "hint": "Xem tài liệu API tại /api/docs." if is_api(request) else "Kiểm tra lại biểu mẫu."}
        return answer(request, 422, body, "Dữ liệu không hợp lệ")

    @api.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400:  # a body FastAPI could not even decode (not UTF-8 JSON, say)
            body = {"error": "invalid_input", "message": "Không đọc được nội dung gửi lên.",
                    "hint": "Gửi JSON mã hóa UTF-8, với tiêu đề Content-Type: application/json."}
            return answer(request, 422, body, "Dữ liệu không hợp lệ")
        body = {404: {"error": "not_found", "message": "Không có địa chỉ này.", "hint": "Kiểm tra lại đường dẫn."},
                405: {"error": "method_not_allowed", "message": "Địa chỉ này không nhận phương thức đó."}
                }.get(exc.status_code, {"error": "http", "message": f"Lỗi HTTP {exc.status_code}."})
        return answer(request, exc.status_code, body, "Không tìm thấy" if exc.status_code == 404 else "Lỗi")

    @api.exception_handler(Exception)
    async def _fault(request: Request, exc: Exception) -> Response:
        log.exception("lỗi không lường trước ở %s", request.url.path)
        body = {"error": "internal", "message": "Lỗi không lường trước của hệ thống; thao tác chưa được ghi.",
                "hint": "Báo cho quản trị hệ thống (chi tiết đã ghi vào nhật ký của máy chủ)."}
        return answer(request, 500, body, "Lỗi hệ thống")


def _local(request: Request) -> str:
    path = request.url.path
    return path + (f"?{request.url.query}" if request.url.query else "")


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path of this site only (never ``//host`` or ``http://…``)."""
    if (not target or not target.startswith("/") or target.startswith("//") or "\\" in target
            or not target.isprintable()):
        return "/ho-so"
    return target
