"""The main job: a realistic province year in a fresh SQLite database, then every report.

``run_demo`` builds ``OUT/thamdinh.db``, loads the sample organisation and simulates the 2024 movement
period (01/02/2024 – 31/01/2025) day by day: about 3,000 dossiers received on working days (fewer
around Tết, more before the year end), a plausible mix of workflows, project groups and grades, officers
of differing speed, supplement requests (sometimes two: counted late), extensions, returns and
withdrawals, some dossiers late. Every event goes through ``Services.receive`` / ``Services.fire`` with
an explicit ``at=`` on a working day of ``app.calendar``, while a ``FixedClock`` moves forward.

If the deadline alerts (``engine.alerts``) and the outbox dispatcher (``notifications.dispatcher``) are
installed, each simulated working day starts as the scheduler's would: the deadline scan before the
office opens (07:00; the scheduler's first scan of the day raises what falls due that day, its later
scans find nothing new unless an officer changes a clock), the heads' digest at ``DIGEST_TIME`` (07:30),
and a dispatch after each, so the reminders and digests of the whole year land as .eml files in
``OUT/thu-di``; without those modules that part is skipped and the summary says so.

Finally the monthly report of every campaign month (HTML, XLSX, JSON) and the year-end evaluation go to
``OUT/bao-cao``. The random seed is fixed: the same command gives the same year.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
import shutil
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .app import App
from .resources import workflows_dir
from .settings import Settings
from .timeutil import TZ, FixedClock

log = logging.getLogger(__name__)

DEFAULT_SIZE = 3000
SEED = 20240201
HANDOVER_P = 0.04  # dossiers a head hands to another officer midway (leave, workload)
DIVISION_WEIGHTS = {"QLXD": 0.45, "HTKT": 0.35, "QHKT": 0.20}
GROUPS = (("A", 0.08), ("B", 0.32), ("C", 0.60))
GRADES = (("special", 0.02), ("I", 0.10), ("II", 0.30), ("III", 0.45), ("IV", 0.13))
APPRAISAL_DAYS = {"A": 35, "B": 25, "C": 15}
DESIGN_DAYS = {"special": 40, "I": 40, "II": 30, "III": 30, "IV": 20}
TET = (dt.date(2024, 2, 10), dt.date(2025, 1, 29))  # lunar new year's days in the period
PLACES = ("Tân Hòa", "Phú Lý", "Long Thành", "Nhơn Trạch", "Trảng Bom", "Vĩnh Cửu", "Định Quán", "Xuân Lộc",
          "Cẩm Mỹ", "Thống Nhất", "Tân Phú", "Biên Hòa", "Long Khánh", "Bình Phước", "Đồng Xoài", "Chơn Thành")
KINDS = ("Đường giao thông liên xã", "Trường tiểu học", "Trạm y tế", "Kè chống sạt lở", "Nhà văn hóa",
         "Cầu bê tông cốt thép", "Hệ thống thoát nước", "Trụ sở làm việc", "Chợ dân sinh", "Nâng cấp tỉnh lộ",
         "Khu tái định cư", "Trường trung học cơ sở", "Công viên cây xanh", "Hồ chứa nước")
INVESTORS = ("Ban QLDA đầu tư xây dựng tỉnh", "Ban QLDA giao thông", "Ban QLDA dân dụng và công nghiệp",
             "UBND huyện Vĩnh Cửu", "UBND huyện Long Thành", "UBND thành phố Biên Hòa", "Sở Y tế",
             "Sở Giáo dục và Đào tạo", "Công ty CP Đầu tư Phát triển Đồng Nai")


@dataclass
class Plan:
    """One dossier's life as planned: its receipt and events, as working-day offsets from receipt.
    A handover is the event ``reassign:NEW_OFFICER`` (the head hands the dossier to NEW_OFFICER)."""

    code: str
    receive: dict[str, Any]
    events: list[tuple[int, str, str]] = field(default_factory=list)  # (offset, event, actor)


def _pick(rng: random.Random, pairs: tuple[tuple[str, float], ...] | list[tuple[str, float]]) -> str:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _receipt_weight(day: dt.date) -> float:
    """Dossiers arrive less around Tết and more before the year end (disbursement deadline)."""
    w = 1.0
    for tet in TET:
        gap = abs((day - tet).days)
        if gap <= 21:
            w *= 0.25 + 0.75 * gap / 21
    if day.month in (10, 11, 12):
        w *= 1.25
    return w


def _stage(rng: random.Random, plan: Plan, t: int, limit_days: int, speed: float, officer: str, head: str,
           intake: bool, supplement_p: float, flags: dict[str, Any]) -> int | None:
    """Plan one stage from offset ``t``; returns the offset it finishes on (None: the dossier ended)."""
    ev = plan.events
    budget = max(2, round(limit_days * 5 / 7 * speed * math.exp(rng.gauss(-0.2, 0.3))))
    if intake:
        # within intake (at most 5 working days) the officer accepts or asks once for supplements
        if rng.random() < 0.12:
            t += rng.randint(1, 4)
            ev.append((t, "request_supplement", officer))
            if rng.random() < 0.05:  # the investor never answers: returned after 20 working days
                ev.append((t + 21, "return", officer))
                return None
            t += rng.randint(3, 15)
            ev.append((t, "receive_supplement", officer))
            flags["supp"] += 1
        t += rng.randint(1, 3)
        ev.append((t, "accept", officer))
        budget = max(1, budget - 2)
    if rng.random() < 0.03:
        t += rng.randint(2, 8)
        ev.append((t, "withdraw", officer))
        return None
    if rng.random() < supplement_p and not flags["review_supp"]:  # once per dossier during review
        flags["review_supp"] = True
        t += rng.randint(2, max(2, budget // 2))
        ev.append((t, "request_supplement", officer))
        t += rng.randint(3, 18)
        ev.append((t, "receive_supplement", officer))
        budget = max(1, budget - 2)
        flags["supp"] += 1
    if rng.random() < 0.04 and not flags["extended"]:
        ev.append((t + max(1, budget // 2), "extend", head))
        flags["extended"] = True
    if rng.random() < 0.02:
        ev.append((t + max(1, budget // 2), "return", officer))
        return None
    return t + budget


def make_plans(app: App, size: int, start: dt.date, end: dt.date, seed: int = SEED) -> list[tuple[dt.date, Plan]]:
    """Receipts and event plans of ``size`` dossiers over the working days from ``start`` to ``end``."""
    rng = random.Random(seed)
    cal = app.calendar
    days = list(cal.working_days_in(start, end))
    weights = [_receipt_weight(d) for d in days]
    people = app.services.people()
    officers: dict[str, list[str]] = defaultdict(list)
    heads: dict[str, str] = {}
    for p in people:
        roles = set(p.roles.split(","))
        if "head" in roles and p.division:
            heads[p.division] = p.id
        if "officer" in roles and "head" not in roles and p.division:
            officers[p.division].append(p.id)
    speed = {pid: rng.uniform(0.45, 0.9) for ids in officers.values() for pid in ids}
    # one notably slow officer and one notably fast one make the ranking interesting
    if "cv.vo" in speed:
        speed["cv.vo"] = 1.05
    if "cv.ngo" in speed:
        speed["cv.ngo"] = 0.4
    receipts = sorted(rng.choices(range(len(days)), weights=weights, k=size))
    out = []
    for n, i in enumerate(receipts, 1):
        day = days[i]
        division = _pick(rng, list(DIVISION_WEIGHTS.items()))
        officer = rng.choice(officers[division])
        head = heads[division]
        workflow = "project-appraisal" if rng.random() < 0.7 else "post-basic-design"
        group, grade = _pick(rng, GROUPS), _pick(rng, GRADES)
        prefix = "BCNCKT" if workflow == "project-appraisal" else "TKXD"
        code = f"{prefix}-{day.year}-{n:05d}"
        name = f"{rng.choice(KINDS)} {rng.choice(PLACES)}"
        plan = Plan(code, dict(workflow=workflow, code=code, name=name, investor=rng.choice(INVESTORS),
                               group=group, grade=grade, division=division, officer=officer,
                               capital_source="Ngân sách tỉnh"))
        flags: dict[str, Any] = {"supp": 0, "extended": False, "review_supp": False}
        s = speed[officer]
        if workflow == "project-appraisal":
            t = _stage(rng, plan, 0, APPRAISAL_DAYS[group], s, officer, head, True, 0.18, flags)
            if t is not None:
                plan.events.append((t, "pass_appraisal", officer))
                flags["extended"] = False
                t2 = _stage(rng, plan, t, DESIGN_DAYS[grade], s, officer, head, False, 0.10, flags)
                if t2 is not None:
                    plan.events.append((t2 + rng.randint(0, 2), "approve", head))
        else:
            t = _stage(rng, plan, 0, DESIGN_DAYS[grade], s, officer, head, True, 0.15, flags)
            if t is not None:
                plan.events.append((t + rng.randint(0, 2), "approve", head))
        if rng.random() < HANDOVER_P and len(officers[division]) > 1:
            _hand_over(rng, plan, officer, rng.choice([o for o in officers[division] if o != officer]), head)
        out.append((day, plan))
    return out


def _hand_over(rng: random.Random, plan: Plan, officer: str, to: str, head: str) -> None:
    """The head hands the dossier to ``to`` between two of its events (leave, workload); the events after
    that are ``to``'s."""
    offsets = sorted(e[0] for e in plan.events)
    if len(offsets) < 2 or offsets[-1] - offsets[0] < 2:
        return
    at = rng.randint(offsets[0] + 1, offsets[-1] - 1)
    plan.events = [(o, e, to if (o > at and a == officer) else a) for o, e, a in plan.events]
    plan.events.append((at, f"reassign:{to}", head))


