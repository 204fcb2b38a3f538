"""``thamdinh calendar``: the working-day calendar and deadline arithmetic."""

from __future__ import annotations

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option

NAME = "calendar"


@click.group(cls=vn.Group, help="Lịch ngày làm việc và tính hạn.")
def group() -> None:
    pass


@group.command("due")
@click.argument("start")
@click.argument("n", type=int)
@click.option("--unit", default="working-days", help="days hoặc working-days (mặc định).")
@json_option
@click.pass_context
@command
def due(ctx: click.Context, start: str, n: int, unit: str, as_json: bool) -> None:
    """Tính hạn: N ngày (hoặc ngày làm việc) kể từ sau ngày START (YYYY-MM-DD, không tính)."""
    from ..domain.clock import parse_date
    from ..domain.formatting import vn_date

    day = app_of(ctx).services.due_date(parse_date(start, "ngày bắt đầu"), n, unit)
    emit({"due_date": day.isoformat()}, as_json, lambda d: f"Hạn: {vn_date(day)} ({d['due_date']})")


@group.command("check")
@click.argument("day")
@json_option
@click.pass_context
@command
def check(ctx: click.Context, day: str, as_json: bool) -> None:
    """Ngày DAY (YYYY-MM-DD) có phải ngày làm việc không, và vì sao."""
    from ..domain.clock import parse_date
    from ..domain.formatting import vn_date

    d = parse_date(day)
    why = app_of(ctx).calendar.why_off(d)
    emit({"date": d.isoformat(), "working_day": why is None, "reason": why}, as_json,
         lambda r: f"{vn_date(d)}: " + ("ngày làm việc" if r["working_day"] else f"ngày nghỉ ({r['reason']})"))
