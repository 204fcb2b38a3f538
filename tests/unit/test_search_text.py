"""Folding for search, the due statuses, and an action's requirements as data (pure, no database)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from engine.domain import requirements as rq
from engine.domain.errors import BadInput, DefinitionError
from engine.domain.folding import fold, search_text
from engine.io.checks import Ctx
from engine.io.event_inputs import confirmation, requirements

MIGRATION = Path(__file__).parents[2] / "engine/store/migrations/versions/0010_dossier_search_text.py"


@pytest.mark.parametrize(("typed", "folded"), [
    ("Đường liên xã Tân Hòa", "duong lien xa tan hoa"), ("ĐƯỜNG  Hoà", "duong hoa"),
    ("Trường mầm non Hoa Sen", "truong mam non hoa sen"), ("Kè chống sạt lở", "ke chong sat lo"),
    ("Nghị\u0301 định", "nghi dinh"), ("", "")])
def test_text_folds_without_accents_and_with_d_for_dj(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_the_migration_folds_as_the_domain_does() -> None:
    spec = importlib.util.spec_from_file_location("rev0010", MIGRATION)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    for args in (("125/SXD-HTKT", "Đường liên xã Tân Hòa – Phú Lý", "Ban QLDA"), ("A", "ǅ Ɖ ð", "Ủy ban")):
        assert mod.search_text_v1(*args) == search_text(*args)


def test_a_note_records_the_reason_and_the_missing_list_and_reads_back() -> None:
    note = rq.compose("Thiếu hồ sơ khảo sát", ["- Báo cáo khảo sát", "", "Bản vẽ"], "gọi trước")
    assert note == "Thiếu hồ sơ khảo sát\ngọi trước\nCần bổ sung, hoàn thiện:\n- Báo cáo khảo sát\n- Bản vẽ"
    assert rq.parse(note) == rq.Inputs("Thiếu hồ sơ khảo sát\ngọi trước", ("Báo cáo khảo sát", "Bản vẽ"))
    assert rq.parse("- a reason that starts with a dash") == rq.Inputs("- a reason that starts with a dash")
    dated = rq.compose("Chờ ý kiến", new_date=dt.date(2026, 11, 30))
    assert dated == "Chờ ý kiến\nNgày hẹn trả mới: 30/11/2026"
    assert rq.parse(dated) == rq.Inputs("Chờ ý kiến", (), dt.date(2026, 11, 30))


def test_a_requirement_missing_is_refused_naming_its_field() -> None:
    needs = (rq.Requirement("reason", "Lý do trả lại hồ sơ"),)
    with pytest.raises(BadInput) as err:
        rq.check("Trả lại hồ sơ", needs, "   ")
    assert err.value.details["field"] == "reason" and "lý do trả lại hồ sơ" in err.value.message
    rq.check("Trả lại hồ sơ", needs, "Sai thẩm quyền")


def test_the_loader_checks_requires_and_confirm() -> None:
    c = Ctx("x.yaml")
    assert requirements(c, {"reason": None, "missing": {"label": "Thiếu gì"}}, "events.e.requires") == (
        rq.Requirement("reason", "Lý do"), rq.Requirement("missing", "Thiếu gì"))
    with pytest.raises(DefinitionError, match="events.e.requires.why"):
        requirements(c, {"why": {}}, "events.e.requires")
    with pytest.raises(DefinitionError, match="events.e.requires.reason.hint"):
        requirements(c, {"reason": {"hint": "x"}}, "events.e.requires")
    with pytest.raises(DefinitionError, match="events.e.confirm"):
        confirmation(c, 3, "events.e.confirm")


def test_the_shipped_workflows_require_reasons_and_confirmations() -> None:
    from engine.io.resources import workflows_dir
    from engine.io.workflow_files import load_workflows

    for wf in load_workflows([workflows_dir()]):
        assert [r.field for r in wf.events["return"].requires] == ["reason"]
        assert [r.field for r in wf.events["request_supplement"].requires] == ["reason", "missing"]
        assert all(wf.events[e].confirm for e in ("approve", "return", "withdraw"))


def test_due_statuses_follow_the_one_stop_words() -> None:
    from engine.domain import due_status as ds
    from engine.domain.deadlines import StageClock
    from engine.io.calendars import load_calendar
    from engine.io.resources import workflows_dir

    cal = load_calendar([workflows_dir() / "calendars" / "vn.yaml"])
    today = dt.date(2026, 11, 2)

    def clock(due: dt.date | None, paused: bool = False) -> StageClock:
        return StageClock("s", 1, "working_days", 12, "restart", today, today, due,
                          paused_on=today if paused else None)

    soon = ds.soon_until(today, cal)
    assert [ds.status(clock(d), today, cal) for d in (today - dt.timedelta(days=1), today, soon,
                                                      soon + dt.timedelta(days=1))] == [
        "overdue", "today", "soon", "within"]
    assert ds.status(clock(None, paused=True), today, cal) == "paused" and ds.LABELS["soon"] == "Tới hạn"
    assert ds.working_days_left(clock(soon), today, cal) == ds.SOON_DAYS
