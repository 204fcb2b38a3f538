"""``thamdinh org``: the organisation (divisions, people, roles, e-mail addresses)."""

from __future__ import annotations

from pathlib import Path

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option

NAME = "org"


@click.group(cls=vn.Group, help="Tổ chức: phòng, cán bộ, vai trò, e-mail.")
def group() -> None:
    pass


@group.command("load")
@click.argument("file", type=click.Path(path_type=Path))
@json_option
@click.pass_context
@command
def load(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Nạp hoặc cập nhật tổ chức từ tệp YAML FILE (divisions, people; không tạo trùng)."""
    counts = app_of(ctx).services.load_org(file)
    emit(counts, as_json, lambda c: f"Đã nạp {c['divisions']} phòng, {c['people']} cán bộ "
                                    f"({c['created']} mới, {c['updated']} cập nhật).")


@group.command("show")
@json_option
@click.pass_context
@command
def show(ctx: click.Context, as_json: bool) -> None:
    """Liệt kê cán bộ, vai trò và e-mail."""
    a = app_of(ctx)
    people = [{"id": p.id, "name": p.name, "email": p.email, "division": p.division,
               "roles": [r for r in a.roles.names if r in p.roles], "roles_label": a.roles.labels(p.roles),
               "active": p.active} for p in a.services.people()]
    emit(people, as_json, lambda ps: "\n".join(
        f"{p['id']:<14} {p['name']:<28} {p['division'] or '-':<6} {p['roles_label']:<28} "
        f"{p['email'] or '(chưa có e-mail)'}{'' if p['active'] else '  (đã thôi công tác)'}"
        for p in ps) or "Chưa nạp tổ chức.")
