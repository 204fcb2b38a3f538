"""The main job for a fresh machine: a fresh SQLite database, the sample organisation, a few
sample dossiers received and advanced through their workflows, and their timelines printed."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any, Callable

from .app import App
from .resources import workflows_dir
from .settings import Settings
from .timeutil import TZ, FixedClock

SAMPLES: list[dict[str, Any]] = [
    dict(code="BCNCKT-2024-001", workflow="project-appraisal", name="Đường liên xã Tân Hòa – Phú Lý",
         investor="Ban QLDA đầu tư xây dựng tỉnh", group="B", grade="III", division="HTKT", officer="cv.ngo",
         at="2024-02-05", steps=[("accept", "cv.ngo", "2024-02-06"), ("pass_appraisal", "cv.ngo", "2024-02-26"),
                                 ("approve", "tp.huynh", "2024-03-20")]),
    dict(code="BCNCKT-2024-002", workflow="project-appraisal", name="Trường THCS Nguyễn Du (khối 12 phòng học)",
         investor="UBND huyện Vĩnh Cửu", group="C", grade="III", division="QLXD", officer="cv.pham",
         at="2024-06-03", steps=[("accept", "cv.pham", "2024-06-04"), ("request_supplement", "cv.pham", "2024-06-06"),
                                 ("receive_supplement", "cv.pham", "2024-06-10"),
                                 ("pass_appraisal", "cv.pham", "2024-06-24"), ("approve", "tp.nguyen", "2024-07-05")]),
    dict(code="TKXD-2024-015", workflow="post-basic-design", name="Cầu Suối Cát (thiết kế bản vẽ thi công)",
         investor="Sở Giao thông vận tải", group="B", grade="II", division="HTKT", officer="cv.duong",
         at="2024-08-27", steps=[("accept", "cv.duong", "2024-08-28"), ("extend", "tp.huynh", "2024-09-20")]),
    dict(code="BCNCKT-2026-031", workflow="project-appraisal", name="Bệnh viện đa khoa khu vực (mở rộng)",
         investor="Sở Y tế", group="A", grade="I", division="QLXD", officer="cv.vo",
         at="2026-07-02", steps=[("accept", "cv.vo", "2026-07-03"), ("approve", "gd.tran", "2026-08-05")]),
]


def run_demo(out: Path, echo: Callable[[str], None] | None = print) -> dict[str, Any]:
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    db = out / "thamdinh.db"
    clock = FixedClock(dt.datetime(2026, 11, 2, 8, 0, tzinfo=TZ))
    app = App(Settings().with_(database_url=f"sqlite:///{db}", mail_dir=out / "thu-di"), clock)
    svc = app.services
    svc.init()
    svc.load_org(workflows_dir() / "org" / "sample-department.yaml")
    shown = []
    for s in SAMPLES:
        svc.receive(workflow=s["workflow"], code=s["code"], name=s["name"], investor=s["investor"],
                    group=s["group"], grade=s["grade"], division=s["division"], officer=s["officer"], at=s["at"])
        for event, actor, at in s["steps"]:
            svc.fire(s["code"], event, actor=actor, at=at)
        shown.append(svc.show(s["code"]))
    if echo:
        from .cli import _timeline

        for view in shown:
            echo(_timeline(view))
            echo("")
        echo(f"Cơ sở dữ liệu: {db}")
    app.close()
    return {"database": str(db), "dossiers": [v["code"] for v in shown]}
