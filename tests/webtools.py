"""Test helpers for the web: clients signed in the way a person or a script really is.

- ``api_client(app, person)``: an in-process client carrying a personal token of ``person``;
- ``page_client(app, person)``: an in-process client that signed in through the sign-in form (a
  password set through the account service, the form's own token, the session cookie);
- ``csrf_of(html)``: the CSRF token a page's form carries.
Both clients wrap the whole application as a server runs it (``engine.web.asgi``: the guard, the
security headers), not the bare FastAPI routes.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from engine.bootstrap import App
from engine.web import asgi

PASSWORD = "một câu mật khẩu đủ dài"
BASE = "http://testserver"


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]*)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def api_client(app: App, person: str | None = None) -> TestClient:
    client = TestClient(asgi(app), base_url=BASE)
    if person is not None:
        token, _ = app.accounts.create_token(person, "kiểm thử")
        client.headers["Authorization"] = f"Bearer {token}"
    return client


def sign_in(client: TestClient, login: str, password: str = PASSWORD) -> object:
    """Post the sign-in form as a browser does; returns the response (303 on success)."""
    form = client.get("/dang-nhap")
    return client.post("/dang-nhap", data={"login": login, "password": password, "csrf": csrf_of(form.text),
                                           "next": "/ho-so"}, follow_redirects=False)


def page_client(app: App, person: str, password: str = PASSWORD) -> TestClient:
    app.accounts.set_password(person, password)
    client = TestClient(asgi(app), base_url=BASE)
    r = sign_in(client, person, password)
    assert getattr(r, "status_code", None) == 303, getattr(r, "text", r)
    return client
