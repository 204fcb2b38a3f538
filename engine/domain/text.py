"""Text typed by people, checked once: stripped, Unicode NFC, within its length, without control
characters. An NFC and an NFD spelling of the same code are the same code."""

from __future__ import annotations

import unicodedata

from .errors import BadInput

CODE_MAX = 64
NAME_MAX = 500
NOTE_MAX = 4000
#: characters a note may keep although they are control characters
_NOTE_WHITESPACE = frozenset("\n\t")


def _controls(text: str, allowed: frozenset[str]) -> list[str]:
    if text.isprintable():  # the common case, at C speed: no control character at all
        return []
    return [ch for ch in text if unicodedata.category(ch) == "Cc" and ch not in allowed]


def _clean_ascii(value: str, limit: int) -> bool:
    """Whether ``value`` is already what ``clean`` would return: ASCII (so NFC), printable (no control
    character, no line break, and no white space but the space), no space at either end, within ``limit``."""
    return (value.isascii() and value.isprintable() and 0 < len(value) <= limit and value[0] != " "
            and value[-1] != " ")


def clean(value: str | None, what: str, *, limit: int, required: bool = False,
          multiline: bool = False) -> str | None:
    """``value`` stripped and NFC-normalised; None when empty and not ``required``.

    Raises BadInput naming ``what`` (in Vietnamese) when it is required and missing, too long, or
    holds NUL or another control character (a note may hold line breaks and tabs).
    """
    if type(value) is str and _clean_ascii(value, limit):
        return value  # the common case: typed already clean, nothing to change or refuse
    text = value or ""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = text.strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        if required:
            raise BadInput(f"Thiếu {what}.", hint=f"Hãy nhập {what}.")
        return None
    bad = _controls(text, _NOTE_WHITESPACE if multiline else frozenset())
    if bad:
        shown = "NUL" if bad[0] == "\x00" else f"U+{ord(bad[0]):04X}"
        raise BadInput(f"{what[:1].upper()}{what[1:]} chứa ký tự điều khiển ({shown}).",
                       hint="Xóa ký tự đó (thường do sao chép từ tệp khác) rồi nhập lại.")
    if len(text) > limit:
        raise BadInput(f"{what[:1].upper()}{what[1:]} dài {len(text)} ký tự, vượt giới hạn {limit}.",
                       hint=f"Rút gọn {what} còn tối đa {limit} ký tự.")
    return text


def required(value: str | None, what: str, *, limit: int) -> str:
    if type(value) is str and _clean_ascii(value, limit):
        return value
    text = clean(value, what, limit=limit, required=True)
    assert text is not None
    return text


def code(value: str | None) -> str:
    """A dossier code as stored and looked up."""
    return required(value, "mã hồ sơ", limit=CODE_MAX)


def ident(value: str | None, what: str) -> str | None:
    """An identifier (person, division, workflow, event, state); None when empty."""
    return clean(value, what, limit=CODE_MAX)


def note(value: str | None) -> str | None:
    return clean(value, "ghi chú", limit=NOTE_MAX, multiline=True)
