"""The real ``thamdinh`` console command, run as a subprocess against a temporary database."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from engine.io.resources import workflows_dir

SAMPLE_ORG = workflows_dir() / "org" / "sample-department.yaml"
PG_URL = os.environ.get("THAMDINH_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
_SCRIPT = Path(sys.executable).parent / "thamdinh"
COMMAND = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "engine.cli"]


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


class Cli:
    def __init__(self, url: str, cwd: Path) -> None:
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("THAMDINH_")}
        self.env.update(THAMDINH_DATABASE_URL=url, PYTHONIOENCODING="utf-8")
        if "PYTHONPATH" in os.environ:
            self.env["PYTHONPATH"] = os.environ["PYTHONPATH"]
        self.cwd = cwd

    def __call__(self, *args: str, expect: int | None = 0) -> Result:
        proc = subprocess.run([*COMMAND, *args], env=self.env, cwd=self.cwd, capture_output=True, text=True,
                              encoding="utf-8", timeout=120)
        res = Result(proc.returncode, proc.stdout, proc.stderr)
        if expect is not None:
            assert res.code == expect, f"thamdinh {' '.join(args)} → {res.code}\n{res.out}\n{res.err}"
        return res

    def receive(self, code: str, *extra: str, expect: int | None = 0) -> Result:
        return self("receive", "--workflow", "project-appraisal", "--code", code, "--name", "Đường tỉnh 768",
                    "--investor", "Ban QLDA giao thông", "--group", "C", "--grade", "III", "--division", "QLXD",
                    "--officer", "cv.pham", "--json", *extra, expect=expect)


@pytest.fixture(scope="module")
def initialised_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database made by ``thamdinh init`` and ``org load``, copied for each test."""
    folder = tmp_path_factory.mktemp("cli-template")
    db = folder / "template.db"
    cli = Cli(f"sqlite:///{db}", folder)
    assert cli("init", "--json").json["revision"]
    assert cli("org", "load", str(SAMPLE_ORG), "--json").json["people"] > 0
    with sqlite3.connect(db) as conn:  # fold the WAL into the file before it is copied
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return db


@pytest.fixture
def cli(initialised_db: Path, tmp_path: Path) -> Cli:
    db = tmp_path / "thamdinh.db"
    shutil.copy(initialised_db, db)
    return Cli(f"sqlite:///{db}", tmp_path)


def test_init_and_org_load_on_a_fresh_database_and_org_load_again_updates_only(tmp_path: Path) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path)
    first = cli("init", "--json").json
    assert first["revision"] and "fresh.db" in first["database"]
    assert cli("init", "--json").json["revision"] == first["revision"]  # idempotent
    loaded = cli("org", "load", str(SAMPLE_ORG), "--json").json
    assert loaded["created"] == loaded["divisions"] + loaded["people"] and loaded["updated"] == 0
    again = cli("org", "load", str(SAMPLE_ORG), "--json").json
    assert again["created"] == 0 and again["updated"] == loaded["created"]
    people = cli("org", "show", "--json").json
    assert len(people) == loaded["people"]
    assert len({p["id"] for p in people}) == len(people)
    text = cli("org", "load", str(SAMPLE_ORG))
    assert "Đã nạp" in text.out


def test_receive_fire_and_show_print_the_dossier_as_json(cli: Cli) -> None:
    received = cli.receive("HS-2024-001", "--at", "2024-06-03T08:00").json
    assert (received["code"], received["state"], received["rule_version"], received["version"]) == (
        "HS-2024-001", "received", "law-62-2020", 1)
    assert (received["clock"]["due_date"], received["clock"]["unit"]) == ("2024-06-18", "days")
    fired = cli("fire", "HS-2024-001", "accept", "--actor", "cv.pham", "--at", "2024-06-04", "--json").json
    assert fired["state"] == "appraising" and fired["fired"]["version"] == 2
    paused = cli("fire", "HS-2024-001", "request_supplement", "--actor", "cv.pham", "--at", "2024-06-06",
                 "--note", "Thiếu hồ sơ khảo sát\nCần bổ sung, hoàn thiện:\n- Báo cáo khảo sát địa chất",
                 "--json").json
    assert paused["clock"]["paused"] is True and paused["clock"]["due_date"] is None
    assert paused["clock"]["used"] == 3
    shown = cli("show", "HS-2024-001", "--json").json
    assert shown["state"] == "awaiting_supplement" and shown["version"] == 3
    assert [h["event"] for h in shown["history"]] == ["receive", "accept", "request_supplement"]
    assert shown["history"][2]["note"] == "Thiếu hồ sơ khảo sát\nCần bổ sung, hoàn thiện:\n- Báo cáo khảo sát địa chất"
    text = cli("show", "HS-2024-001").out
    assert "TẠM DỪNG" in text and "Diễn biến" in text



