"""The ``thamdinh`` command line (Typer). Thin: parse, call a service, print.

Exit codes: 0 success, 2 bad input (unknown dossier, malformed file, a day off...), 3 an illegal
transition, a refused role, or a conflict. With ``--json`` every command prints one JSON document,
errors included. Heavy modules are imported inside the commands so ``--help`` starts fast.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import typer

app = typer.Typer(help="thamdinh — quản lý hồ sơ thẩm định của Sở Xây dựng.", no_args_is_help=True,
                  add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)
org_app = typer.Typer(help="Tổ chức: phòng, cán bộ, vai trò, e-mail.", no_args_is_help=True, rich_markup_mode=None)
workflow_app = typer.Typer(help="Quy trình (định nghĩa dạng dữ liệu).", no_args_is_help=True, rich_markup_mode=None)
calendar_app = typer.Typer(help="Lịch ngày làm việc và tính hạn.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(org_app, name="org")
app.add_typer(workflow_app, name="workflow")
app.add_typer(calendar_app, name="calendar")

JsonOpt = typer.Option(False, "--json", help="In một tài liệu JSON.")
_state: dict[str, Any] = {}


def get_app() -> Any:
    """The composition root for this process (tests may put their own in ``_state``)."""
    if "app" not in _state:
        from .app import App

        _state["app"] = App()
    return _state["app"]


def emit(data: Any, as_json: bool, text: Callable[[Any], str] | str | None = None) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    elif text is not None:
        typer.echo(text(data) if callable(text) else text)


def command(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Map project errors and database errors to a clear message and an exit code."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from .errors import ThamdinhError

        as_json = bool(kwargs.get("as_json"))
        try:
            return fn(*args, **kwargs)
        except ThamdinhError as exc:
            _fail(exc.as_dict(), str(exc), exc.exit_code, as_json)
        except Exception as exc:  # database not initialised, unreachable, ...
            from sqlalchemy.exc import OperationalError, ProgrammingError

            if isinstance(exc, (OperationalError, ProgrammingError)):
                msg = ("Không truy cập được cơ sở dữ liệu hoặc cơ sở dữ liệu chưa được khởi tạo: "
                       f"{str(exc.orig).strip().splitlines()[0]}")
                hint = "Chạy: thamdinh init (và kiểm tra THAMDINH_DATABASE_URL)."
                _fail({"error": "database", "message": msg, "hint": hint}, f"{msg} {hint}", 2, as_json)
            raise

    return wrapper


def _fail(doc: dict[str, Any], text: str, code: int, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        typer.echo(f"Lỗi: {text}", err=True)
    raise typer.Exit(code)


# -- init / org --------------------------------------------------------------------------------
@app.command()
@command
def init(as_json: bool = JsonOpt) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu (Alembic)."""
    a = get_app()
    rev = a.services.init()
    emit({"database": a.engine.url.render_as_string(hide_password=True), "revision": rev}, as_json,
         lambda d: f"Cơ sở dữ liệu sẵn sàng ({d['database']}, phiên bản lược đồ {d['revision']}).")


@org_app.command("load")
@command
def org_load(file: Path = typer.Argument(..., help="Tệp YAML: divisions, people."), as_json: bool = JsonOpt) -> None:
    """Nạp hoặc cập nhật tổ chức từ tệp YAML (không tạo trùng)."""
    counts = get_app().services.load_org(file)
    emit(counts, as_json, lambda c: f"Đã nạp {c['divisions']} phòng, {c['people']} cán bộ "
                                    f"({c['created']} mới, {c['updated']} cập nhật).")


@org_app.command("show")
@command
def org_show(as_json: bool = JsonOpt) -> None:
    """Liệt kê cán bộ, vai trò và e-mail."""
    people = [{"id": p.id, "name": p.name, "email": p.email, "division": p.division, "roles": p.roles.split(",")}
              for p in get_app().services.people()]
    emit(people, as_json, lambda ps: "\n".join(
        f"{p['id']:<14} {p['name']:<28} {p['division'] or '-':<10} {','.join(p['roles']):<20} "
        f"{p['email'] or '(chưa có e-mail)'}"
        for p in ps) or "Chưa nạp tổ chức.")


