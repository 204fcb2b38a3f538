"""Deadline alerts: which alerts a clock has fallen due for, and the idempotent scan that records them.

Kinds, from the mildest: ``due_soon`` (``due_soon`` working days before the due date), ``due_today``,
``overdue`` (the next working day after the due date) and ``escalation`` (``escalate_after`` working
days after it). Thresholds come from the workflow (``alerts:`` per stage).

The scan (``scan``):
- runs only on working days; an alert that fell due on a day off is raised by the next working
  day's scan, because an alert is due when the day it falls on is on or before the scan's day;
- reads candidates with an indexed query on open clocks (``stage_clock`` with ``finished_on IS NULL``
  and a due date no later than the widest due-soon horizon) that are the dossier's open clock and miss
  an alert that has fallen due (see ``_CANDIDATES``); it never loads every dossier;
- records each alert once per (dossier, clock, kind, due date): ``INSERT … ON CONFLICT DO NOTHING``
  against a unique constraint, so re-running, restarting or overlapping scans raise nothing twice,
  and a resumed or extended clock (new due date) is judged afresh; a paused clock has no due date
  and is never a candidate;
- writes the messages an alert causes into the outbox in the same transaction.

Who is told: the officer in charge gets each alert; heads of the division get ``overdue`` at once;
directors get ``escalation``. When a catch-up scan raises several kinds for one clock at once, each
recipient gets one message, about the most severe. People without an e-mail address get an outbox row
in status ``no_address`` and are listed in the scan's result (``problems``), never skipped silently.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .calendar import UNIT_LABELS, WorkingCalendar
from .definitions import AlertThresholds, AnswerWindow
from .timeutil import local_date

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger(__name__)

DUE_SOON, DUE_TODAY, OVERDUE, ESCALATION = "due_soon", "due_today", "overdue", "escalation"
KINDS = (DUE_SOON, DUE_TODAY, OVERDUE, ESCALATION)  # mildest first
#: a paused clock whose investor let the answer window (``supplement_answer``) run out
ANSWER_OVERDUE = "answer_overdue"
SEVERITY = {**{k: i for i, k in enumerate(KINDS)}, ANSWER_OVERDUE: len(KINDS)}
KIND_LABELS = {DUE_SOON: "Sắp đến hạn", DUE_TODAY: "Đến hạn hôm nay", OVERDUE: "Quá hạn",
               ESCALATION: "Quá hạn, báo cáo Giám đốc", ANSWER_OVERDUE: "Quá hạn bổ sung hồ sơ"}


# -- the pure decision -------------------------------------------------------------------------
def alert_days(due: dt.date, t: AlertThresholds, cal: WorkingCalendar) -> dict[str, dt.date]:
    """The day each kind of alert falls due for a clock due on ``due``."""
    return {
        DUE_SOON: cal.add_working_days(due, -t.due_soon),
        DUE_TODAY: due,
        OVERDUE: cal.next_working_day(due, include_self=False),
        ESCALATION: cal.add_working_days(due, t.escalate_after),
    }


def due_alerts(due: dt.date | None, today: dt.date, t: AlertThresholds,
               cal: WorkingCalendar) -> list[tuple[str, dt.date]]:
    """Kinds (with the day each fell due) that a scan on ``today`` must have raised; none if paused."""
    if due is None:
        return []
    return [(kind, day) for kind, day in alert_days(due, t, cal).items() if day <= today]


def answer_deadline(paused_on: dt.date, window: AnswerWindow, cal: WorkingCalendar) -> dt.date:
    """The last day the investor may answer a supplement request made on ``paused_on``."""
    return cal.add(paused_on, window.value, window.unit)


def answer_overdue_on(paused_on: dt.date, window: AnswerWindow, cal: WorkingCalendar) -> dt.date:
    """The day the ``answer_overdue`` alert falls due: the working day after the last day to answer."""
    return cal.next_working_day(answer_deadline(paused_on, window, cal), include_self=False)


def status_on(due: dt.date, today: dt.date, t: AlertThresholds, cal: WorkingCalendar) -> str | None:
    """What a digest says about a clock due on ``due``: overdue, due_today, due_soon or None."""
    if today > due:
        return OVERDUE
    if today == due:
        return DUE_TODAY
    return DUE_SOON if cal.add_working_days(due, -t.due_soon) <= today else None


def days_between(cal: WorkingCalendar, a: dt.date, b: dt.date, unit: str) -> int:
    return max(0, cal.units_between(a, b, unit))


# -- people ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    id: str
    name: str
    email: str | None
    division: str | None
    roles: frozenset[str]


class Directory:
    """Active people by id, heads by division, directors."""

    def __init__(self, people: Iterable[Person]) -> None:
        self.by_id = {p.id: p for p in people}
        self.heads: dict[str, list[Person]] = defaultdict(list)
        self.directors: list[Person] = []
        for p in sorted(self.by_id.values(), key=lambda p: p.id):
            if "head" in p.roles and p.division:
                self.heads[p.division].append(p)
            if "director" in p.roles:
                self.directors.append(p)

    @classmethod
    def load(cls, cur: Any, sql: Any) -> Directory:
        cur.execute(sql("SELECT id, name, email, division, roles FROM person WHERE active = ?"), (True,))
        return cls(Person(r[0], r[1], (r[2] or "").strip() or None, r[3],
                          frozenset(x.strip() for x in (r[4] or "").split(",") if x.strip()))
                   for r in cur.fetchall())

    def name(self, person_id: str | None) -> str:
        if not person_id:
            return "(chưa phân công)"
        p = self.by_id.get(person_id)
        return p.name if p else person_id


# -- results -----------------------------------------------------------------------------------
@dataclass
class ScanResult:
    day: dt.date
    working_day: bool
    candidates: int = 0
    raised: list[dict[str, Any]] = field(default_factory=list)
    messages: int = 0
    problems: list[str] = field(default_factory=list)
    missing_email: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "working_day": self.working_day, "candidates": self.candidates,
                "raised": self.raised, "messages": self.messages, "problems": self.problems,
                "missing_email": self.missing_email}


# -- the scan ----------------------------------------------------------------------------------
#: Open clocks (the dossier's current one) due by the widest due-soon horizon that still miss an alert.
#: The kinds fallen due by day T for a clock due on D (T a working day, D a working day) are:
#: due_soon (D <= horizon), due_today (D <= T), overdue (D < T), escalation (D <= T minus E working days);
#: a clock whose recorded alerts for D already number that many has nothing new and is not read.
#: With per-stage thresholds, the horizon is the widest and E the smallest, so the count is an upper
#: bound: a clock may be read for nothing, never skipped wrongly. The exact decision is due_alerts().
_CANDIDATES = (
    "SELECT c.id, c.dossier_id, c.stage, c.unit, c.due_date, d.code, d.project_name, d.investor, "
    "d.workflow_id, d.division, d.officer, d.blockers, a.kind "
    "FROM stage_clock c {indexed} "
    "JOIN dossier d ON d.id = c.dossier_id AND d.open_clock_id = c.id "
    "LEFT JOIN alert a ON a.clock_id = c.id AND a.due_date = c.due_date "
    "WHERE c.finished_on IS NULL AND c.due_date IS NOT NULL AND c.due_date <= ? "
    "AND (SELECT COUNT(*) FROM alert e WHERE e.clock_id = c.id AND e.due_date = c.due_date) < "
    "1 + CASE WHEN c.due_date <= ? THEN 1 ELSE 0 END + CASE WHEN c.due_date < ? THEN 1 ELSE 0 END "
    "+ CASE WHEN c.due_date <= ? THEN 1 ELSE 0 END"
)


#: Paused open clocks (a paused clock has no due date: the NULL end of ix_stage_clock_open_only) paused
#: on or before the latest day whose window has run out (``answer_cutoff``), and for the scan, without an
#: ``answer_overdue`` alert for this pause (an alert of an earlier pause has a due date before this
#: pause began). The exact decision, per rule version, is made in Python.
_PAUSED_CLOCKS = (
    "SELECT c.id, c.dossier_id, c.stage, c.paused_on, d.code, d.project_name, d.investor, d.workflow_id, "
    "d.rule_version, d.division, d.officer, d.blockers "
    "FROM stage_clock c {indexed} "
    "JOIN dossier d ON d.id = c.dossier_id AND d.open_clock_id = c.id "
    "WHERE c.finished_on IS NULL AND c.due_date IS NULL AND c.paused_on IS NOT NULL AND c.paused_on <= ?"
)
_ANSWER_CANDIDATES = (_PAUSED_CLOCKS + " AND NOT EXISTS (SELECT 1 FROM alert a WHERE a.clock_id = c.id "
                      "AND a.kind = ? AND a.due_date >= c.paused_on)")

#: Recorded only if the clock is still open and paused since the same day.
_INSERT_ANSWER_ALERT = (
    "INSERT INTO alert (dossier_id, clock_id, kind, stage, due_date, falls_on, raised_on, raised_at) "
    "SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM stage_clock s JOIN dossier o "
    "ON o.id = s.dossier_id AND o.open_clock_id = s.id WHERE s.id = ? AND s.finished_on IS NULL "
    "AND s.due_date IS NULL AND s.paused_on = ?) "
    "ON CONFLICT (clock_id, due_date, kind, dossier_id) DO NOTHING RETURNING id"
)


def answer_cutoff(app: App, today: dt.date) -> dt.date | None:
    """The latest request day whose answer window (any rule version's) has run out by ``today``: the
    bound of the paused clocks worth reading (None when no rule version has a window)."""
    cal = app.calendar
    windows = {(r.supplement_answer.value, r.supplement_answer.unit) for wf in app.workflows.values()
               for r in wf.rule_versions if r.supplement_answer is not None}
    best: dt.date | None = None
    one = dt.timedelta(days=1)
    for value, unit in windows:
        window = AnswerWindow(value, unit, "")
        day = today - dt.timedelta(days=value)  # a later request's window lasts at least until today
        while day >= cal.first and answer_overdue_on(day, window, cal) > today:
            day -= one
        if best is None or day > best:
            best = day
    return best


def candidate_params(app: App, today: dt.date) -> tuple[Any, ...]:
    cal = app.calendar
    d = app.repo.d
    horizon = cal.add_working_days(today, widest_due_soon(app))
    escalated_by = cal.add_working_days(today, -smallest_escalate_after(app))
    return d.day(horizon), d.day(today), d.day(today), d.day(escalated_by)


#: Recorded only if the clock is still open on the same due date (an officer may have closed, paused
#: or extended it since the candidates were read); a conflict means another scan recorded it first.
_INSERT_ALERT = (
    "INSERT INTO alert (dossier_id, clock_id, kind, stage, due_date, falls_on, raised_on, raised_at) "
    "SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM stage_clock s JOIN dossier o "
    "ON o.id = s.dossier_id AND o.open_clock_id = s.id WHERE s.id = ? AND s.finished_on IS NULL AND s.due_date = ?) "
    "ON CONFLICT (clock_id, due_date, kind, dossier_id) DO NOTHING RETURNING id"
)


def open_clock_sql(app: App, template: str) -> str:
    """The query on open clocks for this backend. SQLite is told to use the partial index of open
    clocks (without statistics its planner prefers the plain index on finished_on, which reads every
    open clock); PostgreSQL's planner picks it by itself."""
    d = app.repo.d
    return d.sql(template.format(indexed="INDEXED BY ix_stage_clock_open_only" if d.sqlite else ""))


#: clocks per transaction in a scan
CHUNK = 200


def widest_due_soon(app: App) -> int:
    widest = AlertThresholds().due_soon
    for wf in app.workflows.values():
        for t in wf.alerts.values():
            widest = max(widest, t.due_soon)
    return widest


def smallest_escalate_after(app: App) -> int:
    least = AlertThresholds().escalate_after
    for wf in app.workflows.values():
        for t in wf.alerts.values():
            least = min(least, t.escalate_after)
    return least


def thresholds_for(app: App, workflow_id: str, stage: str) -> AlertThresholds:
    wf = app.workflows.get(workflow_id)
    return wf.alert_thresholds(stage) if wf else AlertThresholds()


def stage_label(app: App, workflow_id: str, stage: str) -> str:
    wf = app.workflows.get(workflow_id)
    return wf.stages.get(stage, stage) if wf else stage


def dossier_link(app: App, code: str) -> str:
    return f"{app.settings.base_url.rstrip('/')}/ho-so/{quote(code, safe='')}"


def scan(app: App, at: dt.datetime | None = None) -> ScanResult:
    """Raise every alert that has fallen due by ``at`` (default: now), once; returns what happened.

    Each alert commits together with its outbox rows; clocks are handled in transactions of
    ``CHUNK`` so that a large catch-up never holds the database's write lock for long.
    """
    from notifications.outbox import Outbox

    now = at or app.clock.now()
    today = local_date(now)
    cal = app.calendar
    if not cal.is_working_day(today):
        log.info("scan on %s skipped: not a working day", today)
        return ScanResult(today, False)
    result = ScanResult(today, True)
    repo = app.repo
    sql = repo.d.sql
    with repo.transaction() as cur:
        cur.execute(open_clock_sql(app, _CANDIDATES), candidate_params(app, today))
        rows = cur.fetchall()
    clocks: dict[int, dict[str, Any]] = {}
    for r in rows:
        c = clocks.get(r[0])
        if c is None:
            c = clocks[r[0]] = {
                "clock_id": r[0], "dossier_id": r[1], "stage": r[2], "unit": r[3],
                "due_date": repo.d.read_day(r[4]), "code": r[5], "name": r[6], "investor": r[7],
                "workflow_id": r[8], "division": r[9], "officer": r[10], "blockers": r[11], "have": set()}
        if r[12] is not None:
            c["have"].add(r[12])
    todo = []
    for c in clocks.values():
        t = thresholds_for(app, c["workflow_id"], c["stage"])
        new = [(k, day) for k, day in due_alerts(c["due_date"], today, t, cal) if k not in c["have"]]
        if new:
            todo.append((c, new))
    with repo.transaction() as cur:
        answers, answer_candidates = _past_answer_window(app, cur, today, unalerted=True)
    todo.extend((c, [(ANSWER_OVERDUE, c["falls_on"])]) for c in answers)
    result.candidates = len(clocks) + answer_candidates
    people: Directory | None = None
    insert, insert_answer = sql(_INSERT_ALERT), sql(_INSERT_ANSWER_ALERT)
    for start in range(0, len(todo), CHUNK):
        with repo.transaction() as cur:
            outbox = Outbox(app, cur)
            for c, new in todo[start:start + CHUNK]:
                raised: dict[str, int] = {}
                for kind, falls_on in new:
                    due = repo.d.day(c["due_date"])
                    values = (c["dossier_id"], c["clock_id"], kind, c["stage"], due, repo.d.day(falls_on),
                              repo.d.day(today), repo.d.ts(now), c["clock_id"])
                    if kind == ANSWER_OVERDUE:
                        cur.execute(insert_answer, (*values, repo.d.day(c["paused_on"])))
                    else:
                        cur.execute(insert, (*values, due))
                    row = cur.fetchone()
                    if row is not None:  # None: recorded by another scan, or the clock changed meanwhile
                        raised[kind] = int(row[0])
                        result.raised.append({"code": c["code"], "kind": kind, "stage": c["stage"],
                                              "due_date": c["due_date"].isoformat(),
                                              "falls_on": falls_on.isoformat()})
                if raised:
                    if people is None:
                        people = Directory.load(cur, sql)
                    result.messages += _notify(app, outbox, people, c, raised, today, result)
    for item in result.raised:
        log.debug("alert %s raised for %s (due %s)", item["kind"], item["code"], item["due_date"])
    log.info("scan of %s: %d candidates, %d alerts raised, %d messages queued", today, result.candidates,
             len(result.raised), result.messages)
    for problem in result.problems:
        log.warning("%s", problem)
    return result


def _past_answer_window(app: App, cur: Any, today: dt.date,
                        unalerted: bool) -> tuple[list[dict[str, Any]], int]:
    """Paused clocks whose investor's answer window (the dossier's rule version) ran out by ``today``
    (with ``unalerted``: only those without an ``answer_overdue`` alert for this pause); and how many
    paused clocks were read."""
    last_day = answer_cutoff(app, today)
    if last_day is None:
        return [], 0
    repo, cal = app.repo, app.calendar
    cutoff = repo.d.day(last_day)
    if unalerted:
        cur.execute(open_clock_sql(app, _ANSWER_CANDIDATES), (cutoff, ANSWER_OVERDUE))
    else:
        cur.execute(open_clock_sql(app, _PAUSED_CLOCKS), (cutoff,))
    rows = cur.fetchall()
    out = []
    for (clock_id, dossier_id, stage, paused_raw, code, name, investor, workflow_id, rule_id, division, officer,
         blockers) in rows:
        wf = app.workflows.get(workflow_id)
        rule = wf.find_rule(rule_id) if wf else None
        if rule is None or rule.supplement_answer is None:
            continue
        paused_on = repo.d.read_day(paused_raw)
        assert paused_on is not None
        window = rule.supplement_answer
        falls_on = answer_overdue_on(paused_on, window, cal)
        if falls_on > today:
            continue
        out.append({"clock_id": clock_id, "dossier_id": dossier_id, "stage": stage, "unit": window.unit,
                    "due_date": answer_deadline(paused_on, window, cal), "falls_on": falls_on,
                    "paused_on": paused_on, "code": code, "name": name, "investor": investor,
                    "workflow_id": workflow_id, "division": division, "officer": officer, "blockers": blockers})
    return out, len(rows)


def _notify(app: App, outbox: Any, people: Directory, c: dict[str, Any], raised: dict[str, int],
            today: dt.date, result: ScanResult) -> int:
    """Queue one message per recipient for a clock's newly raised alerts: the most severe one each."""
    wanted: dict[str, tuple[str, str]] = {}  # person -> (kind, audience)

    def want(person_id: str, kind: str, audience: str) -> None:
        old = wanted.get(person_id)
        if old is None or SEVERITY[kind] > SEVERITY[old[0]]:
            wanted[person_id] = (kind, audience)

    for kind in raised:
        if c["officer"] and c["officer"] in people.by_id:
            want(c["officer"], kind, "officer")
        elif kind == max(raised, key=SEVERITY.__getitem__):
            who = (f"cán bộ «{c['officer']}» không có hoặc đã thôi công tác" if c["officer"]
                   else "chưa phân công chuyên viên")
            result.problems.append(f"Hồ sơ {c['code']}: {who}; cảnh báo «{KIND_LABELS[kind]}» "
                                   "không gửi được cho chuyên viên.")
        if kind in (OVERDUE, ANSWER_OVERDUE):
            heads = people.heads.get(c["division"], [])
            if not heads:
                result.problems.append(f"Hồ sơ {c['code']}: phòng {c['division']} không có trưởng phòng "
                                       "để báo quá hạn.")
            for h in heads:
                want(h.id, kind, "head")
        if kind == ESCALATION:
            if not people.directors:
                result.problems.append(f"Hồ sơ {c['code']}: không có Giám đốc (vai trò director) để báo cáo.")
            for d in people.directors:
                want(d.id, kind, "director")
    sent = 0
    cal = app.calendar
    due = c["due_date"]
    for person_id, (kind, audience) in sorted(wanted.items()):
        person = people.by_id[person_id]
        days = (days_between(cal, today, due, c["unit"]) if kind == DUE_SOON
                else days_between(cal, due, today, c["unit"]))
        context = {
            "recipient": {"id": person.id, "name": person.name}, "audience": audience, "kind": kind,
            "dossier": {"code": c["code"], "name": c["name"], "investor": c["investor"], "division": c["division"],
                        "officer_name": people.name(c["officer"]),
                        "stage_label": stage_label(app, c["workflow_id"], c["stage"]), "due_date": due,
                        "days": days, "unit_label": UNIT_LABELS.get(c["unit"], c["unit"]),
                        "blockers": c["blockers"], "link": dossier_link(app, c["code"]),
                        "paused_on": c.get("paused_on")},
        }
        alert_id = raised[kind]
        if outbox.add(f"alert:{alert_id}:{person.id}", "alert", person, "alert", context, alert_id=alert_id,
                      dossier_id=c["dossier_id"]):
            sent += 1
        if person.email is None:
            result.missing_email.append({"person": person.id, "name": person.name, "code": c["code"], "kind": kind})
            result.problems.append(f"{person.name} ({person.id}) chưa có e-mail: thư «{KIND_LABELS[kind]}» về "
                                   f"hồ sơ {c['code']} được giữ lại (trạng thái no_address).")
    return sent


# -- the daily digest for heads of division ---------------------------------------------------
_DIGEST_ROWS = (
    "SELECT c.stage, c.unit, c.due_date, d.code, d.project_name, d.workflow_id, d.division, d.officer, "
    "d.blockers, d.id "
    "FROM stage_clock c {indexed} JOIN dossier d ON d.id = c.dossier_id AND d.open_clock_id = c.id "
    "WHERE c.finished_on IS NULL AND c.due_date IS NOT NULL AND c.due_date <= ? "
    "ORDER BY c.due_date, d.code"
)


@dataclass
class DigestResult:
    day: dt.date
    working_day: bool
    digests: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"day": self.day.isoformat(), "working_day": self.working_day, "digests": self.digests,
                "problems": self.problems}


