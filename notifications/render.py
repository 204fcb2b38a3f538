"""Rendering of e-mail messages from Jinja2 templates in ``templates/email/``.

Each message is a pair of templates: ``NAME.txt.j2`` (plain text; it also sets the subject with
``{% set subject %}…{% endset %}``) and ``NAME.html.j2`` (HTML, autoescaped). Undefined variables are
errors (StrictUndefined), so a template and its caller cannot drift apart silently.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from engine.timeutil import vn_date

#: every message template (a .txt.j2 and an .html.j2 each); the render tests walk this list
TEMPLATES = ("alert", "digest", "report")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def email_dir() -> Path:
    from engine.resources import templates_dir

    return templates_dir() / "email"


@lru_cache(maxsize=8)
def environment(folder: Path | None = None) -> Environment:
    """One environment per folder and process: each template is compiled once, on first use.

    ``auto_reload=False``: a template is not looked at again on disk for every message (the files
    ship with the package; a changed template takes effect at the next start)."""
    env = Environment(
        loader=FileSystemLoader(str(folder or email_dir())),
        autoescape=select_autoescape(enabled_extensions=("html.j2", "html"), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters["vn_date"] = _vn_date
    return env


def _vn_date(value: dt.date | str | None) -> str:
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    return vn_date(value)


def one_line(text: str) -> str:
    """A header value: no line breaks (header injection), single spaces."""
    return " ".join(text.split())


def render(name: str, context: dict[str, Any], folder: Path | None = None) -> Rendered:
    """Render message ``name``; raises jinja2.UndefinedError if the context lacks a variable."""
    env = environment(folder)
    text_module = env.get_template(f"{name}.txt.j2").make_module(context)
    subject = one_line(str(getattr(text_module, "subject", "")))
    if not subject:
        raise ValueError(f"template {name}.txt.j2 sets no subject")
    html = env.get_template(f"{name}.html.j2").render(context, subject=subject)
    return Rendered(subject=subject, text=str(text_module).strip() + "\n", html=html)
