"""An emulation (thi đua) movement as data: its period, units, criteria with their point scales and
weights, outcome bands, and the metrics a criterion may name.

Law 06/2022/QH15 Arts 16–18 leave criteria to each movement's plan; there is no national formula, so
every criterion is read from the movement file (engine.io.movements) and scored by
engine.reporting.evaluation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .capital import CapitalGoal

UNIT_LABELS = {"division": "Phòng", "officer": "Cán bộ"}
Totals = Mapping[str, Any]


@dataclass(frozen=True)
class MetricDef:
    label: str
    numerator_label: str
    numerator: Callable[[Totals], int]
    denominator_label: str
    denominator: Callable[[Totals], int]


#: the metrics a criterion may name: value = numerator / denominator of a unit's period totals
METRICS: dict[str, MetricDef] = {
    "early_or_on_time_share": MetricDef(
        "Tỷ lệ trước hạn và đúng hạn", "Số bước trước hạn + đúng hạn", lambda r: r["early"] + r["on_time"],
        "Số bước đã giải quyết được đánh giá", lambda r: r["judged"]),
    "turnaround_vs_limit": MetricDef(
        "Thời gian thực tế / thời hạn luật định", "Tổng thời gian giải quyết thực tế (đơn vị của thời hạn)",
        lambda r: r["used_sum"], "Tổng thời hạn luật định", lambda r: r["limit_sum"]),
    "open_overdue_rate": MetricDef(
        "Tỷ lệ tồn quá hạn cuối kỳ", "Số bước đang giải quyết đã quá hạn cuối kỳ", lambda r: r["open_overdue"],
        "Số bước đã giải quyết + đang giải quyết cuối kỳ", lambda r: r["finished"] + r["backlog"]),
    "repeated_supplement_share": MetricDef(
        "Tỷ lệ yêu cầu bổ sung quá một lần", "Số bước có hơn một lần yêu cầu bổ sung",
        lambda r: r["repeated_supplements"], "Số bước đã giải quyết", lambda r: r["finished"]),
    "late_share": MetricDef(
        "Tỷ lệ quá hạn", "Số bước quá hạn", lambda r: r["late"], "Số bước đã giải quyết được đánh giá",
        lambda r: r["judged"]),
    # the capital of the projects the unit appraised (engine.reporting.capital_evaluation adds the totals)
    "disbursement_rate": MetricDef(
        "Tỷ lệ giải ngân của các dự án đơn vị đã thẩm định", "Vốn đã giải ngân lũy kế (đồng)",
        lambda r: r.get("capital_disbursed", 0), "Kế hoạch vốn được giao (đồng)", lambda r: r.get("capital_plan", 0)),
    # blockers and urging (engine.reporting.blockers_evaluation adds the totals, counted with the criterion's
    # ``within`` working days)
    "blockers_raised_promptly_share": MetricDef(
        "Tỷ lệ vướng mắc báo cáo kịp thời",
        "Số vướng mắc nêu kịp thời (trong số ngày làm việc tiêu chí cho phép, từ ngày phát sinh)",
        lambda r: r.get("blockers_prompt", 0), "Số vướng mắc nêu trong kỳ có ghi ngày phát sinh",
        lambda r: r.get("blockers_dated", 0)),
    "blockers_resolved_in_time_share": MetricDef(
        "Tỷ lệ vướng mắc giải quyết đúng thời gian", "Số vướng mắc giải quyết trong số ngày làm việc tiêu chí cho phép",
        lambda r: r.get("blockers_resolved_in_time", 0),
        "Số vướng mắc nêu trong kỳ đã giải quyết hoặc đã hết số ngày làm việc đó",
        lambda r: r.get("blockers_due", 0)),
    "overdue_urged_share": MetricDef(
        "Tỷ lệ hồ sơ quá hạn được đôn đốc",
        "Số bước quá hạn được đôn đốc trong số ngày làm việc tiêu chí cho phép sau hạn",
        lambda r: r.get("overdue_urged", 0), "Số bước quá hạn trong kỳ (hạn trong kỳ, chưa xong khi đến hạn)",
        lambda r: r.get("overdue_stages", 0)),
}
#: the metrics whose inputs are the capital of the projects a unit appraised, not its stage cases
CAPITAL_METRICS = frozenset({"disbursement_rate"})
#: the metrics of blockers and urging; their criteria name ``within`` (working days)
BLOCKER_METRICS = frozenset({"blockers_raised_promptly_share", "blockers_resolved_in_time_share",
                             "overdue_urged_share"})
TIE_KEYS = {*METRICS, "finished", "code"}


@dataclass(frozen=True)
class ScaleStep:
    bound: Fraction | None  # None: the catch-all last step
    points: int


@dataclass(frozen=True)
class Criterion:
    id: str
    label: str
    metric: str
    direction: str  # higher | lower
    weight: int
    source: str
    scale: tuple[ScaleStep, ...]
    #: without inputs (denominator 0): ``zero`` scores 0 points; ``skip`` leaves the criterion and its
    #: weight out of that unit's score (a division that appraised no project with a capital plan)
    no_data: str = "zero"
    #: working days a blocker or urging criterion allows (raised, resolved, urged within N working days)
    within: int | None = None

    def points(self, value: Fraction | None) -> int:
        """Points of ``value`` on the scale: the first step it reaches; no value scores 0."""
        if value is None:
            return 0
        for step in self.scale:
            if step.bound is None:
                return step.points
            if (value >= step.bound) if self.direction == "higher" else (value <= step.bound):
                return step.points
        return 0


@dataclass(frozen=True)
class Band:
    code: str
    min: int
    label: str


@dataclass(frozen=True)
class Movement:
    id: str
    name: str
    source: str
    start: dt.date
    end: dt.date
    units: tuple[str, ...]
    min_finished: int
    tie_break: tuple[str, ...]
    criteria: tuple[Criterion, ...]
    bands: tuple[Band, ...]
    path: str
    #: the disbursement goal (plan year, target, milestones), when the movement sets one
    capital: CapitalGoal | None = None

    def band(self, score: Decimal) -> Band:
        for b in self.bands:
            if score >= b.min:
                return b
        return self.bands[-1]
