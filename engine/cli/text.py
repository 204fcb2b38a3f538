"""How a dossier and a list of dossiers read on a terminal: labels, dd/mm/yyyy, Vietnamese."""

from __future__ import annotations

from typing import Any

from ..domain.formatting import vn_date


def _clock_line(c: dict[str, Any]) -> str:
    if c["paused"]:
        return (f"  Thời hạn «{c['stage_label']}»: TẠM DỪNG từ {vn_date(c['paused_on'])}, đã dùng "
                f"{c['used']}/{c['limit'] + c['extension']} {c['unit_label']}")
    late = f", QUÁ HẠN {c['overdue_by']} {c['unit_label']}" if c["overdue_by"] else ""
    return (f"  Thời hạn «{c['stage_label']}»: hạn {vn_date(c['due_date'])}, đã dùng {c['used']}, "
            f"còn {c['remaining']} {c['unit_label']}{late}")


def timeline(v: dict[str, Any]) -> str:
    """``show``: the dossier, who holds it, its clock, its history with notes and effects."""
    lines = [f"Hồ sơ {v['code']}: {v['project_name']} — {v['investor']}",
             f"  Quy trình: {v['workflow_title']} (quy định {v['rule_version']})",
             f"  Trạng thái: {v['state_label']}  ·  phiên bản {v['version']}",
             f"  Phòng: {v['division_name']}  ·  cán bộ thụ lý: {v['officer_name']}"
             + (f" ({v['officer']})" if v["officer"] else "")]
    if v.get("clock"):
        lines.append(_clock_line(v["clock"]))
    lines.append("  Diễn biến:")
    for e in v["history"]:
        lines.append(f"    {e['seq']:>2}. {vn_date(e['at'])} {e['at'][11:16]}  {e['event_label']} → "
                     f"{e['to_label']} ({e['actor_name']})")
        if e["note"]:
            lines.append(f"        Ghi chú: {e['note']}")
        if e.get("correction"):
            lines.append(f"        Điều chỉnh vào kỳ đã ban hành báo cáo: {e['correction']}")
        if e["effects_text"]:
            lines.append(f"        Thời hạn: {e['effects_text']}")
    if v.get("urges"):  # the urge table (not history rows: no state, no clock), oldest first
        lines.append("  Đôn đốc:")
        lines.extend(f"     · {vn_date(u['at'])} {u['at'][11:16]}  {u['by_name']} đôn đốc {u['officer_name']}"
                     + (f": {u['note']}" if u["note"] else "") for u in v["urges"])
    for c in v["clocks"]:
        if c["finished_on"]:
            lines.append(f"  Bước «{c['stage_label']}»: hạn {vn_date(c['due_date'])}, "
                         f"xong {vn_date(c['finished_on'])}: "
                         f"{c['outcome_label']}")
    if v.get("allowed_events"):
        labels = v.get("allowed_labels", {})
        lines.append("  Thao tác được phép: " + ", ".join(f"{labels.get(e, e)} ({e})" for e in v["allowed_events"]))
    return "\n".join(lines)


def list_text(found: dict[str, Any]) -> str:
    rows = found["rows"]
    if not rows:
        return "Không có hồ sơ nào."
    out = [f"{'Mã hồ sơ':<18} {'Trạng thái':<34} {'Phòng':<6} {'Cán bộ':<22} {'Hạn':<10} {'Còn':>5}"]
    for r in rows:
        c = r["clock"] or {}
        due = vn_date(c["due_date"]) if c.get("due_date") else ("tạm dừng" if c.get("paused") else "—")
        left = f"-{c['overdue_by']}" if c.get("overdue_by") else str(c.get("remaining", ""))
        out.append(f"{r['code']:<18} {r['state_label'][:34]:<34} {r['division']:<6} {r['officer_name'][:22]:<22} "
                   f"{due:<10} {left:>5}")
    if found["truncated"]:
        out.append(f"Đã dừng ở {found['limit']} hồ sơ đầu tiên; còn hồ sơ khác: dùng --limit hoặc thêm điều kiện lọc.")
    return "\n".join(out)
