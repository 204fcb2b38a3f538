"""``thamdinh verify``, the real console command: exit 0 on a database the engine wrote, 1 naming each
tampered dossier (text and JSON, ``--limit``), 2 when the database cannot be read; SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from acts import SUPPLEMENT
from test_backup_cli import _private_databases
from test_cli import SAMPLE_ORG, Cli, initialised_db  # noqa: F401  (a fixture)


def _work(cli: Cli) -> None:
    for code in ("KT-1", "KT-2", "KT-3"):
        cli.receive(code, "--at", "2024-06-03")
        cli("fire", code, "accept", "--actor", "cv.pham", "--at", "2024-06-04")
    cli("fire", "KT-2", "request_supplement", "--actor", "cv.pham", "--at", "2024-06-06", "--note", SUPPLEMENT)
    cli("fire", "KT-3", "pass_appraisal", "--actor", "cv.pham", "--at", "2024-06-10")


@pytest.fixture
def worked(initialised_db: Path, tmp_path: Path) -> tuple[Cli, Path]:  # noqa: F811
    db = tmp_path / "kiem-tra.db"
    shutil.copy(initialised_db, db)
    cli = Cli(f"sqlite:///{db}", tmp_path)
    _work(cli)
    return cli, db


def test_verify_exits_0_on_a_clean_database_and_1_naming_the_tampered_dossiers(worked: tuple[Cli, Path]) -> None:
    cli, db = worked
    clean = cli("verify")
    assert clean.out.strip() == "Đã kiểm tra 3 hồ sơ, 8 dòng lịch sử: không có sai lệch."
    doc = cli("verify", "--json").json
    assert (doc["ok"], doc["dossiers"], doc["rows"], doc["problems"]) == (True, 3, 8, [])
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE dossier_event SET note = 'Đủ' WHERE seq = 3 AND dossier_id = "
                     "(SELECT id FROM dossier WHERE code = 'KT-2')")
        conn.execute("UPDATE stage_clock SET outcome = 'late' WHERE dossier_id = (SELECT id FROM dossier "
                     "WHERE code = 'KT-3') AND outcome = 'early'")
    bad = cli("verify", expect=1)
    assert bad.out.startswith("Đã kiểm tra 3 hồ sơ, 8 dòng lịch sử: 2 hồ sơ có sai lệch (2 sai lệch).")
    assert "Hồ sơ KT-2:\n  - dòng 3: nội dung không khớp mã băm (đã bị sửa?)" in bad.out
    assert "Hồ sơ KT-3:\n  - thời hạn 1 (appraisal): kết quả: lưu quá hạn, tính lại trước hạn" in bad.out
    assert "KT-1" not in bad.out
    short = cli("verify", "--limit", "1", expect=1).out
    assert "KT-2" in short and "KT-3" not in short and "… và 1 mục khác (xem tất cả: --limit 2)." in short
    doc = cli("verify", "--json", expect=1).json
    assert (doc["ok"], doc["problem_count"], doc["dossiers_with_problems"]) == (False, 2, 2)
    assert [p["code"] for p in doc["problems"]] == ["KT-2", "KT-3"]


def test_verify_of_a_database_that_cannot_be_read_is_exit_2(tmp_path: Path) -> None:
    missing = Cli(f"sqlite:///{tmp_path / 'khong-co.db'}", tmp_path)
    doc = missing("verify", "--json", expect=2).json
    assert doc["error"] == "database"
    assert "Lỗi:" in missing("verify", expect=2).err


@pytest.mark.postgres
def test_verify_through_the_command_line_on_postgresql(tmp_path: Path) -> None:
    with _private_databases(1) as (url,):
        cli = Cli(url, tmp_path)
        cli("init")
        cli("org", "load", str(SAMPLE_ORG))
        _work(cli)
        assert cli("verify").out.strip() == "Đã kiểm tra 3 hồ sơ, 8 dòng lịch sử: không có sai lệch."
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
            conn.execute("DELETE FROM dossier_event WHERE seq = 2 AND dossier_id = "
                         "(SELECT id FROM dossier WHERE code = 'KT-2')")
        doc = cli("verify", "--json", expect=1).json
        assert [p["code"] for p in doc["problems"]] == ["KT-2"] * len(doc["problems"])
        assert any("số thứ tự không liên tục" in p["what"] for p in doc["problems"])
