"""Importing a capital file (plans, adjustments, cumulative disbursement, dossiers of each project),
all or nothing.

The rows are read and checked one by one (engine.io.capital_files), then together, in one unit of
work: a row naming a project that neither the database nor an ``assigned`` row of the file defines, a
second ``assigned`` plan of a project's year, a duplicate row, a division or dossier that does not exist,
a dossier already linked to another project, or a project's cumulative figures that go down (the file's
and those already stored, by day, within the plan's window) is a BadInput naming the row, the column
and the rule; nothing is written. A row identical to one already stored is left as it is, so the same
file imported twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..domain.capital import plan_window
from ..domain.clock import Clock
from ..domain.errors import BadInput
from ..io.capital_files import CapitalRecord, read_capital_file, row_error
from ..store.capital import Capital
from ..store.database import Database


@dataclass
class _Batch:
    """What the file adds, checked against what is stored."""

    path: Path
    store: Capital
    projects: dict[str, tuple[Any, ...]]
    divisions: set[str]
    new_projects: dict[str, CapitalRecord] = field(default_factory=dict)
    updates: dict[str, CapitalRecord] = field(default_factory=dict)
    plans: list[CapitalRecord] = field(default_factory=list)
    disbursed: list[CapitalRecord] = field(default_factory=list)
    links: dict[str, tuple[str, int]] = field(default_factory=dict)  # dossier → (project, line)
    skipped: int = 0

    def fail(self, r: CapitalRecord, column: str, message: str, hint: str | None = None) -> BadInput:
        return row_error(self.path, r.line, column, message, hint)

    def add_project(self, r: CapitalRecord) -> None:
        if r.division is not None and r.division not in self.divisions:
            raise self.fail(r, "division", f"không có phòng «{r.division}».",
                            "Các phòng: " + ", ".join(sorted(self.divisions)) + ".")
        for code in r.dossiers:
            self.links.setdefault(code, (r.project, r.line))
        if r.project in self.new_projects or r.project in self.updates:
            return
        if r.project in self.projects:
            if _updated(self.projects[r.project], r)[:4] != tuple(self.projects[r.project][2:6]):
                self.updates[r.project] = r
            return
        for column, value in (("name", r.name), ("investor", r.investor)):
            if value is None:
                raise self.fail(r, column, f"dự án mới «{r.project}» cần tên dự án và chủ đầu tư.")
        self.new_projects[r.project] = r

    def known(self, r: CapitalRecord) -> None:
        if r.project not in self.projects and r.project not in self.new_projects:
            raise self.fail(r, "project", f"không có dự án «{r.project}».",
                            "Thêm dòng kế hoạch giao (assigned) của dự án, với tên và chủ đầu tư, vào tệp.")


def _check_plans(b: _Batch) -> list[CapitalRecord]:
    """The plan rows to write; raises on a second assigned plan or a duplicate row."""
    stored: dict[tuple[str, int], list[tuple[Any, ...]]] = defaultdict(list)
    ids = {row[0]: code for code, row in b.projects.items()}
    for year in {r.year for r in b.plans}:
        for pid, kind, amount, day, decision in b.store.plans(year):
            stored[(ids[pid], year)].append((kind, amount, day, decision))
    seen: dict[tuple[Any, ...], int] = {}
    out = []
    for r in b.plans:
        key = (r.project, r.year, r.kind, r.amount, r.day, r.decision)
        if key in seen or (r.kind == "assigned" and (r.project, r.year, "assigned") in seen):
            first = seen.get(key) or seen[(r.project, r.year, "assigned")]
            raise b.fail(r, "kind", f"dòng trùng với dòng {first} (cùng dự án, năm và loại).",
                         "Bỏ một trong hai dòng; một thay đổi kế hoạch là dòng điều chỉnh (adjustment).")
        seen[key] = r.line
        mine = stored.get((r.project, r.year), [])
        if (r.kind, r.amount, r.day, r.decision) in mine:
            b.skipped += 1
            continue
        if r.kind == "assigned":
            seen[(r.project, r.year, "assigned")] = r.line
            if any(m[0] == "assigned" for m in mine):
                raise b.fail(r, "kind", f"dự án «{r.project}» đã có kế hoạch giao năm {r.year} khác với dòng này.",
                             "Một thay đổi kế hoạch là dòng điều chỉnh (adjustment).")
        out.append(r)
    return out


def _stored(b: _Batch, files: dict[tuple[str, int], dict[dt.date, tuple[int, CapitalRecord | None]]]) -> None:
    """Add to each project's series the stored figures its rows must be checked against: the latest one
    when every row of the file is dated after it (the usual monthly export), else every stored figure of
    the project in the plan's window (a back-filled month)."""
    projects = {code: row[0] for code, row in b.projects.items()}
    for year in {y for _, y in files}:
        lo, hi = plan_window(year)
        latest = b.store.latest_between(lo, hi)
        for (code, y), days in files.items():
            pid = projects.get(code)
            if y != year or pid not in latest:
                continue
            last_day, last_amount = latest[pid]
            stored = [(last_day, last_amount)] if min(days) > last_day else b.store.series(pid, lo, hi)
            for day, amount in stored:
                if day in days:
                    _same_day(b, days[day], amount)
                    b.skipped += 1  # the same figure again: kept as it is
                days[day] = (amount, None)


