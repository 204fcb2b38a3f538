"""The web pages and the JSON API (FastAPI), over the same use cases and access rules as the CLI.

Pages (Vietnamese): ``/dang-nhap`` (sign in), ``/ho-so`` (the list, with filters), ``/ho-so/{code}``
(a dossier: its clock, history and one button per action the signed-in person may take),
``/quan-tri/nhat-ky`` (the audit log, for administrators). API: ``/api/...`` with a personal token;
its documentation at ``/api/docs`` (served offline), its schema at ``/api/openapi.json``.

The layers of one request, outermost first: ``PeerRecorder`` (the connecting host), uvicorn's
proxy-headers middleware (the client's address and scheme, from trusted proxies only), ``Guard``
(cross-origin posts refused, security headers on every response), then FastAPI's routes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from ..io.resources import templates_dir
from . import errors
from .admin import add_admin
from .api import add_api
from .api_blockers import add_blocker_api
from .api_v1 import add_api_v1
from .boards import add_boards
from .capital_pages import add_capital_pages
from .docs import add_docs
from .documents import add_documents
from .dossier_page import add_dossier_page
from .identity import Identity
from .intake import add_intake
from .pages import add_pages
from .public import add_public
from .render import renderer
from .reports_pages import add_reports
from .search import add_search
from .security import ASGIApp, Guard, PeerRecorder
from .signin import add_signin
from .work import add_work

if TYPE_CHECKING:
    from ..bootstrap import App


def create_web(app: App) -> FastAPI:
    """The FastAPI application around one composition root, with its middleware."""
    api = FastAPI(title="thamdinh", version=_version(), docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="API của hệ thống quản lý hồ sơ thẩm định. Mọi yêu cầu cần mã truy cập cá nhân "
                              "(Authorization: Bearer <mã>); mã hồ sơ có «/» được viết %2F trong đường dẫn.")
    page, identity = renderer(app), Identity(app)
    errors.install(api, page)
    add_docs(api, templates_dir() / "web" / "static")
    add_signin(api, app, page, identity)
    add_pages(api, app, page, identity)
    # the officers' pages; the documents before the dossier page, whose path takes any code
    add_work(api, app, page, identity)
    add_search(api, app, page, identity)
    add_intake(api, app, page, identity)
    add_documents(api, app, identity)
    add_dossier_page(api, app, page, identity)
    add_api_v1(api, app)
    add_admin(api, app, page, identity)
    add_api(api, app, identity)
    add_blocker_api(api, app)
    add_boards(api, app, page, identity)
    add_public(api, app, page)
    add_reports(api, app, page, identity)
    add_capital_pages(api, app, page, identity)
    return api


def asgi(app: App) -> ASGIApp:
    """What a server runs: the FastAPI application inside the guard and the proxy layers."""
    inner: ASGIApp = Guard(create_web(app), app.settings.base_url)  # type: ignore[arg-type]
    proxies = [str(n) for n in app.settings.proxy_networks]
    if proxies:  # without a named proxy, no forwarded header is believed
        inner = ProxyHeadersMiddleware(inner, trusted_hosts=proxies)  # type: ignore[arg-type,assignment]
    return PeerRecorder(inner)


def _version() -> str:
    from .. import __version__

    return __version__


__all__ = ["asgi", "create_web"]
