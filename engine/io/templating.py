"""The one Jinja2 environment factory: e-mails, reports and pages share its settings and its filters.

Templates live in ``templates/<folder>`` (``email``, ``reports``, ``web``); HTML is autoescaped,
undefined variables are errors (StrictUndefined), each template is compiled once per process.

Filters, the same everywhere: ``vndate`` (dd/mm/yyyy), ``vndatetime``, ``num`` (1.234,5; ``num(0)``:
1.234), ``pct`` (89,5%), ``outcome`` (Trước hạn / Đúng hạn / Quá hạn),
``alert_kind`` and ``alert_status`` (Sắp đến hạn…),
``state_label`` and ``event_label`` (a state's or event's Vietnamese label, given its workflow),
``effects`` (what an event did to the clocks, in Vietnamese), and ``segment`` (a value as one URL path
segment: a "/" in a dossier code is written %2F, so ``a/../b`` stays one code; Jinja's ``urlencode``
keeps "/").
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..domain.alert_rules import KIND_LABELS, STATUS_LABELS
from ..domain.deadlines import OUTCOME_LABELS
from ..domain.events import DomainEvent, describe_all
from ..domain.formatting import vn_date, vn_datetime, vn_number, vn_percent
from .resources import templates_dir


class Labels(Protocol):
    """Where the labels of states, events and stages come from (the loaded workflows)."""

    def state_label(self, workflow_id: str, state: str | None) -> str: ...

    def event_label(self, workflow_id: str, event: str) -> str: ...

    def stage_label(self, workflow_id: str, stage: str) -> str: ...


def _num(value: float | None, decimals: int = 1) -> str:
    return vn_number(value, decimals)


def _outcome(value: str | None) -> str:
    return OUTCOME_LABELS.get(value, value or "—")


def _install_labels(env: Environment, labels: Labels) -> None:
    env.filters["state_label"] = lambda state, wid: labels.state_label(wid, state)
    env.filters["event_label"] = lambda event, wid: labels.event_label(wid, event)

    def effects(events: Iterable[DomainEvent], wid: str, names: Any = None) -> str:
        return describe_all(events, lambda s: labels.stage_label(wid, s),
                            (lambda p: names.get(p, p)) if names else (lambda p: p))

    env.filters["effects"] = effects


@lru_cache(maxsize=16)
def environment(folder: str, labels: Labels | None = None, root: Path | None = None) -> Environment:
    """The environment of ``templates/<folder>`` (or ``root/<folder>``), built once per process."""
    env = Environment(
        loader=FileSystemLoader(str((root or templates_dir()) / folder)),
        autoescape=select_autoescape(enabled_extensions=("html", "html.j2", "svg", "xml"), default_for_string=False),
        undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(vndate=vn_date, vndatetime=vn_datetime, num=_num, pct=vn_percent,
                       outcome=_outcome, segment=lambda value: quote(str(value), safe=""),
                       alert_kind=lambda kind: KIND_LABELS.get(kind, kind),
                       alert_status=lambda kind: STATUS_LABELS.get(kind, kind))
    if labels is not None:
        _install_labels(env, labels)
    return env
