"""Issuing from the command line: ``report monthly --issue``, the issued month given back byte for byte in
every format, ``report issued``, a back-dated act refused (exit 3) and recorded as the director's
correction, a re-issue with its reason and what changed, a month not ended refused."""

from __future__ import annotations

import re
from pathlib import Path

from test_cli import Cli, cli, initialised_db  # noqa: F401  (fixtures)

MONTH = "2026-10"
REASON = "Ghi bổ sung kết quả thẩm định bị sót"


def _october(cli: Cli) -> None:  # noqa: F811
    cli.receive("TK-1", "--at", "2026-10-05T08:00")
    cli("fire", "TK-1", "accept", "--actor", "cv.pham", "--at", "2026-10-06T09:00", "--json")


def _every_format(cli: Cli, folder: Path) -> dict[str, bytes]:  # noqa: F811
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for fmt in ("html", "xlsx", "json"):
        target = folder / f"thang.{fmt}"
        cli("report", "monthly", "--month", MONTH, "--format", fmt, "--out", str(target))
        out[fmt] = target.read_bytes()
    return out


def test_report_monthly_issue_then_the_issued_files_byte_for_byte_and_report_issued(
        cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    _october(cli)
    officer = cli("report", "monthly", "--month", MONTH, "--issue", "--actor", "cv.pham", expect=3)
    assert "không được ban hành báo cáo tháng 10/2026" in officer.err and "Trần Văn Minh" in officer.err
    assert "Traceback" not in officer.err and cli("report", "issued", "--json").json == []
    issued = cli("report", "monthly", "--month", MONTH, "--issue", "--actor", "gd.tran")
    assert re.search(r"Đã ban hành báo cáo tháng 10/2026: phiên bản 1, Số: \d\d/BC-SXD, lúc \d\d/\d\d/\d{4} \d\d:\d\d, "
                     r"người ban hành Trần Văn Minh\.", issued.out), issued.out
    first = _every_format(cli, tmp_path / "a")
    cli("fire", "TK-1", "approve", "--actor", "tp.nguyen", "--json")  # today: not into October
    assert _every_format(cli, tmp_path / "b") == first
    printed = cli("report", "monthly", "--month", MONTH, "--format", "json")
    assert printed.out.encode("utf-8") == first["json"]
    draft = cli("report", "monthly", "--month", MONTH, "--format", "json", "--draft").out
    assert '"issue"' not in draft and '"issue"' in printed.out
    listing = cli("report", "issued").out
    row = listing.splitlines()[1]
    assert row.startswith("Báo cáo tháng") and MONTH in row and "Toàn Sở" in row and "Trần Văn Minh" in row
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", row)
    assert cli("report", "issued", "--kind", "monthly", "--period", MONTH, "--json").json[0]["version"] == 1


def test_a_back_dated_fire_is_refused_then_recorded_as_the_directors_correction_and_reissued(
        cli: Cli) -> None:  # noqa: F811
    _october(cli)
    cli("report", "monthly", "--month", MONTH, "--issue", "--actor", "gd.tran")
    refused = cli("fire", "TK-1", "approve", "--actor", "tp.nguyen", "--at", "2026-10-29T15:00", expect=3)
    assert "Báo cáo tháng 10/2026 đã ban hành ngày" in refused.err and "(phiên bản 1)" in refused.err
    assert "--correction" in refused.err and "Traceback" not in refused.err
    officer = cli("fire", "TK-1", "approve", "--actor", "tp.nguyen", "--at", "2026-10-29T15:00",
                  "--correction", REASON, expect=3)
    assert "không được ghi điều chỉnh" in officer.err and "Trần Văn Minh" in officer.err
    done = cli("fire", "TK-1", "approve", "--actor", "gd.tran", "--at", "2026-10-29T15:00", "--correction", REASON,
               "--json").json
    assert done["fired"]["to"] == "approved" and done["history"][-1]["correction"] == REASON
    assert f"Điều chỉnh vào kỳ đã ban hành báo cáo: {REASON}" in cli("show", "TK-1").out
    again = cli("report", "monthly", "--month", MONTH, "--issue", "--actor", "gd.tran", expect=2)
    assert "ban hành lại cần lý do" in again.err and "--reason" in again.err
    second = cli("report", "monthly", "--month", MONTH, "--issue", "--actor", "gd.tran", "--reason", REASON).out
    assert "phiên bản 2" in second and f"Lý do: {REASON}" in second
    assert "Số liệu thay đổi so với phiên bản 1" in second and "Toàn Sở › Đã giải quyết: 0 → 1" in second
    versions = cli("report", "issued", "--json").json
    assert [(v["version"], v["reason"]) for v in versions] == [(1, None), (2, REASON)]


def test_a_month_not_ended_is_not_issued_and_a_forced_issue_warns(cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    import sqlite3

    _october(cli)
    res = cli("report", "monthly", "--month", "2099-01", "--issue", expect=3)
    assert "chưa kết thúc" in res.err and "Traceback" not in res.err
    db = Path(cli.env["THAMDINH_DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE dossier_event SET actor = 'cv.vo' WHERE seq = 2")
    refused = cli("report", "monthly", "--month", MONTH, "--issue", "--json", expect=3).json
    assert refused["error"] == "issue_refused" and "TK-1" in refused["message"]
    forced = cli("report", "monthly", "--month", MONTH, "--issue", "--force")
    assert "Cảnh báo: Ban hành khi kiểm tra toàn vẹn báo" in forced.err and "phiên bản 1" in forced.out


def test_issue_with_out_writes_the_issued_file_and_the_evaluation_is_issued_likewise(
        cli: Cli, tmp_path: Path) -> None:  # noqa: F811
    _october(cli)
    out = tmp_path / "t10.xlsx"
    issued = cli("report", "monthly", "--month", MONTH, "--issue", "--format", "xlsx", "--out", str(out),
                 "--json").json
    again = tmp_path / "again.xlsx"
    cli("report", "monthly", "--month", MONTH, "--format", "xlsx", "--out", str(again))
    assert issued["file"] == str(out) and out.read_bytes() == again.read_bytes()
    evaluation = cli("report", "evaluation", "--issue", "--actor", "gd.tran").out
    assert "Đã ban hành kết quả chấm điểm thi đua phong trào" in evaluation and "BC-HĐTĐKT" in evaluation
    first = cli("report", "evaluation", "--format", "json").out
    assert '"issue"' in first and cli("evaluate", "--format", "json").out == first
    assert '"issue"' not in cli("report", "evaluation", "--format", "json", "--draft").out
    kinds = [(v["kind"], v["version"]) for v in cli("report", "issued", "--json").json]
    assert sorted(kinds) == [("evaluation", 1), ("monthly", 1)]
