"""Blockers and urges, pure: the escalation day on the working-day calendar (Tết 2025 skipped), working
days open, promptness, the commands' checks, the data files (blockers.yaml, roles.yaml actions) and the
two e-mails."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.domain import blockers as b
from engine.domain.actions import Target
from engine.domain.clock import TZ
from engine.domain.errors import BadInput, DefinitionError
from engine.domain.org import Person
from engine.io.actions import load_actions
from engine.io.blockers import load_blocker_policy, shipped_blocker_policy
from engine.io.calendars import load_calendar
from engine.io.resources import workflows_dir
from engine.io.roles import shipped_roles
from notifications.render import render

CAL = load_calendar(sorted((workflows_dir() / "calendars").glob("*.yaml")))
D = dt.date


def test_escalation_skips_tet_2025() -> None:
    # raised Wed 22/01/2025; working days after: Thu 23, Fri 24, then Tết 27–31/01 and two weekends, Mon 03/02,
    # Tue 04/02, Wed 05/02: the fifth working day
    assert [CAL.is_working_day(D(2025, 1, d)) for d in range(27, 32)] == [False] * 5
    assert b.escalation_day(CAL, D(2025, 1, 22), 5) == D(2025, 2, 5)
    assert not b.escalates_on(CAL, b.OPEN, D(2025, 1, 22), False, 5, D(2025, 2, 4))
    assert b.escalates_on(CAL, b.HANDLING, D(2025, 1, 22), False, 5, D(2025, 2, 5))
    assert not b.escalates_on(CAL, b.RESOLVED, D(2025, 1, 22), False, 5, D(2025, 2, 5))
    assert not b.escalates_on(CAL, b.OPEN, D(2025, 1, 22), True, 5, D(2025, 2, 6))  # once


def test_working_days_open_and_promptness_count_working_days_only() -> None:
    assert b.working_days_open(CAL, D(2025, 1, 22), D(2025, 2, 3)) == 3  # 23, 24/01 and 03/02
    assert b.working_days_open(CAL, D(2025, 1, 22), D(2025, 1, 22)) == 0
    assert b.raised_promptly(CAL, D(2025, 1, 23), D(2025, 2, 4), 3)  # 24/01, 03/02, 04/02
    assert not b.raised_promptly(CAL, D(2025, 1, 23), D(2025, 2, 5), 3)


def test_a_blocker_names_a_dossier_or_a_project_and_known_cause_and_addressee() -> None:
    ok = b.RaiseBlocker(actor=" cv.pham ", cause="capital", description=" Chưa bố trí vốn ", addressed_to="director",
                        code="HS-1", cause_on="2025-01-20", raised_on="2025-01-22")
    assert ok.actor == "cv.pham" and ok.description == "Chưa bố trí vốn" and ok.cause_on == D(2025, 1, 20)
    for bad in (dict(code=None), dict(project="DA-1"), dict(cause="weather"), dict(addressed_to="minister"),
                dict(description=" "), dict(cause_on="2025-01-23")):
        kw = dict(actor="cv.pham", cause="capital", description="x", addressed_to="director", code="HS-1",
                  raised_on="2025-01-22")
        kw.update(bad)  # type: ignore[arg-type]
        with pytest.raises(BadInput):
            b.RaiseBlocker(**kw)  # type: ignore[arg-type]
    with pytest.raises(BadInput):
        b.Urge(actor="tp.nguyen")


def test_a_resolved_blocker_moves_no_more() -> None:
    b.check_move(b.OPEN, b.HANDLING, 1, {})
    b.check_move(b.HANDLING, b.RESOLVED, 1, {})
    with pytest.raises(b.BlockerClosed) as e:
        b.check_move(b.RESOLVED, b.HANDLING, 1, {"resolved": "Đã giải quyết", "handling": "Đang xử lý"})
    assert e.value.exit_code == 3 and "Đã giải quyết" in str(e.value)


def test_shipped_blockers_file_has_its_threshold_labels_and_source() -> None:
    p = shipped_blocker_policy()
    assert p.escalate_after == 5 and p.report_within == 3
    assert set(p.causes) == set(b.CAUSES) and p.cause_label("site_clearance") == "Giải phóng mặt bằng"
    assert "III.3" in p.source


def test_a_province_overrides_the_threshold(tmp_path: Path) -> None:
    f = tmp_path / "blockers.yaml"
    f.write_text("id: blockers\noverride: true\nescalate_after: 3\ncauses: {legal: Pháp lý}\n", encoding="utf-8")
    p = load_blocker_policy([workflows_dir() / "blockers" / "blockers.yaml", f])
    assert p.escalate_after == 3 and p.cause_label("legal") == "Pháp lý" and p.cause_label("capital") == "Bố trí vốn"
    f.write_text("id: blockers\nescalate_after: 3\n", encoding="utf-8")
    with pytest.raises(DefinitionError):
        load_blocker_policy([workflows_dir() / "blockers" / "blockers.yaml", f])


def test_who_may_raise_handle_resolve_and_urge_is_data() -> None:
    rules = load_actions([workflows_dir() / "roles.yaml"], shipped_roles().names, b.ACTIONS)
    officer = Person("cv.pham", "Phạm Thị Hồng", division="QLXD", roles=frozenset({"officer"}))
    head = Person("tp.nguyen", "Nguyễn Hữu Phước", division="QLXD", roles=frozenset({"head", "officer"}))
    other_head = Person("tp.hoang", "Hoàng Minh Tuấn", division="QHKT", roles=frozenset({"head", "officer"}))
    director = Person("gd.tran", "Trần Văn Minh", division="VP", roles=frozenset({"director"}))
    mine, colleague = Target("QLXD", frozenset({"cv.pham"})), Target("QLXD", frozenset({"cv.vo"}))
    assert rules.get(b.RAISE).allows(officer, mine) and not rules.get(b.RAISE).allows(officer, colleague)
    assert not rules.get(b.RESOLVE).allows(officer, mine) and rules.get(b.RESOLVE).allows(head, colleague)
    assert not rules.get(b.URGE).allows(officer, mine)
    assert rules.get(b.URGE).allows(head, colleague) and not rules.get(b.URGE).allows(other_head, colleague)
    assert rules.get(b.URGE).allows(director, colleague)


def test_an_unknown_role_in_actions_is_named(tmp_path: Path) -> None:
    f = tmp_path / "roles.yaml"
    f.write_text("actions:\n  urge: {label: đôn đốc, roles: {chief: all}}\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="actions.urge.roles.chief"):
        load_actions([f], shipped_roles().names)
    with pytest.raises(DefinitionError, match="raise_blocker"):
        load_actions([], shipped_roles().names, b.ACTIONS)


def test_the_urge_and_escalation_emails_say_who_what_and_when() -> None:
    base = {"department_name": "SỞ XÂY DỰNG", "province_name": "TỈNH ĐỒNG NAI"}
    urge = render("urge", {**base, "recipient": {"id": "cv.pham", "name": "Phạm Thị Hồng"},
                           "by": {"name": "Nguyễn Hữu Phước", "roles_label": "trưởng phòng"},
                           "at": dt.datetime(2025, 2, 3, 9, 30, tzinfo=TZ), "note": "Khẩn trương", "dossier": None})
    assert urge.subject == "[Thẩm định] Đôn đốc giải quyết hồ sơ (Nguyễn Hữu Phước)"
    assert "Nguyễn Hữu Phước (trưởng phòng) đôn đốc đồng chí lúc 09:30 03/02/2025." in urge.text
    assert "Nội dung: Khẩn trương" in urge.text
    esc = render("blocker_escalation", {**base, "recipient": {"id": "gd.tran", "name": "Trần Văn Minh"}, "blocker": {
        "id": 3, "dossier": None, "project": "DA-01", "division_name": "Phòng Quản lý xây dựng",
        "cause_label": "Giải phóng mặt bằng", "description": "Chưa bàn giao <mặt bằng>",
        "addressed_to_label": "Giám đốc Sở", "addressee": None, "raised_on": D(2025, 1, 22),
        "raised_by_name": "Phạm Thị Hồng", "state_label": "Mới nêu", "working_days_open": 5, "escalate_after": 5,
        "link": None}})
    assert esc.subject == ("[Thẩm định] Vướng mắc quá 5 ngày làm việc chưa giải quyết: dự án DA-01 – "
                           "Phòng Quản lý xây dựng")
    assert "nêu ngày 22/01/2025 đã 5 ngày làm việc chưa được giải quyết" in esc.text
    assert "&lt;mặt bằng&gt;" in esc.html


def test_a_blocker_criterion_needs_its_working_days(tmp_path: Path) -> None:
    import yaml

    from engine.io.movements import default_movement_path, load_movement

    data = yaml.safe_load(default_movement_path().read_text(encoding="utf-8"))
    crit = next(c for c in data["criteria"] if c["metric"] == "overdue_urged_share")
    del crit["within"]
    f = tmp_path / "m.yaml"
    f.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DefinitionError, match="within"):
        load_movement(f)


def test_the_digest_lists_thirty_open_blockers_and_says_how_many_more() -> None:
    from test_email_templates import digest_context

    lines = [{"id": i, "dossier": f"HS-{i}", "project": None, "raised_on": D(2025, 1, 2), "cause_label": "Bố trí vốn",
              "description": "Chưa có vốn", "addressed_to_label": "Giám đốc Sở", "state_label": "Mới nêu",
              "working_days_open": 20, "escalated": i % 2 == 0} for i in range(1, 36)]
    msg = render("digest", digest_context(open_blockers=lines))
    assert "Vướng mắc chưa giải quyết của phòng (35):" in msg.text
    assert "Số 30, hồ sơ HS-30" in msg.text and "HS-31," not in msg.text
    assert "… và 5 vướng mắc khác" in msg.text and "… và 5 vướng mắc khác" in msg.html
    assert "20 ngày làm việc, đã báo cáo Giám đốc" in msg.text


def test_workflow_validate_checks_the_actions_of_a_roles_file(tmp_path: Path) -> None:
    from engine.io.roles import check_roles_file

    f = tmp_path / "roles.yaml"
    f.write_text("id: roles\noverride: true\nroles:\n  officer: {label: chuyên viên}\n"
                 "actions:\n  urge: {label: đôn đốc, roles: {chief: all}}\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="actions.urge.roles.chief"):
        check_roles_file(f)
    assert check_roles_file(workflows_dir() / "roles.yaml") == "roles"
