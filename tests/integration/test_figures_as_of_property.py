"""Property (hypothesis), on SQLite and PostgreSQL: a month's figures are a function of the history up to
its end. Random dossiers go through random legal event sequences (the events each dossier's workflow
allows in its state, as the services say, fired through the services by the division's head, the
injected clock moving forward over working days); every month so far is computed (the monthly report's
data, ``report metrics`` at the finest grain, the evaluation up to the month's end), later events are
appended, and every one of those months is computed again: identical.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import SAMPLE_ORG, make_app_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.domain.clock import TZ, FixedClock
from engine.domain.commands import Fire, Receive
from engine.domain.errors import BadInput, Refused
from engine.reporting.periods import Period

HEADS = {"QLXD": "tp.nguyen", "QHKT": "tp.hoang", "HTKT": "tp.huynh"}
OFFICERS = {"QLXD": ["cv.pham", "cv.vo", "cv.dang"], "QHKT": ["cv.bui", "cv.do"], "HTKT": ["cv.ngo", "cv.duong"]}
MONTHS = ("2024-03", "2024-04", "2024-05")
FINAL = {"approved", "returned", "withdrawn"}
NOTE = "Thiếu hồ sơ khảo sát địa chất\nCần bổ sung, hoàn thiện:\n- Báo cáo khảo sát địa chất"


class Run:
    """One example's application, clock and dossiers, driven by hypothesis's draws."""

    def __init__(self, app: Any, clock: FixedClock, data: st.DataObject) -> None:
        self.app, self.clock, self.data = app, clock, data
        self.dossiers: dict[str, str] = {}  # code → division

    def days(self, first: dt.date, last: dt.date) -> None:
        """Act on some working days from ``first`` to ``last``, a few acts each, in time order."""
        cal = self.app.calendar
        day = cal.next_working_day(first)
        while day <= last:
            for k in range(self.data.draw(st.integers(0, 3))):
                self.clock.set(dt.datetime.combine(day, dt.time(8), TZ) + dt.timedelta(minutes=20 * k))
                self.act()
            day = cal.add_working_days(day, self.data.draw(st.integers(1, 6)))

    def act(self) -> None:
        open_ = [c for c in self.dossiers if self.app.services.show(c)["state"] not in FINAL]
        pick = self.data.draw(st.integers(0, len(open_)))
        if pick == len(open_):
            if len(self.dossiers) < 6:
                self.receive()
            return
        code = open_[pick]
        view = self.app.services.show(code)
        if not view["allowed_events"]:
            return
        event = self.data.draw(st.sampled_from(sorted(view["allowed_events"])))
        division = self.dossiers[code]
        officer = None
        if event == "reassign":
            officer = self.data.draw(st.sampled_from([o for o in OFFICERS[division] if o != view["officer"]]))
        try:
            self.app.services.fire(Fire(code=code, event=event, actor=HEADS[division], note=NOTE, officer=officer))
        except (Refused, BadInput):  # a guard, a limit or an input the event needs said no: nothing was written
            pass

    def receive(self) -> None:
        division = self.data.draw(st.sampled_from(sorted(HEADS)))
        code = f"HS-{len(self.dossiers) + 1:02d}"
        workflow = self.data.draw(st.sampled_from(["project-appraisal", "post-basic-design"]))
        self.app.services.receive(Receive(
            workflow=workflow, code=code, name=f"Dự án {code}", investor="Ban QLDA tỉnh",
            group=self.data.draw(st.sampled_from("ABC")), grade=self.data.draw(st.sampled_from(["I", "III", "IV"])),
            division=division, officer=self.data.draw(st.sampled_from(OFFICERS[division]))))
        self.dossiers[code] = division

    def figures(self, months: list[str]) -> dict[str, Any]:
        """Every figure of each month: the monthly report's data (less when and by whom it is printed),
        the finest-grain metrics and the evaluation up to the month's end."""
        reports, movement = self.app.reports, self.app.reports.movement(None)
        out: dict[str, Any] = {}
        for m in months:
            p = Period.month(m)
            data = {k: v for k, v in reports.monthly(m).items() if k not in ("generated_at", "heading")}
            out[m] = (data, reports.metrics(p.start, p.end, ["division", "officer", "workflow", "stage"], None),
                      reports.metrics(p.start, p.end, [], None), reports.evaluation(movement, until=p.end))
        return out


@settings(max_examples=12, deadline=None, derandomize=False,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_later_events_never_change_a_past_months_figures(backend: str, request: pytest.FixtureRequest,
                                                          tmp_path: Any, data: st.DataObject) -> None:
    clock = FixedClock(dt.datetime(2024, 3, 1, 8, 0, tzinfo=TZ))
    app = make_app_for(backend, request, tmp_path, clock)
    try:
        app.services.load_org(SAMPLE_ORG)
        run = Run(app, clock, data)
        cut = data.draw(st.sampled_from(MONTHS))
        months = [m for m in MONTHS if m <= cut]
        end = Period.month(cut).end
        run.days(dt.date(2024, 3, 1), end)
        before = run.figures(months)
        run.days(end + dt.timedelta(days=1), end + dt.timedelta(days=70))
        assert run.figures(months) == before
    finally:
        app.close()
