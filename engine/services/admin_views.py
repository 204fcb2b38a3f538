"""What the administration pages show, read only: the people with their roles and accounts, the
working-day calendar of a year with a date check, and the workflows with their rule versions.

People and accounts are for those whose role manages people (roles.yaml ``manages``); the calendar and
the workflows are the department's published rules, readable by everyone signed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..domain.calendar import UNIT_LABELS, UNITS
from ..domain.clock import Clock
from ..domain.errors import BadInput, NotPermitted
from ..domain.formatting import vn_date
from ..domain.org import Person
from ..domain.workflow import WorkflowDef
from ..runtime.rulebook import Rulebook
from ..store.database import Database
from .access import Access

_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")


@dataclass
class AdminViews:
    database: Database
    rules: Rulebook
    clock: Clock
    access: Access

    def people(self, viewer: Person) -> dict[str, Any]:
        """Every person with division, roles and account state; raises NotPermitted."""
        if not self.access.roles.manages(viewer.roles, "people"):
            roles = self.access.roles
            managers = roles.labels(n for n, r in roles.by_name.items() if "people" in r.manages)
            raise NotPermitted(f"{viewer.name} không xem được danh sách cán bộ và tài khoản.",
                               hint=f"Việc này dành cho: {managers or 'quản trị'}.")
        now = self.clock.now()
        with self.database.reading() as uow:
            divisions = {d.code: d.name for d in uow.people.divisions()}
            people = sorted(uow.people.all(), key=lambda p: (p.division or "", p.id))
            accounts = {p.id: uow.accounts.get(p.id) for p in people}
            tokens: dict[str, int] = {}
            for t in uow.accounts.tokens():
                if t.revoked_at is None:
                    tokens[t.person_id] = tokens.get(t.person_id, 0) + 1
        rows = []
        for p in people:
            a = accounts[p.id]
            state = ("chưa có tài khoản" if a is None or a.password_hash is None else "đã khóa (vô hiệu)"
                     if a.disabled else "tạm khóa (sai mật khẩu)" if a.locked_at(now) else "đang dùng")
            rows.append({"id": p.id, "name": p.name, "email": p.email, "division": p.division,
                         "division_name": divisions.get(p.division or "", p.division or "—"),
                         "roles": self.access.roles.labels(p.roles), "active": p.active, "account": state,
                         "tokens": tokens.get(p.id, 0)})
        scopes = [{"name": n, "label": r.label, "sees": r.sees, "acts_on": r.acts_on, "fire_many": r.fire_many,
                  "receives": r.receives, "holds": r.holds_dossiers, "corrects": r.corrects_issued,
                  "issues": r.issues_reports, "manages": sorted(r.manages)}
                 for n, r in self.access.roles.by_name.items()]
        return {"people": rows, "roles": scopes, "roles_source": self.access.roles.source}

    def calendar_year(self, year: int) -> dict[str, Any]:
        """The days off beyond weekends and the make-up working days of ``year``; raises BadInput."""
        cal = self.rules.calendar
        if not cal.first.year <= year <= cal.last.year:
            raise BadInput(f"Lịch làm việc đã nạp từ năm {cal.first.year} đến {cal.last.year}, không có năm {year}.",
                           hint=f"Chọn một năm từ {cal.first.year} đến {cal.last.year}.")
        days, off, make_up = dt.date(year, 1, 1), [], []
        while days.year == year:
            weekend = days.weekday() in cal.spec.weekend
            working = cal.is_working_day(days)
            if not working and not weekend:
                off.append({"date": days.isoformat(), "weekday": _WEEKDAYS[days.weekday()], "why": cal.why_off(days)})
            elif working and weekend:
                make_up.append({"date": days.isoformat(), "weekday": _WEEKDAYS[days.weekday()],
                                "why": cal.spec.make_up_working_days.get(days, "ngày làm bù")})
            days += dt.timedelta(days=1)
        working_days = sum(1 for _ in cal.working_days_in(dt.date(year, 1, 1), dt.date(year, 12, 31)))
        return {"year": year, "first_year": cal.first.year, "last_year": cal.last.year, "calendar": cal.spec.id,
                "days_off": off, "make_up": make_up, "working_days": working_days}

    def check_day(self, day: dt.date, n: int | None = None, unit: str = "working_days") -> dict[str, Any]:
        """Whether ``day`` is a working day (why not, the next one), and ``n`` units after it (the day
        itself not counted, as every time limit counts); raises BadInput."""
        cal = self.rules.calendar
        if unit not in UNITS:
            raise BadInput(f"Đơn vị «{unit}» không hợp lệ.", hint="Chọn: ngày làm việc hoặc ngày.")
        if n is not None and not 1 <= n <= 366:
            raise BadInput(f"Số ngày {n} nằm ngoài 1–366.")
        why = cal.why_off(day)
        out: dict[str, Any] = {"date": day.isoformat(), "weekday": _WEEKDAYS[day.weekday()],
                               "working": why is None, "why": why,
                               "next_working_day": cal.next_working_day(day, include_self=False).isoformat()}
        if n is not None:
            due = cal.add(day, n, unit)
            out.update(n=n, unit=unit, unit_label=UNIT_LABELS[unit], due=due.isoformat(),
                       sentence=f"{n} {UNIT_LABELS[unit]} kể từ {vn_date(day)} (không tính ngày đó): {vn_date(due)}.")
        return out

    def workflows(self) -> list[dict[str, Any]]:
        """Every workflow version loaded, newest first per workflow."""
        out = []
        for (wid, version), wf in sorted(self.rules.definitions.items(), key=lambda kv: (kv[0][0], -kv[0][1])):
            out.append({"id": wid, "version": version, "title": wf.title, "source": wf.source,
                        "latest": self.rules.latest(wid).version == version,
                        "rule_versions": [{"id": r.id, "effective_from": r.effective_from.isoformat()}
                                          for r in wf.rule_versions]})
        return out

    def workflow(self, workflow_id: str, version: int | None = None) -> WorkflowDef:
        """One workflow version (default: the newest); raises UnknownWorkflow, UnknownWorkflowVersion."""
        return self.rules.definition(workflow_id, version) if version else self.rules.latest(workflow_id)
