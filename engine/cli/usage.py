"""Usage errors (a missing argument, an unknown option, a value of the wrong type) in Vietnamese,
and as one JSON document under ``--json``, instead of Click's English usage text."""

from __future__ import annotations

import re
from typing import Any

_QUOTED = re.compile(r"'([^']*)'")
_TYPES = {"integer": "một số nguyên", "float": "một số", "boolean": "có hoặc không", "date": "một ngày"}


def _hint(exc: Any) -> str:
    ctx = getattr(exc, "ctx", None)
    path = ctx.command_path if ctx is not None else "thamdinh"
    return f"Xem hướng dẫn: {path} --help"


def _param(exc: Any) -> str:
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        opts = [o for o in getattr(param, "opts", []) or [] if o.startswith("-")]
        hint = " / ".join(opts) if opts else (param.name or "").upper()
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return str(hint or "").replace('"', "").replace("'", "")


def _typed(exc: Any) -> Any:
    """The value typed, when the type check (pydantic, under Typer) kept it."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    try:
        return errors()[0].get("input") if callable(errors) else None
    except (IndexError, TypeError, AttributeError):
        return None


def _bad_value(exc: Any) -> str:
    text = str(getattr(exc, "message", exc))
    values = _QUOTED.findall(text)
    typed = _typed(exc)
    shown = f"«{typed}»" if typed is not None else f"«{values[0]}»" if values else "đã nhập"
    for word, vi in _TYPES.items():
        if f"valid {word}" in text:
            return f"Giá trị {shown} của {_param(exc)} không hợp lệ: cần {vi}."
    if "is not one of" in text or "is not " in text and len(values) > 1:
        return f"Giá trị {shown} của {_param(exc)} không hợp lệ; chọn một trong: {', '.join(values[1:])}."
    if "does not exist" in text:
        return f"Tệp {shown} không tồn tại."
    return f"Giá trị của {_param(exc)} không hợp lệ ({text})."


def _message(exc: Any) -> str:
    name = type(exc).__name__
    text = str(getattr(exc, "message", exc))
    if name == "NoSuchOption":
        maybe = getattr(exc, "possibilities", None) or []
        tail = f" Có phải ý bạn là: {', '.join(sorted(maybe))}?" if maybe else ""
        return f"Không có tùy chọn {exc.option_name}.{tail}"
    if name == "MissingParameter":
        return f"Thiếu {_param(exc) or 'đối số'}."
    if name == "BadParameter":
        return _bad_value(exc)
    if "No such command" in text:
        return f"Không có lệnh «{(_QUOTED.findall(text) or ['?'])[0]}»."
    if "unexpected extra argument" in text:
        return f"Thừa đối số: {', '.join(f'«{v}»' for v in _QUOTED.findall(text)) or text}."
    if "requires an argument" in text:
        return f"Tùy chọn {(_QUOTED.findall(text) or ['?'])[0]} cần một giá trị."
    return f"Lệnh không hợp lệ ({text})."


def describe(exc: Any) -> dict[str, str]:
    """A usage error as ``{"error": "usage", "message", "hint"}``, in Vietnamese."""
    return {"error": "usage", "message": _message(exc), "hint": _hint(exc)}
