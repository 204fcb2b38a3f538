"""Commands are checked once, when built: text stripped and NFC-normalised, lengths bounded, control
characters refused, times parsed; every channel builds the same ones."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest

from engine.domain.clock import TZ
from engine.domain.commands import Fire, FireMany, ImportRow, Receive
from engine.domain.errors import BadInput


def receive(**overrides: object) -> Receive:
    kw: dict[str, object] = dict(workflow="project-appraisal", code="HS-1", name="Đường", investor="Ban QLDA",
                                 group="C", division="QLXD")
    kw.update(overrides)
    return Receive(**kw)  # type: ignore[arg-type]


def test_text_is_stripped_and_normalised_to_nfc() -> None:
    nfd = unicodedata.normalize("NFD", "  Đường liên xã Tân Hòa  ")
    cmd = receive(code=unicodedata.normalize("NFD", " HS-Đà-01 "), name=nfd, note="  \r\nghi chú\r\n ")
    assert cmd.code == unicodedata.normalize("NFC", "HS-Đà-01")
    assert cmd.name == "Đường liên xã Tân Hòa" and unicodedata.is_normalized("NFC", cmd.name)
    assert cmd.note == "ghi chú"


@pytest.mark.parametrize("field, value, words", [
    ("code", "", "Thiếu mã hồ sơ"),
    ("code", "   ", "Thiếu mã hồ sơ"),
    ("code", "A" * 65, "vượt giới hạn 64"),
    ("name", "x" * 501, "vượt giới hạn 500"),
    ("note", "x" * 4001, "vượt giới hạn 4000"),
    ("code", "HS\x00-1", "NUL"),
    ("name", "Dự án\x07", "U+0007"),
    ("investor", "Ban\nQLDA", "U+000A"),
    ("group", "D", "Nhóm dự án «D» không hợp lệ"),
    ("grade", "V", "Cấp công trình «V» không hợp lệ"),
    ("at", "05/02/2024", "ISO 8601"),
    ("at", "0001-01-01T00:00+14:00", "1900–2100"),
])
def test_a_bad_field_is_refused_when_the_command_is_built(field: str, value: str, words: str) -> None:
    with pytest.raises(BadInput) as err:
        receive(**{field: value})
    assert words in str(err.value)


def test_a_note_keeps_its_line_breaks_and_tabs_but_not_other_controls() -> None:
    assert Fire(code="HS-1", event="accept", actor="cv.pham", note="dòng 1\n\tdòng 2").note == "dòng 1\n\tdòng 2"
    with pytest.raises(BadInput, match=r"U\+001B"):
        Fire(code="HS-1", event="accept", actor="cv.pham", note="màu \x1b[31m")


def test_a_time_is_parsed_once_in_the_projects_time_zone() -> None:
    cmd = Fire(code="HS-1", event="accept", actor="cv.pham", at="2024-06-04T10:00")
    assert cmd.when == dt.datetime(2024, 6, 4, 10, 0, tzinfo=TZ)
    assert Fire(code="HS-1", event="accept", actor="cv.pham", at="").when is None


def test_fire_many_needs_a_filter_and_parses_its_day() -> None:
    with pytest.raises(BadInput, match="ít nhất một điều kiện"):
        FireMany(event="return", actor="gd.tran")
    cmd = FireMany(event="return", actor="gd.tran", received_before="2026-07-01", states=(" appraising ", ""))
    assert cmd.before == dt.date(2026, 7, 1) and cmd.states == ("appraising",)
    assert cmd.one("HS-9") == Fire(code="HS-9", event="return", actor="gd.tran")


def test_an_import_row_is_the_same_command_as_the_cli_would_build() -> None:
    cells = {"code": " HS-1 ", "event": "receive", "at": "2024-06-03", "actor": "", "workflow": "project-appraisal",
             "project_name": "Đường", "investor": "Ban QLDA", "group": "C", "grade": "III", "division": "QLXD",
             "officer": "cv.pham", "capital_source": "", "note": ""}
    row = ImportRow.from_cells(2, cells, lambda e: e == "reassign")
    assert row.command == receive(grade="III", officer="cv.pham", at="2024-06-03")
    fire = ImportRow.from_cells(3, {"code": "HS-1", "event": "accept", "at": "2024-06-04", "actor": "cv.pham",
                                    "officer": "cv.vo"}, lambda e: e == "reassign")
    assert fire.command == Fire(code="HS-1", event="accept", actor="cv.pham", at="2024-06-04")  # officer ignored
    moved = ImportRow.from_cells(4, {"code": "HS-1", "event": "reassign", "at": "2024-06-05", "actor": "tp.nguyen",
                                     "officer": "cv.vo"}, lambda e: e == "reassign")
    assert isinstance(moved.command, Fire) and moved.command.officer == "cv.vo"
