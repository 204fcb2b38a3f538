"""The reasons tests give where a workflow requires them (``requires`` in the workflow files): a
supplement request states its reason and what is missing, a return its reason."""

from __future__ import annotations

from engine.domain.requirements import compose

SUPPLEMENT = compose("Hồ sơ chưa đủ thành phần theo quy định", ["Báo cáo khảo sát địa chất công trình"])
RETURN_REASON = "Dự án chưa có chủ trương đầu tư được phê duyệt"
NOTES = {"request_supplement": SUPPLEMENT, "return": RETURN_REASON}


def note_for(event: str, note: str | None = None) -> str | None:
    """``note`` if given, else the reason ``event`` requires (None for an event that requires none)."""
    return note or NOTES.get(event)
