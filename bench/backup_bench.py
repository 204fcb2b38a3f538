"""Benchmark: ``thamdinh backup`` and ``thamdinh restore`` of a 1,000,000-dossier SQLite database while
the application writes.

    python bench/backup_bench.py                    # 1,000,000 dossiers (built once, then reused)
    python bench/backup_bench.py --dossiers 100000 --events 3

The database is built by ``bench/report_bench.py``'s own builder (``report_bench.build``: the
project's migrations, the sample organisation, dossiers with their stage clocks and pauses), in a
child process, then given ``--events`` history rows per dossier (default 6: receive, then accept and
reassign by turns), each dossier's version set to its count of rows. It is kept at
``/tmp/thamdinh-backup-bench-N-E.db`` (``--db``) and reused while its schema is the migrations' head.

Measured through the use case the command runs (``app.backups``): the backup (SQLite's online backup
API in steps inside one read transaction) while a writer thread fires ``reassign`` on open dossiers
through ``app.services.fire``: the fires done during the copy and the slowest of them show that the
writer is not held up; then the restore of the copy into a new file. Target: the backup under 30 s.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from report_bench import _at_head, build  # noqa: E402  (the large database, built as the report benchmark builds it)

from engine.bootstrap import App  # noqa: E402
from engine.domain.commands import Fire  # noqa: E402
from engine.io.settings import Settings  # noqa: E402

HEAD, OFFICERS = "tp.nguyen", ("cv.pham", "cv.vo", "cv.dang")
#: one history row per dossier and step, numbered 1..events (receive, then accept and reassign by turns)
HISTORY = """
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < :events)
INSERT INTO dossier_event (dossier_id, seq, event, from_state, to_state, actor, at, recorded_at, note, effects,
                           channel, client)
SELECT d.id, k.n, CASE WHEN k.n = 1 THEN 'receive' WHEN k.n % 2 = 0 THEN 'accept' ELSE 'reassign' END,
       CASE WHEN k.n = 1 THEN NULL ELSE 'appraising' END, 'appraising', d.officer, d.received_at, d.received_at,
       NULL, NULL, 'import', NULL
