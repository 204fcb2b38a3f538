"""The scheduler: APScheduler 3.11 as a tick, with its jobs in the project database and a lease.

Deadlines are rows (``stage_clock``); the scheduler only runs, on time and once:
- ``scan`` every few minutes: the idempotent deadline scan (engine.alerts.scan), then a dispatch;
- ``dispatch`` every minute: sends due outbox rows (retries with backoff);
- ``digest`` daily at ``settings.digest_time`` (only working days say anything);
- ``monthly_report`` on the 1st at 08:00: the hook ``monthly_report_job`` for engine.reports.

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
from typing import TYPE_CHECKING, Any

from apscheduler.job import Job
from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from .timeutil import TZ, local_date

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger(__name__)

LEASE_NAME = "scheduler"
JOBS_TABLE = "apscheduler_jobs"


# -- the jobs (referenced by name in the job store) -------------------------------------------
def scan_job(app: App, run_time: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    """The periodic tick: raise due alerts, then send what was queued."""
    from notifications.dispatcher import dispatch

    from .alerts import scan

    result = scan(app, now).as_dict()
    result["dispatch"] = dispatch(app, time_budget=20).as_dict()
    return result


def dispatch_job(app: App, run_time: dt.datetime, now: dt.datetime) -> dict[str, Any]:
    from notifications.dispatcher import dispatch

    return dispatch(app, time_budget=20).as_dict()


def digest_job(app: App, run_time: dt.datetime, now: dt.datetime) -> dict[str, Any] | None:
    """Today's digest; a run missed on an earlier day is not sent late (today's is what matters)."""
    from notifications.dispatcher import dispatch

    from .alerts import digest

    if local_date(run_time) != local_date(now):
        log.info("digest of %s skipped: it is already %s", local_date(run_time), local_date(now))
        return None
    result = digest(app, now).as_dict()
    result["dispatch"] = dispatch(app, time_budget=20).as_dict()
    return result


def previous_month(day: dt.date) -> str:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return f"{first.year:04d}-{first.month:02d}"


def monthly_report_job(app: App, run_time: dt.datetime, now: dt.datetime) -> Any:
    """Hook for the monthly report: calls engine.reports.send_monthly_reports(app, "YYYY-MM") for the
    month before ``run_time``, if that module offers it."""
    month = previous_month(local_date(run_time))
    try:
        from . import reports
    except ImportError:
        log.info("monthly report %s: engine.reports is not available", month)
        return None
    send: Callable[..., Any] | None = getattr(reports, "send_monthly_reports", None)
    if send is None:
        log.info("monthly report %s: engine.reports has no send_monthly_reports", month)
        return None
    return send(app, month)


#: the jobs by id; the job store keeps ``run_stored_job`` with the id as its argument
JOBS: dict[str, Callable[[App, dt.datetime, dt.datetime], Any]] = {
    "scan": scan_job, "dispatch": dispatch_job, "digest": digest_job, "monthly_report": monthly_report_job}


def run_stored_job(job_id: str, *context: Any) -> Any:
    """What the job store references: runs ``JOBS[job_id](app, run_time, now)``."""
    return JOBS[job_id](*context)


# -- the lease ---------------------------------------------------------------------------------
def acquire_lease(app: App, holder: str, now: dt.datetime, ttl: float, name: str = LEASE_NAME) -> bool:
    """Take or renew the lease; True if ``holder`` holds it until ``now + ttl``."""
    d = app.repo.d
    until = now + dt.timedelta(seconds=ttl)
    with app.repo.transaction() as cur:
        cur.execute(d.sql(
            "UPDATE scheduler_lease SET acquired_at = CASE WHEN holder = ? THEN acquired_at ELSE ? END, "
            "holder = ?, renewed_at = ?, expires_at = ? WHERE name = ? AND (holder = ? OR expires_at < ?)"),
            (holder, d.ts(now), holder, d.ts(now), d.ts(until), name, holder, d.ts(now)))
        if cur.rowcount == 1:
            return True
        cur.execute(d.sql(
            "INSERT INTO scheduler_lease (name, holder, acquired_at, renewed_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO NOTHING"),
            (name, holder, d.ts(now), d.ts(now), d.ts(until)))
        return bool(cur.rowcount == 1)


def release_lease(app: App, holder: str, name: str = LEASE_NAME) -> None:
    d = app.repo.d
    with app.repo.transaction() as cur:
        cur.execute(d.sql("DELETE FROM scheduler_lease WHERE name = ? AND holder = ?"), (name, holder))


def lease_info(app: App, name: str = LEASE_NAME) -> dict[str, Any] | None:
    d = app.repo.d
    with app.repo.transaction() as cur:
        cur.execute(d.sql("SELECT holder, acquired_at, renewed_at, expires_at FROM scheduler_lease WHERE name = ?"),
                    (name,))
        r = cur.fetchone()
    if r is None:
        return None
    return {"holder": r[0], "acquired_at": d.read_ts(r[1]), "renewed_at": d.read_ts(r[2]),
            "expires_at": d.read_ts(r[3])}


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


# -- the scheduler -----------------------------------------------------------------------------
class DeadlineScheduler(BlockingScheduler):
    """APScheduler's blocking loop around a tick computed by ``run_due_jobs``."""

    def __init__(self, app: App, holder: str | None = None, *, lease_ttl: float = 60.0,
                 renew_every: float = 15.0, scan_every: dt.timedelta = dt.timedelta(minutes=5),
                 dispatch_every: dt.timedelta = dt.timedelta(minutes=1)) -> None:
        super().__init__(
            timezone=TZ,
            jobstores={"default": SQLAlchemyJobStore(engine=app.engine, tablename=JOBS_TABLE)},
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
        )
        self.app = app
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
        hour, minute = (int(x) for x in self.app.settings.digest_time.split(":"))
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
            job = Job(self, id=job_id, func=f"{__name__}:run_stored_job", trigger=trigger, executor="default",
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
        if not acquire_lease(self.app, self.holder, now, self.lease_ttl):
            if self.leader or not self._standby_announced:
                info = lease_info(self.app) or {}
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
            run_times = job._get_run_times(now)
            if not run_times:
                continue
            run_time = run_times[-1]  # coalesce: however many were missed, run once
            if len(run_times) > 1:
                log.info("job %s missed %d runs; running once for %s", job.id, len(run_times) - 1, run_time)
            if not acquire_lease(self.app, self.holder, now, self.lease_ttl):
                self.leader = False
                return self.renew_every
            try:
                job.func(*job.args, self.app, run_time, now)
            except Exception:
                log.exception("job %s (%s) failed", job.id, run_time)
            self.runs.append((job.id, run_time))
            next_run = job.trigger.get_next_fire_time(run_time, now)
            if next_run is None:
                self.store.remove_job(job.id)
            else:
                job._modify(next_run_time=next_run)
                self.store.update_job(job)
        upcoming = self.store.get_next_run_time()
        if upcoming is None:
            return self.renew_every
        return max(0.0, min(self.renew_every, (upcoming - now).total_seconds()))

    def _process_jobs(self) -> float:  # called by APScheduler's loop; it then waits what we return
        try:
            return self.run_due_jobs(self.app.clock.now())
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
                release_lease(self.app, self.holder)
                self.leader = False
