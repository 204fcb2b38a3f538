"""Every e-mail template renders: Vietnamese, autoescaped HTML, strict about missing variables."""

from __future__ import annotations

import datetime as dt
from typing import Any

import jinja2
import pytest

from engine.io.resources import templates_dir
from notifications.render import TEMPLATES, one_line, render

BASE = {"department_name": "SỞ XÂY DỰNG", "province_name": "TỈNH ĐỒNG NAI"}


def alert_context(kind: str = "overdue", audience: str = "officer", **dossier: Any) -> dict[str, Any]:
    d = {"code": "HS-0001", "name": "Đường giao thông <xã> Tân Phú & cầu", "investor": "Ban QLDA tỉnh",
         "division": "QLXD", "officer_name": "Phạm Thị Hồng", "stage_label": "Thẩm định dự án",
         "due_date": dt.date(2025, 2, 3), "days": 2, "unit_label": "ngày làm việc",
         "blockers": "Chờ ý kiến Sở Tài nguyên và Môi trường", "link": "https://thamdinh.example.vn/ho-so/HS-0001"}
    d.update(dossier)
    return {**BASE, "recipient": {"id": "cv.pham", "name": "Phạm Thị Hồng"}, "audience": audience, "kind": kind,
            "dossier": d}


def digest_context(**overrides: Any) -> dict[str, Any]:
    items = [
        {"code": "HS-0007", "name": "Trường học <b>Bình Minh</b>", "stage_label": "Thẩm định dự án",
         "due_date": dt.date(2025, 1, 23), "status": "overdue", "days": 4, "unit_label": "ngày làm việc",
         "officer_name": "Võ Quốc Bảo", "blockers": "Thiếu hồ sơ khảo sát địa chất", "link": "https://x/ho-so/HS-0007"},
        {"code": "HS-0009", "name": "Kè sông Đồng Nai", "stage_label": "Thẩm định dự án",
         "due_date": dt.date(2025, 2, 3), "status": "due_today", "days": 0, "unit_label": "ngày",
         "officer_name": "Phạm Thị Hồng", "blockers": None, "link": "https://x/ho-so/HS-0009"},
        {"code": "HS-0011", "name": "Nhà văn hóa ấp 3",
         "stage_label": "Thẩm định thiết kế triển khai sau thiết kế cơ sở",
         "due_date": dt.date(2025, 2, 5), "status": "due_soon", "days": 2, "unit_label": "ngày làm việc",
         "officer_name": "Đặng Ngọc Ánh", "blockers": None, "link": "https://x/ho-so/HS-0011"},
    ]
    ctx = {**BASE, "recipient": {"id": "tp.nguyen", "name": "Nguyễn Hữu Phước"},
           "division_name": "Phòng Quản lý xây dựng", "day": dt.date(2025, 2, 3), "items": items,
           "counts": {"overdue": 1, "due_today": 1, "due_soon": 1}}
    ctx.update(overrides)
    return ctx


def report_context(**overrides: Any) -> dict[str, Any]:
    ctx = {**BASE, "recipient": {"id": "gd.tran", "name": "Trần Văn Minh"},
           "title": "Báo cáo tình hình giải quyết hồ sơ tháng 06/2024",
           "files": ["bao-cao-thang-2024-06.html", "bao-cao-thang-2024-06.xlsx"], "note": None}
    ctx.update(overrides)
    return ctx


def urge_context(**overrides: Any) -> dict[str, Any]:
    ctx = {**BASE, "recipient": {"id": "cv.pham", "name": "Phạm Thị Hồng"},
           "by": {"name": "Nguyễn Hữu Phước", "roles_label": "trưởng phòng"},
           "at": dt.datetime(2025, 2, 3, 2, 30, tzinfo=dt.UTC), "note": "Khẩn trương <trả lời> chủ đầu tư",
           "dossier": {"id": 7, "code": "HS-0007", "name": "Trường học Bình Minh", "state_label": "Đang thẩm định",
                       "due_date": dt.date(2025, 1, 23), "link": "https://x/ho-so/HS-0007"}}
    ctx.update(overrides)
    return ctx


