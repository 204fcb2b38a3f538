"""``thamdinh verify``: walk every dossier's hash chain and recompute its stage clocks from its history;
exit 1 when any dossier (or an issued report's checkpoint) disagrees, 0 otherwise."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from ..domain.formatting import vn_number
from . import vietnamese as vn
from .common import app_of, command, emit, json_option

if TYPE_CHECKING:
    from ..services.verify import VerifyReport


def _summary(r: VerifyReport) -> str:
    head = f"Đã kiểm tra {vn_number(r.dossiers)} hồ sơ, {vn_number(r.rows)} dòng lịch sử"
    if r.issued_checked:
        head += f", dấu kiểm của {vn_number(r.issued_checked)} báo cáo đã ban hành"
    if r.ok:
        return head + ": không có sai lệch."
    codes = r.dossiers_with_problems()
    wide = sum(1 for p in r.problems if not p.code)
    parts = [f"{vn_number(len(codes))} hồ sơ có sai lệch"] if codes else []
    if wide:
        parts.append(f"{vn_number(wide)} sai lệch chung của cơ sở dữ liệu")
    return f"{head}: {', '.join(parts)} ({vn_number(len(r.problems))} sai lệch)."


def _text(r: VerifyReport, limit: int) -> str:
    lines = [_summary(r)]
    if r.ok:
        return lines[0]
    by_code: dict[str, list[str]] = {}
    for p in r.problems:
        by_code.setdefault(p.code, []).append(p.what)
    shown = list(by_code.items())[:limit]
    for code, whats in shown:
        lines.append(f"Hồ sơ {code}:" if code else "Cơ sở dữ liệu:")
        lines.extend(f"  - {w}" for w in whats)
    if len(by_code) > len(shown):
        lines.append(f"… và {vn_number(len(by_code) - len(shown))} mục khác (xem tất cả: --limit {len(by_code)}).")
    return "\n".join(lines)


def _json(r: VerifyReport, limit: int) -> dict[str, Any]:
    codes = r.dossiers_with_problems()
    return {"ok": r.ok, "dossiers": r.dossiers, "rows": r.rows, "issued_checked": r.issued_checked,
            "problem_count": len(r.problems), "dossiers_with_problems": len(codes),
            "problems": [{"code": p.code, "what": p.what} for p in r.problems
                         if not p.code or p.code in set(codes[:limit])]}


def _progress(dossiers: int, rows: int) -> None:
    click.echo(f"… đã kiểm tra {vn_number(dossiers)} hồ sơ, {vn_number(rows)} dòng lịch sử", err=True)


@click.command("verify", cls=vn.Command)
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Liệt kê sai lệch của tối đa chừng này hồ sơ.")
@click.option("--quiet", "-q", is_flag=True, help="Không in tiến độ ra stderr.")
@json_option
@click.pass_context
@command
def verify(ctx: click.Context, limit: int, quiet: bool, as_json: bool) -> int:
    """Kiểm tra tính toàn vẹn: chuỗi mã băm của lịch sử mọi hồ sơ và mọi thời hạn tính lại từ lịch sử.

    Thoát với mã 1 khi có hồ sơ sai lệch (hoặc dấu kiểm của báo cáo đã ban hành không khớp), 0 khi không có.
    """
    report = app_of(ctx).verification.run(None if quiet or as_json else _progress)
    emit(_json(report, limit) if as_json else report, as_json, lambda r: _text(r, limit))
    if not report.ok:
        raise click.exceptions.Exit(1)
    return 0


def register(app: click.Group) -> None:
    app.add_command(verify)
