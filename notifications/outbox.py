"""The transactional outbox: every message is a row, written in the unit of work that caused it.

``Mailer.queue(uow, …)`` renders a message for a person and adds it to the outbox on the caller's
unit of work, so an alert and its messages commit together or not at all. Statuses and the dedup key
are the store's (engine.store.outbox).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.domain.clock import Clock
from engine.domain.org import Person
from engine.store.database import Database, UnitOfWork
from engine.store.outbox import FAILED, NO_ADDRESS, PENDING, SENDING, SENT, STATUSES, NewMessage

from .render import render

STATUS_LABELS = {PENDING: "chờ gửi", SENDING: "đang gửi", SENT: "đã gửi", FAILED: "gửi hỏng",
                 NO_ADDRESS: "thiếu e-mail"}
__all__ = ["STATUSES", "STATUS_LABELS", "Letterhead", "Mailer", "message_id"]


def message_id(row_id: int, dedup_key: str, mail_from: str) -> str:
    """A Message-ID derived from the row alone: a resend after a crash carries the same one."""
    domain = mail_from.rpartition("@")[2] or "thamdinh.local"
    token = hashlib.sha256(dedup_key.encode("utf-8")).hexdigest()[:16]
    return f"<thamdinh.{row_id}.{token}@{domain}>"


@dataclass(frozen=True)
class Letterhead:
    """Who the messages come from, as every template shows it."""

    department_name: str
    province_name: str


@dataclass
class Mailer:
    letterhead: Letterhead
    clock: Clock

    def queue(self, uow: UnitOfWork, dedup_key: str, kind: str, person: Person, template: str,
              context: dict[str, Any], *, alert_id: int | None = None, dossier_id: int | None = None,
              attachments: list[str] | None = None) -> bool:
        """Render and queue one message on ``uow``; False if ``dedup_key`` was already queued."""
        full = {"department_name": self.letterhead.department_name,
                "province_name": self.letterhead.province_name, **context}
        msg = render(template, full)
        return uow.outbox.add(NewMessage(
            dedup_key=dedup_key, kind=kind, recipient_id=person.id, recipient_email=person.email,
            subject=msg.subject, body_text=msg.text, body_html=msg.html,
            attachments=json.dumps(attachments, ensure_ascii=False) if attachments else None,
            alert_id=alert_id, dossier_id=dossier_id), self.clock.now())

    def queue_report(self, database: Database, *, subject: str, attachments: Iterable[Path],
                     roles: tuple[str, ...] = ("head", "director"), note: str | None = None) -> int:
        """Queue a report (files attached) for every active person with one of ``roles``; once per
        subject, files and person. Returns how many messages were queued."""
        files = [str(Path(f).resolve()) for f in attachments]
        digest = hashlib.sha256("\n".join([subject, *files]).encode("utf-8")).hexdigest()[:16]
        n = 0
        with database.unit_of_work() as uow:
            for person in uow.people.directory().with_roles(roles):
                context = {"recipient": {"id": person.id, "name": person.name}, "title": subject,
                           "files": [Path(f).name for f in files], "note": note}
                n += self.queue(uow, f"report:{digest}:{person.id}", "report", person, "report", context,
                                attachments=files)
            uow.commit()
        return n