def escalation_context(**overrides: Any) -> dict[str, Any]:
    ctx = {**BASE, "recipient": {"id": "gd.tran", "name": "Trần Văn Minh"},
           "blocker": {"id": 3, "dossier": "HS-0007", "project": None, "division_name": "Phòng Quản lý xây dựng",
                       "cause_label": "Giải phóng mặt bằng", "description": "Chưa bàn giao <mặt bằng>",
                       "addressed_to_label": "Giám đốc Sở", "addressee": None, "raised_on": dt.date(2025, 1, 22),
                       "raised_by_name": "Phạm Thị Hồng", "state_label": "Mới nêu", "working_days_open": 5,
                       "escalate_after": 5, "link": "https://x/ho-so/HS-0007"}}
    ctx.update(overrides)
    return ctx


CONTEXTS = {"alert": alert_context, "digest": digest_context, "report": report_context, "urge": urge_context,
            "blocker_escalation": escalation_context}


def test_every_template_file_is_a_known_message() -> None:
    names = {p.name.split(".")[0] for p in (templates_dir() / "email").glob("*.j2") if not p.name.startswith("_")}
    assert names == set(TEMPLATES) == set(CONTEXTS)
    for name in TEMPLATES:
        assert (templates_dir() / "email" / f"{name}.txt.j2").is_file()
        assert (templates_dir() / "email" / f"{name}.html.j2").is_file()


@pytest.mark.parametrize("kind,audience,words", [
    ("due_soon", "officer", "sắp đến hạn giải quyết"),
    ("due_today", "officer", "là hạn giải quyết"),
    ("overdue", "officer", "đã quá hạn giải quyết"),
    ("overdue", "head", "Đề nghị trưởng phòng đôn đốc"),
    ("escalation", "director", "Kính báo cáo Giám đốc"),
    ("escalation", "officer", "báo cáo lý do chậm trễ"),
])
def test_alert_renders_each_kind_for_each_audience(kind: str, audience: str, words: str) -> None:
    msg = render("alert", alert_context(kind, audience))
    assert "HS-0001" in msg.subject and "03/02/2025" in msg.subject
    assert "\n" not in msg.subject
    assert words in msg.text
    assert "https://thamdinh.example.vn/ho-so/HS-0001" in msg.text
    assert 'href="https://thamdinh.example.vn/ho-so/HS-0001"' in msg.html
    assert "Chờ ý kiến Sở Tài nguyên và Môi trường" in msg.text and "Chờ ý kiến Sở Tài nguyên và Môi trường" in msg.html
    assert "Kính gửi Phạm Thị Hồng" in msg.text


@pytest.mark.parametrize("audience,words", [
    ("officer", "Đề nghị đồng chí trả lại hồ sơ cho chủ đầu tư"),
    ("head", "Đề nghị trưởng phòng đôn đốc"),
])
def test_an_unanswered_supplement_request_asks_to_return_the_dossier(audience: str, words: str) -> None:
    msg = render("alert", alert_context("answer_overdue", audience, paused_on=dt.date(2024, 12, 31), days=1))
    assert msg.subject == ("[Thẩm định] Quá hạn bổ sung hồ sơ: HS-0001 – Đường giao thông <xã> Tân Phú & cầu "
                           "(hạn bổ sung 03/02/2025)")
    assert "yêu cầu bổ sung ngày 31/12/2024, hạn bổ sung là ngày 03/02/2025 (đã quá 1 ngày làm việc)" in msg.text
    assert "Hạn bổ sung:     03/02/2025" in msg.text and "Hạn giải quyết" not in msg.text
    assert words in msg.text
    assert "chưa nộp hồ sơ bổ sung" in msg.html and "&lt;xã&gt;" in msg.html


def test_alert_html_is_autoescaped_and_text_is_not() -> None:
    msg = render("alert", alert_context())
    assert "Đường giao thông &lt;xã&gt; Tân Phú &amp; cầu" in msg.html
    assert "<xã>" not in msg.html
    assert "Đường giao thông <xã> Tân Phú & cầu" in msg.text