def test_a_head_hands_a_dossier_to_another_officer_from_the_command_line(cli: Cli) -> None:
    cli.receive("HS-GIAO", "--at", "2024-06-03")
    moved = cli("fire", "HS-GIAO", "reassign", "--actor", "tp.nguyen", "--officer", "cv.vo", "--at", "2024-06-04",
                "--note", "Cân đối việc trong phòng", "--json").json
    assert (moved["officer"], moved["state"], moved["fired"]["event"]) == ("cv.vo", "received", "reassign")
    assert moved["history"][-1]["note"] == "Cân đối việc trong phòng"
    assert moved["history"][-1]["effects_text"] == "Giao hồ sơ từ Phạm Thị Hồng sang Võ Quốc Bảo"
    assert [d["code"] for d in cli("list", "--officer", "cv.vo", "--json").json] == ["HS-GIAO"]
    missing = cli("fire", "HS-GIAO", "reassign", "--actor", "tp.nguyen", "--at", "2024-06-05", "--json", expect=2)
    assert missing.json["error"] == "bad_input" and "--officer" in missing.json["hint"]
    assert cli("show", "HS-GIAO", "--json").json["version"] == 2


def test_fire_many_previews_then_returns_the_matching_dossiers(cli: Cli) -> None:
    cli.receive("HS-M1", "--at", "2024-06-03")
    cli.receive("HS-M2", "--at", "2024-06-04")
    cli.receive("HS-M3", "--at", "2024-06-10")
    args = ["fire-many", "return", "--actor", "gd.tran", "--received-before", "2024-06-05", "--at", "2024-06-12",
            "--note", "Chủ đầu tư đề nghị trả hồ sơ"]
    preview = cli(*args, "--dry-run", "--json").json
    assert (preview["dry_run"], [d["code"] for d in preview["dossiers"]]) == (True, ["HS-M1", "HS-M2"])
    assert cli("show", "HS-M1", "--json").json["state"] == "received"
    text = cli(*args).out
    assert "Đã thực hiện «Trả lại hồ sơ (kèm lý do)» trên 2 hồ sơ." in text and "return" not in text
    assert "HS-M2: Đã tiếp nhận hồ sơ → Đã trả lại hồ sơ" in text
    assert cli("show", "HS-M2", "--json").json["state"] == "returned"
    assert cli("show", "HS-M3", "--json").json["state"] == "received"
    assert cli("fire-many", "return", "--actor", "gd.tran", "--json", expect=2).json["error"] == "bad_input"

def test_list_filters_overdue_and_due_within_as_json(cli: Cli) -> None:
    cli.receive("HS-CU", "--at", "2024-06-03")       # long overdue
    fresh = cli.receive("HS-MOI").json                 # received now, decree 217 working days
    assert fresh["rule_version"] == "decree-217-2026" and fresh["clock"]["unit"] == "working_days"
    everything = cli("list", "--json").json
    assert {d["code"] for d in everything} == {"HS-CU", "HS-MOI"}
    overdue = cli("list", "--overdue", "--json").json
    assert [d["code"] for d in overdue] == ["HS-CU"]
    assert overdue[0]["clock"]["overdue_by"] > 0
    assert cli("list", "--due-within", "0", "--json").json == []
    assert [d["code"] for d in cli("list", "--due-within", "60", "--json").json] == ["HS-MOI"]
    assert cli("list", "--division", "HTKT", "--json").json == []
    assert [d["code"] for d in cli("list", "--state", "received", "--officer", "cv.pham", "--json").json] == [
        "HS-CU", "HS-MOI"]
    assert "HS-CU" in cli("list", "--overdue").out


