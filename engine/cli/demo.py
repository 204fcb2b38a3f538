"""``thamdinh demo``: the main job on a fresh SQLite database."""

from __future__ import annotations

from pathlib import Path

import click

from . import vietnamese as vn
from .common import command, emit, json_option


@click.command("demo", cls=vn.Command)
@click.option("--out", type=click.Path(path_type=Path), default=Path("thamdinh-demo"),
              help="Thư mục kết quả (mặc định: thamdinh-demo).")
@click.option("--size", type=int, default=3000, help="Số hồ sơ mô phỏng trong năm thi đua (mặc định 3000).")
@click.option("--reminders-from", default="start",
              help="Ngày bắt đầu mô phỏng nhắc hạn và tổng hợp qua e-mail (YYYY-MM-DD), 'start' (cả đợt), "
                   "'last-month' (tháng cuối đợt) hoặc 'none'.")
@json_option
@command
def demo(out: Path, size: int, reminders_from: str, as_json: bool) -> None:
    """Chạy thử: CSDL SQLite mới, mô phỏng một năm thi đua (~3.000 hồ sơ), lập mọi báo cáo tháng và kết quả thi đua."""
    from ..demo import run_demo
    from ..domain.clock import parse_date
    from ..domain.errors import BadInput

    if not 1 <= size <= 1_000_000:
        raise BadInput(f"--size {size} nằm ngoài 1–1.000.000.")
    when = None if reminders_from == "none" else (
        reminders_from if reminders_from in ("start", "last-month") else parse_date(reminders_from, "--reminders-from"))
    summary = run_demo(out, echo=None if as_json else click.echo, size=size, reminders_from=when)
    emit(summary, as_json)


def register(app: click.Group) -> None:
    app.add_command(demo)
