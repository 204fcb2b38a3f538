"""``thamdinh calendar``: the working-day calendar and deadline arithmetic."""

from __future__ import annotations

import typer

from .common import JsonOpt, app_of, command, emit

NAME = "calendar"
group = typer.Typer(help="Lịch ngày làm việc và tính hạn.", no_args_is_help=True, rich_markup_mode=None)


@group.command("due")
@command
def due(
    ctx: typer.Context,
    start: str = typer.Argument(..., help="Ngày bắt đầu (không tính), YYYY-MM-DD."),
    n: int = typer.Argument(..., help="Số ngày."),
    unit: str = typer.Option("working-days", "--unit", help="days hoặc working-days."),
    as_json: bool = JsonOpt,
) -> None:
    """Tính hạn: N ngày (hoặc ngày làm việc) kể từ sau ngày bắt đầu."""
    from ..domain.clock import parse_date
    from ..domain.formatting import vn_date

    day = app_of(ctx).services.due_date(parse_date(start, "ngày bắt đầu"), n, unit)
    emit({"due_date": day.isoformat()}, as_json, lambda d: f"Hạn: {vn_date(day)} ({d['due_date']})")


@group.command("check")
@command
def check(ctx: typer.Context, day: str = typer.Argument(..., help="YYYY-MM-DD"), as_json: bool = JsonOpt) -> None:
    """Một ngày có phải ngày làm việc không, và vì sao."""
    from ..domain.clock import parse_date
    from ..domain.formatting import vn_date

    d = parse_date(day)
    why = app_of(ctx).calendar.why_off(d)
    emit({"date": d.isoformat(), "working_day": why is None, "reason": why}, as_json,
         lambda r: f"{vn_date(d)}: " + ("ngày làm việc" if r["working_day"] else f"ngày nghỉ ({r['reason']})"))
