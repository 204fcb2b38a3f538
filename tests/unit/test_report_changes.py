"""What changed between two versions of an issued report: figures compared recursively, rows matched by
what identifies them, the sums behind the printed figures and the issue's own details left out."""

from __future__ import annotations

from engine.reporting.changes import compare, describe


def _row(division: str, name: str, finished: int, wd_sum: int = 0) -> dict[str, object]:
    return {"division": division, "name": name, "finished": finished, "wd_sum": wd_sum, "late_share": None}


def test_rows_are_matched_by_their_division_not_their_position_and_sums_are_not_listed() -> None:
    before = {"by_division": [_row("QLXD", "Phòng Quản lý xây dựng", 3, 10)], "generated_at": "2026-11-02T09:00",
              "heading": {"number": "Số: 01/BC-SXD"}}
    after = {"by_division": [_row("HTKT", "Phòng Hạ tầng kỹ thuật", 1), _row("QLXD", "Phòng Quản lý xây dựng", 4, 12)],
             "generated_at": "2026-11-04T14:30", "heading": {"number": "Số: 02/BC-SXD"}}
    lines = [describe(c) for c in compare(before, after)]
    assert lines == ["Theo phòng › Phòng Quản lý xây dựng › Đã giải quyết: 3 → 4",
                     "Theo phòng › Phòng Hạ tầng kỹ thuật: (không có) → (có)"]


def test_shares_read_as_percentages_and_other_sections_list_every_number_that_changed() -> None:
    before = {"total": {"early_or_on_time_share": 0.5, "wd_mean": None},
              "blockers": {"total": {"raised": 1, "open": 1}}}
    after = {"total": {"early_or_on_time_share": 0.75, "wd_mean": 12.5},
             "blockers": {"total": {"raised": 2, "open": 1}}}
    assert [describe(c) for c in compare(before, after)] == [
        "Toàn Sở › Tỷ lệ trước hạn + đúng hạn: 50,0% → 75,0%",
        "Toàn Sở › Bình quân (ngày LV): (không có) → 12,5",
        "Vướng mắc › Tổng › Phát sinh: 1 → 2"]
    assert compare(after, after) == []
