"""The scheduler's jobs, built from the use cases: what each does when it falls due.

- ``scan``: the deadline scan and the blockers' escalation (engine.services.blocker_scan), then a
  dispatch of what they queued;
- ``dispatch``: send due outbox rows (retries);
- ``digest``: today's heads' digest, then a dispatch; a run missed on an earlier day is not sent late;
- ``monthly_report``: the previous month's report, issued (sealed, as the system), written and mailed;
  while ``thamdinh verify`` fails it is not issued: the refusal is logged and returned;
- ``backup`` (only when THAMDINH_BACKUP_DIR is set): the nightly backup and its retention, daily at
  THAMDINH_BACKUP_TIME. Its schedule is declared beside the others' (``DeadlineScheduler.triggers``)
  by ``BackupScheduler``, which adds that one trigger and changes nothing of the tick.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from apscheduler.triggers.cron import CronTrigger

from ..domain.clock import TZ, local_date
from ..domain.errors import IssueRefused
from ..scheduler.ticker import DeadlineScheduler
from .backup import Backups
from .blocker_scan import BlockerEscalation
from .deadline_scan import DeadlineScan
from .digest import Digest
from .issuing import Issuing
from .reports import month_before

if TYPE_CHECKING:  # the mail is rendered (jinja2) only by the commands that send it
    from notifications.dispatcher import DispatchResult

log = logging.getLogger(__name__)
Job = Callable[[dt.datetime, dt.datetime], Any]
#: seconds a dispatch inside a job may take before it leaves the rest for the next one
BUDGET = 20


def scheduler_jobs(scan: DeadlineScan, digest: Digest, dispatch: Callable[..., DispatchResult],
                   issuing: Issuing, backups: Backups | None = None,
                   escalation: BlockerEscalation | None = None) -> dict[str, Job]:
    """The jobs by id; ``backup`` only with ``backups`` (THAMDINH_BACKUP_DIR set)."""
    def scan_job(run_time: dt.datetime, now: dt.datetime) -> dict[str, Any]:
        result = scan.scan(now).as_dict()
        if escalation is not None:
            result["blockers"] = escalation.escalate(now).as_dict()
        result["dispatch"] = dispatch(time_budget=BUDGET).as_dict()
        return result

    def dispatch_job(run_time: dt.datetime, now: dt.datetime) -> dict[str, Any]:
        return dispatch(time_budget=BUDGET).as_dict()

    def digest_job(run_time: dt.datetime, now: dt.datetime) -> dict[str, Any] | None:
        if local_date(run_time) != local_date(now):
            log.info("digest of %s skipped: it is already %s", local_date(run_time), local_date(now))
            return None
        result = digest.digest(now).as_dict()
        result["dispatch"] = dispatch(time_budget=BUDGET).as_dict()
        return result

    def monthly_report_job(run_time: dt.datetime, now: dt.datetime) -> Any:
        month = month_before(run_time)
        try:
            return issuing.send_monthly(month)
        except IssueRefused as exc:
            log.error("monthly report %s not issued: %s", month, exc)
            return {"month": month, "refused": str(exc)}

    jobs: dict[str, Job] = {"scan": scan_job, "dispatch": dispatch_job, "digest": digest_job,
                            "monthly_report": monthly_report_job}
    if backups is not None:
        def backup_job(run_time: dt.datetime, now: dt.datetime) -> dict[str, Any]:
            return backups.nightly(now)

        jobs["backup"] = backup_job
    return jobs


class BackupScheduler(DeadlineScheduler):
    """The deadline scheduler with the nightly backup's trigger, a cron at ``backup_at`` as the monthly
    report's is, when its job was given; a stored ``backup`` job is removed once it is no longer given."""

    def __init__(self, *args: Any, backup_at: dt.time = dt.time(2, 0), **options: Any) -> None:
        super().__init__(*args, **options)
        self.backup_at = backup_at

    def triggers(self, now: dt.datetime) -> dict[str, Any]:
        triggers = super().triggers(now)
        if "backup" in self.jobs:
            triggers["backup"] = CronTrigger(hour=self.backup_at.hour, minute=self.backup_at.minute, timezone=TZ)
        return triggers

    def ensure_jobs(self, now: dt.datetime) -> None:
        super().ensure_jobs(now)
        if "backup" not in self.jobs and self.store.lookup_job("backup") is not None:
            log.info("job backup removed: THAMDINH_BACKUP_DIR is no longer set")
            self.store.remove_job("backup")
