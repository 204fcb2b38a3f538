"""``thamdinh report statistics`` from the command line: the II.06a table in text, JSON and a workbook,
and a period given the wrong way round refused with a Vietnamese message (exit 2)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from test_cli import Cli, cli, initialised_db  # noqa: F401  (fixtures)


def _two_dossiers(cli: Cli) -> None:  # noqa: F811
    cli.receive("TK-1", "--at", "2024-06-03T08:00", "--intake-channel", "online")
    cli.receive("TK-2", "--at", "2024-06-20T08:00")  # due 05/07: within the deadline on 30/06
    cli("fire", "TK-1", "withdraw", "--actor", "cv.pham", "--at", "2024-06-10T09:00", "--note", "Xin rút.")


def test_statistics_as_json_text_and_workbook(cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    _two_dossiers(cli)
    data = cli("report", "statistics", "--from", "2024-06-01", "--to", "2024-06-30", "--json").json
    assert (data["total"]["received"], data["total"]["withdrawn"], data["total"]["pending_within"]) == (2, 1, 1)
    assert data["total"]["progress_points"] == 20
    assert (data["total"]["new_online"], data["total"]["new_unrecorded"]) == (1, 1)  # TK-2: channel not given
    text = cli("report", "statistics", "--from", "2024-06-01", "--to", "2024-06-30").out
    assert "II.06a" in text and "Phòng" in text
    out = tmp_path / "thong-ke.xlsx"
    cli("report", "statistics", "--from", "2024-06-01", "--to", "2024-06-30", "--format", "xlsx", "--out", str(out))
    assert load_workbook(out).sheetnames == ["Mẫu II.06a", "Căn cứ"]


def test_a_period_the_wrong_way_round_is_refused(cli: Cli) -> None:  # noqa: F811
    res = cli("report", "statistics", "--from", "2024-06-30", "--to", "2024-06-01", expect=2)
    assert "Traceback" not in res.err and ("ngày" in res.err.lower() or "kỳ" in res.err.lower())