@dataclass
class _Mail:
    """The scheduler's jobs for the simulation: the scan, the digest, and a dispatch to the folder."""

    scan: Callable[[dt.datetime], Any]
    digest: Callable[[dt.datetime], Any]
    dispatch: Callable[[], Any]


def _mail_hooks(app: App) -> _Mail | None:
    """The scheduler's scan, digest and dispatcher, if those modules are installed."""
    try:
        from notifications.dispatcher import Dispatcher
        from notifications.transports import EmlFolderTransport

        from . import alerts
    except ImportError:
        log.info("engine.alerts / notifications not installed: the demo simulates no reminders")
        return None
    # the demo's folder is thrown away with the run: no fsync per file (writes stay atomic)
    transport = EmlFolderTransport(app.settings.mail_dir, fsync=False)
    return _Mail(scan=lambda at: alerts.scan(app, at), digest=lambda at: alerts.digest(app, at),
                 dispatch=lambda: Dispatcher(app, transport).run_once())


#: the scan of a simulated working day runs before the office opens (the first events are at 07:30)
SCAN_TIME = dt.time(7, 0)


def simulate(app: App, plans: list[tuple[dt.date, Plan]], start: dt.date, end: dt.date,
             clock: FixedClock, tick: Callable[[int], None] | None = None,
             reminders_from: dt.date | None = None) -> dict[str, Any]:
    """Carry the plans out day by day through the services; returns counts.

    From ``reminders_from`` on (None: never), each working day begins with the scheduler's jobs: the
    deadline scan at ``SCAN_TIME``, the heads' digest at ``settings.digest_time``, a dispatch after each.
    The first scan catches up on every open clock, as when the alerts go live.
    """
    from .errors import ThamdinhError

    cal = app.calendar
    svc = app.services
    rng = random.Random(SEED + 1)
    agenda: dict[dt.date, list[tuple[dt.datetime, int, str, Plan, str | None]]] = defaultdict(list)
    for day, plan in plans:
        at = dt.datetime.combine(day, dt.time(7, 30), TZ) + dt.timedelta(minutes=rng.randint(0, 500))
        agenda[day].append((at, 0, "receive", plan, None))
        last, seq = at, 0
        for offset, event, actor in sorted(plan.events, key=lambda e: e[0]):
            eday = cal.add_working_days(day, offset) if offset > 0 else day
            if eday > end:
                break
            at = dt.datetime.combine(eday, dt.time(7, 30), TZ) + dt.timedelta(minutes=rng.randint(0, 500))
            if at <= last:
                at = last + dt.timedelta(minutes=3)
            seq += 1
            agenda[eday].append((at, seq, event, plan, actor))
            last = at
    mail = _mail_hooks(app) if reminders_from is not None else None
    digest_time = dt.time.fromisoformat(app.settings.digest_time)
    counts: dict[str, Any] = {"received": 0, "events": 0, "handovers": 0, "refused": 0, "alerts": 0, "messages": 0,
                              "digests": 0, "sent": 0, "no_address": 0, "mail_days": 0}
    quiet = [logging.getLogger("engine.alerts"), logging.getLogger("notifications")]
    levels = [lg.level for lg in quiet]
    failed: set[str] = set()

    def morning(day: dt.date) -> None:
        assert mail is not None
        for lg in quiet:  # people without e-mail are counted in the summary, not logged every day
            lg.setLevel(logging.ERROR)
        try:
            at = dt.datetime.combine(day, SCAN_TIME, TZ)
            clock.set(at)
            res = mail.scan(at)
            counts["alerts"] += len(res.raised)
            counts["messages"] += res.messages
            counts["sent"] += mail.dispatch().sent
            at = dt.datetime.combine(day, digest_time, TZ)
            clock.set(at)
            counts["digests"] += sum(1 for d in mail.digest(at).digests if d["queued"])
            counts["sent"] += mail.dispatch().sent
            counts["mail_days"] += 1
        finally:
            for lg, level in zip(quiet, levels, strict=True):
                lg.setLevel(level)

    for day in cal.working_days_in(start, end):
        if mail is not None and reminders_from is not None and day >= reminders_from:
            morning(day)
        items = sorted(agenda.get(day, []), key=lambda x: (x[0], x[1]))
        for at, _, event, plan, who in items:
            clock.set(at)
            if plan.code in failed:
                continue
            try:
                if event == "receive":
                    # Services.receive's use case without the dossier view it returns (the view costs
                    # ~5 ms and the demo has no one to show it to): one transaction, same code path
                    with app.repo.transaction() as cur:
                        svc._receive(cur, at=at, actor=None, note=None, **plan.receive)
                    counts["received"] += 1
                else:
                    name, _, to = event.partition(":")
                    svc.fire(plan.code, name, actor=who or "system", at=at, officer=to or None)
                    counts["events"] += 1
                    counts["handovers"] += 1 if to else 0
            except ThamdinhError as exc:
                counts["refused"] += 1
                failed.add(plan.code)
                log.debug("demo: %s %s refused: %s", plan.code, event, exc)
        clock.set(dt.datetime.combine(day, dt.time(17, 30), TZ))
        if tick:
            tick(1)
    if reminders_from is None:
        counts["reminders"] = "off"
    elif mail is None:
        counts["reminders"] = "skipped (engine.alerts not installed)"
    else:
        from notifications.outbox import NO_ADDRESS
        from notifications.outbox import counts as outbox_counts

        counts["no_address"] = outbox_counts(app).get(NO_ADDRESS, 0)
        counts["reminders"] = f"from {max(reminders_from, start).isoformat()}"
    return counts


