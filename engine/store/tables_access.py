"""SQLModel tables of who is acting (revision 0007): accounts, web sessions, API tokens, the audit log."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from .tables import _ts


class AccountRow(SQLModel, table=True):
    __tablename__ = "account"
    person_id: str = Field(primary_key=True, foreign_key="person.id", max_length=64)
    password_hash: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    password_set_at: dt.datetime | None = _ts(nullable=True)
    failed_count: int = 0
    locked_until: dt.datetime | None = _ts(nullable=True)
    disabled: bool = False
    created_at: dt.datetime = _ts()


class WebSessionRow(SQLModel, table=True):
    __tablename__ = "web_session"
    id: str = Field(primary_key=True, max_length=64)  # SHA-256 of the cookie's value
    person_id: str = Field(foreign_key="person.id", index=True, max_length=64)
    csrf_token: str = Field(max_length=64)
    created_at: dt.datetime = _ts()
    last_seen_at: dt.datetime = _ts()
    ended_at: dt.datetime | None = _ts(nullable=True)
    client: str | None = Field(default=None, max_length=64)
    user_agent: str | None = Field(default=None, max_length=300)


class ApiTokenRow(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    person_id: str = Field(foreign_key="person.id", index=True, max_length=64)
    name: str = Field(max_length=200)
    token_hash: str = Field(unique=True, max_length=64)
    prefix: str = Field(max_length=16)
    created_at: dt.datetime = _ts()
    last_used_at: dt.datetime | None = _ts(nullable=True)
    revoked_at: dt.datetime | None = _ts(nullable=True)


class AuditRow(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"), Index("ix_audit_log_person_at", "person_id", "at"))
    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = _ts()
    kind: str = Field(max_length=32)
    person_id: str | None = Field(default=None, max_length=64)
    actor: str | None = Field(default=None, max_length=64)
    channel: str = Field(max_length=16)
    client: str | None = Field(default=None, max_length=64)
    detail: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
