"""Benchmark: the boards on a generated database of 100,000 dossiers, as the server answers them.

    python bench/board_bench.py                       # 100,000 dossiers (built once, then reused)
    python bench/board_bench.py --dossiers 300000 --repeat 41

The database is bench/report_bench.py's (``report_bench.build``: dossiers received Feb–Nov 2024, their
stage clocks, pauses, extensions, receipts and handovers, as the engine leaves them on 31/01/2025), with
the clock set to that day. That data holds almost no open dossier by then, so the last stage of every
dossier finished from 01/12/2024 on is opened again (``reopen``: its clock unfinished, the dossier back
in appraisal): a heavy backlog, thousands open in the largest division, many of them overdue, some
paused for the investor. Each row of the
table is the median (and 90th percentile) of ``--repeat`` requests after two untimed ones, through the
whole application in process (``engine.web.asgi``: the guard, the session, the route, the SQL, the page):

- the division board of the largest division (QLXD, 45% of the dossiers) as its head sees it, the page
  and its API call; target: median under 100 ms;
- the department board (the director's page);
- the use case alone (``Boards.division_board``: the SQL and the rows, no page);
- a baseline in the same run: the list page's own query for the division's overdue dossiers
  (``Services.find(overdue=True)``), the way a head would have found them without the board.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench", ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from report_bench import NOW, _at_head, build  # noqa: E402  (the large database, built as the report benchmark)

from engine.bootstrap import App  # noqa: E402
from engine.domain.clock import TZ, FixedClock  # noqa: E402
from engine.io.settings import Settings  # noqa: E402

PASSWORD = "mật khẩu của phép đo, đủ dài"
TARGET_MS = 100.0
REOPEN_SINCE = dt.date(2024, 12, 1)


def measure(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median and 90th percentile, in milliseconds, of ``repeat`` calls after two untimed ones."""
    for _ in range(2):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.9))]


def reopen(db: Path, since: dt.date) -> None:
    """Open again the last stage of every dossier that finished it on or after ``since``."""
    import sqlite3

    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE stage_clock SET finished_on = NULL, outcome = NULL, closed_by = NULL, "
                    "turnaround_working_days = NULL, turnaround_days = NULL WHERE finished_on >= ? AND seq = "
                    "(SELECT MAX(x.seq) FROM stage_clock x WHERE x.dossier_id = stage_clock.dossier_id)",
                    (since.isoformat(),))
        con.execute("UPDATE dossier SET state = 'appraising', closed_at = NULL, open_clock_id = (SELECT c.id FROM "
                    "stage_clock c WHERE c.dossier_id = dossier.id AND c.finished_on IS NULL) "
                    "WHERE open_clock_id IS NULL AND id IN "
                    "(SELECT dossier_id FROM stage_clock WHERE finished_on IS NULL)")
        con.execute("ANALYZE")
    con.close()


def _client(app: App, person: str) -> Any:
    from fastapi.testclient import TestClient
    from webtools import BASE, sign_in

    from engine.web import asgi

    app.accounts.set_password(person, PASSWORD)
    client = TestClient(asgi(app), base_url=BASE)
    answer = sign_in(client, person, PASSWORD)
    assert getattr(answer, "status_code", None) == 303, "sign-in failed"
    return client


def _ok(client: Any, path: str, **kw: Any) -> Callable[[], Any]:
    def get() -> Any:
        r = client.get(path, **kw)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
        return r

    return get


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dossiers", type=int, default=100_000, help="dossiers in the database (default 100,000)")
    ap.add_argument("--db", type=Path, default=None, help="database file (default /tmp/thamdinh-board-N.db)")
    ap.add_argument("--rebuild", action="store_true", help="build the database again even if it exists")
    ap.add_argument("--repeat", type=int, default=21, help="timed requests per row (default 21)")
    args = ap.parse_args()
    db = args.db or Path(f"/tmp/thamdinh-board-{args.dossiers}.db")
    url = f"sqlite:///{db}"
    t0 = time.perf_counter()
    built = args.rebuild or not db.exists() or not _at_head(url, args.dossiers)
    if built:
        build(db, args.dossiers)
        reopen(db, REOPEN_SINCE)
    build_s = time.perf_counter() - t0
    clock = FixedClock(dt.datetime.combine(NOW, dt.time(9, 0), TZ))
    app = App(Settings().with_(database_url=url), clock)
    try:
        rows = _rows(app, args.repeat)
        from engine.web.boards import boards_of

        head = next(p for p in app.services.people() if p.id == "tp.nguyen")
        t = boards_of(app).division_board(head)["totals"]
        open_all = sum(d["open_count"] for d in boards_of(app).department_board(
            next(p for p in app.services.people() if p.id == "gd.tran"))["divisions"])
    finally:
        app.close()
    print(f"Boards on {args.dossiers:,} dossiers ({db}; {'built' if built else 'reused'} in {build_s:.1f} s), "
          f"as of {NOW:%d/%m/%Y}: {open_all:,} open stages; QLXD {t['open_count']:,} open, {t['overdue']:,} overdue, "
          f"{t['due_soon']:,} due soon, {t['paused']:,} paused")
    print(f"{'what':<66} {'median ms':>10} {'p90 ms':>9}  target")
    for name, (median, p90), target in rows:
        mark = "" if target is None else (f"< {target:.0f} ms " + ("ok" if median < target else "MISSED"))
        print(f"{name:<66} {median:>10.1f} {p90:>9.1f}  {mark}")


def _rows(app: App, repeat: int) -> list[tuple[str, tuple[float, float], float | None]]:
    from engine.web.boards import boards_of

    head, director = _client(app, "tp.nguyen"), _client(app, "gd.tran")
    boards = boards_of(app)
    person = next(p for p in app.services.people() if p.id == "tp.nguyen")
    token, _ = app.accounts.create_token("tp.nguyen", "phép đo")
    return [
        ("division board page, QLXD, its head (GET /bang-dieu-hanh/phong)",
         measure(_ok(head, "/bang-dieu-hanh/phong"), repeat), TARGET_MS),
        ("division board API (GET /api/v1/boards/division)",
         measure(_ok(head, "/api/v1/boards/division", headers={"Authorization": f"Bearer {token}"}), repeat),
         TARGET_MS),
        ("department board page, the director (GET /bang-dieu-hanh/so)",
         measure(_ok(director, "/bang-dieu-hanh/so"), repeat), None),
        ("the use case alone (Boards.division_board)", measure(lambda: boards.division_board(person), repeat), None),
        ("baseline: the list's query for QLXD's overdue (Services.find)",
         measure(lambda: app.services.find(division="QLXD", overdue=True, limit=500, viewer=person), repeat), None),
    ]


if __name__ == "__main__":
    main()
