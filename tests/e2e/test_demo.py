"""The main job: ``run_demo`` on a small year, and the ``thamdinh demo``/``report``/``evaluate`` commands."""

from __future__ import annotations

import email
import email.policy
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from engine.demo import make_plans, run_demo

_SCRIPT = Path(sys.executable).parent / "thamdinh"
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "engine.cli"]
MONTHS = ["2024-02", "2024-03", "2024-04", "2024-05", "2024-06", "2024-07", "2024-08", "2024-09", "2024-10",
          "2024-11", "2024-12", "2025-01"]


@pytest.fixture(scope="module")
def small_year(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("demo") / "ket-qua"
    return out, run_demo(out, echo=None, size=150, progress=False)


def test_the_demo_simulates_a_year_through_the_services(small_year: tuple[Path, dict[str, Any]]) -> None:
    out, summary = small_year
    assert summary["received"] == 150 and summary["refused"] == 0 and summary["events"] > 300
    db = sqlite3.connect(out / "thamdinh.db")
    try:
        assert db.execute("SELECT COUNT(*) FROM dossier").fetchone()[0] == 150
        first, last = db.execute("SELECT MIN(received_on), MAX(received_on) FROM dossier").fetchone()
        assert "2024-02-01" <= first and last <= "2025-01-31"
        outcomes = dict(db.execute("SELECT COALESCE(outcome, '-'), COUNT(*) FROM stage_clock GROUP BY 1").fetchall())
        assert outcomes.get("late", 0) > 0 and outcomes.get("early", 0) > outcomes.get("late", 0)
        assert db.execute("SELECT COUNT(*) FROM stage_clock WHERE pause_count > 0").fetchone()[0] > 0
        # handovers went through: each recorded, and every dossier's open clock is its current officer's
        handed = db.execute("SELECT COUNT(*) FROM dossier_event WHERE event = 'reassign'").fetchone()[0]
        assert handed == summary["handovers"] > 0
        assert db.execute("SELECT COUNT(*) FROM dossier d JOIN stage_clock c ON c.id = d.open_clock_id "
                          "WHERE c.officer IS NOT d.officer").fetchone()[0] == 0
    finally:
        db.close()


def test_events_only_fall_on_working_days(small_year: tuple[Path, dict[str, Any]]) -> None:
    import datetime as dt

    from engine.bootstrap import App
    from engine.domain.clock import TZ
    from engine.io.settings import Settings

    out, _ = small_year
    app = App(Settings().with_(database_url=f"sqlite:///{out / 'thamdinh.db'}"))
    try:
        with app.engine.connect() as c:
            stamps = [r[0] for r in c.exec_driver_sql("SELECT at FROM dossier_event")]
        for s in stamps:
            local = dt.datetime.fromisoformat(s).replace(tzinfo=dt.UTC).astimezone(TZ).date()
            assert app.calendar.is_working_day(local), local
    finally:
        app.close()


def test_the_demo_writes_every_monthly_report_and_the_evaluation(small_year: tuple[Path, dict[str, Any]]) -> None:
    out, summary = small_year
    reports = out / "bao-cao"
    for m in MONTHS:
        for fmt in ("html", "xlsx", "json"):
            assert (reports / f"bao-cao-thang-{m}.{fmt}").stat().st_size > 0
    evaluation = json.loads((reports / "cham-diem-thi-dua-2024-giai-ngan-dau-tu-cong.json").read_text("utf-8"))
    assert {"division", "officer"} == set(evaluation["units"])
    assert sum(r["finished"] for r in evaluation["units"]["division"]) > 100
    assert len(summary["files"]) == 12 * 3 + 3


def test_the_demo_raises_and_resolves_blockers_and_heads_urge(small_year: tuple[Path, dict[str, Any]]) -> None:
    out, summary = small_year
    assert summary["blockers_raised"] > 0 and summary["blockers_resolved"] > 0 and summary["urges"] > 0
    assert summary["blockers_escalated"] > 0  # some were resolved after the threshold
    with sqlite3.connect(out / "thamdinh.db") as c:
        states = dict(c.execute("SELECT state, COUNT(*) FROM blocker GROUP BY state").fetchall())
        channels = {r[0] for r in c.execute("SELECT DISTINCT channel FROM urge")}
    assert sum(states.values()) == summary["blockers_raised"] and states.get("resolved") == summary["blockers_resolved"]
    assert channels == {"demo"}
    months = [m for m in MONTHS if "VIII. Khó khăn, vướng mắc" in
              (out / "bao-cao" / f"bao-cao-thang-{m}.html").read_text("utf-8")]
    assert months  # the monthly reports show them


def test_reminders_land_as_eml_files(small_year: tuple[Path, dict[str, Any]]) -> None:
    out, summary = small_year
    # the whole period: a scan and a digest on every working day, as the scheduler would
    assert summary["reminders"] == "from 2024-02-01"
    import datetime as dt

    from engine.bootstrap import App
    from engine.io.settings import Settings

    app = App(Settings().with_(database_url=f"sqlite:///{out / 'thamdinh.db'}"))
    try:
        working_days = sum(1 for _ in app.calendar.working_days_in(dt.date(2024, 2, 1), dt.date(2025, 1, 31)))
    finally:
        app.close()
    assert summary["mail_days"] == working_days
    eml = list((out / "thu-di").glob("*.eml"))
    assert summary["eml_files"] == len(eml) == summary["sent"] > 0
    assert summary["alerts"] > 0 and summary["messages"] > 0 and summary["digests"] > 0
    queued = summary["messages"] + summary["digests"] + summary["urges"] + summary["escalation_messages"]
    with sqlite3.connect(out / "thamdinh.db") as c:  # the last day's urges wait for the next dispatch
        pending = c.execute("SELECT COUNT(*) FROM outbox_message WHERE status = 'pending'").fetchone()[0]
    assert queued == summary["sent"] + summary["no_address"] + pending
    subjects = [email.message_from_bytes(f.read_bytes(), policy=email.policy.default)["Subject"] for f in eml]
    assert any("Tổng hợp ngày" in s for s in subjects) and any("Quá hạn:" in s for s in subjects)
    db = sqlite3.connect(out / "thamdinh.db")
    try:
        first, last = db.execute("SELECT MIN(raised_on), MAX(raised_on) FROM alert").fetchone()
        assert first < "2024-06-01" and last >= "2025-01-01"
    finally:
        db.close()


def test_the_demo_can_start_the_reminders_later_or_not_at_all(tmp_path: Path) -> None:
    late = run_demo(tmp_path / "late", echo=None, size=20, progress=False, reminders_from="last-month")
    assert late["reminders"] == "from 2025-01-02" and late["mail_days"] < 25
    off = run_demo(tmp_path / "off", echo=None, size=20, progress=False, reminders_from=None)
    assert off["reminders"] == "off" and off["eml_files"] == 0 and off["digests"] == 0


def test_the_same_seed_gives_the_same_year(sqlite_app: Any) -> None:
    import datetime as dt

    a = make_plans(sqlite_app.calendar, sqlite_app.services.people(), 40, dt.date(2024, 2, 1), dt.date(2025, 1, 31))
    b = make_plans(sqlite_app.calendar, sqlite_app.services.people(), 40, dt.date(2024, 2, 1), dt.date(2025, 1, 31))
    assert [(d, p.receive, p.events) for d, p in a] == [(d, p.receive, p.events) for d, p in b]
    tet = [d for d, _ in a if dt.date(2024, 2, 8) <= d <= dt.date(2024, 2, 14)]
    assert tet == []


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], env=env, cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                          timeout=300)


