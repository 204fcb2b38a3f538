"""The outbox repository: messages as rows, written in the transaction that caused them, and the
dispatcher's claims and marks.

Statuses: ``pending`` (waiting for its next attempt), ``sending`` (claimed by a dispatcher until
``claimed_until``), ``sent``, ``failed`` (for good) and ``no_address`` (the recipient had no e-mail
address). ``dedup_key`` is unique: the same cause never queues the same recipient twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .database import UnitOfWork

PENDING, SENDING, SENT, FAILED, NO_ADDRESS = "pending", "sending", "sent", "failed", "no_address"
STATUSES = (PENDING, SENDING, SENT, FAILED, NO_ADDRESS)
COLUMNS = ("id", "dedup_key", "kind", "alert_id", "dossier_id", "recipient_id", "recipient_email", "subject",
           "body_text", "body_html", "attachments", "status", "tries", "next_attempt_at", "claimed_until", "last_error",
           "message_id", "created_at", "sent_at")
_TS = ("next_attempt_at", "claimed_until", "created_at", "sent_at")

INSERT = (
    "INSERT INTO outbox_message (dedup_key, kind, alert_id, dossier_id, recipient_id, recipient_email, subject,"
    " body_text, body_html, attachments, status, tries, next_attempt_at, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?) ON CONFLICT (dedup_key) DO NOTHING"
)
SELECT_ONE = f"SELECT {', '.join(COLUMNS)} FROM outbox_message WHERE id = ?"
SELECT_LATEST = f"SELECT {', '.join(COLUMNS)} FROM outbox_message {{where}}ORDER BY id DESC LIMIT ?"
COUNT_BY_STATUS = "SELECT status, COUNT(*) FROM outbox_message GROUP BY status"
SELECT_RETRYABLE = "SELECT id, recipient_id FROM outbox_message WHERE status IN (?, ?){ids}"
SELECT_EMAIL = "SELECT email FROM person WHERE id = ?"
REQUEUE = ("UPDATE outbox_message SET status = ?, recipient_email = ?, tries = 0, next_attempt_at = ?, "
           "claimed_until = NULL, last_error = NULL WHERE id = ?")
_DUE = "((status = ? AND next_attempt_at <= ?) OR (status = ? AND claimed_until < ?))"
SELECT_DUE = f"SELECT id FROM outbox_message WHERE {_DUE} ORDER BY id LIMIT ?"
CLAIM = f"UPDATE outbox_message SET status = ?, claimed_until = ?, tries = tries + 1 WHERE id = ? AND {_DUE}"
GIVE_UP = ("UPDATE outbox_message SET status = ?, claimed_until = NULL, last_error = ? "
           "WHERE status = ? AND claimed_until < ? AND tries >= ?")
MARK_SENT = ("UPDATE outbox_message SET status = ?, sent_at = ?, message_id = ?, claimed_until = NULL, "
             "last_error = NULL WHERE id = ? AND status = ?")
MARK_FAILED = ("UPDATE outbox_message SET status = ?, next_attempt_at = ?, message_id = ?, claimed_until = NULL, "
               "last_error = ? WHERE id = ? AND status = ?")


@dataclass(frozen=True)
class NewMessage:
    dedup_key: str
    kind: str
    recipient_id: str
    recipient_email: str | None
    subject: str
    body_text: str
    body_html: str
    attachments: str | None = None  # JSON list of paths
    alert_id: int | None = None
    dossier_id: int | None = None


class Outbox:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    def _row(self, values: Any) -> dict[str, Any]:
        row = dict(zip(COLUMNS, values, strict=True))
        for k in _TS:
            row[k] = self.codec.read_ts(row[k])
        return row

    def add(self, m: NewMessage, now: dt.datetime) -> bool:
        """Queue one message; False if its dedup key was queued before."""
        status = PENDING if m.recipient_email else NO_ADDRESS
        ts = self.codec.ts(now)
        cur = self.uow.execute(INSERT, (m.dedup_key, m.kind, m.alert_id, m.dossier_id, m.recipient_id,
                                        m.recipient_email, m.subject, m.body_text, m.body_html, m.attachments,
                                        status, ts, ts))
        return bool(cur.rowcount == 1)

    def latest(self, status: str | None, limit: int) -> list[dict[str, Any]]:
        where, args = ("WHERE status = ? ", [status]) if status else ("", [])
        return [self._row(r) for r in self.uow.execute(SELECT_LATEST.format(where=where), [*args, limit]).fetchall()]

    def get(self, message_id: int) -> dict[str, Any] | None:
        row = self.uow.execute(SELECT_ONE, (message_id,)).fetchone()
        return self._row(row) if row else None

    def counts(self) -> dict[str, int]:
        return {s: int(n) for s, n in self.uow.execute(COUNT_BY_STATUS).fetchall()}

    def requeue(self, ids: list[int] | None, now: dt.datetime) -> int:
        """Failed and no_address messages (or those of ``ids``) due again now, the recipient's address
        read again; returns how many have an address now."""
        marks = f" AND id IN ({', '.join('?' * len(ids))})" if ids else ""
        rows = self.uow.execute(SELECT_RETRYABLE.format(ids=marks), [FAILED, NO_ADDRESS, *(ids or [])]).fetchall()
        n = 0
        for row_id, person_id in rows:
            found = self.uow.execute(SELECT_EMAIL, (person_id,)).fetchone()
            email = ((found[0] or "").strip() or None) if found else None
            self.uow.execute(REQUEUE, (PENDING if email else NO_ADDRESS, email, self.codec.ts(now), row_id))
            n += 1 if email else 0
        return n

    # -- the dispatcher ------------------------------------------------------------------------
    def claim(self, n: int, now: dt.datetime, until: dt.datetime, max_tries: int,
              give_up_note: str) -> list[dict[str, Any]]:
        """Claim up to ``n`` due rows until ``until``; rows left ``sending`` by a dead dispatcher after
        ``max_tries`` attempts are failed first."""
        ts = self.codec.ts
        due = (PENDING, ts(now), SENDING, ts(now))
        self.uow.execute(GIVE_UP, (FAILED, give_up_note, SENDING, ts(now), max_tries))
        ids = [r[0] for r in self.uow.execute(SELECT_DUE, (*due, n)).fetchall()]
        rows = []
        for row_id in ids:
            if self.uow.execute(CLAIM, (SENDING, ts(until), row_id, *due)).rowcount == 1:
                rows.append(dict(zip(COLUMNS, self.uow.execute(SELECT_ONE, (row_id,)).fetchone(), strict=True)))
        return rows

    def mark_sent(self, row_id: int, at: dt.datetime, message_id: str) -> None:
        self.uow.execute(MARK_SENT, (SENT, self.codec.ts(at), message_id, row_id, SENDING))

    def mark_failed(self, row_id: int, *, permanent: bool, next_at: dt.datetime, message_id: str, error: str) -> None:
        self.uow.execute(MARK_FAILED, (FAILED if permanent else PENDING, self.codec.ts(next_at), message_id, error,
                                       row_id, SENDING))
