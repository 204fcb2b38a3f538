"""SQLModel tables: the schema as the migrations build it (engine/store/migrations owns it; Alembic's
autogenerate compares against these). The code reads and writes through the repositories, never these
classes.

Timestamps are stored in UTC (timestamptz on PostgreSQL, text on SQLite) through ``UTCDateTime``;
calendar days (receipt day, due dates) are plain dates in Asia/Ho_Chi_Minh.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, DateTime, Float, Index, LargeBinary, Table, Text, Unicode, UniqueConstraint, text
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

UTC = dt.UTC


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware datetimes in, aware (UTC) datetimes out, on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _ts(nullable: bool = False, index: bool = False) -> Any:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=nullable, index=index))


class DivisionRow(SQLModel, table=True):
    __tablename__ = "division"
    code: str = Field(primary_key=True, max_length=64)
    name: str


class PersonRow(SQLModel, table=True):
    __tablename__ = "person"
    id: str = Field(primary_key=True, max_length=64)
    name: str
    email: str | None = None
    division: str | None = Field(default=None, index=True, max_length=64)
    roles: str = ""  # comma-separated: officer, head, director, admin (engine.domain.org)
    active: bool = True


class DossierRow(SQLModel, table=True):
    __tablename__ = "dossier"
    __table_args__ = (
        Index("ix_dossier_division_state", "division", "state"),
        Index("ix_dossier_officer_state", "officer", "state"),
    )
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, index=True, max_length=64)
    project_name: str
    investor: str
    project_group: str = Field(max_length=16)
    grade: str | None = Field(default=None, max_length=16)
    capital_source: str | None = None
    division: str = Field(max_length=64)
    officer: str | None = Field(default=None, max_length=64)
    workflow_id: str = Field(max_length=64)
    workflow_version: int
    rule_version: str = Field(max_length=64)
    state: str = Field(index=True, max_length=64)
    resume_state: str | None = None
    counters: str = "{}"
    supplement_requests: int = 0
    open_clock_id: int | None = None
    blockers: str | None = None
    received_on: dt.date = Field(index=True)
    received_at: dt.datetime = _ts()
    last_event_at: dt.datetime = _ts()
    closed_at: dt.datetime | None = _ts(nullable=True)
    version: int = 1
    #: the digest of the dossier's last history row (engine/store/chain.py; revision 0008)
    chain_head: str | None = Field(default=None, max_length=64)
    #: how the dossier reached the department: in_person | online | post (revision 0008; None: not recorded)
    intake_channel: str | None = Field(default=None, max_length=16)
    #: code, project name and investor folded for search (engine/domain/folding.py; revision 0010)
    search_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: the project the dossier belongs to (revision 0009)
    project_id: int | None = None


class DossierEventRow(SQLModel, table=True):
    """Append-only history: one row per fired event (and the receipt)."""

    __tablename__ = "dossier_event"
    __table_args__ = (UniqueConstraint("dossier_id", "seq", name="uq_dossier_event_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    # found by uq_dossier_event_seq (dossier_id first, in the history's order); its own index dropped in 0016
    dossier_id: int = Field(foreign_key="dossier.id")
    seq: int
    event: str = Field(max_length=64)
    from_state: str | None = None
    to_state: str
    actor: str
    at: dt.datetime = _ts(index=True)
    recorded_at: dt.datetime = _ts()
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: what the event did (typed events as JSON, engine.store.codecs; revision 0006)
    effects: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: through which channel and from which client the act came (revision 0007)
    channel: str | None = Field(default=None, max_length=16)
    client: str | None = Field(default=None, max_length=64)
    #: SHA-256 over this row's content and the previous row's digest (engine/store/chain.py; revision 0008)
    row_hash: str | None = Field(default=None, max_length=64)
    #: the reason, when the director recorded this act into a period already issued (revision 0008)
    correction: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


#: the covering index of the stages finished in a period (revision 0004): finishing day first, then the
#: dimensions and the turnaround, so a GROUP BY on that prefix needs no sort (engine/metrics.py)
FINISHED_DIMS = ("finished_on", "division", "officer", "workflow_id", "stage", "turnaround_working_days",
                 "turnaround_days", "unit", "start_date", "outcome", "pause_count", "paused_days", "limit_units",
                 "due_date", "dossier_id")


class StageClockRow(SQLModel, table=True):
    __tablename__ = "stage_clock"
    __table_args__ = (
        # revision 0004, read without touching the table (engine/metrics.py): the stages finished in a
        # period (the month's finished pass, the year's evaluation, the campaign trend), the stages
        # finished after a period (its backlog and overdue list) and the open ones (finished_on NULL)
        Index("ix_stage_clock_finished_dims", *FINISHED_DIMS),
    )
    id: int | None = Field(default=None, primary_key=True)
    # found by ix_stage_clock_dossier_span (revision 0013: dossier_id first), its own index dropped in 0014
    dossier_id: int = Field(foreign_key="dossier.id")
    # the dossier's division, officer and workflow while this stage runs, copied when the clock starts
    # (revision 0004): what the metrics group by, without a join. A clock is the stage's record: were a
    # dossier handed to another officer, its open clock would follow and its finished ones would not.
    division: str | None = Field(default=None, max_length=64)
    officer: str | None = Field(default=None, max_length=64)
    workflow_id: str | None = Field(default=None, max_length=64)
    stage: str = Field(max_length=64)
    seq: int
    unit: str = Field(max_length=16)
    limit_units: int
    policy: str = Field(max_length=16)
    extension: int = 0
    max_extension: int = 0
    start_date: dt.date
    segment_start: dt.date
    used_before: int = 0
    paused_on: dt.date | None = None
    pause_count: int = 0
    paused_days: int = 0
    due_date: dt.date | None = None
    finished_on: dt.date | None = None
    outcome: str | None = Field(default=None, max_length=16)
    closed_by: str | None = Field(default=None, max_length=64)
    # stored once by the engine (engine/domain/deadlines.py; revision 0003): what the metrics read
    paused_working_days: int | None = None
    turnaround_working_days: int | None = None
    turnaround_days: int | None = None


class ClockPauseRow(SQLModel, table=True):
    __tablename__ = "clock_pause"
    id: int | None = Field(default=None, primary_key=True)
    # found by ix_clock_pause_clock_day (clock_id first), its own index dropped in revision 0014
    clock_id: int = Field(foreign_key="stage_clock.id")
    paused_on: dt.date
    resumed_on: dt.date | None = None
    resumed_how: str | None = Field(default=None, max_length=16)
    #: the clock's due date just before this pause (revision 0008): a period's figures read the due date
    #: as of its end
    due_before: dt.date | None = None




#: the search's index (revision 0010): on PostgreSQL a trigram index (pg_trgm), so ``LIKE '%…%'`` on the
#: folded text reads the index instead of every row; on SQLite a plain one, which a count of the matches
#: scans instead of the table (bench/web_bench.py)
Index("ix_dossier_search_text", DossierRow.__table__.c.search_text,  # type: ignore[attr-defined]
      postgresql_using="gin", postgresql_ops={"search_text": "gin_trgm_ops"})


# -- alerts, outbox and the scheduler lease (revision 0002) ------------------------------------

#: the scan's candidates: open clocks by due date, without touching the finished ones; the paused ones
#: (no due date) by the day they were paused, for the investor's answer window (revision 0005)
Index("ix_stage_clock_open_only", StageClockRow.__table__.c.due_date,  # type: ignore[attr-defined]
      StageClockRow.__table__.c.paused_on,  # type: ignore[attr-defined]
      sqlite_where=text("finished_on IS NULL"), postgresql_where=text("finished_on IS NULL"))


class AlertRow(SQLModel, table=True):
    """One alert raised by the deadline scan: once per (dossier, clock, kind, due date).

    The due date is part of the key: a resumed or extended clock is judged again on its new date.
    """

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("clock_id", "due_date", "kind", "dossier_id", name="uq_alert_once"),
        Index("ix_alert_raised_on", "raised_on"),
    )
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    clock_id: int = Field(foreign_key="stage_clock.id")
    kind: str = Field(max_length=16)  # due_soon | due_today | overdue | escalation
    stage: str = Field(max_length=64)
    due_date: dt.date
    falls_on: dt.date  # the day the alert fell due
    raised_on: dt.date  # the working day of the scan that raised it
    raised_at: dt.datetime = _ts()


class OutboxMessageRow(SQLModel, table=True):
    """A message to send, written in the same transaction as what caused it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)
    id: int | None = Field(default=None, primary_key=True)
    dedup_key: str = Field(unique=True, max_length=200)
    kind: str = Field(max_length=32)
    alert_id: int | None = Field(default=None, foreign_key="alert.id", index=True)
    dossier_id: int | None = Field(default=None, foreign_key="dossier.id", index=True)
    recipient_id: str = Field(max_length=64)
    recipient_email: str | None = None
    subject: str
    body_text: str = Field(sa_column=Column(Text, nullable=False))
    body_html: str = Field(sa_column=Column(Text, nullable=False))
    attachments: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON list of paths
    status: str = Field(max_length=16)  # pending | sending | sent | failed | no_address
    tries: int = 0
    next_attempt_at: dt.datetime = _ts()
    claimed_until: dt.datetime | None = _ts(nullable=True)
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    message_id: str | None = Field(default=None, max_length=200)
    created_at: dt.datetime = _ts()
    sent_at: dt.datetime | None = _ts(nullable=True)


class SchedulerLeaseRow(SQLModel, table=True):
    """Who runs the scheduler: one holder per name, until ``expires_at`` unless renewed."""

    __tablename__ = "scheduler_lease"
    name: str = Field(primary_key=True, max_length=64)
    holder: str = Field(max_length=200)
    acquired_at: dt.datetime = _ts()
    renewed_at: dt.datetime = _ts()
    expires_at: dt.datetime = _ts()


#: APScheduler's SQLAlchemy job store (same columns as apscheduler 3.x creates); declared here so that
#: the migrations own it and autogenerate leaves it alone
scheduler_jobs = Table(
    "apscheduler_jobs", SQLModel.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)


__all__ = ["AlertRow", "ClockPauseRow", "DivisionRow", "DossierEventRow", "DossierRow", "OutboxMessageRow",
           "PersonRow", "SchedulerLeaseRow", "StageClockRow", "UTCDateTime", "scheduler_jobs"]
