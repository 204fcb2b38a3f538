"""``thamdinh capital import|progress|holdups`` as the real console command, on SQLite and PostgreSQL:
the capital file imported, the progress in text, JSON and XLSX, the hold-ups, a bad file refused with
exit 2 naming its row and column, and nothing written."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from capital_set import CSV, HEADER
from test_cli import PG_URL, SAMPLE_ORG, Cli


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def cli(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Cli]:
    """A new database made by ``thamdinh init`` and ``org load``: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        url, admin, name = f"sqlite:///{tmp_path / 'thamdinh.db'}", None, ""
        (tmp_path / "thamdinh.db").touch()
    else:
        import sqlalchemy as sa

        admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        name = f"thamdinh_capital_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    cli = Cli(url, tmp_path)
    cli("init", "--json")
    cli("org", "load", str(SAMPLE_ORG), "--json")
    yield cli
    if admin is not None:
        with admin.connect() as c:
            c.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def test_import_progress_and_holdups_end_to_end(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "von.csv").write_text(CSV.replace(",D1", ",").replace(",D2;D3", ",").replace(",D7", ","),
                                      encoding="utf-8")
    r = cli("capital", "import", "von.csv")
    assert "Đã nhập 10 dòng: 3 dự án mới" in r.out
    r = cli("capital", "progress", "--as-of", "2024-09-30")
    assert "lộ trình hôm đó 74,9%" in r.out and "14.000.000.000" in r.out and "64,3%" in r.out
    assert "P2 Trường tiểu học Phú Lý: cần giải ngân thêm 1.996.078.431 đồng" in r.out
    d: Any = cli("capital", "progress", "--as-of", "2024-09-30", "--by", "investor", "--json").json
    assert {r["key"]: r["rate"] for r in d["rows"]} == {"Ban QLDA tỉnh": 0.8, "UBND huyện Vĩnh Cửu": 0.25}
    cli("capital", "progress", "--as-of", "2024-09-30", "--format", "xlsx", "--out", "tien-do.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "tien-do.xlsx")
    assert wb.sheetnames == ["Theo dự án", "Dưới lộ trình", "Mốc"] and wb["Theo dự án"]["D2"].value == 8 * 10**9
    r = cli("capital", "holdups", "--as-of", "2024-09-30", "--json")
    assert r.json["waiting"] == []  # no dossier is linked in this file


def test_a_bad_file_exits_2_naming_its_row_and_column_and_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "sai.csv").write_text(f"{HEADER}\ndisbursed,P9,,,,,2024,30/06/2024,1.000,,\n", encoding="utf-8")
    r = cli("capital", "import", "sai.csv", "--json", expect=2)
    doc = json.loads(r.out)
    assert doc["line"] == 2 and doc["column"] == "project" and "không có dự án «P9»" in doc["message"]
    r = cli("capital", "progress", "--as-of", "2024-09-30", "--json")
    assert r.json["total"]["projects"] == 0
    r = cli("capital", "progress", "--by", "tinh", "--as-of", "2024-09-30", expect=2)
    assert "Không nhóm được theo «tinh»" in r.err
