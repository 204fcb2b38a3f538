"""A workflow's state diagram laid out for drawing as SVG in a page (no script: the page's CSP allows
none): states in columns by their distance from the initial state, each transition an arrow numbered
in a legend that names its event, so the labels never overlap.

A transition back to where the dossier came from (``@return``: the investor's supplement received) is
drawn dashed to every state that leads into its source; one that keeps the state (``@same``: a
hand-over, an extension) is listed in the legend only.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from ..domain.workflow import RETURN, SAME, WorkflowDef

BOX_W, BOX_H, COL_W, ROW_H, MARGIN = 180, 48, 250, 78, 24


def _into(wf: WorkflowDef) -> dict[str, set[str]]:
    """For each state, the states a transition leads into it from."""
    into: dict[str, set[str]] = {}
    for e in wf.events.values():
        for t in e.transitions:
            if t.target in (RETURN, SAME):
                continue
            into.setdefault(t.target, set()).update(src for src in t.sources if src != t.target)
    return into


def _edges(wf: WorkflowDef) -> list[tuple[str, str, str, bool]]:
    """(source, target, event, back) of every drawn transition, in the file's order."""
    into = _into(wf)
    out: list[tuple[str, str, str, bool]] = []
    for e in wf.events.values():
        for t in e.transitions:
            for src in t.sources:
                if t.target == RETURN:
                    out.extend((src, back, e.name, True) for back in sorted(into.get(src, ())))
                elif t.target != SAME and t.target != src:
                    out.append((src, t.target, e.name, False))
    return out


def _depths(wf: WorkflowDef, edges: list[tuple[str, str, str, bool]]) -> dict[str, int]:
    depth = {wf.initial: 0}
    queue = deque([wf.initial])
    while queue:
        s = queue.popleft()
        for src, dst, _, back in edges:
            if src == s and not back and dst not in depth:
                depth[dst] = depth[s] + 1
                queue.append(dst)
    inner = [d for s, d in depth.items() if not wf.states[s].terminal]
    last = max(inner, default=0) + 1  # every final state in one last column: the arrows all run right
    return {s: last if wf.states[s].terminal or s not in depth else depth[s] for s in wf.states}


def _lines(label: str, width: int = 26) -> list[str]:
    words, lines, cur = label.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return lines[:3]


def layout(wf: WorkflowDef) -> dict[str, Any]:
    """Boxes, arrows and the legend of ``wf``'s diagram, in SVG user units."""
    edges = _edges(wf)
    depth = _depths(wf, edges)
    columns: dict[int, list[str]] = {}
    for s in wf.states:
        columns.setdefault(depth[s], []).append(s)
    pos, nodes = {}, []
    for col, names in sorted(columns.items()):
        for row, s in enumerate(names):
            x, y = MARGIN + col * COL_W, MARGIN + row * ROW_H
            pos[s] = (x, y)
            st = wf.states[s]
            nodes.append({"name": s, "x": x, "y": y, "w": BOX_W, "h": BOX_H, "lines": _lines(st.label),
                          "kind": "terminal" if st.terminal else "paused" if st.pauses_clock else
                          "initial" if s == wf.initial else "state"})
    arrows, legend = [], []
    for n, (src, dst, event, back) in enumerate(edges, 1):
        (x1, y1), (x2, y2) = pos[src], pos[dst]
        forward = x2 > x1
        sx, ex = (x1 + BOX_W, x2) if forward else (x1, x2 + BOX_W) if x2 < x1 else (x1 + BOX_W, x2 + BOX_W)
        sy, ey = y1 + BOX_H / 2 + (n % 3 - 1) * 8, y2 + BOX_H / 2 + (n % 3 - 1) * 8
        bend = 0 if forward and abs(sy - ey) < 1 else (40 + 10 * (n % 4)) * (1 if back or not forward else -1)
        cx, cy = (sx + ex) / 2 + (bend if x1 == x2 else 0), (sy + ey) / 2 + (bend if x1 != x2 else 0)
        t = 0.3 + 0.15 * (n % 3)  # the number a little along the arrow, where arrows from one box part
        arrows.append({"n": n, "d": f"M {sx:.0f} {sy:.0f} Q {cx:.0f} {cy:.0f} {ex:.0f} {ey:.0f}", "back": back,
                       "lx": (1 - t) ** 2 * sx + 2 * (1 - t) * t * cx + t * t * ex,
                       "ly": (1 - t) ** 2 * sy + 2 * (1 - t) * t * cy + t * t * ey})
        legend.append({"n": n, "event": wf.event_label(event), "from": wf.states[src].label,
                       "to": wf.states[dst].label, "back": back})
    for e in wf.events.values():
        if any(t.target == SAME for t in e.transitions):
            legend.append({"n": None, "event": e.label, "from": None, "to": None, "back": False})
    width = MARGIN * 2 + max(columns) * COL_W + BOX_W + 60
    height = MARGIN * 2 + max(len(v) for v in columns.values()) * ROW_H + 40
    return {"width": width, "height": height, "nodes": nodes, "arrows": arrows, "legend": legend}
