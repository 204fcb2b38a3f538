"""``thamdinh urge``: a head's or the director's urge (đôn đốc) on a dossier's officer or on an officer,
recorded with its time and note and mailed to the officer."""

from __future__ import annotations

from typing import Any

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option


def _text(u: dict[str, Any]) -> str:
    at = u["at"]
    what = f" về hồ sơ {u['dossier']}" if u["dossier"] else ""
    mail = "đã gửi e-mail" if u["emailed"] else "chưa gửi được e-mail (cán bộ chưa có địa chỉ)"
    return (f"{u['by_name']} đã đôn đốc {u['officer_name']}{what} lúc {at[11:16]} ngày "
            f"{at[8:10]}/{at[5:7]}/{at[:4]} ({mail}).")


@click.command("urge", cls=vn.Command)
@click.argument("code", required=False)
@click.option("--actor", required=True, help="Mã cán bộ đôn đốc (trưởng phòng, Giám đốc).")
@click.option("--officer", help="Cán bộ được đôn đốc (khi không nêu hồ sơ).")
@click.option("--note", help="Nội dung đôn đốc.")
@json_option
@click.pass_context
@command
def urge(ctx: click.Context, code: str | None, actor: str, officer: str | None, note: str | None,
         as_json: bool) -> None:
    """Đôn đốc chuyên viên thụ lý hồ sơ CODE (hoặc cán bộ --officer); gửi e-mail cho người được đôn đốc."""
    emit(app_of(ctx).urging.urge(actor, code=code, officer=officer, note=note), as_json, _text)


def register(app: click.Group) -> None:
    app.add_command(urge)
