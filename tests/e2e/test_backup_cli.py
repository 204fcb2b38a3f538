"""``thamdinh backup`` then ``thamdinh restore``, the real console command, on SQLite and PostgreSQL."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_cli import PG_URL, SAMPLE_ORG, Cli, initialised_db  # noqa: F401  (a fixture)


@pytest.fixture
def live(initialised_db: Path, tmp_path: Path) -> Cli:  # noqa: F811
    """A database made by ``thamdinh init`` and ``org load`` (a copy of the module's one)."""
    db = tmp_path / "dang-chay.db"
    shutil.copy(initialised_db, db)
    return Cli(f"sqlite:///{db}", tmp_path)


def _history(cli: Cli, code: str) -> list[tuple[str, str]]:
    return [(h["event"], h["at"]) for h in cli("show", code, "--json").json["history"]]


def _round_trip(source: Cli, target: Cli, file: Path) -> None:
    """Work on ``source``, back it up to ``file``, restore into the empty ``target``, compare."""
    source.receive("SL-1", "--at", "2024-06-03")
    source("fire", "SL-1", "accept", "--actor", "cv.pham", "--at", "2024-06-04")
    source("fire", "SL-1", "request_supplement", "--actor", "cv.pham", "--at", "2024-06-06", "--note",
           "Thiếu bản vẽ\nCần bổ sung, hoàn thiện:\n- Bản vẽ mặt bằng")
    taken = source("backup", str(file), "--json").json
    assert (taken["file"], taken["dossiers"], taken["people"]) == (str(file), 1, 13)
    assert file.stat().st_size == taken["bytes"] > 0
    again = source("backup", str(file), "--json", expect=2).json
    assert again["error"] == "bad_input" and "đã có" in again["message"]
    text = target("restore", str(file)).out
    assert text.startswith(f"Đã khôi phục {file} vào ") and "1 hồ sơ, 13 cán bộ" in text
    assert target("show", "SL-1", "--json").json == source("show", "SL-1", "--json").json
    refused = target("restore", str(file), "--json", expect=2).json
    assert refused["error"] == "target_not_empty" and "1 hồ sơ, 13 cán bộ" in refused["message"]
    assert target("init", "--json").json["revision"] == taken["revision"]  # at the head already
    target("fire", "SL-1", "receive_supplement", "--actor", "cv.pham", "--at", "2024-06-10")
    assert [e for e, _ in _history(target, "SL-1")] == ["receive", "accept", "request_supplement",
                                                         "receive_supplement"]
    assert len(_history(source, "SL-1")) == 3  # the source is untouched by the restored copy's work


def test_backup_then_restore_through_the_command_line_on_sqlite(live: Cli, tmp_path: Path) -> None:
    target = Cli(f"sqlite:///{tmp_path / 'khoi-phuc.db'}", tmp_path)  # a new file: an empty database
    _round_trip(live, target, tmp_path / "sao-luu.db")
    not_a_backup = tmp_path / "ghi-chu.txt"
    not_a_backup.write_text("ghi chú", encoding="utf-8")
    fresh = Cli(f"sqlite:///{tmp_path / 'moi.db'}", tmp_path)
    doc = fresh("restore", str(not_a_backup), "--json", expect=2).json
    assert doc["error"] == "not_a_backup" and "không phải bản sao lưu" in doc["message"]
    assert "Không có tệp sao lưu" in fresh("restore", str(tmp_path / "khong-co.db"), expect=2).err
    unreachable = Cli(f"sqlite:///{tmp_path / 'khong-co.db'}", tmp_path)
    assert unreachable("backup", str(tmp_path / "x.db"), "--json", expect=2).json["error"] == "database"


@contextmanager
def _private_databases(count: int) -> Iterator[list[str]]:
    import sqlalchemy as sa

    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    names = [f"thamdinh_bkcli_{uuid.uuid4().hex[:10]}" for _ in range(count)]
    try:
        with admin.connect() as c:
            for name in names:
                c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        yield [sa.engine.make_url(PG_URL).set(database=n).render_as_string(hide_password=False) for n in names]
    finally:
        with admin.connect() as c:
            for name in names:
                c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.mark.postgres
def test_backup_then_restore_through_the_command_line_on_postgresql(tmp_path: Path) -> None:
    with _private_databases(2) as (live, empty):
        source, target = Cli(live, tmp_path), Cli(empty, tmp_path)
        assert source("init", "--json").json["revision"]
        assert source("org", "load", str(SAMPLE_ORG), "--json").json["created"] > 0
        file = tmp_path / "sao-luu.dump"
        _round_trip(source, target, file)
        assert file.read_bytes()[:5] == b"PGDMP"
        doc = target("restore", str(tmp_path / "sao-luu.dump"), "--json", expect=2).json
        assert doc["error"] == "target_not_empty"
        sqlite_file = tmp_path / "khac.db"
        Cli(f"sqlite:///{sqlite_file}", tmp_path)("init")
        mixed = target("restore", str(sqlite_file), "--json", expect=2).json
        assert "là bản sao lưu SQLite, còn cơ sở dữ liệu đích là PostgreSQL" in mixed["message"]
        no_tools = Cli(live, tmp_path)
        no_tools.env["PATH"] = str(tmp_path / "khong-co-thu-muc")
        missing = no_tools("backup", str(tmp_path / "b.dump"), "--json", expect=2).json
        assert "Không tìm thấy chương trình pg_dump" in missing["message"]
