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
from ..store.history_walk import BOUNDS, CHILD_TABLES, HIGHEST, LOWEST, IssuedCheckpoint, Walk
from .verify_dossier import findings, rules_of

log = logging.getLogger(__name__)
#: progress is reported every so many dossiers
PROGRESS_EVERY = 50_000
#: from this many dossiers on, verify runs in parts in worker processes (when it has more than one)
PARALLEL_FROM = 100_000
PARTS_PER_WORKER = 4
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


@dataclass(frozen=True)
class PartResult:
    """What one part of the dossiers (ids above ``after``, up to ``upto``) gave: picklable, from a worker."""

    dossiers: int
    rows: int
    problems: list[VerifyProblem]
    orphans: dict[str, list[int]]


#: a part verified in a process of its own: (after, upto) -> PartResult (picklable: a module-level function)
PartRunner = Callable[[int, int], PartResult]


class Verification:
    """Built by the composition root (``App.verification``) with the database and the rules; with
    ``workers`` > 1 and a ``part_runner``, a database of PARALLEL_FROM dossiers or more is verified in
    parts, PARTS_PER_WORKER per worker process, each part on its own snapshot (a dossier is always read
    whole from one snapshot); the issued reports' checkpoints are recomputed meanwhile in this process."""

    def __init__(self, database: Database, rules: Rulebook, *, workers: int = 1,
                 part_runner: PartRunner | None = None) -> None:
        self.database = database
        self.rules = rules
        self.workers = workers
        self.part_runner = part_runner

    def run(self, progress: Progress | None = None) -> VerifyReport:
        """Check every dossier and every issued report; ``progress(dossiers, rows)`` is called as the
        work goes on. Raises DatabaseUnavailable."""
        started = time.perf_counter()
        with self.database.reading() as uow:
            low, high, count = uow.execute(BOUNDS).fetchone()
        shared = not (self.database.url.sqlite and self.database.url.path == ":memory:")  # (a worker sees it)
        if self.part_runner is not None and self.workers > 1 and shared and int(count or 0) >= PARALLEL_FROM:
            report, issued = self._in_parts(int(low), int(high), progress)
        else:
            report, issued = self._here(progress)
        with self.database.reading() as uow:
            report.problems.extend(_clockless(Walk(uow).clockless()))
        report.issued_checked = len(issued)
        report.problems.extend(_checkpoint_problems(issued))
        log.info("verify: %d dossiers, %d rows, %d problems, %d issued reports, %.1f s", report.dossiers,
                 report.rows, len(report.problems), len(issued), time.perf_counter() - started)
        return report

    def part(self, after: int = LOWEST, upto: int = HIGHEST, progress: Progress | None = None) -> PartResult:
        """Verify the dossiers with ids above ``after``, up to ``upto``, in this process."""
        result, _ = self._walk(after, upto, progress, checkpoints=False)
        return result

    def _here(self, progress: Progress | None) -> tuple[VerifyReport, list[IssuedCheckpoint]]:
        result, issued = self._walk(LOWEST, HIGHEST, progress, checkpoints=True)
        return _report([result]), issued

    def _walk(self, after: int, upto: int, progress: Progress | None,
              checkpoints: bool) -> tuple[PartResult, list[IssuedCheckpoint]]:
        rules, cal = rules_of(self.rules), self.rules.calendar
        dossiers = rows = 0
        problems: list[VerifyProblem] = []
        with self.database.reading() as uow:
            walk = Walk(uow, after, upto)
            for d in walk:
                dossiers += 1
                rows += len(d.history)
                found = findings(d, rules, cal)
                if found:
                    problems.extend(VerifyProblem(d.code, what) for what in found)
                if progress is not None and dossiers % PROGRESS_EVERY == 0:
                    progress(dossiers, rows)
            issued = walk.checkpoints() if checkpoints else []
        return PartResult(dossiers, rows, problems, walk.orphans), issued

    def _in_parts(self, low: int, high: int, progress: Progress | None) -> tuple[VerifyReport,
                                                                                 list[IssuedCheckpoint]]:
        import multiprocessing

        assert self.part_runner is not None
        bounds = _bounds(low, high, self.workers * PARTS_PER_WORKER)
        done: dict[int, PartResult] = {}
        with multiprocessing.get_context("spawn").Pool(self.workers) as pool:
            results = pool.imap_unordered(_run_part, [(self.part_runner, n, a, b) for n, (a, b) in enumerate(bounds)])
            with self.database.reading() as uow:  # meanwhile, here
                issued = Walk(uow).checkpoints()
            for n, result in results:
                done[n] = result
                if progress is not None:
                    progress(sum(r.dossiers for r in done.values()), sum(r.rows for r in done.values()))
        return _report([done[n] for n in sorted(done)]), issued


def _run_part(task: tuple[PartRunner, int, int, int]) -> tuple[int, PartResult]:
    """In a worker process: part ``n`` of the dossiers."""
    runner, n, after, upto = task
    return n, runner(after, upto)


def _bounds(low: int, high: int, parts: int) -> list[tuple[int, int]]:
    """``parts`` ranges of ids (above the first, up to the second) covering every id."""
    step = max(1, (high - low + 1) // parts)
    cuts = [low - 1 + step * k for k in range(1, parts) if low - 1 + step * k < high]
    edges = [LOWEST, *cuts, HIGHEST]
    return list(zip(edges[:-1], edges[1:], strict=True))


def _report(parts: list[PartResult]) -> VerifyReport:
    report = VerifyReport(sum(p.dossiers for p in parts), sum(p.rows for p in parts))
    orphans: dict[str, list[int]] = {}
    for p in parts:
        report.problems.extend(p.problems)
        for table, ids in p.orphans.items():
            orphans.setdefault(table, []).extend(ids)
    report.problems.extend(_orphans({t: sorted(set(ids)) for t, ids in orphans.items()}))
    return report


def _orphans(orphans: dict[str, list[int]]) -> list[VerifyProblem]:
    out = []
    for table, ids in orphans.items():
        out.append(VerifyProblem("", f"bảng {table}: có {TABLE_LABELS[table]} của hồ sơ không tồn tại "
                                     f"({vn_number(len(ids))} mã hồ sơ: {_some(ids)})"))
    return out


def _clockless(found: dict[str, list[int]]) -> list[VerifyProblem]:
    return [VerifyProblem("", f"bảng {table}: có {TABLE_LABELS[table]} của thời hạn không tồn tại "
                              f"({vn_number(len(ids))} mã thời hạn: {_some(ids)})") for table, ids in found.items()]


def _some(ids: list[int]) -> str:
    return ", ".join(map(str, ids[:10])) + (", …" if len(ids) > 10 else "")


def _checkpoint_problems(issued: list[IssuedCheckpoint]) -> list[VerifyProblem]:
    return [VerifyProblem("", f"báo cáo đã ban hành {c.title}: dấu kiểm lịch sử đến dòng mã {c.event_id} không "
                              "khớp (lịch sử đã có từ trước khi ban hành bị sửa, xóa hoặc tính lại mã băm?)")
            for c in issued if c.stored != c.recomputed]
