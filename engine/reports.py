"""Monthly reports and the evaluation report: data, then HTML (Jinja2), XLSX (openpyxl) or JSON.

The HTML is an official-looking A4 report of the department (``settings.department_name`` and
``province_name``), Vietnamese, with inline SVG charts whose geometry is computed here and drawn by
the templates (templates/reports/, autoescaped, StrictUndefined). The XLSX has one sheet per table,
numbers stored as numbers, headers frozen.

``send_monthly_reports(app, month)`` is the hook the scheduler calls: it writes the month's reports
(HTML, XLSX) into ``settings.mail_dir/../bao-cao`` (or a folder given) and, when the notifications
package provides an outbox, queues one e-mail per head of division and the director with the files
attached; see its docstring.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .metrics import AGE_BUCKETS, TURNAROUND_BUCKETS, Period, session, warm_up
from .timeutil import TZ

if TYPE_CHECKING:
    from .app import App

log = logging.getLogger(__name__)
FORMATS = ("html", "xlsx", "json")
DEFAULT_MOVEMENT = "2024-giai-ngan-dau-tu-cong.yaml"
VI_DIMENSIONS = {"division": "Phòng", "officer": "Cán bộ", "workflow": "Quy trình", "stage": "Bước"}
VI_COLUMNS: list[tuple[str, str, str]] = [  # key, header, kind (int | share | num)
    ("received", "Tiếp nhận", "int"), ("finished", "Đã giải quyết", "int"), ("early", "Trước hạn", "int"),
    ("on_time", "Đúng hạn", "int"), ("late", "Quá hạn", "int"), ("not_judged", "Không đánh giá", "int"),
    ("early_or_on_time_share", "Tỷ lệ trước hạn + đúng hạn", "share"), ("late_share", "Tỷ lệ quá hạn", "share"),
    ("wd_median", "Trung vị (ngày LV)", "num"), ("wd_mean", "Bình quân (ngày LV)", "num"),
    ("wd_p90", "Phân vị 90 (ngày LV)", "num"), ("days_mean", "Bình quân (ngày)", "num"),
    ("paused_share", "Tỷ lệ có tạm dừng", "share"), ("supplements_per_case", "Yêu cầu bổ sung / hồ sơ", "num"),
    ("backlog", "Tồn cuối kỳ", "int"), ("open_overdue", "Tồn quá hạn", "int"),
]


# -- data --------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=8)
def _movement_period(path: str, mtime_ns: int, size: int) -> tuple[dt.date, dt.date]:
    """A movement file's period, parsed once per version of the file (every monthly report asks)."""
    from .evaluation import load_movement

    mv = load_movement(Path(path))
    return mv.start, mv.end


def _campaign_start(app: App, month: Period) -> dt.date:
    """The start of the campaign the month belongs to (the default movement), else 12 months back."""
    from .resources import workflows_dir

    path = workflows_dir() / "movements" / DEFAULT_MOVEMENT
    try:
        st = path.stat()
        start, end = _movement_period(str(path), st.st_mtime_ns, st.st_size)
        if start <= month.start <= end:
            return start
    except Exception:  # a province may remove the file; the trend then covers a year
        log.debug("default movement unavailable", exc_info=True)
    y, m = month.start.year - 1, month.start.month + 1
    if m == 13:
        y, m = y + 1, 1
    return dt.date(y, m, 1)


def _names(ms: Any) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    from sqlalchemy import text

    divisions = {r[0]: r[1] for r in ms.conn.execute(text("SELECT code, name FROM division"))}
    people = {r[0]: r[1] for r in ms.conn.execute(text("SELECT id, name FROM person"))}
    stages: dict[str, str] = {}
    workflows: dict[str, str] = {}
    for wf in ms.app.workflows.values():
        workflows[wf.id] = wf.title
        stages.update(wf.stages)
    return divisions, people, {**{f"wf:{k}": v for k, v in workflows.items()}, **stages}


