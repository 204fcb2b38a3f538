"""CLI commands of the scheduler and notifications (``scheduler``, ``scan``, ``notifications``)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main ``thamdinh`` app (imports stay inside commands)."""
