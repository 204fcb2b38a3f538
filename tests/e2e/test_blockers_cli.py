"""``thamdinh blocker`` and ``thamdinh urge`` as a person types them: exit 0 with the view, 3 refused
under the access rules with who may instead, 2 bad input; one JSON document under --json."""

from __future__ import annotations

from test_cli import Cli, cli, initialised_db  # noqa: F401  (fixtures)


def test_blocker_commands_end_to_end(cli: Cli) -> None:  # noqa: F811
    cli.receive("HS-VM-1", "--at", "2024-06-03T08:00")
    raised = cli("blocker", "raise", "HS-VM-1", "--actor", "cv.pham", "--cause", "site_clearance",
                 "--description", "Chưa bàn giao mặt bằng", "--to", "director", "--cause-on", "2024-06-03",
                 "--raised-on", "2024-06-05", "--json").json
    assert (raised["state"], raised["raised_on"], raised["escalation_day"]) == ("open", "2024-06-05", "2024-06-12")
    n = str(raised["id"])
    text = cli("blocker", "update", n, "--actor", "tp.nguyen", "--note", "Đã mời UBND huyện họp").out
    assert "Đang xử lý" in text and "Đã mời UBND huyện họp" in text
    refused = cli("blocker", "resolve", n, "--actor", "cv.pham", "--resolution", "xong", "--json", expect=3).json
    assert refused["error"] == "not_permitted" and "Nguyễn Hữu Phước" in refused["hint"]
    done = cli("blocker", "resolve", n, "--actor", "tp.nguyen", "--resolution", "Đã bàn giao", "--on", "2024-06-10",
               "--json").json
    assert (done["state"], done["resolved_on"], done["working_days_open"]) == ("resolved", "2024-06-10", 3)
    listed = cli("blocker", "list", "--json").json
    assert [b["id"] for b in listed] == [raised["id"]]
    assert "Giải phóng mặt bằng" in cli("blocker", "list").out
    assert "Đã giải quyết ngày 10/06/2024: Đã bàn giao" in cli("blocker", "show", n).out
    bad = cli("blocker", "raise", "HS-VM-1", "--actor", "cv.pham", "--cause", "mưa", "--description", "x",
              "--to", "director", "--json", expect=2).json
    assert bad["error"] == "bad_input"


def test_urge_end_to_end(cli: Cli) -> None:  # noqa: F811
    cli.receive("HS-DD-1", "--at", "2024-06-03T08:00")
    out = cli("urge", "HS-DD-1", "--actor", "tp.nguyen", "--note", "Khẩn trương").out
    assert out.startswith("Nguyễn Hữu Phước đã đôn đốc Phạm Thị Hồng về hồ sơ HS-DD-1 lúc ")
    assert "Đôn đốc:" in cli("show", "HS-DD-1").out and "Nguyễn Hữu Phước đôn đốc Phạm Thị Hồng: Khẩn trương" in \
        cli("show", "HS-DD-1").out
    refused = cli("urge", "HS-DD-1", "--actor", "cv.vo", expect=3)
    assert "Người làm được:" in refused.err and "Nguyễn Hữu Phước" in refused.err
    assert cli("urge", "HS-DD-1", "--actor", "tp.hoang", "--json", expect=3).json["error"] == "not_permitted"
    officer = cli("urge", "--officer", "cv.vo", "--actor", "gd.tran", "--json").json
    assert (officer["officer"], officer["dossier"], officer["emailed"]) == ("cv.vo", None, True)
    listed = cli("notifications", "list", "--json").json
    assert sum(1 for m in listed if m["kind"] == "urge") == 2


def test_a_scan_by_hand_reports_an_old_blocker_to_the_director_once(cli: Cli) -> None:  # noqa: F811
    cli.receive("HS-VM-2", "--at", "2024-06-03T08:00")
    cli("blocker", "raise", "HS-VM-2", "--actor", "cv.pham", "--cause", "capital", "--description", "Chưa có vốn",
        "--to", "director", "--raised-on", "2024-06-05")
    first = cli("scan", "--at", "2024-06-12T07:00", "--no-dispatch", "--json").json
    assert [(b["dossier"], b["working_days_open"]) for b in first["blockers"]["escalated"]] == [("HS-VM-2", 5)]
    again = cli("scan", "--at", "2024-06-12T07:30", "--no-dispatch").out
    assert "Vướng mắc số" not in again  # reported once
