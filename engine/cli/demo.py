"""``thamdinh demo``: the main job on a fresh SQLite database."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import JsonOpt, command, emit


def demo(out: Path = typer.Option(Path("thamdinh-demo"), "--out", help="Thư mục kết quả."),
         size: int = typer.Option(3000, "--size", help="Số hồ sơ mô phỏng trong năm thi đua."),
         reminders_from: str = typer.Option("start", "--reminders-from",
                                            help="Ngày bắt đầu mô phỏng nhắc hạn và tổng hợp qua e-mail "
                                                 "(YYYY-MM-DD), 'start' (cả đợt, mặc định), 'last-month' "
                                                 "(tháng cuối đợt) hoặc 'none'."),
         as_json: bool = JsonOpt) -> None:
    """Chạy thử: CSDL SQLite mới, mô phỏng một năm thi đua (~3.000 hồ sơ), lập mọi báo cáo tháng và kết quả thi đua."""
    from ..demo import run_demo
    from ..domain.clock import parse_date
    from ..domain.errors import BadInput

    if not 1 <= size <= 1_000_000:
        raise BadInput(f"--size {size} nằm ngoài 1–1.000.000.")
    when = None if reminders_from == "none" else (
        reminders_from if reminders_from in ("start", "last-month") else parse_date(reminders_from, "--reminders-from"))
    summary = run_demo(out, echo=None if as_json else typer.echo, size=size, reminders_from=when)
    emit(summary, as_json)


def register(app: typer.Typer) -> None:
    app.command("demo")(command(demo))
