"""The monthly report's blockers section on both databases, as of the month's end (March 2024):
- B1 QLXD raised 06/03 (cause 01/03: 3 working days, prompt), resolved 13/03 (5 working days);
- B2 QLXD raised 07/03 (cause 01/03: 4 working days, late), resolved 02/04: still open at 31/03;
- B3 HTKT raised 29/02, escalated 07/03 (its 5th working day), open;
- B4 QLXD raised 02/04: after the month, not there.
Total: raised 2 (B1, B2; B3 was raised in February), prompt 1, resolved 1 in 5 working days, open 2 at the end
(B2, B3), escalated 1 (B3). The oldest open first: B3 (21 working days at 31/03: 01/03 and four weeks), then
B2 (16)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.bootstrap import App
from engine.domain.blockers import RaiseBlocker, ResolveBlocker
from engine.domain.clock import TZ
from engine.domain.commands import Receive
from engine.reporting import files


def _raise(app: App, code: str, actor: str, raised: str, cause: str | None = None) -> dict[str, Any]:
    return app.blockers.raise_(RaiseBlocker(actor=actor, code=code, cause="investor_documents",
                                            description=f"Thiếu hồ sơ ({raised})", addressed_to="investor",
                                            cause_on=cause, raised_on=raised))


def test_the_monthly_report_shows_the_blockers_as_of_the_months_end(app: App) -> None:
    for code, division, officer in (("HS-1", "QLXD", "cv.pham"), ("HS-2", "HTKT", "cv.ngo")):
        app.services.receive(Receive(workflow="project-appraisal", code=code, name=f"Dự án {code}", investor="Ban QLDA",
                                     group="B", division=division, officer=officer, at="2024-02-26T08:00"))
    b1 = _raise(app, "HS-1", "cv.pham", "2024-03-06", "2024-03-01")
    app.blockers.resolve(ResolveBlocker(b1["id"], "tp.nguyen", "Đã bổ sung", "2024-03-13"))
    b2 = _raise(app, "HS-1", "cv.pham", "2024-03-07", "2024-03-01")
    app.blockers.resolve(ResolveBlocker(b2["id"], "tp.nguyen", "Đã bổ sung", "2024-04-02"))
    b3 = _raise(app, "HS-2", "cv.ngo", "2024-02-29")
    _raise(app, "HS-1", "cv.pham", "2024-04-02")
    assert app.blocker_escalation.escalate(dt.datetime(2024, 3, 7, 7, tzinfo=TZ)).escalated[0]["id"] == b3["id"]
    k = app.reports.monthly("2024-03")["blockers"]
    assert {x: k["total"][x] for x in ("raised", "dated", "prompt", "resolved", "open", "escalated")} == \
        {"raised": 2, "dated": 2, "prompt": 1, "resolved": 1, "open": 2, "escalated": 1}
    assert k["total"]["mean_resolve_days"] == 5.0
    assert [(d["division"], d["raised"], d["open"], d["escalated"]) for d in k["by_division"]] == \
        [("HTKT", 0, 1, 1), ("QLXD", 2, 1, 0)]
    assert [(o["id"], o["working_days_open"], o["escalated"]) for o in k["open"]] == \
        [(b3["id"], 21, True), (b2["id"], 16, False)]
    assert [c["label"] for c in k["by_cause"]] == ["Hồ sơ của chủ đầu tư"]
    html = files.render(app.reports.monthly("2024-03"), "html").decode("utf-8")
    assert "VIII. Khó khăn, vướng mắc" in html and "Thiếu hồ sơ (2024-02-29)" in html
    assert files.render(app.reports.monthly("2024-03"), "xlsx")[:2] == b"PK"
    only = app.reports.monthly("2024-03", division="QLXD")["blockers"]
    assert only["total"]["open"] == 1 and [d["division"] for d in only["by_division"]] == ["QLXD"]
    assert app.reports.monthly("2024-01")["blockers"] is None


def test_the_section_reads_the_province_s_blockers_file(backend: str, request: Any, tmp_path: Any,
                                                        clock: Any) -> None:
    from conftest import SAMPLE_ORG, make_app_for

    folder = tmp_path / "tinh" / "blockers"
    folder.mkdir(parents=True)
    (folder / "blockers.yaml").write_text("id: blockers\noverride: true\nescalate_after: 3\nreport_within: 4\n"
                                          "causes: {investor_documents: Hồ sơ chủ đầu tư chưa đủ}\n", encoding="utf-8")
    app = make_app_for(backend, request, tmp_path, clock, rules_path=(tmp_path / "tinh",))
    app.services.load_org(SAMPLE_ORG)
    try:
        app.services.receive(Receive(workflow="project-appraisal", code="HS-1", name="Dự án", investor="Ban QLDA",
                                     group="B", division="QLXD", officer="cv.pham", at="2024-02-26T08:00"))
        b2 = _raise(app, "HS-1", "cv.pham", "2024-03-07", "2024-03-01")  # 4 working days: prompt under this file
        k = app.reports.monthly("2024-03")["blockers"]
        assert (k["escalate_after"], k["report_within"], k["total"]["prompt"]) == (3, 4, 1)
        assert [c["label"] for c in k["by_cause"]] == ["Hồ sơ chủ đầu tư chưa đủ"]
        assert app.blockers.get(b2["id"])["escalation_day"] == "2024-03-12"  # 3 working days after 07/03
    finally:
        app.close()
