"""Workflow versions: a dossier keeps the version it was received under; a definition may gain new
versions and the older ones stay loadable; a version no file defines any more is a clear error."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.bootstrap import App
from engine.domain.commands import Fire
from engine.domain.errors import UnknownWorkflowVersion
from engine.io.resources import workflows_dir
from engine.io.workflow_files import load_workflows
from engine.runtime.rulebook import Rulebook


def version_2(folder: Path) -> Path:
    """project-appraisal v2: the first state renamed (``received`` → ``tiep_nhan``)."""
    text = (workflows_dir() / "project-appraisal.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data["version"] = 2
    data["initial"] = "tiep_nhan"
    data["states"] = {("tiep_nhan" if k == "received" else k): v for k, v in data["states"].items()}
    for event in data["events"].values():
        for t in event["transitions"]:
            src = t["source"]
            t["source"] = [("tiep_nhan" if s == "received" else s) for s in (src if isinstance(src, list) else [src])]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "project-appraisal@2.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_new_version_takes_new_dossiers_and_the_old_ones_keep_theirs(
        app: App, make_dossier: Callable[..., dict[str, Any]], tmp_path: Path) -> None:
    old = make_dossier(code="HS-V1")
    assert (old["workflow_version"], old["state"]) == (1, "received")
    version_2(tmp_path / "tinh")
    newer = App(app.settings.with_(rules_path=(tmp_path / "tinh",)), app.clock)
    try:
        assert sorted(v for w, v in newer.rules.definitions if w == "project-appraisal") == [1, 2]
        fresh = newer.services.receive(make_receive(code="HS-V2"))
        assert (fresh["workflow_version"], fresh["state"], fresh["state_label"]) == (2, "tiep_nhan",
                                                                                     "Đã tiếp nhận hồ sơ")
        kept = newer.services.show("HS-V1")
        assert (kept["workflow_version"], kept["state"]) == (1, "received")
        newer.services.fire(Fire(code="HS-V1", event="accept", actor="cv.pham", at="2024-06-04"))
        newer.services.fire(Fire(code="HS-V2", event="accept", actor="cv.pham", at="2024-06-04"))
        assert newer.services.show("HS-V1")["state"] == newer.services.show("HS-V2")["state"] == "appraising"
    finally:
        newer.close()


def make_receive(**overrides: Any) -> Any:
    from engine.domain.commands import Receive

    kw: dict[str, Any] = dict(workflow="project-appraisal", code="HS", name="Dự án", investor="Ban QLDA", group="C",
                              grade="III", division="QLXD", officer="cv.pham", at="2024-06-03")
    kw.update(overrides)
    return Receive(**kw)


def test_a_dossier_whose_version_is_gone_gets_a_clear_error_not_a_crash_or_a_wrong_answer(
        app: App, make_dossier: Callable[..., dict[str, Any]], tmp_path: Path) -> None:
    make_dossier(code="HS-V1")
    only_v2 = App(app.settings, app.clock)
    try:
        version_2(tmp_path)
        v2 = load_workflows([tmp_path])
        shipped = [wf for wf in only_v2.rules.definitions.values() if wf.id != "project-appraisal"]
        only_v2.__dict__["rules"] = Rulebook.of(only_v2.calendar, shipped + v2)  # the v1 file was deleted
        for attempt in (lambda: only_v2.services.show("HS-V1"),
                        lambda: only_v2.services.fire(Fire(code="HS-V1", event="accept", actor="cv.pham",
                                                           at="2024-06-04"))):
            with pytest.raises(UnknownWorkflowVersion) as err:
                attempt()
            assert "«project-appraisal» phiên bản 1" in err.value.message
            assert "version: 1" in (err.value.hint or "") and err.value.exit_code == 2
        assert only_v2.services.list_dossiers()[0]["code"] == "HS-V1"  # the list still shows it
    finally:
        only_v2.close()


def test_two_files_of_the_same_version_are_refused_unless_one_overrides(tmp_path: Path) -> None:
    from engine.domain.errors import DefinitionError

    folder = tmp_path / "dup"
    folder.mkdir()
    (folder / "copy.yaml").write_text((workflows_dir() / "post-basic-design.yaml").read_text(encoding="utf-8"),
                                      encoding="utf-8")
    with pytest.raises(DefinitionError, match="phiên bản 1 đã có"):
        load_workflows([workflows_dir(), folder])
