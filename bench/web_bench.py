"""Benchmark: the officers' pages on a generated database of 100,000 dossiers, as the server answers them.

    python bench/web_bench.py                         # 100,000 dossiers (built once, then reused)
    python bench/web_bench.py --dossiers 300000 --repeat 41
    python bench/web_bench.py --pg postgresql+psycopg://postgres@127.0.0.1:5432/thamdinh_web_bench

The database is bench/board_bench.py's (report_bench's dossiers, the stages finished since 01/12/2024
opened again: a heavy backlog), with project names and investors of the province's kind written into
it and their folded search text (``dossier.search_text``), the clock on 31/01/2025. Each row is the
median (and 90th percentile) of ``--repeat`` requests after two untimed ones, through the whole
application in process (``engine.web.asgi``: the guard, the session, the route, the SQL, the page, the
PDF). Targets: «Việc của tôi», a text search and a dossier page under 100 ms; an action under 50 ms; a
receipt PDF under 1 s. The last rows put the PDF renderer beside the headless Chromium the browser
tests use (Playwright's ``page.pdf`` of the same HTML, the browser already running, and with a
launch per document).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench", ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from board_bench import REOPEN_SINCE, _client, _ok, measure, reopen  # noqa: E402
from report_bench import NOW, _at_head, _conninfo, build, build_pg  # noqa: E402

from engine.bootstrap import App  # noqa: E402
from engine.domain.clock import TZ, FixedClock  # noqa: E402
from engine.domain.folding import search_text  # noqa: E402
from engine.io.settings import Settings  # noqa: E402

KINDS = ("Đường liên xã", "Trường mầm non", "Trường tiểu học", "Kè chống sạt lở", "Cầu", "Trạm y tế xã",
         "Nhà văn hóa", "Hệ thống thoát nước", "Chợ", "Nâng cấp đường")
PLACES = ("Tân Hòa", "Phú Lý", "Long Thành", "Vĩnh Cửu", "Đức Trọng", "Hòa Bình", "Xuân Lộc", "Định Quán",
          "Trảng Bom", "Nhơn Trạch", "Thống Nhất", "Cẩm Mỹ", "Tân Phú", "Biên Hòa", "Bàu Hàm")
INVESTORS = ("Ban QLDA đầu tư xây dựng tỉnh", "Ban QLDA giao thông", "UBND huyện Long Thành", "UBND huyện Định Quán",
             "Ban QLDA khu vực Xuân Lộc", "Sở Giáo dục và Đào tạo", "UBND thành phố Biên Hòa")


def _names(codes: list[tuple[int, str]], seed: int) -> list[tuple[str, str, str, int]]:
    rng = random.Random(seed)
    rows = []
    for id_, code in codes:
        name = f"{rng.choice(KINDS)} {rng.choice(PLACES)} – {rng.choice(PLACES)}, giai đoạn {rng.randint(1, 3)}"
        investor = rng.choice(INVESTORS)
        rows.append((name, investor, search_text(code, name, investor), id_))
    return rows


def name_projects(db: Path, seed: int = 11) -> None:
    """Give every dossier a project name and an investor of the province's kind, and its search text."""
    con = sqlite3.connect(db)
    rows = _names(con.execute("SELECT id, code FROM dossier ORDER BY id").fetchall(), seed)
    with con:
        con.executemany("UPDATE dossier SET project_name = ?, investor = ?, search_text = ? WHERE id = ?", rows)
        con.execute("ANALYZE")
    con.close()


def prepare_pg(url: str, n: int, seed: int = 11) -> None:
    """The same database on PostgreSQL: report_bench's COPY load, the same stages opened again, the names."""
    import psycopg

    build_pg(url, n)
    with psycopg.connect(_conninfo(url)) as con:
        con.execute("UPDATE stage_clock SET finished_on = NULL, outcome = NULL, closed_by = NULL, "
                    "turnaround_working_days = NULL, turnaround_days = NULL WHERE finished_on >= %s AND seq = "
                    "(SELECT MAX(x.seq) FROM stage_clock x WHERE x.dossier_id = stage_clock.dossier_id)",
                    (REOPEN_SINCE,))
        con.execute("UPDATE dossier SET state = 'appraising', closed_at = NULL, open_clock_id = (SELECT c.id FROM "
                    "stage_clock c WHERE c.dossier_id = dossier.id AND c.finished_on IS NULL) "
                    "WHERE open_clock_id IS NULL AND id IN "
                    "(SELECT dossier_id FROM stage_clock WHERE finished_on IS NULL)")
        rows = _names(con.execute("SELECT id, code FROM dossier ORDER BY id").fetchall(), seed)
        with con.cursor() as cur:
            cur.execute("CREATE TEMP TABLE names (name text, investor text, folded text, id int)")
            with cur.copy("COPY names FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cur.execute("UPDATE dossier d SET project_name = n.name, investor = n.investor, search_text = n.folded "
                        "FROM names n WHERE n.id = d.id")
        con.commit()
        con.autocommit = True
        con.execute("VACUUM ANALYZE")


