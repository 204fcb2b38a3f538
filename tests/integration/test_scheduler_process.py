"""``thamdinh scheduler`` as a real process: it takes the lease, stores its jobs, scans, and on SIGTERM
stops cleanly and releases the lease."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from conftest import transaction

from engine.bootstrap import App
from engine.domain.clock import TZ
from engine.domain.commands import Receive
from engine.scheduler.ticker import lease_info

ROOT = Path(__file__).resolve().parents[2]


def _wait(cond: Any, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def _jobs(app: App) -> int:
    with transaction(app) as cur:
        cur.execute("SELECT COUNT(*) FROM apscheduler_jobs")
        return int(cur.fetchone()[0])


def test_the_scheduler_process_runs_and_stops_cleanly(sqlite_app: App) -> None:
    app = sqlite_app
    app.services.receive(Receive(workflow="project-appraisal", code="HS-1", name="Dự án", investor="Ban QLDA",
                                 group="C",
                         grade="III", division="QLXD", officer="cv.pham", at="2026-10-01"))  # long overdue
    env = {**os.environ, "PYTHONPATH": str(ROOT), "THAMDINH_DATABASE_URL": app.settings.database_url,
           "THAMDINH_MAIL_DIR": str(app.settings.mail_dir)}
    proc = subprocess.Popen([sys.executable, "-c", "from engine.cli import main; main()", "scheduler", "--id", "P1"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        _wait(lambda: (lease_info(app.database) or {}).get("holder") == "P1" and _jobs(app) == 4)
        if app.calendar.is_working_day(dt.datetime.now(TZ).date()):  # the real clock decides
            _wait(lambda: len(list(Path(app.settings.mail_dir).glob("*.eml"))) >= 3)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    assert "Bộ lập lịch P1 khởi động" in out and "Bộ lập lịch đã dừng." in out
    assert lease_info(app.database) is None  # released: a standby takes over at once
