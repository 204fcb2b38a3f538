"""The outbox for administrators: what is queued, one message, putting failed ones back in the queue."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..domain.clock import Clock
from ..domain.errors import BadInput
from ..store.database import Database
from ..store.outbox import STATUSES


@dataclass
class OutboxAdmin:
    database: Database
    clock: Clock

    def messages(self, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """The newest messages (without their bodies), of one status if given."""
        if status is not None and status not in STATUSES:
            raise BadInput(f"Trạng thái «{status}» không hợp lệ.", hint="Chọn một trong: " + ", ".join(STATUSES) + ".")
        if not 1 <= limit <= 10_000:
            raise BadInput(f"Giới hạn {limit} nằm ngoài 1–10000.")
        with self.database.reading() as uow:
            rows = uow.outbox.latest(status, limit)
        for r in rows:
            r.pop("body_html")
            r.pop("body_text")
        return rows

    def message(self, message_id: int) -> dict[str, Any]:
        with self.database.reading() as uow:
            row = uow.outbox.get(message_id)
        if row is None:
            raise BadInput(f"Không có thư số {message_id}.", hint="Xem danh sách bằng: thamdinh notifications list")
        return row

    def counts(self) -> dict[str, int]:
        with self.database.reading() as uow:
            return uow.outbox.counts()

    def retry(self, ids: list[int] | None = None) -> int:
        """Put failed (and no_address) messages back in the queue, due now; returns how many have an
        address now. Without ``ids``: every failed and no_address message. The recipient's address is
        read again from the person table, so fixing an address and retrying is enough."""
        with self.database.unit_of_work() as uow:
            n = uow.outbox.requeue(ids or None, self.clock.now())
            uow.commit()
        return n
