"""The reports as HTML: official-looking A4 pages of the department (templates/reports/, the project's
one Jinja2 environment, autoescaped, StrictUndefined), with inline SVG charts."""

from __future__ import annotations

from typing import Any

from ..domain.movement import UNIT_LABELS
from ..io.templating import environment
from .charts import bar_chart, monthly_charts
from .columns import VI_COLUMNS


def render_monthly_html(data: dict[str, Any]) -> str:
    return str(environment("reports").get_template("monthly.html").render(
        r=data, charts=monthly_charts(data), columns=VI_COLUMNS))


def render_evaluation_html(data: dict[str, Any], department_name: str, province_name: str) -> str:
    return str(environment("reports").get_template("evaluation.html").render(
        e=data, department_name=department_name, province_name=province_name, unit_labels=UNIT_LABELS,
        chart={u: bar_chart([(r["code"], r["score"]) for r in rows if r["eligible"]][:20], as_percent=False,
                            vmax=100, width=820)
               for u, rows in data["units"].items()}))
