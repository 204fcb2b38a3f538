"""Edge cases of the runtime and the calendar loader that protect data from silent mistakes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from engine.domain.errors import DefinitionError, GuardFailed
from engine.io.calendars import load_calendar, load_calendar_spec
from engine.io.resources import workflows_dir
from engine.io.workflow_files import load_workflows
from engine.runtime.machine import CompiledWorkflow
from engine.runtime.step import DossierSnapshot

SHIPPED_CALENDAR = workflows_dir() / "calendars" / "vn.yaml"


def test_a_province_calendar_file_with_a_mistyped_id_is_refused_not_ignored(tmp_path: Path) -> None:
    extra = tmp_path / "tinh.yaml"
    extra.write_text("id: vn-public-servant\noverride: true\nextra_days_off: [{date: 2025-03-03}]\n",
                     encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_calendar_spec([SHIPPED_CALENDAR, extra])
    assert str(extra) in str(err.value) and "vn-public-servants" in str(err.value)


def test_a_refused_extension_leaves_the_snapshot_as_it_was(tmp_path: Path) -> None:
    folder = tmp_path / "wf"
    folder.mkdir()
    text = (workflows_dir() / "post-basic-design.yaml").read_text(encoding="utf-8")
    (folder / "post-basic-design.yaml").write_text(text.replace("extension: same", "extension: ~"), encoding="utf-8")
    (wf,) = load_workflows([folder])
    cw = CompiledWorkflow(wf)
    cal = load_calendar([SHIPPED_CALENDAR])
    rule = cw.wf.rule_for(dt.date(2024, 3, 4))
    snap = DossierSnapshot("appraising", {"group": "C", "grade": "III"})
    clock = cw.open_clock("design_appraisal", rule, snap.fields, dt.date(2024, 3, 4), cal, 1)
    due = clock.due_date
    with pytest.raises(GuardFailed):
        cw.fire(snap, "extend", rule, clock, dt.date(2024, 3, 5), cal, 2)
    assert snap.state == "appraising" and snap.counters == {}
    assert clock.due_date == due and clock.extension == 0