# -- dossiers ----------------------------------------------------------------------------------
@app.command()
@command
def receive(
    workflow: str = typer.Option(..., "--workflow", help="Mã quy trình, vd. project-appraisal."),
    code: str = typer.Option(..., "--code", help="Mã hồ sơ (số biên nhận)."),
    name: str = typer.Option(..., "--name", help="Tên dự án."),
    investor: str = typer.Option(..., "--investor", help="Chủ đầu tư."),
    group: str = typer.Option(..., "--group", help="Nhóm dự án: A, B, C, national."),
    division: str = typer.Option(..., "--division", help="Mã phòng thụ lý."),
    grade: str | None = typer.Option(None, "--grade", help="Cấp công trình cao nhất: special, I, II, III, IV."),
    officer: str | None = typer.Option(None, "--officer", help="Chuyên viên thụ lý."),
    capital_source: str | None = typer.Option(None, "--capital-source", help="Nguồn vốn."),
    at: str | None = typer.Option(None, "--at", help="Thời điểm tiếp nhận (ISO 8601; giờ Việt Nam)."),
    actor: str | None = typer.Option(None, "--actor", help="Người tiếp nhận."),
    note: str | None = typer.Option(None, "--note"),
    as_json: bool = JsonOpt,
) -> None:
    """Tiếp nhận một hồ sơ; hạn giải quyết được tính ngay."""
    view = get_app().services.receive(workflow=workflow, code=code, name=name, investor=investor, group=group,
                                      division=division, grade=grade, officer=officer,
                                      capital_source=capital_source, at=at, actor=actor, note=note)
    emit(view, as_json, _timeline)


@app.command()
@command
def fire(
    code: str = typer.Argument(..., help="Mã hồ sơ."),
    event: str = typer.Argument(..., help="Thao tác, vd. accept, request_supplement, approve."),
    actor: str = typer.Option(..., "--actor", help="Mã cán bộ thực hiện."),
    note: str | None = typer.Option(None, "--note"),
    at: str | None = typer.Option(None, "--at", help="Thời điểm (ISO 8601) để nhập lịch sử."),
    expect_version: int | None = typer.Option(None, "--expect-version",
                                                 help="Chỉ ghi nếu hồ sơ còn ở phiên bản này."),
    officer: str | None = typer.Option(None, "--officer",
                                       help="Cán bộ nhận hồ sơ (chỉ với thao tác giao hồ sơ, vd. reassign)."),
    as_json: bool = JsonOpt,
) -> None:
    """Thực hiện một thao tác trên hồ sơ (ghi lịch sử, cập nhật thời hạn)."""
    services = get_app().services
    result = services.fire(code, event, actor=actor, note=note, at=at, expected_version=expect_version,
                           officer=officer)
    view = services.show(code)
    view["fired"] = result
    emit(view, as_json, _timeline)


