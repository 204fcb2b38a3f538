"""Signing in, sessions, lock-out, personal tokens and the audit log, on SQLite and PostgreSQL, with the
injected clock for every expiry."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE_ORG, make_app_for, transaction
from fastapi.testclient import TestClient
from webtools import BASE, PASSWORD, api_client, csrf_of, page_client, sign_in

from engine.bootstrap import App
from engine.domain.caller import Via
from engine.domain.clock import FixedClock
from engine.domain.errors import BadInput, NotPermitted, NotSignedIn, SignInRefused
from engine.io.secrets import digest
from engine.web import asgi


def _kinds(app: App, person: str | None = None) -> list[str]:
    return [e.kind for e in reversed(app.accounts.audit(person_id=person))]


# -- passwords -------------------------------------------------------------------------------------
def test_a_password_is_stored_as_an_argon2id_hash_and_never_in_clear(app: App) -> None:
    app.accounts.set_password("cv.pham", PASSWORD)
    with transaction(app) as tx:
        stored = tx.execute("SELECT password_hash FROM account WHERE person_id = ?", ("cv.pham",)).fetchone()[0]
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert PASSWORD not in stored
    assert _kinds(app, "cv.pham") == ["password_set"]


@pytest.mark.parametrize("password, words", [("ngắn quá", "quá ngắn"), ("cv.pham", "quá ngắn"),
                                             ("aaaaaaaaaaaaaa", "dễ đoán"), ("mật khẩu\x00dài dài", "điều khiển")])
def test_a_weak_password_is_refused_and_nothing_is_stored(app: App, password: str, words: str) -> None:
    with pytest.raises(BadInput, match=words):
        app.accounts.set_password("cv.pham", password)
    with transaction(app) as tx:
        assert tx.execute("SELECT COUNT(*) FROM account").fetchone()[0] == 0


# -- signing in --------------------------------------------------------------------------------------
def test_signing_in_opens_a_session_whose_cookie_is_stored_only_as_a_hash(app: App) -> None:
    client = page_client(app, "cv.pham")
    cookie = client.cookies["thamdinh_session"]
    with transaction(app) as tx:
        ids = [r[0] for r in tx.execute("SELECT id FROM web_session").fetchall()]
    assert ids == [digest(cookie)]
    page = client.get("/ho-so")
    assert page.status_code == 200 and "Phạm Thị Hồng" in page.text
    assert _kinds(app, "cv.pham") == ["password_set", "sign_in"]


def test_the_session_cookie_is_httponly_and_samesite_lax_and_secure_over_https(app: App) -> None:
    app.accounts.set_password("cv.pham", PASSWORD)
    for base, secure in ((BASE, False), ("https://thamdinh.example.vn", True)):
        client = TestClient(asgi(app), base_url=base)
        r = sign_in(client, "cv.pham")
        cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and "thamdinh_session=" in v)
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert ("Secure" in cookie) is secure


def test_a_wrong_password_says_so_and_five_in_a_row_lock_the_account_for_15_minutes(
        app: App, clock: FixedClock) -> None:
    app.accounts.set_password("cv.pham", PASSWORD)
    client = TestClient(asgi(app), base_url=BASE)
    for n in range(1, 5):
        r = sign_in(client, "cv.pham", "không phải mật khẩu")
        assert r.status_code == 401 and "không đúng" in r.text and f"Sai thêm {5 - n} lần" in r.text
    fifth = sign_in(client, "cv.pham", "không phải mật khẩu")
    assert fifth.status_code == 401 and "Tài khoản tạm khóa đến 09:15" in fifth.text
    # locked: even the right password is refused, without being checked
    assert sign_in(client, "cv.pham").status_code == 401
    clock.advance(minutes=14)
    assert sign_in(client, "cv.pham").status_code == 401
    clock.advance(minutes=2)
    assert sign_in(client, "cv.pham").status_code == 303
    kinds = _kinds(app, "cv.pham")
    assert kinds.count("sign_in_failed") == 7 and kinds.count("locked") == 1 and kinds[-1] == "sign_in"


def test_an_unknown_login_reads_like_a_wrong_password_and_is_audited(app: App) -> None:
    client = TestClient(asgi(app), base_url=BASE)
    r = sign_in(client, "khong.co", PASSWORD)
    assert r.status_code == 401 and "Tên đăng nhập hoặc mật khẩu không đúng" in r.text
    failed = app.accounts.audit(kind="sign_in_failed")
    assert len(failed) == 1 and failed[0].person_id is None and "khong.co" in (failed[0].detail or "")


def test_a_person_who_left_or_a_disabled_account_cannot_sign_in_and_loses_open_sessions(
        app: App, tmp_path: Path) -> None:
    client = page_client(app, "cv.vo")
    app.accounts.set_disabled("cv.vo", True)
    assert client.get("/ho-so", follow_redirects=False).status_code == 303  # the session is gone
    with pytest.raises(SignInRefused, match="không còn dùng được"):
        app.accounts.sign_in("cv.vo", PASSWORD, _via())
    app.accounts.set_disabled("cv.vo", False)
    client = page_client(app, "cv.vo")
    org = SAMPLE_ORG.read_text(encoding="utf-8").replace(
        "division: QLXD, roles: [officer]}\n  - {id: cv.dang",
        "division: QLXD, roles: [officer], active: false}\n  - {id: cv.dang")
    left = tmp_path / "org.yaml"
    left.write_text(org, encoding="utf-8")
    app.services.load_org(left)
    assert client.get("/ho-so", follow_redirects=False).status_code == 303
    with pytest.raises(SignInRefused):
        app.accounts.sign_in("cv.vo", PASSWORD, _via())


def _via() -> Via:
    return Via("web", "127.0.0.1")


def test_a_session_ends_after_8_idle_hours_but_not_while_in_use(app: App, clock: FixedClock) -> None:
    client = page_client(app, "cv.pham")
    for _ in range(3):  # a working day of requests, each less than 8 hours after the last
        clock.advance(hours=7, minutes=30)
        assert client.get("/ho-so", follow_redirects=False).status_code == 200
    clock.advance(hours=8, minutes=1)
    r = client.get("/ho-so", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap")


def test_signing_out_ends_the_session_for_good(app: App) -> None:
    client = page_client(app, "cv.pham")
    cookie = client.cookies["thamdinh_session"]
    r = client.post("/dang-xuat", data={"csrf": csrf_of(client.get("/ho-so").text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/dang-nhap"
    again = TestClient(asgi(app), base_url=BASE, cookies={"thamdinh_session": cookie})
    assert again.get("/ho-so", follow_redirects=False).status_code == 303
    assert _kinds(app, "cv.pham")[-1] == "sign_out"


def test_the_sign_in_form_needs_its_own_token(app: App) -> None:
    app.accounts.set_password("cv.pham", PASSWORD)
    client = TestClient(asgi(app), base_url=BASE)
    r = client.post("/dang-nhap", data={"login": "cv.pham", "password": PASSWORD, "csrf": "x"},
                    follow_redirects=False)
    assert r.status_code == 403 and "thamdinh_session" not in client.cookies


def test_after_signing_in_the_browser_goes_back_to_the_page_it_asked_for_on_this_site_only(app: App) -> None:
    app.accounts.set_password("cv.pham", PASSWORD)
    client = TestClient(asgi(app), base_url=BASE)
    first = client.get("/ho-so?overdue=1", follow_redirects=False)
    assert first.headers["location"] == "/dang-nhap?next=%2Fho-so%3Foverdue%3D1"
    for target, lands in (("/ho-so?overdue=1", "/ho-so?overdue=1"), ("//evil.example/x", "/ho-so"),
                          ("https://evil.example", "/ho-so")):
        client.cookies.clear()
        form = client.get("/dang-nhap")
        r = client.post("/dang-nhap", data={"login": "cv.pham", "password": PASSWORD, "csrf": csrf_of(form.text),
                                            "next": target}, follow_redirects=False)
        assert r.headers["location"] == lands


# -- personal API tokens -----------------------------------------------------------------------------
def test_a_token_is_created_used_listed_and_revoked(app: App, clock: FixedClock) -> None:
    token, record = app.accounts.create_token("cv.pham", "máy báo cáo")
    with transaction(app) as tx:
        stored = tx.execute("SELECT token_hash FROM api_token").fetchone()[0]
    assert stored == digest(token) and token not in stored
    client = TestClient(asgi(app), base_url=BASE, headers={"Authorization": f"Bearer {token}"})
    assert client.get("/api/me").json()["id"] == "cv.pham"
    listed = app.accounts.tokens("cv.pham")
    assert [(t.id, t.name, t.last_used_at) for t in listed] == [(record.id, "máy báo cáo", clock.now())]
    app.accounts.revoke(record.id)
    r = client.get("/api/me")
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"
    assert r.json()["error"] == "not_signed_in"
    assert _kinds(app, "cv.pham") == ["token_created", "token_used", "token_revoked", "token_refused"]


def test_an_unknown_or_missing_token_is_401(app: App) -> None:
    for headers in ({}, {"Authorization": "Bearer td_khongcomanay"}, {"Authorization": "Basic Y3Y6cHc="}):
        r = TestClient(asgi(app), base_url=BASE, headers=headers).get("/api/dossiers")
        assert r.status_code == 401, headers
        assert r.json()["message"]


def test_a_disabled_account_s_tokens_stop_working_until_it_is_enabled(app: App) -> None:
    client = api_client(app, "cv.pham")
    app.accounts.set_disabled("cv.pham", True)
    assert client.get("/api/me").status_code == 401
    app.accounts.set_disabled("cv.pham", False)
    assert client.get("/api/me").status_code == 200


def test_only_an_administrator_manages_other_people_s_accounts(app: App) -> None:
    people = {p.id: p for p in app.services.people()}
    officer, admin = people["cv.pham"], people["vp.le"]
    with pytest.raises(NotPermitted):
        app.accounts.set_password("cv.vo", PASSWORD, by=officer)
    with pytest.raises(NotPermitted):
        app.accounts.audit(officer)
    app.accounts.set_password("cv.pham", PASSWORD, by=officer)  # one's own
    app.accounts.set_password("cv.vo", PASSWORD, by=admin)
    assert [e.actor for e in app.accounts.audit(admin, kind="password_set")] == ["vp.le", "cv.pham"]


def test_a_token_for_someone_who_is_not_in_the_organisation_is_refused(app: App) -> None:
    with pytest.raises(BadInput):
        app.accounts.create_token("khong.co", "x")
    with pytest.raises(NotSignedIn):
        app.accounts.token_person("td_" + "x" * 43, _via())


# -- an authenticating reverse proxy -------------------------------------------------------------------
def test_the_proxy_s_user_header_is_believed_only_from_the_named_proxy(backend: str, request: pytest.FixtureRequest,
                                                                      tmp_path: Path, clock: FixedClock) -> None:
    proxied = make_app_for(backend, request, tmp_path, clock, trusted_proxy_header="X-Remote-User",
                           trusted_proxies=("10.0.0.5",))
    try:
        proxied.services.load_org(SAMPLE_ORG)
        from_proxy = TestClient(asgi(proxied), base_url=BASE, client=("10.0.0.5", 40000))
        page = from_proxy.get("/ho-so", headers={"X-Remote-User": "tp.nguyen", "X-Forwarded-For": "192.168.1.20"})
        assert page.status_code == 200 and "Nguyễn Hữu Phước" in page.text
        assert "thamdinh_session" in from_proxy.cookies
        # the same header from anyone else is ignored: they must sign in
        elsewhere = TestClient(asgi(proxied), base_url=BASE, client=("10.0.0.9", 40000))
        r = elsewhere.get("/ho-so", headers={"X-Remote-User": "gd.tran"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/dang-nhap")
        unknown = TestClient(asgi(proxied), base_url=BASE, client=("10.0.0.5", 40000))
        assert unknown.get("/ho-so", headers={"X-Remote-User": "khong.co"}).status_code == 401
        entries = proxied.accounts.audit(person_id="tp.nguyen")
        assert [(e.kind, e.client) for e in entries] == [("proxy_sign_in", "192.168.1.20")]
    finally:
        proxied.close()
