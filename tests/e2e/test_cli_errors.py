"""Every command, when something is wrong: a clear Vietnamese message, exit 2 (or 3), exactly one JSON
document under ``--json``, nothing written, never a traceback. The real console command, as a subprocess."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from test_cli import SAMPLE_ORG, Cli, Result, initialised_db  # noqa: F401  (a fixture)

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"


@pytest.fixture
def cli(initialised_db: Path, tmp_path: Path) -> Cli:  # noqa: F811
    db = tmp_path / "thamdinh.db"
    shutil.copy(initialised_db, db)
    return Cli(f"sqlite:///{db}", tmp_path)


def one_document(res: Result) -> dict[str, object]:
    """stdout holds exactly one JSON document (json.loads refuses trailing text) and no traceback."""
    assert "Traceback" not in res.out + res.err
    doc = json.loads(res.out)
    assert isinstance(doc, dict)
    return doc


@pytest.mark.parametrize("args, words", [
    (["list", "--due-within", "abc"], "Giá trị «abc» của --due-within không hợp lệ: cần một số nguyên"),
    (["fire", "HS-1"], "Thiếu"),
    (["list", "--bogus"], "Không có tùy chọn --bogus"),
    (["calendar", "due", "2024-01-01", "năm"], "Giá trị «năm» của N không hợp lệ: cần một số nguyên"),
])
def test_a_usage_error_is_one_vietnamese_json_document(cli: Cli, args: list[str], words: str) -> None:
    res = cli(*args, "--json", expect=2)
    doc = one_document(res)
    assert doc["error"] == "usage" and words in str(doc["message"]) and "--help" in str(doc["hint"])
    plain = cli(*args, expect=2)
    assert plain.err.startswith("Lỗi: ") and "Usage:" not in plain.err and words in plain.err


def test_an_unknown_command_says_so_in_vietnamese(cli: Cli) -> None:
    res = cli("lis", expect=2)
    assert "Không có lệnh «lis»" in res.err


@pytest.mark.parametrize("args", [
    ["fire", "HS-1", "accept", "--actor", "cv.pham"],
    ["receive", "--workflow", "project-appraisal", "--code", "X", "--name", "Dự án", "--investor", "Ban",
     "--group", "C", "--division", "QLXD"],
    ["fire-many", "return", "--actor", "gd.tran", "--workflow", "post-basic-design"],
    ["scan", "--no-dispatch"],
    ["show", "HS-1"],
    ["list"],
], ids=["fire", "receive", "fire-many", "scan", "show", "list"])
def test_an_unreachable_database_is_a_clear_exit_2_on_writes_and_reads(tmp_path: Path, args: list[str]) -> None:
    cli = Cli(UNREACHABLE, tmp_path)
    doc = one_document(cli(*args, "--json", expect=2))
    assert doc["error"] == "database" and "Không truy cập được cơ sở dữ liệu" in str(doc["message"])
    plain = cli(*args, expect=2)
    assert plain.err.startswith("Lỗi: Không truy cập được cơ sở dữ liệu") and "Traceback" not in plain.err


def test_an_import_into_an_unreachable_database_is_a_clear_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("code,event,at,actor\n", encoding="utf-8")
    doc = one_document(Cli(UNREACHABLE, tmp_path)("import", str(path), "--json", expect=2))
    assert doc["error"] == "database"


def test_a_write_on_a_database_without_schema_says_to_run_init(tmp_path: Path) -> None:
    cli = Cli(f"sqlite:///{tmp_path / 'empty.db'}", tmp_path)
    doc = one_document(cli("fire", "HS-1", "accept", "--actor", "cv.pham", "--json", expect=2))
    assert "thamdinh init" in str(doc["hint"])


def test_a_setting_the_software_cannot_use_stops_every_command_with_exit_2(cli: Cli) -> None:
    cli.env["THAMDINH_SMTP_SECURITY"] = "tls"
    doc = one_document(cli("scan", "--json", expect=2))
    assert doc["error"] == "settings" and "THAMDINH_SMTP_SECURITY «tls»" in str(doc["message"])
    assert "starttls" in str(doc["hint"])
    assert "THAMDINH_SMTP_SECURITY" in cli("list", expect=2).err


def test_a_code_with_surrounding_spaces_or_another_unicode_form_is_the_same_dossier(cli: Cli) -> None:
    nfd = unicodedata.normalize("NFD", "HS-Đà-01")
    received = cli.receive(f"  {nfd} ", "--at", "2024-06-03").json
    assert received["code"] == unicodedata.normalize("NFC", "HS-Đà-01")
    for spelling in ("HS-Đà-01", f" {nfd}"):
        assert cli("show", spelling, "--json").json["code"] == received["code"]
    dup = one_document(cli.receive("HS-Đà-01", "--at", "2024-06-03", expect=2))
    assert dup["error"] == "duplicate_dossier"
    fired = cli("fire", f" {nfd} ", "accept", "--actor", "cv.pham", "--at", "2024-06-04", "--json").json
    assert fired["state"] == "appraising"
    assert len(cli("list", "--json").json) == 1


CSV_HEADER = "code,event,at,actor,note,workflow,project_name,investor,group,grade,division,officer\n"
RECEIVE_ROW = "NK-1,receive,2024-06-03,,,project-appraisal,Đường Tân Hòa,Ban QLDA,C,III,QLXD,cv.pham\n"


@pytest.mark.parametrize("content, words", [
    ((CSV_HEADER + RECEIVE_ROW.replace("Đường Tân Hòa", "Đà Đông").replace("Ban QLDA", "Ban")).encode("cp1258"),
     "dòng 2: byte 0x"),
    ((CSV_HEADER + RECEIVE_ROW).encode("utf-16-le"), "UTF-16 không có BOM"),
    ((CSV_HEADER + 'NK-1,receive,2024-06-03,,"' + "x" * 200_000 + '",project-appraisal\n').encode(), "một ô quá dài"),
    ((CSV_HEADER + RECEIVE_ROW + 'NK-1,accept,2024-06-04,cv.pham,"chưa đóng\n').encode(), "dấu ngoặc kép"),
    ((CSV_HEADER + RECEIVE_ROW.replace("cv.pham", "cv.pham,thừa")).encode(), "nhiều ô hơn số cột"),
], ids=["cp1258", "utf16-no-bom", "long-field", "unclosed-quote", "extra-cell"])
def test_a_malformed_import_file_is_a_clear_error_naming_the_line_and_imports_nothing(
        cli: Cli, tmp_path: Path, content: bytes, words: str) -> None:
    path = tmp_path / "lich-su.csv"
    path.write_bytes(content)
    doc = one_document(cli("import", str(path), "--json", expect=2))
    assert words in str(doc["message"]) and str(path) in str(doc["message"])
    assert cli("list", "--json").json == []


def test_an_import_file_saved_by_excel_as_unicode_text_is_read(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "lich-su.txt"
    text = (CSV_HEADER + RECEIVE_ROW + "NK-1,accept,2024-06-04,cv.pham,,,,,,,,\n").replace(",", "\t")
    path.write_bytes("\ufeff".encode("utf-16-le") + text.encode("utf-16-le"))
    assert cli("import", str(path), "--json").json == {"dossiers": 1, "events": 1}
    assert cli("show", "NK-1", "--json").json["state"] == "appraising"


@pytest.mark.parametrize("body, words", [
    ("divisions: [{code: QLXD, name: Phòng}]\npeople:\n  - {id: a, name: A, division: QLXD, roles: 5}\n",
     "people[0].roles: cần một tên hoặc danh sách tên"),
    ("divisions: [{code: QLXD, name: Phòng}]\ndivisions: []\n", "dòng 2: YAML không hợp lệ: khóa «divisions» lặp lại"),
    ("divisions: [{code: QLXD, name: Phòng}]\npeople: " + "[" * 60 + "]" * 60 + "\n", "lồng quá 40 cấp"),
    ("divisions: [{code: QLXD, name: Phòng}]\npeople: [{id: a, name: A, roles: [officer], chức: x}]\n",
     "people[0].chức: khóa không được hỗ trợ"),
], ids=["roles-a-number", "duplicate-key", "deep-nesting", "unknown-key"])
def test_a_malformed_organisation_file_is_refused_naming_the_file_and_the_key_or_line(
        cli: Cli, tmp_path: Path, body: str, words: str) -> None:
    path = tmp_path / "to-chuc.yaml"
    path.write_text(body, encoding="utf-8")
    before = cli("org", "show", "--json").json
    doc = one_document(cli("org", "load", str(path), "--json", expect=2))
    assert str(path) in str(doc["message"]) and words in str(doc["message"]), doc
    assert cli("org", "show", "--json").json == before


def test_an_organisation_file_that_is_not_utf8_names_its_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "to-chuc.yaml"
    text = "divisions:\n  - {code: QLXD, name: Phòng Quản lý}\n"  # Windows-1258: base letters and tone marks
    path.write_bytes(unicodedata.normalize("NFD", text).encode("cp1258"))
    doc = one_document(cli("org", "load", str(path), "--json", expect=2))
    assert "dòng 2: byte 0x" in str(doc["message"]) and "UTF-8" in str(doc["hint"])


def test_a_workflow_file_with_a_when_that_is_a_string_names_the_key(cli: Cli, tmp_path: Path) -> None:
    shipped = SAMPLE_ORG.parents[1] / "post-basic-design.yaml"
    text = shipped.read_text(encoding="utf-8").replace("{when: {grade: [special, I]}, ", "{when: special, ", 1)
    path = tmp_path / "pbd.yaml"
    path.write_text(text, encoding="utf-8")
    res = cli("workflow", "validate", str(path), expect=2)
    assert f"{path}: rule_versions.decree-15-2021.stages.design_appraisal.limits[0].when:" in res.err


def test_list_reads_in_labels_and_dates_and_says_where_it_stopped(cli: Cli) -> None:
    for n in range(3):
        cli.receive(f"HS-L{n}", "--at", "2024-06-03")
    text = cli("list", "--limit", "2").out
    assert "Đã tiếp nhận hồ sơ" in text and "received" not in text
    assert "18/06/2024" in text and "2024-06-18" not in text and "Phạm Thị Hồng" in text
    assert "Đã dừng ở 2 hồ sơ đầu tiên" in text
    limited = cli("list", "--limit", "2", "--json")
    assert len(limited.json) == 2 and "chỉ in 2 hồ sơ đầu tiên" in limited.err
    assert "Đã dừng" not in cli("list").out


def test_show_prints_the_notes_the_handovers_and_the_officer_in_charge(cli: Cli) -> None:
    cli.receive("HS-S", "--at", "2024-06-03")
    cli("fire", "HS-S", "request_supplement", "--actor", "cv.pham", "--at", "2024-06-04",
        "--note", "Thiếu hồ sơ khảo sát địa chất", "--missing", "Báo cáo khảo sát địa chất")
    cli("fire", "HS-S", "reassign", "--actor", "tp.nguyen", "--officer", "cv.vo", "--at", "2024-06-05")
    text = cli("show", "HS-S").out
    assert "cán bộ thụ lý: Võ Quốc Bảo (cv.vo)" in text
    assert "Ghi chú: Thiếu hồ sơ khảo sát địa chất" in text
    assert "Giao hồ sơ từ Phạm Thị Hồng sang Võ Quốc Bảo" in text
    assert "Tạm dừng tính thời hạn «Thẩm định dự án» từ 04/06/2024" in text
    assert "pause:" not in text and "start:" not in text
