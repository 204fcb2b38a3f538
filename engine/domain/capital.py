"""Public-investment capital, pure: a year's plan window, amounts as a finance office writes them, the
disbursement rate, the milestone path a movement sets, and the projection from the recent trend.

- **Plan window.** The capital plan of year Y is disbursed from 01/01/Y until 31/01/(Y+1) (Law on Public
  Investment 39/2019/QH14, Art 68(1): "thời gian thực hiện và giải ngân kế hoạch vốn đầu tư công hằng năm
  đến ngày 31 tháng 01 năm sau"); a plan or an adjustment may be decided from 01/01/(Y−1) (the year's plan
  is assigned in the December before) to the window's end.
- **Rate** = cumulative disbursed ÷ the plan (assigned plus every adjustment decided by the day).
- **Milestone path** (``CapitalGoal.path``): straight lines through (01/01/Y, 0%), each milestone
  (day, share) and the target (day, share), by calendar days; after the target day, the target.
- **Projection**: the pace of the last ``trend_months`` months (disbursed then and now, per calendar day)
  carried on to the target day, at most the plan.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any, NamedTuple

from .errors import BadInput

#: the plan of year Y is disbursed until this day of year Y+1 (Law 39/2019/QH14, Art 68(1))
WINDOW_END_MONTH_DAY = (1, 31)
_DIGITS = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d+$")


def plan_window(year: int) -> tuple[dt.date, dt.date]:
    """The days a figure of year ``year``'s plan may be dated: 01/01/Y – 31/01/(Y+1)."""
    return dt.date(year, 1, 1), dt.date(year + 1, *WINDOW_END_MONTH_DAY)


def decision_window(year: int) -> tuple[dt.date, dt.date]:
    """The days a plan or an adjustment of year ``year`` may be decided: 01/01/(Y−1) – 31/01/(Y+1)."""
    return dt.date(year - 1, 1, 1), plan_window(year)[1]


def parse_amount(text: str, *, million: bool = False, signed: bool = False) -> int:
    """Whole đồng from a finance office's figure: ``1.234.567``, ``1234567``, ``1 234 567``, ``1.234.567 đ``;
    in triệu đồng (``million``) also a decimal comma (``1.234,5`` → 1.234.500.000 đồng). A minus sign or
    brackets mean a reduction (``signed`` only). Raises BadInput saying what is wrong."""
    raw = text.strip().replace("\u00a0", " ")
    for suffix in ("đồng", "đ", "triệu"):
        raw = raw.removesuffix(suffix).strip()
    negative = raw.startswith("-") or (raw.startswith("(") and raw.endswith(")"))
    body = raw.strip("()").lstrip("-").strip().replace(" ", "")
    whole, _, frac = body.partition(",")
    if not whole or not _DIGITS.match(whole) or (frac and not frac.isdigit()):
        raise BadInput(f"«{text}» không phải một số tiền.",
                       hint="Viết số như 1.234.567 hoặc 1234567 (dấu chấm ngăn cách hàng nghìn, dấu phẩy thập phân).")
    if negative and not signed:
        raise BadInput(f"Số tiền «{text}» âm.", hint="Chỉ dòng điều chỉnh (adjustment) mới được giảm (số âm).")
    value = Decimal(whole.replace(".", "") + ("." + frac if frac else ""))
    return _whole_dong(-value if negative else value, text, million)


def amount_of_number(value: float | int | Decimal, text: str, *, million: bool = False, signed: bool = False) -> int:
    """Whole đồng from a number cell of a workbook; raises BadInput as ``parse_amount``."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise BadInput(f"«{text}» không phải một số tiền.") from None
    if number < 0 and not signed:
        raise BadInput(f"Số tiền «{text}» âm.", hint="Chỉ dòng điều chỉnh (adjustment) mới được giảm (số âm).")
    return _whole_dong(number, text, million)


def _whole_dong(value: Decimal, text: str, million: bool) -> int:
    dong = value * 1_000_000 if million else value
    if dong != dong.to_integral_value():
        raise BadInput(f"Số tiền «{text}» lẻ dưới một đồng.", hint="Số tiền tính bằng đồng, không có phần lẻ.")
    return int(dong)


def rate(disbursed: int, plan: int) -> Fraction | None:
    """Disbursed ÷ plan; None without a plan."""
    return Fraction(disbursed, plan) if plan > 0 else None


@dataclass(frozen=True)
class Milestone:
    on: dt.date
    share: Fraction
    label: str


@dataclass(frozen=True)
class CapitalGoal:
    """A movement's disbursement goal: the plan year, the target share by a day, interim milestones."""

    plan_year: int
    target: Fraction
    by: dt.date
    milestones: tuple[Milestone, ...]
    trend_months: int
    source: str

    def points(self) -> list[tuple[dt.date, Fraction]]:
        """The path's corners: the year's first day at 0, every milestone, the target."""
        return [(dt.date(self.plan_year, 1, 1), Fraction(0)), *((m.on, m.share) for m in self.milestones),
                (self.by, self.target)]

    def path(self, day: dt.date) -> Fraction:
        """The share the path asks for on ``day`` (straight lines between corners, by calendar days)."""
        corners = self.points()
        if day <= corners[0][0]:
            return Fraction(0)
        for (d0, s0), (d1, s1) in zip(corners, corners[1:], strict=False):
            if day <= d1:
                return s0 + (s1 - s0) * Fraction((day - d0).days, (d1 - d0).days)
        return self.target

    def trend_start(self, as_of: dt.date) -> dt.date:
        """The day the trend is read from: ``trend_months`` calendar months before ``as_of``
        (the month's last day when shorter), not before the plan year's first day."""
        return max(months_back(as_of, self.trend_months), dt.date(self.plan_year, 1, 1))


