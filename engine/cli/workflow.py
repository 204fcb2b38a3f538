"""``thamdinh workflow``: the workflow definitions (rules as data)."""

from __future__ import annotations

from pathlib import Path

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option

NAME = "workflow"


@click.group(cls=vn.Group, help="Quy trình (định nghĩa dạng dữ liệu).")
def group() -> None:
    pass


@group.command("list")
@json_option
@click.pass_context
@command
def list_(ctx: click.Context, as_json: bool) -> None:
    """Các quy trình đã nạp (mọi phiên bản)."""
    defs = app_of(ctx).rules.definitions
    data = [{"id": w.id, "version": w.version, "title": w.title,
             "rule_versions": [{"id": r.id, "effective_from": r.effective_from.isoformat()} for r in w.rule_versions]}
            for _, w in sorted(defs.items())]
    emit(data, as_json, lambda ds: "\n".join(f"{d['id']:<22} v{d['version']}  {d['title']}" for d in ds))


@group.command("show")
@click.argument("workflow_id")
@json_option
@click.pass_context
@command
def show(ctx: click.Context, workflow_id: str, as_json: bool) -> None:
    """Xem quy trình WORKFLOW_ID, kèm sơ đồ Mermaid."""
    from ..reporting.diagram import describe

    emit(describe(app_of(ctx).rules.latest(workflow_id)), as_json, lambda d: d["text"])


@group.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@command
def validate(files: tuple[Path, ...], as_json: bool) -> None:
    """Kiểm tra các tệp quy trình FILES (và tệp vai trò roles.yaml, tệp thể thức văn bản letterhead.yaml)
    trước khi đưa vào dùng."""
    from ..io import letterhead, roles
    from ..io.workflow_files import load_workflow_file

    def check(f: Path) -> str:
        if f.name == roles.NAME:
            return roles.check_roles_file(f)
        if f.name == letterhead.NAME:
            return letterhead.check_letterhead_file(f)
        return load_workflow_file(f).id

    ok = [check(f) for f in files]
    emit({"valid": ok}, as_json, lambda d: "Hợp lệ: " + ", ".join(d["valid"]))
