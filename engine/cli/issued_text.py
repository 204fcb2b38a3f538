"""How issued reports read on a terminal: a version just issued (with what changed and any warning),
and the list of every version (when, by whom, the hash, the reason), in Vietnamese, dd/mm/yyyy HH:MM."""

from __future__ import annotations

from typing import Any

import click

from ..reporting.changes import describe

#: how many changes a terminal shows (the JSON and the stored version keep them all)
CHANGES_SHOWN = 30
KIND_LABELS = {"monthly": "Báo cáo tháng", "evaluation": "Chấm điểm thi đua"}
#: what a kind of report is called before its period's label ("báo cáo tháng 10/2026")
ISSUED_WHAT = {"monthly": "báo cáo", "evaluation": "kết quả chấm điểm thi đua"}


def issued_text(r: dict[str, Any]) -> str:
    """A version just issued: its number, version, time, issuer, hash; for a re-issue, what changed."""
    lines = [f"Đã ban hành {ISSUED_WHAT.get(r['kind'], r['kind'])} {r['label']}: phiên bản {r['version']}, "
             f"{r['number']}, lúc {r['issued_at_text']}, người ban hành {r['issued_by_name']}.",
             f"  Mã băm nội dung: {r['content_hash']}"]
    if r.get("reason"):
        lines.append(f"  Lý do: {r['reason']}")
    if r["version"] > 1:
        changes = r["changes"]
        if not changes:
            lines.append("  Không có số liệu nào thay đổi so với phiên bản trước.")
        else:
            lines.append(f"  Số liệu thay đổi so với phiên bản {r['version'] - 1} ({len(changes)}):")
            lines.extend(f"    - {describe(c)}" for c in changes[:CHANGES_SHOWN])
            if len(changes) > CHANGES_SHOWN:
                lines.append(f"    … và {len(changes) - CHANGES_SHOWN} thay đổi khác (xem bằng --json).")
    return "\n".join(lines)


def warn(r: dict[str, Any], as_json: bool) -> None:
    """The warnings of a forced issue, on the error stream (the JSON document carries them too)."""
    if not as_json:
        for w in r.get("warnings") or ():
            click.echo(f"Cảnh báo: {w}", err=True)


def listing_text(rows: list[dict[str, Any]]) -> str:
    """``report issued``: every version, one a line."""
    if not rows:
        return "Chưa ban hành báo cáo nào."
    lines = [f"{'Loại':<18} {'Kỳ':<22} {'Phạm vi':<8} {'PB':>3}  {'Ban hành lúc':<16}  {'Người ban hành':<26} "
             f"{'Mã băm':<12}  Lý do"]
    for r in rows:
        kind, scope = KIND_LABELS.get(r["kind"], r["kind"]), r["scope"] or "Toàn Sở"
        lines.append(f"{kind:<18} {r['period'][:22]:<22} {scope:<8} {r['version']:>3}  {r['issued_at_text']:<16}  "
                     f"{str(r['issued_by_name'])[:26]:<26} {r['content_hash'][:12]:<12}  {r['reason'] or '—'}")
    return "\n".join(lines)
