"""One event on many dossiers at once (``Services.fire_many``, ``thamdinh fire-many``), on SQLite and
PostgreSQL: the Law 135/2025 transition (post-basic-design dossiers pending on 01/7/2026 are stopped
and returned), a dry run that writes nothing, and a refusal that rolls every dossier back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from acts import RETURN_REASON, SUPPLEMENT
from test_engine_store import counts

from engine.bootstrap import App
from engine.domain.commands import Fire, FireMany
from engine.domain.errors import BadInput, IllegalTransition, NotPermitted, UnknownWorkflow

LAW_135 = "Luật 135/2025/QH15: Sở không thẩm định thiết kế sau thiết kế cơ sở từ 01/7/2026; dừng và trả hồ sơ."


@pytest.fixture
def pending(app: App, make_dossier: Callable[..., dict[str, Any]]) -> App:
    """Three post-basic-design dossiers open on 01/7/2026 (one of them waiting for the investor), one
    already approved, and a project appraisal that is not concerned."""
    s = app.services
    make_dossier(code="TK-1", workflow="post-basic-design", at="2026-06-01")
    make_dossier(code="TK-2", workflow="post-basic-design", at="2026-06-10")
    s.fire(Fire(code="TK-2", event="accept", actor="cv.pham", at="2026-06-11"))
    make_dossier(code="TK-3", workflow="post-basic-design", at="2026-06-15")
    s.fire(Fire(code="TK-3", event="request_supplement", note=SUPPLEMENT, actor="cv.pham", at="2026-06-16"))
    make_dossier(code="TK-0", workflow="post-basic-design", at="2026-05-04")
    s.fire(Fire(code="TK-0", event="accept", actor="cv.pham", at="2026-05-05"))
    s.fire(Fire(code="TK-0", event="approve", actor="tp.nguyen", at="2026-05-20"))
    make_dossier(code="DA-1", at="2026-06-01")
    return app


def test_the_law_135_transition_returns_every_pending_post_basic_design_dossier(pending: App) -> None:
    s = pending.services
    result = s.fire_many(FireMany(event="return", actor="gd.tran", note=LAW_135, at="2026-07-01T08:00",
                                  workflow="post-basic-design", received_before="2026-07-01"))
    assert result["dry_run"] is False and result["count"] == 3
    assert [(d["code"], d["from"], d["to"]) for d in result["dossiers"]] == [
        ("TK-1", "received", "returned"), ("TK-2", "appraising", "returned"),
        ("TK-3", "awaiting_supplement", "returned")]
    assert {(d["event_label"], d["to_label"]) for d in result["dossiers"]} == {
        ("Trả lại hồ sơ (kèm lý do)", "Đã trả lại hồ sơ")}
    assert result["event_label"] == "Trả lại hồ sơ (kèm lý do)"
    for code in ("TK-1", "TK-2", "TK-3"):
        view = s.show(code)
        assert view["state"] == "returned" and view["history"][-1]["note"] == LAW_135
        assert view["history"][-1]["actor"] == "gd.tran"
    assert s.show("TK-0")["state"] == "approved" and s.show("DA-1")["state"] == "received"
    # the clock of the dossier waiting for the investor was closed unjudged (paused time never counts)
    assert [c["outcome"] for c in s.show("TK-3")["clocks"]] == [None]
    again = s.fire_many(FireMany(event="return", note=RETURN_REASON,
                                 actor="gd.tran", at="2026-07-01T09:00", workflow="post-basic-design"))
    assert again["count"] == 0  # nothing open is left


def test_a_dry_run_shows_what_would_happen_and_writes_nothing(pending: App) -> None:
    rows = counts(pending)
    preview = pending.services.fire_many(FireMany(event="return", note=RETURN_REASON,
                                                  actor="gd.tran", at="2026-07-01T08:00", dry_run=True,
                                                  workflow="post-basic-design", states=["received", "appraising"]))
    assert preview["dry_run"] is True
    assert [d["code"] for d in preview["dossiers"]] == ["TK-1", "TK-2"]
    assert counts(pending) == rows
    assert pending.services.show("TK-1")["state"] == "received"


def test_one_refusal_rolls_back_every_dossier_and_names_the_one_refused(pending: App) -> None:
    rows = counts(pending)
    with pytest.raises(IllegalTransition) as err:  # TK-1 is accepted first, then TK-2 is already appraising
        pending.services.fire_many(FireMany(event="accept", actor="tp.nguyen", at="2026-07-01T08:00",
                                            workflow="post-basic-design"))
    assert err.value.message.startswith("Hồ sơ TK-2: ")
    assert "Không hồ sơ nào được cập nhật." in (err.value.hint or "")
    assert counts(pending) == rows
    assert pending.services.show("TK-1")["state"] == "received"


def test_a_head_runs_fire_many_only_in_their_division_and_an_officer_not_at_all(pending: App) -> None:
    s, rows = pending.services, counts(pending)
    with pytest.raises(NotPermitted, match="phòng QLXD") as err:  # the head of QHKT, on QLXD's dossiers
        s.fire_many(FireMany(event="return", note=RETURN_REASON,
                             actor="tp.hoang", at="2026-07-01T08:00", division="QLXD",
                             workflow="post-basic-design"))
    assert "Trưởng phòng" in (err.value.hint or "")
    # without a division filter, a head's fire-many reaches their own division only: QHKT has none open
    mine = s.fire_many(FireMany(event="return", note=RETURN_REASON,
                                actor="tp.hoang", at="2026-07-01T08:00", workflow="post-basic-design"))
    assert mine["count"] == 0
    with pytest.raises(NotPermitted, match="hàng loạt"):
        s.fire_many(FireMany(event="return", note=RETURN_REASON,
                             actor="cv.pham", at="2026-07-01T08:00", workflow="post-basic-design"))
    assert counts(pending) == rows
    own = s.fire_many(FireMany(event="return", note=RETURN_REASON,
                               actor="tp.nguyen", at="2026-07-01T08:00", workflow="post-basic-design"))
    assert own["count"] == 3


@pytest.mark.parametrize("kwargs, error, words", [
    ({}, BadInput, "ít nhất một điều kiện"),
    ({"workflow": "khong-co"}, UnknownWorkflow, "khong-co"),
    ({"states": ["dang-lam"]}, BadInput, "dang-lam"),
    ({"received_before": "01/07/2026"}, BadInput, "YYYY-MM-DD"),
])
def test_bad_filters_are_refused_before_anything_is_read(pending: App, kwargs: dict[str, Any],
                                                         error: type[Exception], words: str) -> None:
    rows = counts(pending)
    with pytest.raises(error) as err:
        pending.services.fire_many(FireMany(event="return", note=RETURN_REASON, actor="gd.tran", **kwargs))
    assert words in str(err.value)
    assert counts(pending) == rows
