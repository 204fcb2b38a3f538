"""Commands on dossiers: ``init``, ``receive``, ``fire``, ``fire-many``, ``show``, ``list``, ``import``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..domain.intake import INTAKE_CHANNELS
from . import vietnamese as vn
from .common import app_of, command, emit, json_option
from .text import list_text, timeline

CORRECTION_HELP = ("Lý do điều chỉnh: ghi sự kiện lùi ngày vào tháng đã ban hành báo cáo (Giám đốc); "
                   "sau đó ban hành lại tháng đó.")


@click.command("init", cls=vn.Command)
@json_option
@click.pass_context
@command
def init(ctx: click.Context, as_json: bool) -> None:
    """Tạo hoặc nâng cấp cơ sở dữ liệu (Alembic)."""
    a = app_of(ctx)
    rev = a.init()
    emit({"database": a.database.url.display(), "revision": rev}, as_json,
         lambda d: f"Cơ sở dữ liệu sẵn sàng ({d['database']}, phiên bản lược đồ {d['revision']}).")


@click.command("receive", cls=vn.Command)
@click.option("--workflow", required=True, help="Mã quy trình, vd. project-appraisal.")
@click.option("--code", required=True, help="Mã hồ sơ (số biên nhận).")
@click.option("--name", required=True, help="Tên dự án.")
@click.option("--investor", required=True, help="Chủ đầu tư.")
@click.option("--group", required=True, help="Nhóm dự án: A, B, C, national.")
@click.option("--division", required=True, help="Mã phòng thụ lý.")
@click.option("--grade", help="Cấp công trình cao nhất: special, I, II, III, IV.")
@click.option("--officer", help="Chuyên viên thụ lý.")
@click.option("--capital-source", help="Nguồn vốn.")
@click.option("--at", help="Thời điểm tiếp nhận (ISO 8601; giờ Việt Nam).")
@click.option("--actor", help="Người tiếp nhận.")
@click.option("--note", help="Ghi chú.")
@click.option("--correction", help=CORRECTION_HELP)
@click.option("--intake-channel", type=click.Choice(INTAKE_CHANNELS),
              help="Kênh tiếp nhận: in_person (trực tiếp), online (trực tuyến), post (bưu chính).")
@click.option("--investor-address", help="Địa chỉ chủ đầu tư (in trên giấy tiếp nhận).")
@click.option("--investor-phone", help="Điện thoại chủ đầu tư.")
@click.option("--investor-email", help="Thư điện tử chủ đầu tư.")
@json_option
@click.pass_context
@command
def receive(ctx: click.Context, as_json: bool, investor_address: str | None, investor_phone: str | None,
            investor_email: str | None, **fields: Any) -> None:
    """Tiếp nhận một hồ sơ; hạn giải quyết được tính ngay."""
    from ..domain.commands import Receive
    from ..domain.contact import InvestorContact

    cmd, contact = Receive(**fields), InvestorContact.build(investor_address, investor_phone, investor_email)
    emit(app_of(ctx).services.receive(cmd, contact=contact), as_json, timeline)


@click.command("fire", cls=vn.Command)
@click.argument("code")
@click.argument("event")
@click.option("--actor", required=True, help="Mã cán bộ thực hiện.")
@click.option("--note", help="Ghi chú; với thao tác cần lý do (trả lại, yêu cầu bổ sung): lý do.")
@click.option("--missing", multiple=True, help="Một tài liệu cần bổ sung (nhắc lại cho mỗi tài liệu).")
@click.option("--at", help="Thời điểm (ISO 8601) để nhập lịch sử.")
@click.option("--expect-version", type=int, help="Chỉ ghi nếu hồ sơ còn ở phiên bản này.")
@click.option("--officer", help="Cán bộ nhận hồ sơ (chỉ với thao tác giao hồ sơ, vd. reassign).")
@click.option("--correction", help=CORRECTION_HELP)
@json_option
@click.pass_context
@command
def fire(ctx: click.Context, code: str, event: str, actor: str, note: str | None, missing: tuple[str, ...],
         at: str | None, expect_version: int | None, officer: str | None, correction: str | None,
         as_json: bool) -> None:
    """Thực hiện thao tác EVENT trên hồ sơ CODE (ghi lịch sử, cập nhật thời hạn)."""
    from ..domain.commands import Fire
    from ..domain.requirements import compose

    services = app_of(ctx).services
    note = compose(note, missing) if missing else note  # the list after «Cần bổ sung, hoàn thiện:»
    cmd = Fire(code=code, event=event, actor=actor, note=note, at=at, expected_version=expect_version,
               officer=officer, correction=correction)
    result = services.fire(cmd)
    view = services.show(cmd.code)
    view["fired"] = result
    emit(view, as_json, timeline)


@click.command("fire-many", cls=vn.Command)
@click.argument("event")
@click.option("--actor", required=True, help="Mã cán bộ thực hiện.")
@click.option("--workflow", help="Chỉ hồ sơ của quy trình này.")
@click.option("--state", "states", multiple=True, help="Chỉ hồ sơ ở trạng thái này (lặp lại được).")
@click.option("--received-before", help="Chỉ hồ sơ tiếp nhận trước ngày này (YYYY-MM-DD).")
@click.option("--division", help="Chỉ hồ sơ của phòng này.")
@click.option("--note", help="Ghi chú cho mọi hồ sơ, vd. căn cứ pháp lý.")
@click.option("--at", help="Thời điểm (ISO 8601).")
@click.option("--dry-run", is_flag=True, help="Chạy thử rồi hoàn tác: xem trước kết quả.")
@json_option
@click.pass_context
@command
def fire_many(ctx: click.Context, as_json: bool, **fields: Any) -> None:
    """Thực hiện một thao tác trên mọi hồ sơ đang mở khớp điều kiện, tất cả hoặc không hồ sơ nào."""
    from ..domain.commands import FireMany

    result = app_of(ctx).services.fire_many(FireMany(**fields))

    def text(r: dict[str, Any]) -> str:
        what = r.get("event_label", r["event"])
        head = (f"Chạy thử (chưa ghi): thao tác «{what}» trên {r['count']} hồ sơ." if r["dry_run"]
                else f"Đã thực hiện «{what}» trên {r['count']} hồ sơ.")
        return "\n".join([head] + [f"  {d['code']}: {d['from_label']} → {d['to_label']}" for d in r["dossiers"]])

    emit(result, as_json, text)


@click.command("show", cls=vn.Command)
@click.argument("code")
@json_option
@click.pass_context
@command
def show(ctx: click.Context, code: str, as_json: bool) -> None:
    """Xem hồ sơ CODE: trạng thái, cán bộ thụ lý, thời hạn, lịch sử."""
    emit(app_of(ctx).services.show(code), as_json, timeline)


@click.command("list", cls=vn.Command)
@click.option("--state", help="Mã trạng thái, vd. appraising.")
@click.option("--division", help="Mã phòng.")
@click.option("--officer", help="Mã cán bộ.")
@click.option("--workflow", help="Mã quy trình.")
@click.option("--overdue", is_flag=True, help="Chỉ hồ sơ đã quá hạn.")
@click.option("--due-within", type=int, help="Đến hạn trong N ngày làm việc.")
@click.option("--limit", type=int, default=500, help="Tối đa bao nhiêu hồ sơ (1–10000; mặc định 500).")
@json_option
@click.pass_context
@command
def list_(ctx: click.Context, as_json: bool, **filters: Any) -> None:
    """Danh sách hồ sơ, hạn gần nhất trước."""
    found = app_of(ctx).services.find(**filters)
    if as_json and found["truncated"]:
        click.echo(f"Lưu ý: chỉ in {found['limit']} hồ sơ đầu tiên; dùng --limit để xem thêm.", err=True)
    emit(found["rows"], as_json, lambda _: list_text(found))


@click.command("import", cls=vn.Command)
@click.argument("file", type=click.Path(path_type=Path))
@json_option
@click.pass_context
@command
def import_(ctx: click.Context, file: Path, as_json: bool) -> None:
    """Nhập hồ sơ lịch sử cùng các sự kiện từ tệp CSV FILE (tất cả hoặc không dòng nào)."""
    counts = app_of(ctx).services.import_csv(file)
    emit(counts, as_json, lambda c: f"Đã nhập {c['dossiers']} hồ sơ và {c['events']} sự kiện.")


def register(app: click.Group) -> None:
    for cmd in (init, receive, fire, fire_many, show, list_, import_):
        app.add_command(cmd)
