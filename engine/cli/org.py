"""``thamdinh org``: the organisation (divisions, people, roles, e-mail addresses)."""

from __future__ import annotations

from pathlib import Path

import typer

from .common import JsonOpt, app_of, command, emit

NAME = "org"
group = typer.Typer(help="Tổ chức: phòng, cán bộ, vai trò, e-mail.", no_args_is_help=True, rich_markup_mode=None)


@group.command("load")
@command
def load(ctx: typer.Context, file: Path = typer.Argument(..., help="Tệp YAML: divisions, people."),
         as_json: bool = JsonOpt) -> None:
    """Nạp hoặc cập nhật tổ chức từ tệp YAML (không tạo trùng)."""
    counts = app_of(ctx).services.load_org(file)
    emit(counts, as_json, lambda c: f"Đã nạp {c['divisions']} phòng, {c['people']} cán bộ "
                                    f"({c['created']} mới, {c['updated']} cập nhật).")


@group.command("show")
@command
def show(ctx: typer.Context, as_json: bool = JsonOpt) -> None:
    """Liệt kê cán bộ, vai trò và e-mail."""
    from ..domain.org import ROLES

    people = [{"id": p.id, "name": p.name, "email": p.email, "division": p.division,
               "roles": [r for r in ROLES if r in p.roles], "roles_label": p.roles_label(), "active": p.active}
              for p in app_of(ctx).services.people()]
    emit(people, as_json, lambda ps: "\n".join(
        f"{p['id']:<14} {p['name']:<28} {p['division'] or '-':<6} {p['roles_label']:<28} "
        f"{p['email'] or '(chưa có e-mail)'}{'' if p['active'] else '  (đã thôi công tác)'}"
        for p in ps) or "Chưa nạp tổ chức.")
