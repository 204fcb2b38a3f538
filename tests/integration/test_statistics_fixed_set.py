"""The statutory statistics (form II.06a/VPCP/KSTT and the Decision 766/QĐ-TTg progress indicator) on
the fixed set of test_metrics_fixed_set, every count computed by hand, on SQLite and PostgreSQL.

March 2024 (01/03–31/03), counted in dossiers:

- QLXD: D7 received 15/02 and open on 01/03: carried over; D1 and D2 new (channel not recorded).
  D1 approved 29/03, both stages early: resolved early. D2's design stage runs from 22/03, due 22/04:
  pending within the deadline (its supplement time 05/03–11/03 is not counted). D7 due 06/03, open:
  pending overdue. 766: (1 early + 1 pending within) ÷ (1 resolved + 2 pending) = 2/3 → 13,33 points.
- HTKT: D4 received 07/02: carried over; approved 19/03 late. D3 new; both its stages finished early
  but it had two supplement requests: late. 766: 0/2 → 0 points.
- QHKT: D6 new, returned 29/03 while awaiting the investor (nothing late against the department): on
  time. D8 new 05/03, withdrawn by the investor 20/03: neither resolved nor pending. 766: 1/1 → 20.
- Totals: 2 carried over + 5 new = 7 received = 4 resolved + 1 withdrawn + 2 pending; 766: 3/6 → 10.

April 2024: QLXD carries D2 and D7 over; both still open on 30/04 and both past due (22/04, 06/03):
2 pending overdue, 766 0/2. Nothing else is open in April.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from openpyxl import load_workbook
from test_metrics_fixed_set import build_fixed_set

from engine.domain.commands import Fire, Receive
from engine.reporting import files

MARCH = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))
APRIL = (dt.date(2024, 4, 1), dt.date(2024, 4, 30))


@pytest.fixture
def stats_app(app: Any) -> Any:
    build_fixed_set(app)
    s = app.services
    s.receive(Receive(workflow="project-appraisal", code="D8", name="Dự án D8", investor="Ban QLDA tỉnh", group="C",
                      grade="III", division="QHKT", officer="cv.do", at="2024-03-05T08:00"))
    s.fire(Fire(code="D8", event="withdraw", actor="cv.do", at="2024-03-20T10:00", note="Chủ đầu tư xin rút."))
    return app


def _by_division(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["division"]: r for r in data["rows"]}


def _counts(row: dict[str, Any]) -> tuple[int, ...]:
    keys = ("carried_over", "new_unrecorded", "received", "resolved", "early", "on_time", "late", "withdrawn",
            "pending", "pending_within", "pending_overdue")
    return tuple(row[k] for k in keys)


def test_march_by_hand(stats_app: Any) -> None:
    data = stats_app.reports.statistics(*MARCH)
    rows = _by_division(data)
    #                                 carried new recv resolved early on_time late withdrawn pending within overdue
    assert _counts(rows["QLXD"]) == (1, 2, 3, 1, 1, 0, 0, 0, 2, 1, 1)
    assert _counts(rows["HTKT"]) == (1, 1, 2, 2, 0, 0, 2, 0, 0, 0, 0)
    assert _counts(rows["QHKT"]) == (0, 2, 2, 1, 0, 1, 0, 1, 0, 0, 0)
    assert _counts(data["total"]) == (2, 5, 7, 4, 1, 1, 2, 1, 2, 1, 1)
    assert rows["QLXD"]["progress_points"] == pytest.approx(13.33)
    assert rows["HTKT"]["progress_points"] == 0
    assert rows["QHKT"]["progress_points"] == 20
    assert data["total"]["progress_share"] == pytest.approx(0.5)
    assert data["total"]["progress_points"] == 10
    assert rows["QLXD"]["name"] != "QLXD"  # the division's name, not its code


def test_april_carries_the_open_dossiers_over(stats_app: Any) -> None:
    data = stats_app.reports.statistics(*APRIL)
    assert list(_by_division(data)) == ["QLXD"]
    assert _counts(_by_division(data)["QLXD"]) == (2, 0, 2, 0, 0, 0, 0, 0, 2, 0, 2)
    assert data["total"]["progress_points"] == 0


def test_one_division_only(stats_app: Any) -> None:
    data = stats_app.reports.statistics(*MARCH, division="HTKT")
    assert [r["division"] for r in data["rows"]] == ["HTKT"]
    assert _counts(data["total"]) == (1, 1, 2, 2, 0, 0, 2, 0, 0, 0, 0)


def test_a_later_event_does_not_change_march(stats_app: Any) -> None:
    before = stats_app.reports.statistics(*MARCH)
    # D7 (overdue at the end of March) gets a supplement request in May, D2 is approved in April
    stats_app.services.fire(Fire(code="D7", event="request_supplement", actor="cv.dang", at="2024-05-06T09:00",
                                 note="Thiếu hồ sơ khảo sát.\nCần bổ sung, hoàn thiện:\n- Báo cáo khảo sát"))
    stats_app.services.fire(Fire(code="D2", event="approve", actor="tp.nguyen", at="2024-04-10T09:00"))
    after = stats_app.reports.statistics(*MARCH)
    assert after["rows"] == before["rows"] and after["total"] == before["total"]


def test_the_sources_are_named_in_every_format(stats_app: Any, tmp_path: Any) -> None:
    data = stats_app.reports.statistics(*MARCH)
    html = files.write_statistics(data, "html", tmp_path / "tk.html").read_text(encoding="utf-8")
    assert "II.06a/VPCP/KSTT" in html and "766/QĐ-TTg" in html and "13,33" in html
    doc = json.loads(files.write_statistics(data, "json", tmp_path / "tk.json").read_text(encoding="utf-8"))
    assert doc["total"]["received"] == 7 and "766" in doc["sources"]
    wb = load_workbook(files.write_statistics(data, "xlsx", tmp_path / "tk.xlsx"))
    text = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert "II.06a/VPCP/KSTT" in text and "Quyết định 766/QĐ-TTg" in text
