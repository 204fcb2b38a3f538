"""A command imports only what it uses: ``show`` and ``list`` start without the mail renderer, workbooks,
PDF, the scheduler, the ORM or the PostgreSQL driver (what makes their cold start; bench/run.py times it)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.test_cli import Cli, initialised_db  # noqa: F401  (the fixture)

#: the heavy packages a dossier's view or the list never needs
HEAVY = ("jinja2", "openpyxl", "weasyprint", "apscheduler", "sqlalchemy", "sqlmodel", "psycopg", "holidays",
         "fastapi", "starlette", "aiosmtpd")

#: run the command in-process, then print which of HEAVY it loaded (the command's SystemExit is its end)
PROBE = """
import json, sys
sys.argv = ["thamdinh", *sys.argv[1:]]
heavy = json.loads(__import__("os").environ["PROBE_HEAVY"])
try:
    from engine.cli import main
    main()
except SystemExit:
    pass
finally:
    sys.__stdout__.write("\\nLOADED " + json.dumps(sorted(m for m in heavy if m in sys.modules)) + "\\n")
"""


def loaded(cli: Cli, *args: str) -> list[str]:
    env = {**cli.env, "PROBE_HEAVY": json.dumps(HEAVY)}
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], env=env, cwd=cli.cwd, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    line = next(x for x in proc.stdout.splitlines() if x.startswith("LOADED "))
    assert "Traceback" not in proc.stderr, proc.stderr
    return list(json.loads(line[len("LOADED "):]))


@pytest.fixture
def cli(initialised_db: Path, tmp_path: Path) -> Cli:  # noqa: F811
    db = tmp_path / "thamdinh.db"
    shutil.copy(initialised_db, db)
    return Cli(f"sqlite:///{db}", tmp_path)


def test_show_and_list_load_no_renderer_workbook_orm_or_driver(cli: Cli) -> None:
    cli.receive("IMP-1")
    assert "IMP-1" in cli("show", "IMP-1").out
    assert loaded(cli, "show", "IMP-1") == []
    assert loaded(cli, "list") == []
    # the probe sees what a command does load: the monthly report renders HTML (jinja2), an XLSX (openpyxl)
    assert "jinja2" in loaded(cli, "report", "monthly", "--month", "2024-11", "--out", str(cli.cwd / "m.html"))
    assert "openpyxl" in loaded(cli, "report", "monthly", "--month", "2024-11", "--format", "xlsx",
                                "--out", str(cli.cwd / "m.xlsx"))
