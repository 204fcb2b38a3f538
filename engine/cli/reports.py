"""``thamdinh report monthly|issued|evaluation|metrics|statistics`` and ``thamdinh evaluate``: reports,
their issued versions, metrics and the emulation evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from . import vietnamese as vn
from .common import app_of, command, emit

FORMAT_HELP = "html (mặc định), xlsx hoặc json."
JSON_HELP = "Như --format json; lỗi cũng in thành một tài liệu JSON."


@click.group(cls=vn.Group, help="Báo cáo định kỳ về tình hình giải quyết hồ sơ.")
def report_group() -> None:
    pass


def _written(target: Path, text: str, as_json: bool) -> None:
    emit({"file": str(target)}, as_json, text)


def _put(content: bytes | str, out: Path | None) -> None:
    """A report to its file, or to the terminal (bytes as they are: an issued file byte for byte)."""
    if out is None:
        click.echo(content, nl=isinstance(content, str))
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


def _issue(ctx: click.Context, target: Any, out: Path | None, fmt: str, issuing: dict[str, Any],
           as_json: bool) -> None:
    """Issue ``target`` (``--issue``, ``--force``, ``--reason``, ``--actor``); with ``--out`` also write
    the issued file in ``fmt``."""
    from .issued_text import issued_text, warn

    a = app_of(ctx)
    result = a.issuing.issue(target, issuing["actor"], force=issuing["force"], reason=issuing["reason"])
    warn(result, as_json)
    if out is not None:
        found = a.issuing.issued_file(target.kind, target.period, target.scope, fmt)
        assert found is not None
        _put(found[1], out)
        result["file"] = str(out)
    emit(result, as_json, issued_text)


def issue_options(fn: Any) -> Any:
    """``--issue``, ``--force``, ``--reason``, ``--actor``, ``--draft``: issuing a report, or a draft."""
    for option in reversed((
            click.option("--draft", is_flag=True, help="Tính lại số liệu (bản nháp), kể cả khi kỳ đã ban hành."),
            click.option("--issue", is_flag=True, help="Ban hành: niêm phong số liệu và các tệp HTML, XLSX, JSON."),
            click.option("--force", is_flag=True,
                         help="Với --issue: ban hành dù thamdinh verify báo lỗi (cảnh báo được ghi kèm)."),
            click.option("--reason", help="Với --issue: lý do ban hành lại (bắt buộc từ phiên bản thứ hai)."),
            click.option("--actor", help="Với --issue: mã cán bộ ban hành (mặc định: hệ thống)."))):
        fn = option(fn)
    return fn


@report_group.command("monthly")
@click.option("--month", required=True, help="Tháng báo cáo, YYYY-MM.")
@click.option("--division", help="Chỉ một phòng (mã phòng).")
@click.option("--format", "fmt", default="html", help=FORMAT_HELP)
@click.option("--out", type=click.Path(path_type=Path),
              help="Tệp kết quả (mặc định: in ra màn hình; xlsx: bao-cao-thang-YYYY-MM.xlsx).")
@issue_options
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
@command
def monthly(ctx: click.Context, month: str, division: str | None, fmt: str, out: Path | None, draft: bool,
            as_json: bool, **issuing: Any) -> None:
    """Báo cáo tháng: tiếp nhận, giải quyết, trước/đúng/quá hạn, thời gian, tồn và tồn quá hạn.

    Tháng đã ban hành (--issue) cho đúng bản đã ban hành, từng byte; --draft tính lại."""
    from ..reporting import files
    from ..reporting.render import render_monthly_html

    a = app_of(ctx)
    target = a.issuing.monthly(month, division)
    if issuing.pop("issue"):
        _issue(ctx, target, out, files.check_format(fmt), issuing, as_json)
        return
    fmt = "json" if as_json else files.check_format(fmt)
    if out is None and fmt == "xlsx":
        out = Path(files.safe_name(f"bao-cao-thang-{target.period}{'-' + division if division else ''}", "xlsx"))
    found = None if draft else a.issuing.issued_file(target.kind, target.period, target.scope, fmt)
    if found is not None:
        _put(found[1], out)
        if out is not None:
            _written(out, f"Đã ghi báo cáo tháng {target.period} (bản đã ban hành, phiên bản {found[0].version}): "
                          f"{out}", as_json)
        return
    data = a.reports.monthly(target.period, division)
    _put(files.render(data, fmt) if out is not None else
         render_monthly_html(data) if fmt == "html" else files.to_json(data), out)
    if out is not None:
        _written(out, f"Đã ghi báo cáo tháng {target.period}: {out}", as_json)


@report_group.command("issued")
@click.option("--kind", help="Loại báo cáo: monthly hoặc evaluation.")
@click.option("--period", help="Kỳ: tháng YYYY-MM, hoặc mã phong trào thi đua.")
@click.option("--json", "as_json", is_flag=True, help="In một tài liệu JSON.")
@click.pass_context
@command
def issued(ctx: click.Context, kind: str | None, period: str | None, as_json: bool) -> None:
    """Các báo cáo đã ban hành: phiên bản, thời điểm, người ban hành, mã băm, lý do."""
    from .issued_text import listing_text

    emit(app_of(ctx).issuing.listing(kind, period), as_json, listing_text)


def _metrics_text(label: str, dims: list[str], rows: list[dict[str, Any]]) -> str:
    from ..domain.formatting import vn_number, vn_percent

    head = (f"{'Nhóm':<34} {'Nhận':>6} {'Xong':>6} {'Sớm':>5} {'Đúng':>5} {'Trễ':>5} {'Đúng+sớm':>9} "
            f"{'TV(ngày LV)':>11} {'Tồn':>5} {'Quá hạn':>7}")
    lines = [f"Kỳ {label}", head]
    for r in rows:
        name = " / ".join(str(r[d]) for d in dims) or "Toàn Sở"
        lines.append(f"{name[:34]:<34} {r['received']:>6} {r['finished']:>6} {r['early']:>5} {r['on_time']:>5} "
                     f"{r['late']:>5} {vn_percent(r['early_or_on_time_share']):>9} {vn_number(r['wd_median'], 1):>11} "
                     f"{r['backlog']:>5} {r['open_overdue']:>7}")
    return "\n".join(lines)


@report_group.command("metrics")
@click.option("--from", "date_from", required=True, help="Ngày đầu kỳ, YYYY-MM-DD.")
@click.option("--to", "date_to", required=True, help="Ngày cuối kỳ, YYYY-MM-DD.")
@click.option("--by", default="division",
              help="Nhóm theo, cách nhau bởi dấu phẩy: division, officer, workflow, stage (để trống: toàn Sở).")
@click.option("--division", help="Chỉ một phòng (mã phòng).")
@click.option("--json", "as_json", is_flag=True, help="In một tài liệu JSON.")
@click.pass_context
@command
def metrics(ctx: click.Context, date_from: str, date_to: str, by: str, division: str | None, as_json: bool) -> None:
    """Chỉ số của một kỳ bất kỳ: tiếp nhận, giải quyết, trước/đúng/quá hạn, thời gian, tồn cuối kỳ."""
    from ..domain.clock import parse_date
    from ..domain.formatting import vn_date

    start, end = parse_date(date_from, "ngày đầu kỳ"), parse_date(date_to, "ngày cuối kỳ")
    dims = [d.strip() for d in by.split(",") if d.strip()]
    rows = app_of(ctx).reports.metrics(start, end, dims, division)
    emit({"period": {"start": start.isoformat(), "end": end.isoformat()}, "by": dims, "rows": rows}, as_json,
         lambda d: _metrics_text(f"{vn_date(start)} – {vn_date(end)}", dims, d["rows"]))


def _statistics_text(d: dict[str, Any]) -> str:
    from ..domain.formatting import vn_date, vn_number, vn_percent

    lines = [f"Mẫu II.06a/VPCP/KSTT, {vn_date(d['period']['start'])} – {vn_date(d['period']['end'])} (hồ sơ)",
             f"{'Đơn vị':<30} {'Nhận':>6} {'Chuyển':>6} {'Mới':>6} {'Xong':>6} {'Sớm':>5} {'Đúng':>5} {'Trễ':>5} "
             f"{'Tồn':>6} {'Trong':>6} {'Quá':>5} {'Rút':>4} {'766':>7} {'Điểm':>6}"]
    for r in [*d["rows"], {**d["total"], "name": "Tổng cộng"}]:
        new = r["new_online"] + r["new_direct"] + r["new_unrecorded"]
        lines.append(f"{str(r['name'])[:30]:<30} {r['received']:>6} {r['carried_over']:>6} {new:>6} {r['resolved']:>6} "
                     f"{r['early']:>5} {r['on_time']:>5} {r['late']:>5} {r['pending']:>6} {r['pending_within']:>6} "
                     f"{r['pending_overdue']:>5} {r['withdrawn']:>4} {vn_percent(r['progress_share']):>7} "
                     f"{vn_number(r['progress_points'], 2):>6}")
    return "\n".join(lines)


@report_group.command("statistics")
@click.option("--from", "date_from", required=True, help="Ngày đầu kỳ, YYYY-MM-DD.")
@click.option("--to", "date_to", required=True, help="Ngày cuối kỳ, YYYY-MM-DD.")
@click.option("--division", help="Chỉ một phòng (mã phòng).")
@click.option("--format", "fmt", default="text", help="text (mặc định), html, xlsx hoặc json.")
@click.option("--out", type=click.Path(path_type=Path), help="Tệp kết quả (html, xlsx, json).")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
@command
def statistics(ctx: click.Context, date_from: str, date_to: str, division: str | None, fmt: str, out: Path | None,
               as_json: bool) -> None:
    """Thống kê theo mẫu II.06a/VPCP/KSTT và chỉ số tiến độ (Quyết định 766/QĐ-TTg), tính bằng hồ sơ."""
    from ..domain.clock import parse_date
    from ..reporting import files

    start, end = parse_date(date_from, "ngày đầu kỳ"), parse_date(date_to, "ngày cuối kỳ")
    data = app_of(ctx).reports.statistics(start, end, division)
    if as_json or fmt == "text":
        emit(data, as_json, _statistics_text)
        return
    fmt = files.check_format(fmt)
    if out is None:
        if fmt == "xlsx":
            out = Path(files.safe_name(f"thong-ke-{start.isoformat()}-{end.isoformat()}", "xlsx"))
        else:
            click.echo(files.render(data, fmt).decode("utf-8"))
            return
    files.write_statistics(data, fmt, out)
    _written(out, f"Đã ghi thống kê: {out}", as_json)


MOVEMENT_HELP = "Tệp YAML phong trào thi đua (mặc định: phong trào 2024 đi kèm phần mềm; xem: thamdinh samples)."
EVALUATION_OUT_HELP = "Tệp kết quả (mặc định: in ra màn hình; xlsx: cham-diem-thi-dua.xlsx)."


def _evaluation(ctx: click.Context, movement: Path | None, fmt: str, out: Path | None, until: str | None,
                draft: bool, as_json: bool) -> None:
    """The evaluation: the issued version of the movement, byte for byte (unless ``--draft`` or an
    interim ``--until``), else computed."""
    from ..domain.clock import parse_date
    from ..reporting import files

    fmt = "json" if as_json else files.check_format(fmt)
    a = app_of(ctx)
    mv = a.reports.movement(movement)
    if out is None and fmt == "xlsx":
        out = Path("cham-diem-thi-dua.xlsx")
    found = None if draft or until else a.issuing.issued_file("evaluation", mv.id, "", fmt)
    if found is None:
        data = a.reports.evaluation(mv, until=parse_date(until) if until else None)
        rendered = files.render_evaluation(data, fmt, a.heading.department_name, a.heading.province_name)
        content: bytes | str = rendered.decode("utf-8") if out is None else rendered
    else:
        content = found[1]
    _put(content, out)
    if out is not None:
        issued_note = f" (bản đã ban hành, phiên bản {found[0].version})" if found else ""
        _written(out, f"Đã ghi kết quả chấm điểm thi đua{issued_note}: {out}", as_json)


@report_group.command("evaluation")
@click.option("--movement", type=click.Path(path_type=Path), help=MOVEMENT_HELP)
@click.option("--format", "fmt", default="html", help=FORMAT_HELP)
@click.option("--out", type=click.Path(path_type=Path), help=EVALUATION_OUT_HELP)
@click.option("--until", help="Đánh giá giữa kỳ: tính đến ngày YYYY-MM-DD (bản nháp).")
@issue_options
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
@command
def evaluation(ctx: click.Context, movement: Path | None, fmt: str, out: Path | None, until: str | None,
               draft: bool, as_json: bool, **issuing: Any) -> None:
    """Kết quả chấm điểm thi đua của một phong trào; --issue ban hành khi phong trào đã kết thúc."""
    from ..reporting import files

    if issuing.pop("issue"):
        a = app_of(ctx)
        _issue(ctx, a.issuing.evaluation(a.reports.movement(movement)), out, files.check_format(fmt), issuing,
               as_json)
        return
    _evaluation(ctx, movement, fmt, out, until, draft, as_json)


@click.command("evaluate", cls=vn.Command)
@click.option("--movement", type=click.Path(path_type=Path), help=MOVEMENT_HELP)
@click.option("--format", "fmt", default="html", help=FORMAT_HELP)
@click.option("--out", type=click.Path(path_type=Path), help=EVALUATION_OUT_HELP)
@click.option("--until", help="Đánh giá giữa kỳ: tính đến ngày YYYY-MM-DD.")
@click.option("--draft", is_flag=True, help="Tính lại số liệu (bản nháp), kể cả khi phong trào đã ban hành.")
@click.option("--json", "as_json", is_flag=True, help=JSON_HELP)
@click.pass_context
@command
def evaluate(ctx: click.Context, movement: Path | None, fmt: str, out: Path | None, until: str | None, draft: bool,
             as_json: bool) -> None:
    """Chấm điểm, xếp loại và xếp hạng phòng, cán bộ theo tiêu chí của phong trào thi đua."""
    _evaluation(ctx, movement, fmt, out, until, draft, as_json)


def register(app: click.Group) -> None:
    app.add_command(report_group, name="report")
    app.add_command(evaluate)
