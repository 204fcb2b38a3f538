"""The pages a fire writes: WAL frames per fire of the engine and of the raw loop, and what each index costs.

    python bench/fire_frames.py                                  # this checkout, 300 dossiers
    python bench/fire_frames.py --other /tmp/before              # beside another checkout (a `git worktree`)
    python bench/fire_frames.py --per-index                      # and the engine's frames without each index
    python bench/fire_frames.py --sql "DROP INDEX ix_stage_clock_dossier_span"   # the database changed first

A count, not a time: the same on a quiet machine and a loaded one. Each checkout's own ``bench/run.py``
(``prepare``, ``bench_engine``, ``bench_raw``) runs in a child process on copies of one prepared database, every
connection with ``wal_autocheckpoint=0`` and one more connection held open, so the WAL keeps every frame
written; the frames are counted from the WAL's size. A commit appends one frame per page it changed, and each
frame is two writes (its header, then the page); a checkpoint later copies the pages back and syncs, about
every 1,000 frames. So the frames a fire writes are what its commit and its share of the checkpoints cost: the
part of the wall time the CPU time does not show (``bench/fire_compare.py`` times the loops).

What an index costs is measured by dropping it (``--per-index``: each index but the unique ones, in turn, on a
fresh copy), not by the pages' owners in the WAL: an index page emptied by moved entries is freed and taken by
another b-tree, so owners read afterwards misplace the hottest pages. ``--sql`` statements run on the prepared
database before both loops (an index made partial: what it would save a fire, before building it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: what runs in the child: one checkout's bench/run.py; the frames of both loops (and of the engine's without
#: each index, with --per-index) as JSON
CHILD = r"""
import json, shutil, sqlite3, struct, sys, tempfile
from pathlib import Path
root, dossiers, statements, per_index = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]), sys.argv[4] == "1"
sys.path[:0] = [root, root + "/bench"]
import run
connect = sqlite3.connect
def kept(*args, **kwargs):
    conn = connect(*args, **kwargs)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    return conn
def frames(template, loop, name, first=()):  # WAL frames per fire of loop on a copy (first: run on it before)
    db = work / (name + ".db")
    shutil.copy(template, db)
    hold = kept(db)
    for sql in first:
        hold.execute(sql)
    hold.commit()
    hold.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    hold.execute("SELECT COUNT(*) FROM sqlite_schema").fetchone()
    sqlite3.connect = sqlite3.dbapi2.connect = kept  # (SQLAlchemy's pysqlite connects through dbapi2)
    try:
        fires = loop(db, dossiers)[0]
    finally:
        sqlite3.connect = sqlite3.dbapi2.connect = connect
    size = Path(str(db) + "-wal").stat().st_size
    hold.close()
    return max(size - 32, 0) / (24 + page) / fires  # the WAL's header, then a 24-byte header and a page a frame
work = Path(tempfile.mkdtemp(prefix="thamdinh-frames-"))
try:
    template = run.prepare(work, dossiers)
    with connect(template) as conn:
        for sql in statements:
            conn.execute(sql)
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # into the file itself: the loops run on copies of it
        indexes = [n for n, in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL "
                                            "AND sql NOT LIKE 'CREATE UNIQUE%' ORDER BY name")]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
    out = {"engine": frames(template, run.bench_engine, "engine"), "raw": frames(template, run.bench_raw, "raw")}
    if per_index:
        out["without"] = {ix: frames(template, run.bench_engine, "ix", [f"DROP INDEX {ix}"]) for ix in indexes}
finally:
    shutil.rmtree(work, ignore_errors=True)
print(json.dumps(out))
"""


def frames(root: Path, dossiers: int, statements: list[str], per_index: bool) -> dict[str, Any]:
    """Frames per fire of the engine's and the raw loop's fires in the checkout at ``root`` (and of the
    engine's with each index dropped, under ``without``)."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(root), str(dossiers), json.dumps(statements),
                           "1" if per_index else "0"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{root}: the loops failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--other", type=Path, help="another checkout, measured beside this one")
    parser.add_argument("--dossiers", type=int, default=300, help="dossiers fired through their whole life")
    parser.add_argument("--sql", action="append", default=[], help="a statement run on the prepared database first")
    parser.add_argument("--per-index", action="store_true",
                        help="also the engine's frames with each index (not a unique one) dropped in turn")
    args = parser.parse_args()
    roots = {"this": ROOT} | ({"other": args.other.resolve()} if args.other else {})
    if not (roots.get("other", ROOT) / "bench" / "run.py").exists():
        raise SystemExit(f"{args.other}: no bench/run.py there")
    got = {name: frames(root, args.dossiers, args.sql, args.per_index) for name, root in roots.items()}
    print(f"WAL frames per fire, {args.dossiers:,} dossiers fired through their whole life"
          + (f"; first: {'; '.join(args.sql)}" if args.sql else ""))
    for name, r in got.items():
        print(f"  {name:6s} engine {r['engine']:6.2f}  raw {r['raw']:6.2f}  ratio {r['engine'] / r['raw']:.3f}"
              f"   ({roots[name]})")
    if len(got) == 2:
        this, other = got["this"], got["other"]
        print(f"  this / other: engine x{this['engine'] / other['engine']:.3f}, raw x{this['raw'] / other['raw']:.3f}, "
              f"ratio x{(this['engine'] / this['raw']) / (other['engine'] / other['raw']):.3f}")
    for name, r in got.items():
        if "without" in r:
            costs = sorted(((r["engine"] - without, ix) for ix, without in r["without"].items()), reverse=True)
            print(f"\n{name}: frames per fire an index costs the engine (its frames less those without it)")
            for cost, ix in costs:
                if round(cost, 2):
                    print(f"  {ix:42s} {cost:6.2f}")
            print(f"  ({sum(not round(c, 2) for c, _ in costs)} more indexes cost nothing a fire)")


if __name__ == "__main__":
    main()
