"""Rendering a page: the one template environment, the department's name, and the signed-in person
in the header (with the sign-out form and its CSRF token)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from fastapi import Request
from fastapi.responses import HTMLResponse

from ..io.templating import environment

if TYPE_CHECKING:
    from ..bootstrap import App


class Page(Protocol):
    def __call__(self, request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse: ...


def renderer(app: App) -> Page:
    env = environment("web", app.rules)

    def page(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
        caller = getattr(request.state, "caller", None)
        ctx.setdefault("title", "Hồ sơ thẩm định")
        ctx.setdefault("department", app.settings.department_name)
        roles = caller.person.roles if caller is not None else frozenset()
        acts_on = app.roles.widest(roles, "acts_on")
        ctx.update(caller=caller, caller_roles=app.roles.labels(roles),
                   may_audit=app.roles.manages(roles, "accounts"),
                   may_board=acts_on in ("division", "all"), may_department=acts_on == "all",
                   may_admin=app.roles.manages(roles, "people"), may_receive=app.roles.any(roles, "receives"))
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=status)

    return page
