"""The demo's plans: a realistic province year of dossiers, as receipts and events planned in working
days from each receipt (a plausible mix of workflows, project groups and grades, officers of differing
speed, supplement requests, extensions, returns and withdrawals, heads handing dossiers over).

The random seed is fixed: the same command gives the same year.
"""


from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..domain.calendar import WorkingCalendar
from ..domain.org import Person

DEFAULT_SIZE = 3000
SEED = 20240201
HANDOVER_P = 0.04  # dossiers a head hands to another officer midway (leave, workload)
DIVISION_WEIGHTS = {"QLXD": 0.45, "HTKT": 0.35, "QHKT": 0.20}
GROUPS = (("A", 0.08), ("B", 0.32), ("C", 0.60))
GRADES = (("special", 0.02), ("I", 0.10), ("II", 0.30), ("III", 0.45), ("IV", 0.13))
APPRAISAL_DAYS = {"A": 35, "B": 25, "C": 15}
DESIGN_DAYS = {"special": 40, "I": 40, "II": 30, "III": 30, "IV": 20}
TET = (dt.date(2024, 2, 10), dt.date(2025, 1, 29))  # lunar new year's days in the period
PLACES = ("Tân Hòa", "Phú Lý", "Long Thành", "Nhơn Trạch", "Trảng Bom", "Vĩnh Cửu", "Định Quán", "Xuân Lộc",
          "Cẩm Mỹ", "Thống Nhất", "Tân Phú", "Biên Hòa", "Long Khánh", "Bình Phước", "Đồng Xoài", "Chơn Thành")
KINDS = ("Đường giao thông liên xã", "Trường tiểu học", "Trạm y tế", "Kè chống sạt lở", "Nhà văn hóa",
         "Cầu bê tông cốt thép", "Hệ thống thoát nước", "Trụ sở làm việc", "Chợ dân sinh", "Nâng cấp tỉnh lộ",
         "Khu tái định cư", "Trường trung học cơ sở", "Công viên cây xanh", "Hồ chứa nước")
INVESTORS = ("Ban QLDA đầu tư xây dựng tỉnh", "Ban QLDA giao thông", "Ban QLDA dân dụng và công nghiệp",
             "UBND huyện Vĩnh Cửu", "UBND huyện Long Thành", "UBND thành phố Biên Hòa", "Sở Y tế",
             "Sở Giáo dục và Đào tạo", "Công ty CP Đầu tư Phát triển Đồng Nai")


@dataclass
class Plan:
    """One dossier's life as planned: its receipt and events, as working-day offsets from receipt.
    A handover is the event ``reassign:NEW_OFFICER`` (the head hands the dossier to NEW_OFFICER)."""

    code: str
    receive: dict[str, Any]
    events: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, event, actor)