def test_workflow_show_prints_the_mermaid_diagram(cli: Cli) -> None:
    text = cli("workflow", "show", "project-appraisal").out
    assert "```mermaid" in text and "stateDiagram-v2" in text
    assert "received --> appraising : accept" in text
    doc = cli("workflow", "show", "post-basic-design", "--json").json
    assert doc["mermaid"].startswith("stateDiagram-v2")
    assert [r["id"] for r in doc["rule_versions"]] == ["decree-15-2021", "decree-175-2024", "law-135-2025"]
    listed = cli("workflow", "list", "--json").json
    assert {w["id"] for w in listed} == {"project-appraisal", "post-basic-design"}


@pytest.mark.parametrize("args, due", [
    (["2024-02-05", "10"], "2024-02-26"),
    (["2024-08-27", "7", "--unit", "days"], "2024-09-04"),
    (["2024-05-02", "2", "--unit", "working-days"], "2024-05-04"),
])
def test_calendar_due_prints_the_due_date_as_json(cli: Cli, args: list[str], due: str) -> None:
    assert cli("calendar", "due", *args, "--json").json == {"due_date": due}


def test_calendar_check_explains_a_day_off(cli: Cli) -> None:
    doc = cli("calendar", "check", "2024-02-12", "--json").json
    assert doc["working_day"] is False and doc["reason"]
    assert cli("calendar", "check", "2024-05-04", "--json").json["working_day"] is True


def test_an_illegal_transition_exits_3_with_a_vietnamese_message_and_writes_nothing(cli: Cli) -> None:
    cli.receive("HS-SAI", "--at", "2024-06-03")
    before = cli("show", "HS-SAI", "--json").json
    res = cli("fire", "HS-SAI", "approve", "--actor", "gd.tran", "--at", "2024-06-04", expect=3)
    assert res.err.startswith("Lỗi: Không thể «Trình ký, phát hành kết quả thẩm định»")
    assert "Đã tiếp nhận hồ sơ" in res.err and "accept" in res.err
    assert res.out == ""
    doc = cli("fire", "HS-SAI", "approve", "--actor", "gd.tran", "--at", "2024-06-04", "--json", expect=3).json
    assert doc["error"] == "illegal_transition" and doc["state"] == "received"
    after = cli("show", "HS-SAI", "--json").json
    assert after["version"] == before["version"] == 1
    assert after["history"] == before["history"]
    assert after["clocks"] == before["clocks"]


@pytest.mark.parametrize("args, code, kind", [
    (["show", "KHONG-CO", "--json"], 2, "unknown_dossier"),
    (["fire", "KHONG-CO", "accept", "--actor", "cv.pham", "--json"], 2, "unknown_dossier"),
    (["calendar", "due", "2024-02-05", "10", "--unit", "weeks", "--json"], 2, "bad_input"),
    (["calendar", "due", "2024-02-05", "0", "--json"], 2, "bad_input"),
    (["workflow", "show", "khong-co", "--json"], 2, "unknown_workflow"),
])
def test_bad_input_exits_2_with_a_json_error(cli: Cli, args: list[str], code: int, kind: str) -> None:
    res = cli(*args, expect=code)
    assert res.json["error"] == kind and res.json["message"]


def test_exit_codes_of_refusals_on_a_real_dossier(cli: Cli) -> None:
    cli.receive("HS-X", "--at", "2024-06-03")
    holiday = cli("fire", "HS-X", "accept", "--actor", "cv.pham", "--at", "2024-09-02", "--json", expect=2).json
    assert holiday["error"] == "non_working_day" and holiday["next_working_day"] == "2024-09-04"
    role = cli("fire", "HS-X", "extend", "--actor", "cv.pham", "--at", "2024-06-04", expect=3)
    assert "không có quyền" in role.err
    stale = cli("fire", "HS-X", "accept", "--actor", "cv.pham", "--expect-version", "7", "--json", expect=3).json
    assert stale["error"] == "conflict"
    dup = cli.receive("HS-X", "--at", "2024-06-03", expect=2).json
    assert dup["error"] == "duplicate_dossier"
    assert cli("fire", "HS-X", "accept", "--actor", "cv.pham", "--at", "2024-06-04", "--expect-version", "1").code == 0
    assert cli("show", "HS-X", "--json").json["version"] == 2


def test_a_command_on_an_uninitialised_database_exits_2_and_says_to_run_init(tmp_path: Path) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    res = cli("list", expect=2)
    assert "thamdinh init" in res.err


