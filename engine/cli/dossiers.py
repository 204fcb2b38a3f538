"""Commands on dossiers: ``init``, ``receive``, ``fire``, ``fire-many``, ``show``, ``list``, ``import``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .common import JsonOpt, app_of, command, emit
from .text import list_text, timeline


def init(ctx: typer.Context, as_json: bool = JsonOpt) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu (Alembic)."""
    a = app_of(ctx)
    rev = a.init()
    emit({"database": a.database.url.display(), "revision": rev}, as_json,
         lambda d: f"Cơ sở dữ liệu sẵn sàng ({d['database']}, phiên bản lược đồ {d['revision']}).")


def receive(
    ctx: typer.Context,
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
    from ..domain.commands import Receive

    cmd = Receive(workflow=workflow, code=code, name=name, investor=investor, group=group, division=division,
                  grade=grade, officer=officer, capital_source=capital_source, at=at, actor=actor, note=note)
    emit(app_of(ctx).services.receive(cmd), as_json, timeline)


def fire(
    ctx: typer.Context,
    code: str = typer.Argument(..., help="Mã hồ sơ."),
    event: str = typer.Argument(..., help="Thao tác, vd. accept, request_supplement, approve."),
    actor: str = typer.Option(..., "--actor", help="Mã cán bộ thực hiện."),
    note: str | None = typer.Option(None, "--note"),
    at: str | None = typer.Option(None, "--at", help="Thời điểm (ISO 8601) để nhập lịch sử."),
    expect_version: int | None = typer.Option(None, "--expect-version", help="Chỉ ghi nếu hồ sơ còn ở phiên bản này."),
    officer: str | None = typer.Option(None, "--officer",
                                       help="Cán bộ nhận hồ sơ (chỉ với thao tác giao hồ sơ, vd. reassign)."),
    as_json: bool = JsonOpt,
) -> None:
    """Thực hiện một thao tác trên hồ sơ (ghi lịch sử, cập nhật thời hạn)."""
    from ..domain.commands import Fire

    services = app_of(ctx).services
    cmd = Fire(code=code, event=event, actor=actor, note=note, at=at, expected_version=expect_version,
               officer=officer)
    result = services.fire(cmd)
    view = services.show(cmd.code)
    view["fired"] = result
    emit(view, as_json, timeline)


def fire_many(
    ctx: typer.Context,
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
    from ..domain.commands import FireMany

    cmd = FireMany(event=event, actor=actor, note=note, at=at, workflow=workflow, states=tuple(state),
                   received_before=received_before, division=division, dry_run=dry_run)
    result = app_of(ctx).services.fire_many(cmd)

    def text(r: dict[str, Any]) -> str:
        head = (f"Chạy thử (chưa ghi): {r['count']} hồ sơ sẽ được «{r['event']}»." if r["dry_run"]
                else f"Đã «{r['event']}» {r['count']} hồ sơ.")
        return "\n".join([head] + [f"  {d['code']}: {d['from']} → {d['to']}" for d in r["dossiers"]])

    emit(result, as_json, text)


def show(ctx: typer.Context, code: str = typer.Argument(..., help="Mã hồ sơ."), as_json: bool = JsonOpt) -> None:
    """Xem hồ sơ: trạng thái, cán bộ thụ lý, thời hạn, lịch sử."""
    emit(app_of(ctx).services.show(code), as_json, timeline)


def list_(
    ctx: typer.Context,
    state: str | None = typer.Option(None, "--state", help="Mã trạng thái, vd. appraising."),
    division: str | None = typer.Option(None, "--division"),
    officer: str | None = typer.Option(None, "--officer"),
    workflow: str | None = typer.Option(None, "--workflow"),
    overdue: bool = typer.Option(False, "--overdue", help="Chỉ hồ sơ đã quá hạn."),
    due_within: int | None = typer.Option(None, "--due-within", help="Đến hạn trong N ngày làm việc."),
    limit: int = typer.Option(500, "--limit", help="Tối đa bao nhiêu hồ sơ (1–10000)."),
    as_json: bool = JsonOpt,
) -> None:
    """Danh sách hồ sơ, hạn gần nhất trước."""
    found = app_of(ctx).services.find(state=state, division=division, officer=officer, overdue=overdue,
                                      due_within=due_within, workflow=workflow, limit=limit)
    if as_json and found["truncated"]:
        typer.echo(f"Lưu ý: chỉ in {found['limit']} hồ sơ đầu tiên; dùng --limit để xem thêm.", err=True)
    emit(found["rows"], as_json, lambda _: list_text(found))


def import_(ctx: typer.Context, file: Path = typer.Argument(..., help="Tệp CSV: một dòng một sự kiện."),
            as_json: bool = JsonOpt) -> None:
    """Nhập hồ sơ lịch sử cùng các sự kiện từ CSV (nhập tất cả hoặc không dòng nào)."""
    counts = app_of(ctx).services.import_csv(file)
    emit(counts, as_json, lambda c: f"Đã nhập {c['dossiers']} hồ sơ và {c['events']} sự kiện.")


def register(app: typer.Typer) -> None:
    for fn, name in ((init, "init"), (receive, "receive"), (fire, "fire"), (fire_many, "fire-many"),
                     (show, "show"), (list_, "list"), (import_, "import")):
        app.command(name)(command(fn))


