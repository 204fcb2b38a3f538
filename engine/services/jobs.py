"""The scheduler's jobs, built from the use cases: what each does when it falls due.

- ``scan``: the deadline scan, then a dispatch of what it queued;
- ``dispatch``: send due outbox rows (retries);
- ``digest``: today's heads' digest, then a dispatch; a run missed on an earlier day is not sent late;
- ``monthly_report``: the previous month's report, written and mailed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from notifications.dispatcher import DispatchResult

from ..domain.clock import local_date
from .deadline_scan import DeadlineScan
from .digest import Digest
from .reports import Reports, month_before

log = logging.getLogger(__name__)
Job = Callable[[dt.datetime, dt.datetime], Any]
#: seconds a dispatch inside a job may take before it leaves the rest for the next one
BUDGET = 20


def scheduler_jobs(scan: DeadlineScan, digest: Digest, dispatch: Callable[..., DispatchResult],
                   reports: Reports) -> dict[str, Job]:
    def scan_job(run_time: dt.datetime, now: dt.datetime) -> dict[str, Any]:
        result = scan.scan(now).as_dict()
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
        return reports.send_monthly(month_before(run_time))

    return {"scan": scan_job, "dispatch": dispatch_job, "digest": digest_job, "monthly_report": monthly_report_job}
