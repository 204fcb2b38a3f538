"""A search as typed (the page's query string, the API's parameters) → a validated filter.

Every field is read once here, for every channel; a field that cannot be read raises BadInput whose
``fields`` maps each wrong field to its Vietnamese message, so a page shows each beside its field.
Dates are ``YYYY-MM-DD`` (what a date field sends) or ``dd/mm/yyyy`` (what a person types).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..domain import due_status as ds
from ..domain import text
from ..domain.errors import BadInput
from ..domain.folding import fold
from ..store.search import SORTS, SearchFilter

_MAX_PAGE = 100_000


def read_day(value: str, what: str) -> dt.date | None:
    """A typed day (``YYYY-MM-DD`` or ``dd/mm/yyyy``), None when empty; raises ValueError with a message."""
    value = value.strip()
    if not value:
        return None
    try:
        if "/" in value:
            d, m, y = (int(x) for x in value.split("/"))
            return dt.date(y, m, d)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what} «{value[:20]}» không phải một ngày (dd/mm/yyyy).") from None


@dataclass(frozen=True)
class SearchQuery:
    """What a person asked for, as text (empty: not asked)."""

    q: str = ""
    state: str = ""
    division: str = ""
    officer: str = ""
    workflow: str = ""
    due: str = ""
    received_from: str = ""
    received_to: str = ""
    sort: str = "han"
    page: str = "1"

    def sort_key(self) -> str:
        return self.sort if self.sort in SORTS else "han"

    def page_number(self) -> int:
        try:
            return min(_MAX_PAGE, max(1, int(self.page or "1")))
        except ValueError:
            return 1

    def to_filter(self, base: SearchFilter) -> SearchFilter:
        """``base`` narrowed to this query; raises BadInput with ``fields`` (field → message)."""
        errors: dict[str, str] = {}
        values: dict[str, object] = {}
        try:
            values["text"] = fold(text.clean(self.q, "từ khóa", limit=200)) or None
        except BadInput as exc:
            errors["q"] = exc.message
        for name in ("state", "division", "officer", "workflow"):
            raw = getattr(self, name).strip()
            if len(raw) > text.CODE_MAX or not raw.isprintable():
                errors[name] = "Giá trị không hợp lệ; hãy chọn trong danh sách."
            values[name] = raw or None
        if self.due and self.due not in ds.LABELS:
            errors["due"] = "Tình trạng hạn không có; hãy chọn trong danh sách."
        values["due"] = self.due or None
        for name, what in (("received_from", "Ngày tiếp nhận từ"), ("received_to", "Ngày tiếp nhận đến")):
            try:
                values[name] = read_day(getattr(self, name), what)
            except ValueError as exc:
                errors[name] = str(exc)
        lo, hi = values.get("received_from"), values.get("received_to")
        if isinstance(lo, dt.date) and isinstance(hi, dt.date) and lo > hi:
            errors["received_to"] = "Ngày «đến» phải sau ngày «từ»."
        if errors:
            first = next(iter(errors.values()))
            raise BadInput(first, hint="Sửa các ô được đánh dấu rồi tìm lại.", fields=errors)
        return replace(base, **values)  # type: ignore[arg-type]
