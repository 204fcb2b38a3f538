"""``thamdinh verify``: does the history show tampering?

``Verification.run()`` walks every dossier on one snapshot of the database (``engine.store.history_walk``),
checks its hash chain and recomputes every stage clock from its history with the calendar and the
dossier's rule version (``engine.services.verify_dossier``), then the database-wide checks: history,
clock, pause and extension rows of no dossier, and the checkpoint printed on every issued report against
the history it was made from. The report names every dossier whose rows or clocks disagree; issuing a
report is refused while it is not ``ok``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ..domain.formatting import vn_number
from ..runtime.rulebook import Rulebook
from ..store.database import Database
from ..store.history_walk import CHILD_TABLES, IssuedCheckpoint, Walk
from .verify_dossier import findings, rules_of

log = logging.getLogger(__name__)
#: progress is reported every so many dossiers
PROGRESS_EVERY = 50_000
TABLE_LABELS = dict(zip(CHILD_TABLES, ("dòng lịch sử", "thời hạn", "lần tạm dừng", "lần gia hạn"), strict=True))
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class VerifyProblem:
    """One disagreement: ``code`` the dossier's code ("" for a database-wide problem), ``what`` in Vietnamese."""

    code: str
    what: str


@dataclass
class VerifyReport:
    """What a verification found: the dossiers and history rows checked, the problems, the issued reports
    whose checkpoint was recomputed."""

    dossiers: int
    rows: int
    problems: list[VerifyProblem] = field(default_factory=list)
    issued_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def dossiers_with_problems(self) -> list[str]:
        """The codes of the dossiers with a problem, in the order found (database-wide ones aside)."""
        return list(dict.fromkeys(p.code for p in self.problems if p.code))


class Verification:
    """Built by the composition root (``App.verification``) with the database and the rules."""

    def __init__(self, database: Database, rules: Rulebook) -> None:
        self.database = database
        self.rules = rules

    def run(self, progress: Progress | None = None) -> VerifyReport:
        """Check every dossier and every issued report; ``progress(dossiers, rows)`` is called every
        PROGRESS_EVERY dossiers. Raises DatabaseUnavailable."""
        started = time.perf_counter()
        report = VerifyReport(0, 0)
        rules, cal, problems = rules_of(self.rules), self.rules.calendar, report.problems
        with self.database.reading() as uow:
            walk = Walk(uow)
            for d in walk:
                report.dossiers += 1
                report.rows += len(d.history)
                found = findings(d, rules, cal)
                if found:
                    problems.extend(VerifyProblem(d.code, what) for what in found)
                if progress is not None and report.dossiers % PROGRESS_EVERY == 0:
                    progress(report.dossiers, report.rows)
            problems.extend(_orphans(walk.orphans))
            issued = walk.checkpoints()
        report.issued_checked = len(issued)
        problems.extend(_checkpoint_problems(issued))
        log.info("verify: %d dossiers, %d rows, %d problems, %d issued reports, %.1f s", report.dossiers,
                 report.rows, len(problems), len(issued), time.perf_counter() - started)
        return report


def _orphans(orphans: dict[str, list[int]]) -> list[VerifyProblem]:
    out = []
    for table, ids in orphans.items():
        shown = ", ".join(map(str, ids[:10])) + (", …" if len(ids) > 10 else "")
        out.append(VerifyProblem("", f"bảng {table}: có {TABLE_LABELS[table]} của hồ sơ không tồn tại "
                                     f"({vn_number(len(ids))} mã hồ sơ: {shown})"))
    return out


def _checkpoint_problems(issued: list[IssuedCheckpoint]) -> list[VerifyProblem]:
    return [VerifyProblem("", f"báo cáo đã ban hành {c.title}: dấu kiểm lịch sử đến dòng mã {c.event_id} không "
                              "khớp (lịch sử đã có từ trước khi ban hành bị sửa, xóa hoặc tính lại mã băm?)")
            for c in issued if c.stored != c.recomputed]
