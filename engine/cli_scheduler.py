"""CLI commands of the scheduler and notifications (``scheduler``, ``scan``, ``notifications``)."""

from __future__ import annotations

from typing import Any

import typer


def _scan_text(r: dict[str, Any]) -> str:
    if not r["working_day"]:
        return f"Ngày {r['day']} không phải ngày làm việc: không tính cảnh báo."
    lines = [(f"Quét thời hạn ngày {r['day']}: {r['candidates']} hồ sơ cần xét, {len(r['raised'])} cảnh báo mới, "
              f"{r['messages']} thư đưa vào hàng đợi.")]
    for a in r["raised"]:
        lines.append(f"  {a['code']:<16} {a['kind']:<11} hạn {a['due_date']}")
    for p in r["problems"]:
        lines.append(f"  Lưu ý: {p}")
    if "digest" in r:
        d = r["digest"]
        lines.append(f"Bản tổng hợp cho trưởng phòng: {sum(1 for x in d['digests'] if x['queued'])} thư mới.")
        lines.extend(f"  Lưu ý: {p}" for p in d["problems"])
    if "dispatch" in r:
        x = r["dispatch"]
        lines.append(f"Gửi thư: {x['sent']} đã gửi, {x['retried']} chờ gửi lại, {x['failed']} hỏng.")
    return "\n".join(lines)


def _messages_text(rows: list[dict[str, Any]]) -> str:
    from .timeutil import TZ

    if not rows:
        return "Hàng đợi thư trống."
    out = [f"{'Số':>6} {'Trạng thái':<11} {'Lần':>3} {'Người nhận':<14} {'Tạo lúc':<17} Tiêu đề"]
    for r in rows:
        created = r["created_at"].astimezone(TZ).strftime("%Y-%m-%d %H:%M") if r["created_at"] else ""
        out.append(f"{r['id']:>6} {r['status']:<11} {r['tries']:>3} {r['recipient_id']:<14} {created:<17} "
                   f"{r['subject'][:70]}")
    return "\n".join(out)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main ``thamdinh`` app (imports stay inside commands)."""
    from .cli import JsonOpt, command, emit, get_app

    notifications_app = typer.Typer(help="Hàng đợi thư thông báo (dành cho quản trị).", no_args_is_help=True)
    app.add_typer(notifications_app, name="notifications")

    @app.command("scheduler")
    @command
    def scheduler(
        holder: str | None = typer.Option(None, "--id", help="Tên của tiến trình này (mặc định: máy:pid)."),
        scan_every: int = typer.Option(5, "--scan-every", help="Quét thời hạn mỗi N phút."),
        verbose: bool = typer.Option(False, "--verbose", "-v"),
    ) -> None:
        """Chạy bộ lập lịch (quét thời hạn, gửi thư, tổng hợp hằng ngày, báo cáo tháng) đến khi dừng.

        Chỉ một bộ lập lịch hoạt động trên một cơ sở dữ liệu; bộ thứ hai chờ và tiếp quản khi bộ thứ nhất dừng.
        """
        import datetime as dt
        import logging

        from .scheduler import DeadlineScheduler

        logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        sched = DeadlineScheduler(get_app(), holder, scan_every=dt.timedelta(minutes=max(1, scan_every)))
        typer.echo(f"Bộ lập lịch {sched.holder} khởi động (múi giờ Asia/Ho_Chi_Minh); Ctrl+C để dừng.")
        sched.serve()
        typer.echo("Bộ lập lịch đã dừng.")

    @app.command("scan")
    @command
    def scan_cmd(
        at: str | None = typer.Option(None, "--at", help="Quét như vào thời điểm này (ISO 8601)."),
        with_digest: bool = typer.Option(False, "--digest", help="Lập luôn bản tổng hợp cho trưởng phòng."),
        no_dispatch: bool = typer.Option(False, "--no-dispatch", help="Chỉ đưa thư vào hàng đợi, không gửi."),
        as_json: bool = JsonOpt,
    ) -> None:
        """Quét thời hạn một lần bằng tay (cùng mã với bộ lập lịch): ghi cảnh báo, xếp thư, gửi thư."""
        from notifications.dispatcher import dispatch

        from .alerts import digest, scan
        from .timeutil import parse_at

        a = get_app()
        when = parse_at(at) if at else None
        result = scan(a, when).as_dict()
        if with_digest:
            result["digest"] = digest(a, when).as_dict()
        if not no_dispatch:
            result["dispatch"] = dispatch(a).as_dict()
        emit(result, as_json, _scan_text)

    @notifications_app.command("list")
    @command
    def notifications_list(
        status: str | None = typer.Option(None, "--status",
                                             help="pending, sending, sent, failed hoặc no_address."),
        limit: int = typer.Option(50, "--limit"),
        as_json: bool = JsonOpt,
    ) -> None:
        """Các thư trong hàng đợi, mới nhất trước."""
        from notifications.outbox import STATUSES, list_messages

        from .errors import BadInput

        if status is not None and status not in STATUSES:
            raise BadInput(f"Trạng thái «{status}» không hợp lệ.", hint="Chọn một trong: " + ", ".join(STATUSES) + ".")
        rows = list_messages(get_app(), status=status, limit=limit)
        for r in rows:
            r.pop("body_html")
            r.pop("body_text")
        emit(rows, as_json, _messages_text)

    @notifications_app.command("show")
    @command
    def notifications_show(message: int = typer.Argument(..., help="Số thư."), as_json: bool = JsonOpt) -> None:
        """Xem một thư: người nhận, trạng thái, lỗi gần nhất, nội dung."""
        from notifications.outbox import get_message

        from .errors import BadInput

        row = get_message(get_app(), message)
        if row is None:
            raise BadInput(f"Không có thư số {message}.", hint="Xem danh sách bằng: thamdinh notifications list")
        emit(row, as_json, lambda r: (
            f"Thư số {r['id']} ({r['kind']}) — {r['status']}, đã thử {r['tries']} lần\n"
            f"Gửi: {r['recipient_id']} <{r['recipient_email'] or 'chưa có e-mail'}>\n"
            f"Tiêu đề: {r['subject']}\nMessage-ID: {r['message_id'] or '—'}\n"
            f"Lỗi gần nhất: {r['last_error'] or '—'}\n\n{r['body_text']}"))

    @notifications_app.command("retry")
    @command
    def notifications_retry(
        ids: list[int] | None = typer.Argument(None, help="Số thư; bỏ trống: mọi thư hỏng hoặc thiếu e-mail."),
        as_json: bool = JsonOpt,
    ) -> None:
        """Đưa thư gửi hỏng (hoặc thiếu e-mail, sau khi đã bổ sung) trở lại hàng đợi."""
        from notifications.outbox import retry

        n = retry(get_app(), list(ids or []))
        emit({"requeued": n}, as_json, lambda d: f"Đã đưa {d['requeued']} thư trở lại hàng đợi.")

    @notifications_app.command("dispatch")
    @command
    def notifications_dispatch(as_json: bool = JsonOpt) -> None:
        """Gửi ngay các thư đến lượt (SMTP theo cấu hình, hoặc tệp .eml vào thư mục thư đi)."""
        from notifications.dispatcher import dispatch

        result = dispatch(get_app()).as_dict()
        emit(result, as_json, lambda x: f"Gửi thư: {x['sent']} đã gửi, {x['retried']} chờ gửi lại, {x['failed']} hỏng.")
