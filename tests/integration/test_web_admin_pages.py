"""The administration pages on both databases: people, roles and accounts for administrators only; the
calendar by year with a date check; the workflows with their rule versions and their diagram."""

from __future__ import annotations

from webtools import api_client, page_client

from engine.bootstrap import App


def test_people_roles_and_accounts_are_for_administrators(app: App) -> None:
    app.accounts.set_password("cv.pham", "một câu mật khẩu khác đủ dài")
    admin = page_client(app, "vp.le")
    r = admin.get("/quan-tri/nguoi")
    assert r.status_code == 200, r.text
    people = r.text.split('id="people"')[1].split("</table>")[0]
    assert "Phạm Thị Hồng" in people and "Phòng Quản lý xây dựng" in people and "chuyên viên" in people
    assert "đang dùng" in people and "chưa có tài khoản" in people  # cv.pham has one; cv.do has none
    assert "— (chưa có)" in people  # the officer without an e-mail address
    roles = r.text.split('id="roles"')[1].split("</table>")[0]
    assert "mọi hồ sơ" in roles and "báo cáo tháng của phòng mình" in roles and "mọi báo cáo" in roles
    assert "tài khoản, cán bộ, cấu hình" in roles and "people" not in roles
    refused = page_client(app, "tp.nguyen").get("/quan-tri/nguoi")
    assert refused.status_code == 403 and "quản trị" in refused.text


def test_the_calendar_of_a_year_and_a_date_check(app: App) -> None:
    client = page_client(app, "cv.pham")
    r = client.get("/quan-tri/lich?year=2024")
    assert r.status_code == 200
    off = r.text.split('id="days-off"')[1].split("</table>")[0]
    assert "08/02/2024" in off and "14/02/2024" in off and "03/09/2024" in off
    assert "04/05/2024" in r.text.split('id="make-up"')[1].split("</table>")[0]
    check = client.get("/quan-tri/lich?day=2024-02-05&n=10&unit=working_days").text
    assert "ngày làm việc" in check and "26/02/2024" in check  # Tết skipped, as the domain's worked example
    holiday = client.get("/quan-tri/lich?day=2024-09-02").text
    assert "ngày nghỉ (" in holiday and "ngày làm việc kế tiếp: 04/09/2024" in holiday  # 2/9 and 3/9 off
    bad = client.get("/quan-tri/lich?year=1800")
    assert bad.status_code == 422 and "Lịch làm việc đã nạp" in bad.text
    api = api_client(app, "cv.pham").get("/api/v1/calendar/check", params={"date": "2024-08-27", "n": 7,
                                                                             "unit": "days"}).json()
    assert api["working"] is True and api["due"] == "2024-09-04"


def test_workflows_with_rule_versions_sources_and_a_diagram_drawn_in_the_page(app: App) -> None:
    client = page_client(app, "cv.pham")
    index = client.get("/quan-tri/quy-trinh").text
    assert "project-appraisal" in index and "post-basic-design" in index
    r = client.get("/quan-tri/quy-trinh/project-appraisal")
    assert r.status_code == 200, r.text
    svg = r.text.split('id="diagram"')[1].split("</svg>")[0]
    assert "<svg" in svg and "Đang thẩm định" in svg and "marker-end" in svg and "<script" not in r.text
    assert "style=" not in svg  # the page's CSP allows no inline style
    assert "Luật" in r.text and "Nghị định 217" in r.text  # the legal sources of the rule versions
    legend = r.text.split('id="transitions"')[1].split("</table>")[0]
    assert "Chấp nhận hồ sơ hợp lệ" in legend and "giữ nguyên trạng thái" in legend
    assert client.get("/quan-tri/quy-trinh/khong-co").status_code in (404, 422)
