"""What every response carries and what every unsafe request must pass, as plain ASGI middleware.

- ``Guard``: a POST (PUT, PATCH, DELETE) whose ``Origin`` (or, without one, ``Referer``) is not this
  application's own is refused with 403 before any route runs, even with a valid session; clients
  that send neither (scripts with a token) pass on to the route's own check. The CSRF token bound
  to the session is checked by the routes (``identity.check_csrf``).
- Every response gets the security headers: a Content Security Policy without inline script or style
  (the API's documentation page included: Swagger UI 5 runs under it),
  ``frame-ancestors 'none'``, ``nosniff``, a Referrer-Policy, ``no-store`` for anything but static files,
  and HSTS over HTTPS; a session opened during the request (behind an authenticating proxy) has its
  cookie set here.
- ``PeerRecorder`` keeps the address of the host that connected, before uvicorn's proxy-headers
  middleware replaces it with the client's (the user header is trusted only from a named proxy).
"""

from __future__ import annotations

import html
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
PEER_KEY = "thamdinh.peer"
COOKIE_KEY = "thamdinh.set_cookie"


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _origin_of(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def own_origins(scope: Scope, base_url: str) -> set[str]:
    """This application's origins: as the request reached it (scheme and Host) and as configured."""
    out = {o for o in (_origin_of(base_url),) if o}
    host = _header(scope, b"host")
    if host:
        out.add(f"{scope.get('scheme', 'http')}://{host}".lower())
    return out


def cross_origin(scope: Scope, base_url: str) -> str | None:
    """The foreign origin an unsafe request comes from, or None if it is ours or says nothing."""
    origin = _header(scope, b"origin")
    claimed = origin if origin is not None else _header(scope, b"referer")
    if claimed is None:
        return None
    found = _origin_of(claimed) if claimed != "null" else "null"
    return None if found in own_origins(scope, base_url) else (found or claimed[:100])


class Guard:
    def __init__(self, app: ASGIApp, base_url: str) -> None:
        self.app = app
        self.base_url = base_url

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in _UNSAFE and (foreign := cross_origin(scope, self.base_url)) is not None:
            await _refuse(scope, send, foreign)
            return
        path: str = scope["path"]
        static = path.startswith("/static/")
        headers = [(b"content-security-policy", CSP.encode()),
                   (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin"),
                   (b"x-frame-options", b"DENY"), (b"cross-origin-opener-policy", b"same-origin")]
        if not static:
            headers.append((b"cache-control", b"no-store"))
        if scope.get("scheme") == "https":
            headers.append((b"strict-transport-security", b"max-age=31536000"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                cookie = scope.get("state", {}).get(COOKIE_KEY)
                message["headers"] = [*message.get("headers", []), *headers,
                                      *([(b"set-cookie", cookie.encode("latin-1"))] if cookie else [])]
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _refuse(scope: Scope, send: Send, foreign: str) -> None:
    message = f"Yêu cầu gửi từ trang của nơi khác ({foreign}) bị từ chối."
    hint = "Mở trang của hệ thống rồi thao tác lại trên đó."
    if scope["path"].startswith("/api/"):
        body, ctype = json.dumps({"error": "cross_origin", "message": message, "hint": hint},
                                 ensure_ascii=False).encode(), b"application/json"
    else:
        page = (f"<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>Bị từ chối</title>"
                f"<h1>Bị từ chối</h1><p>{html.escape(message)}</p><p>{hint}</p></html>")
        body, ctype = page.encode(), b"text/html; charset=utf-8"
    await send({"type": "http.response.start", "status": 403,
                "headers": [(b"content-type", ctype), (b"content-length", str(len(body)).encode()),
                            (b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff")]})
    await send({"type": "http.response.body", "body": body})


class PeerRecorder:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket") and scope.get("client"):
            scope[PEER_KEY] = scope["client"][0]
        await self.app(scope, receive, send)
