"""``thamdinh blocker``: blockers (khó khăn, vướng mắc) raised on a dossier or a project, taken into
handling, resolved, listed; who may is the access rules' (``actions:`` of roles.yaml), as on the API."""

from __future__ import annotations

from typing import Any

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option

NAME = "blocker"


def _d(day: str | None) -> str:
    return f"{day[8:10]}/{day[5:7]}/{day[:4]}" if day else "—"


def blocker_text(v: dict[str, Any]) -> str:
    where = f"hồ sơ {v['dossier']}" if v["dossier"] else f"dự án {v['project']}"
    lines = [f"Vướng mắc số {v['id']} ({where}, phòng {v['division']}): {v['state_label']}",
             f"  Nguyên nhân: {v['cause_label']}; đề nghị: {v['addressed_to_label']}"
             + (f" ({v['addressee']})" if v["addressee"] else ""),
             f"  Nội dung: {v['description']}",
             f"  Nêu ngày {_d(v['raised_on'])} bởi {v['raised_by']}"
             + (f"; phát sinh ngày {_d(v['cause_on'])}" if v["cause_on"] else "")
             + f"; {v['working_days_open']} ngày làm việc"
             + ("; đã báo cáo Giám đốc" if v["escalated_at"] else f"; báo cáo Giám đốc ngày {_d(v['escalation_day'])}"
                if v["state"] != "resolved" else "")]
    if v["resolved_on"]:
        lines.append(f"  Đã giải quyết ngày {_d(v['resolved_on'])}: {v['resolution']}")
    for u in v.get("updates", []):
        lines.append(f"  - {u['at'][8:10]}/{u['at'][5:7]}/{u['at'][:4]} {u['at'][11:16]} {u['actor']}: "
                     f"{u['to_label']}" + (f" – {u['note']}" if u["note"] else ""))
    return "\n".join(lines)


def _list_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "Không có vướng mắc nào."
    return "\n".join(f"{v['id']:>5}  {_d(v['raised_on'])}  {v['state_label']:<14} {v['division']:<6} "
                     f"{v['dossier'] or 'dự án ' + str(v['project']):<22} {v['working_days_open']:>3} ngày  "
                     f"{v['cause_label']}: {v['description'][:60]}" for v in rows)


@click.group(cls=vn.Group, help="Khó khăn, vướng mắc: nêu, xử lý, giải quyết, liệt kê.")
def group() -> None:
    pass


@group.command("raise")
@click.argument("code", required=False)
@click.option("--project", help="Mã dự án (thay cho mã hồ sơ).")
@click.option("--actor", required=True, help="Mã cán bộ nêu vướng mắc.")
@click.option("--cause", required=True, help="Nguyên nhân: legal, site_clearance, investor_documents, "
                                             "other_agency, capital.")
@click.option("--description", required=True, help="Nội dung vướng mắc.")
@click.option("--to", "addressed_to", required=True, help="Đề nghị ai giải quyết: director, investor, other_agency.")
@click.option("--addressee", help="Tên cơ quan hoặc người nhận (vd. Sở Tài chính).")
@click.option("--cause-on", help="Ngày phát sinh (YYYY-MM-DD).")
@click.option("--raised-on", help="Ngày nêu (YYYY-MM-DD); mặc định hôm nay.")
@json_option
@click.pass_context
@command
def raise_(ctx: click.Context, code: str | None, as_json: bool, **fields: Any) -> None:
    """Nêu một vướng mắc trên hồ sơ CODE (hoặc trên dự án --project)."""
    from ..domain.blockers import RaiseBlocker

    emit(app_of(ctx).blockers.raise_(RaiseBlocker(code=code, **fields)), as_json, blocker_text)


@group.command("update")
@click.argument("blocker_id", type=int)
@click.option("--actor", required=True, help="Mã cán bộ.")
@click.option("--note", help="Việc đã làm, đang làm.")
@click.option("--expect-version", type=int, help="Chỉ ghi nếu vướng mắc còn ở phiên bản này.")
@json_option
@click.pass_context
@command
def update(ctx: click.Context, blocker_id: int, actor: str, note: str | None, expect_version: int | None,
           as_json: bool) -> None:
    """Chuyển vướng mắc sang «đang xử lý» (hoặc ghi thêm việc đang làm)."""
    from ..domain.blockers import UpdateBlocker

    cmd = UpdateBlocker(blocker_id, actor, note, expect_version)
    emit(app_of(ctx).blockers.update(cmd), as_json, blocker_text)


@group.command("resolve")
@click.argument("blocker_id", type=int)
@click.option("--actor", required=True, help="Mã cán bộ.")
@click.option("--resolution", required=True, help="Kết quả giải quyết.")
@click.option("--on", "resolved_on", help="Ngày giải quyết (YYYY-MM-DD); mặc định hôm nay.")
@click.option("--expect-version", type=int, help="Chỉ ghi nếu vướng mắc còn ở phiên bản này.")
@json_option
@click.pass_context
@command
def resolve(ctx: click.Context, blocker_id: int, actor: str, resolution: str, resolved_on: str | None,
            expect_version: int | None, as_json: bool) -> None:
    """Kết luận vướng mắc đã được giải quyết, với kết quả và ngày."""
    from ..domain.blockers import ResolveBlocker

    cmd = ResolveBlocker(blocker_id, actor, resolution, resolved_on, expect_version)
    emit(app_of(ctx).blockers.resolve(cmd), as_json, blocker_text)


@group.command("list")
@click.option("--state", help="open, handling hoặc resolved.")
@click.option("--open", "open_only", is_flag=True, help="Chỉ vướng mắc chưa giải quyết.")
@click.option("--division", help="Mã phòng.")
@click.option("--code", help="Mã hồ sơ.")
@click.option("--project", help="Mã dự án.")
@click.option("--limit", type=int, default=500, show_default=True, help="Số dòng tối đa.")
@json_option
@click.pass_context
@command
def list_(ctx: click.Context, as_json: bool, **filters: Any) -> None:
    """Liệt kê vướng mắc, cũ nhất trước, với số ngày làm việc chưa giải quyết."""
    emit(app_of(ctx).blockers.list(**filters), as_json, _list_text)


@group.command("show")
@click.argument("blocker_id", type=int)
@json_option
@click.pass_context
@command
def show(ctx: click.Context, blocker_id: int, as_json: bool) -> None:
    """Một vướng mắc với mọi lần cập nhật."""
    emit(app_of(ctx).blockers.get(blocker_id), as_json, blocker_text)
