"""The composition root: builds settings, clock, database, calendar and workflows once, and hands each
part what it needs. Nothing connects at import time, and nothing is built before it is asked for.

Entry points (the CLI, the web app, the demo) and tests each build one ``App`` with their settings and
clock; every other module receives its parts as arguments.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .domain.calendar import WorkingCalendar
from .domain.clock import Clock, ShiftedClock, SystemClock
from .domain.roles import Roles
from .domain.workflow import WorkflowDef
from .io.calendars import load_calendar
from .io.resources import workflows_dir
from .io.roles import NAME as ROLES_FILE
from .io.roles import load_roles
from .io.settings import Settings
from .io.workflow_files import load_workflows
from .runtime.rulebook import Rulebook
from .services import Services
from .services.access import Access
from .store.database import Database

if TYPE_CHECKING:
    from notifications.dispatcher import Dispatcher, DispatchResult
    from notifications.outbox import Mailer
    from notifications.transports import Transport

    from .domain.blockers import BlockerPolicy
    from .reporting.monthly import ReportHeading
    from .scheduler.ticker import DeadlineScheduler
    from .services.accounts import AccountService
    from .services.backup import Backups
    from .services.blocker_scan import BlockerEscalation
    from .services.blockers import Blockers
    from .services.capital_reports import CapitalService
    from .services.deadline_scan import DeadlineScan
    from .services.digest import Digest
    from .services.issuing import Issuing
    from .services.reports import Reports
    from .services.urging import Urging
    from .services.verify import PartResult, Verification


class App:
    def __init__(self, settings: Settings | None = None, clock: Clock | None = None) -> None:
        self.settings = settings or Settings.from_env()
        as_of = self.settings.as_of  # a demo database's day (THAMDINH_AS_OF): the clock runs on from it
        self.clock: Clock = clock or (ShiftedClock.starting_at(as_of) if as_of else SystemClock())

    # -- rules ---------------------------------------------------------------------------------
    def rule_dirs(self, sub: str = "") -> list[Path]:
        """The shipped rule folder and the province's (THAMDINH_RULES_PATH), in that order."""
        dirs = [workflows_dir() / sub if sub else workflows_dir()]
        dirs.extend(folder for extra in self.settings.rules_path
                    if (folder := extra / sub if sub else extra).is_dir())
        return dirs

    @cached_property
    def roles(self) -> Roles:
        return load_roles([folder / ROLES_FILE for folder in self.rule_dirs() if (folder / ROLES_FILE).is_file()])

    @cached_property
    def rules(self) -> Rulebook:
        files = [p for folder in self.rule_dirs("calendars") for p in sorted(folder.glob("*.yaml"))]
        return Rulebook.of(load_calendar(files), load_workflows(self.rule_dirs(), self.roles.names))

    @property
    def calendar(self) -> WorkingCalendar:
        return self.rules.calendar

    @property
    def workflows(self) -> dict[str, WorkflowDef]:
        return self.rules.workflows

    # -- storage -------------------------------------------------------------------------------
    @cached_property
    def database(self) -> Database:
        return Database(self.settings.database_url)

    @cached_property
    def engine(self) -> Any:
        """A SQLAlchemy engine on the same database (the scheduler's job store; tests that look inside)."""
        from .store.migrate import sqlalchemy_engine

        return sqlalchemy_engine(self.database.url)

    def init(self) -> str | None:
        """Create or upgrade the schema; returns the revision now in the database."""
        from .store.migrate import upgrade

        return upgrade(self.database.url, self.calendar)

    # -- use cases -----------------------------------------------------------------------------
    @cached_property
    def access(self) -> Access:
        from .domain.blockers import ACTIONS
        from .io.actions import load_actions

        files = [folder / ROLES_FILE for folder in self.rule_dirs() if (folder / ROLES_FILE).is_file()]
        return Access(self.roles, load_actions(files, self.roles.names, ACTIONS))

    # -- blockers and urging ---------------------------------------------------------------------
    @cached_property
    def blocker_policy(self) -> BlockerPolicy:
        """``workflows/blockers/blockers.yaml``, then a province's ``blockers/blockers.yaml``
        (THAMDINH_RULES_PATH) over it."""
        from .io.blockers import FOLDER, NAME, load_blocker_policy

        return load_blocker_policy([f / NAME for f in self.rule_dirs(FOLDER) if (f / NAME).is_file()])

    @cached_property
    def blockers(self) -> Blockers:
        from .services.blockers import Blockers

        return Blockers(self.database, self.rules, self.clock, self.access, self.blocker_policy)

    @cached_property
    def urging(self) -> Urging:
        from .services.urging import Urging

        return Urging(self.database, self.rules, self.clock, self.access, self.mailer, self.settings.base_url)

    @cached_property
    def blocker_escalation(self) -> BlockerEscalation:
        from .services.blocker_scan import BlockerEscalation

        return BlockerEscalation(self.database, self.rules, self.clock, self.mailer, self.settings.base_url,
                                 self.blocker_policy)

    @cached_property
    def services(self) -> Services:
        return Services(self.database, self.rules, self.clock, self.access)

    @cached_property
    def accounts(self) -> AccountService:
        import datetime as dt

        from .services.accounts import AccountService, SignInPolicy

        s = self.settings
        policy = SignInPolicy(dt.timedelta(hours=s.session_idle_hours), s.signin_max_failures,
                              dt.timedelta(minutes=s.signin_lock_minutes))
        return AccountService(self.database, self.clock, self.access, policy)

    @cached_property
    def mailer(self) -> Mailer:
        from notifications.outbox import Letterhead, Mailer

        return Mailer(Letterhead(self.settings.department_name, self.settings.province_name), self.clock)

    @cached_property
    def scanner(self) -> DeadlineScan:
        from .services.deadline_scan import DeadlineScan

        return DeadlineScan(self.database, self.rules, self.clock, self.mailer, self.settings.base_url)

    @cached_property
    def digests(self) -> Digest:
        from .services.digest import Digest

        return Digest(self.database, self.rules, self.clock, self.mailer, self.settings.base_url, self.blocker_policy)

    @property
    def heading(self) -> ReportHeading:
        """The reports' letterhead: ``workflows/documents/letterhead.yaml``, a province's
        ``documents/letterhead.yaml`` (THAMDINH_RULES_PATH) over it, then the settings' names if set."""
        from .io.letterhead import FOLDER, letterhead_files, load_letterhead, with_settings
        from .reporting.monthly import ReportHeading

        files = letterhead_files(self.rule_dirs(FOLDER))
        return ReportHeading(with_settings(load_letterhead(files), self.settings))

    @cached_property
    def reports(self) -> Reports:
        from .services.reports import Reports

        return Reports(self.database, self.rules, self.clock, self.heading, self.mailer, self.settings.mail_dir,
                       self.blocker_policy)

    @cached_property
    def issuing(self) -> Issuing:
        """Issued reports: sealed versions, each after ``thamdinh verify``."""
        from .services.issuing import Issuing

        return Issuing(self.database, self.clock, self.reports, lambda: self.verification.run(), self.access)

    @cached_property
    def capital(self) -> CapitalService:
        """Projects and their capital: the capital file's import, the progress, the hold-ups."""
        from .services.capital_reports import CapitalService

        return CapitalService(self.database, self.rules, self.clock)

    @cached_property
    def backups(self) -> Backups:
        from .services.backup import Backups

        return Backups(self.database, self.settings, self.clock)

    @cached_property
    def verification(self) -> Verification:
        import functools
        import os

        from .services.verify import Verification

        return Verification(self.database, self.rules, workers=min(os.cpu_count() or 1, 8),
                            part_runner=functools.partial(verify_part, self.settings))

    def dispatcher(self, transport: Transport | None = None, **options: Any) -> Dispatcher:
        from notifications.dispatcher import Dispatcher

        return Dispatcher(self.database, self.settings, self.clock, transport, **options)

    def dispatch(self, **options: Any) -> DispatchResult:
        """Send every due message once with the configured transport."""
        return self.dispatcher().run_once(**options)

    def scheduler(self, holder: str | None = None, **options: Any) -> DeadlineScheduler:
        from .services.jobs import BackupScheduler, scheduler_jobs

        s = self.settings
        jobs = scheduler_jobs(self.scanner, self.digests, self.dispatch, self.issuing,
                              self.backups if s.backup_dir else None, self.blocker_escalation)
        return BackupScheduler(self.database, self.engine, self.clock, jobs, s.digest_at, holder,
                               backup_at=s.backup_at, **options)

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.close()
        if "engine" in self.__dict__:
            self.engine.dispose()


def verify_part(settings: Settings, after: int, upto: int) -> PartResult:
    """In a worker process of ``thamdinh verify``: the dossiers with ids above ``after``, up to ``upto``,
    with the rules and the database of ``settings``."""
    app = App(settings)
    try:
        return app.verification.part(after, upto)
    finally:
        app.close()
