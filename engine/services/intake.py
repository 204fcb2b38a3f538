"""The one-stop reception's form as a use case: the appointment date computed before anything is
written (the same runtime step as a receipt), and a receipt from what was typed, each wrong field
named so a page shows its message beside it.

The documents received (the workflow's checklist, workflows/documents/one-stop.yaml) are kept in the
receipt's history note after «Thành phần hồ sơ đã nhận:», which the printed receipt reads back; the
investor's address, phone and e-mail, when given, in ``dossier_contact``, written in the same unit of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..domain import requirements as rq
from ..domain.caller import Via
from ..domain.clock import Clock, local_date
from ..domain.commands import Receive
from ..domain.contact import InvestorContact
from ..domain.errors import BadInput, DuplicateDossier, ThamdinhError, UnknownPerson
from ..domain.formatting import vn_date
from ..domain.org import Person
from ..runtime.rulebook import Rulebook
from .dossiers import DossierWrites
from .timing import when as timing_when

FIELDS = ("workflow", "code", "name", "investor", "group", "grade", "division", "officer", "capital_source",
          "intake_channel", "note")
#: the investor's contact, printed on the receipt (engine.domain.contact); optional
CONTACT_FIELDS = ("investor_address", "investor_phone", "investor_email")
REQUIRED = ("workflow", "code", "name", "investor", "group", "division", "intake_channel")
#: which field a command's message speaks of (its Vietnamese words), for a message beside the field
_WORDS = (("địa chỉ chủ đầu tư", "investor_address"), ("điện thoại chủ đầu tư", "investor_phone"),
          ("e-mail chủ đầu tư", "investor_email"), ("mã quy trình", "workflow"), ("quy trình", "workflow"),
          ("mã hồ sơ", "code"), ("tên dự án", "name"),
          ("chủ đầu tư", "investor"), ("nhóm dự án", "group"), ("cấp công trình", "grade"), ("cán bộ", "officer"),
          ("phòng", "division"), ("nguồn vốn", "capital_source"), ("kênh tiếp nhận", "intake_channel"),
          ("ghi chú", "note"))


def field_of(exc: ThamdinhError) -> str:
    """The form field an error speaks of (``_`` for the form as a whole)."""
    if isinstance(exc, DuplicateDossier):
        return "code"
    if isinstance(exc, UnknownPerson):
        return "officer"
    text = exc.message.lower()
    return next((f for word, f in _WORDS if word in text), "_")


@dataclass
class Intake:
    writes: DossierWrites
    rules: Rulebook
    clock: Clock

    def due_date(self, workflow: str, group: str, grade: str | None, at: dt.datetime | None = None) -> dict[str, Any]:
        """The appointment date a dossier received now would get: ``{"due_date", "text", "limit", "unit"}``;
        raises BadInput (unknown workflow, a group or grade without a limit)."""
        cw = self.rules.compiled(workflow)
        _, day = timing_when(at, self.clock, self.rules.calendar)
        rule = cw.wf.rule_for(day)
        step = cw.receive({"group": group, "grade": grade or None, "capital_source": None, "division": None,
                           "officer": None}, rule, day, self.rules.calendar)
        if step.opened is None or step.opened.due_date is None:
            return {"due_date": None, "text": "Quy trình này không tính hạn ở bước tiếp nhận."}
        c, due = step.opened, step.opened.due_date
        from ..domain.calendar import UNIT_LABELS

        return {"due_date": due.isoformat(), "limit": c.limit, "unit": c.unit,
                "text": f"Hẹn trả: {vn_date(due)} ({c.limit} {UNIT_LABELS[c.unit]} từ {vn_date(day)})"}

    def receive(self, form: Mapping[str, str], received: Sequence[str], actor: Person, via: Via,
                at: str | None = None, correction: str | None = None) -> str:
        """Receive the dossier the form describes; returns its code. Raises BadInput whose ``fields``
        maps each wrong field to its message (every empty required field at once). ``at`` and
        ``correction`` are the time received and the director's correction (an act dated into a month whose
        report was issued), as ``thamdinh receive --at --correction`` takes them; a sealed month is refused
        (PeriodSealed) as on every channel."""
        missing = {f: "Bắt buộc." for f in REQUIRED if not (form.get(f) or "").strip()}
        if missing:
            raise BadInput("Chưa điền đủ các ô bắt buộc.", hint="Điền các ô được đánh dấu.", fields=missing)
        values = {f: (form.get(f) or "").strip() or None for f in FIELDS}
        try:
            cmd = Receive(**{k: v for k, v in values.items() if k != "note"},  # type: ignore[arg-type]
                          note=rq.with_list(values["note"], rq.RECEIVED_HEADER, received), actor=actor.id,
                          at=at or None, correction=correction or None)
            contact = InvestorContact.build(*(form.get(f) for f in CONTACT_FIELDS))
            self.writes.receive(cmd, via, contact)  # the dossier and its contact, or neither
        except ThamdinhError as exc:
            if exc.exit_code != 2:
                raise
            raise BadInput(exc.message, hint=exc.hint, fields={field_of(exc): str(exc)}) from None
        return cmd.code

    def today(self) -> dt.date:
        return local_date(self.clock.now())
