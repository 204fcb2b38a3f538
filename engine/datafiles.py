"""Reading the project's YAML data files (workflows, calendars, organisation, movements).

One place turns an unreadable file, malformed YAML or a wrong shape into a DefinitionError that
names the file, so every loader reports the same way.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from .errors import DefinitionError


def read_mapping(path: Path, shape: str) -> dict[str, Any]:
    """The YAML mapping in ``path``; ``shape`` says what the file should hold when it is not a mapping."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise DefinitionError(f"{path}: không đọc được tệp: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: YAML không hợp lệ: {exc}") from None
    if not isinstance(data, dict):
        raise DefinitionError(f"{path}: {shape}")
    return data


def as_day(value: Any) -> dt.date | None:
    """A YAML date or an ISO ``YYYY-MM-DD`` string as a date; None when it is neither."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None
