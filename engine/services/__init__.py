"""Use cases: what the CLI, the web pages and API, the CSV import, the scheduler and the demo call.

Each use case runs in one unit of work: it either completes and commits, or raises a ThamdinhError
and leaves the database unchanged. They take commands (engine.domain.commands) and return plain data
(dicts a page, the CLI or the API show as they are).
"""

from .facade import Services

__all__ = ["Services"]
