"""``thamdinh samples``: the sample files shipped with the package (an organisation, the 2024
movement, an import file), listed or copied into a folder to be used from anywhere."""

from __future__ import annotations

from pathlib import Path

import click

from . import vietnamese as vn
from .common import command, emit, json_option


def _shipped() -> dict[str, Path]:
    from ..io.movements import default_movement_path
    from ..io.resources import samples_dir, workflows_dir

    return {"sample-department.yaml": workflows_dir() / "org" / "sample-department.yaml",
            default_movement_path().name: default_movement_path(),
            **{p.name: p for p in sorted(samples_dir().glob("*")) if p.is_file()}}


@click.command("samples", cls=vn.Command)
@click.option("--to", type=click.Path(path_type=Path), help="Chép các tệp mẫu vào thư mục này.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
@json_option
@command
def samples(to: Path | None, force: bool, as_json: bool) -> None:
    """Các tệp mẫu đi kèm: tổ chức mẫu, phong trào thi đua 2024, tệp nhập lịch sử (--to DIR để chép ra)."""
    import shutil

    from ..domain.errors import BadInput

    files = _shipped()
    copied: list[str] = []
    if to is not None:
        to.mkdir(parents=True, exist_ok=True)
        for name, src in files.items():
            target = to / name
            if target.exists() and not force:
                raise BadInput(f"Tệp {target} đã có.", hint="Chọn thư mục khác, hoặc thêm --force để ghi đè.")
            shutil.copyfile(src, target)
            copied.append(str(target))
    data = {"files": {name: str(path) for name, path in files.items()}, "copied": copied}
    emit(data, as_json, lambda d: "\n".join(
        (["Đã chép: " + ", ".join(d["copied"])] if d["copied"] else [])
        + [f"{name:<40} {path}" for name, path in d["files"].items()]))


def register(app: click.Group) -> None:
    app.add_command(samples)
