"""The scheduler: APScheduler 3.11 as a tick, with its jobs in the project database and a lease.

Deadlines are rows (``stage_clock``); the scheduler only runs, on time and once:
- ``scan`` every few minutes: the idempotent deadline scan, then a dispatch;
- ``dispatch`` every minute: sends due outbox rows (retries with backoff);
- ``digest`` daily at the digest time (only working days say anything);
- ``monthly_report`` on the 1st at 08:00: the previous month's report, written and mailed.

The jobs are given to the scheduler (engine.services.jobs builds them from the use cases); the job
store keeps only their ids and run times.

**The scheduler computes; the loop only waits.** ``DeadlineScheduler.run_due_jobs(now)`` does one tick
synchronously and returns how many seconds to wait; APScheduler's BlockingScheduler loop calls it
(through ``_process_jobs``) and sleeps. Tests call ``run_due_jobs`` with an injected time, no threads.

Downtime: jobs are stored (SQLAlchemy job store, table ``apscheduler_jobs``) with ``coalesce=True`` and
``misfire_grace_time=None``: after hours or days down, each job runs **once** on restart (APScheduler's
default grace of 1 s would silently drop it). One catch-up scan suffices because the scan raises every
alert that has fallen due by its day.

One active scheduler per database: a lease row (``scheduler_lease``) held by one process and renewed
every ``renew_every`` seconds; a second scheduler is a standby that checks the lease and takes over
once it has expired (the holder died). Only the holder touches the job store or runs jobs, and it
renews the lease before each job. (The lease works on SQLite and PostgreSQL alike; on PostgreSQL an
advisory lock would release faster on a crash, but it ties the leadership to one connection.)
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable
from typing import Any

from apscheduler.job import Job
from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from ..domain.clock import TZ, Clock
from ..store.database import Database

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
JOBS_TABLE = "apscheduler_jobs"


#: a job: given the run time it was due at and the time now, do its work (it is told, not looked up)
JobFn = Callable[[dt.datetime, dt.datetime], Any]


def stored_job(job_id: str) -> None:
    """What the job store references for every job; the scheduler runs its own ``jobs[job_id]``
    instead, so the stored jobs carry no code and no state of their own."""


# -- the lease ---------------------------------------------------------------------------------
def acquire_lease(database: Database, holder: str, now: dt.datetime, ttl: float, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease; True if ``holder`` holds it until ``now + ttl``."""
    with database.unit_of_work() as uow:
        held = uow.leases.acquire(name, holder, now, now + dt.timedelta(seconds=ttl))
        uow.commit()
    return held


def release_lease(database: Database, holder: str, name: str = LEASE_NAME) -> None:
    with database.unit_of_work() as uow:
        uow.leases.release(name, holder)
        uow.commit()


def lease_info(database: Database, name: str = LEASE_NAME) -> dict[str, Any] | None:
    with database.reading() as uow:
        return uow.leases.info(name)


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


