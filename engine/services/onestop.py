"""The one-stop documents of a dossier, filled from its record: the receipt and appointment slip,
the supplement request, the return slip and the process control sheet (domain §7), each naming its
legal form (workflows/documents/one-stop.yaml), under the department's Decree 30 heading, as HTML
for the printer and as PDF (engine.reporting.pdf).

The receipt carries a QR code of the public look-up page with the investor's look-up key
(engine.services.public), so the investor follows the dossier without signing in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ..domain import requirements as rq
from ..domain.calendar import UNIT_LABELS
from ..domain.clock import TZ
from ..domain.errors import BadInput
from ..io.onestop_files import OneStopCatalogue
from ..reporting.monthly import ReportHeading
from ..reporting.onestop import render_document
from ..reporting.pdf import html_to_pdf
from ..reporting.qr import qr_data_url
from ..runtime.rulebook import Rulebook
from .public import lookup_key


def _last(view: dict[str, Any], event: str) -> dict[str, Any] | None:
    return next((e for e in reversed(view["history"]) if e["event"] == event), None)


def proper_name(upper: str) -> str:
    """«SỞ XÂY DỰNG» as a sentence names it: «Sở Xây dựng» (the first two words capitalised)."""
    words = upper.lower().split()
    return " ".join(w.capitalize() if i < 2 else w for i, w in enumerate(words))


def available(catalogue: OneStopCatalogue, view: dict[str, Any]) -> list[dict[str, str]]:
    """The documents printable for this dossier now (those tied to an event once it happened)."""
    done = {e["event"] for e in view["history"]}
    return [{"kind": d.kind, "title": d.title.capitalize(), "form": d.form} for d in catalogue.documents.values()
            if d.event is None or d.event in done]


@dataclass
class OneStopDocuments:
    rules: Rulebook
    catalogue: OneStopCatalogue
    heading: ReportHeading
    base_url: str
    secret: str | None

    def lookup_url(self, code: str) -> tuple[str, str | None]:
        key = lookup_key(self.secret, code) if self.secret else None
        query = {"ma": code, **({"khoa": key} if key else {})}
        return f"{self.base_url.rstrip('/')}/tra-cuu?{urlencode(query)}", key

    def data(self, kind: str, view: dict[str, Any], people: dict[str, Any]) -> dict[str, Any]:
        """What the document of ``kind`` shows for ``view`` (a dossier as ``Services.show`` gives it);
        raises BadInput for an unknown kind or one the dossier has no record for yet."""
        doc = self.catalogue.documents.get(kind)
        if doc is None or doc.kind not in {x["kind"] for x in available(self.catalogue, view)}:
            raise BadInput(f"Hồ sơ {view['code']} không có phiếu «{kind}» để in.",
                           hint="Các phiếu in được có ở trang hồ sơ.")
        first = view["history"][0]
        received_at = dt.datetime.fromisoformat(first["at"]).astimezone(TZ)
        out: dict[str, Any] = {"doc": doc, "d": view, "head": self.heading.document("monthly", issued=None,
                                                                                    as_of=received_at.date()),
                               "received_at": received_at, "receiver": first["actor_name"],
                               "collect_at": self.catalogue.collect_at, "people": people}
        out["head"]["place_date"] = self.heading.letterhead.place_date(received_at.date())
        out["department_name"] = proper_name(out["head"]["department"])
        extra: dict[str, Any] = getattr(self, f"_{kind}")(view)
        if "on" in extra:  # a letter is dated the day of its act
            out["head"]["place_date"] = self.heading.letterhead.place_date(extra["on"])
        return {**out, **extra}

    def _receipt(self, view: dict[str, Any]) -> dict[str, Any]:
        received, _ = rq.listed(view["history"][0]["note"], rq.RECEIVED_HEADER)
        checklist = {i.name: i for i in self.catalogue.checklist(view["workflow"])}
        url, key = self.lookup_url(view["code"])
        first = view["clocks"][0] if view["clocks"] else None
        return {"received": [{"name": n, "copy": checklist[n].copy if n in checklist else "",
                              "count": checklist[n].count if n in checklist else 1} for n in received],
                "appointment": first["due_date"] if first else None, "lookup_url": url, "lookup_key": key,
                "qr": qr_data_url(url)}

    def _supplement(self, view: dict[str, Any]) -> dict[str, Any]:
        row = _last(view, "request_supplement")
        assert row is not None
        inputs = rq.parse(row["note"])
        wf = self.rules.definition(view["workflow"], view["workflow_version"])
        window = wf.rule(view["rule_version"]).supplement_answer
        asked = dt.datetime.fromisoformat(row["at"]).astimezone(TZ).date()
        answer_by = self.rules.calendar.add(asked, window.value, window.unit) if window else None
        return {"row": row, "on": asked, "reason": inputs.reason, "missing": inputs.missing,
                "answer_by": answer_by, "window": f"{window.value} {UNIT_LABELS[window.unit]}" if window else None}

    def _refusal(self, view: dict[str, Any]) -> dict[str, Any]:
        row = _last(view, "return")
        assert row is not None
        return {"row": row, "on": dt.datetime.fromisoformat(row["at"]).astimezone(TZ).date(),
                "reason": rq.parse(row["note"]).reason}

    def _apology(self, view: dict[str, Any]) -> dict[str, Any]:
        """The letter the director approved: the head's draft before it (reason, new date), the original date."""
        approved = _last(view, "approve_apology")
        assert approved is not None
        drafts = [e for e in view["history"] if e["event"] == "draft_apology" and e["seq"] < approved["seq"]]
        if not drafts:
            raise BadInput(f"Hồ sơ {view['code']} chưa có dự thảo phiếu xin lỗi trước khi duyệt.",
                           hint="Trưởng phòng dự thảo, Giám đốc duyệt, rồi in phiếu.")
        draft = drafts[-1]
        inputs = rq.parse(draft["note"])
        original = view["clock"]["due_date"] if view["clock"] else None
        return {"draft": draft, "approved": approved, "reason": inputs.reason, "new_date": inputs.new_date,
                "original": original, "on": dt.datetime.fromisoformat(approved["at"]).astimezone(TZ).date()}

    def _control(self, view: dict[str, Any]) -> dict[str, Any]:
        rows, before = [], "Bộ phận Một cửa"
        for e in view["history"]:
            finished = [x for x in e["effects"] if x.get("type") == "stage_finished"]
            result = "; ".join(self._outcome(x) for x in finished) or "—"
            rows.append({"at": dt.datetime.fromisoformat(e["at"]).astimezone(TZ), "from": before,
                         "to": e["actor_name"], "what": e["event_label"], "state": e["to_label"], "result": result})
            before = e["actor_name"]
        return {"rows": rows}

    @staticmethod
    def _outcome(x: dict[str, Any]) -> str:
        from ..domain.deadlines import OUTCOME_LABELS

        return OUTCOME_LABELS.get(x.get("outcome"), "Không đánh giá (đóng khi chờ chủ đầu tư)")

    def html(self, kind: str, view: dict[str, Any], people: dict[str, Any]) -> str:
        data = self.data(kind, view, people)
        return render_document(data["doc"].template, data)

    def pdf(self, kind: str, view: dict[str, Any], people: dict[str, Any]) -> bytes:
        return html_to_pdf(self.html(kind, view, people))

