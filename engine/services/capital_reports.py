"""The capital use cases the entry points call (``App.capital``): import a capital file, the progress
table, the projects waiting on an appraisal. The goal (plan year, target, milestones) is the movement
file's ``capital`` section: the shipped 2024 movement unless another file is named."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..domain.capital import CapitalGoal, plan_window
from ..domain.clock import Clock, local_date
from ..domain.errors import BadInput
from ..domain.movement import Movement
from ..io.movements import default_movement_path, load_movement
from ..reporting.capital_holdups import holdups
from ..reporting.capital_progress import progress
from ..runtime.rulebook import Rulebook
from ..store.database import Database
from .capital import CapitalImport


def goal_of(movement: Movement) -> CapitalGoal:
    """The movement's disbursement goal; raises BadInput when its file sets none."""
    if movement.capital is None:
        raise BadInput(f"Phong trào «{movement.name}» không có mục tiêu giải ngân "
                       f"(mục capital của tệp {movement.path}).",
                       hint="Thêm mục capital (năm kế hoạch, mục tiêu, các mốc) vào tệp phong trào, "
                            "hoặc chọn tệp khác.")
    return movement.capital


@dataclass
class CapitalService:
    database: Database
    rules: Rulebook
    clock: Clock

    def import_file(self, path: Path) -> dict[str, int]:
        return CapitalImport(self.database, self.clock).import_file(path)

    def goal(self, movement: Path | None = None) -> tuple[Movement, CapitalGoal]:
        mv = load_movement(movement or default_movement_path())
        return mv, goal_of(mv)

    def day(self, goal: CapitalGoal, as_of: dt.date | None) -> dt.date:
        """The day asked about: ``as_of``, else today; within the plan's window."""
        lo, hi = plan_window(goal.plan_year)
        day = as_of or local_date(self.clock.now())
        if day < lo:
            raise BadInput(f"Ngày {day:%d/%m/%Y} trước năm kế hoạch {goal.plan_year}.",
                           hint=f"Chọn --as-of từ {lo:%d/%m/%Y} đến {hi:%d/%m/%Y}.")
        return min(day, hi)

    def progress(self, as_of: dt.date | None = None, by: str = "project",
                 movement: Path | None = None) -> dict[str, Any]:
        mv, goal = self.goal(movement)
        with self.database.reading() as uow:
            data = progress(uow, goal, self.day(goal, as_of), by)
        return {"movement": {"id": mv.id, "name": mv.name}, **data}

    def holdups(self, as_of: dt.date | None = None, movement: Path | None = None) -> dict[str, Any]:
        mv, goal = self.goal(movement)
        data = holdups(self.database, self.rules.calendar, goal, self.day(goal, as_of))
        return {"movement": {"id": mv.id, "name": mv.name}, **data}