def monthly_data(app: App, month: str, division: str | None = None) -> dict[str, Any]:
    """Everything the monthly report shows, as plain data (also the JSON format)."""
    period = Period.month(month)
    s = app.settings
    warm_up(app)  # the calendar and its index, built once before the threads share them
    campaign_start = _campaign_start(app, period)

    def backlog() -> Any:
        with session(app) as ms:
            return ms.backlog_rows(period, division)

    def tables(backlog_future: Any) -> tuple[Any, ...]:
        with session(app) as ms:
            divisions, people, labels = _names(ms)
            if division is not None and division not in divisions:
                from .errors import BadInput

                raise BadInput(f"Không có phòng «{division}».", hint="Các phòng: " + ", ".join(sorted(divisions)))
            ms.fine(period, division, backlog=backlog_future.result)
            return (divisions, people, labels, ms.table(period, [], division)[0],
                    ms.table(period, ["division"], division), ms.table(period, ["division", "officer"], division),
                    ms.table(period, ["workflow", "stage"], division))

    def side() -> tuple[Any, ...]:
        with session(app) as ms:
            return ms.monthly_trend(campaign_start, period.end, division), ms.open_overdue_list(period, division)

    # three parts that read different rows, on three connections: they overlap (the drivers release
    # the GIL while the database works)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        backlog_future = pool.submit(backlog)
        side_future = pool.submit(side)
        divisions, people, labels, total, by_division, by_officer, by_stage = tables(backlog_future)
        trend, overdue = side_future.result()
    for r in by_division:
        r["name"] = divisions.get(r["division"], r["division"])
    for r in by_officer:
        r["name"] = people.get(r["officer"], r["officer"] or "(chưa phân công)")
        r["division_name"] = divisions.get(r["division"], r["division"])
    for r in by_stage:
        r["workflow_name"] = labels.get(f"wf:{r['workflow']}", r["workflow"])
        r["name"] = labels.get(r["stage"], r["stage"])
    for r in overdue:
        r["officer_name"] = people.get(r["officer"], r["officer"] or "—")
        r["stage_name"] = labels.get(r["stage"], r["stage"])
        r["start_date"], r["due_date"] = r["start_date"].isoformat(), r["due_date"].isoformat()
    return {
        "kind": "monthly", "department_name": s.department_name, "province_name": s.province_name,
        "month": period.ym, "period": {"start": period.start.isoformat(), "end": period.end.isoformat(),
                                       "label": period.label},
        "division": division, "division_name": divisions.get(division) if division else None,
        "generated_at": app.clock.now().astimezone(TZ).isoformat(timespec="minutes"),
        "age_buckets": [b[0] for b in AGE_BUCKETS], "turnaround_buckets": [b[0] for b in TURNAROUND_BUCKETS],
        "total": total, "by_division": by_division, "by_officer": by_officer, "by_stage": by_stage,
        "trend": trend, "open_overdue": overdue,
    }


# -- charts (geometry only; the template draws) -------------------------------------------------
def bar_chart(items: Sequence[tuple[str, float | None]], *, width: int = 640, height: int = 220,
              as_percent: bool = True, vmax: float | None = None) -> dict[str, Any]:
    """Vertical bars for (label, value) pairs; values are shares (0–1) or counts (scale up to ``vmax``)."""
    top, bottom, left, right = 16, 40, 40, 10
    plot_w, plot_h = width - left - right, height - top - bottom
    vmax = 1.0 if as_percent else (vmax or max([v or 0 for _, v in items] + [1]))
    n = max(len(items), 1)
    slot = plot_w / n
    bars = []
    for i, (label, value) in enumerate(items):
        v = value or 0
        h = plot_h * (v / vmax)
        bars.append({"x": round(left + i * slot + slot * 0.15, 1), "y": round(top + plot_h - h, 1),
                     "w": round(slot * 0.7, 1), "h": round(h, 1), "label": label,
                     "value": "—" if value is None else (f"{value * 100:.0f}%" if as_percent else f"{value:g}"),
                     "lx": round(left + i * slot + slot / 2, 1)})
    ticks = [{"y": round(top + plot_h - plot_h * f, 1),
              "label": f"{f * 100:.0f}%" if as_percent else f"{vmax * f:.0f}"} for f in (0, 0.5, 1)]
    return {"width": width, "height": height, "bars": bars, "ticks": ticks, "left": left,
            "right": width - right, "base": top + plot_h}


def monthly_charts(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "trend": bar_chart([(f"{t['month'][5:7]}/{t['month'][2:4]}", t["early_or_on_time_share"])
                            for t in data["trend"]], width=820),
        "divisions": bar_chart([(r["division"], r["early_or_on_time_share"]) for r in data["by_division"]], width=820),
        "distribution": bar_chart(list(zip(data["turnaround_buckets"],
                                           [float(x) for x in data["total"]["turnaround_buckets"]], strict=False)),
                                  as_percent=False, width=820),
    }


