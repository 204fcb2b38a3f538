"""The ``capital`` section of a movement file → ``CapitalGoal``: the plan year, the target share by a
day, the interim milestones (each a ``day`` and a ``share``, rising, before the target), the months of the
trend a projection is read from, and the source of these figures."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..domain.capital import CapitalGoal, Milestone
from .checks import Ctx

_KEYS = {"plan_year", "target", "by", "milestones", "trend_months", "source"}


def _share(c: Ctx, value: Any, key: str) -> Fraction:
    if not isinstance(value, int | float) or isinstance(value, bool) or not 0 < value <= 1:
        raise c.fail(key, f"cần một tỷ lệ trong (0, 1], ví dụ 0.95, không phải {value!r}.")
    return Fraction(str(value))


def capital_goal(c: Ctx, raw: Any) -> CapitalGoal:
    """Validate the section; raises DefinitionError naming the file and the key."""
    data = c.mapping(raw, "capital")
    c.only(data, _KEYS, "capital")
    year = data.get("plan_year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise c.fail("capital.plan_year", "cần một năm, ví dụ 2024.")
    target, by = _share(c, data.get("target"), "capital.target"), c.day(data.get("by"), "capital.by")
    if not year <= by.year <= year + 1:
        raise c.fail("capital.by", f"phải trong năm {year} hoặc tháng đầu năm sau.")
    milestones: list[Milestone] = []
    for i, m in enumerate(c.sequence(data.get("milestones"), "capital.milestones")):
        key = f"capital.milestones[{i}]"
        m = c.mapping(m, key)
        c.only(m, {"day", "share", "label"}, key)
        on, share = c.day(m.get("day"), f"{key}.day"), _share(c, m.get("share"), f"{key}.share")
        previous = milestones[-1] if milestones else None
        if on.year < year or on >= by or (previous and (on <= previous.on or share < previous.share)):
            raise c.fail(key, "các mốc phải trong năm kế hoạch, trước ngày mục tiêu, ngày tăng dần, tỷ lệ không giảm.")
        if share > target:
            raise c.fail(f"{key}.share", "vượt mục tiêu cuối cùng.")
        milestones.append(Milestone(on, share, str(m.get("label") or "")))
    months = data.get("trend_months", 3)
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 12:
        raise c.fail("capital.trend_months", "cần số tháng nguyên từ 1 đến 12.")
    source = c.text(data.get("source"), "capital.source").strip()
    return CapitalGoal(year, target, by, tuple(milestones), months, source)
