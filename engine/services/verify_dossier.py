"""The checks ``thamdinh verify`` makes of one dossier as stored, each finding in Vietnamese naming the
history row (``dòng N``) or the stage clock (``thời hạn N``) and what disagrees.

- the chain: each row's digest recomputed from the previous row's (``engine.store.chain``), the rows
  numbered 1…n without a gap, the dossier's ``chain_head`` the last row's digest (a deleted last row);
- the dossier: its version the last row's number, its state the last row's target state, its open
  clock the replay's open clock;
- the clocks: every stored stage clock equal to the one replayed from the history with the calendar
  and the dossier's rule version (``engine.domain.replay``), and each pause's and extension's due date
  before it equal to the replay's.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from ..domain import replay as rp
from ..domain.calendar import WorkingCalendar
from ..domain.deadlines import StageClock
from ..domain.workflow import Limit, RuleVersion, WorkflowDef
from ..runtime.rulebook import Rulebook
from ..store import chain
from ..store.history_walk import StoredDossier

#: a dossier's workflow definition, its rule version and the limits found so far under them
Bound = tuple[WorkflowDef, RuleVersion, dict[tuple[Any, ...], Limit]]
Rules = Callable[[tuple[str, int, str]], Bound]
_compared = attrgetter(*rp.CLOCK_FIELDS)


def rules_of(rulebook: Rulebook) -> Rules:
    """The workflow definition and rule version of a dossier's (id, version, rule id), each found once,
    with a place for the limits found under them (by the dossier's fields and the stage); raises what
    ``Rulebook.definition`` and ``WorkflowDef.rule`` raise for one that is gone."""
    cache: dict[tuple[str, int, str], Bound] = {}

    def find(key: tuple[str, int, str]) -> Bound:
        found = cache.get(key)
        if found is None:
            wf = rulebook.definition(key[0], key[1])
            found = cache[key] = (wf, wf.rule(key[2]), {})
        return found

    return find


def chain_findings(d: StoredDossier) -> list[str]:
    """The history's numbering and hash chain, and the dossier's head, version and state against it."""
    out: list[str] = []
    prev, expected, digest = "", 1, chain.row_digest
    for e, stored, effects, correction in zip(d.history, d.digests, d.raw_effects, d.corrections, strict=True):
        gap = e.seq != expected
        if gap:
            out.append(f"dòng {e.seq}: số thứ tự không liên tục (sau dòng {expected - 1}; thiếu dòng hoặc đổi chỗ?)")
        if stored is None:
            out.append(f"dòng {e.seq}: không có mã băm")
        elif stored != digest(prev, d.code, e.seq, e.event, e.from_state, e.to_state, e.actor, e.at, e.note,
                              effects, e.channel, e.client, correction):
            out.append(f"dòng {e.seq}: không nối tiếp dòng trước (dòng trước bị xóa hoặc đổi chỗ?)" if gap else
                       f"dòng {e.seq}: nội dung không khớp mã băm (đã bị sửa?)")
        prev, expected = stored or "", e.seq + 1
    if not d.history:
        return ["hồ sơ không có dòng lịch sử nào (đã bị xóa?)"]
    last = d.history[-1]
    if d.chain_head != d.digests[-1]:
        out.append(f"mã băm cuối của hồ sơ không khớp dòng cuối (dòng {last.seq}): dòng cuối đã bị xóa hoặc sửa?")
    if d.version != last.seq:
        out.append(f"phiên bản hồ sơ là {d.version} nhưng dòng lịch sử cuối là dòng {last.seq}")
    if d.state != last.to_state:
        out.append(f"trạng thái hồ sơ «{d.state}» khác trạng thái sau dòng {last.seq} «{last.to_state}»")
    out.extend(f"dòng {seq}: không đọc được các tác động thời hạn đã ghi" for seq in d.unreadable)
    return out


def _where(clock: StageClock) -> str:
    return f"thời hạn {clock.seq} ({clock.stage})"


def _limits(d: StoredDossier, bound: Bound) -> rp.LimitOf:
    wf, rule, known = bound
    fields = tuple(d.fields.values())

    def limit_of(stage: str) -> Limit:
        found = known.get((fields, stage))
        if found is None:
            if len(known) > 100_000:  # (a few hundred in practice)
                known.clear()
            found = known[fields, stage] = wf.limit(rule, stage, d.fields)
        return found

    return limit_of


def clock_findings(d: StoredDossier, bound: Bound, cal: WorkingCalendar) -> list[str]:
    """The stored clocks, pauses and extensions against the ones the history implies."""
    r = rp.replay(d.history, bound[0], bound[1], d.fields, cal, _limits(d, bound))
    out = list(r.problems)
    if len(r.clocks) != len(d.clocks):
        out.append(f"lịch sử cho {len(r.clocks)} thời hạn, cơ sở dữ liệu lưu {len(d.clocks)}")
    for expected, stored in zip(r.clocks, d.clocks, strict=False):
        if _compared(expected) != _compared(stored):
            out.extend(f"{_where(stored)}: {what}" for what in rp.differences(expected, stored))
        out.extend(_dated_findings(d, stored, r.pauses[expected.seq - 1], r.extensions[expected.seq - 1]))
    open_clock = next((s for e, s in zip(r.clocks, d.clocks, strict=False) if e.is_open), None)
    want = None if open_clock is None else open_clock.id
    if d.open_clock_id != want:
        out.append(f"thời hạn đang chạy của hồ sơ (mã {d.open_clock_id or '—'}) không phải thời hạn lịch sử cho "
                   f"là đang chạy (mã {want or '—'})")
    return out


def _dated_findings(d: StoredDossier, clock: StageClock, pauses: list[Any], extensions: list[Any]) -> list[str]:
    out: list[str] = []
    stored_pauses, stored_ext = d.pauses.get(clock.seq, []), d.extensions.get(clock.seq, [])
    if stored_pauses != pauses:
        out.extend(_list_findings(_where(clock), "lần tạm dừng", ("ngày tạm dừng", "ngày tiếp tục",
                                                                  "hạn trước khi tạm dừng"), pauses, stored_pauses))
    if stored_ext != extensions:
        out.extend(_list_findings(_where(clock), "lần gia hạn", ("ngày gia hạn", "hạn trước khi gia hạn"),
                                  extensions, stored_ext))
    return out


def _list_findings(where: str, item: str, labels: tuple[str, ...], expected: list[Any], stored: list[Any]) -> list[str]:
    if len(expected) != len(stored):
        return [f"{where}: lịch sử cho {len(expected)} {item}, cơ sở dữ liệu lưu {len(stored)}"]
    return [f"{where}, {item} {n}: {label}: lưu {rp.shown(s)}, tính lại {rp.shown(e)}"
            for n, (want, got) in enumerate(zip(expected, stored, strict=True), 1)
            for label, e, s in zip(labels, want, got, strict=True) if e != s]


def findings(d: StoredDossier, rules: Rules, cal: WorkingCalendar) -> list[str]:
    """Everything wrong with one stored dossier (empty: it verifies)."""
    out = chain_findings(d)
    try:
        out.extend(clock_findings(d, rules(d.workflow), cal))
    except Exception as exc:  # a history no rule can replay (tampered, or a rule file gone): say so
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        out.append(f"không tính lại được thời hạn từ lịch sử: {message}")
    return out
