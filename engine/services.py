"""Use cases: what the CLI, the web page and the scheduler all call.

Each public method is one unit of work: it either completes and commits, or raises a
ThamdinhError and leaves the database unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, true
from sqlmodel import Session, col, select

from . import deadlines
from .calendar import DAYS, UNIT_LABELS, UNITS, WORKING_DAYS
from .definitions import GRADES, GROUPS, WorkflowDef
from .errors import (
    BadInput,
    ConflictError,
    DuplicateDossier,
    NotPermitted,
    ThamdinhError,
    TimeOrderError,
    UnknownDossier,
    UnknownPerson,
    UnknownWorkflow,
)
from .org import read_org
from .runtime import CompiledWorkflow, DossierSnapshot
from .store import repo as sql
from .store.tables import ClockPause, Division, Dossier, DossierEvent, Person, StageClockRow
from .timeutil import TZ, local_date, parse_at

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "system"
RECEIVE = "receive"
FUTURE_TOLERANCE = dt.timedelta(minutes=5)


def _fields(d: dict[str, Any]) -> dict[str, Any]:
    return {"group": d["project_group"], "grade": d["grade"], "capital_source": d["capital_source"],
            "division": d["division"], "officer": d["officer"]}


def _duplicate(code: str) -> DuplicateDossier:
    return DuplicateDossier(f"Hồ sơ «{code}» đã có.", hint="Dùng mã khác, hoặc xem: thamdinh show " + code)


def _cell(row: dict[str, str | None], key: str) -> str | None:
    return (row.get(key) or "").strip() or None


def _can_hold(roles: str | None) -> bool:
    """Whether someone with ``roles`` (comma-separated) may be the officer in charge of a dossier."""
    return bool({"officer", "head"} & set((roles or "").split(",")))


class _RollBack(Exception):
    """Raised inside a transaction to undo it on purpose (a dry run)."""


class Services:
    def __init__(self, app: App) -> None:
        self.app = app

    # -- helpers -----------------------------------------------------------------------------
    @property
    def cal(self):  # type: ignore[no-untyped-def]
        return self.app.calendar

    def workflow(self, workflow_id: str) -> CompiledWorkflow:
        try:
            return self.app.compiled[workflow_id]
        except KeyError:
            raise UnknownWorkflow(f"Không có quy trình «{workflow_id}».",
                                  hint="Các quy trình có: " + ", ".join(sorted(self.app.compiled)) + ".") from None

    def today(self) -> dt.date:
        return local_date(self.app.clock.now())

    def _when(self, at: str | dt.datetime | None) -> tuple[dt.datetime, dt.date]:
        """The instant of an event and the day its clock effects count from.

        An explicit time on a day off is refused; "now" on a day off counts from the next working day.
        """
        now = self.app.clock.now()
        if at is None:
            day = local_date(now)
            return now, self.cal.next_working_day(day)
        when = parse_at(at) if isinstance(at, str) else at
        if when > now + FUTURE_TOLERANCE:
            raise TimeOrderError(f"Thời điểm {when.isoformat()} ở tương lai.",
                                 hint="Chỉ ghi nhận sự kiện đã xảy ra; bỏ --at để dùng thời điểm hiện tại.")
        day = local_date(when)
        self.cal.require_working_day(day, "Ngày")
        return when, day

    # -- schema and organisation -----------------------------------------------------------
    def init(self) -> str | None:
        from .store.db import upgrade

        return upgrade(self.app.engine)

    def load_org(self, path: Path) -> dict[str, int]:
        """Create or update divisions and people from a YAML file; never duplicates."""
        spec = read_org(path)
        counts = {"divisions": 0, "people": 0, "created": 0, "updated": 0}
        with Session(self.app.engine) as s:
            for d in spec.divisions:
                division = s.get(Division, d.code)
                counts["updated" if division else "created"] += 1
                if division is None:
                    s.add(Division(code=d.code, name=d.name))
                else:
                    division.name = d.name
                counts["divisions"] += 1
            for p in spec.people:
                row = s.get(Person, p.id)
                counts["updated" if row else "created"] += 1
                if row is None:
                    row = Person(id=p.id, name=p.name)
                    s.add(row)
                row.name, row.email, row.division = p.name, p.email, p.division
                row.roles, row.active = ",".join(p.roles), True
                counts["people"] += 1
            s.commit()
        return counts

    def people(self) -> list[Person]:
        with Session(self.app.engine) as s:
            return list(s.exec(select(Person).order_by(col(Person.division), col(Person.id))))

    # -- receive -----------------------------------------------------------------------------
    def receive(self, *, workflow: str, code: str, name: str, investor: str, group: str,
                division: str, grade: str | None = None, officer: str | None = None,
                capital_source: str | None = None, at: str | dt.datetime | None = None,
                actor: str | None = None, note: str | None = None) -> dict[str, Any]:
        """Receive a dossier: create it, start its first stage clock, record the receipt."""
        with self.app.repo.transaction() as cur:
            self._receive(cur, workflow=workflow, code=code, name=name, investor=investor, group=group,
                          division=division, grade=grade, officer=officer, capital_source=capital_source,
                          at=at, actor=actor, note=note)
        return self.show(code)

    def _receive(self, cur: Any, *, workflow: str, code: str, name: str, investor: str, group: str,
                 division: str, grade: str | None, officer: str | None, capital_source: str | None,
                 at: str | dt.datetime | None, actor: str | None, note: str | None) -> int:
        repo = self.app.repo
        cw = self.workflow(workflow)
        wf = cw.wf
        code, name, investor = (code or "").strip(), (name or "").strip(), (investor or "").strip()
        if not code:
            raise BadInput("Thiếu mã hồ sơ (--code).")
        if not name or not investor:
            raise BadInput("Thiếu tên dự án (--name) hoặc chủ đầu tư (--investor).")
        if group not in GROUPS:
            raise BadInput(f"Nhóm dự án «{group}» không hợp lệ.", hint="Chọn một trong: " + ", ".join(GROUPS) + ".")
        if grade is not None and grade not in GRADES:
            raise BadInput(f"Cấp công trình «{grade}» không hợp lệ.", hint="Chọn một trong: " + ", ".join(GRADES) + ".")
        cur.execute(repo.d.sql("SELECT code FROM division WHERE code = ?"), (division,))
        if cur.fetchone() is None:
            raise BadInput(f"Không có phòng «{division}».",
                           hint="Kiểm tra mã phòng, hoặc nạp tổ chức bằng: thamdinh org load TỆP.yaml")
        for who in {p for p in (officer, actor) if p and p != SYSTEM_ACTOR}:
            cur.execute(repo.d.sql("SELECT id FROM person WHERE id = ? AND active = ?"), (who, True))
            if cur.fetchone() is None:
                raise UnknownPerson(f"Không có cán bộ «{who}» trong tổ chức.",
                                    hint="Xem danh sách bằng: thamdinh org show")
        cur.execute(repo.d.sql("SELECT id FROM dossier WHERE code = ?"), (code,))
        if cur.fetchone() is not None:
            raise _duplicate(code)
        when, day = self._when(at)
        rule = wf.rule_for(day)
        wf.check_receipt(rule)
        fields = {"group": group, "grade": grade, "capital_source": capital_source, "division": division,
                  "officer": officer}
        stage = wf.stage_of(wf.initial)
        clock = cw.open_clock(stage, rule, fields, day, self.cal, 1) if stage else None
        now = self.app.clock.now()
        values: dict[str, Any] = {
            "code": code, "project_name": name, "investor": investor, "project_group": group, "grade": grade,
            "capital_source": capital_source, "division": division, "officer": officer,
            "workflow_id": wf.id, "workflow_version": wf.version, "rule_version": rule.id,
            "state": wf.initial, "counters": {}, "supplement_requests": 0, "received_on": day,
            "received_at": when, "last_event_at": when, "version": 1,
        }
        try:
            dossier_id = sql.insert_dossier(repo, cur, values)
        except self.app.engine.dialect.loaded_dbapi.IntegrityError:  # received by someone else meanwhile
            raise _duplicate(code) from None
        effect = None
        if clock is not None:
            repo.insert_clock(cur, {**values, "id": dossier_id}, clock)
            sql.set_open_clock(repo, cur, dossier_id, clock.id)  # type: ignore[arg-type]
            effect = f"start:{clock.stage}"
        repo.insert_event(cur, dossier_id, 1, RECEIVE, None, wf.initial, actor or officer or SYSTEM_ACTOR,
                          when, now, note, effect)
        return dossier_id

    # -- fire --------------------------------------------------------------------------------
    def fire(self, code: str, event: str, *, actor: str, note: str | None = None,
             at: str | dt.datetime | None = None, expected_version: int | None = None,
             officer: str | None = None) -> dict[str, Any]:
        """Fire ``event`` on dossier ``code`` as ``actor``, in one transaction.

        An event that assigns the officer (``assigns_officer`` in the workflow file, e.g. ``reassign``)
        needs ``officer``: an active officer or head of the dossier's division. The dossier and its open
        stage clock go to that officer; the finished clocks keep theirs.

        Raises UnknownDossier, UnknownPerson, UnknownEvent, NotPermitted, IllegalTransition,
        GuardFailed, TimeOrderError, NonWorkingDay, BadInput (officer missing, not allowed or not
        wanted), or ConflictError if another edit won.
        """
        with self.app.repo.transaction() as cur:
            result = self._fire(cur, code, event, actor=actor, note=note, at=at,
                                expected_version=expected_version, officer=officer)
        return result

    def assigns_officer(self, event: str) -> bool:
        """Whether ``event`` hands a dossier to another officer in some workflow (``assigns_officer``)."""
        return any(e.name == event and e.assigns_officer for wf in self.app.workflows.values()
                   for e in wf.events.values())

    def assignees(self, division: str, holder: str | None) -> list[Person]:
        """Whom a dossier of ``division`` held by ``holder`` may be handed to: the division's other
        active officers and heads (what ``_assignee`` accepts)."""
        return [p for p in self.people()
                if p.active and p.division == division and p.id != holder and _can_hold(p.roles)]

    def _assignee(self, cur: Any, d: dict[str, Any], officer: str | None, label: str) -> str:
        """The officer an assigning event hands dossier ``d`` to, checked against the organisation."""
        officer = (officer or "").strip()
        if not officer:
            raise BadInput(f"Thao tác «{label}» cần chọn cán bộ nhận hồ sơ.",
                           hint="Thêm --officer MÃ_CÁN_BỘ (xem danh sách bằng: thamdinh org show).")
        cur.execute(self.app.repo.d.sql("SELECT division, roles FROM person WHERE id = ? AND active = ?"),
                    (officer, True))
        row = cur.fetchone()
        if row is None:
            raise UnknownPerson(f"Không có cán bộ «{officer}» (hoặc đã thôi công tác) trong tổ chức.",
                                hint="Xem danh sách bằng: thamdinh org show")
        if row[0] != d["division"]:
            raise BadInput(f"Cán bộ «{officer}» thuộc phòng «{row[0] or '—'}», hồ sơ {d['code']} thuộc phòng "
                           f"«{d['division']}».", hint=f"Chọn một cán bộ của phòng {d['division']}.")
        if not _can_hold(row[1]):
            raise BadInput(f"«{officer}» không phải chuyên viên hoặc trưởng phòng, không thụ lý hồ sơ được.",
                           hint="Chọn một chuyên viên của phòng.")
        if officer == d["officer"]:
            raise BadInput(f"Hồ sơ {d['code']} đang do «{officer}» thụ lý.", hint="Chọn một cán bộ khác.")
        return officer

    def _fire(self, cur: Any, code: str, event: str, *, actor: str, note: str | None,
              at: str | dt.datetime | None, expected_version: int | None,
              officer: str | None = None) -> dict[str, Any]:
        repo = self.app.repo
        loaded = repo.load_for_fire(cur, code, actor)
        if loaded is None:
            raise UnknownDossier(f"Không có hồ sơ «{code}».", hint="Xem danh sách bằng: thamdinh list")
        d, clock, roles, n_clocks = loaded
        if roles is None:
            raise UnknownPerson(f"Không có cán bộ «{actor}» (hoặc đã thôi công tác) trong tổ chức.",
                                hint="Xem danh sách bằng: thamdinh org show")
        if expected_version is not None and expected_version != d["version"]:
            raise ConflictError(
                f"Hồ sơ «{code}» vừa được người khác cập nhật (phiên bản {d['version']}, "
                f"bạn đang xem phiên bản {expected_version}).",
                hint="Tải lại hồ sơ rồi thực hiện lại nếu vẫn cần.")
        when, day = self._when(at)
        if when < d["last_event_at"]:
            raise TimeOrderError(
                f"Thời điểm {when.isoformat()} sớm hơn sự kiện trước đó của hồ sơ "
                f"({d['last_event_at'].astimezone(when.tzinfo).isoformat()}).",
                hint="Sự kiện phải được ghi theo đúng thứ tự thời gian.")
        cw = self.workflow(d["workflow_id"])
        wf = cw.wf
        rule = wf.rule(d["rule_version"])
        snap = DossierSnapshot(state=d["state"], fields=_fields(d), resume_state=d["resume_state"],
                               counters=json.loads(d["counters"] or "{}"))
        role_set = frozenset(r for r in roles.split(",") if r)
        step = cw.fire(snap, event, role_set, rule, clock, day, self.cal, n_clocks + 1)
        edef = wf.events[event]
        new_officer = d["officer"]
        if edef.assigns_officer:
            new_officer = self._assignee(cur, d, officer, edef.label)
            handed = f"Giao hồ sơ từ «{d['officer'] or 'chưa phân công'}» sang «{new_officer}»."
            note = f"{handed} {note}" if note else handed
        elif officer is not None:
            assigning = [e.name for e in wf.events.values() if e.assigns_officer]
            raise BadInput(f"Thao tác «{edef.label}» không giao hồ sơ cho cán bộ khác; bỏ --officer.",
                           hint=("Giao hồ sơ bằng thao tác: " + ", ".join(assigning) + ".") if assigning
                           else "Quy trình này không có thao tác giao hồ sơ.")
        open_id = d["open_clock_id"]
        if step.opened is not None:
            open_id = repo.insert_clock(cur, d, step.opened)
        elif step.changed is not None and not step.changed.is_open:
            open_id = None
        closed = when if wf.states[step.to_state].terminal else None
        supp = d["supplement_requests"] + (1 if wf.states[step.to_state].pauses_clock else 0)
        if not repo.update_dossier(cur, d["id"], d["version"], state=step.to_state,
                                   resume_state=step.resume_state, counters=step.counters,
                                   supplement_requests=supp, open_clock_id=open_id, last_event_at=when,
                                   closed_at=closed, officer=new_officer):
            raise ConflictError(f"Hồ sơ «{code}» vừa được người khác cập nhật; thao tác của bạn chưa được ghi.",
                                hint="Xem lại hồ sơ (thamdinh show) rồi thực hiện lại nếu vẫn cần.")
        if step.changed is not None:
            repo.update_clock(cur, step.changed)
            repo.record_pause(cur, step.changed, step.clock_effect)
        if new_officer != d["officer"] and open_id is not None:
            repo.assign_clock(cur, open_id, new_officer)
        repo.insert_event(cur, d["id"], d["version"] + 1, event, step.from_state, step.to_state, actor, when,
                          self.app.clock.now(), note, step.clock_effect)
        return {"code": code, "event": event, "from": step.from_state, "to": step.to_state,
                "version": d["version"] + 1, "clock_effect": step.clock_effect, "officer": new_officer}

    # -- many dossiers at once -------------------------------------------------------------
    def fire_many(self, event: str, *, actor: str, note: str | None = None, at: str | dt.datetime | None = None,
                  workflow: str | None = None, states: list[str] | None = None,
                  received_before: str | dt.date | None = None, division: str | None = None,
                  dry_run: bool = False) -> dict[str, Any]:
        """Fire ``event`` on every open dossier that matches the filters (at least one is required), in
        one transaction: all or none, the first refusal named with its dossier. ``dry_run`` does it all
        and rolls back, so the result is exactly what would happen.

        For instance, the transition of Law 135/2025: the department stops and returns the
        post-basic-design dossiers pending on 01/7/2026 (``return`` on ``post-basic-design`` received
        before that day).
        """
        if not (workflow or states or received_before or division):
            raise BadInput("Cần ít nhất một điều kiện chọn hồ sơ.",
                           hint="Dùng --workflow, --state, --received-before hoặc --division.")
        if workflow is not None and workflow not in self.app.workflows:
            self.workflow(workflow)  # raises UnknownWorkflow with the list
        known = {st for wf in self.app.workflows.values() if workflow in (None, wf.id) for st in wf.states}
        unknown = [st for st in states or [] if st not in known]
        if unknown:
            raise BadInput(f"Không có trạng thái «{unknown[0]}».", hint="Các trạng thái: " + ", ".join(sorted(known)))
        before: dt.date | None = None
        if received_before is not None:
            try:
                before = received_before if isinstance(received_before, dt.date) \
                    else dt.date.fromisoformat(str(received_before))
            except ValueError:
                raise BadInput(f"Ngày «{received_before}» không đúng định dạng YYYY-MM-DD.") from None
        repo = self.app.repo
        conds, params = ["closed_at IS NULL"], []
        for column, value in (("workflow_id", workflow), ("division", division)):
            if value:
                conds.append(f"{column} = ?")
                params.append(value)
        if states:
            conds.append(f"state IN ({', '.join('?' * len(states))})")
            params.extend(states)
        if before is not None:
            conds.append("received_on < ?")
            params.append(repo.d.day(before))
        fired: list[dict[str, Any]] = []
        try:
            with repo.transaction() as cur:
                cur.execute(repo.d.sql(f"SELECT code FROM dossier WHERE {' AND '.join(conds)} ORDER BY code"),
                            params)
                for (code,) in cur.fetchall():
                    try:
                        r = self._fire(cur, code, event, actor=actor, note=note, at=at, expected_version=None)
                    except ThamdinhError as exc:
                        exc.message = f"Hồ sơ {code}: {exc.message}"
                        exc.hint = ((exc.hint or "") + " Không hồ sơ nào được cập nhật.").strip()
                        raise
                    fired.append({"code": code, "from": r["from"], "to": r["to"]})
                if dry_run:
                    raise _RollBack  # the transaction rolls back; the result stands
        except _RollBack:
            pass
        return {"event": event, "dry_run": dry_run, "count": len(fired), "dossiers": fired}

    # -- reading -----------------------------------------------------------------------------
    def _dossier(self, s: Session, code: str) -> Dossier:
        row = s.exec(select(Dossier).where(Dossier.code == code)).one_or_none()
        if row is None:
            raise UnknownDossier(f"Không có hồ sơ «{code}».", hint="Xem danh sách bằng: thamdinh list")
        return row

    def clock_view(self, wf: WorkflowDef, c: deadlines.StageClock, today: dt.date) -> dict[str, Any]:
        used = c.used(today, self.cal)
        overdue = 0
        if c.is_open and not c.paused and c.due_date is not None and today > c.due_date:
            overdue = self.cal.units_between(c.due_date, today, c.unit)
        return {
            "stage": c.stage, "stage_label": wf.stages.get(c.stage, c.stage), "seq": c.seq,
            "start_date": c.start_date.isoformat(), "due_date": c.due_date.isoformat() if c.due_date else None,
            "paused": c.paused, "paused_on": c.paused_on.isoformat() if c.paused_on else None,
            "used": used, "remaining": c.remaining(today, self.cal), "limit": c.limit, "extension": c.extension,
            "unit": c.unit, "unit_label": UNIT_LABELS[c.unit], "policy": c.policy, "overdue_by": overdue,
            "pause_count": c.pause_count, "paused_days": c.paused_days,
            "finished_on": c.finished_on.isoformat() if c.finished_on else None, "outcome": c.outcome,
            "outcome_label": deadlines.OUTCOME_LABELS.get(c.outcome, c.outcome),
        }

    def show(self, code: str) -> dict[str, Any]:
        today = self.today()
        with Session(self.app.engine) as s:
            d = self._dossier(s, code)
            wf = self.workflow(d.workflow_id).wf
            rows = s.exec(select(StageClockRow).where(StageClockRow.dossier_id == d.id)
                          .order_by(col(StageClockRow.seq))).all()
            clocks = [self._clock(r) for r in rows]
            events = s.exec(select(DossierEvent).where(DossierEvent.dossier_id == d.id)
                            .order_by(col(DossierEvent.seq))).all()
            open_clock = next((c for c in clocks if c.id == d.open_clock_id), None)
            rule = wf.rule(d.rule_version)
            snap = DossierSnapshot(d.state, {"group": d.project_group, "grade": d.grade,
                                             "capital_source": d.capital_source, "division": d.division,
                                             "officer": d.officer}, d.resume_state, json.loads(d.counters))
            return {
                "code": d.code, "project_name": d.project_name, "investor": d.investor,
                "group": d.project_group, "grade": d.grade, "capital_source": d.capital_source,
                "division": d.division, "officer": d.officer, "workflow": d.workflow_id,
                "workflow_title": wf.title, "workflow_version": d.workflow_version,
                "rule_version": d.rule_version, "rule_source": rule.source,
                "state": d.state, "state_label": wf.state_label(d.state),
                "received_on": d.received_on.isoformat(), "version": d.version,
                "supplement_requests": d.supplement_requests, "blockers": d.blockers,
                "clock": self.clock_view(wf, open_clock, today) if open_clock else None,
                "clocks": [self.clock_view(wf, c, today) for c in clocks],
                "allowed_events": [] if wf.states[d.state].terminal
                else self.app.compiled[wf.id].possible_events(snap, rule),
                "history": [{"seq": e.seq, "event": e.event, "event_label": "Tiếp nhận hồ sơ" if e.event == RECEIVE
                             else wf.event_label(e.event), "from": e.from_state, "to": e.to_state,
                             "to_label": wf.state_label(e.to_state),
                             "actor": e.actor, "at": e.at.astimezone(TZ).isoformat(), "note": e.note,
                             "clock_effect": e.clock_effect} for e in events],
            }

    def _clock(self, r: StageClockRow) -> deadlines.StageClock:
        return deadlines.StageClock(
            stage=r.stage, seq=r.seq, unit=r.unit, limit=r.limit_units, policy=r.policy,
            start_date=r.start_date, segment_start=r.segment_start, due_date=r.due_date,
            used_before=r.used_before, extension=r.extension, max_extension=r.max_extension,
            paused_on=r.paused_on, pause_count=r.pause_count, paused_days=r.paused_days,
            finished_on=r.finished_on, outcome=r.outcome, closed_by=r.closed_by, id=r.id,
            paused_working_days=r.paused_working_days or 0, turnaround_working_days=r.turnaround_working_days,
            turnaround_days=r.turnaround_days)

    def list_dossiers(self, *, state: str | None = None, division: str | None = None,
                      officer: str | None = None, overdue: bool = False, due_within: int | None = None,
                      workflow: str | None = None, limit: int = 500) -> list[dict[str, Any]]:
        today = self.today()
        due = col(StageClockRow.due_date)
        conds: list[ColumnElement[bool]] = []
        if state:
            conds.append(col(Dossier.state) == state)
        if division:
            conds.append(col(Dossier.division) == division)
        if officer:
            conds.append(col(Dossier.officer) == officer)
        if workflow:
            conds.append(col(Dossier.workflow_id) == workflow)
        if overdue or due_within is not None:
            # the open clock (finished_on NULL, as every open clock's): the partial index ix_stage_clock_open_only
            conds.append(col(StageClockRow.finished_on).is_(None))
        if overdue:
            conds.append(due < today)
        if due_within is not None:
            if due_within < 0:
                raise BadInput("--due-within phải là số ngày làm việc không âm.")
            horizon = self.cal.add_working_days(today, due_within)
            conds.append(and_(due >= today, due <= horizon))
        q = (select(Dossier, StageClockRow)
             .join(StageClockRow, col(StageClockRow.id) == col(Dossier.open_clock_id), isouter=True)
             .where(and_(true(), *conds))
             .order_by(due.is_(None), due, col(Dossier.code)).limit(limit))
        out = []
        with Session(self.app.engine) as s:
            for d, c in s.exec(q).all():
                wf = self.workflow(d.workflow_id).wf
                view = self.clock_view(wf, self._clock(c), today) if c is not None else None
                out.append({"code": d.code, "project_name": d.project_name, "workflow": d.workflow_id,
                            "state": d.state, "state_label": wf.state_label(d.state), "division": d.division,
                            "officer": d.officer, "group": d.project_group, "grade": d.grade,
                            "rule_version": d.rule_version, "clock": view})
        return out

    # -- import ------------------------------------------------------------------------------
    IMPORT_COLUMNS = ("code", "event", "at", "actor", "note", "workflow", "project_name", "investor",
                      "group", "grade", "division", "officer", "capital_source")

    def import_csv(self, path: Path) -> dict[str, int]:
        """Import historical dossiers and their events from a CSV file, all or nothing.

        One row per event, in time order per dossier; a ``receive`` row creates the dossier (with its
        project columns), later rows fire events. Raises BadInput naming the line on the first error.
        """
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise BadInput(f"Không mở được tệp {path}: {exc.strerror}.") from None
        counts = {"dossiers": 0, "events": 0}
        with handle, self.app.repo.transaction() as cur:
            reader = csv.DictReader(handle)
            missing = [c for c in ("code", "event", "at", "actor") if c not in (reader.fieldnames or [])]
            if missing:
                raise BadInput(f"{path}: thiếu cột {', '.join(missing)}.",
                               hint="Các cột: " + ", ".join(self.IMPORT_COLUMNS) + ".")
            for row in reader:
                line = reader.line_num
                get = functools.partial(_cell, row)
                try:
                    if get("event") == RECEIVE:
                        self._receive(cur, workflow=get("workflow") or "", code=get("code") or "",
                                      name=get("project_name") or "", investor=get("investor") or "",
                                      group=get("group") or "", division=get("division") or "",
                                      grade=get("grade"), officer=get("officer"),
                                      capital_source=get("capital_source"), at=get("at"),
                                      actor=get("actor"), note=get("note"))
                        counts["dossiers"] += 1
                    else:
                        event = get("event") or ""
                        # the officer column names whom a handover goes to; on other rows it is ignored
                        self._fire(cur, get("code") or "", event, actor=get("actor") or "", note=get("note"),
                                   at=get("at"), expected_version=None,
                                   officer=get("officer") if self.assigns_officer(event) else None)
                        counts["events"] += 1
                except ThamdinhError as exc:
                    exc.message = f"{path}, dòng {line}: {exc.message}"
                    exc.hint = ((exc.hint or "") + " Không có dòng nào được nhập.").strip()
                    raise
        return counts

    # -- calendar ---------------------------------------------------------------------------
    def due_date(self, start: dt.date, n: int, unit: str) -> dt.date:
        unit = unit.replace("-", "_")
        if unit not in UNITS:
            raise BadInput(f"Đơn vị «{unit}» không hợp lệ.", hint="Dùng days hoặc working-days.")
        if n <= 0:
            raise BadInput(f"Số ngày phải dương, không phải {n}.")
        return self.cal.add(start, n, unit)

    def iter_history(self, code: str) -> Iterator[DossierEvent]:
        with Session(self.app.engine) as s:
            d = self._dossier(s, code)
            yield from s.exec(select(DossierEvent).where(DossierEvent.dossier_id == d.id)
                              .order_by(col(DossierEvent.seq)))


__all__ = ["Services", "DAYS", "WORKING_DAYS", "ClockPause", "NotPermitted"]
