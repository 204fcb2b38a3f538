"""``thamdinh workflow``: the workflow definitions (rules as data)."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import JsonOpt, app_of, command, emit

NAME = "workflow"
group = typer.Typer(help="Quy trình (định nghĩa dạng dữ liệu).", no_args_is_help=True, rich_markup_mode=None)


@group.command("list")
@command
def list_(ctx: typer.Context, as_json: bool = JsonOpt) -> None:
    """Các quy trình đã nạp (mọi phiên bản)."""
    defs = app_of(ctx).rules.definitions
    data = [{"id": w.id, "version": w.version, "title": w.title,
             "rule_versions": [{"id": r.id, "effective_from": r.effective_from.isoformat()} for r in w.rule_versions]}
            for _, w in sorted(defs.items())]
    emit(data, as_json, lambda ds: "\n".join(f"{d['id']:<22} v{d['version']}  {d['title']}" for d in ds))


@group.command("show")
@command
def show(ctx: typer.Context, workflow_id: str = typer.Argument(...), as_json: bool = JsonOpt) -> None:
    """Xem một quy trình, kèm sơ đồ Mermaid."""
    from ..reporting.diagram import describe

    emit(describe(app_of(ctx).rules.latest(workflow_id)), as_json, lambda d: d["text"])


@group.command("validate")
@command
def validate(files: list[Path] = typer.Argument(..., help="Tệp YAML quy trình."), as_json: bool = JsonOpt) -> None:
    """Kiểm tra tệp quy trình trước khi đưa vào dùng."""
    from ..io.workflow_files import load_workflow_file

    ok = [load_workflow_file(f).id for f in files]
    emit({"valid": ok}, as_json, lambda d: "Hợp lệ: " + ", ".join(d["valid"]))
