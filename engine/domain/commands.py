"""What a person asks the software to do, as commands: validated once, when built.

Every channel builds the same commands: the CLI, the API and the pages, the CSV import and the demo.
Building one strips and NFC-normalises its text, checks lengths and control characters, parses a
typed time (``at``: ISO 8601, Asia/Ho_Chi_Minh when it has no offset) and raises BadInput with a
Vietnamese message naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from . import text
from .clock import parse_at, parse_date
from .dossier import GRADES, GROUPS
from .errors import BadInput
from .intake import INTAKE_CHANNELS

#: a time as typed (ISO 8601 text) or already parsed
At = dt.datetime | str | None


#: how a command's ``__post_init__`` stores a field it cleaned (it is frozen)
_set = object.__setattr__


def _at(value: At) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return parse_at(value) if value.strip() else None


def _correction(value: str | None) -> str | None:
    """A correction's reason (an act recorded into a month whose report was issued), checked as a note is."""
    return text.clean(value, "lý do điều chỉnh", limit=text.NOTE_MAX, multiline=True)


def _choice(value: str | None, allowed: Sequence[str], what: str) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        raise BadInput(f"{what[:1].upper()}{what[1:]} «{value}» không hợp lệ.",
                       hint="Chọn một trong: " + ", ".join(allowed) + ".")
    return value


@dataclass(frozen=True)
class Receive:
    """Receive a dossier: create it, start its first stage clock, record the receipt."""

    workflow: str
    code: str
    name: str
    investor: str
    group: str
    division: str
    grade: str | None = None
    officer: str | None = None
    capital_source: str | None = None
    at: At = None
    actor: str | None = None
    note: str | None = None
    correction: str | None = None
    #: how the dossier reached the department (INTAKE_CHANNELS; None: not recorded); the statutory
    #: statistics count the new dossiers by it (form II.06a)
    intake_channel: str | None = None

    def __post_init__(self) -> None:
        _set(self, "workflow", text.required(self.workflow, "mã quy trình", limit=text.CODE_MAX))
        _set(self, "code", text.code(self.code))
        _set(self, "name", text.required(self.name, "tên dự án", limit=text.NAME_MAX))
        _set(self, "investor", text.required(self.investor, "chủ đầu tư", limit=text.NAME_MAX))
        _set(self, "group", _choice(text.required(self.group, "nhóm dự án", limit=text.CODE_MAX), GROUPS,
                                    "nhóm dự án"))
        _set(self, "division", text.required(self.division, "phòng thụ lý", limit=text.CODE_MAX))
        _set(self, "grade", _choice(text.ident(self.grade, "cấp công trình"), GRADES, "cấp công trình"))
        _set(self, "officer", text.ident(self.officer, "cán bộ thụ lý"))
        _set(self, "capital_source", text.clean(self.capital_source, "nguồn vốn", limit=text.NAME_MAX))
        _set(self, "at", _at(self.at))
        _set(self, "actor", text.ident(self.actor, "người tiếp nhận"))
        _set(self, "note", text.note(self.note))
        _set(self, "correction", _correction(self.correction))
        _set(self, "intake_channel", _choice(text.ident(self.intake_channel, "kênh tiếp nhận"), INTAKE_CHANNELS,
                                             "kênh tiếp nhận"))

    @property
    def when(self) -> dt.datetime | None:
        return self.at if isinstance(self.at, dt.datetime) else None


