"""The dispatcher: sends pending outbox rows, with retries and capped exponential backoff.

For each row, always in this order: claim it (``status = sending``, ``claimed_until``, ``tries + 1``,
committed), send it, then mark it ``sent`` (committed). A dispatcher that dies after the claim leaves
the row ``sending``; once ``claimed_until`` has passed another run claims it again. So a message whose
cause was committed is always sent eventually, and normal operation never sends it twice (the claim is
a conditional UPDATE: two dispatchers never hold the same row). The one window left, death after the
server accepted the message but before ``sent`` was recorded, resends with the same Message-ID, which
lets mail systems drop the duplicate.

Failures: a transient one (server down, 4xx) waits ``min(cap, base * 2**(tries-1))`` seconds; a
permanent one (5xx refusal) or the ``smtp_max_tries``-th failure marks the row ``failed``.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import Compat32
from pathlib import Path
from typing import Any

from engine.domain.clock import Clock
from engine.io.settings import Settings
from engine.store.codecs import Codec
from engine.store.database import Database

from .outbox import message_id
from .transports import PermanentError, TransientError, Transport, transport_for

log = logging.getLogger(__name__)


class _Compat32(Compat32):
    """The legacy policy, minus its cost for the common case.

    ``Compat32`` folds every header through ``email.header.Header`` (a dozen objects and regex splits
    per header, ~15 headers a message). A short single-line ASCII value comes out of that unchanged, so
    it is written as is; anything else (non-ASCII, long, ``Header`` objects such as the subject) goes the
    legacy way, which keeps the spaces between encoded words."""

    def _fold(self, name: str, value: Any, sanitize: bool) -> str:
        if (isinstance(value, str) and value.isascii() and len(name) + 2 + len(value) <= (self.max_line_length or 78)
                and "\n" not in value and "\r" not in value and value == value.strip()):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)  # type: ignore[misc,no-any-return]


#: the policy of every message the dispatcher builds (the generators and smtplib follow it)
POLICY = _Compat32()


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed, "errors": self.errors}


class Dispatcher:
    def __init__(self, database: Database, settings: Settings, clock: Clock, transport: Transport | None = None, *,
                 claim_seconds: int = 300, batch: int = 100, backoff_base: float = 60.0,
                 backoff_cap: float = 3600.0, workers: int | None = None) -> None:
        self.database = database
        self.settings = settings
        self.clock = clock
        self.transport = transport or transport_for(settings)
        #: parallel SMTP connections (hides the round trips: smtplib does not pipeline); one for a
        #: transport passed in, or for the .eml folder
        self.workers = workers or (4 if transport is None and settings.smtp_host else 1)
        self.claim = dt.timedelta(seconds=claim_seconds)
        self.batch = batch
        self.backoff_base, self.backoff_cap = backoff_base, backoff_cap

    def backoff(self, tries: int) -> dt.timedelta:
        return dt.timedelta(seconds=min(self.backoff_cap, self.backoff_base * 2 ** max(0, tries - 1)))

    def run_once(self, *, limit: int = 10_000, time_budget: float | None = None) -> DispatchResult:
        """Send what is due now (at most ``limit`` rows, or until ``time_budget`` seconds pass)."""
        result = DispatchResult()
        started = time.monotonic()
        done = 0
        transports = [self.transport] + [transport_for(self.settings) for _ in range(self.workers - 1)]
        with ExitStack() as stack, ThreadPoolExecutor(max_workers=len(transports)) as pool:
            for t in transports:
                stack.enter_context(t)
            while done < limit:
                if time_budget is not None and time.monotonic() - started > time_budget:
                    break
                rows = self._claim_batch(min(self.batch, limit - done))
                if not rows:
                    break
                if len(transports) == 1:  # the .eml folder, or a transport passed in: no thread hand-off
                    self._send_all(transports[0], rows, result)
                else:
                    chunks = [rows[i::len(transports)] for i in range(len(transports))]
                    futures = [pool.submit(self._send_all, t, c, result)
                               for t, c in zip(transports, chunks, strict=True) if c]
                    for f in futures:
                        f.result()
                done += len(rows)
        if result.sent or result.retried or result.failed:
            log.info("dispatch: %d sent, %d to retry, %d failed", result.sent, result.retried, result.failed)
        return result

    def _claim_batch(self, n: int) -> list[dict[str, Any]]:
        now = self.clock.now()
        with self.database.unit_of_work() as uow:
            rows = uow.outbox.claim(n, now, now + self.claim, self.settings.smtp_max_tries,
                                    f"bỏ sau {self.settings.smtp_max_tries} lần thử (tiến trình gửi dừng đột ngột "
                                    "khi đang gửi)")
            uow.commit()
        return rows

    def build(self, row: dict[str, Any]) -> Message:
        """The MIME message: plain text with an HTML alternative, UTF-8.

        Built with the legacy API and ``Header``: the modern ``EmailMessage`` folding of Python 3.11
        drops the space between two encoded words ("Dự án" arrives as "Dựán").
        """
        s = self.settings
        mid = message_id(row["id"], row["dedup_key"], s.mail_from)
        # Boundaries derived from the Message-ID: the generator would otherwise draw a random one and
        # compile a regular expression per message to check it against the text. Every part is base64,
        # whose alphabet has no "_", so a boundary with "_" cannot occur in the content.
        token = mid.strip("<>").partition("@")[0].replace(".", "_")
        body = MIMEMultipart("alternative", boundary=f"=_{token}_alt", policy=POLICY)
        body.attach(MIMEText(row["body_text"], "plain", "utf-8", policy=POLICY))
        body.attach(MIMEText(row["body_html"], "html", "utf-8", policy=POLICY))
        msg = body
        if row.get("attachments"):
            msg = MIMEMultipart("mixed", boundary=f"=_{token}_mixed", policy=POLICY)
            msg.attach(body)
            for name in json.loads(row["attachments"]):
                path = Path(name)
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise PermanentError(f"không đọc được tệp đính kèm {path}: {exc.strerror}") from exc
                part = MIMEApplication(data, policy=POLICY)
                part.add_header("Content-Disposition", "attachment", filename=path.name)
                msg.attach(part)
        subject = row["subject"]
        msg["Subject"] = subject if subject.isascii() else Header(subject, "utf-8")  # type: ignore[assignment]
        msg["From"] = s.mail_from
        msg["To"] = row["recipient_email"]
        msg["Message-ID"] = mid
        msg["Date"] = email.utils.format_datetime(Codec.read_ts(row["created_at"]) or self.clock.now())
        msg["Auto-Submitted"] = "auto-generated"
        msg["X-Thamdinh-Outbox-Id"] = str(row["id"])
        return msg

    def _send_all(self, transport: Transport, rows: list[dict[str, Any]], result: DispatchResult) -> None:
        for row in rows:
            self._send(transport, row, result)

    def _send(self, transport: Transport, row: dict[str, Any], result: DispatchResult) -> None:
        mid = message_id(row["id"], row["dedup_key"], self.settings.mail_from)
        try:
            try:
                transport.send(self.build(row))
            except (TransientError, PermanentError):
                raise
            except Exception as exc:  # a bug or bad data: retried, and failed after smtp_max_tries
                log.exception("message %s: unexpected error while sending", row["id"])
                raise TransientError(f"lỗi không lường trước: {exc!r}") from exc
        except (TransientError, PermanentError) as exc:
            self._failed(row, mid, exc, result)
            return
        with self.database.unit_of_work() as uow:
            uow.outbox.mark_sent(row["id"], self.clock.now(), mid)
            uow.commit()
        with result.lock:
            result.sent += 1

    def _failed(self, row: dict[str, Any], mid: str, exc: Exception, result: DispatchResult) -> None:
        tries = int(row["tries"])  # the claim counted this attempt
        permanent = isinstance(exc, PermanentError) or tries >= self.settings.smtp_max_tries
        now = self.clock.now()
        with self.database.unit_of_work() as uow:
            next_at = now if permanent else now + self.backoff(tries)
            uow.outbox.mark_failed(row["id"], permanent=permanent, next_at=next_at, message_id=mid, error=str(exc))
            uow.commit()
        with result.lock:
            result.failed += int(permanent)
            result.retried += int(not permanent)
            result.errors.append(f"{row['id']}: {exc}")
        if permanent:
            log.error("message %s to %s failed for good after %d tries: %s", row["id"], row["recipient_email"],
                      tries, exc)
        else:
            log.warning("message %s to %s: try %d failed, will retry: %s", row["id"], row["recipient_email"],
                        tries, exc)
