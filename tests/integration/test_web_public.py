"""The public pages on both databases, signed out: the look-up by code and key (state, appointment,
results; no officer, no note), its refusals and limit, and the movement's ranking with its inputs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from webtools import BASE

from engine.bootstrap import App
from engine.domain.commands import Fire
from engine.services.public import lookup_key, normalise_key
from engine.web import asgi

SECRET = "khóa bí mật của sở dùng cho kiểm thử, đủ dài"


@pytest.fixture
def public(app: App) -> Iterator[App]:
    """The same database, served by an application that has a secret."""
    with_secret = App(app.settings.with_(secret_key=SECRET), app.clock)
    yield with_secret
    with_secret.close()


def _client(app: App) -> TestClient:
    return TestClient(asgi(app), base_url=BASE)


def test_the_key_is_an_hmac_of_the_code_and_forgives_how_it_is_typed() -> None:
    key = lookup_key(SECRET, "125/SXD-HTKT")
    assert len(key) == 11 and key[5] == "-" and key == lookup_key(SECRET, " 125/SXD-HTKT ")
    assert key != lookup_key(SECRET, "126/SXD-HTKT") and key != lookup_key(SECRET + "x", "125/SXD-HTKT")
    assert normalise_key(key.lower().replace("-", " ")) == key
    assert normalise_key("abcde0fgh1") == "ABCDE-OFGHI"


def test_the_public_look_up_shows_the_state_and_no_officer_s_name(
        public: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="125/SXD-QLXD", at="2026-10-01", name="Trường tiểu học Tân Hòa")
    public.services.fire(Fire(code="125/SXD-QLXD", event="accept", actor="cv.pham", at="2026-10-02",
                              note="Ghi chú nội bộ của chuyên viên"))
    key = public.services.show("125/SXD-QLXD")["history"] and lookup_key(SECRET, "125/SXD-QLXD")
    r = _client(public).get("/tra-cuu", params={"ma": "125/SXD-QLXD", "khoa": key.lower()})
    assert r.status_code == 200, r.text
    html = r.text
    assert "Trường tiểu học Tân Hòa" in html and "Đang thẩm định" in html
    assert "Ngày hẹn trả kết quả" in html and "/2026" in html
    for private in ("Phạm Thị Hồng", "cv.pham", "Nguyễn Hữu Phước", "Ghi chú nội bộ", "Đăng xuất"):
        assert private not in html
    api = _client(public).get("/api/v1/public/lookup", params={"code": "125/SXD-QLXD", "key": key})
    assert api.status_code == 200 and api.json()["state_label"] == "Đang thẩm định"
    assert "officer" not in str(api.json()) and "note" not in api.json()


def test_an_unknown_code_and_a_wrong_key_get_the_same_answer_and_too_many_are_refused(
        public: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="TC-01", at="2026-10-01")
    client = _client(public)
    wrong = client.get("/api/v1/public/lookup", params={"code": "TC-01", "key": "AAAAA-AAAAA"})
    unknown = client.get("/api/v1/public/lookup", params={"code": "TC-99", "key": lookup_key(SECRET, "TC-99")})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json() and "mã tra cứu" in wrong.json()["message"]
    for _ in range(8):
        client.get("/tra-cuu", params={"ma": "TC-01", "khoa": "BBBBB-BBBBB"})
    refused = client.get("/tra-cuu", params={"ma": "TC-01", "khoa": lookup_key(SECRET, "TC-01")})
    assert refused.status_code == 429 and "quá 10 lần" in refused.text  # even the right key, for a while
    assert client.get("/api/v1/public/lookup", params={"code": "TC-01", "key": "x"}).status_code == 429


def test_without_a_secret_the_look_up_says_it_is_not_enabled(app: App,
                                                             make_dossier: Callable[..., dict[str, Any]]) -> None:
    make_dossier(code="TC-02", at="2026-10-01")
    r = _client(app).get("/tra-cuu", params={"ma": "TC-02", "khoa": "AAAAA-AAAAA"})
    assert r.status_code == 422 and "chưa bật tra cứu" in r.text


def test_the_public_ranking_renders_signed_out_with_how_each_score_was_made(
        app: App, make_dossier: Callable[..., dict[str, Any]]) -> None:
    for n in range(3):
        code = f"XH-{n}"
        make_dossier(code=code, at="2024-06-03", officer="cv.vo")
        app.services.fire(Fire(code=code, event="accept", actor="cv.vo", at="2024-06-04"))
        app.services.fire(Fire(code=code, event="pass_appraisal", actor="cv.vo", at="2024-06-05"))
    r = _client(app).get("/xep-hang")
    assert r.status_code == 200, r.text
    html = r.text
    assert "Xếp hạng thi đua" in html and "Phòng Quản lý xây dựng" in html and "Võ Quốc Bảo" in html
    assert "Tổng:" in html and "Trọng số" in html and "Đăng xuất" not in html
    data = _client(app).get("/api/v1/public/ranking").json()
    division = next(u for u in data["units"]["division"] if u["code"] == "QLXD")
    assert division["finished"] >= 3 and {"numerator", "denominator", "points", "weight"} <= set(
        division["criteria"][0])
    paths = _client(app).get("/api/openapi.json").json()["paths"]
    assert {"/api/v1/public/lookup", "/api/v1/public/ranking"} <= set(paths)