@dataclass(frozen=True, init=False)
class Fire:
    """Fire one event of a dossier's workflow as ``actor``.

    ``officer`` names whom an assigning event (``reassign``) hands the dossier to; ``expected_version``
    refuses the act if someone changed the dossier since it was read; ``correction`` is the reason of an
    act dated into a month whose report was issued (the director's, recorded with the act).
    """

    code: str
    event: str
    actor: str
    note: str | None = None
    at: At = None
    expected_version: int | None = None
    officer: str | None = None
    correction: str | None = None

    def __init__(self, code: str, event: str, actor: str, note: str | None = None, at: At = None,
                 expected_version: int | None = None, officer: str | None = None,
                 correction: str | None = None) -> None:
        """The dataclass's own ``__init__`` with its checks, filling the frozen instance at once (the generated
        one sets each field through ``object.__setattr__`` and then calls ``__post_init__``: every fire)."""
        values = {"code": text.code(code), "event": text.required(event, "thao tác", limit=text.CODE_MAX),
                  "actor": text.required(actor, "người thực hiện", limit=text.CODE_MAX),
                  # (None stays None: the usual fire has no note, no time, no officer)
                  "note": None if note is None else text.note(note), "at": None if at is None else _at(at),
                  "expected_version": expected_version,
                  "officer": None if officer is None else text.ident(officer, "cán bộ nhận hồ sơ"),
                  "correction": None if correction is None else _correction(correction)}
        if expected_version is not None and expected_version < 1:
            raise BadInput(f"Phiên bản hồ sơ {expected_version} không hợp lệ.")
        _set(self, "__dict__", values)

    @property
    def when(self) -> dt.datetime | None:
        return self.at if isinstance(self.at, dt.datetime) else None


@dataclass(frozen=True)
class FireMany:
    """Fire one event on every open dossier matching the filters (at least one), all or none."""

    event: str
    actor: str
    note: str | None = None
    at: At = None
    workflow: str | None = None
    states: tuple[str, ...] = field(default_factory=tuple)
    received_before: dt.date | str | None = None
    division: str | None = None
    dry_run: bool = False

    def __post_init__(self) -> None:
        _set(self, "event", text.required(self.event, "thao tác", limit=text.CODE_MAX))
        _set(self, "actor", text.required(self.actor, "người thực hiện", limit=text.CODE_MAX))
        _set(self, "note", text.note(self.note))
        _set(self, "at", _at(self.at))
        _set(self, "workflow", text.ident(self.workflow, "mã quy trình"))
        _set(self, "division", text.ident(self.division, "phòng"))
        _set(self, "states", tuple(s for s in (text.ident(x, "trạng thái") for x in self.states or ()) if s))
        if isinstance(self.received_before, str):
            _set(self, "received_before", parse_date(self.received_before, "ngày tiếp nhận")
                 if self.received_before.strip() else None)
        if not (self.workflow or self.states or self.received_before or self.division):
            raise BadInput("Cần ít nhất một điều kiện chọn hồ sơ.",
                           hint="Dùng --workflow, --state, --received-before hoặc --division.")

    @property
    def when(self) -> dt.datetime | None:
        return self.at if isinstance(self.at, dt.datetime) else None

    @property
    def before(self) -> dt.date | None:
        return self.received_before if isinstance(self.received_before, dt.date) else None

    def one(self, code: str) -> Fire:
        """The command for one matching dossier."""
        return Fire(code=code, event=self.event, actor=self.actor, note=self.note, at=self.at)


#: the columns of an import file (one row per event; a ``receive`` row creates the dossier)
IMPORT_COLUMNS = ("code", "event", "at", "actor", "note", "workflow", "project_name", "investor", "group",
                  "grade", "division", "officer", "capital_source")
IMPORT_REQUIRED = ("code", "event", "at", "actor")


@dataclass(frozen=True)
class ImportRow:
    """One row of an import file, as the command it stands for."""

    line: int
    command: Receive | Fire

    @classmethod
    def from_cells(cls, line: int, cells: Mapping[str, str | None],
                   assigns_officer: Callable[[str], bool]) -> ImportRow:
        """``cells`` by column name; ``assigns_officer(event)`` says whether the officer column names
        whom the dossier is handed to (on other event rows it is ignored)."""
        def get(key: str) -> str | None:
            return (cells.get(key) or "").strip() or None

        event = get("event") or ""
        command: Receive | Fire
        if event == "receive":
            command = Receive(workflow=get("workflow") or "", code=get("code") or "",
                              name=get("project_name") or "", investor=get("investor") or "",
                              group=get("group") or "", division=get("division") or "", grade=get("grade"),
                              officer=get("officer"), capital_source=get("capital_source"), at=get("at"),
                              actor=get("actor"), note=get("note"))
        else:
            command = Fire(code=get("code") or "", event=event, actor=get("actor") or "", note=get("note"),
                           at=get("at"), officer=get("officer") if assigns_officer(event) else None)
        return cls(line, command)
