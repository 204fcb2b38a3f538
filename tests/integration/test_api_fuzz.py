"""The API under generated input, on SQLite and PostgreSQL, signed in with a director's token:

- schemathesis against the OpenAPI schema (150 generated cases per operation and backend, with its
  coverage phase over 1,000 cases on each backend): no server error, no
  status, content type, header or body outside what the schema documents;
- Hypothesis over bodies and path parameters with NUL and other control characters, "/" and dot
  segments, very long strings: never a 500, always the project's error body.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import checks as sc
from webtools import BASE

from engine.bootstrap import App
from engine.io.settings import Settings
from engine.web import asgi

TOKEN_HOLDER = "gd.tran"
FUZZ = settings(max_examples=100, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                       HealthCheck.function_scoped_fixture])


@pytest.fixture
def seeded(app: App, make_dossier: Callable[..., Any]) -> Iterator[tuple[TestClient, str]]:
    """A few dossiers to find (one with a "/" in its code), the director's token, and a client of the
    application (built once: building it costs more than a request)."""
    for code in ("F-1", "125/SXD-HTKT", "F-2"):
        make_dossier(code=code)
    token, _ = app.accounts.create_token(TOKEN_HOLDER, "kiểm thử tự động")
    served = asgi(app)
    SWITCH.target = served
    yield TestClient(served, base_url=BASE, headers={"Authorization": f"Bearer {token}"}), token


class Switch:
    """The ASGI application schemathesis calls: the seeded test's, once the fixture sets it.

    The schema is loaded when this module is imported (schemathesis' fixture-based loader does not
    work on pytest 9), from an application on an empty database: producing the schema reads none."""

    def __init__(self) -> None:
        self.target: Any = asgi(App(Settings().with_(database_url="sqlite:///schema-only.db")))

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.target(scope, receive, send)


SWITCH = Switch()
schema = schemathesis.openapi.from_asgi("/api/openapi.json", SWITCH)
#: what the schema promises; unknown query parameters are ignored, as HTTP services do, so schemathesis'
#: negative-data check (which expects them refused) is not among them
CHECKS = [sc.not_a_server_error, sc.status_code_conformance, sc.content_type_conformance,
          sc.response_headers_conformance, sc.response_schema_conformance]


@schema.parametrize()
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                 HealthCheck.function_scoped_fixture])
def test_the_api_keeps_to_its_schema(case: Any, seeded: tuple[TestClient, str]) -> None:
    _, token = seeded
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


# -- hand-made strategies: the characters that broke things -----------------------------------------
NASTY = st.one_of(
    st.text(min_size=0, max_size=80),
    st.text(alphabet=st.sampled_from("\x00\x01\x1b\x7f\u200b/.%?#\\ ạẫ\r\n\t"), min_size=1, max_size=20),
    st.sampled_from(["a/../b", "../../etc/passwd", "125/SXD-HTKT", "%2F", "x" * 5000, "\x00", " ", "null"]),
    st.builds(lambda a, b: f"{a}/{b}", st.text(max_size=10), st.text(max_size=10)),
)
VALUE = st.one_of(NASTY, st.none(), st.integers(min_value=-2**70, max_value=2**70), st.booleans(),
                  st.lists(st.integers(), max_size=3))


def _client(seeded: tuple[TestClient, str]) -> TestClient:
    return seeded[0]


def _fine(r: Any) -> None:
    assert r.status_code < 500, (r.status_code, r.text[:500])
    if r.status_code >= 400:
        body = r.json()
        assert isinstance(body["error"], str) and body["message"], body


@FUZZ
@given(code=NASTY)
def test_any_code_in_a_path_is_never_a_server_error(seeded: tuple[TestClient, str], code: str) -> None:
    client = _client(seeded)
    _fine(client.get(f"/api/dossiers/{quote(code, safe='')}"))
    _fine(client.post(f"/api/dossiers/{quote(code, safe='')}/events", json={"event": "accept"}))


@FUZZ
@given(body=st.dictionaries(st.sampled_from(["event", "note", "at", "expected_version", "officer", "actor"]),
                            VALUE, max_size=6))
def test_any_event_body_is_never_a_server_error(seeded: tuple[TestClient, str], body: dict[str, Any]) -> None:
    _fine(_client(seeded).post("/api/dossiers/F-1/events", json=body))


RECEIVE_FIELDS = ["workflow", "code", "name", "investor", "group", "division", "grade", "officer",
                  "capital_source", "at", "note"]


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(RECEIVE_FIELDS), VALUE, max_size=4))
def test_any_receive_body_is_never_a_server_error(seeded: tuple[TestClient, str], changes: dict[str, Any]) -> None:
    body = dict(workflow="project-appraisal", code="F-NEW", name="Dự án", investor="Ban", group="C", grade="III",
                division="QLXD", officer="cv.pham", at="2024-06-10")
    body.update(changes)
    _fine(_client(seeded).post("/api/dossiers", json=body))


@FUZZ
@given(params=st.dictionaries(st.sampled_from(["state", "division", "officer", "workflow", "overdue", "due_within",
                                               "limit"]), NASTY, max_size=4))
def test_any_list_query_is_never_a_server_error(seeded: tuple[TestClient, str], params: dict[str, str]) -> None:
    _fine(_client(seeded).get("/api/dossiers", params=params))
