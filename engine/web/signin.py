"""Signing in and out: ``/dang-nhap`` (the form, then the password check) and ``/dang-xuat``.

The sign-in form has no session to bind a CSRF token to, so it carries its own: a random value set
as a cookie when the form is shown, which the post must repeat. Five failures in a row lock the
account for 15 minutes (the settings say how many and how long); the message never says whether the
login exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..domain.errors import SignInRefused
from ..io import secrets
from .errors import safe_next
from .identity import SESSION_COOKIE, SIGNIN_COOKIE, Identity, set_cookie, via
from .render import Page

if TYPE_CHECKING:
    from ..bootstrap import App


def add_signin(api: FastAPI, app: App, page: Page, identity: Identity) -> None:
    accounts = app.accounts

    def form(request: Request, status: int = 200, error: str | None = None, login: str = "",
             next_: str = "") -> HTMLResponse:
        token = secrets.new_secret()
        resp = page(request, "signin.html", status, error=error, login=login[:64], next=safe_next(next_),
                    form_token=token, title="Đăng nhập")
        set_cookie(request, resp, SIGNIN_COOKIE, token)
        return resp

    @api.get("/dang-nhap", response_class=HTMLResponse, include_in_schema=False)
    def signin_form(request: Request, next: str = "") -> Response:
        if identity.page_caller(request) is not None:
            return RedirectResponse(safe_next(next), status_code=303)
        return form(request, next_=next)

    @api.post("/dang-nhap", include_in_schema=False)
    def signin(request: Request, login: str = Form(""), password: str = Form(""), csrf: str = Form(""),
               next: str = Form("")) -> Response:
        expected = request.cookies.get(SIGNIN_COOKIE)
        if not expected or not csrf or not secrets.same(csrf, expected):
            return form(request, 403, "Biểu mẫu đăng nhập đã hết hạn hoặc không phải do hệ thống cấp; "
                                      "hãy đăng nhập lại.", login, next)
        try:
            signed = accounts.sign_in(login, password, via(request, "web"), request.headers.get("user-agent"))
        except SignInRefused as exc:
            return form(request, 401, str(exc), login, next)
        resp = RedirectResponse(safe_next(next), status_code=303)
        set_cookie(request, resp, SESSION_COOKIE, signed.cookie)
        set_cookie(request, resp, SIGNIN_COOKIE, "", clear=True)
        return resp

    @api.post("/dang-xuat", include_in_schema=False)
    def signout(request: Request, csrf: str = Form("")) -> Response:
        caller = identity.page_caller(request)
        if caller is not None:
            identity.check_csrf(caller, csrf)
            cookie = request.cookies.get(SESSION_COOKIE)
            if cookie:
                accounts.sign_out(cookie, via(request, "web"))
        resp = RedirectResponse("/dang-nhap", status_code=303)
        set_cookie(request, resp, SESSION_COOKIE, "", clear=True)
        return resp
