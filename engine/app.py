"""The composition root: builds settings, clock, database, calendar and workflows, lazily.

Nothing connects at import time. Tests build an ``App`` with their own settings and clock.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from .settings import Settings
from .timeutil import Clock, SystemClock

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from .calendar import WorkingCalendar
    from .definitions import WorkflowDef
    from .runtime import CompiledWorkflow
    from .services import Services
    from .store.repo import Repo


class App:
    def __init__(self, settings: Settings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.clock: Clock = clock or SystemClock()

    # -- rules -------------------------------------------------------------------------------
    def rule_dirs(self, sub: str = "") -> list[Path]:
        from .resources import workflows_dir

        dirs = [workflows_dir() / sub if sub else workflows_dir()]
        for extra in self.settings.rules_path:
            folder = extra / sub if sub else extra
            if folder.is_dir():
                dirs.append(folder)
        return dirs

    @cached_property
    def workflows(self) -> dict[str, WorkflowDef]:
        from .definitions import load_workflows

        return load_workflows(self.rule_dirs())

    @cached_property
    def compiled(self) -> dict[str, CompiledWorkflow]:
        from .runtime import CompiledWorkflow

        return {wid: CompiledWorkflow(wf) for wid, wf in self.workflows.items()}

    @cached_property
    def calendar(self) -> WorkingCalendar:
        from .calendar import WorkingCalendar, load_calendar_spec

        files: list[Path] = []
        for folder in self.rule_dirs("calendars"):
            files.extend(sorted(folder.glob("*.yaml")))
        return WorkingCalendar(load_calendar_spec(files))

    # -- storage -----------------------------------------------------------------------------
    @cached_property
    def engine(self) -> Engine:
        from .store.db import make_engine

        return make_engine(self.settings.database_url)

    @cached_property
    def repo(self) -> Repo:
        from .store.repo import Repo

        return Repo(self.engine)

    @cached_property
    def services(self) -> Services:
        from .services import Services

        return Services(self)

    def close(self) -> None:
        if "engine" in self.__dict__:
            self.engine.dispose()
