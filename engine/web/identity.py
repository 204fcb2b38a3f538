"""Who is calling: the person of a session cookie, of a trusted proxy's header, or of a personal token.

Nothing a client sends in a form or a JSON body names the actor. Pages: the session cookie
(``thamdinh_session``: HttpOnly, SameSite=Lax, Secure over HTTPS), or, when the department runs an
authenticating reverse proxy, the header it sets (``THAMDINH_TRUSTED_PROXY_HEADER``), believed only
from the addresses named in ``THAMDINH_TRUSTED_PROXIES``; such a person gets a session of their own,
so the CSRF token is bound to it as for a password sign-in. API: ``Authorization: Bearer <token>``.

Another way of signing in (OIDC, say) is one more source here that ends in
``AccountService.proxy_sign_in``-like session opening; the routes and the services do not change.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request, Response
from fastapi.security import HTTPAuthorizationCredentials

from ..domain.accounts import WebSession
from ..domain.caller import Via
from ..domain.errors import NotPermitted, NotSignedIn
from ..domain.org import Person
from ..io import secrets
from .security import COOKIE_KEY, PEER_KEY

if TYPE_CHECKING:
    from ..bootstrap import App

SESSION_COOKIE = "thamdinh_session"
#: the sign-in form's own token (no session exists yet): a cookie and a hidden field that must match
SIGNIN_COOKIE = "thamdinh_signin"


@dataclass(frozen=True)
class Caller:
    person: Person
    via: Via
    csrf: str | None = None  # a page's session; None for a token


def client_address(request: Request) -> str | None:
    """The client's address (behind a trusted proxy: the one it forwarded)."""
    return request.client.host[:64] if request.client else None


def via(request: Request, channel: str) -> Via:
    return Via(channel, client_address(request))


def set_cookie(request: Request, response: Response, name: str, value: str, *, clear: bool = False) -> None:
    secure = request.url.scheme == "https"
    if clear:
        response.delete_cookie(name, path="/", secure=secure, httponly=True, samesite="lax")
    else:
        response.set_cookie(name, value, path="/", secure=secure, httponly=True, samesite="lax")


class Identity:
    def __init__(self, app: App) -> None:
        self.accounts = app.accounts
        self.header = (app.settings.trusted_proxy_header or "").strip() or None
        self.proxies = app.settings.proxy_networks

    # -- pages -------------------------------------------------------------------------------
    def _from_proxy(self, request: Request) -> str | None:
        """The person the trusted proxy names, or None (no proxy configured, not from it, no header)."""
        if self.header is None:
            return None
        peer = request.scope.get(PEER_KEY)
        try:
            trusted = peer is not None and any(ipaddress.ip_address(peer) in net for net in self.proxies)
        except ValueError:
            trusted = False
        value = request.headers.get(self.header) if trusted else None
        return value.strip() if value and value.strip() else None

    def page_caller(self, request: Request) -> Caller | None:
        """The signed-in person of a page request, or None; raises SignInRefused for a proxy's unknown user."""
        cookie = request.cookies.get(SESSION_COOKIE)
        session: WebSession | None = self.accounts.session(cookie) if cookie else None
        proxied = self._from_proxy(request)
        if proxied is not None and (session is None or session.person.id != proxied):
            signed = self.accounts.proxy_sign_in(proxied, via(request, "web"), request.headers.get("user-agent"))
            holder = Response()
            set_cookie(request, holder, SESSION_COOKIE, signed.cookie)
            request.scope.setdefault("state", {})[COOKIE_KEY] = holder.headers["set-cookie"]
            return Caller(signed.person, via(request, "web"), signed.csrf)
        if session is None:
            return None
        return Caller(session.person, via(request, "web"), session.csrf)

    def signed_in(self, request: Request) -> Caller:
        caller = self.page_caller(request)
        if caller is None:
            raise NotSignedIn("Cần đăng nhập.", hint="Đăng nhập bằng mã cán bộ và mật khẩu.")
        request.state.caller = caller  # for the page's header, error pages included
        return caller

    @staticmethod
    def check_csrf(caller: Caller, token: str | None) -> None:
        """Raise NotPermitted unless the form carries the CSRF token of the caller's session."""
        if caller.csrf is None or not token or not secrets.same(token, caller.csrf):
            raise NotPermitted("Biểu mẫu đã hết hạn hoặc không phải do hệ thống cấp (thiếu mã chống giả mạo).",
                               hint="Tải lại trang rồi thao tác lại.")

    # -- the API -----------------------------------------------------------------------------
    def api_caller(self, request: Request, credentials: HTTPAuthorizationCredentials | None) -> Caller:
        if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
            raise NotSignedIn("Chưa gửi mã truy cập API.",
                              hint="Gửi kèm tiêu đề «Authorization: Bearer <mã>»; xin mã: thamdinh user token "
                                   "MÃ_CÁN_BỘ --name TÊN.")
        person = self.accounts.token_person(credentials.credentials, via(request, "api"))
        return Caller(person, via(request, "api"))
