"""``thamdinh notifications``: the outbox, for administrators."""

from __future__ import annotations

from typing import Any

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option

NAME = "notifications"


@click.group(cls=vn.Group, help="Hàng đợi thư thông báo (dành cho quản trị).")
def group() -> None:
    pass


def _admin(ctx: click.Context) -> Any:
    from ..services.outbox_admin import OutboxAdmin

    a = app_of(ctx)
    return OutboxAdmin(a.database, a.clock)


def _messages_text(rows: list[dict[str, Any]]) -> str:
    from ..domain.clock import TZ

    if not rows:
        return "Hàng đợi thư trống."
    out = [f"{'Số':>6} {'Trạng thái':<11} {'Lần':>3} {'Người nhận':<14} {'Tạo lúc':<17} Tiêu đề"]
    for r in rows:
        created = r["created_at"].astimezone(TZ).strftime("%d/%m/%Y %H:%M") if r["created_at"] else ""
        out.append(f"{r['id']:>6} {r['status']:<11} {r['tries']:>3} {r['recipient_id']:<14} {created:<17} "
                   f"{r['subject'][:70]}")
    return "\n".join(out)


@group.command("list")
@click.option("--status", help="pending, sending, sent, failed hoặc no_address.")
@click.option("--limit", type=int, default=50, help="Tối đa bao nhiêu thư (mặc định 50).")
@json_option
@click.pass_context
@command
def list_(ctx: click.Context, status: str | None, limit: int, as_json: bool) -> None:
    """Các thư trong hàng đợi, mới nhất trước."""
    emit(_admin(ctx).messages(status, limit), as_json, _messages_text)


@group.command("show")
@click.argument("message", type=int)
@json_option
@click.pass_context
@command
def show(ctx: click.Context, message: int, as_json: bool) -> None:
    """Xem thư số MESSAGE: người nhận, trạng thái, lỗi gần nhất, nội dung."""
    emit(_admin(ctx).message(message), as_json, lambda r: (
        f"Thư số {r['id']} ({r['kind']}) — {r['status']}, đã thử {r['tries']} lần\n"
        f"Gửi: {r['recipient_id']} <{r['recipient_email'] or 'chưa có e-mail'}>\n"
        f"Tiêu đề: {r['subject']}\nMessage-ID: {r['message_id'] or '—'}\n"
        f"Lỗi gần nhất: {r['last_error'] or '—'}\n\n{r['body_text']}"))


@group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@json_option
@click.pass_context
@command
def retry(ctx: click.Context, ids: tuple[int, ...], as_json: bool) -> None:
    """Đưa thư gửi hỏng (hoặc thiếu e-mail, sau khi đã bổ sung) trở lại hàng đợi.

    IDS: số thư; bỏ trống: mọi thư hỏng hoặc thiếu e-mail."""
    n = _admin(ctx).retry(list(ids or []))
    emit({"requeued": n}, as_json, lambda d: f"Đã đưa {d['requeued']} thư trở lại hàng đợi.")


@group.command("dispatch")
@json_option
@click.pass_context
@command
def dispatch(ctx: click.Context, as_json: bool) -> None:
    """Gửi ngay các thư đến lượt (SMTP theo cấu hình, hoặc tệp .eml vào thư mục thư đi)."""
    result = app_of(ctx).dispatch().as_dict()
    emit(result, as_json, lambda x: f"Gửi thư: {x['sent']} đã gửi, {x['retried']} chờ gửi lại, {x['failed']} hỏng.")
