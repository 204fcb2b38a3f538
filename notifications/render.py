"""Rendering of e-mail messages from Jinja2 templates in ``templates/email/``.

Each message is a pair of templates: ``NAME.txt.j2`` (plain text; it also sets the subject with
``{% set subject %}…{% endset %}``) and ``NAME.html.j2`` (HTML, autoescaped). Undefined variables are
errors (StrictUndefined), so a template and its caller cannot drift apart silently. The environment
is the project's one (engine.io.templating), with its filters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.io.templating import environment

#: every message template (a .txt.j2 and an .html.j2 each); the render tests walk this list
TEMPLATES = ("alert", "digest", "report", "urge", "blocker_escalation")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def one_line(text: str) -> str:
    """A header value: no line breaks (header injection), single spaces."""
    return " ".join(text.split())


def render(name: str, context: dict[str, Any], root: Path | None = None) -> Rendered:
    """Render message ``name``; raises jinja2.UndefinedError if the context lacks a variable."""
    env = environment("email", None, root)
    text_module = env.get_template(f"{name}.txt.j2").make_module(context)
    subject = one_line(str(getattr(text_module, "subject", "")))
    if not subject:
        raise ValueError(f"template {name}.txt.j2 sets no subject")
    html = env.get_template(f"{name}.html.j2").render(context, subject=subject)
    return Rendered(subject=subject, text=str(text_module).strip() + "\n", html=html)
