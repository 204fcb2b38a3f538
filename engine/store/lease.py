"""The scheduler's lease: one holder per name until it expires, unless renewed."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .database import UnitOfWork

TAKE_OR_RENEW = (
    "UPDATE scheduler_lease SET acquired_at = CASE WHEN holder = ? THEN acquired_at ELSE ? END, "
    "holder = ?, renewed_at = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at < ?)")
CREATE = ("INSERT INTO scheduler_lease (name, holder, acquired_at, renewed_at, expires_at) "
          "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING")
RELEASE = "DELETE FROM scheduler_lease WHERE name = ? AND holder = ?"
SELECT = "SELECT holder, acquired_at, renewed_at, expires_at FROM scheduler_lease WHERE name = ?"


class Leases:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    def acquire(self, name: str, holder: str, now: dt.datetime, until: dt.datetime) -> bool:
        """Take or renew; True if ``holder`` holds the lease until ``until``."""
        ts = self.codec.ts
        cur = self.uow.execute(TAKE_OR_RENEW, (holder, ts(now), holder, ts(now), ts(until), name, holder, ts(now)))
        if cur.rowcount == 1:
            return True
        return bool(self.uow.execute(CREATE, (name, holder, ts(now), ts(now), ts(until))).rowcount == 1)

    def release(self, name: str, holder: str) -> None:
        self.uow.execute(RELEASE, (name, holder))

    def info(self, name: str) -> dict[str, Any] | None:
        r = self.uow.execute(SELECT, (name,)).fetchone()
        if r is None:
            return None
        read = self.codec.read_ts
        return {"holder": r[0], "acquired_at": read(r[1]), "renewed_at": read(r[2]), "expires_at": read(r[3])}
