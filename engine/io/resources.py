"""Where the shipped data lives: next to the sources in a checkout, bundled inside a wheel."""

from __future__ import annotations

from pathlib import Path

_ENGINE = Path(__file__).resolve().parent.parent


def _find(name: str) -> Path:
    for candidate in (_ENGINE / "_bundled" / name, _ENGINE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"thư mục dữ liệu '{name}' không có trong bản cài đặt")


def workflows_dir() -> Path:
    return _find("workflows")


def templates_dir() -> Path:
    return _find("templates")


def samples_dir() -> Path:
    """The shipped samples: the organisation, the 2024 movement and an import file."""
    return workflows_dir() / "samples"
