"""The reports as HTML: official documents of the department in the form of Decree 30/2020/NĐ-CP
(templates/reports/, the project's one Jinja2 environment, autoescaped, StrictUndefined), A4 pages
numbered when printed, with inline SVG charts.

The heading (governing body, department, number and symbol, place and date, recipients, signer)
comes from the letterhead files through ``ReportHeading`` (App.heading): the monthly report carries it
in its data (``heading``); the evaluation is given it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..domain.movement import UNIT_LABELS
from ..io.letterhead import shipped_letterhead
from ..io.templating import environment
from .charts import evaluation_chart, monthly_charts
from .columns import UNIT_NOTE, VI_COLUMNS, division_names
from .monthly import ReportHeading


def render_monthly_html(data: dict[str, Any]) -> str:
    return str(environment("reports").get_template("monthly.html").render(
        r=data, h=data["heading"], charts=monthly_charts(data), columns=VI_COLUMNS, unit_note=UNIT_NOTE,
        division_names=division_names(data)))


def evaluation_heading(data: dict[str, Any], department_name: str, province_name: str,
                       heading: ReportHeading | None = None, issued: dt.date | None = None) -> dict[str, Any]:
    """The evaluation's heading block: from ``heading`` (App.heading) when given, else from the shipped
    letterhead file with the two names over it. Without ``issued`` the date is written in when signed."""
    if "heading" in data:
        return dict(data["heading"])
    heading = heading or ReportHeading(shipped_letterhead().with_names(department_name, province_name))
    return heading.document("evaluation", issued=issued, as_of=dt.date.fromisoformat(data["period"]["end"]))


def render_evaluation_html(data: dict[str, Any], department_name: str, province_name: str,
                           heading: ReportHeading | None = None, issued: dt.date | None = None) -> str:
    return str(environment("reports").get_template("evaluation.html").render(
        e=data, h=evaluation_heading(data, department_name, province_name, heading, issued),
        unit_labels=UNIT_LABELS, chart={u: evaluation_chart(rows) for u, rows in data["units"].items()}))


def render_statistics_html(data: dict[str, Any]) -> str:
    return str(environment("reports").get_template("statistics.html").render(s=data, h=data["heading"]))