def test_import_from_csv_through_the_command_line_is_all_or_nothing(cli: Cli, tmp_path: Path) -> None:
    header = "code,event,at,actor,workflow,project_name,investor,group,grade,division,officer\n"
    good = ("NK-1,receive,2024-03-04,mc.truong,project-appraisal,Cầu Hóa An,Ban QLDA,B,II,QLXD,cv.pham\n"
            "NK-1,accept,2024-03-05,cv.pham,,,,,,,\n")
    bad = tmp_path / "bad.csv"
    bad.write_text(header + good + "NK-1,approve,2024-03-06,gd.tran,,,,,,,\n", encoding="utf-8")
    res = cli("import", str(bad), expect=3)
    assert "dòng 4" in res.err
    assert cli("list", "--json").json == []
    ok = tmp_path / "ok.csv"
    ok.write_text(header + good, encoding="utf-8")
    assert cli("import", str(ok), "--json").json == {"dossiers": 1, "events": 1}
    assert cli("show", "NK-1", "--json").json["state"] == "appraising"


@pytest.mark.postgres
def test_the_command_line_works_on_postgresql(tmp_path: Path) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"thamdinh_cli_{uuid.uuid4().hex[:10]}"
    with admin.connect() as c:
        c.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
        cli = Cli(url, tmp_path)
        assert cli("init", "--json").json["revision"]
        assert cli("org", "load", str(SAMPLE_ORG), "--json").json["created"] > 0
        assert cli.receive("PG-1", "--at", "2024-06-03").json["clock"]["due_date"] == "2024-06-18"
        cli("fire", "PG-1", "accept", "--actor", "cv.pham", "--at", "2024-06-04")
        cli("fire", "PG-1", "approve", "--actor", "gd.tran", "--at", "2024-06-05", expect=3)
        shown = cli("show", "PG-1", "--json").json
        assert (shown["state"], shown["version"], len(shown["history"])) == ("appraising", 2, 2)
        assert [d["code"] for d in cli("list", "--overdue", "--json").json] == ["PG-1"]
    finally:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_workflow_validate_accepts_the_shipped_files_and_names_the_key_of_a_broken_one(
        cli: Cli, tmp_path: Path) -> None:
    shipped = sorted(str(p) for p in workflows_dir().glob("*.yaml"))
    assert sorted(cli("workflow", "validate", *shipped, "--json").json["valid"]) == [
        "post-basic-design", "project-appraisal", "roles"]
    broken = tmp_path / "broken.yaml"
    text = (workflows_dir() / "post-basic-design.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("roles: [head, director]", "roles: [head, chairman]", 1), encoding="utf-8")
    res = cli("workflow", "validate", str(broken), expect=2)
    assert f"{broken}: events.approve.roles:" in res.err and "chairman" in res.err


def test_workflow_validate_checks_a_letterhead_file_and_names_its_key(cli: Cli, tmp_path: Path) -> None:
    shipped = workflows_dir() / "documents" / "letterhead.yaml"
    assert cli("workflow", "validate", str(shipped), "--json").json["valid"] == ["letterhead"]
    province = tmp_path / "letterhead.yaml"
    province.write_text("override: true\ngoverning_body: UBND TỈNH BÌNH DƯƠNG\nplace: Bình Dương\n", encoding="utf-8")
    assert cli("workflow", "validate", str(province), "--json").json["valid"] == ["letterhead"]
    province.write_text("override: true\ngoverning_body: [1, 2]\n", encoding="utf-8")
    res = cli("workflow", "validate", str(province), expect=2)
    assert "governing_body" in res.err and "Traceback" not in res.err


def test_receive_takes_the_investors_contact_and_names_a_wrong_phone(cli: Cli) -> None:
    bad = cli.receive("HS-LH", "--investor-phone", "12", expect=2)  # --json: the error as JSON
    assert bad.json["message"] == "Số điện thoại chủ đầu tư «12» không hợp lệ." and "Traceback" not in bad.err
    assert cli("list", "--json").json == []  # nothing was received
    view = cli.receive("HS-LH", "--investor-address", "Số 2 Nguyễn Văn Trị, Trấn Biên", "--investor-phone",
                       "0251 3822 123").json
    assert (view["investor_address"], view["investor_phone"], view["investor_email"]) == (
        "Số 2 Nguyễn Văn Trị, Trấn Biên", "0251 3822 123", None)
