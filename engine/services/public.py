"""What anyone may read without signing in: one dossier looked up by its code and the investor's
look-up key (its state, appointment date and whether each stage was early, on time or late; no officer,
no note), and the movement's ranking with how every score was made.

**The investor's look-up key** (mã tra cứu) is printed on the receipt: ten characters of the base32
HMAC-SHA256 of the dossier's code under the server's secret (``THAMDINH_SECRET_KEY``), shown as
``ABCDE-FGHJK``. It is derived, not stored: the same secret gives the same key for as long as the
receipt lives, and without the secret nobody can make the key of another code, so codes cannot be
enumerated (50 bits a key). A look-up compares in constant time, answers an unknown code exactly as
a wrong key, and a client address that fails ``MAX_FAILURES`` times within ``WINDOW`` is refused for
the rest of the window (``TooManyTries``, HTTP 429). Changing the secret changes every key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ..domain import text
from ..domain.clock import Clock, local_date
from ..domain.deadlines import OUTCOME_LABELS
from ..domain.errors import BadInput, NotPermitted, UnknownDossier
from .queries import DossierQueries
from .reports import Reports

KEY_CHARS = 10
MAX_FAILURES = 10
WINDOW = 600.0  # seconds
_CONTEXT = b"thamdinh/lookup/v1\x00"
#: the key's alphabet is RFC 4648 base32 (A–Z, 2–7): a 0, 1 or 8 typed from paper was meant as O, I or B
_FOLD = str.maketrans({"0": "O", "1": "I", "8": "B"})


class LookupUnavailable(BadInput):
    """The department has not set a secret: no key can be made or checked."""


class TooManyTries(NotPermitted):
    """A client that failed too many look-ups in the window (HTTP 429)."""


def lookup_key(secret: str, code: str) -> str:
    """The investor's look-up key of ``code`` under ``secret``: ``XXXXX-XXXXX``."""
    clean = unicodedata.normalize("NFC", code.strip())
    mac = hmac.new(secret.encode("utf-8"), _CONTEXT + clean.encode("utf-8"), hashlib.sha256).digest()
    chars = base64.b32encode(mac).decode("ascii")[:KEY_CHARS]
    return f"{chars[:5]}-{chars[5:]}"


def normalise_key(typed: str) -> str:
    """What a person typed, as a key: upper case, spaces and dashes dropped, digits people confuse with
    letters folded (0 → O, 1 → I, 8 → B); formatted ``XXXXX-XXXXX``."""
    raw = "".join(ch for ch in typed.upper() if ch.isalnum()).translate(_FOLD)[:KEY_CHARS + 2]
    return f"{raw[:5]}-{raw[5:]}"


@dataclass
class FailureLimit:
    """Failed look-ups per client address in a sliding window (this process's memory)."""

    max_failures: int = MAX_FAILURES
    window: float = WINDOW
    _seen: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, client: str, now: float) -> deque[float]:
        q = self._seen.setdefault(client, deque())
        while q and q[0] <= now - self.window:
            q.popleft()
        return q

    def check(self, client: str) -> None:
        now = time.monotonic()
        with self._lock:
            q = self._recent(client, now)
            if len(q) >= self.max_failures:
                wait = max(1, round((q[0] + self.window - now) / 60))
                raise TooManyTries(f"Tra cứu sai quá {self.max_failures} lần từ địa chỉ này.",
                                   hint=f"Thử lại sau khoảng {wait} phút; kiểm tra mã hồ sơ và mã tra cứu in trên "
                                        "giấy tiếp nhận.")

    def failed(self, client: str) -> None:
        with self._lock:
            self._recent(client, time.monotonic()).append(time.monotonic())
            if len(self._seen) > 100_000:  # an address flood: forget the oldest
                self._seen.pop(next(iter(self._seen)))


@dataclass
class PublicLookup:
    queries: DossierQueries
    secret: str | None
    limit: FailureLimit = field(default_factory=FailureLimit)

    def key_for(self, code: str) -> str | None:
        """The key a receipt prints for ``code`` (None when the department set no secret)."""
        return lookup_key(self.secret, code) if self.secret else None

    def lookup(self, code: str, key: str, client: str | None) -> dict[str, Any]:
        """The public view of a dossier; raises LookupUnavailable, TooManyTries, UnknownDossier (the
        same for an unknown code and a wrong key)."""
        if not self.secret:
            raise LookupUnavailable("Sở chưa bật tra cứu hồ sơ công khai.",
                                    hint="Liên hệ bộ phận một cửa của Sở; quản trị hệ thống bật bằng "
                                         "THAMDINH_SECRET_KEY.")
        who = client or "?"
        self.limit.check(who)
        clean = text.code(code) if code.strip() else ""
        expected = lookup_key(self.secret, clean)
        view = None
        if hmac.compare_digest(expected.encode(), normalise_key(key).encode()) and clean:
            try:
                view = self.queries.show(clean, None)
            except UnknownDossier:
                view = None
        if view is None:
            self.limit.failed(who)
            raise UnknownDossier("Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này.",
                                 hint="Kiểm tra mã hồ sơ và mã tra cứu (10 ký tự) in trên giấy tiếp nhận hồ sơ.")
        return public_view(view)


def public_view(view: dict[str, Any]) -> dict[str, Any]:
    """What the public sees of a dossier's view: no officer, no note, no history's people."""
    c = view["clock"]
    stages = [{"stage": x["stage_label"], "start_date": x["start_date"], "due_date": x["due_date"],
               "finished_on": x["finished_on"], "outcome": x["outcome"],
               "outcome_label": OUTCOME_LABELS.get(x["outcome"], "Chưa đánh giá") if x["finished_on"] else
               "Đang giải quyết"} for x in view["clocks"]]
    # paused: the investor holds it, and the date is set again when the supplement comes in
    appointment = None if c and c["paused"] else next(
        (x["due_date"] for x in reversed(view["clocks"]) if x["due_date"]), None)
    return {"code": view["code"], "project_name": view["project_name"], "division_name": view["division_name"],
            "workflow_title": view["workflow_title"], "received_on": view["received_on"],
            "state_label": view["state_label"], "open": c is not None,
            "paused": bool(c and c["paused"]), "paused_on": c["paused_on"] if c else None,
            "appointment_date": appointment, "overdue_by": c["overdue_by"] if c else 0,
            "unit_label": c["unit_label"] if c else None, "stages": stages}


@dataclass
class PublicRanking:
    """The movement's ranking as published: the evaluation of the shipped (or the province's) movement
    up to today, every unit's inputs, points and weights; made again at most every ``ttl`` seconds."""

    reports: Reports
    clock: Clock
    ttl: float = 300.0
    _cache: dict[str, tuple[float, dict[str, Any]]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def ranking(self) -> dict[str, Any]:
        today = local_date(self.clock.now())
        movement = self.reports.movement(None)
        key = f"{movement.id}:{today.isoformat()}"
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and time.monotonic() - hit[0] < self.ttl:
                return hit[1]
        if today < movement.start:
            data: dict[str, Any] = {"movement": {"id": movement.id, "name": movement.name,
                                                 "start": movement.start.isoformat(), "end": movement.end.isoformat()},
                                    "not_started": True, "units": {}}
        else:
            data = self.reports.evaluation(movement, until=today if today < movement.end else None)
            data["not_started"] = False
        data["interim"] = today < movement.end
        data["as_of"] = min(today, movement.end).isoformat()
        with self._lock:
            self._cache = {key: (time.monotonic(), data)}
        return data
