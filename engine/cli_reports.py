"""CLI commands of metrics, reports and the competition evaluation (``report``, ``evaluate``)."""

from __future__ import annotations

from pathlib import Path

import typer

FORMAT_HELP = "html, xlsx hoặc json."


def _check_format(fmt: str) -> str:
    from .errors import BadInput

    fmt = fmt.lower()
    if fmt not in ("html", "xlsx", "json"):
        raise BadInput(f"Định dạng «{fmt}» không hỗ trợ.", hint="Chọn: html, xlsx hoặc json.")
    return fmt


def register(app: typer.Typer) -> None:
    """Add this module's commands to the main ``thamdinh`` app (imports stay inside commands)."""
    from .cli import command, get_app

    report_app = typer.Typer(help="Báo cáo định kỳ về tình hình giải quyết hồ sơ.", no_args_is_help=True)
    app.add_typer(report_app, name="report")

    @report_app.command("monthly")
    @command
    def report_monthly(
        month: str = typer.Option(..., "--month", help="Tháng báo cáo, YYYY-MM."),
        division: str | None = typer.Option(None, "--division", help="Chỉ một phòng (mã phòng)."),
        fmt: str = typer.Option("html", "--format", help=FORMAT_HELP),
        out: Path | None = typer.Option(None, "--out", help="Tệp kết quả (mặc định: in ra màn hình; xlsx: "
                                                                "bao-cao-thang-YYYY-MM.xlsx)."),
    ) -> None:
        """Báo cáo tháng: tiếp nhận, giải quyết, trước/đúng/quá hạn, thời gian, tồn và tồn quá hạn."""
        from . import reports

        fmt = _check_format(fmt)
        a = get_app()
        if out is None and fmt != "xlsx":
            data = reports.monthly_data(a, month, division)
            typer.echo(reports.render_monthly_html(data) if fmt == "html" else reports._json(data))
            return
        target = out or Path(f"bao-cao-thang-{month}{'-' + division if division else ''}.xlsx")
        reports.write_monthly(a, month, fmt, target, division)
        typer.echo(f"Đã ghi báo cáo tháng {month}: {target}")

    @app.command("evaluate")
    @command
    def evaluate(
        movement: Path | None = typer.Option(None, "--movement", help="Tệp YAML phong trào thi đua "
                                                "(mặc định: workflows/movements/2024-giai-ngan-dau-tu-cong.yaml)."),
        fmt: str = typer.Option("html", "--format", help=FORMAT_HELP),
        out: Path | None = typer.Option(None, "--out", help="Tệp kết quả (mặc định: in ra màn hình; xlsx: "
                                                                "cham-diem-thi-dua.xlsx)."),
        until: str | None = typer.Option(None, "--until", help="Đánh giá giữa kỳ: tính đến ngày YYYY-MM-DD."),
    ) -> None:
        """Chấm điểm, xếp loại và xếp hạng phòng, cán bộ theo tiêu chí của phong trào thi đua."""
        from . import reports
        from .evaluation import evaluate as run
        from .evaluation import load_movement
        from .resources import workflows_dir
        from .timeutil import parse_date

        fmt = _check_format(fmt)
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
        typer.echo(f"Đã ghi kết quả chấm điểm thi đua: {target}")