# -- the scheduler -----------------------------------------------------------------------------
class DeadlineScheduler(BlockingScheduler):
    """APScheduler's blocking loop around a tick computed by ``run_due_jobs``."""

    def __init__(self, database: Database, job_engine: Any, clock: Clock, jobs: dict[str, JobFn],
                 digest_at: dt.time, holder: str | None = None, *, lease_ttl: float = 60.0,
                 renew_every: float = 15.0, scan_every: dt.timedelta = dt.timedelta(minutes=5),
                 dispatch_every: dt.timedelta = dt.timedelta(minutes=1)) -> None:
        """``jobs`` by id (``scan``, ``dispatch``, ``digest``, ``monthly_report``); ``job_engine`` is a
        SQLAlchemy engine on the database, for APScheduler's job store."""
        super().__init__(
            timezone=TZ,
            jobstores={"default": SQLAlchemyJobStore(engine=job_engine, tablename=JOBS_TABLE)},
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        self.database = database
        self.clock = clock
        self.jobs = jobs
        self.digest_at = digest_at
        self.holder = holder or default_holder()
        self.lease_ttl, self.renew_every = lease_ttl, renew_every
        self.scan_every, self.dispatch_every = scan_every, dispatch_every
        self.leader = False
        #: what this scheduler ran: (job id, scheduled run time), for logs and tests
        self.runs: list[tuple[str, dt.datetime]] = []
        self._store_ready = False
        self._standby_announced = False

    @property
    def store(self) -> SQLAlchemyJobStore:
        return self._jobstores["default"]  # type: ignore[no-any-return]

    # -- job definitions ---------------------------------------------------------------------
    def triggers(self, now: dt.datetime) -> dict[str, Any]:
        hour, minute = self.digest_at.hour, self.digest_at.minute
        start = now.astimezone(TZ)
        return {
            "scan": IntervalTrigger(seconds=int(self.scan_every.total_seconds()), start_date=start, timezone=TZ),
            "dispatch": IntervalTrigger(seconds=int(self.dispatch_every.total_seconds()), start_date=start,
                                        timezone=TZ),
            "digest": CronTrigger(hour=hour, minute=minute, timezone=TZ),
            "monthly_report": CronTrigger(day=1, hour=8, minute=0, timezone=TZ),
        }

    def prepare(self) -> None:
        """Open the job store without starting the loop (``start`` does this itself)."""
        if not self._store_ready:
            self.store.start(self, "default")
            self._store_ready = True

    def ensure_jobs(self, now: dt.datetime) -> None:
        """Add missing jobs; keep stored ones (their next run time is what makes catch-up work)."""
        for job_id, trigger in self.triggers(now).items():
            existing = self.store.lookup_job(job_id)
            if existing is not None and str(existing.trigger) == str(trigger):
                continue
            job = Job(self, id=job_id, func=f"{__name__}:stored_job", trigger=trigger, executor="default",
                      args=(job_id,), kwargs={}, name=job_id, misfire_grace_time=None, coalesce=True,
                      max_instances=1, next_run_time=trigger.get_next_fire_time(None, now))
            job._jobstore_alias = "default"
            if existing is None:
                try:
                    self.store.add_job(job)
                except ConflictingIdError:
                    self.store.update_job(job)
            else:
                log.info("job %s: trigger changed from %s to %s", job_id, existing.trigger, trigger)
                self.store.update_job(job)

    # -- the tick ----------------------------------------------------------------------------
    def run_due_jobs(self, now: dt.datetime) -> float:
        """Run, once each, the jobs due at ``now`` if this scheduler holds the lease.

        Returns the seconds to wait before the next tick (never longer than ``renew_every``, so the
        lease is renewed in time, or a standby checks again).
        """
        self.prepare()
        if not acquire_lease(self.database, self.holder, now, self.lease_ttl):
            if self.leader or not self._standby_announced:
                info = lease_info(self.database) or {}
                log.warning("scheduler %s stands by: the lease is held by %s until %s", self.holder,
                            info.get("holder"), info.get("expires_at"))
                self._standby_announced = True
            self.leader = False
            return self.renew_every
        if not self.leader:
            log.info("scheduler %s holds the lease; running jobs", self.holder)
            self._standby_announced = False
            self.leader = True
            self.ensure_jobs(now)
        for job in self.store.get_due_jobs(now):
            if not self._run(job, now):
                return self.renew_every
        upcoming = self.store.get_next_run_time()
        if upcoming is None:
            return self.renew_every
        return max(0.0, min(self.renew_every, (upcoming - now).total_seconds()))

    def _run(self, job: Job, now: dt.datetime) -> bool:
        """Run one due job once (coalesced) and store its next run time; False if the lease was lost."""
        run_times = job._get_run_times(now)
        if not run_times:
            return True
        run_time = run_times[-1]  # coalesce: however many were missed, run once
        if len(run_times) > 1:
            log.info("job %s missed %d runs; running once for %s", job.id, len(run_times) - 1, run_time)
        if not acquire_lease(self.database, self.holder, now, self.lease_ttl):
            self.leader = False
            return False
        try:
            self.jobs[job.id](run_time, now)
        except Exception:
            log.exception("job %s (%s) failed", job.id, run_time)
        self.runs.append((job.id, run_time))
        next_run = job.trigger.get_next_fire_time(run_time, now)
        if next_run is None:
            self.store.remove_job(job.id)
        else:
            job._modify(next_run_time=next_run)
            self.store.update_job(job)
        return True

    def _process_jobs(self) -> float:  # called by APScheduler's loop; it then waits what we return
        try:
            return self.run_due_jobs(self.clock.now())
        except Exception:
            log.exception("scheduler tick failed; retrying in %s s", self.renew_every)
            return self.renew_every

    def serve(self) -> None:
        """Run until interrupted (SIGINT/SIGTERM); release the lease on the way out."""
        import signal

        def stop(signum: int, _frame: Any) -> None:
            log.info("signal %s: stopping the scheduler", signum)
            self.shutdown(wait=False)

        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                signal.signal(sig, stop)
            except ValueError:  # not the main thread
                pass
        self._store_ready = True  # start() opens the job store
        try:
            self.start()
        finally:
            if self.leader:
                release_lease(self.database, self.holder)
                self.leader = False
