"""Workflow definitions as data: every shipped file is valid; every defect is named by file and key;
a province folder overrides a value without touching the shipped files."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.bootstrap import App
from engine.domain.errors import DefinitionError
from engine.io.resources import workflows_dir
from engine.io.roles import shipped_roles
from engine.io.settings import Settings
from engine.io.workflow_files import load_workflow_file, load_workflows, workflow_files
from engine.runtime.machine import CompiledWorkflow

SHIPPED_DIR = workflows_dir()
SHIPPED = workflow_files([SHIPPED_DIR])
APPRAISAL = SHIPPED_DIR / "project-appraisal.yaml"


def test_the_shipped_folder_holds_both_workflows() -> None:
    assert {p.stem for p in SHIPPED} >= {"project-appraisal", "post-basic-design"}


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_workflow_file_is_valid(path: Path) -> None:
    wf = load_workflow_file(path)
    assert wf.id == path.stem
    assert wf.initial in wf.states
    assert any(s.terminal for s in wf.states.values())
    assert wf.rule_versions, "at least one rule version"
    assert all(r.source for r in wf.rule_versions), "every rule version names its legal source"
    for event in wf.events.values():
        assert event.roles <= set(shipped_roles().names)
        assert event.label
    for state in wf.states.values():
        assert state.label
    # the definition compiles into one shared machine with no models attached
    cw = CompiledWorkflow(wf)
    assert set(cw.machine.states) == set(wf.states)
    assert cw.machine.models == []
    # every non-terminal state has a way forward, and terminal states have none
    for name, state in wf.states.items():
        assert bool(cw.allowed_events(name)) != state.terminal, name
    # rule versions are in effective-date order and every limit is positive
    dates = [r.effective_from for r in wf.rule_versions]
    assert dates == sorted(dates)
    for r in wf.rule_versions:
        for srule in r.stages.values():
            assert all(lim.value > 0 for lim in srule.limits)


# -- negative cases -----------------------------------------------------------------------------
def shipped() -> dict[str, Any]:
    return copy.deepcopy(yaml.safe_load(APPRAISAL.read_text(encoding="utf-8")))


def write(tmp_path: Path, data: dict[str, Any], name: str = "broken.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _unknown_target(d: dict[str, Any]) -> None:
    d["events"]["approve"]["transitions"][1]["target"] = "aproved"


def _unknown_source(d: dict[str, Any]) -> None:
    d["events"]["accept"]["transitions"][0]["source"] = "recieved"


def _unreachable(d: dict[str, Any]) -> None:
    d["states"]["archived"] = {"label": "Lưu trữ"}


def _no_terminal(d: dict[str, Any]) -> None:
    for state in d["states"].values():
        state.pop("terminal", None)
        state.pop("counts_as", None)  # only a terminal state may say how the statistics count it


def _zero_limit(d: dict[str, Any]) -> None:
    d["rule_versions"]["law-62-2020"]["stages"]["appraisal"]["limits"][2]["value"] = 0


def _negative_limit(d: dict[str, Any]) -> None:
    d["rule_versions"]["decree-217-2026"]["stages"]["appraisal"]["limits"][0]["value"] = -60


def _unknown_role(d: dict[str, Any]) -> None:
    d["events"]["approve"]["roles"] = ["head", "clerk"]


def _bad_stage_unit(d: dict[str, Any]) -> None:
    d["rule_versions"]["law-62-2020"]["stages"]["appraisal"]["unit"] = "weeks"


def _bad_limit_unit(d: dict[str, Any]) -> None:
    d["rule_versions"]["decree-217-2026"]["stages"]["appraisal"]["limits"][0]["unit"] = "months"


def _assigning_event_that_moves(d: dict[str, Any]) -> None:
    d["events"]["reassign"]["transitions"][0]["target"] = "appraising"


def _assigning_not_a_bool(d: dict[str, Any]) -> None:
    d["events"]["reassign"]["assigns_officer"] = "yes"


def _zero_answer_window(d: dict[str, Any]) -> None:
    d["rule_versions"]["law-62-2020"]["supplement_answer"]["value"] = 0


def _answer_window_without_source(d: dict[str, Any]) -> None:
    del d["rule_versions"]["decree-217-2026"]["supplement_answer"]["source"]


def _misspelt_event_key(d: dict[str, Any]) -> None:
    d["events"]["reassign"]["assign_officer"] = True


def _follows_an_unknown_event(d: dict[str, Any]) -> None:
    d["events"]["approve_apology"]["follows"] = "draft_apologie"


@pytest.mark.parametrize("mutate, key, words", [
    (_unknown_target, "events.approve.transitions[1].target", "aproved"),
    (_unknown_source, "events.accept.transitions[0].source", "recieved"),
    (_unreachable, "states.archived", "received"),
    (_no_terminal, "states", "terminal"),
    (_zero_limit, "rule_versions.law-62-2020.stages.appraisal.limits[2].value", "0"),
    (_negative_limit, "rule_versions.decree-217-2026.stages.appraisal.limits[0].value", "-60"),
    (_unknown_role, "events.approve.roles", "clerk"),
    (_bad_stage_unit, "rule_versions.law-62-2020.stages.appraisal.unit", "weeks"),
    (_bad_limit_unit, "rule_versions.decree-217-2026.stages.appraisal.limits[0].unit", "months"),
    (_assigning_event_that_moves, "events.reassign.transitions[0]", "@same"),
    (_assigning_not_a_bool, "events.reassign.assigns_officer", "true"),
    (_misspelt_event_key, "events.reassign.assign_officer", "assigns_officer"),
    (_zero_answer_window, "rule_versions.law-62-2020.supplement_answer.value", "0"),
    (_answer_window_without_source, "rule_versions.decree-217-2026.supplement_answer.source", "căn cứ"),
    (_follows_an_unknown_event, "events.approve_apology.follows", "draft_apologie"),
], ids=["unknown-target-state", "unknown-source-state", "unreachable-state", "no-terminal-state",
        "zero-duration", "negative-duration", "unknown-role", "bad-stage-unit", "bad-limit-unit",
        "assigning-event-changes-state", "assigns-officer-not-bool", "misspelt-event-key", "zero-answer-window",
        "answer-window-without-source", "follows-an-unknown-event"])
def test_a_defective_workflow_file_is_refused_naming_the_file_and_the_key(
        tmp_path: Path, mutate: Callable[[dict[str, Any]], None], key: str, words: str) -> None:
    data = shipped()
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(DefinitionError) as err:
        load_workflow_file(path)
    message = err.value.message
    assert message.startswith(f"{path}: {key}: "), message
    assert words in message
    assert err.value.exit_code == 2


def test_malformed_yaml_is_refused_naming_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: project-appraisal\nstates:\n  received: {label: [unclosed\n", encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_workflow_file(path)
    assert str(path) in err.value.message
    assert "YAML" in err.value.message
    assert "dòng 3" in err.value.message


def test_a_yaml_file_that_is_not_a_mapping_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(DefinitionError, match="list.yaml"):
        load_workflow_file(path)


def test_an_unsupported_top_level_key_is_refused_by_name(tmp_path: Path) -> None:
    data = shipped()
    data["deadlines"] = {}
    path = write(tmp_path, data)
    with pytest.raises(DefinitionError) as err:
        load_workflow_file(path)
    assert err.value.message.startswith(f"{path}: deadlines: ")


def test_a_rule_version_without_a_legal_source_is_refused(tmp_path: Path) -> None:
    data = shipped()
    del data["rule_versions"]["law-62-2020"]["source"]
    path = write(tmp_path, data)
    with pytest.raises(DefinitionError, match=r"rule_versions\.law-62-2020\.source"):
        load_workflow_file(path)


def test_a_guard_on_a_rule_parameter_missing_from_a_rule_version_is_refused(tmp_path: Path) -> None:
    data = shipped()
    del data["rule_versions"]["decree-175-2024"]["params"]
    path = write(tmp_path, data)
    with pytest.raises(DefinitionError) as err:
        load_workflow_file(path)
    assert "events.pass_appraisal.transitions[0].guards[0].rule" in err.value.message
    assert "decree-175-2024" in err.value.message


def test_a_second_file_with_a_known_id_and_no_override_flag_is_refused(tmp_path: Path) -> None:
    write(tmp_path, shipped(), "project-appraisal.yaml")
    with pytest.raises(DefinitionError) as err:
        load_workflows([SHIPPED_DIR, tmp_path])
    assert "override" in (err.value.hint or "")
    assert str(tmp_path / "project-appraisal.yaml") in err.value.message


# -- province override folder -------------------------------------------------------------------
def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*.yaml")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def test_a_province_folder_shortens_group_c_under_law_62_2020_without_editing_shipped_files(tmp_path: Path) -> None:
    before = _digest(SHIPPED_DIR)
    limits = shipped()["rule_versions"]["law-62-2020"]["stages"]["appraisal"]["limits"]
    for lim in limits:
        if lim.get("when") == {"group": "C"}:
            lim["value"] = 12
            lim["source"] = "Quyết định công bố thủ tục hành chính của UBND tỉnh (giảm 20%)"
    province = tmp_path / "province"
    province.mkdir()
    write(province, {"id": "project-appraisal", "override": True,
                     "rule_versions": {"law-62-2020": {"stages": {"appraisal": {"limits": limits}}}}},
          "project-appraisal.yaml")

    local = App(Settings().with_(rules_path=(province,)))
    shipped_app = App(Settings())
    wf, base = local.workflows["project-appraisal"], shipped_app.workflows["project-appraisal"]
    rule, base_rule = wf.rule("law-62-2020"), base.rule("law-62-2020")
    c = {"group": "C", "grade": "III"}
    assert base.limit(base_rule, "appraisal", c).value == 15
    got = wf.limit(rule, "appraisal", c)
    assert got.value == 12
    assert "UBND tỉnh" in got.source
    assert got.extension == 12  # "extension: same" follows the province's value
    # nothing else moved
    for group, value in (("A", 35), ("B", 25)):
        assert wf.limit(rule, "appraisal", {"group": group}).value == value
    assert wf.limit(wf.rule("decree-217-2026"), "appraisal", c).value == 12
    rule_217 = "decree-217-2026"
    assert wf.rule(rule_217).stages["appraisal"].limits == base.rule(rule_217).stages["appraisal"].limits
    assert set(local.workflows) == set(shipped_app.workflows)
    # and the compiled workflow opens clocks with the province's limit
    clock = local.rules.compiled("project-appraisal").open_clock(
        "appraisal", rule, c, dt.date(2024, 6, 3), local.calendar, 1)
    assert clock.limit == 12 and clock.due_date == dt.date(2024, 6, 17)
    assert _digest(SHIPPED_DIR) == before


def test_a_province_override_that_breaks_a_definition_is_refused_naming_both_files(tmp_path: Path) -> None:
    write(tmp_path, {"id": "post-basic-design", "override": True,
                     "events": {"approve": {"roles": ["chairman"]}}}, "post-basic-design.yaml")
    with pytest.raises(DefinitionError) as err:
        load_workflows([SHIPPED_DIR, tmp_path])
    assert "post-basic-design.yaml" in err.value.message
    assert str(tmp_path) in err.value.message
    assert "events.approve.roles" in err.value.message


def test_the_roles_file_gives_every_role_of_the_workflows_and_the_organisation_a_scope() -> None:
    from engine.io.organisation import read_org

    roles = shipped_roles()
    used = {r for wf in load_workflows([SHIPPED_DIR]) for e in wf.events.values() for r in e.roles}
    used |= {r for p in read_org(SHIPPED_DIR / "org" / "sample-department.yaml").people for r in p.roles}
    assert used <= set(roles.names)
    assert roles.widest({"officer"}, "acts_on") == "own" and roles.widest({"officer", "head"}, "acts_on") == "division"
    assert roles.with_flag("receives") == ["director", "reception"] and roles.manages({"admin"}, "accounts")
    assert roles.source  # the rule's source is named


def test_an_approval_follows_its_draft_once() -> None:
    from engine.domain.requirements import follows_met

    wf = load_workflow_file(APPRAISAL)
    assert wf.events["approve_apology"].follows == "draft_apology" and wf.events["approve"].follows is None
    ok = ("receive", "draft_apology", "accept")
    assert follows_met("approve_apology", "draft_apology", ok)
    assert not follows_met("approve_apology", "draft_apology", ("receive", "accept"))
    assert not follows_met("approve_apology", "draft_apology", (*ok, "approve_apology"))
    assert follows_met("approve_apology", "draft_apology", (*ok, "approve_apology", "draft_apology"))
    assert follows_met("approve", None, ())