# -- rendering -----------------------------------------------------------------------------------
@functools.cache
def jinja_env() -> Any:
    """The report templates' environment, built once per process (each template compiles once)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from .resources import templates_dir

    env = Environment(loader=FileSystemLoader(str(templates_dir() / "reports")),
                      autoescape=select_autoescape(["html", "svg", "xml"], default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.1f}%".replace(".", ",")
    env.filters["num"] = lambda v, d=1: "—" if v is None else f"{v:.{d}f}".replace(".", ",")
    env.filters["vndate"] = lambda s: "—" if not s else dt.date.fromisoformat(str(s)[:10]).strftime("%d/%m/%Y")
    return env


def render_monthly_html(data: dict[str, Any]) -> str:
    return str(jinja_env().get_template("monthly.html").render(r=data, charts=monthly_charts(data),
                                                               columns=VI_COLUMNS))


def render_evaluation_html(data: dict[str, Any], department_name: str, province_name: str) -> str:
    return str(jinja_env().get_template("evaluation.html").render(
        e=data, department_name=department_name, province_name=province_name,
        unit_labels={"division": "Phòng", "officer": "Cán bộ"},
        chart={u: bar_chart([(r["code"], r["score"]) for r in rows if r["eligible"]][:20], as_percent=False,
                            vmax=100, width=820)
               for u, rows in data["units"].items()}))


def _sheet(wb: Any, title: str, headers: list[str], rows: list[list[Any]], formats: list[str] | None = None) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(title[:31])
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append(row)
    if formats:
        for col, fmt in enumerate(formats, 1):
            if fmt:
                for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
                    cell.number_format = fmt
    ws.freeze_panes = "A2"
    for i, h in enumerate(headers, 1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, min(40, len(h) + 2))


def _metric_cells(r: dict[str, Any]) -> tuple[list[Any], list[str]]:
    vals, fmts = [], []
    for key, _, kind in VI_COLUMNS:
        v = r.get(key)
        vals.append(v)
        fmts.append({"share": "0.0%", "num": "0.00", "int": "0"}[kind])
    return vals, fmts


def write_monthly_xlsx(data: dict[str, Any], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    heads = [h for _, h, _ in VI_COLUMNS]
    tables = [("Tổng hợp", ["Phạm vi"], [([data["division_name"] or "Toàn Sở"], data["total"])]),
              ("Theo phòng", ["Mã phòng", "Tên phòng"], [([r["division"], r["name"]], r) for r in data["by_division"]]),
              ("Theo cán bộ", ["Phòng", "Mã cán bộ", "Họ tên"],
               [([r["division"], r["officer"], r["name"]], r) for r in data["by_officer"]]),
              ("Theo quy trình, bước", ["Quy trình", "Bước"],
               [([r["workflow_name"], r["name"]], r) for r in data["by_stage"]])]
    for title, keys, rows in tables:
        body, fmts = [], [""] * len(keys)
        for k, r in rows:
            vals, f = _metric_cells(r)
            body.append(k + vals)
            fmts = [""] * len(keys) + f
        _sheet(wb, title, keys + heads, body, fmts)
    t = data["total"]
    _sheet(wb, "Tồn theo tuổi", ["Tuổi (ngày làm việc)", "Số bước tồn"],
           [[label, n] for label, n in zip(data["age_buckets"], t["age_buckets"], strict=False)], ["", "0"])
    _sheet(wb, "Phân bố thời gian", ["Thời gian giải quyết (ngày làm việc)", "Số bước"],
           [[label, n] for label, n in zip(data["turnaround_buckets"], t["turnaround_buckets"], strict=True)],
           ["", "0"])
    _sheet(wb, "Xu hướng", ["Tháng", "Đã giải quyết", "Được đánh giá", "Trước hạn + đúng hạn", "Tỷ lệ"],
           [[x["month"], x["finished"], x["judged"], x["early_or_on_time"], x["early_or_on_time_share"]]
            for x in data["trend"]], ["", "0", "0", "0", "0.0%"])
    _sheet(wb, "Tồn quá hạn", ["Mã hồ sơ", "Tên dự án", "Chủ đầu tư", "Phòng", "Cán bộ", "Bước", "Bắt đầu",
                               "Hạn", "Quá hạn (ngày LV)"],
           [[r["code"], r["project_name"], r["investor"], r["division"], r["officer_name"], r["stage_name"],
             dt.date.fromisoformat(r["start_date"]), dt.date.fromisoformat(r["due_date"]),
             r["overdue_working_days"]] for r in data["open_overdue"]],
           ["", "", "", "", "", "", "DD/MM/YYYY", "DD/MM/YYYY", "0"])
    wb.save(out)


def write_evaluation_xlsx(data: dict[str, Any], out: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    crit = data["movement"]["criteria"]
    for unit, rows in data["units"].items():
        heads = ["Hạng", "Mã", "Tên", "Phòng", "Số bước đã giải quyết", "Điểm", "Xếp loại", "Ghi chú"]
        fmts = ["0", "", "", "", "0", "0.00", "", ""]
        for c in crit:
            heads += [f"{c['label']} – tử số", "mẫu số", "giá trị", "điểm", "trọng số"]
            fmts += ["0", "0", "0.0000", "0", "0"]
        body = []
        for r in rows:
            line = [r["rank"], r["code"], r["name"], r["division"], r["finished"], r["score"], r["band_label"],
                    r["note"] or ""]
            for c in r["criteria"]:
                line += [c["numerator"], c["denominator"], c["value"], c["points"], c["weight"]]
            body.append(line)
        _sheet(wb, {"division": "Xếp hạng phòng", "officer": "Xếp hạng cán bộ"}[unit], heads, body, fmts)
    _sheet(wb, "Tiêu chí", ["Mã", "Tiêu chí", "Chỉ số", "Chiều", "Trọng số", "Thang điểm", "Nguồn"],
           [[c["id"], c["label"], c["metric"], "cao hơn tốt hơn" if c["direction"] == "higher" else "thấp hơn tốt hơn",
             c["weight"], "; ".join(f"{'≥' if c['direction'] == 'higher' else '≤'} {s['bound']}: {s['points']}"
                                    if s["bound"] is not None else f"còn lại: {s['points']}" for s in c["scale"]),
             c["source"]] for c in crit], ["", "", "", "", "0", "", ""])
    wb.save(out)


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def write_monthly(app: App, month: str, fmt: str, out: Path, division: str | None = None) -> Path:
    """Write the month's report in ``fmt`` (html, xlsx, json) to ``out``."""
    data = monthly_data(app, month, division)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        out.write_text(render_monthly_html(data), encoding="utf-8")
    elif fmt == "xlsx":
        write_monthly_xlsx(data, out)
    else:
        out.write_text(_json(data), encoding="utf-8")
    return out


