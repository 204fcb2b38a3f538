"""``thamdinh capital import|progress|holdups``: projects and their capital (the capital file, the
disbursement progress against the movement's goal, the projects waiting on an appraisal)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from . import vietnamese as vn
from .common import app_of, command, emit, json_option

NAME = "capital"
FORMAT_HELP = "text (mặc định), json hoặc xlsx."
MOVEMENT_HELP = "Tệp phong trào có mục capital (mặc định: phong trào 2024 đi kèm phần mềm)."


@click.group(cls=vn.Group, help="Dự án, kế hoạch vốn và tiến độ giải ngân.")
def group() -> None:
    pass


def _money(x: int) -> str:
    from ..domain.formatting import vn_number

    return vn_number(x)


def _import_text(d: dict[str, int]) -> str:
    return (f"Đã nhập {d['rows']} dòng: {d['projects_added']} dự án mới, {d['projects_updated']} dự án cập nhật, "
            f"{d['plans']} kế hoạch giao, {d['adjustments']} điều chỉnh, {d['disbursements']} số giải ngân lũy kế, "
            f"{d['dossiers_linked']} hồ sơ gắn với dự án; {d['unchanged']} dòng đã có từ trước, giữ nguyên.")


@group.command("import", cls=vn.Command)
@click.argument("file", type=click.Path(path_type=Path))
@json_option
@click.pass_context
@command
def import_file(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Nhập tệp vốn (CSV hoặc XLSX): kế hoạch giao, điều chỉnh, giải ngân lũy kế; tất cả hoặc không gì cả."""
    emit(app_of(ctx).capital.import_file(file), as_json, _import_text)


def _line(name: str, r: dict[str, Any]) -> str:
    from ..domain.formatting import vn_percent

    return (f"{name[:36]:<36} {_money(r['plan']):>20} {_money(r['disbursed']):>20} {vn_percent(r['rate']):>7} "
            f"{vn_percent(r['path']):>7} {vn_percent(r['projected_rate']):>7} {'dưới' if r['below_path'] else '':>5}")


def _progress_text(d: dict[str, Any]) -> str:
    from ..domain.formatting import vn_date, vn_percent

    g = d["goal"]
    lines = [f"Tiến độ giải ngân kế hoạch vốn năm {g['plan_year']} đến hết ngày {vn_date(d['as_of'])} — mục tiêu "
             f"{vn_percent(g['target'])} đến {vn_date(g['by'])}; lộ trình hôm đó {vn_percent(g['path_today'])}",
             f"{d['by_label']:<36} {'Kế hoạch (đồng)':>20} {'Đã giải ngân (đồng)':>20} {'Tỷ lệ':>7} {'Lộ trình':>7} "
             f"{'Dự báo':>7} {'':>5}"]
    lines += [_line(r["key"] + (f" {r['name']}" if r.get("name") else ""), r) for r in d["rows"]]
    lines.append(_line("Toàn bộ", d["total"]))
    below = d["below_path"]
    count = d["below_path_count"]
    lines.append(f"Dự án dưới lộ trình: {count}" + (" (10 thiếu nhiều nhất)" if count > 10 else ""))
    lines += [f"  {r['key']} {r['name'][:40]}: cần giải ngân thêm {_money(r['needed_for_path'])} đồng"
              for r in below[:10]]
    return "\n".join(lines)


def _write(data: dict[str, Any], fmt: str, out: Path | None, stem: str, as_json: bool, text: Any, xlsx: Any) -> None:
    from ..domain.errors import BadInput

    if as_json or fmt == "json":
        emit(data, True)
    elif fmt == "text":
        emit(data, False, text)
    elif fmt == "xlsx":
        target = out or Path(f"{stem}-{data['as_of']}.xlsx")
        xlsx(data, target)
        click.echo(f"Đã ghi {target}")
    else:
        raise BadInput(f"Định dạng «{fmt}» không được hỗ trợ.", hint=f"Chọn {FORMAT_HELP}")


def _table(name: str, stem: str, *extra: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A table command of the group: ``--as-of``, ``--format``, ``--out``, ``--movement``, ``--json``."""
    def wrap(fn: Any) -> Any:
        fn = command(fn)
        options: tuple[Callable[[Any], Any], ...] = (
            click.pass_context, json_option,
            click.option("--movement", type=click.Path(path_type=Path), help=MOVEMENT_HELP),
            click.option("--out", type=click.Path(path_type=Path), help=f"Tệp xlsx (mặc định: {stem}-NGÀY.xlsx)."),
            click.option("--format", "fmt", default="text", help=FORMAT_HELP), *extra,
            click.option("--as-of", "as_of", help="Tính đến hết ngày YYYY-MM-DD (mặc định: hôm nay)."))
        for option in options:
            fn = option(fn)
        return group.command(name, cls=vn.Command)(fn)
    return wrap


@_table("progress", "tien-do-giai-ngan",
        click.option("--by", default="project", help="Nhóm theo: project (mặc định), investor, capital_source."))
def progress(ctx: click.Context, as_of: str | None, by: str, fmt: str, out: Path | None, movement: Path | None,
             as_json: bool) -> None:
    """Tỷ lệ giải ngân theo dự án, chủ đầu tư, nguồn vốn và toàn bộ, so với mục tiêu và lộ trình các mốc."""
    from ..domain.clock import parse_date
    from ..reporting.capital_workbook import write_progress_xlsx

    day = parse_date(as_of, "--as-of") if as_of else None
    data = app_of(ctx).capital.progress(day, by, movement)
    _write(data, fmt, out, "tien-do-giai-ngan", as_json, _progress_text, write_progress_xlsx)


def _holdups_text(d: dict[str, Any]) -> str:
    from ..domain.formatting import vn_date

    lines = [f"Dự án chờ thẩm định đến hết ngày {vn_date(d['as_of'])}: {len(d['waiting'])} dự án, "
             f"{_money(d['waiting_capital'])} đồng chưa giải ngân",
             f"{'Dự án':<40} {'Chưa giải ngân (đồng)':>22} {'Hồ sơ':<22} {'Tại Sở':>6} {'Chờ CĐT':>7} {'Quá hạn':>7}"]
    for r in d["waiting"]:
        for c in r["open"]:
            lines.append(f"{(r['code'] + ' ' + r['name'])[:40]:<40} {_money(r['undisbursed']):>22} "
                         f"{c['dossier'][:22]:<22} {c['with_department']:>6} {c['awaiting_investor']:>7} "
                         f"{c['overdue_working_days']:>7}" + (" (chờ chủ đầu tư)" if c["paused"] else ""))
    return "\n".join(lines)


@_table("holdups", "du-an-cho-tham-dinh")
def holdups(ctx: click.Context, as_of: str | None, fmt: str, out: Path | None, movement: Path | None,
            as_json: bool) -> None:
    """Dự án chờ thẩm định: ngày làm việc hồ sơ ở Sở và chờ chủ đầu tư trong khi vốn chưa giải ngân."""
    from ..domain.clock import parse_date
    from ..reporting.capital_workbook import write_holdups_xlsx

    day = parse_date(as_of, "--as-of") if as_of else None
    data = app_of(ctx).capital.holdups(day, movement)
    _write(data, fmt, out, "du-an-cho-tham-dinh", as_json, _holdups_text, write_holdups_xlsx)