def _chromium_rows(html: str, repeat: int) -> list[tuple[str, tuple[float, float], float | None]]:
    """Chromium printing the same HTML: warm (one browser, a page per document) and cold (a launch each)."""
    import os
    import shutil

    exe = os.environ.get("THAMDINH_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
    if not os.path.exists(exe):
        return []
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, headless=True, args=args)

        def warm() -> bytes:
            page = browser.new_page()
            page.set_content(html)
            body = page.pdf(format="A4")
            page.close()
            return body

        warm_t = measure(warm, repeat)
        browser.close()

        def cold() -> bytes:
            b = pw.chromium.launch(executable_path=exe, headless=True, args=args)
            page = b.new_page()
            page.set_content(html)
            body = page.pdf(format="A4")
            b.close()
            return body

        cold_t = measure(cold, max(3, repeat // 4))
    return [("receipt PDF by headless Chromium, browser running (page.pdf)", warm_t, None),
            ("receipt PDF by headless Chromium, a launch per document", cold_t, None)]


def _rows(app: App, repeat: int, chromium: bool = True) -> list[tuple[str, tuple[float, float], float | None]]:
    officer, head, director = _client(app, "cv.pham"), _client(app, "tp.nguyen"), _client(app, "gd.tran")
    with app.database.reading() as uow:
        code, version = uow.execute("SELECT code, version FROM dossier WHERE state = 'appraising' AND division = "
                                    "'QLXD' ORDER BY id DESC LIMIT 1").fetchone()
    from webtools import csrf_of

    csrf = csrf_of(head.get(f"/ho-so/{code}").text)
    state: dict[str, Any] = {"version": int(version), "holder": app.services.show(code)["officer"]}

    def act() -> None:  # a handover, back and forth: the state and the clock stay, every act is recorded
        to = "cv.vo" if state["holder"] != "cv.vo" else "cv.dang"
        r = head.post(f"/ho-so/{code}/thao-tac", data={
            "csrf": csrf, "event": "reassign", "expected_version": str(state["version"]), "officer": to},
            follow_redirects=False)
        assert r.status_code == 303, r.text[:300]
        state["version"], state["holder"] = state["version"] + 1, to

    from engine.web.documents import one_stop

    docs = one_stop(app)
    html = docs.html("receipt", app.services.show(code), {})
    return [
        ("«Việc của tôi», an officer (GET /viec-cua-toi)", measure(_ok(officer, "/viec-cua-toi"), repeat), 100.0),
        ("«Việc của tôi», a head: the division's open dossiers", measure(_ok(head, "/viec-cua-toi"), repeat), 100.0),
        ("text search «duong lien xa tan hoa», the director (GET /ho-so?q=…)",
         measure(_ok(director, "/ho-so", params={"q": "duong lien xa tan hoa"}), repeat), 100.0),
        ("text search «duc trong» + state, sorted by name, page 3",
         measure(_ok(director, "/ho-so", params={"q": "duc trong", "state": "appraising", "sort": "ten",
                                                   "page": "3"}), repeat), 100.0),
        ("the search without a filter, the director (100,000 rows, page 1)",
         measure(_ok(director, "/ho-so"), repeat), None),
        ("a dossier page (GET /ho-so/{code})", measure(_ok(head, f"/ho-so/{code}"), repeat), 100.0),
        ("an action: a head hands the dossier over (POST …/thao-tac)", measure(act, repeat), 50.0),
        ("receipt PDF with its QR code (GET …/giay-to/receipt.pdf)",
         measure(_ok(head, f"/ho-so/{code}/giay-to/receipt.pdf"), repeat), 1000.0),
        ("receipt PDF by WeasyPrint alone (engine.reporting.pdf)",
         measure(lambda: docs.pdf("receipt", app.services.show(code), {}), repeat), None),
        *(_chromium_rows(html, repeat) if chromium else []),
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dossiers", type=int, default=100_000, help="dossiers in the database (default 100,000)")
    ap.add_argument("--db", type=Path, default=None, help="database file (default /tmp/thamdinh-web-N.db)")
    ap.add_argument("--rebuild", action="store_true", help="build the database again even if it exists")
    ap.add_argument("--repeat", type=int, default=21, help="timed requests per row (default 21)")
    ap.add_argument("--pg", metavar="URL", help="the same on PostgreSQL (a database of that name, built once)")
    args = ap.parse_args()
    db = args.db or Path(f"/tmp/thamdinh-web-{args.dossiers}.db")
    url = args.pg or f"sqlite:///{db}"
    t0 = time.perf_counter()
    built = args.rebuild or (not args.pg and not db.exists()) or not _at_head(url, args.dossiers)
    if built and args.pg:
        prepare_pg(url, args.dossiers)
    elif built:
        build(db, args.dossiers)
        reopen(db, REOPEN_SINCE)
        name_projects(db)
    build_s = time.perf_counter() - t0
    app = App(Settings().with_(database_url=url), FixedClock(dt.datetime.combine(NOW, dt.time(9, 0), TZ)))
    try:
        rows = _rows(app, args.repeat, chromium=not args.pg)
        with app.database.reading() as uow:
            n_open = uow.execute("SELECT COUNT(*) FROM dossier WHERE closed_at IS NULL").fetchone()[0]
    finally:
        app.close()
    where = "PostgreSQL" if args.pg else str(db)
    print(f"Officers' pages on {args.dossiers:,} dossiers ({where}; {'built' if built else 'reused'} in "
          f"{build_s:.1f} s), as of {NOW:%d/%m/%Y}: {n_open:,} open")
    print(f"{'what':<68} {'median ms':>10} {'p90 ms':>9}  target")
    for name, (median, p90), target in rows:
        mark = "" if target is None else (f"< {target:.0f} ms " + ("ok" if median < target else "MISSED"))
        print(f"{name:<68} {median:>10.1f} {p90:>9.1f}  {mark}")


if __name__ == "__main__":
    main()