def digest(app: App, at: dt.datetime | None = None) -> DigestResult:
    """Queue today's digest for every head of division with something to say; once per head and day."""
    from notifications.outbox import Outbox

    now = at or app.clock.now()
    today = local_date(now)
    cal = app.calendar
    if not cal.is_working_day(today):
        return DigestResult(today, False)
    result = DigestResult(today, True)
    repo = app.repo
    horizon = cal.add_working_days(today, widest_due_soon(app))
    with repo.transaction() as cur:
        people = Directory.load(cur, repo.d.sql)
        cur.execute(open_clock_sql(app, _DIGEST_ROWS), (repo.d.day(horizon),))
        by_division: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for stage, unit, due_raw, code, name, wid, division, officer, blockers, _ in cur.fetchall():
            due = repo.d.read_day(due_raw)
            assert due is not None
            status = status_on(due, today, thresholds_for(app, wid, stage), cal)
            if status is None:
                continue
            days = days_between(cal, due, today, unit) if status == OVERDUE else days_between(cal, today, due, unit)
            by_division[division].append({
                "code": code, "name": name, "stage_label": stage_label(app, wid, stage), "due_date": due,
                "status": status, "days": days, "unit_label": UNIT_LABELS.get(unit, unit),
                "officer_name": people.name(officer), "blockers": blockers, "link": dossier_link(app, code)})
        # paused dossiers whose investor let the answer window run out: to be returned
        for c in _past_answer_window(app, cur, today, unalerted=False)[0]:
            by_division[c["division"]].append({
                "code": c["code"], "name": c["name"], "stage_label": stage_label(app, c["workflow_id"], c["stage"]),
                "due_date": c["due_date"], "status": ANSWER_OVERDUE, "paused_on": c["paused_on"],
                "days": days_between(cal, c["due_date"], today, c["unit"]),
                "unit_label": UNIT_LABELS.get(c["unit"], c["unit"]), "officer_name": people.name(c["officer"]),
                "blockers": c["blockers"], "link": dossier_link(app, c["code"])})
        cur.execute(repo.d.sql("SELECT code, name FROM division"))
        division_names = dict(cur.fetchall())
        outbox = Outbox(app, cur)
        for division, items in sorted(by_division.items()):
            heads = people.heads.get(division, [])
            if not heads:
                result.problems.append(f"Phòng {division} có {len(items)} hồ sơ cần đôn đốc "
                                       "nhưng không có trưởng phòng.")
            items.sort(key=lambda i: (i["due_date"], i["code"]))  # most urgent first, the paused ones among them
            counts = {k: sum(1 for i in items if i["status"] == k)
                      for k in (OVERDUE, DUE_TODAY, DUE_SOON, ANSWER_OVERDUE)}
            for head in heads:
                context = {"recipient": {"id": head.id, "name": head.name},
                           "division_name": division_names.get(division, division), "day": today,
                           "items": items, "counts": counts}
                added = outbox.add(f"digest:{head.id}:{today.isoformat()}", "digest", head, "digest", context)
                result.digests.append({"head": head.id, "division": division, "items": len(items),
                                       "queued": added, "email": head.email})
                if head.email is None:
                    result.problems.append(f"{head.name} ({head.id}) chưa có e-mail: bản tổng hợp ngày "
                                           f"{today.isoformat()} được giữ lại (trạng thái no_address).")
    for problem in result.problems:
        log.warning("%s", problem)
    return result
