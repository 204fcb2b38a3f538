"""``thamdinh scheduler`` (long-lived) and ``thamdinh scan`` (one scan by hand, the same code)."""

from __future__ import annotations

from typing import Any

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option


def _scan_text(r: dict[str, Any]) -> str:
    from ..domain.alert_rules import KIND_LABELS
    from ..domain.formatting import vn_date

    if not r["working_day"]:
        return f"Ngày {vn_date(r['day'])} không phải ngày làm việc: không tính cảnh báo."
    lines = [(f"Quét thời hạn ngày {vn_date(r['day'])}: {r['candidates']} hồ sơ cần xét, "
              f"{len(r['raised'])} cảnh báo mới, "
              f"{r['messages']} thư đưa vào hàng đợi.")]
    for a in r["raised"]:
        lines.append(f"  {a['code']:<16} {KIND_LABELS.get(a['kind'], a['kind']):<26} hạn {vn_date(a['due_date'])}")
    for p in r["problems"]:
        lines.append(f"  Lưu ý: {p}")
    for b in r.get("blockers", {}).get("escalated", []):
        lines.append(f"  Vướng mắc số {b['id']} ({b['dossier'] or 'dự án ' + str(b['project'])}): "
                     f"{b['working_days_open']} ngày làm việc chưa giải quyết, đã báo cáo Giám đốc")
    if "digest" in r:
        d = r["digest"]
        lines.append(f"Bản tổng hợp cho trưởng phòng: {sum(1 for x in d['digests'] if x['queued'])} thư mới.")
        lines.extend(f"  Lưu ý: {p}" for p in d["problems"])
    if "dispatch" in r:
        x = r["dispatch"]
        lines.append(f"Gửi thư: {x['sent']} đã gửi, {x['retried']} chờ gửi lại, {x['failed']} hỏng.")
    return "\n".join(lines)


@click.command("scheduler", cls=vn.Command)
@click.option("--id", "holder", help="Tên của tiến trình này (mặc định: máy:pid).")
@click.option("--scan-every", type=int, default=5, help="Quét thời hạn mỗi N phút (mặc định 5).")
@click.option("--verbose", "-v", is_flag=True, help="Ghi nhật ký chi tiết.")
@click.pass_context
@command
def scheduler(ctx: click.Context, holder: str | None, scan_every: int, verbose: bool) -> None:
    """Chạy bộ lập lịch (quét thời hạn, gửi thư, tổng hợp hằng ngày, báo cáo tháng) đến khi dừng.

    Chỉ một bộ lập lịch hoạt động trên một cơ sở dữ liệu; bộ thứ hai chờ và tiếp quản khi bộ thứ nhất dừng.
    """
    import datetime as dt
    import logging

    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    sched = app_of(ctx).scheduler(holder, scan_every=dt.timedelta(minutes=max(1, scan_every)))
    click.echo(f"Bộ lập lịch {sched.holder} khởi động (múi giờ Asia/Ho_Chi_Minh); Ctrl+C để dừng.")
    sched.serve()
    click.echo("Bộ lập lịch đã dừng.")


@click.command("scan", cls=vn.Command)
@click.option("--at", help="Quét như vào thời điểm này (ISO 8601).")
@click.option("--digest", "with_digest", is_flag=True, help="Lập luôn bản tổng hợp cho trưởng phòng.")
@click.option("--no-dispatch", is_flag=True, help="Chỉ đưa thư vào hàng đợi, không gửi.")
@json_option
@click.pass_context
@command
def scan(ctx: click.Context, at: str | None, with_digest: bool, no_dispatch: bool, as_json: bool) -> None:
    """Quét thời hạn một lần bằng tay (cùng mã với bộ lập lịch): ghi cảnh báo, xếp thư, gửi thư."""
    from ..domain.clock import parse_at

    a = app_of(ctx)
    when = parse_at(at) if at else None
    result = a.scanner.scan(when).as_dict()
    result["blockers"] = a.blocker_escalation.escalate(when).as_dict()  # as the scheduler's scan job does
    if with_digest:
        result["digest"] = a.digests.digest(when).as_dict()
    if not no_dispatch:
        result["dispatch"] = a.dispatch().as_dict()
    emit(result, as_json, _scan_text)


def register(app: click.Group) -> None:
    app.add_command(scheduler)
    app.add_command(scan)
