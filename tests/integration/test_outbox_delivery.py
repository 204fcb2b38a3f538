"""Delivery through the outbox to a real SMTP server (aiosmtpd on loopback), on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_ORG, make_app_for, transaction
from mailtools import SmtpServer, smtp_port, smtp_server  # noqa: F401  (fixtures)

from engine.bootstrap import App
from engine.domain.clock import TZ, FixedClock
from engine.domain.commands import Receive
from engine.services.outbox_admin import OutboxAdmin
from notifications.outbox import message_id

ROOT = Path(__file__).resolve().parents[2]


def mail_app(backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock,
             server: SmtpServer, **extra: Any) -> App:
    a = make_app_for(backend, request, tmp_path, clock, **server.settings(), **extra)
    a.services.load_org(SAMPLE_ORG)
    return a


@pytest.fixture
def smtp_app(backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock,
             smtp_server: SmtpServer) -> Iterator[App]:  # noqa: F811
    a = mail_app(backend, request, tmp_path, clock, smtp_server)
    yield a
    a.close()


def overdue_dossier(app: App, clock: FixedClock, code: str = "HS-1", **kw: Any) -> None:
    """A dossier received 3/6/2024 (due 18/6) and a scan on 19/6: three messages queued."""
    clock.set("2024-06-03T09:00")
    fields: dict[str, Any] = dict(workflow="project-appraisal", code=code, name=f"Dự án «{code}» & cầu",
                                  investor="Ban QLDA tỉnh", group="C", grade="III", division="QLXD",
                                  officer="cv.pham", at="2024-06-03")
    fields.update(kw)
    app.services.receive(Receive(**fields))
    clock.set("2024-06-14T09:00")
    app.scanner.scan()
    clock.set("2024-06-19T09:00")
    app.scanner.scan()


def statuses(app: App) -> list[tuple[int, str, int]]:
    with transaction(app) as cur:
        cur.execute("SELECT id, status, tries FROM outbox_message ORDER BY id")
        return [(int(i), s, int(t)) for i, s, t in cur.fetchall()]


def test_alerts_are_delivered_over_smtp(smtp_app: App, clock: FixedClock,
                                        smtp_server: SmtpServer) -> None:  # noqa: F811
    overdue_dossier(smtp_app, clock)
    result = smtp_app.dispatch()
    assert result.sent == 3 and result.retried == result.failed == 0
    got = smtp_server.inbox.messages
    assert sorted(str(m["To"]) for m in got) == ["hong.pt@soxaydung.example.vn", "hong.pt@soxaydung.example.vn",
                                                 "phuoc.nh@soxaydung.example.vn"]
    overdue = next(m for m in got if "Quá hạn" in str(m["Subject"]) and "phuoc" in str(m["To"]))
    assert str(overdue["Subject"]) == "[Thẩm định] Quá hạn: HS-1 – Dự án «HS-1» & cầu (hạn 18/06/2024)"
    assert overdue["From"] == smtp_app.settings.mail_from
    text = overdue.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = overdue.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "Kính gửi Nguyễn Hữu Phước" in text and "quá 1 ngày" in text
    assert "Dự án «HS-1» &amp; cầu" in html
    assert "http://localhost:8000/ho-so/HS-1" in text
    rows = OutboxAdmin(smtp_app.database, smtp_app.clock).messages(status="sent")
    assert sorted(r["message_id"] for r in rows) == sorted(smtp_server.inbox.message_ids())
    assert all(r["message_id"] == message_id(r["id"], r["dedup_key"], smtp_app.settings.mail_from)
               for r in rows)
    assert smtp_app.dispatch().sent == 0  # nothing twice
    assert len(got) == 3


def test_server_down_then_up_is_retried_with_backoff_and_delivered_once(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock,
        smtp_port: SmtpServer) -> None:  # noqa: F811
    app = mail_app(backend, request, tmp_path, clock, smtp_port)
    overdue_dossier(app, clock)
    first = app.dispatch()
    assert first.sent == 0 and first.retried == 3
    assert [s for _, s, _ in statuses(app)] == ["pending"] * 3
    assert app.dispatch().retried == 0  # backing off: not due yet
    smtp_port.start()
    clock.advance(seconds=59)
    assert app.dispatch().sent == 0  # first backoff is 60 s
    clock.advance(seconds=2)
    assert app.dispatch().sent == 3
    clock.advance(hours=5)
    assert app.dispatch().sent == 0
    assert len(smtp_port.inbox.messages) == 3
    assert len(set(smtp_port.inbox.message_ids())) == 3
    assert [(s, t) for _, s, t in statuses(app)] == [("sent", 2)] * 3
    app.close()


def test_backoff_is_exponential_and_capped(sqlite_app: App) -> None:
    d = sqlite_app.dispatcher(None, backoff_base=60, backoff_cap=3600)
    assert [d.backoff(n).total_seconds() for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]


def test_failure_is_permanent_after_max_tries_and_an_admin_can_retry(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock,
        smtp_port: SmtpServer) -> None:  # noqa: F811
    app = mail_app(backend, request, tmp_path, clock, smtp_port, smtp_max_tries=3)
    overdue_dossier(app, clock)
    for _ in range(3):
        app.dispatch()
        clock.advance(hours=2)
    assert [(s, t) for _, s, t in statuses(app)] == [("failed", 3)] * 3
    assert "không kết nối được máy chủ SMTP" in (OutboxAdmin(app.database, app.clock).message(1) or {})["last_error"]
    smtp_port.start()
    assert app.dispatch().sent == 0  # failed rows stay failed
    assert OutboxAdmin(app.database, app.clock).retry([1]) == 1
    assert app.dispatch().sent == 1
    assert OutboxAdmin(app.database, app.clock).retry() == 2
    assert app.dispatch().sent == 2
    assert len(smtp_port.inbox.messages) == 3
    app.close()


def test_a_refused_recipient_fails_at_once(smtp_app: App, clock: FixedClock,
                                           smtp_server: SmtpServer) -> None:  # noqa: F811
    smtp_server.inbox.refuse.add("phuoc.nh@soxaydung.example.vn")
    overdue_dossier(smtp_app, clock)
    result = smtp_app.dispatch()
    assert (result.sent, result.failed) == (2, 1)
    failed = OutboxAdmin(smtp_app.database, smtp_app.clock).messages(status="failed")
    assert [(r["recipient_id"], r["tries"]) for r in failed] == [("tp.nguyen", 1)]


def test_without_smtp_messages_are_written_as_eml_files(app: App, clock: FixedClock) -> None:
    assert app.settings.smtp_host is None
    overdue_dossier(app, clock)
    assert app.dispatch().sent == 3
    files = sorted(Path(app.settings.mail_dir).glob("*.eml"))
    assert len(files) == 3
    parsed = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default) for f in files]
    assert {str(m["Subject"]).split(":")[0] for m in parsed} == {"[Thẩm định] Sắp đến hạn", "[Thẩm định] Quá hạn"}
    assert app.dispatch().sent == 0
    assert len(list(Path(app.settings.mail_dir).glob("*.eml"))) == 3


def test_a_recipient_without_e_mail_is_held_until_an_address_is_added(app: App, clock: FixedClock) -> None:
    overdue_dossier(app, clock, division="QHKT", officer="cv.do")
    assert app.dispatch().sent == 1  # the head; cv.do's two messages are held
    held = OutboxAdmin(app.database, app.clock).messages(status="no_address")
    assert [r["recipient_id"] for r in held] == ["cv.do", "cv.do"]
    assert OutboxAdmin(app.database, app.clock).retry() == 0  # still no address
    with transaction(app) as cur:
        cur.execute(("UPDATE person SET email = ? WHERE id = ?"),
                    ("khai.dv@soxaydung.example.vn", "cv.do"))
    assert OutboxAdmin(app.database, app.clock).retry() == 2
    assert app.dispatch().sent == 2


def test_two_dispatchers_at_once_never_send_a_message_twice(smtp_app: App, clock: FixedClock,
                                                            smtp_server: SmtpServer) -> None:  # noqa: F811
    for n in range(20):
        overdue_dossier(smtp_app, clock, code=f"HS-{n:02d}")
    total = len(statuses(smtp_app))
    assert total == 20 * 3
    other = App(smtp_app.settings, clock)
    results = []

    def run(a: App) -> None:
        results.append(a.dispatcher(None, batch=5).run_once())

    threads = [threading.Thread(target=run, args=(a,)) for a in (smtp_app, other, smtp_app)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    other.close()
    assert sum(r.sent for r in results) == total
    ids = smtp_server.inbox.message_ids()
    assert len(ids) == len(set(ids)) == total


def test_a_monthly_report_is_queued_for_heads_and_the_director_with_its_files(
        smtp_app: App, clock: FixedClock, smtp_server: SmtpServer, tmp_path: Path) -> None:  # noqa: F811
    files = [tmp_path / "bao-cao-thang-2024-06.html", tmp_path / "bao-cao-thang-2024-06.xlsx"]
    files[0].write_text("<h1>Báo cáo</h1>", encoding="utf-8")
    files[1].write_bytes(b"PK\x03\x04 not really a workbook")
    subject = "Báo cáo tình hình giải quyết hồ sơ tháng 06/2024"
    assert smtp_app.mailer.queue_report(smtp_app.database, subject=subject,
                                        attachments=files) == 4  # 3 heads, 1 director
    assert smtp_app.mailer.queue_report(smtp_app.database, subject=subject, attachments=files) == 0  # once
    assert smtp_app.dispatch().sent == 4
    got = smtp_server.inbox.messages
    assert sorted(str(m["To"]) for m in got)[0] == "lien.hk@soxaydung.example.vn"
    m = got[0]
    assert str(m["Subject"]) == f"[Thẩm định] {subject}"
    names = [part.get_filename() for part in m.iter_attachments()]
    assert names == ["bao-cao-thang-2024-06.html", "bao-cao-thang-2024-06.xlsx"]
    assert next(m.iter_attachments()).get_content() in ("<h1>Báo cáo</h1>", "<h1>Báo cáo</h1>".encode())


# -- crashes -----------------------------------------------------------------------------------
CHILD = """
import datetime as dt, os, signal, sys
sys.path.insert(0, {root!r})
from engine.bootstrap import App
from engine.io.settings import Settings
from engine.domain.clock import FixedClock, TZ
settings = Settings().with_(database_url={url!r}, mail_dir={mail!r}, smtp_host="127.0.0.1", smtp_port={port})
app = App(settings, FixedClock(dt.datetime.fromisoformat({now!r})))
mode = {mode!r}
if mode == "scan":
    app.scanner.scan()
    print("committed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # dies between the commit and any send
else:
    print("dispatching", flush=True)
    app.dispatch()
"""


def child(app: App, mode: str, port: int, now: dt.datetime) -> subprocess.Popen[str]:
    code = CHILD.format(root=str(ROOT), url=app.settings.database_url, mail=str(app.settings.mail_dir),
                        port=port, now=now.isoformat(), mode=mode)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def test_a_process_killed_after_the_commit_sends_after_restart_once(
        smtp_app: App, clock: FixedClock, smtp_server: SmtpServer) -> None:  # noqa: F811
    clock.set("2024-06-03T09:00")
    smtp_app.services.receive(Receive(workflow="project-appraisal", code="HS-1", name="Dự án", investor="Ban QLDA",
                              group="C", grade="III", division="QLXD", officer="cv.pham", at="2024-06-03"))
    proc = child(smtp_app, "scan", smtp_server.port, dt.datetime(2024, 6, 19, 9, 0, tzinfo=TZ))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL, err
    assert "committed" in out
    assert smtp_server.inbox.messages == []
    assert [s for _, s, _ in statuses(smtp_app)] == ["pending"] * 2  # officer and head: overdue
    clock.set("2024-06-19T09:01")
    assert smtp_app.dispatch().sent == 2  # "after restart"
    assert smtp_app.dispatch().sent == 0
    ids = smtp_server.inbox.message_ids()
    assert len(ids) == len(set(ids)) == 2


def test_a_dispatcher_killed_mid_send_delivers_after_restart_once(
        smtp_app: App, clock: FixedClock, smtp_server: SmtpServer) -> None:  # noqa: F811
    overdue_dossier(smtp_app, clock)
    smtp_server.inbox.hold_rcpt = True
    proc = child(smtp_app, "dispatch", smtp_server.port, clock.now())
    try:
        assert smtp_server.inbox.in_rcpt.wait(30), "the dispatcher never reached RCPT"
        os.kill(proc.pid, signal.SIGKILL)  # kill -9: the row is claimed, the message not accepted
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    smtp_server.inbox.hold_rcpt = False
    smtp_server.inbox.release.set()
    time.sleep(0.2)  # let the server notice the dead connection (bounded)
    assert smtp_server.inbox.messages == []
    assert [s for _, s, _ in statuses(smtp_app)] == ["sending"] * 3  # the dead dispatcher's batch
    assert smtp_app.dispatch().sent == 0  # claimed rows wait for the claim (5 minutes) to expire
    clock.advance(minutes=6)
    assert smtp_app.dispatch().sent == 3
    assert smtp_app.dispatch().sent == 0
    ids = smtp_server.inbox.message_ids()
    assert len(ids) == len(set(ids)) == 3


# -- TLS and login -----------------------------------------------------------------------------
def _certificate(folder: Path) -> tuple[Path, Path]:
    key, cert = folder / "key.pem", folder / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key),
                    "-out", str(cert)], check=True, capture_output=True, timeout=60)
    return key, cert


@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_delivery_over_tls_with_login(sqlite_app: App, clock: FixedClock, tmp_path: Path, security: str) -> None:
    import ssl

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword
    from mailtools import Inbox, free_port

    from notifications.transports import SmtpTransport

    key, cert = _certificate(tmp_path)
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (b"thamdinh", "mật-khẩu".encode())
        logins.append((data.login, data.password))
        return AuthResult(success=ok)

    inbox, port = Inbox(), free_port()
    # aiosmtpd offers AUTH on implicit TLS only with auth_require_tls off (it looks for STARTTLS)
    tls: dict[str, Any] = ({"tls_context": server_ctx, "require_starttls": True} if security == "starttls"
           else {"ssl_context": server_ctx, "auth_require_tls": False})
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=authenticator,
                            auth_required=True, ready_timeout=10, **tls)
    controller.start()
    try:
        settings = sqlite_app.settings.with_(smtp_host="127.0.0.1", smtp_port=port, smtp_security=security,
                                             smtp_user="thamdinh", smtp_password="mật-khẩu")
        overdue_dossier(sqlite_app, clock)
        # the server's certificate is signed by no CA the system knows: refused, nothing lost
        refused = sqlite_app.dispatcher(SmtpTransport(settings)).run_once()
        assert refused.sent == 0 and inbox.messages == [] and logins == []
        assert any("CERTIFICATE_VERIFY_FAILED" in e for e in refused.errors), refused.errors
        # with the department's CA (THAMDINH_SMTP_CA_FILE) it goes through, once the retry is due
        clock.set(clock.now() + dt.timedelta(hours=2))
        trusted = settings.with_(smtp_ca_file=cert)
        result = sqlite_app.dispatcher(SmtpTransport(trusted)).run_once()
        assert result.sent == 3, result.errors
        assert len(inbox.messages) == 3 and logins == [(b"thamdinh", "mật-khẩu".encode())]
    finally:
        controller.stop()


def test_an_unreadable_ca_file_is_a_clear_configuration_error(sqlite_app: App, tmp_path: Path) -> None:
    from engine.domain.errors import BadInput
    from engine.io.settings import Settings
    from notifications.transports import SmtpTransport

    settings = sqlite_app.settings.with_(smtp_host="127.0.0.1", smtp_security="starttls",
                                         smtp_ca_file=tmp_path / "khong-co.pem")
    with pytest.raises(BadInput) as err:
        SmtpTransport(settings)
    assert "khong-co.pem" in err.value.message and "THAMDINH_SMTP_CA_FILE" in err.value.message
    env = Settings.from_env({"THAMDINH_SMTP_CA_FILE": "/etc/ssl/so-xay-dung-ca.pem"})
    assert env.smtp_ca_file == Path("/etc/ssl/so-xay-dung-ca.pem")


def test_a_message_whose_dispatchers_keep_dying_fails_after_max_tries(
        backend: str, request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> None:
    app = make_app_for(backend, request, tmp_path, clock, smtp_max_tries=2)
    app.services.load_org(SAMPLE_ORG)
    overdue_dossier(app, clock)
    d = app.dispatcher()
    for _ in range(2):  # claimed, then the process "dies" before sending
        assert len(d._claim_batch(10)) == 3
        clock.advance(minutes=6)
    assert app.dispatch().sent == 0
    rows = OutboxAdmin(app.database, app.clock).messages()
    assert {(r["status"], r["tries"]) for r in rows} == {("failed", 2)}
    assert all("bỏ sau 2 lần thử" in r["last_error"] for r in rows)
    app.close()


def test_an_unexpected_error_is_retried_not_fatal(app: App, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    overdue_dossier(app, clock)
    d = app.dispatcher()

    def broken(row: dict[str, Any]) -> Any:
        raise UnicodeEncodeError("ascii", "ậ", 0, 1, "ordinal not in range(128)")

    monkeypatch.setattr(d, "build", broken)
    result = d.run_once()
    assert (result.sent, result.retried) == (0, 3)
    assert all("lỗi không lường trước" in e for e in result.errors)
