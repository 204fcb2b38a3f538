"""SQLModel tables of the movement beyond appraisal time (revision 0009): projects and their capital
plans, cumulative disbursement, blockers with every change, and urges. Amounts are whole đồng. The
hold-ups' index of the stage cases (revision 0013) is declared here, beside the dossiers' by project."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from .tables import DossierRow, StageClockRow, _ts


class ProjectRow(SQLModel, table=True):
    __tablename__ = "project"
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=64)
    name: str = Field(sa_column=Column(Text, nullable=False))
    investor: str = Field(sa_column=Column(Text, nullable=False))
    capital_source: str | None = Field(default=None, max_length=64)
    #: the division that appraises its dossiers, when known
    division: str | None = Field(default=None, max_length=64)
    created_at: dt.datetime = _ts()


class CapitalPlanRow(SQLModel, table=True):
    """The year's assigned plan (``kind`` assigned) and each adjustment (``kind`` adjustment, ± đồng)."""

    __tablename__ = "capital_plan"
    #: a project's plan of a year decided by a day read from the index alone (revision 0015)
    __table_args__ = (Index("ix_capital_plan_project_year_day", "project_id", "year", "decided_on", "amount"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    year: int
    kind: str = Field(max_length=16)
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    decided_on: dt.date
    decision: str | None = Field(default=None, max_length=200)
    imported_at: dt.datetime = _ts()


class DisbursementRow(SQLModel, table=True):
    """Cumulative disbursed (đồng) of a project on a day."""

    __tablename__ = "disbursement"
    #: a project's latest figure by a day read from ix_disbursement_project_day_cumulative alone (revision 0015)
    __table_args__ = (UniqueConstraint("project_id", "on_date", name="uq_disbursement_project_day"),
                      Index("ix_disbursement_day", "on_date", "project_id"),
                      Index("ix_disbursement_project_day_cumulative", "project_id", "on_date", "cumulative"))
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id")
    on_date: dt.date
    cumulative: int = Field(sa_column=Column(BigInteger, nullable=False))
    imported_at: dt.datetime = _ts()


class BlockerRow(SQLModel, table=True):
    __tablename__ = "blocker"
    __table_args__ = (Index("ix_blocker_state_division", "state", "division"),
                      Index("ix_blocker_dossier", "dossier_id"), Index("ix_blocker_project", "project_id"))
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int | None = Field(default=None, foreign_key="dossier.id")
    project_id: int | None = Field(default=None, foreign_key="project.id")
    division: str = Field(max_length=64)
    cause: str = Field(max_length=32)  # legal | site_clearance | investor_documents | other_agency | capital
    description: str = Field(sa_column=Column(Text, nullable=False))
    addressed_to: str = Field(max_length=32)  # director | investor | other_agency
    addressee: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    #: the day the cause arose, when known (the promptness of raising it is counted from it)
    cause_on: dt.date | None = None
    raised_on: dt.date
    raised_by: str = Field(max_length=64)
    state: str = Field(max_length=16)  # open | handling | resolved
    resolution: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    resolved_on: dt.date | None = None
    escalated_at: dt.datetime | None = _ts(nullable=True)
    updated_at: dt.datetime = _ts()
    version: int = 1


class BlockerUpdateRow(SQLModel, table=True):
    """Every change of a blocker: who, when, from which state to which, with the note."""

    __tablename__ = "blocker_update"
    id: int | None = Field(default=None, primary_key=True)
    blocker_id: int = Field(foreign_key="blocker.id", index=True)
    at: dt.datetime = _ts()
    actor: str = Field(max_length=64)
    from_state: str | None = Field(default=None, max_length=16)
    to_state: str = Field(max_length=16)
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    channel: str | None = Field(default=None, max_length=16)
    client: str | None = Field(default=None, max_length=64)


class UrgeRow(SQLModel, table=True):
    """An urge (đôn đốc) on a dossier (``dossier_id``) or on an officer alone, and the message it queued."""

    __tablename__ = "urge"
    __table_args__ = (Index("ix_urge_dossier_at", "dossier_id", "at"), Index("ix_urge_officer_at", "officer", "at"))
    id: int | None = Field(default=None, primary_key=True)
    dossier_id: int | None = Field(default=None, foreign_key="dossier.id")
    officer: str = Field(foreign_key="person.id", max_length=64)
    by_person: str = Field(foreign_key="person.id", max_length=64)
    at: dt.datetime = _ts()
    note: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    channel: str | None = Field(default=None, max_length=16)
    client: str | None = Field(default=None, max_length=64)
    message_id: int | None = Field(default=None, foreign_key="outbox_message.id")


Index("ix_dossier_project", DossierRow.__table__.c.project_id)  # type: ignore[attr-defined]
#: the hold-ups' read of a project's stage cases (revision 0013): a dossier's cases, their days and whether
#: they were ever paused, without the clocks' rows (engine.store.capital_spans)
Index("ix_stage_clock_dossier_span", *(StageClockRow.__table__.c[name]  # type: ignore[attr-defined]
                                       for name in ("dossier_id", "start_date", "finished_on", "pause_count")))
