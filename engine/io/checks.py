"""Type checks shared by the data-file loaders: each failure names the file and the key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.errors import DefinitionError
from .yaml_files import as_day


class Ctx:
    """Where a value comes from (a file, or files merged), for errors that name it."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, key: str, message: str) -> DefinitionError:
        return DefinitionError(f"{self.where}: {key}: {message}")

    def mapping(self, value: Any, key: str, *, empty: bool = False) -> dict[str, Any]:
        """``value`` as a mapping (None is an empty one when ``empty``)."""
        if value is None and empty:
            return {}
        if not isinstance(value, dict) or (not value and not empty):
            raise self.fail(key, "cần một bảng (mapping)" + ("." if empty else " không rỗng."))
        return value

    def sequence(self, value: Any, key: str, *, empty: bool = True) -> list[Any]:
        if value is None and empty:
            return []
        if not isinstance(value, list) or (not value and not empty):
            raise self.fail(key, "cần một danh sách" + ("." if empty else " không rỗng."))
        return value

    def names(self, value: Any, key: str) -> tuple[str, ...]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(v, str) and v for v in items):
            raise self.fail(key, "cần một tên hoặc danh sách tên.")
        return tuple(items)

    def text(self, value: Any, key: str) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, "bắt buộc, là một chuỗi.")
        return value

    def positive(self, value: Any, key: str, what: str = "số nguyên dương") -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            raise self.fail(key, f"phải là {what}, không phải {value!r}.")
        return value

    def boolean(self, value: Any, key: str, default: bool = False) -> bool:
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(key, "phải là true hoặc false.")
        return value

    def day(self, value: Any, key: str) -> dt.date:
        day = as_day(value)
        if day is None:
            raise self.fail(key, "cần một ngày dạng YYYY-MM-DD.")
        return day

    def only(self, data: dict[str, Any], allowed: set[str], key: str = "") -> None:
        unknown = set(data) - allowed
        if unknown:
            name = sorted(map(str, unknown))[0]
            raise self.fail(f"{key}.{name}" if key else name,
                            f"khóa không được hỗ trợ (cho phép: {', '.join(sorted(allowed))}).")