def run_demo(out: Path, echo: Callable[[str], None] | None = print, *, size: int = DEFAULT_SIZE,
             seed: int = SEED, progress: bool = True, reminders_from: dt.date | None | str = "start"
             ) -> dict[str, Any]:
    """Build the demo database, simulate the year, write every report; returns where things are.

    ``reminders_from``: the day the e-mail alerts and digests go live in the simulation: ``"start"``
    (the default: the whole period), ``"last-month"`` (the period's last month), a date, or None (no
    e-mail at all).
    """
    from . import reports
    from .evaluation import evaluate, load_movement
    from .metrics import Period

    t0 = time.perf_counter()
    out = out.resolve()
    if out.exists():
        if out.is_dir() and any(out.iterdir()) and not (out / "thamdinh.db").exists():
            from .errors import BadInput

            raise BadInput(f"Thư mục {out} đã có dữ liệu khác, không phải kết quả chạy thử trước đó.",
                           hint="Chọn một thư mục mới (--out); lệnh chạy thử xóa và tạo lại thư mục kết quả.")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    db = out / "thamdinh.db"
    movement = load_movement(workflows_dir() / "movements" / reports.DEFAULT_MOVEMENT)
    start, end = movement.start, movement.end
    clock = FixedClock(dt.datetime.combine(start, dt.time(7, 0), TZ))
    app = App(Settings().with_(database_url=f"sqlite:///{db}", mail_dir=out / "thu-di"), clock)
    try:
        svc = app.services
        svc.init()
        svc.load_org(workflows_dir() / "org" / "sample-department.yaml")
        plans = make_plans(app, size, start, end, seed)
        if reminders_from == "start":
            reminders_from = start
        elif reminders_from == "last-month":
            reminders_from = app.calendar.next_working_day(end.replace(day=1))
        elif isinstance(reminders_from, str):
            reminders_from = dt.date.fromisoformat(reminders_from)
        n_days = sum(1 for _ in app.calendar.working_days_in(start, end))
        months = Period(start, end, "").months()
        report_dir = out / "bao-cao"
        written: list[str] = []

        def run(tick: Callable[[int], None]) -> dict[str, Any]:
            counts = simulate(app, plans, start, end, clock, tick, reminders_from)  # type: ignore[arg-type]
            for m in months:
                for fmt in reports.FORMATS:
                    written.append(str(reports.write_monthly(app, m.ym, fmt,
                                                             report_dir / f"bao-cao-thang-{m.ym}.{fmt}")))
                tick(1)
            result = evaluate(app, movement)
            for fmt in reports.FORMATS:
                written.append(str(reports.write_evaluation(app, result, fmt,
                                                            report_dir / f"cham-diem-thi-dua-{movement.id}.{fmt}")))
            tick(1)
            counts["ranked_divisions"] = [(r["rank"], r["code"], r["score"], r["band_label"])
                                          for r in result["units"]["division"]]
            return counts

        total = n_days + len(months) + 1
        if echo is not None and progress:
            import typer

            with typer.progressbar(length=total, label="Mô phỏng năm thi đua và lập báo cáo") as bar:
                counts = run(bar.update)
        else:
            counts = run(lambda n: None)
        eml = sorted((out / "thu-di").glob("*.eml")) if (out / "thu-di").is_dir() else []
        summary = {"database": str(db), "reports": report_dir.as_posix(), "files": written,
                   "mail_dir": str(out / "thu-di"), "eml_files": len(eml),
                   "seconds": round(time.perf_counter() - t0, 1), **counts}
    finally:
        app.close()
    if echo is not None:
        echo(f"Đã mô phỏng {summary['received']} hồ sơ, {summary['events']} thao tác, trong đó "
             f"{summary['handovers']} lần giao hồ sơ cho cán bộ khác ({start:%d/%m/%Y} – {end:%d/%m/%Y}) "
             f"trong {summary['seconds']} giây.")
        echo(f"Cơ sở dữ liệu: {db}")
        echo(f"Báo cáo tháng và kết quả chấm điểm thi đua: {report_dir}/ ({len(written)} tệp)")
        if summary["reminders"] == "off":
            echo("Nhắc hạn qua e-mail: không mô phỏng.")
        elif summary["reminders"].startswith("skipped"):
            echo("Nhắc hạn qua e-mail: bỏ qua (chưa cài engine.alerts / notifications).")
        else:
            since = dt.date.fromisoformat(summary["reminders"][5:])
            echo(f"Nhắc hạn và tổng hợp ngày qua e-mail, mô phỏng {summary['mail_days']} ngày làm việc "
                 f"({since:%d/%m/%Y} – {end:%d/%m/%Y}; quét hạn {SCAN_TIME:%H:%M}, "
                 f"tổng hợp {app.settings.digest_time}): "
                 f"{summary['alerts']} cảnh báo, {summary['messages']} thư nhắc hạn, "
                 f"{summary['digests']} bản tổng hợp cho trưởng phòng; {summary['eml_files']} tệp .eml trong "
                 f"{out / 'thu-di'}"
                 + (f"; {summary['no_address']} thư giữ lại vì người nhận chưa có e-mail"
                    if summary["no_address"] else ""))
        echo("Xếp hạng phòng: " + "; ".join(f"{r[0] or '—'}. {r[1]} {r[2]:.2f} điểm ({r[3]})"
                                            for r in summary["ranked_divisions"]))
        echo(f"Mở báo cáo tháng: {report_dir / ('bao-cao-thang-' + months[-1].ym + '.html')}")
    return summary
