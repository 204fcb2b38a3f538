"""``thamdinh backup FILE`` and ``thamdinh restore FILE``: a consistent copy of the live database, and
an empty database filled from one (SQLite: the online backup API; PostgreSQL: pg_dump / pg_restore)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..domain.formatting import vn_number
from . import vietnamese as vn
from .common import app_of, command, emit, json_option


def _size(n: int) -> str:
    return f"{vn_number(n / 2**20, 1)} MiB" if n >= 2**20 else f"{vn_number(n / 1024, 1)} KiB"


def _backup_text(r: dict[str, Any]) -> str:
    return (f"Đã sao lưu {r['database']} vào {r['file']} ({_size(r['bytes'])}, {vn_number(r['seconds'], 1)} giây): "
            f"{vn_number(r['dossiers'])} hồ sơ, {vn_number(r['people'])} cán bộ, "
            f"phiên bản lược đồ {r['revision'] or '—'}.")


def _restore_text(r: dict[str, Any]) -> str:
    text = (f"Đã khôi phục {r['file']} vào {r['database']} ({vn_number(r['seconds'], 1)} giây): "
            f"{vn_number(r['dossiers'])} hồ sơ, {vn_number(r['people'])} cán bộ, "
            f"phiên bản lược đồ {r['revision'] or '—'}.")
    if r["upgrade_needed"]:
        text += f"\nBản sao lưu cũ hơn phiên bản hiện hành ({r['head']}): chạy «thamdinh init» để nâng cấp."
    return text


@click.command("backup", cls=vn.Command)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@json_option
@click.pass_context
@command
def backup(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Sao lưu cơ sở dữ liệu đang chạy vào tệp FILE, không phải dừng ứng dụng hay bộ lập lịch.

    SQLite: bản sao nhất quán qua API sao lưu trực tuyến của SQLite. PostgreSQL: pg_dump dạng custom (-Fc).
    """
    emit(app_of(ctx).backups.backup(file), as_json, _backup_text)


@click.command("restore", cls=vn.Command)
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@json_option
@click.pass_context
@command
def restore(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Khôi phục bản sao lưu FILE vào cơ sở dữ liệu trống của THAMDINH_DATABASE_URL.

    Không ghi đè cơ sở dữ liệu đã có hồ sơ hoặc cán bộ. Sau đó chạy «thamdinh init» nếu bản sao lưu cũ hơn.
    """
    emit(app_of(ctx).backups.restore(file), as_json, _restore_text)


def register(app: click.Group) -> None:
    app.add_command(backup)
    app.add_command(restore)
