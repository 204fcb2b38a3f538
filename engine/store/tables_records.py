"""SQLModel tables of the record that holds (revision 0008): each extension of a stage clock with the due
date it replaced (a period's figures read the due date as of the period's end), and the reports as
issued, version by version, with their files and hashes; the investor's contact on a dossier, as the
receipt prints it (revision 0012)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from .tables import ClockPauseRow, DossierEventRow, DossierRow, _ts


class ClockExtensionRow(SQLModel, table=True):
    __tablename__ = "clock_extension"
    __table_args__ = (Index("ix_clock_extension_clock_day", "clock_id", "extended_on"),)
    id: int | None = Field(default=None, primary_key=True)
    clock_id: int = Field(foreign_key="stage_clock.id")
    extended_on: dt.date
    units: int
    #: the clock's due date just before this extension (None: it was paused)
    due_before: dt.date | None = None


class IssuedReportRow(SQLModel, table=True):
    """A report as issued: its data (JSON), the hash of its content and the checkpoint of the history it
    was made from (the last history row's id and the digest over every chain head)."""

    __tablename__ = "issued_report"
    __table_args__ = (UniqueConstraint("kind", "period", "scope", "version", name="uq_issued_report_version"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    period: str = Field(max_length=32)
    scope: str = Field(default="", max_length=64)
    version: int
    issued_at: dt.datetime = _ts()
    issued_by: str = Field(max_length=64)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    data: str = Field(sa_column=Column(Text, nullable=False))
    content_hash: str = Field(max_length=64)
    checkpoint_event_id: int
    checkpoint: str = Field(max_length=64)


class IssuedFileRow(SQLModel, table=True):
    __tablename__ = "issued_file"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="issued_report.id", index=True)
    format: str = Field(max_length=8)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    sha256: str = Field(max_length=64)


Index("ix_dossier_closed_at", DossierRow.__table__.c.closed_at)  # type: ignore[attr-defined]
Index("ix_clock_pause_clock_day", ClockPauseRow.__table__.c.clock_id,  # type: ignore[attr-defined]
      ClockPauseRow.__table__.c.paused_on)  # type: ignore[attr-defined]
#: the history rows that hand a dossier over, by dossier and instant (revision 0011): who held a stage at a
#: period's end is whom the first later handover took it from (engine/store/asof.py)
HANDOVER = text("effects LIKE '%dossier_handed_over%'")
Index("ix_dossier_event_handover", DossierEventRow.__table__.c.dossier_id,  # type: ignore[attr-defined]
      DossierEventRow.__table__.c.at, sqlite_where=HANDOVER, postgresql_where=HANDOVER)  # type: ignore[attr-defined]


class DossierContactRow(SQLModel, table=True):
    """The investor's address, phone and e-mail as the reception recorded them (revision 0012)."""

    __tablename__ = "dossier_contact"
    dossier_id: int = Field(foreign_key="dossier.id", primary_key=True)
    investor_address: str | None = Field(default=None, max_length=500)
    investor_phone: str | None = Field(default=None, max_length=32)
    investor_email: str | None = Field(default=None, max_length=254)
