"""Transports: SMTP (host, port, STARTTLS or SSL, login) and a folder of .eml files (the default).

A transport raises ``TransientError`` for what may work later (server down, 4xx replies, timeouts)
and ``PermanentError`` for what never will (5xx refusals of the sender, recipients or data).
"""

from __future__ import annotations

import base64
import logging
import os
import re
import smtplib
import ssl
from email.message import Message
from pathlib import Path
from types import TracebackType
from typing import Protocol, Self

from engine.domain.errors import BadInput
from engine.io.settings import Settings

log = logging.getLogger(__name__)


class TransientError(Exception):
    """Sending failed; trying again later may work."""


class PermanentError(Exception):
    """Sending failed for good (the server refused the message)."""


class Transport(Protocol):
    name: str

    def __enter__(self) -> Self: ...

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None: ...

    def send(self, msg: Message) -> None:
        """Deliver one message; raises TransientError or PermanentError."""
        ...


_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


class EmlFolderTransport:
    """Writes each message to ``folder/<message id>.eml``; a resend overwrites, never duplicates.

    Each file is written whole to a temporary name and renamed into place, so a reader (or a crash)
    never sees half a message. With ``fsync`` (the default) every file is on disk before it counts as
    delivered. ``fsync=False`` (the demo's throw-away folder) leaves flushing to the operating system:
    a written message still survives the process dying, but a power cut may lose the last few.
    """

    name = "eml"

    def __init__(self, folder: Path, *, fsync: bool = True) -> None:
        self.folder = Path(folder)
        self.fsync = fsync

    def __enter__(self) -> Self:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        return None

    def send(self, msg: Message) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            stem = _UNSAFE.sub("_", str(msg["Message-ID"]).strip("<>"))
            final = self.folder / f"{stem}.eml"
            tmp = self.folder / f".{stem}.tmp"
            with open(tmp, "wb") as fh:
                fh.write(msg.as_bytes())
                if self.fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, final)
        except OSError as exc:
            raise TransientError(f"không ghi được tệp thư vào {self.folder}: {exc.strerror}") from exc


class SmtpTransport:
    """One SMTP connection per batch (opened on first send, reopened after an error)."""

    name = "smtp"

    def __init__(self, settings: Settings, timeout: float = 30.0, ssl_context: ssl.SSLContext | None = None) -> None:
        """``ssl_context``: how to check the server's certificate (default: the CAs of
        ``settings.smtp_ca_file``, else the system's). A CA file that cannot be read is a BadInput."""
        assert settings.smtp_host
        if ssl_context is None and settings.smtp_ca_file is not None:
            try:
                ssl_context = ssl.create_default_context(cafile=str(settings.smtp_ca_file))
            except (OSError, ssl.SSLError) as exc:
                raise BadInput(f"Không đọc được tệp chứng chỉ CA «{settings.smtp_ca_file}» "
                               f"(THAMDINH_SMTP_CA_FILE): {exc}",
                               hint="Chỉ đến tệp PEM của CA đã ký chứng chỉ máy chủ thư.") from exc
        self.host, self.port = settings.smtp_host, settings.smtp_port
        self.security = settings.smtp_security
        self.user, self.password = settings.smtp_user, settings.smtp_password
        self.plain_auth = settings.smtp_allow_plain_auth
        self.timeout = timeout
        self.ssl_context = ssl_context
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        try:
            conn: smtplib.SMTP
            if self.security == "ssl":
                conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                        context=self.ssl_context or ssl.create_default_context())
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    conn.starttls(context=self.ssl_context or ssl.create_default_context())
            if self.user:
                if self.security == "none" and not self.plain_auth:  # Settings refuse it too
                    conn.close()
                    raise PermanentError("không gửi mật khẩu SMTP qua kết nối không mã hóa")
                self._login(conn, self.user, self.password or "")
            return conn
        except smtplib.SMTPAuthenticationError as exc:
            raise TransientError(f"máy chủ SMTP từ chối đăng nhập ({exc.smtp_code})") from exc
        except (OSError, smtplib.SMTPException, ValueError) as exc:
            raise TransientError(f"không kết nối được máy chủ SMTP {self.host}:{self.port}: {exc}") from exc

    @staticmethod
    def _login(conn: smtplib.SMTP, user: str, password: str) -> None:
        """Log in; a non-ASCII user or password (smtplib encodes them as ASCII) goes as UTF-8 AUTH PLAIN."""
        if (user + password).isascii():
            conn.login(user, password)
            return
        conn.ehlo_or_helo_if_needed()
        if "plain" not in conn.esmtp_features.get("auth", "").lower().split():
            raise smtplib.SMTPException("mật khẩu có ký tự ngoài ASCII cần máy chủ hỗ trợ AUTH PLAIN")
        token = base64.b64encode(b"\0" + user.encode("utf-8") + b"\0" + password.encode("utf-8")).decode("ascii")
        code, resp = conn.docmd("AUTH", "PLAIN " + token)
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, resp)

    def close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.quit()
            except (OSError, smtplib.SMTPException):
                self._conn.close()
            self._conn = None

    def send(self, msg: Message) -> None:
        if self._conn is None:
            self._conn = self._connect()
        try:
            refused = self._conn.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            codes = [code for code, _ in exc.recipients.values()]
            if all(500 <= c < 600 for c in codes):
                raise PermanentError(f"máy chủ từ chối người nhận: {exc.recipients}") from exc
            raise TransientError(f"người nhận tạm thời bị từ chối: {exc.recipients}") from exc
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            self._reset()
            if 500 <= exc.smtp_code < 600:
                raise PermanentError(f"máy chủ từ chối thư ({exc.smtp_code})") from exc
            raise TransientError(f"máy chủ tạm từ chối thư ({exc.smtp_code})") from exc
        except (TimeoutError, OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise TransientError(f"mất kết nối SMTP: {exc}") from exc
        if refused:
            log.warning("some recipients refused for %s: %s", msg["Message-ID"], refused)

    def _reset(self) -> None:
        try:
            assert self._conn is not None
            self._conn.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def _drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            finally:
                self._conn = None


def transport_for(settings: Settings) -> Transport:
    """SMTP when ``smtp_host`` is set, otherwise .eml files in ``mail_dir``."""
    if settings.smtp_host:
        return SmtpTransport(settings)
    return EmlFolderTransport(settings.mail_dir)