def _pick(rng: random.Random, pairs: tuple[tuple[str, float], ...] | list[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _receipt_weight(day: dt.date) -> float:
    """Dossiers arrive less around Tết and more before the year end (disbursement deadline)."""
    w = 1.0
    for tet in TET:
        gap = abs((day - tet).days)
        if gap <= 21:
            w *= 0.25 + 0.75 * gap / 21
    if day.month in (10, 11, 12):
        w *= 1.25
    return w


def _stage(rng: random.Random, plan: Plan, t: int, limit_days: int, speed: float, officer: str, head: str,
           intake: bool, supplement_p: float, flags: dict[str, Any]) -> int | None:
    """Plan one stage from offset ``t``; returns the offset it finishes on (None: the dossier ended)."""
    ev = plan.events
    budget = max(2, round(limit_days * 5 / 7 * speed * math.exp(rng.gauss(-0.2, 0.3))))
    if intake:
        # within intake (at most 5 working days) the officer accepts or asks once for supplements
        if rng.random() < 0.12:
            t += rng.randint(1, 4)
            ev.append((t, "request_supplement", officer))
            if rng.random() < 0.05:  # the investor never answers: returned after 20 working days
                ev.append((t + 21, "return", officer))
                return None
            t += rng.randint(3, 15)
            ev.append((t, "receive_supplement", officer))
            flags["supp"] += 1
        t += rng.randint(1, 3)
        ev.append((t, "accept", officer))
        budget = max(1, budget - 2)
    if rng.random() < 0.03:
        t += rng.randint(2, 8)
        ev.append((t, "withdraw", officer))
        return None
    if rng.random() < supplement_p and not flags["review_supp"]:  # once per dossier during review
        flags["review_supp"] = True
        t += rng.randint(2, max(2, budget // 2))
        ev.append((t, "request_supplement", officer))
        t += rng.randint(3, 18)
        ev.append((t, "receive_supplement", officer))
        budget = max(1, budget - 2)
        flags["supp"] += 1
    if rng.random() < 0.04 and not flags["extended"]:
        ev.append((t + max(1, budget // 2), "extend", head))
        flags["extended"] = True
    if rng.random() < 0.02:
        ev.append((t + max(1, budget // 2), "return", officer))
        return None
    return t + budget


def _team(people: list[Person]) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The officers (not heads) and the head of each division."""
    officers: dict[str, list[str]] = defaultdict(list)
    heads: dict[str, str] = {}
    for p in people:
        if "head" in p.roles and p.division:
            heads[p.division] = p.id
        if "officer" in p.roles and "head" not in p.roles and p.division:
            officers[p.division].append(p.id)
    return officers, heads


def _lifecycle(rng: random.Random, plan: Plan, workflow: str, group: str, grade: str, speed: float,
               officer: str, head: str) -> None:
    """The stages of one dossier, from receipt to the head's approval (if it gets there)."""
    flags: dict[str, Any] = {"supp": 0, "extended": False, "review_supp": False}
    if workflow == "project-appraisal":
        t = _stage(rng, plan, 0, APPRAISAL_DAYS[group], speed, officer, head, True, 0.18, flags)
        if t is not None:
            plan.events.append((t, "pass_appraisal", officer))
            flags["extended"] = False
            t2 = _stage(rng, plan, t, DESIGN_DAYS[grade], speed, officer, head, False, 0.10, flags)
            if t2 is not None:
                plan.events.append((t2 + rng.randint(0, 2), "approve", head))
    else:
        t = _stage(rng, plan, 0, DESIGN_DAYS[grade], speed, officer, head, True, 0.15, flags)
        if t is not None:
            plan.events.append((t + rng.randint(0, 2), "approve", head))


def make_plans(cal: WorkingCalendar, people: list[Person], size: int, start: dt.date, end: dt.date,
               seed: int = SEED) -> list[tuple[dt.date, Plan]]:
    """Receipts and event plans of ``size`` dossiers over the working days from ``start`` to ``end``."""
    rng = random.Random(seed)
    days = list(cal.working_days_in(start, end))
    weights = [_receipt_weight(d) for d in days]
    officers, heads = _team(people)
    # the one-stop reception receives (the system does, in an organisation without one)
    reception = next((p.id for p in people if p.active and "reception" in p.roles), None)
    speed = {pid: rng.uniform(0.45, 0.9) for ids in officers.values() for pid in ids}
    # one notably slow officer and one notably fast one make the ranking interesting
    speed.update({pid: value for pid, value in (("cv.vo", 1.05), ("cv.ngo", 0.4)) if pid in speed})
    receipts = sorted(rng.choices(range(len(days)), weights=weights, k=size))
    out = []
    for n, i in enumerate(receipts, 1):
        day = days[i]
        division = _pick(rng, list(DIVISION_WEIGHTS.items()))
        officer = rng.choice(officers[division])
        head = heads[division]
        workflow = "project-appraisal" if rng.random() < 0.7 else "post-basic-design"
        group, grade = _pick(rng, GROUPS), _pick(rng, GRADES)
        code = f"{'BCNCKT' if workflow == 'project-appraisal' else 'TKXD'}-{day.year}-{n:05d}"
        name = f"{rng.choice(KINDS)} {rng.choice(PLACES)}"
        plan = Plan(code, dict(workflow=workflow, code=code, name=name, investor=rng.choice(INVESTORS),
                               group=group, grade=grade, division=division, officer=officer,
                               capital_source="Ngân sách tỉnh", actor=reception))
        _lifecycle(rng, plan, workflow, group, grade, speed[officer], officer, head)
        if rng.random() < HANDOVER_P and len(officers[division]) > 1:
            _hand_over(rng, plan, officer, rng.choice([o for o in officers[division] if o != officer]), head)
        out.append((day, plan))
    return out


def _hand_over(rng: random.Random, plan: Plan, officer: str, to: str, head: str) -> None:
    """The head hands the dossier to ``to`` between two of its events (leave, workload); the events after
    that are ``to``'s."""
    offsets = sorted(e[0] for e in plan.events)
    if len(offsets) < 2 or offsets[-1] - offsets[0] < 2:
        return
    at = rng.randint(offsets[0] + 1, offsets[-1] - 1)
    plan.events = [(o, e, to if (o > at and a == officer) else a) for o, e, a in plan.events]
    plan.events.append((at, f"reassign:{to}", head))