def months_back(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months before (the month's last day when it is shorter)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    last = (dt.date(y + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(y, m, min(day.day, last))


def projection(now: int, before: int, since: dt.date, as_of: dt.date, by: dt.date, plan: int) -> int:
    """Disbursed by ``by`` if the pace from ``since`` (``before``) to ``as_of`` (``now``) went on,
    rounded down to a đồng and at most the plan (never below what is disbursed)."""
    if as_of >= by or as_of <= since:
        return now
    gained = max(now - before, 0) * (by - as_of).days // (as_of - since).days
    return max(now, min(plan, now + gained))


class Figures(NamedTuple):
    """A project's or a group's capital on a day: plan, disbursed now and at the trend's start (a plain
    tuple: a table makes one per project)."""

    plan: int = 0
    disbursed: int = 0
    disbursed_before: int = 0


def total(figures: Iterable[Figures]) -> Figures:
    """The sum of ``figures``, column by column."""
    plan = disbursed = before = 0
    for p, d, b in figures:
        plan, disbursed, before = plan + p, disbursed + d, before + b
    return Figures(plan, disbursed, before)


@dataclass(frozen=True)
class GoalOnDay:
    """The goal read on one day, once for a whole table: the path's share (as a ratio of integers and for
    reading), the target's ratio, the trend's first day, and the projection's calendar days (from the trend's
    start to the day, from the day to the target's; 0 when nothing is projected): a table computes a line
    per project."""

    goal: CapitalGoal
    as_of: dt.date
    path: Fraction
    since: dt.date
    path_ratio: tuple[int, int]
    path_share: float
    target_ratio: tuple[int, int]
    since_text: str
    trend_days: int = 0
    ahead_days: int = 0

    @classmethod
    def of(cls, goal: CapitalGoal, as_of: dt.date) -> GoalOnDay:
        path, since = goal.path(as_of), goal.trend_start(as_of)
        projects = since < as_of < goal.by  # as ``projection``: else what is disbursed
        return cls(goal, as_of, path, since, (path.numerator, path.denominator), float(path),
                   (goal.target.numerator, goal.target.denominator), since.isoformat(),
                   (as_of - since).days if projects else 0, (goal.by - as_of).days if projects else 0)


def progress_line(g: GoalOnDay, f: Figures) -> dict[str, Any]:
    """Rate, path, gap and projection of one line of the progress table. Money in whole đồng; shares as
    floats for reading, every comparison made exactly in integers (``below_path``: disbursed ÷ plan <
    the path's share; ``meets_target``: projected ÷ plan ≥ the target). The projection is ``projection``'s,
    with the goal's days read once for the table (a table computes 100,000 lines)."""
    plan, done, before = f
    (pn, pd), (tn, td), share = g.path_ratio, g.target_ratio, g.path_share
    projected = done
    if g.trend_days and done > before:  # as ``projection``: at most the plan, never below what is disbursed
        projected += (done - before) * g.ahead_days // g.trend_days
        projected = done if plan < done else plan if projected > plan else projected
    positive = plan > 0
    r = done / plan if positive else None
    needed = pn * plan // pd - done
    return {"plan": plan, "disbursed": done, "undisbursed": plan - done if plan > done else 0, "rate": r,
            "path": share, "below_path": positive and done * pd < pn * plan, "gap": None if r is None else r - share,
            "needed_for_path": needed if needed > 0 else 0, "trend_from": g.since_text,
            "disbursed_at_trend_start": before, "projected": projected,
            "projected_rate": projected / plan if positive else None,
            "meets_target": positive and projected * td >= tn * plan}


def below_path(g: GoalOnDay, f: Figures) -> bool:
    """Whether ``f`` is below the path on the day (exactly, in integers)."""
    return f[0] > 0 and f[1] * g.path_ratio[1] < g.path_ratio[0] * f[0]
