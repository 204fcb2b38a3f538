"""``thamdinh user`` (accounts, passwords, personal API tokens) and ``thamdinh audit`` (the audit log).

The CLI is the administrator's tool on the server: these commands act as the console
(``channel cli``). A password is asked twice without echo, or read from standard input for scripts
(``--stdin``); it is never printed, logged or stored in clear. A new token is printed once.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

import click

from ..domain.clock import TZ
from ..domain.errors import BadInput
from ..domain.formatting import vn_datetime
from . import vietnamese as vn
from .common import app_of, command, emit, json_option

NAME = "user"


@click.group(cls=vn.Group, help="Tài khoản: mật khẩu, khóa tài khoản, mã truy cập API cá nhân.")
def group() -> None:
    pass


def _read_password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline()
        if not line:
            raise BadInput("Không đọc được mật khẩu từ đầu vào chuẩn.",
                           hint="Ví dụ: printf '%s\\n' \"$MK\" | thamdinh user set-password cv.pham --stdin")
        return line.rstrip("\r\n")
    value = click.prompt("Mật khẩu mới", hide_input=True, confirmation_prompt="Nhập lại mật khẩu",
                         err=True, show_default=False)
    return str(value)


@group.command("set-password")
@click.argument("person_id")
@click.option("--stdin", "from_stdin", is_flag=True, help="Đọc mật khẩu từ đầu vào chuẩn (một dòng).")
@json_option
@click.pass_context
@command
def set_password(ctx: click.Context, person_id: str, from_stdin: bool, as_json: bool) -> None:
    """Đặt mật khẩu cho cán bộ PERSON_ID (các phiên đăng nhập khác của người đó kết thúc)."""
    app_of(ctx).accounts.set_password(person_id, _read_password(from_stdin))
    emit({"person": person_id, "password_set": True}, as_json, f"Đã đặt mật khẩu cho {person_id}.")


@group.command("disable")
@click.argument("person_id")
@json_option
@click.pass_context
@command
def disable(ctx: click.Context, person_id: str, as_json: bool) -> None:
    """Khóa tài khoản PERSON_ID: không đăng nhập được, mã truy cập API ngừng có hiệu lực."""
    app_of(ctx).accounts.set_disabled(person_id, True)
    emit({"person": person_id, "disabled": True}, as_json, f"Đã khóa tài khoản {person_id}.")


@group.command("enable")
@click.argument("person_id")
@json_option
@click.pass_context
@command
def enable(ctx: click.Context, person_id: str, as_json: bool) -> None:
    """Mở lại tài khoản PERSON_ID đã bị khóa (cả khóa tạm thời do đăng nhập sai)."""
    app_of(ctx).accounts.set_disabled(person_id, False)
    emit({"person": person_id, "disabled": False}, as_json, f"Đã mở tài khoản {person_id}.")


def _when(iso: str) -> str:
    return vn_datetime(dt.datetime.fromisoformat(iso))


def _token_row(t: Any) -> dict[str, Any]:
    return {"id": t.id, "person": t.person_id, "name": t.name, "prefix": t.prefix,
            "created_at": t.created_at.astimezone(TZ).isoformat(),
            "last_used_at": t.last_used_at.astimezone(TZ).isoformat() if t.last_used_at else None,
            "revoked_at": t.revoked_at.astimezone(TZ).isoformat() if t.revoked_at else None}


@group.command("token")
@click.argument("person_id")
@click.option("--name", required=True, help="Tên gợi nhớ, ví dụ «máy chủ báo cáo của phòng».")
@json_option
@click.pass_context
@command
def token(ctx: click.Context, person_id: str, name: str, as_json: bool) -> None:
    """Tạo một mã truy cập API cho PERSON_ID; mã chỉ được in ra một lần."""
    value, record = app_of(ctx).accounts.create_token(person_id, name)
    emit({**_token_row(record), "token": value}, as_json,
         f"Mã truy cập số {record.id} cho {person_id} («{record.name}»):\n{value}\n"
         "Mã chỉ hiện một lần: lưu ngay vào nơi an toàn. Gửi kèm tiêu đề «Authorization: Bearer <mã>».")


def _tokens_text(rows: list[dict[str, Any]]) -> str:
    def state(r: dict[str, Any]) -> str:
        if r["revoked_at"]:
            return f"đã thu hồi {_when(r['revoked_at'])}"
        return f"dùng lần cuối {_when(r['last_used_at'])}" if r["last_used_at"] else "chưa dùng"

    return "\n".join(f"{r['id']:>4}  {r['person']:<14} {r['prefix']}…  {r['name']:<30} "
                     f"tạo {_when(r['created_at'])}, {state(r)}" for r in rows) or "Chưa có mã truy cập nào."


@group.command("tokens")
@click.argument("person_id", required=False)
@json_option
@click.pass_context
@command
def tokens(ctx: click.Context, person_id: str | None, as_json: bool) -> None:
    """Liệt kê mã truy cập API (của PERSON_ID, hoặc của mọi người)."""
    rows = [_token_row(t) for t in app_of(ctx).accounts.tokens(person_id)]
    emit(rows, as_json, _tokens_text)


@group.command("revoke")
@click.argument("token_id", type=int)
@json_option
@click.pass_context
@command
def revoke(ctx: click.Context, token_id: int, as_json: bool) -> None:
    """Thu hồi mã truy cập số TOKEN_ID (xem số bằng: thamdinh user tokens)."""
    t = app_of(ctx).accounts.revoke(token_id)
    emit(_token_row(t), as_json, f"Đã thu hồi mã truy cập số {t.id} của {t.person_id} («{t.name}»).")


@click.command("audit", cls=vn.Command)
@click.option("--person", "person_id", help="Chỉ các dòng về cán bộ này.")
@click.option("--kind", help="Chỉ một loại: sign_in, sign_in_failed, locked, sign_out, password_set, token_used…")
@click.option("--since", help="Từ ngày (YYYY-MM-DD).")
@click.option("--limit", type=int, default=200, show_default=True, help="Số dòng tối đa.")
@json_option
@click.pass_context
@command
def audit(ctx: click.Context, person_id: str | None, kind: str | None, since: str | None, limit: int,
          as_json: bool) -> None:
    """Nhật ký đăng nhập, khóa tài khoản, đổi mật khẩu và mã truy cập API (mới nhất trước)."""
    start = None
    if since:
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(since), dt.time(), TZ)
        except ValueError:
            raise BadInput(f"--since «{since}» không phải ngày dạng YYYY-MM-DD.") from None
    entries = app_of(ctx).accounts.audit(person_id=person_id, kind=kind, since=start, limit=limit)
    rows = [{"at": e.at.astimezone(TZ).isoformat(), "kind": e.kind, "label": e.label, "person": e.person_id,
             "by": e.actor, "channel": e.channel, "client": e.client, "detail": e.detail} for e in entries]
    emit(rows, as_json, lambda rs: "\n".join(
        f"{_when(r['at'])}  {r['label']:<32} {r['person'] or '—':<14} {r['channel']:<4} "
        f"{r['client'] or '':<15} {r['detail'] or ''}".rstrip() for r in rs) or "Nhật ký trống.")


def register(app: click.Group) -> None:
    app.add_command(group, name=NAME)
    app.add_command(audit)
