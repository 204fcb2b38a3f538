"""The fire loop of two checkouts, paired round by round: is the durable fire's ratio to the raw loop worse?

    python bench/fire_compare.py OTHER_CHECKOUT                  # e.g. a `git worktree` of an older commit
    python bench/fire_compare.py OTHER_CHECKOUT --rounds 12 --dossiers 1000

Each round runs, in a child process per checkout (its own ``bench/run.py``: ``prepare``, ``bench_engine``,
``bench_raw``, imported from that checkout first on ``sys.path``), the engine's fires and the raw loop's
transactions on copies of one prepared database, the order of engine and raw alternating from round to round,
the two checkouts alternating within the round, so both see the same machine. CPU time (user + system) is
taken around each call in the child, the same way for both checkouts whatever their ``bench_*`` return.

The table gives, per checkout, the medians over the rounds of the wall time and the CPU time per fire of the
engine and of the raw loop, and the median of each round's ratio (engine / raw); then the two checkouts'
ratios divided round by round (a paired comparison: the median, and in how many rounds this checkout's ratio
was the higher). On these shared machines the wall ratio moves with the load and the disk (a fire's commit
waits on the WAL and its checkpoints): the CPU ratio is the steady one, and a wall difference smaller than
the spread of the rounds is noise.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: what runs in the child: one checkout's bench/run.py, one round, JSON out
CHILD = """
import json, shutil, sys, tempfile, time
from pathlib import Path
root, order, dossiers = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
sys.path[:0] = [root, root + "/bench"]
import run
work = Path(tempfile.mkdtemp(prefix="thamdinh-compare-"))
try:
    template = run.prepare(work, dossiers)
    out = {}
    for name in order:
        db = work / (name + ".db")
        shutil.copy(template, db)
        c0 = time.process_time()
        result = (run.bench_engine if name == "engine" else run.bench_raw)(db, dossiers)
        out[name] = (result[1] / result[0], (time.process_time() - c0) / result[0])
finally:
    shutil.rmtree(work, ignore_errors=True)
print(json.dumps(out))
"""


def one_round(root: Path, order: list[str], dossiers: int) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds per fire of the engine and the raw loop of the checkout at ``root``."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(root), ",".join(order), str(dossiers)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{root}: the round failed:\n{done.stderr[-2000:]}")
    return {k: (v[0], v[1]) for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other checkout (its bench/run.py is used)")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--dossiers", type=int, default=1000, help="dossiers fired through their whole life")
    args = parser.parse_args()
    roots = {"this": ROOT, "other": args.other.resolve()}
    if not (roots["other"] / "bench" / "run.py").exists():
        raise SystemExit(f"{args.other}: no bench/run.py there")
    got: dict[str, list[dict[str, tuple[float, float]]]] = {"this": [], "other": []}
    loads: list[float] = []
    for r in range(args.rounds):
        order = ["engine", "raw"] if r % 2 else ["raw", "engine"]
        for name in (("this", "other") if r % 2 else ("other", "this")):
            loads.append(os.getloadavg()[0])
            got[name].append(one_round(roots[name], order, args.dossiers))
    print(f"fire loop, {args.rounds} paired rounds of {args.dossiers:,} dossiers; load average "
          f"{min(loads):.1f}–{max(loads):.1f}; medians, µs per fire")
    print(f"{'checkout':<8}  {'wall engine':>11}  {'wall raw':>8}  {'wall ratio':>10}  {'CPU engine':>10}  "
          f"{'CPU raw':>7}  {'CPU ratio':>9}  rounds' wall ratios")
    for name, rounds in got.items():
        def med(which: str, i: int, rounds: list[dict[str, tuple[float, float]]] = rounds) -> float:
            return statistics.median(x[which][i] for x in rounds) * 1e6
        ratios = [x["engine"][0] / x["raw"][0] for x in rounds]
        cpu_ratio = statistics.median(x["engine"][1] / x["raw"][1] for x in rounds)
        print(f"{name:<8}  {med('engine', 0):>11,.0f}  {med('raw', 0):>8,.0f}  {statistics.median(ratios):>10.2f}  "
              f"{med('engine', 1):>10,.0f}  {med('raw', 1):>7,.0f}  {cpu_ratio:>9.2f}  "
              f"{min(ratios):.2f}–{max(ratios):.2f}")
    pairs = list(zip(got["this"], got["other"], strict=True))
    paired = [(a["engine"][0] / a["raw"][0]) / (b["engine"][0] / b["raw"][0]) for a, b in pairs]
    paired_cpu = [(a["engine"][1] / a["raw"][1]) / (b["engine"][1] / b["raw"][1]) for a, b in pairs]
    print(f"this / other, round by round: wall ratio x{statistics.median(paired):.3f} (this higher in "
          f"{sum(p > 1 for p in paired)} of {len(paired)} rounds), CPU ratio x{statistics.median(paired_cpu):.3f} "
          f"(higher in {sum(p > 1 for p in paired_cpu)} of {len(paired_cpu)})")
    print(f"this: {roots['this']}; other: {roots['other']}")


if __name__ == "__main__":
    main()
