"""``run_demo``: build the demo's database, simulate the year, write every report, say what was done."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..bootstrap import App
from ..domain.clock import TZ, FixedClock
from ..domain.errors import BadInput
from ..domain.formatting import vn_number, vn_percent
from ..domain.movement import Movement
from ..io.movements import default_movement_path, load_movement
from ..io.resources import workflows_dir
from ..io.settings import Settings
from ..reporting import files
from ..reporting.columns import FORMATS
from ..reporting.periods import Period
from .blockers import DemoBlockers
from .capital import give_capital
from .opening import open_demo
from .plans import DEFAULT_SIZE, SEED, make_plans
from .simulate import SCAN_TIME, Simulation

Echo = Callable[[str], None]


def _fresh(out: Path) -> Path:
    out = out.resolve()
    if out.exists():
        if out.is_dir() and any(out.iterdir()) and not (out / "thamdinh.db").exists():
            raise BadInput(f"Thư mục {out} đã có dữ liệu khác, không phải kết quả chạy thử trước đó.",
                           hint="Chọn một thư mục mới (--out); lệnh chạy thử xóa và tạo lại thư mục kết quả.")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    return out


def _reminders_day(app: App, movement: Movement, value: dt.date | None | str) -> dt.date | None:
    if value == "start":
        return movement.start
    if value == "last-month":
        return app.calendar.next_working_day(movement.end.replace(day=1))
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def issue_day(app: App, period_end: dt.date) -> dt.datetime:
    """When a report on a period ending ``period_end`` is made: 08:00 on the first working day after it
    (as the scheduler sends the monthly report), so each report is dated the day it would be issued."""
    day = app.calendar.next_working_day(period_end + dt.timedelta(days=1))
    return dt.datetime.combine(day, dt.time(8, 0), TZ)


def _reports(app: App, clock: FixedClock, movement: Movement, report_dir: Path,
             tick: Callable[[int], None]) -> tuple[list[str], Any]:
    written: list[str] = []
    for m in Period(movement.start, movement.end, "").months():
        clock.set(issue_day(app, m.end))
        data = app.reports.monthly(m.ym)
        written.extend(str(files.write_monthly(data, fmt, report_dir / files.safe_name(f"bao-cao-thang-{m.ym}", fmt)))
                       for fmt in FORMATS)
        tick(1)
    clock.set(issue_day(app, movement.end))
    result = app.reports.evaluation(movement)
    stem = f"cham-diem-thi-dua-{movement.id}"
    written.extend(str(app.reports.write_evaluation(result, fmt, report_dir / files.safe_name(stem, fmt)))
                   for fmt in FORMATS)
    tick(1)
    return written, result


def run_demo(out: Path, echo: Echo | None = print, *, size: int = DEFAULT_SIZE, seed: int = SEED,
             progress: bool = True, reminders_from: dt.date | None | str = "start") -> dict[str, Any]:
    """Build the demo database, simulate the year, write every report; returns where things are.

    ``reminders_from``: the day the e-mail alerts and digests go live in the simulation: ``"start"``
    (the default: the whole period), ``"last-month"`` (the period's last month), a date, or None (no
    e-mail at all).
    """
    t0 = time.perf_counter()
    out = _fresh(out)
    db, mail_dir, report_dir = out / "thamdinh.db", out / "thu-di", out / "bao-cao"
    movement = load_movement(default_movement_path())
    clock = FixedClock(dt.datetime.combine(movement.start, dt.time(7, 0), TZ))
    app = App(Settings().with_(database_url=f"sqlite:///{db}", mail_dir=mail_dir), clock)
    try:
        app.init()
        app.services.load_org(workflows_dir() / "org" / "sample-department.yaml")
        plans = make_plans(app.calendar, app.services.people(), size, movement.start, movement.end, seed)
        sim = Simulation(app, clock, _reminders_day(app, movement, reminders_from))
        blockers = DemoBlockers(app, clock)  # engine.demo.blockers: blockers raised and resolved, heads' urges
        sim.daily.append(blockers.day)
        months = Period(movement.start, movement.end, "").months()
        total = sum(1 for _ in app.calendar.working_days_in(movement.start, movement.end)) + len(months) + 1

        def run(tick: Callable[[int], None]) -> tuple[dict[str, Any], list[str], Any]:
            counts = sim.run(plans, movement.start, movement.end, tick)
            counts.update(blockers.counts)
            counts["as_of"] = clock.now()  # the simulated history's last moment: the web's "now" (demo.json)
            counts.update(give_capital(app, plans, out, report_dir))  # engine.demo.capital
            return (counts, *_reports(app, clock, movement, report_dir, tick))

        if echo is not None and progress:
            import click

            with click.progressbar(length=total, label="Mô phỏng năm thi đua và lập báo cáo") as bar:
                counts, written, result = run(bar.update)
        else:
            counts, written, result = run(lambda n: None)
        counts["opening"] = open_demo(app, out, counts.pop("as_of"))
    finally:
        app.close()
    counts["ranked_divisions"] = [(r["rank"], r["code"], r["score"], r["band_label"])
                                  for r in result["units"]["division"]]
    summary = {"database": str(db), "reports": report_dir.as_posix(), "files": written, "mail_dir": str(mail_dir),
               "eml_files": len(list(mail_dir.glob("*.eml"))) if mail_dir.is_dir() else 0,
               "seconds": round(time.perf_counter() - t0, 1), **counts}
    if echo is not None:
        _say(echo, summary, movement, app.settings.digest_time, months[-1].ym)
    return summary


def _say(echo: Echo, summary: dict[str, Any], movement: Movement, digest_time: str, last_month: str) -> None:
    start, end = movement.start, movement.end
    report_dir = Path(summary["reports"])
    echo(f"Đã mô phỏng {summary['received']} hồ sơ, {summary['events']} thao tác, trong đó "
         f"{summary['handovers']} lần giao hồ sơ cho cán bộ khác ({start:%d/%m/%Y} – {end:%d/%m/%Y}) "
         f"trong {summary['seconds']} giây.")
    echo(f"Cơ sở dữ liệu: {summary['database']}")
    echo(f"Báo cáo tháng và kết quả chấm điểm thi đua: {report_dir}/ ({len(summary['files'])} tệp)")
    if summary["reminders"] == "off":
        echo("Nhắc hạn qua e-mail: không mô phỏng.")
    else:
        since = dt.date.fromisoformat(summary["reminders"][5:])
        echo(f"Nhắc hạn và tổng hợp ngày qua e-mail, mô phỏng {summary['mail_days']} ngày làm việc "
             f"({since:%d/%m/%Y} – {end:%d/%m/%Y}; quét hạn {SCAN_TIME:%H:%M}, tổng hợp {digest_time}): "
             f"{summary['alerts']} cảnh báo, {summary['messages']} thư nhắc hạn, "
             f"{summary['digests']} bản tổng hợp cho trưởng phòng; {summary['eml_files']} tệp .eml trong "
             f"{summary['mail_dir']}"
             + (f"; {summary['no_address']} thư giữ lại vì người nhận chưa có e-mail" if summary["no_address"] else ""))
    echo(f"Vốn đầu tư công (tệp {summary['capital_file']}): {summary['projects']} dự án, kế hoạch năm 2024 "
         f"{vn_number(summary['capital_plan'])} đồng, giải ngân đến 31/01/2025 "
         f"{vn_number(summary['capital_disbursed'])} đồng ({vn_percent(summary['capital_rate'])}); "
         f"{summary['below_path']} dự án dưới lộ trình; tiến độ và dự án chờ thẩm định trong {report_dir}/")
    echo(f"Vướng mắc: {summary['blockers_raised']} vướng mắc nêu trên hồ sơ quá hạn, {summary['blockers_resolved']} "
         f"đã giải quyết, {summary['blockers_escalated']} báo cáo Giám đốc vì quá hạn xử lý; trưởng phòng đôn đốc "
         f"{summary['urges']} lần (mục VIII của báo cáo tháng; tiêu chí thi đua về vướng mắc và đôn đốc).")
    echo("Xếp hạng phòng: " + "; ".join(f"{r[0] or '—'}. {r[1]} {vn_number(r[2], 2)} điểm ({r[3]})"
                                        for r in summary["ranked_divisions"]))
    echo(f"Mở báo cáo tháng: {report_dir / ('bao-cao-thang-' + last_month + '.html')}")
    _say_opening(echo, summary["opening"], Path(summary["database"]).parent)


def _say_opening(echo: Echo, opening: dict[str, Any], out: Path) -> None:
    as_of = dt.datetime.fromisoformat(opening["as_of"])
    echo(f"Mở trong trình duyệt: thamdinh web --demo {out}, rồi vào http://127.0.0.1:8000 (số liệu như ngày "
         f"{as_of:%d/%m/%Y}, ngày cuối của lịch sử mô phỏng).")
    wanted = ("tp.nguyen", "gd.tran", "cv.pham", "mc.truong", "vp.le")
    shown = [a for w in wanted for a in opening["accounts"] if a["id"] == w]
    echo(f"Tài khoản (mật khẩu chung «{opening['password']}»): "
         + "; ".join(f"{a['id']} ({a['name']}, {a['roles']})" for a in shown)
         + f"; và {len(opening['accounts']) - len(shown)} cán bộ khác.")
    if opening["lookup_example"]:
        ex = opening["lookup_example"]
        echo(f"Tra cứu công khai (không đăng nhập): /tra-cuu, mã hồ sơ {ex['code']}, mã tra cứu {ex['key']}.")
