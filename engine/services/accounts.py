"""Signing in and out, sessions, personal API tokens, and the audit log of them.

Who may do what to an account is decided by ``Access``: administrators (``manages: accounts``) set
passwords, disable accounts and read the audit log; a person may change their own password and make
or revoke their own tokens. Every sign-in, failure, lock-out, sign-out, password change and token
event is written to the audit log in the same unit of work as the change it records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..domain import text
from ..domain.accounts import TOKEN_NAME_MAX, ApiToken, AuditEntry, WebSession, check_password
from ..domain.caller import CLI, Via
from ..domain.clock import TZ, Clock
from ..domain.errors import BadInput, NotSignedIn, SignInRefused, UnknownPerson
from ..domain.org import Person
from ..io import secrets
from ..store.database import Database, UnitOfWork
from .access import Access

_WRONG = "Tên đăng nhập hoặc mật khẩu không đúng."
#: how often a session's or a token's last use is written (not on every request)
TOUCH_EVERY = dt.timedelta(minutes=1)
#: a token's use is written to the audit log when it had not been used for this long
TOKEN_USE_AUDIT_GAP = dt.timedelta(hours=1)


@dataclass(frozen=True)
class SignInPolicy:
    idle: dt.timedelta = dt.timedelta(hours=8)
    max_failures: int = 5
    lock: dt.timedelta = dt.timedelta(minutes=15)


@dataclass(frozen=True)
class SignedIn:
    """A new session: the cookie's value (given to the browser once, never stored) and its CSRF token."""

    cookie: str
    csrf: str
    person: Person