def test_the_commands_on_the_demo_database(small_year: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    out, _ = small_year
    env = {k: v for k, v in os.environ.items() if not k.startswith("THAMDINH_")}
    env.update(THAMDINH_DATABASE_URL=f"sqlite:///{out / 'thamdinh.db'}", PYTHONIOENCODING="utf-8")
    r = run("report", "monthly", "--month", "2024-06", "--format", "json", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["month"] == "2024-06"
    r = run("report", "monthly", "--month", "2024-06", "--division", "QLXD", "--format", "xlsx", env=env, cwd=tmp_path)
    assert r.returncode == 0 and (tmp_path / "bao-cao-thang-2024-06-QLXD.xlsx").exists()
    r = run("report", "monthly", "--month", "2024-06", "--format", "html", "--out", "m.html", env=env, cwd=tmp_path)
    assert r.returncode == 0 and "<svg" in (tmp_path / "m.html").read_text("utf-8")
    r = run("report", "metrics", "--from", "2024-02-01", "--to", "2025-01-31", "--by", "division", "--json",
            env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)["rows"]
    assert {x["division"] for x in rows} <= {"QLXD", "QHKT", "HTKT"} and sum(x["received"] for x in rows) > 150
    r = run("evaluate", "--format", "json", env=env, cwd=tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["movement"]["id"] == "2024-giai-ngan-dau-tu-cong"
    r = run("report", "monthly", "--month", "2024-6x", env=env, cwd=tmp_path)
    assert r.returncode == 2 and "YYYY-MM" in r.stderr
    r = run("evaluate", "--format", "pdf", env=env, cwd=tmp_path)
    assert r.returncode == 2 and "Định dạng" in r.stderr


def test_the_demo_command_runs_with_a_size(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("THAMDINH_")}
    env["PYTHONIOENCODING"] = "utf-8"
    r = run("demo", "--out", str(tmp_path / "d"), "--size", "30", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "Báo cáo tháng" in r.stdout and (tmp_path / "d" / "bao-cao" / "bao-cao-thang-2025-01.html").exists()


def test_the_demo_refuses_to_wipe_a_folder_that_is_not_its_own(tmp_path: Path) -> None:
    from engine.domain.errors import BadInput

    (tmp_path / "notes.txt").write_text("quan trọng", encoding="utf-8")
    with pytest.raises(BadInput, match="dữ liệu khác"):
        run_demo(tmp_path, echo=None, size=5, progress=False)
    assert (tmp_path / "notes.txt").exists()


def test_the_demo_opens_in_the_browser_as_a_working_department(small_year: tuple[Path, dict[str, Any]]) -> None:
    """``thamdinh web --demo OUT``: the demo's database, a clock that starts at the end of the simulated
    history, accounts that sign in, and boards whose overdue days are those of a working department."""
    import datetime as dt
    import re

    from webtools import BASE, sign_in

    from engine.bootstrap import App
    from engine.demo.opening import PASSWORD, demo_settings
    from engine.io.settings import Settings
    from engine.web import asgi

    out, summary = small_year
    opening = summary["opening"]
    assert {a["id"] for a in opening["accounts"]} >= {"tp.nguyen", "gd.tran", "cv.pham", "vp.le", "mc.truong"}
    app = App(demo_settings(out, Settings()))
    try:
        now = app.clock.now()
        assert dt.date(2025, 1, 24) <= now.date() <= dt.date(2025, 1, 31)  # the history's last day, not today
        from fastapi.testclient import TestClient

        client = TestClient(asgi(app), base_url=BASE)
        assert getattr(sign_in(client, "tp.nguyen", PASSWORD), "status_code", None) == 303
        board = client.get("/api/v1/boards/division")
        assert board.status_code == 401  # the API takes a token, the page a session
        page = client.get("/bang-dieu-hanh/phong").text
        assert "Số liệu đến ngày 24/01/2025" in page
        days = [int(n) for n in re.findall(r"Quá hạn (\d+) ngày", page)]
        assert all(d < 120 for d in days), days
        ex = opening["lookup_example"]
        found = TestClient(asgi(app), base_url=BASE).get("/tra-cuu", params={"ma": ex["code"], "khoa": ex["key"]})
        assert found.status_code == 200 and "Ngày tiếp nhận" in found.text
    finally:
        app.close()


def test_the_demo_gives_its_projects_capital_and_the_reports_show_it(small_year: tuple[Path, dict[str, Any]]) -> None:
    """engine.demo.capital: the capital file written and imported, the year-end progress and hold-ups,
    the monthly report's capital section and the evaluation's disbursement criterion."""
    out, summary = small_year
    assert summary["projects"] > 0 and 0 < summary["capital_disbursed"] < summary["capital_plan"]
    assert (out / "von-dau-tu-cong.csv").exists()
    assert (out / "bao-cao" / "tien-do-giai-ngan-2025-01-31.xlsx").exists()
    assert (out / "bao-cao" / "du-an-cho-tham-dinh-2025-01-31.xlsx").exists()
    june = json.loads((out / "bao-cao" / "bao-cao-thang-2024-06.json").read_text("utf-8"))
    assert june["capital"]["plan_year"] == 2024 and june["capital"]["plan_total"] > 0
    evaluation = json.loads((out / "bao-cao" / "cham-diem-thi-dua-2024-giai-ngan-dau-tu-cong.json").read_text("utf-8"))
    lines = [c for r in evaluation["units"]["division"] for c in r["criteria"] if c["id"] == "disbursement"]
    assert lines and all(c["denominator"] > 0 and c["points"] is not None for c in lines)
