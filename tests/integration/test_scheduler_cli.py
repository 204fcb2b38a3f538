"""The CLI of the scheduler: ``scan``, ``notifications list|show|retry|dispatch``, and a fast ``--help``."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import transaction

from engine import cli
from engine.bootstrap import App
from engine.cli.common import CliState
from engine.domain.clock import FixedClock
from engine.domain.commands import Receive

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def run(app: App) -> Iterator[Any]:
    runner = CliRunner()

    def invoke(*args: str) -> Any:  # the test's App on Typer's context object
        return runner.invoke(cli.app, list(args), obj=CliState(app))

    yield invoke


def test_scan_by_hand_raises_queues_and_writes_eml_files(app: App, clock: FixedClock, run: Any) -> None:
    clock.set("2024-06-03T09:00")
    app.services.receive(Receive(workflow="project-appraisal", code="HS-1", name="Dự án cầu Hóa An",
                                 investor="Ban QLDA",
                         group="C", grade="III", division="QLXD", officer="cv.pham", at="2024-06-03"))
    clock.set("2024-06-19T10:00")
    res = run("scan", "--at", "2024-06-19T09:00", "--digest", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert sorted(a["kind"] for a in doc["raised"]) == ["due_soon", "due_today", "overdue"]
    assert doc["messages"] == 2 and doc["dispatch"]["sent"] == 3  # officer, head, and the head's digest
    assert len(list(Path(app.settings.mail_dir).glob("*.eml"))) == 3
    again = run("scan", "--at", "2024-06-19T09:30")
    assert again.exit_code == 0
    assert "0 cảnh báo mới" in again.output
    holiday = run("scan", "--at", "2024-09-02T09:00")
    assert "không phải ngày làm việc" in holiday.output


def test_notifications_list_show_retry(app: App, clock: FixedClock, run: Any) -> None:
    clock.set("2024-06-03T09:00")
    app.services.receive(Receive(workflow="project-appraisal", code="HS-1", name="Dự án", investor="Ban QLDA",
                         group="C", grade="III", division="QHKT", officer="cv.do", at="2024-06-03"))
    clock.set("2024-06-19T10:00")
    assert run("scan", "--no-dispatch").exit_code == 0
    listed = run("notifications", "list", "--json")
    rows = json.loads(listed.output)
    assert sorted((r["recipient_id"], r["status"]) for r in rows) == [("cv.do", "no_address"), ("tp.hoang", "pending")]
    text = run("notifications", "list").output
    assert "no_address" in text and "tp.hoang" in text
    held = next(r for r in rows if r["status"] == "no_address")
    shown = run("notifications", "show", str(held["id"]))
    assert shown.exit_code == 0 and "chưa có e-mail" in shown.output and "Kính gửi Đỗ Văn Khải" in shown.output
    assert run("notifications", "show", "999").exit_code == 2
    assert run("notifications", "list", "--status", "bogus").exit_code == 2
    assert "Đã đưa 0 thư" in run("notifications", "retry").output
    with transaction(app) as cur:
        cur.execute(("UPDATE person SET email = ? WHERE id = ?"),
                    ("khai.dv@soxaydung.example.vn", "cv.do"))
    assert "Đã đưa 1 thư" in run("notifications", "retry", str(held["id"])).output
    sent = json.loads(run("notifications", "dispatch", "--json").output)
    assert sent["sent"] == 2


def test_help_does_not_import_the_scheduler_or_the_mail_stack() -> None:
    code = ("import sys, engine.cli; "
            "print(sorted(m for m in ('apscheduler', 'jinja2', 'notifications.dispatcher', "
            "'engine.services.deadline_scan', 'engine.scheduler.ticker', 'smtplib', 'sqlalchemy', 'engine.bootstrap') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
