"""What an action asks of the person taking it, as data of the workflow file (``requires``,
``confirm``), and the one check every channel goes through (pages, API, CLI, import, fire-many).

A return and a supplement request state their reason (domain §7: an empty one is not a valid act);
a supplement request also lists what is missing. Both travel in the act's note, in one readable
form that the history keeps as it is and the printed documents read back::

    Thiếu hồ sơ khảo sát địa chất
    Cần bổ sung, hoàn thiện:
    - Báo cáo khảo sát địa chất công trình
    - Bản vẽ mặt bằng tổng thể
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .errors import BadInput

REASON, MISSING, NEW_DATE = "reason", "missing", "new_date"
#: what an event may require, with the label a form shows when the workflow file gives none
FIELDS = {REASON: "Lý do", MISSING: "Tài liệu cần bổ sung, hoàn thiện (mỗi dòng một mục)",
          NEW_DATE: "Ngày hẹn trả kết quả mới"}
MISSING_HEADER = "Cần bổ sung, hoàn thiện:"
#: the line of a note that gives a new appointment date (an apology letter's), dd/mm/yyyy
NEW_DATE_PREFIX = "Ngày hẹn trả mới:"
_BULLETS = ("- ", "• ", "* ")


@dataclass(frozen=True)
class Requirement:
    """One input an action requires: ``field`` (``reason`` or ``missing``) and its Vietnamese label."""

    field: str
    label: str


@dataclass(frozen=True)
class Inputs:
    """What a note says: its reason and the list of what is missing."""

    reason: str
    missing: tuple[str, ...] = ()
    new_date: dt.date | None = None


def items(lines: str | Iterable[str] | None) -> tuple[str, ...]:
    """The non-empty lines of a list typed one item a line (bullets removed)."""
    if lines is None:
        return ()
    raw = lines.splitlines() if isinstance(lines, str) else list(lines)
    out = []
    for line in raw:
        text = line.strip()
        for bullet in _BULLETS:
            if text.startswith(bullet):
                text = text[len(bullet):].strip()
        if text:
            out.append(text)
    return tuple(out)


def compose(reason: str | None, missing: Sequence[str] = (), note: str | None = None,
            new_date: dt.date | None = None) -> str | None:
    """The note that records ``reason``, a new appointment date, a free ``note`` and the list ``missing``
    (None when all are empty)."""
    parts = [p.strip() for p in (reason, note) if p and p.strip()]
    if new_date is not None:
        parts.append(f"{NEW_DATE_PREFIX} {new_date:%d/%m/%Y}")
    listed = items(missing)
    if listed:
        parts.append(MISSING_HEADER + "\n" + "\n".join(f"- {x}" for x in listed))
    return "\n".join(parts) or None


def parse(note: str | None) -> Inputs:
    """The reason and the missing items a note records (``compose`` read back): the lines after
    «Cần bổ sung, hoàn thiện:» are the items, the lines before it the reason."""
    head, sep, tail = (note or "").partition(MISSING_HEADER)
    lines = [line.strip() for line in head.splitlines() if line.strip()]
    dated = [x for x in lines if x.startswith(NEW_DATE_PREFIX)]
    reason = "\n".join(x for x in lines if not x.startswith(NEW_DATE_PREFIX))
    return Inputs(reason, items(tail) if sep else (), _day(dated[-1][len(NEW_DATE_PREFIX):]) if dated else None)


def _day(text: str) -> dt.date | None:
    try:
        d, m, y = (int(x) for x in text.strip().split("/"))
        return dt.date(y, m, d)
    except ValueError:
        return None


def check(event_label: str, requires: Sequence[Requirement], note: str | None) -> None:
    """Raise BadInput (``field``: the input that is missing) unless ``note`` holds what the event requires."""
    if not requires:  # most events require nothing: the note is not read (every fire passes here)
        return
    got = parse(note)
    for req in requires:
        if req.field == REASON and not got.reason:
            raise BadInput(f"«{event_label}» cần ghi {req.label.lower()}.",
                           hint="Ghi rõ lý do bằng văn bản; thao tác không kèm lý do không có giá trị.",
                           field=REASON)
        if req.field == NEW_DATE and got.new_date is None:
            raise BadInput(f"«{event_label}» cần {req.label.lower()}.", hint="Chọn ngày hẹn trả kết quả mới.",
                           field=NEW_DATE)
        if req.field == MISSING and not got.missing:
            raise BadInput(f"«{event_label}» cần liệt kê {req.label.lower()}.",
                           hint=f"Mỗi dòng một tài liệu, bắt đầu bằng «- » sau dòng «{MISSING_HEADER}».",
                           field=MISSING)


#: the receipt's note lists the documents received after this line (the intake's checklist)
RECEIVED_HEADER = "Thành phần hồ sơ đã nhận:"


def with_list(note: str | None, header: str, listed: Sequence[str]) -> str | None:
    """``note`` followed by ``header`` and one «- item» line per item (``note`` alone when none)."""
    rows = items(listed)
    parts = ([note.strip()] if note and note.strip() else []) + ([header + "\n" + "\n".join(f"- {x}" for x in rows)]
                                                                  if rows else [])
    return "\n".join(parts) or None


def listed(note: str | None, header: str) -> tuple[tuple[str, ...], str]:
    """The items listed after ``header`` in ``note``, and the note's text before it."""
    head, sep, tail = (note or "").partition(header)
    return (items(tail) if sep else ()), head.strip()


def follows_met(event: str, follows: str | None, history: Sequence[str]) -> bool:
    """Whether ``event``, which answers ``follows`` (an approval its draft), may be taken after ``history``
    (the dossier's events, oldest first): ``follows`` happened since ``event`` last did."""
    if follows is None:
        return True
    for done in reversed(history):
        if done == follows:
            return True
        if done == event:
            return False
    return False
