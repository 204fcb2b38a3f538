"""The transactional outbox: every message is a row, written in the transaction that caused it.

Statuses: ``pending`` (waiting for its next attempt), ``sending`` (claimed by a dispatcher until
``claimed_until``; a dispatcher that died leaves it to be claimed again after that), ``sent``,
``failed`` (permanent: refused by the server, or ``smtp_max_tries`` attempts used) and ``no_address``
(the recipient had no e-mail address; ``retry`` looks the address up again).

``dedup_key`` is unique: the same alert never queues the same recipient twice.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .render import render

if TYPE_CHECKING:
    from engine.alerts import Person
    from engine.app import App

PENDING, SENDING, SENT, FAILED, NO_ADDRESS = "pending", "sending", "sent", "failed", "no_address"
STATUSES = (PENDING, SENDING, SENT, FAILED, NO_ADDRESS)
STATUS_LABELS = {PENDING: "chờ gửi", SENDING: "đang gửi", SENT: "đã gửi", FAILED: "gửi hỏng",
                 NO_ADDRESS: "thiếu e-mail"}

_INSERT = (
    "INSERT INTO outbox_message (dedup_key, kind, alert_id, dossier_id, recipient_id, recipient_email, subject,"
    " body_text, body_html, attachments, status, tries, next_attempt_at, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (dedup_key) DO NOTHING"
)
COLUMNS = ("id", "dedup_key", "kind", "alert_id", "dossier_id", "recipient_id", "recipient_email", "subject",
           "body_text", "body_html", "attachments", "status", "tries", "next_attempt_at", "claimed_until", "last_error",
           "message_id", "created_at", "sent_at")
_TS = {"next_attempt_at", "claimed_until", "created_at", "sent_at"}


def message_id(row_id: int, dedup_key: str, mail_from: str) -> str:
    """A Message-ID derived from the row alone: a resend after a crash carries the same one."""
    domain = mail_from.rpartition("@")[2] or "thamdinh.local"
    token = hashlib.sha256(dedup_key.encode("utf-8")).hexdigest()[:16]
    return f"<thamdinh.{row_id}.{token}@{domain}>"


class Outbox:
    """Queue messages on an open DBAPI cursor (the caller's transaction)."""

    def __init__(self, app: App, cur: Any) -> None:
        self.app = app
        self.cur = cur
        self._insert = app.repo.d.sql(_INSERT)

    def add(self, dedup_key: str, kind: str, person: Person, template: str, context: dict[str, Any], *,
            alert_id: int | None = None, dossier_id: int | None = None,
            attachments: list[str] | None = None) -> bool:
        """Render and queue one message; False if ``dedup_key`` was already queued."""
        s = self.app.settings
        full = {"department_name": s.department_name, "province_name": s.province_name, **context}
        msg = render(template, full)
        d = self.app.repo.d
        now = self.app.clock.now()
        self.cur.execute(self._insert, (
            dedup_key, kind, alert_id, dossier_id, person.id, person.email, msg.subject, msg.text, msg.html,
            json.dumps(attachments, ensure_ascii=False) if attachments else None,
            PENDING if person.email else NO_ADDRESS, d.ts(now), d.ts(now)))
        return bool(self.cur.rowcount == 1)


def enqueue_report(app: App, *, subject: str, attachments: list[Path], roles: tuple[str, ...] = ("head", "director"),
                   note: str | None = None) -> int:
    """Queue a report (files attached) for every active person with one of ``roles``; once per
    subject, files and person. Returns how many messages were queued."""
    from engine.alerts import Directory

    files = [str(Path(f).resolve()) for f in attachments]
    digest = hashlib.sha256("\n".join([subject, *files]).encode("utf-8")).hexdigest()[:16]
    n = 0
    with app.repo.transaction() as cur:
        people = Directory.load(cur, app.repo.d.sql)
        box = Outbox(app, cur)
        for person in sorted(people.by_id.values(), key=lambda p: p.id):
            if not person.roles & set(roles):
                continue
            context = {"recipient": {"id": person.id, "name": person.name}, "title": subject,
                       "files": [Path(f).name for f in files], "note": note}
            n += box.add(f"report:{digest}:{person.id}", "report", person, "report", context, attachments=files)
    return n


# -- reading and administration ----------------------------------------------------------------
def _row(app: App, values: Any) -> dict[str, Any]:
    row = dict(zip(COLUMNS, values, strict=True))
    for k in _TS:
        row[k] = app.repo.d.read_ts(row[k])
    return row


def list_messages(app: App, *, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    d = app.repo.d
    cols = ", ".join(c for c in COLUMNS)
    where, args = ("WHERE status = ? ", [status]) if status else ("", [])
    with app.repo.transaction() as cur:
        cur.execute(d.sql(f"SELECT {cols} FROM outbox_message {where}ORDER BY id DESC LIMIT ?"), [*args, limit])
        return [_row(app, r) for r in cur.fetchall()]


def get_message(app: App, message: int) -> dict[str, Any] | None:
    d = app.repo.d
    with app.repo.transaction() as cur:
        cur.execute(d.sql(f"SELECT {', '.join(COLUMNS)} FROM outbox_message WHERE id = ?"), (message,))
        r = cur.fetchone()
        return _row(app, r) if r else None


def counts(app: App) -> dict[str, int]:
    with app.repo.transaction() as cur:
        cur.execute("SELECT status, COUNT(*) FROM outbox_message GROUP BY status")
        return {s: int(n) for s, n in cur.fetchall()}


def retry(app: App, ids: list[int] | None = None) -> int:
    """Put failed (and no_address) messages back in the queue, due now; returns how many.

    Without ``ids``: every failed and no_address message. The recipient's address is read again
    from the person table, so fixing an address and retrying is enough.
    """
    d = app.repo.d
    now = d.ts(app.clock.now())
    with app.repo.transaction() as cur:
        if ids:
            marks = ", ".join("?" * len(ids))
            cur.execute(d.sql(f"SELECT id, recipient_id FROM outbox_message WHERE id IN ({marks}) "
                              "AND status IN (?, ?)"), [*ids, FAILED, NO_ADDRESS])
        else:
            cur.execute(d.sql("SELECT id, recipient_id FROM outbox_message WHERE status IN (?, ?)"),
                        (FAILED, NO_ADDRESS))
        rows = cur.fetchall()
        n = 0
        for row_id, person_id in rows:
            cur.execute(d.sql("SELECT email FROM person WHERE id = ?"), (person_id,))
            found = cur.fetchone()
            email = (found[0] or "").strip() or None if found else None
            cur.execute(d.sql("UPDATE outbox_message SET status = ?, recipient_email = ?, tries = 0, "
                              "next_attempt_at = ?, claimed_until = NULL, last_error = NULL WHERE id = ?"),
                        (PENDING if email else NO_ADDRESS, email, now, row_id))
            n += 1 if email else 0
        return n

