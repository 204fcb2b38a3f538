"""``thamdinh web``: the pages and the API for appraisal officers."""

from __future__ import annotations

from pathlib import Path

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option


@click.command("web", cls=vn.Command)
@click.option("--host", default="127.0.0.1", help="Địa chỉ nghe (mặc định 127.0.0.1).")
@click.option("--port", type=int, default=8000, help="Cổng (mặc định 8000).")
@click.option("--demo", "demo_dir", type=click.Path(path_type=Path), default=None,
              help="Mở kết quả chạy thử trong thư mục này (thamdinh demo): CSDL của nó, đồng hồ từ ngày cuối "
                   "của lịch sử mô phỏng.")
@json_option
@click.pass_context
@command
def web(ctx: click.Context, host: str, port: int, demo_dir: Path | None, as_json: bool) -> None:
    """Chạy trang web và API cho cán bộ thẩm định."""
    import uvicorn

    from ..web import asgi

    a = app_of(ctx)
    if demo_dir is not None:
        from ..bootstrap import App
        from ..demo.opening import demo_settings

        a = App(demo_settings(demo_dir, a.settings))
    emit({"url": f"http://{host}:{port}/ho-so"}, as_json, f"Trang web: http://{host}:{port}/ho-so")
    # the forwarded headers are read by the application itself, from THAMDINH_TRUSTED_PROXIES only
    uvicorn.run(asgi(a), host=host, port=port, log_level="info", proxy_headers=False)


def register(app: click.Group) -> None:
    app.add_command(web)
