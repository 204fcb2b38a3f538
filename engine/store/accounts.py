"""The repository of who is acting: accounts, web sessions, personal API tokens, the audit log.

Sessions and tokens are found by the SHA-256 of the value the client holds, in one statement that
also reads the person and whether their account is disabled (every request pays for one indexed read).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..domain.accounts import Account, ApiToken, AuditEntry, WebSession
from ..domain.org import Person
from . import mappers as m

if TYPE_CHECKING:
    from .database import UnitOfWork

SELECT_ACCOUNT = ("SELECT person_id, password_hash, failed_count, locked_until, disabled FROM account "
                  "WHERE person_id = ?")
INSERT_ACCOUNT = "INSERT INTO account (person_id, failed_count, disabled, created_at) VALUES (?, 0, ?, ?)"
SET_PASSWORD = ("UPDATE account SET password_hash = ?, password_set_at = ?, failed_count = 0, locked_until = NULL "
                "WHERE person_id = ?")
SET_DISABLED = "UPDATE account SET disabled = ?, failed_count = 0, locked_until = NULL WHERE person_id = ?"
SET_FAILURES = "UPDATE account SET failed_count = ?, locked_until = ? WHERE person_id = ?"

_PERSON = m.columns("p", m.PERSON_COLS)
INSERT_SESSION = ("INSERT INTO web_session (id, person_id, csrf_token, created_at, last_seen_at, client, user_agent) "
                  "VALUES (?, ?, ?, ?, ?, ?, ?)")
SELECT_SESSION = (f"SELECT s.id, s.csrf_token, s.last_seen_at, a.disabled, {_PERSON} FROM web_session s "
                  "JOIN person p ON p.id = s.person_id LEFT JOIN account a ON a.person_id = s.person_id "
                  "WHERE s.id = ? AND s.ended_at IS NULL")
TOUCH_SESSION = "UPDATE web_session SET last_seen_at = ? WHERE id = ?"
END_SESSION = "UPDATE web_session SET ended_at = ? WHERE id = ? AND ended_at IS NULL"
END_SESSIONS_OF = "UPDATE web_session SET ended_at = ? WHERE person_id = ? AND ended_at IS NULL"

_TOKEN = "t.id, t.person_id, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at"
INSERT_TOKEN = ("INSERT INTO api_token (person_id, name, token_hash, prefix, created_at) VALUES (?, ?, ?, ?, ?) "
                "RETURNING id")
SELECT_TOKEN_BY_HASH = (f"SELECT {_TOKEN}, a.disabled, {_PERSON} FROM api_token t "
                        "JOIN person p ON p.id = t.person_id LEFT JOIN account a ON a.person_id = t.person_id "
                        "WHERE t.token_hash = ?")
SELECT_TOKEN = f"SELECT {_TOKEN} FROM api_token t WHERE t.id = ?"
SELECT_TOKENS = f"SELECT {_TOKEN} FROM api_token t {{where}} ORDER BY t.person_id, t.id"
TOUCH_TOKEN = "UPDATE api_token SET last_used_at = ? WHERE id = ?"
REVOKE_TOKEN = "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"
REVOKE_TOKENS_OF = "UPDATE api_token SET revoked_at = ? WHERE person_id = ? AND revoked_at IS NULL"

INSERT_AUDIT = ("INSERT INTO audit_log (at, kind, person_id, actor, channel, client, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)")
SELECT_AUDIT = ("SELECT at, kind, person_id, actor, channel, client, detail FROM audit_log {where} "
                "ORDER BY at DESC, id DESC")


class Accounts:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.codec = uow.codec

    # -- accounts ----------------------------------------------------------------------------
    def get(self, person_id: str) -> Account | None:
        row = self.uow.execute(SELECT_ACCOUNT, (person_id,)).fetchone()
        if row is None:
            return None
        return Account(row[0], row[1], int(row[2]), self.codec.read_ts(row[3]), bool(row[4]))

    def ensure(self, person_id: str, now: dt.datetime) -> None:
        if self.get(person_id) is None:
            self.uow.execute(INSERT_ACCOUNT, (person_id, False, self.codec.ts(now)))

    def set_password(self, person_id: str, password_hash: str, now: dt.datetime) -> None:
        self.ensure(person_id, now)
        self.uow.execute(SET_PASSWORD, (password_hash, self.codec.ts(now), person_id))

    def set_disabled(self, person_id: str, disabled: bool, now: dt.datetime) -> None:
        self.ensure(person_id, now)
        self.uow.execute(SET_DISABLED, (disabled, person_id))

    def set_failures(self, person_id: str, count: int, locked_until: dt.datetime | None) -> None:
        self.uow.execute(SET_FAILURES, (count, self.codec.ts(locked_until), person_id))

    # -- sessions ----------------------------------------------------------------------------
    def open_session(self, sid: str, person_id: str, csrf: str, now: dt.datetime, client: str | None,
                     user_agent: str | None) -> None:
        ts = self.codec.ts(now)
        self.uow.execute(INSERT_SESSION, (sid, person_id, csrf, ts, ts, client, (user_agent or "")[:300] or None))

    def session(self, sid: str) -> WebSession | None:
        row = self.uow.execute(SELECT_SESSION, (sid,)).fetchone()
        if row is None:
            return None
        last = self.codec.read_ts(row[2])
        assert last is not None
        return WebSession(row[0], m.person(row[4:]), row[1], last, bool(row[3]))

    def touch_session(self, sid: str, now: dt.datetime) -> None:
        self.uow.execute(TOUCH_SESSION, (self.codec.ts(now), sid))

    def end_session(self, sid: str, now: dt.datetime) -> bool:
        return bool(self.uow.execute(END_SESSION, (self.codec.ts(now), sid)).rowcount)

    def end_sessions_of(self, person_id: str, now: dt.datetime) -> int:
        return int(self.uow.execute(END_SESSIONS_OF, (self.codec.ts(now), person_id)).rowcount)

    # -- tokens --------------------------------------------------------------------------------
    def _token(self, row: Any) -> ApiToken:
        created = self.codec.read_ts(row[4])
        assert created is not None
        return ApiToken(int(row[0]), row[1], row[2], row[3], created, self.codec.read_ts(row[5]),
                        self.codec.read_ts(row[6]))

    def add_token(self, person_id: str, name: str, token_hash: str, prefix: str, now: dt.datetime) -> int:
        row = self.uow.execute(INSERT_TOKEN, (person_id, name, token_hash, prefix, self.codec.ts(now))).fetchone()
        return int(row[0])

    def token_by_hash(self, token_hash: str) -> tuple[ApiToken, Person, bool] | None:
        """The token, its person and whether their account is disabled."""
        row = self.uow.execute(SELECT_TOKEN_BY_HASH, (token_hash,)).fetchone()
        if row is None:
            return None
        return self._token(row), m.person(row[8:]), bool(row[7])

    def token(self, token_id: int) -> ApiToken | None:
        row = self.uow.execute(SELECT_TOKEN, (token_id,)).fetchone()
        return self._token(row) if row else None

    def tokens(self, person_id: str | None = None) -> list[ApiToken]:
        where, params = ("WHERE t.person_id = ?", (person_id,)) if person_id else ("", ())
        return [self._token(r) for r in self.uow.execute(SELECT_TOKENS.format(where=where), params).fetchall()]

    def touch_token(self, token_id: int, now: dt.datetime) -> None:
        self.uow.execute(TOUCH_TOKEN, (self.codec.ts(now), token_id))

    def revoke_token(self, token_id: int, now: dt.datetime) -> bool:
        return bool(self.uow.execute(REVOKE_TOKEN, (self.codec.ts(now), token_id)).rowcount)

    def revoke_tokens_of(self, person_id: str, now: dt.datetime) -> int:
        return int(self.uow.execute(REVOKE_TOKENS_OF, (self.codec.ts(now), person_id)).rowcount)

    # -- the audit log ---------------------------------------------------------------------------
    def audit(self, e: AuditEntry) -> None:
        self.uow.execute(INSERT_AUDIT, (self.codec.ts(e.at), e.kind, e.person_id, e.actor, e.channel, e.client,
                                        e.detail))

    def audit_entries(self, *, person_id: str | None = None, kind: str | None = None,
                      since: dt.datetime | None = None, limit: int = 200) -> list[AuditEntry]:
        clauses, params = [], []
        for clause, value in (("person_id = ?", person_id), ("kind = ?", kind), ("at >= ?", self.codec.ts(since))):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.uow.execute(SELECT_AUDIT.format(where=where) + f" LIMIT {int(limit)}", params).fetchall()
        out = []
        for r in rows:
            at = self.codec.read_ts(r[0])
            assert at is not None
            out.append(AuditEntry(at, r[1], r[2], r[3], r[4], r[5], r[6]))
        return out