FROM dossier d CROSS JOIN k ORDER BY d.id, k.n
"""


def add_history(db: Path, events: int) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA cache_size=-400000")
    con.execute(HISTORY, {"events": events})
    con.execute("UPDATE dossier SET version = ?", (events,))
    con.commit()
    con.execute("PRAGMA journal_mode=WAL")
    con.close()


class Writer(threading.Thread):
    """Hands open QLXD dossiers from officer to officer (``reassign`` by the head) until stopped; keeps
    the end time and duration of every fire."""

    def __init__(self, app: App, rate: float) -> None:
        super().__init__(daemon=True)
        self.app, self.pause = app, 1 / rate if rate > 0 else 0.0
        with app.database.reading() as uow:
            self.codes = [(r[0], r[1]) for r in uow.execute(
                "SELECT code, officer FROM dossier WHERE division = 'QLXD' AND state = 'appraising' LIMIT 5000")]
        self.fires: list[tuple[float, float]] = []
        self.halt = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        n = 0
        try:
            while not self.halt.is_set():
                code, officer = self.codes[n % len(self.codes)]
                target = OFFICERS[(OFFICERS.index(officer) + 1) % 3] if officer in OFFICERS else OFFICERS[0]
                t0 = time.perf_counter()
                self.app.services.fire(Fire(code=code, event="reassign", actor=HEAD, officer=target))
                self.fires.append((time.perf_counter(), time.perf_counter() - t0))
                self.codes[n % len(self.codes)] = (code, target)
                n += 1
                time.sleep(max(0.0, self.pause - (time.perf_counter() - t0)))
        except BaseException as exc:  # reported by main
            self.error = exc

    def between(self, start: float, end: float) -> list[float]:
        return [took for done, took in self.fires if start <= done <= end]


def prepare(db: Path, dossiers: int, events: int, rebuild: bool) -> float:
    """Build the database unless it is there at the head; returns the seconds spent building."""
    if not rebuild and db.exists() and _at_head(f"sqlite:///{db}"):
        return 0.0
    t0 = time.perf_counter()
    print(f"Building {db} with {dossiers:,} dossiers and {events} history rows each (child process)...", flush=True)
    subprocess.run([sys.executable, __file__, "--build-only", "--db", str(db), "--dossiers", str(dossiers),
                    "--events", str(events)], check=True)
    return time.perf_counter() - t0


def measure(db: Path, folder: Path, rate: float) -> dict[str, Any]:
    app = App(Settings().with_(database_url=f"sqlite:///{db}", mail_dir=folder / "thu-di"))
    quiet = app.backups.backup(folder / "yen-tinh.db")  # nobody writing
    (folder / "yen-tinh.db").unlink()
    writer = Writer(app, rate)
    writer.start()
    time.sleep(2)  # the writer warms up
    before = writer.between(0, time.perf_counter())
    t0 = time.perf_counter()
    taken = app.backups.backup(folder / "sao-luu.db")
    t1 = time.perf_counter()
    writer.halt.set()
    writer.join(30)
    if writer.error is not None:
        raise writer.error
    during = writer.between(t0, t1)
    app.close()
    restored = App(Settings().with_(database_url=f"sqlite:///{folder / 'khoi-phuc.db'}"))
    done = restored.backups.restore(Path(taken["file"]))
    restored.close()
    with sqlite3.connect(db) as con:
        history = con.execute("SELECT COUNT(*) FROM dossier_event").fetchone()[0]
    return {"quiet": quiet, "taken": taken, "done": done, "history": history, "during": during,
            "before": before, "size": db.stat().st_size + _wal(db)}


def _wal(db: Path) -> int:
    wal = db.with_name(db.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def report(m: dict[str, Any], built: float) -> None:
    taken, done, during, before = m["taken"], m["done"], m["during"], m["before"]
    rate = len(before) / 2 if before else 0.0
    rows = [
        ("Cơ sở dữ liệu (tệp + WAL)", f"{m['size'] / 2**20:,.0f} MB", ""),
        ("Hồ sơ / dòng lịch sử", f"{taken['dossiers']:,} / {m['history']:,}", ""),
        ("Sao lưu, không ai ghi (app.backups.backup)", f"{m['quiet']['seconds']:.1f} s", "< 30 s"),
        ("Sao lưu trong lúc một luồng ghi", f"{taken['seconds']:.1f} s", "< 30 s"),
        ("Tệp sao lưu", f"{taken['bytes'] / 2**20:,.0f} MB", ""),
        ("Khôi phục vào tệp mới (app.backups.restore)", f"{done['seconds']:.1f} s", ""),
        ("Thao tác ghi trong lúc sao lưu", f"{len(during):,} ({len(during) / max(taken['seconds'], 1e-9):.0f}/s; "
                                           f"trước đó {rate:.0f}/s)", ""),
        ("Thao tác ghi chậm nhất trong lúc sao lưu", f"{max(during, default=0) * 1000:.0f} ms", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    if built:
        print(f"(built in {built:.0f} s)")
    print(f"{'':<{width}}  {'kết quả':>28}  mục tiêu")
    print("-" * (width + 42))
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>28}  {target}")
    print("-" * (width + 42))
    print(f"Bản sao: {taken['dossiers']:,} hồ sơ, phiên bản lược đồ {taken['revision']}; khôi phục: "
          f"{done['dossiers']:,} hồ sơ, phiên bản {done['revision']}. Tải máy: "
          f"{' / '.join(f'{x:.2f}' for x in os.getloadavg())} trên {os.cpu_count()} CPU.")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dossiers", type=int, default=1_000_000, help="dossiers in the database (default 1,000,000)")
    ap.add_argument("--events", type=int, default=6, help="history rows per dossier (default 6)")
    ap.add_argument("--db", type=Path, default=None, help="database file (default /tmp/thamdinh-backup-bench-N-E.db)")
    ap.add_argument("--dir", type=Path, default=None, help="folder of the backup and the restored copy (a temporary "
                                                           "one by default, deleted after)")
    ap.add_argument("--rate", type=float, default=0, help="the writer's fires per second during the backup "
                                                          "(default 0: as fast as it can)")
    ap.add_argument("--rebuild", action="store_true", help="build the database again even if it exists")
    ap.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    db = args.db or Path(tempfile.gettempdir()) / f"thamdinh-backup-bench-{args.dossiers}-{args.events}.db"
    if args.build_only:
        build(db, args.dossiers, history=False)
        if args.events:
            add_history(db, args.events)
        return
    built = prepare(db, args.dossiers, args.events, args.rebuild)
    with tempfile.TemporaryDirectory(dir=args.dir) as folder:
        report(measure(db, Path(folder), args.rate), built)


if __name__ == "__main__":
    main()
