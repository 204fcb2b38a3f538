"""Accounts, sessions, personal tokens and the audit log: the records of who is acting.

A person of the organisation signs in with a password (hashed with Argon2id, never kept in clear)
or, behind a department's authenticating proxy, is named by it; API clients send a personal token.
The cookie's value and the token are random; the database keeps only their SHA-256.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .errors import BadInput
from .org import Person

PASSWORD_MIN = 12
PASSWORD_MAX = 256
TOKEN_NAME_MAX = 200

#: what the audit log records, and how a person reads it
AUDIT_LABELS = {
    "sign_in": "đăng nhập",
    "sign_in_failed": "đăng nhập sai",
    "locked": "tài khoản bị khóa tạm thời",
    "sign_out": "đăng xuất",
    "proxy_sign_in": "đăng nhập qua máy chủ xác thực",
    "password_set": "đặt mật khẩu",
    "account_disabled": "khóa tài khoản",
    "account_enabled": "mở khóa tài khoản",
    "token_created": "tạo mã truy cập API",
    "token_revoked": "thu hồi mã truy cập API",
    "token_used": "dùng mã truy cập API",
    "token_refused": "mã truy cập API bị từ chối",
}


@dataclass(frozen=True)
class Account:
    person_id: str
    password_hash: str | None
    failed_count: int = 0
    locked_until: dt.datetime | None = None
    disabled: bool = False

    def locked_at(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


@dataclass(frozen=True)
class WebSession:
    """A signed-in browser: whose it is, the CSRF token bound to it, when it was last seen."""

    id: str  # the SHA-256 of the cookie's value
    person: Person
    csrf: str
    last_seen_at: dt.datetime
    disabled: bool = False


@dataclass(frozen=True)
class ApiToken:
    id: int
    person_id: str
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None = None
    revoked_at: dt.datetime | None = None


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    kind: str
    person_id: str | None  # whom it is about
    actor: str | None  # who did it (an administrator setting a password; None: the person themselves)
    channel: str
    client: str | None
    detail: str | None

    @property
    def label(self) -> str:
        return AUDIT_LABELS.get(self.kind, self.kind)


def check_password(password: str, person_id: str) -> None:
    """Raise BadInput unless ``password`` may be set (its length, not the login, not one character)."""
    if len(password) < PASSWORD_MIN:
        raise BadInput(f"Mật khẩu quá ngắn ({len(password)} ký tự).",
                       hint=f"Dùng ít nhất {PASSWORD_MIN} ký tự; một câu dễ nhớ là một mật khẩu tốt.")
    if len(password) > PASSWORD_MAX:
        raise BadInput(f"Mật khẩu dài quá {PASSWORD_MAX} ký tự.")
    if password.casefold() == person_id.casefold() or len(set(password)) < 3:
        raise BadInput("Mật khẩu quá dễ đoán.", hint="Không dùng tên đăng nhập hay một ký tự lặp lại.")
    if not password.isprintable():
        raise BadInput("Mật khẩu chứa ký tự điều khiển.", hint="Chỉ dùng chữ, số, dấu và khoảng trắng.")