def test_subject_loses_line_breaks_smuggled_in_data() -> None:
    msg = render("alert", alert_context(name="Dự án\r\nBcc: ai@ngoai.vn\nX"))
    assert "\n" not in msg.subject and "\r" not in msg.subject
    assert "Dự án Bcc: ai@ngoai.vn X" in msg.subject
    assert one_line(" a \n\t b ") == "a b"


def test_digest_renders_most_urgent_first_with_days_officer_and_blockers() -> None:
    msg = render("digest", digest_context())
    assert msg.subject == ("[Thẩm định] Tổng hợp ngày 03/02/2025 – Phòng Quản lý xây dựng: 1 quá hạn, "
                           "1 đến hạn hôm nay, 1 sắp đến hạn")
    text = msg.text
    assert text.index("HS-0007") < text.index("HS-0009") < text.index("HS-0011")
    assert "[Quá hạn 4 ngày làm việc] HS-0007" in text
    assert "[Sắp đến hạn, còn 2 ngày làm việc] HS-0011" in text
    assert "chuyên viên: Võ Quốc Bảo" in text and "Vướng mắc: Thiếu hồ sơ khảo sát địa chất" in text
    assert "Trường học &lt;b&gt;Bình Minh&lt;/b&gt;" in msg.html
    assert msg.html.index("HS-0007") < msg.html.index("HS-0009") < msg.html.index("HS-0011")
    assert "quá hạn bổ sung" not in msg.subject and "quá hạn bổ sung" not in text  # none today


def test_digest_lists_the_dossiers_whose_investor_did_not_answer() -> None:
    ctx = digest_context()
    ctx["items"].insert(0, {
        "code": "HS-0005", "name": "Trạm y tế <xã>", "stage_label": "Thẩm định dự án", "status": "answer_overdue",
        "due_date": dt.date(2025, 1, 20), "paused_on": dt.date(2024, 12, 19), "days": 6,
        "unit_label": "ngày làm việc", "officer_name": "Phạm Thị Hồng", "blockers": None,
        "link": "https://x/ho-so/HS-0005"})
    ctx["counts"] = {**ctx["counts"], "answer_overdue": 1}
    msg = render("digest", ctx)
    assert msg.subject.endswith("1 sắp đến hạn, 1 quá hạn bổ sung")
    assert "[Chủ đầu tư quá hạn bổ sung 6 ngày làm việc] HS-0005" in msg.text
    assert "yêu cầu bổ sung ngày 19/12/2024, hạn bổ sung 20/01/2025: cần trả lại hồ sơ" in msg.text
    assert "Trạm y tế &lt;xã&gt;" in msg.html and "cần trả lại hồ sơ" in msg.html


@pytest.mark.parametrize("name", TEMPLATES)
def test_missing_variables_are_errors(name: str) -> None:
    ctx = CONTEXTS[name]()
    del ctx["recipient"]
    with pytest.raises(jinja2.UndefinedError):
        render(name, ctx)


@pytest.mark.parametrize("name", TEMPLATES)
def test_templates_are_in_vietnamese_with_diacritics(name: str) -> None:
    msg = render(name, CONTEXTS[name]())
    for word in ("Kính gửi", "Thư tự động", "hồ sơ thẩm định"):
        assert word in msg.text and word in msg.html
    assert msg.html.lstrip().startswith("<!DOCTYPE html>") and 'lang="vi"' in msg.html


def test_report_renders_title_and_attached_file_names() -> None:
    msg = render("report", report_context(note="Số liệu <tạm tính> & chưa chốt."))
    assert msg.subject == "[Thẩm định] Báo cáo tình hình giải quyết hồ sơ tháng 06/2024"
    assert "gửi kèm theo thư này báo cáo tình hình giải quyết hồ sơ tháng 06/2024" in msg.text
    assert "  - bao-cao-thang-2024-06.xlsx" in msg.text
    assert "<li>bao-cao-thang-2024-06.html</li>" in msg.html
    assert "Số liệu &lt;tạm tính&gt; &amp; chưa chốt." in msg.html