def _same_day(b: _Batch, mine: tuple[int, CapitalRecord | None], stored: int) -> None:
    amount, r = mine
    assert r is not None
    if amount != stored:
        raise b.fail(r, "amount", f"ngày {r.day:%d/%m/%Y} đã có số lũy kế {stored:,} đồng khác với dòng này."
                     .replace(",", "."), "Số đã nhập không được sửa bằng tệp; hỏi quản trị hệ thống.")


def _check_disbursed(b: _Batch) -> list[CapitalRecord]:
    """The cumulative figures to write; raises on a duplicate day, a stored day's figure changed, or a
    figure that goes down (the file's and the stored ones, by day)."""
    files: dict[tuple[str, int], dict[dt.date, tuple[int, CapitalRecord | None]]] = defaultdict(dict)
    for r in b.disbursed:
        days = files[(r.project, r.year)]
        if r.day in days:
            earlier = days[r.day][1]
            assert earlier is not None
            raise b.fail(r, "date", f"dòng trùng với dòng {earlier.line} (cùng dự án, cùng ngày giải ngân).",
                         "Mỗi dự án một số lũy kế mỗi ngày; bỏ một trong hai dòng.")
        days[r.day] = (r.amount, r)
    _stored(b, files)
    stored_days = {(k, day) for k, days in files.items() for day, (_, r) in days.items() if r is None}
    out = []
    for r in b.disbursed:
        if ((r.project, r.year), r.day) in stored_days:
            continue
        out.append(r)
    for days in files.values():
        _non_decreasing(b, days)
    return out


def _non_decreasing(b: _Batch, days: dict[dt.date, tuple[int, CapitalRecord | None]]) -> None:
    previous: tuple[dt.date, int, CapitalRecord | None] | None = None
    for day in sorted(days):
        amount, r = days[day]
        if previous is not None and amount < previous[1]:
            row = r or previous[2]
            assert row is not None  # stored figures never go down: one of the two is the file's
            raise b.fail(row, "amount", f"số giải ngân lũy kế giảm: {amount:,} đồng ngày {day:%d/%m/%Y} nhỏ hơn "
                         f"{previous[1]:,} đồng ngày {previous[0]:%d/%m/%Y}.".replace(",", "."),
                         "Số lũy kế chỉ tăng hoặc giữ nguyên theo ngày; kiểm tra ngày và số tiền.")
        previous = (day, amount, r)


def _check_links(b: _Batch) -> list[tuple[str, int]]:
    """(project code, dossier id) of the links to make; raises on an unknown or differently linked dossier."""
    found = b.store.dossier_links(list(b.links))
    ids = {row[0]: code for code, row in b.projects.items()}
    out = []
    for code, (project, line) in b.links.items():
        where = CapitalRecord(line, "assigned", project, 0, dt.date.min, 0)
        if code not in found:
            raise b.fail(where, "dossiers", f"không có hồ sơ «{code}».", "Kiểm tra mã hồ sơ (thamdinh list).")
        dossier_id, linked = found[code]
        if linked is not None and ids.get(linked) != project:
            raise b.fail(where, "dossiers", f"hồ sơ «{code}» đã thuộc dự án «{ids.get(linked)}».")
        if linked is None:
            out.append((project, dossier_id))
    return out


@dataclass
class CapitalImport:
    database: Database
    clock: Clock

    def import_file(self, path: Path) -> dict[str, int]:
        """Import a capital file (CSV or XLSX) in one unit of work; returns what was added."""
        records = list(read_capital_file(path))
        now = self.clock.now()
        with self.database.unit_of_work() as uow:
            b = _Batch(path, uow.capital, uow.capital.projects(), {d.code for d in uow.people.divisions()})
            for r in records:
                if r.kind == "assigned":
                    b.add_project(r)
            for r in records:
                b.known(r)
                (b.disbursed if r.kind == "disbursed" else b.plans).append(r)
            plans, disbursed, links = _check_plans(b), _check_disbursed(b), _check_links(b)
            uow.capital.add_projects(((r.project, r.name or "", r.investor or "", r.capital_source, r.division)
                                      for r in b.new_projects.values()), now)
            projects = uow.capital.projects()
            uow.capital.update_projects([_updated(projects[c], r) for c, r in b.updates.items()])
            uow.capital.add_plans(((projects[r.project][0], r.year, r.kind, r.amount, r.day, r.decision)
                                   for r in plans), now)
            uow.capital.add_disbursed(((projects[r.project][0], r.day, r.amount) for r in disbursed), now)
            uow.capital.link((projects[p][0], d) for p, d in links)
            uow.commit()
        return {"rows": len(records), "projects_added": len(b.new_projects), "projects_updated": len(b.updates),
                "plans": sum(r.kind == "assigned" for r in plans),
                "adjustments": sum(r.kind == "adjustment" for r in plans),
                "disbursements": len(disbursed), "dossiers_linked": len(links), "unchanged": b.skipped}


def _updated(row: tuple[Any, ...], r: CapitalRecord) -> tuple[str, str, str | None, str | None, int]:
    _, _, name, investor, source, division = row
    return (r.name or name, r.investor or investor, r.capital_source or source, r.division or division, row[0])
