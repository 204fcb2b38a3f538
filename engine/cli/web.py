"""``thamdinh web``: the pages and the API for appraisal officers."""

from __future__ import annotations

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option


@click.command("web", cls=vn.Command)
@click.option("--host", default="127.0.0.1", help="Địa chỉ nghe (mặc định 127.0.0.1).")
@click.option("--port", type=int, default=8000, help="Cổng (mặc định 8000).")
@json_option
@click.pass_context
@command
def web(ctx: click.Context, host: str, port: int, as_json: bool) -> None:
    """Chạy trang web và API cho cán bộ thẩm định."""
    import uvicorn

    from ..web import create_web

    a = app_of(ctx)
    emit({"url": f"http://{host}:{port}/ho-so"}, as_json, f"Trang web: http://{host}:{port}/ho-so")
    uvicorn.run(create_web(a), host=host, port=port, log_level="info")


def register(app: click.Group) -> None:
    app.add_command(web)