@dataclass
class AccountService:
    database: Database
    clock: Clock
    access: Access
    policy: SignInPolicy

    # -- helpers -----------------------------------------------------------------------------
    def _audit(self, uow: UnitOfWork, kind: str, person_id: str | None, via: Via, *, by: Person | None = None,
               detail: str | None = None) -> None:
        uow.accounts.audit(AuditEntry(self.clock.now(), kind, person_id, by.id if by else None, via.channel,
                                      via.client, detail))

    @staticmethod
    def _person(uow: UnitOfWork, person_id: str) -> Person:
        p = uow.people.get(text.required(person_id, "mã cán bộ", limit=text.CODE_MAX))
        if p is None or not p.active:
            raise UnknownPerson(f"Không có cán bộ «{person_id}» (hoặc đã thôi công tác) trong tổ chức.",
                                hint="Xem danh sách bằng: thamdinh org show")
        return p

    def _may_manage(self, by: Person | None, person_id: str) -> None:
        if by is None or by.id != person_id:
            self.access.require_manage(by, "accounts")

    # -- administering accounts --------------------------------------------------------------
    def set_password(self, person_id: str, password: str, by: Person | None = None, via: Via = CLI) -> None:
        """Set a person's password (their other sessions end); raises BadInput, UnknownPerson, NotPermitted."""
        with self.database.unit_of_work() as uow:
            p = self._person(uow, person_id)
            self._may_manage(by, p.id)
            check_password(password, p.id)
            now = self.clock.now()
            uow.accounts.set_password(p.id, secrets.hash_password(password), now)
            uow.accounts.end_sessions_of(p.id, now)
            self._audit(uow, "password_set", p.id, via, by=by)
            uow.commit()

    def set_disabled(self, person_id: str, disabled: bool, by: Person | None = None, via: Via = CLI) -> None:
        """Disable an account (its sessions end, its tokens stop working) or enable it again."""
        with self.database.unit_of_work() as uow:
            p = self._person(uow, person_id)
            self.access.require_manage(by, "accounts")
            now = self.clock.now()
            uow.accounts.set_disabled(p.id, disabled, now)
            if disabled:
                uow.accounts.end_sessions_of(p.id, now)
            self._audit(uow, "account_disabled" if disabled else "account_enabled", p.id, via, by=by)
            uow.commit()

    # -- signing in and out ------------------------------------------------------------------
    def sign_in(self, login: str, password: str, via: Via, user_agent: str | None = None) -> SignedIn:
        """Check the password and open a session; raises SignInRefused (the failure is kept)."""
        login = unicode_login(login)
        with self.database.unit_of_work() as uow:
            now = self.clock.now()
            person, account = uow.people.get(login), uow.accounts.get(login)
            if account is not None and account.locked_at(now):
                self._audit(uow, "sign_in_failed", login, via, detail="tài khoản đang bị khóa tạm thời")
                uow.commit()
                raise SignInRefused(_locked(account.locked_until), hint="Liên hệ quản trị nếu cần mở ngay.")
            if not secrets.verify_password(account.password_hash if account else None, password):
                refusal = self._failed(uow, login, person is not None and account is not None, now, via)
                uow.commit()
                raise refusal
            assert account is not None and account.password_hash is not None
            if person is None or not person.active or account.disabled:
                self._audit(uow, "sign_in_failed", login, via, detail="tài khoản không còn dùng được")
                uow.commit()
                raise SignInRefused("Tài khoản này không còn dùng được (đã bị khóa hoặc cán bộ đã thôi công tác).",
                                    hint="Liên hệ quản trị của Sở.")
            uow.accounts.set_failures(login, 0, None)
            if secrets.needs_rehash(account.password_hash):
                uow.accounts.set_password(login, secrets.hash_password(password), now)
            signed = self._open(uow, person, via, user_agent, "sign_in")
            uow.commit()
        return signed

    def _failed(self, uow: UnitOfWork, login: str, known: bool, now: dt.datetime, via: Via) -> SignInRefused:
        if not known:
            self._audit(uow, "sign_in_failed", None, via, detail=f"tên đăng nhập «{login[:64]}»")
            return SignInRefused(_WRONG, hint="Kiểm tra tên đăng nhập (mã cán bộ) và mật khẩu.")
        account = uow.accounts.get(login)
        assert account is not None
        count = account.failed_count + 1
        self._audit(uow, "sign_in_failed", login, via, detail=f"lần thứ {count}")
        if count >= self.policy.max_failures:
            until = now + self.policy.lock
            uow.accounts.set_failures(login, 0, until)
            self._audit(uow, "locked", login, via, detail=f"{count} lần sai liên tiếp")
            return SignInRefused(_locked(until), hint="Liên hệ quản trị nếu cần mở ngay.")
        uow.accounts.set_failures(login, count, None)
        left = self.policy.max_failures - count
        return SignInRefused(_WRONG, hint=f"Sai thêm {left} lần nữa, tài khoản sẽ bị khóa "
                                          f"{int(self.policy.lock.total_seconds() // 60)} phút.")

    def _open(self, uow: UnitOfWork, person: Person, via: Via, user_agent: str | None, kind: str) -> SignedIn:
        cookie, csrf = secrets.new_secret(), secrets.new_secret()
        uow.accounts.open_session(secrets.digest(cookie), person.id, csrf, self.clock.now(), via.client, user_agent)
        self._audit(uow, kind, person.id, via)
        return SignedIn(cookie, csrf, person)

    def proxy_sign_in(self, person_id: str, via: Via, user_agent: str | None = None) -> SignedIn:
        """Open a session for the person a trusted authenticating proxy names; raises SignInRefused."""
        with self.database.unit_of_work() as uow:
            person, account = uow.people.get(person_id), uow.accounts.get(person_id)
            if person is None or not person.active or (account is not None and account.disabled):
                self._audit(uow, "sign_in_failed", person_id if person else None, via,
                            detail=f"máy chủ xác thực báo «{person_id[:64]}»")
                uow.commit()
                raise SignInRefused(f"«{person_id[:64]}» không phải cán bộ đang công tác có tài khoản dùng được.",
                                    hint="Liên hệ quản trị của Sở để được thêm vào tổ chức.")
            signed = self._open(uow, person, via, user_agent, "proxy_sign_in")
            uow.commit()
        return signed

    def session(self, cookie: str) -> WebSession | None:
        """The live session of a cookie's value, or None (unknown, ended, idle too long, account gone)."""
        now = self.clock.now()
        with self.database.unit_of_work() as uow:
            s = uow.accounts.session(secrets.digest(cookie))
            if s is None:
                return None
            if s.disabled or not s.person.active or now - s.last_seen_at > self.policy.idle:
                uow.accounts.end_session(s.id, now)
                uow.commit()
                return None
            if now - s.last_seen_at > TOUCH_EVERY:
                uow.accounts.touch_session(s.id, now)
                uow.commit()
        return s

    def sign_out(self, cookie: str, via: Via) -> None:
        with self.database.unit_of_work() as uow:
            s = uow.accounts.session(secrets.digest(cookie))
            if s is not None and uow.accounts.end_session(s.id, self.clock.now()):
                self._audit(uow, "sign_out", s.person.id, via)
                uow.commit()

    # -- personal API tokens -------------------------------------------------------------------
    def create_token(self, person_id: str, name: str, by: Person | None = None,
                     via: Via = CLI) -> tuple[str, ApiToken]:
        """A new token for ``person_id``: (the token, shown once; its record)."""
        label = text.required(name, "tên mã truy cập", limit=TOKEN_NAME_MAX)
        token = secrets.new_api_token()
        with self.database.unit_of_work() as uow:
            p = self._person(uow, person_id)
            self._may_manage(by, p.id)
            token_id = uow.accounts.add_token(p.id, label, secrets.digest(token), token[:10], self.clock.now())
            self._audit(uow, "token_created", p.id, via, by=by, detail=f"mã số {token_id} «{label}»")
            record = uow.accounts.token(token_id)
            uow.commit()
        assert record is not None
        return token, record

    def tokens(self, person_id: str | None = None, by: Person | None = None) -> list[ApiToken]:
        if person_id is None or by is not None:
            self._may_manage(by, person_id or "")
        with self.database.reading() as uow:
            return uow.accounts.tokens(person_id)

    def revoke(self, token_id: int, by: Person | None = None, via: Via = CLI) -> ApiToken:
        with self.database.unit_of_work() as uow:
            t = uow.accounts.token(token_id)
            if t is None:
                raise BadInput(f"Không có mã truy cập số {token_id}.", hint="Xem danh sách: thamdinh user tokens")
            self._may_manage(by, t.person_id)
            if not uow.accounts.revoke_token(token_id, self.clock.now()):
                raise BadInput(f"Mã truy cập số {token_id} đã bị thu hồi từ trước.")
            self._audit(uow, "token_revoked", t.person_id, via, by=by, detail=f"mã số {t.id} «{t.name}»")
            revoked = uow.accounts.token(token_id)
            uow.commit()
        assert revoked is not None
        return revoked

    def token_person(self, token: str, via: Via) -> Person:
        """The person a personal token acts for; raises NotSignedIn (unknown, revoked, account gone)."""
        now = self.clock.now()
        with self.database.unit_of_work() as uow:
            found = uow.accounts.token_by_hash(secrets.digest(token))
            if found is None or found[0].revoked_at is not None or found[2] or not found[1].active:
                self._audit(uow, "token_refused", found[1].id if found else None, via,
                            detail=f"mã số {found[0].id}" if found else "mã không có trong hệ thống")
                uow.commit()
                raise NotSignedIn("Mã truy cập API không hợp lệ hoặc đã bị thu hồi.",
                                  hint="Xin mã mới: thamdinh user token MÃ_CÁN_BỘ --name TÊN; gửi kèm tiêu đề "
                                       "Authorization: Bearer <mã>.")
            t, person, _ = found
            if t.last_used_at is None or now - t.last_used_at > TOUCH_EVERY:
                uow.accounts.touch_token(t.id, now)
                if t.last_used_at is None or now - t.last_used_at > TOKEN_USE_AUDIT_GAP:
                    self._audit(uow, "token_used", person.id, via, detail=f"mã số {t.id} «{t.name}»")
                uow.commit()
        return person

    # -- the audit log -------------------------------------------------------------------------
    def audit(self, by: Person | None = None, *, person_id: str | None = None, kind: str | None = None,
              since: dt.datetime | None = None, limit: int = 200) -> list[AuditEntry]:
        self.access.require_manage(by, "accounts")
        if not 1 <= limit <= 10_000:
            raise BadInput(f"Giới hạn {limit} nằm ngoài 1–10000.")
        with self.database.reading() as uow:
            return uow.accounts.audit_entries(person_id=person_id, kind=kind, since=since, limit=limit)


def unicode_login(login: str) -> str:
    """A login as typed: stripped and NFC; a control character or an over-long one cannot be a login."""
    try:
        return text.required(login, "tên đăng nhập", limit=text.CODE_MAX)
    except BadInput:
        raise SignInRefused(_WRONG, hint="Kiểm tra tên đăng nhập (mã cán bộ) và mật khẩu.") from None


def _locked(until: dt.datetime | None) -> str:
    shown = until.astimezone(TZ).strftime("%H:%M") if until else "sau ít phút"
    return f"Tài khoản tạm khóa đến {shown} vì đăng nhập sai nhiều lần liên tiếp."
