"""Where the shipped data lives: next to the sources in a checkout, bundled inside a wheel."""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / "_bundled" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"thư mục dữ liệu '{name}' không có trong bản cài đặt")


def workflows_dir() -> Path:
    return _find("workflows")


def templates_dir() -> Path:
    return _find("templates")