@app.command("fire-many")
@command
def fire_many(
    event: str = typer.Argument(..., help="Thao tác, vd. return."),
    actor: str = typer.Option(..., "--actor", help="Mã cán bộ thực hiện."),
    workflow: str | None = typer.Option(None, "--workflow", help="Chỉ hồ sơ của quy trình này."),
    state: list[str] = typer.Option([], "--state", help="Chỉ hồ sơ ở trạng thái này (lặp lại được)."),
    received_before: str | None = typer.Option(None, "--received-before", help="Chỉ hồ sơ tiếp nhận trước ngày này."),
    division: str | None = typer.Option(None, "--division"),
    note: str | None = typer.Option(None, "--note", help="Ghi chú cho mọi hồ sơ, vd. căn cứ pháp lý."),
    at: str | None = typer.Option(None, "--at", help="Thời điểm (ISO 8601)."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Chạy thử rồi hoàn tác: xem trước kết quả."),
    as_json: bool = JsonOpt,
) -> None:
    """Thực hiện một thao tác trên mọi hồ sơ đang mở khớp điều kiện, tất cả hoặc không hồ sơ nào."""
    result = get_app().services.fire_many(event, actor=actor, note=note, at=at, workflow=workflow,
                                          states=state or None, received_before=received_before,
                                          division=division, dry_run=dry_run)

    def text(r: dict[str, Any]) -> str:
        head = (f"Chạy thử (chưa ghi): {r['count']} hồ sơ sẽ được «{r['event']}»." if r["dry_run"]
                else f"Đã «{r['event']}» {r['count']} hồ sơ.")
        return "\n".join([head] + [f"  {d['code']}: {d['from']} → {d['to']}" for d in r["dossiers"]])

    emit(result, as_json, text)


@app.command()
@command
def show(code: str = typer.Argument(..., help="Mã hồ sơ."), as_json: bool = JsonOpt) -> None:
    """Xem hồ sơ: trạng thái, thời hạn, lịch sử."""
    emit(get_app().services.show(code), as_json, _timeline)


@app.command("list")
@command
def list_(
    state: str | None = typer.Option(None, "--state"),
    division: str | None = typer.Option(None, "--division"),
    officer: str | None = typer.Option(None, "--officer"),
    workflow: str | None = typer.Option(None, "--workflow"),
    overdue: bool = typer.Option(False, "--overdue", help="Chỉ hồ sơ đã quá hạn."),
    due_within: int | None = typer.Option(None, "--due-within", help="Đến hạn trong N ngày làm việc."),
    limit: int = typer.Option(500, "--limit"),
    as_json: bool = JsonOpt,
) -> None:
    """Danh sách hồ sơ, hạn gần nhất trước."""
    rows = get_app().services.list_dossiers(state=state, division=division, officer=officer, overdue=overdue,
                                            due_within=due_within, workflow=workflow, limit=limit)
    emit(rows, as_json, _table)


@app.command("import")
@command
def import_(file: Path = typer.Argument(..., help="Tệp CSV: một dòng một sự kiện."), as_json: bool = JsonOpt) -> None:
    """Nhập hồ sơ lịch sử cùng các sự kiện từ CSV (nhập tất cả hoặc không dòng nào)."""
    counts = get_app().services.import_csv(file)
    emit(counts, as_json, lambda c: f"Đã nhập {c['dossiers']} hồ sơ và {c['events']} sự kiện.")


# -- workflows ---------------------------------------------------------------------------------
@workflow_app.command("list")
@command
def workflow_list(as_json: bool = JsonOpt) -> None:
    """Các quy trình đã nạp."""
    wfs = get_app().workflows
    data = [{"id": w.id, "version": w.version, "title": w.title,
             "rule_versions": [{"id": r.id, "effective_from": r.effective_from.isoformat()} for r in w.rule_versions]}
            for w in wfs.values()]
    emit(data, as_json, lambda ds: "\n".join(f"{d['id']:<22} v{d['version']}  {d['title']}" for d in ds))


@workflow_app.command("show")
@command
def workflow_show(workflow_id: str = typer.Argument(...), as_json: bool = JsonOpt) -> None:
    """Xem một quy trình, kèm sơ đồ Mermaid."""
    from .diagram import describe

    emit(describe(get_app().services.workflow(workflow_id).wf), as_json, lambda d: d["text"])


@workflow_app.command("validate")
@command
def workflow_validate(files: list[Path] = typer.Argument(..., help="Tệp YAML quy trình."),
                      as_json: bool = JsonOpt) -> None:
    """Kiểm tra tệp quy trình trước khi đưa vào dùng."""
    from .definitions import load_workflow_file

    ok = [load_workflow_file(f).id for f in files]
    emit({"valid": ok}, as_json, lambda d: "Hợp lệ: " + ", ".join(d["valid"]))


# -- calendar ----------------------------------------------------------------------------------
@calendar_app.command("due")
@command
def calendar_due(
    start: str = typer.Argument(..., help="Ngày bắt đầu (không tính), YYYY-MM-DD."),
    n: int = typer.Argument(..., help="Số ngày."),
    unit: str = typer.Option("working-days", "--unit", help="days hoặc working-days."),
    as_json: bool = JsonOpt,
) -> None:
    """Tính hạn: N ngày (hoặc ngày làm việc) kể từ sau ngày bắt đầu."""
    from .timeutil import parse_date, vn_date

    svc = get_app().services
    due = svc.due_date(parse_date(start, "ngày bắt đầu"), n, unit)
    emit({"due_date": due.isoformat()}, as_json, lambda d: f"Hạn: {vn_date(due)} ({d['due_date']})")


@calendar_app.command("check")
@command
def calendar_check(day: str = typer.Argument(..., help="YYYY-MM-DD"), as_json: bool = JsonOpt) -> None:
    """Một ngày có phải ngày làm việc không, và vì sao."""
    from .timeutil import parse_date

    cal = get_app().calendar
    d = parse_date(day)
    why = cal.why_off(d)
    emit({"date": d.isoformat(), "working_day": why is None, "reason": why}, as_json,
         lambda r: f"{r['date']}: " + ("ngày làm việc" if r["working_day"] else f"ngày nghỉ ({r['reason']})"))


# -- web ---------------------------------------------------------------------------------------
@app.command()
@command
def web(host: str = typer.Option("127.0.0.1", "--host"), port: int = typer.Option(8000, "--port"),
        as_json: bool = JsonOpt) -> None:
    """Chạy trang web và API cho cán bộ thẩm định."""
    import uvicorn

    from .web import create_web

    a = get_app()
    emit({"url": f"http://{host}:{port}/ho-so"}, as_json, f"Trang web: http://{host}:{port}/ho-so")
    uvicorn.run(create_web(a), host=host, port=port, log_level="info")


# -- demo (the main job) -----------------------------------------------------------------------
@app.command()
@command
def demo(out: Path = typer.Option(Path("thamdinh-demo"), "--out", help="Thư mục kết quả."),
         size: int = typer.Option(3000, "--size", help="Số hồ sơ mô phỏng trong năm thi đua."),
         reminders_from: str = typer.Option("start", "--reminders-from",
                                            help="Ngày bắt đầu mô phỏng nhắc hạn và tổng hợp qua e-mail "
                                                 "(YYYY-MM-DD), 'start' (cả đợt, mặc định), 'last-month' "
                                                 "(tháng cuối đợt) hoặc 'none'."),
         as_json: bool = JsonOpt) -> None:
    """Chạy thử: CSDL SQLite mới, mô phỏng một năm thi đua (~3.000 hồ sơ), lập mọi báo cáo tháng và kết quả thi đua."""
    from .demo import run_demo
    from .timeutil import parse_date

    when = None if reminders_from == "none" else (
        reminders_from if reminders_from in ("start", "last-month") else parse_date(reminders_from, "--reminders-from"))
    summary = run_demo(out, echo=None if as_json else typer.echo, size=size, reminders_from=when)
    emit(summary, as_json)


from . import cli_reports, cli_scheduler  # noqa: E402  (their heavy imports stay inside commands)

cli_scheduler.register(app)
cli_reports.register(app)


# -- text renderers ----------------------------------------------------------------------------
def _timeline(v: dict[str, Any]) -> str:
    import datetime as dt

    from .timeutil import vn_date

    def day(s: str | None) -> str:
        return vn_date(dt.date.fromisoformat(s)) if s else "—"

    lines = [f"Hồ sơ {v['code']}: {v['project_name']} — {v['investor']}",
             f"  Quy trình: {v['workflow_title']} (quy định {v['rule_version']})",
             f"  Trạng thái: {v['state_label']} [{v['state']}]  ·  phiên bản {v['version']}"]
    c = v.get("clock")
    if c:
        if c["paused"]:
            lines.append(f"  Thời hạn «{c['stage_label']}»: TẠM DỪNG từ {day(c['paused_on'])}, đã dùng "
                         f"{c['used']}/{c['limit'] + c['extension']} {c['unit_label']}")
        else:
            late = f", QUÁ HẠN {c['overdue_by']} {c['unit_label']}" if c["overdue_by"] else ""
            lines.append(f"  Thời hạn «{c['stage_label']}»: hạn {day(c['due_date'])}, đã dùng {c['used']}, "
                         f"còn {c['remaining']} {c['unit_label']}{late}")
    lines.append("  Diễn biến:")
    for e in v["history"]:
        eff = f"  [{e['clock_effect']}]" if e["clock_effect"] else ""
        lines.append(f"    {e['seq']:>2}. {e['at'][:10]}  {e['event_label']} → {e['to']} ({e['actor']}){eff}")
    for c in v["clocks"]:
        if c["finished_on"]:
            lines.append(f"  Bước «{c['stage_label']}»: hạn {day(c['due_date'])}, xong {day(c['finished_on'])}: "
                         f"{c['outcome_label']}")
    if v.get("allowed_events"):
        lines.append("  Thao tác được phép: " + ", ".join(v["allowed_events"]))
    return "\n".join(lines)


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "Không có hồ sơ nào."
    out = [f"{'Mã hồ sơ':<16} {'Trạng thái':<22} {'Phòng':<8} {'Cán bộ':<12} {'Hạn':<11} {'Còn':>4}"]
    for r in rows:
        c = r["clock"] or {}
        due = c.get("due_date") or ("tạm dừng" if c.get("paused") else "—")
        left = f"-{c['overdue_by']}" if c.get("overdue_by") else str(c.get("remaining", ""))
        out.append(f"{r['code']:<16} {r['state']:<22} {r['division']:<8} {r['officer'] or '-':<12} {due:<11} {left:>4}")
    return "\n".join(out)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
