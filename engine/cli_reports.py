"""CLI commands of metrics, reports and the competition evaluation (``report``, ``evaluate``)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main ``thamdinh`` app (imports stay inside commands)."""
