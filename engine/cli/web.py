"""``thamdinh web``: the pages and the API for appraisal officers."""

from __future__ import annotations

import typer

from .common import JsonOpt, app_of, command, emit


def web(ctx: typer.Context, host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port"),
        as_json: bool = JsonOpt) -> None:
    """Chạy trang web và API cho cán bộ thẩm định."""
    import uvicorn

    from ..web import create_web

    a = app_of(ctx)
    emit({"url": f"http://{host}:{port}/ho-so"}, as_json, f"Trang web: http://{host}:{port}/ho-so")
    uvicorn.run(create_web(a), host=host, port=port, log_level="info")


def register(app: typer.Typer) -> None:
    app.command("web")(command(web))
