"""CLI commands of metrics, reports and the competition evaluation (``report``, ``evaluate``)."""

from __future__ import annotations

from pathlib import Path

import typer

FORMAT_HELP = "html, xlsx hoặc json."


JSON_HELP = "Như --format json; lỗi cũng in thành một tài liệu JSON."


def _written(target: Path, text: str, as_json: bool) -> None:
    from .cli import emit

    emit({"file": str(target)}, as_json, text)


def _check_format(fmt: str) -> str:
    from .errors import BadInput

    fmt = fmt.lower()
    if fmt not in ("html", "xlsx", "json"):
        raise BadInput(f"Định dạng «{fmt}» không hỗ trợ.", hint="Chọn: html, xlsx hoặc json.")
    return fmt


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main ``thamdinh`` app (imports stay inside commands)."""
    from .cli import command, get_app

    report_app = typer.Typer(help="Báo cáo định kỳ về tình hình giải quyết hồ sơ.", no_args_is_help=True,
                             rich_markup_mode=None)
    app.add_typer(report_app, name="report")

    @report_app.command("monthly")
    @command
    def report_monthly(
        month: str = typer.Option(..., "--month", help="Tháng báo cáo, YYYY-MM."),
        division: str | None = typer.Option(None, "--division", help="Chỉ một phòng (mã phòng)."),
        fmt: str = typer.Option("html", "--format", help=FORMAT_HELP),
        out: Path | None = typer.Option(None, "--out", help="Tệp kết quả (mặc định: in ra màn hình; xlsx: "
                                                                "bao-cao-thang-YYYY-MM.xlsx)."),
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    ) -> None:
        """Báo cáo tháng: tiếp nhận, giải quyết, trước/đúng/quá hạn, thời gian, tồn và tồn quá hạn."""
        from . import reports

        fmt = "json" if as_json else _check_format(fmt)
        a = get_app()
        if out is None and fmt != "xlsx":
            data = reports.monthly_data(a, month, division)
            typer.echo(reports.render_monthly_html(data) if fmt == "html" else reports._json(data))
            return
        target = out or Path(f"bao-cao-thang-{month}{'-' + division if division else ''}.xlsx")
        reports.write_monthly(a, month, fmt, target, division)
        _written(target, f"Đã ghi báo cáo tháng {month}: {target}", as_json)

    @report_app.command("metrics")
    @command
    def report_metrics(
        date_from: str = typer.Option(..., "--from", help="Ngày đầu kỳ, YYYY-MM-DD."),
        date_to: str = typer.Option(..., "--to", help="Ngày cuối kỳ, YYYY-MM-DD."),
        by: str = typer.Option("division", "--by", help="Nhóm theo, cách nhau bởi dấu phẩy: division, officer, "
                                                        "workflow, stage (để trống: toàn Sở)."),
        division: str | None = typer.Option(None, "--division", help="Chỉ một phòng (mã phòng)."),
        as_json: bool = typer.Option(False, "--json", help="In một tài liệu JSON."),
    ) -> None:
        """Chỉ số của một kỳ bất kỳ: tiếp nhận, giải quyết, trước/đúng/quá hạn, thời gian, tồn cuối kỳ."""
        from .cli import emit
        from .errors import BadInput
        from .metrics import Period, session
        from .timeutil import parse_date, vn_date

        start, end = parse_date(date_from, "ngày đầu kỳ"), parse_date(date_to, "ngày cuối kỳ")
        if start > end:
            raise BadInput("Ngày đầu kỳ sau ngày cuối kỳ.")
        dims = [d.strip() for d in by.split(",") if d.strip()]
        period = Period(start, end, f"{vn_date(start)} – {vn_date(end)}")
        with session(get_app()) as ms:
            rows = ms.table(period, dims, division)

        def text_(rows_: list[dict[str, object]]) -> str:
            head = f"{'Nhóm':<34} {'Nhận':>6} {'Xong':>6} {'Sớm':>5} {'Đúng':>5} {'Trễ':>5} {'Đúng+sớm':>9} " \
                   f"{'TV(ngày LV)':>11} {'Tồn':>5} {'Quá hạn':>7}"
            lines = [f"Kỳ {period.label}", head]
            for r in rows_:
                name = " / ".join(str(r[d]) for d in dims) or "Toàn Sở"
                share = r["early_or_on_time_share"]
                assert share is None or isinstance(share, float | int)
                med = r["wd_median"]
                lines.append(f"{name[:34]:<34} {r['received']:>6} {r['finished']:>6} {r['early']:>5} "
                             f"{r['on_time']:>5} {r['late']:>5} "
                             f"{('—' if share is None else f'{share * 100:.1f}%'):>9} "
                             f"{('—' if med is None else f'{med:g}'):>11} {r['backlog']:>5} {r['open_overdue']:>7}")
            return "\n".join(lines)

        emit({"period": {"start": start.isoformat(), "end": end.isoformat()}, "by": dims, "rows": rows}, as_json,
             lambda d: text_(d["rows"]))

    @app.command("evaluate")
    @command
    def evaluate(
        movement: Path | None = typer.Option(None, "--movement", help="Tệp YAML phong trào thi đua "
                                                "(mặc định: workflows/movements/2024-giai-ngan-dau-tu-cong.yaml)."),
        fmt: str = typer.Option("html", "--format", help=FORMAT_HELP),
        out: Path | None = typer.Option(None, "--out", help="Tệp kết quả (mặc định: in ra màn hình; xlsx: "
                                                                "cham-diem-thi-dua.xlsx)."),
        until: str | None = typer.Option(None, "--until", help="Đánh giá giữa kỳ: tính đến ngày YYYY-MM-DD."),
        as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    ) -> None:
        """Chấm điểm, xếp loại và xếp hạng phòng, cán bộ theo tiêu chí của phong trào thi đua."""
        from . import reports
        from .evaluation import evaluate as run
        from .evaluation import load_movement
        from .resources import workflows_dir
        from .timeutil import parse_date

        fmt = "json" if as_json else _check_format(fmt)
        a = get_app()
        mv = load_movement(movement or workflows_dir() / "movements" / reports.DEFAULT_MOVEMENT)
        data = run(a, mv, until=parse_date(until) if until else None)
        if out is None and fmt != "xlsx":
            if fmt == "html":
                typer.echo(reports.render_evaluation_html(data, a.settings.department_name, a.settings.province_name))
            else:
                typer.echo(reports._json(data))
            return
        target = out or Path("cham-diem-thi-dua.xlsx")
        reports.write_evaluation(a, data, fmt, target)
        _written(target, f"Đã ghi kết quả chấm điểm thi đua: {target}", as_json)