def write_evaluation(app: App, data: dict[str, Any], fmt: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        out.write_text(render_evaluation_html(data, app.settings.department_name, app.settings.province_name),
                       encoding="utf-8")
    elif fmt == "xlsx":
        write_evaluation_xlsx(data, out)
    else:
        out.write_text(_json(data), encoding="utf-8")
    return out


def send_monthly_reports(app: App, month: str, out_dir: Path | None = None) -> list[Path]:
    """The scheduler's hook (engine.scheduler ``monthly_report`` job): write the month's report and mail it.

    The whole department's report, HTML and XLSX, goes to ``out_dir`` (default: ``bao-cao`` next to
    ``settings.mail_dir``), named ``bao-cao-thang-YYYY-MM.html|xlsx``; then
    ``notifications.outbox.enqueue_report`` queues one message per head of division and director with
    both files attached (once per month and files: a re-run queues nothing new), and the dispatcher
    delivers them like any other message. Without the notifications package the files are only
    written, and a log line says so. Returns the files written.
    """
    folder = out_dir or (Path(app.settings.mail_dir).parent / "bao-cao")
    files = [write_monthly(app, month, fmt, folder / f"bao-cao-thang-{month}.{fmt}") for fmt in ("html", "xlsx")]
    try:
        from notifications.outbox import enqueue_report
    except ImportError:
        log.info("monthly report %s written to %s (no notifications outbox to mail it)", month, folder)
        return files
    period = Period.month(month)
    queued = enqueue_report(app, subject=f"Báo cáo tình hình giải quyết hồ sơ thẩm định tháng {period.label}",
                            attachments=files, roles=("head", "director"),
                            note=f"Số liệu từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}.")
    log.info("monthly report %s written to %s; %d messages queued", month, folder, queued)
    return files
