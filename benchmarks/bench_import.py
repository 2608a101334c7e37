"""Benchmark: streaming import of a generated CSV dataset into embedded SQLite.

Target (issue #2): 10^6 enterprises + 10^7 supply links from CSV in at most 5 minutes with bounded
memory. The peer baseline is what an analyst would write without chainleader: pandas.read_csv +
DataFrame.to_sql (no validation at all), measured in the same run at a smaller scale where it fits.

Usage:
    .venv/bin/python benchmarks/bench_import.py --firms 1000000 --products 20000 --seed 1
    .venv/bin/python benchmarks/bench_import.py --firms 100000 --products 2000 --baseline --repeat 3

Each measured step runs in a fresh subprocess so its peak RSS (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

BASELINE = r"""
import sys, sqlite3, pandas as pd
from pathlib import Path
src, db = Path(sys.argv[1]), sys.argv[2]
con = sqlite3.connect(db)
for f in sorted(src.glob("*.csv")):
    df = pd.read_csv(f, dtype=str, keep_default_na=False, engine="pyarrow")
    df.to_sql(f.stem, con, index=False, chunksize=200_000, if_exists="replace")
con.commit()
"""


WRAP = (
    "import atexit, resource, runpy, sys\n"
    "atexit.register(lambda: print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
    "file=sys.stderr))\n"
    "mode, *rest = sys.argv[1:]\n"
    "if mode == 'module':\n"
    "    sys.argv = [rest[0], *rest[1:]]\n"
    "    runpy.run_module(rest[0], run_name='__main__')\n"
    "else:\n"
    "    sys.argv = ['-c', *rest[1:]]\n"
    "    exec(compile(rest[0], '<baseline>', 'exec'))\n"
)


def run_child(args: list[str]) -> tuple[float, float]:
    """Run ``[module, argv...]`` or ``['-c', code, argv...]`` in a fresh interpreter.

    Returns (wall seconds, that child's own peak RSS in MiB).
    """
    mode = ["code"] if args[0] == "-c" else ["module"]
    cmd = [PY, "-c", WRAP, *mode, *(args[1:] if args[0] == "-c" else args)]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"step failed: {args[:3]}")
    kb = [int(line.split()[1]) for line in proc.stderr.splitlines() if line.startswith("MAXRSS_KB")]
    return wall, (kb[-1] / 1024.0 if kb else float("nan"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--products", type=int, default=20_000)
    ap.add_argument("--links", type=int, default=None, help="default: 10 per firm")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--baseline", action="store_true", help="also time pandas read_csv + to_sql")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()

    work = Path(args.workdir or tempfile.mkdtemp(prefix="cl-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    data = work / "data"
    print(f"machine: {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}")
    if not (data / "supply_links.csv").exists():
        gen_args = ["chainleader.cli", "generate", str(data), "--firms", str(args.firms),
                    "--products", str(args.products), "--seed", str(args.seed)]
        if args.links is not None:
            gen_args += ["--links", str(args.links)]
        wall, rss = run_child(gen_args)
        print(f"generate: {wall:.1f} s, peak RSS {rss:.0f} MiB")
    sizes = {f.name: f.stat().st_size for f in data.glob("*.csv")}
    print(f"input: {sum(sizes.values()) / 2**20:.0f} MiB of CSV")

    ours, base = [], []
    for i in range(args.repeat):
        db = work / f"ours{i}.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        wall, rss = run_child(["chainleader.cli", "import", str(data), "--db", f"sqlite:///{db}"])
        ours.append((wall, rss))
        print(f"chainleader import run {i + 1}: {wall:.1f} s, peak RSS {rss:.0f} MiB")
        if args.baseline:
            bdb = work / f"base{i}.sqlite"
            bdb.unlink(missing_ok=True)
            wall, rss = run_child(["-c", BASELINE, str(data), str(bdb)])
            base.append((wall, rss))
            print(f"pandas read_csv+to_sql run {i + 1}: {wall:.1f} s, peak RSS {rss:.0f} MiB")
    med = statistics.median(w for w, _ in ours)
    print(f"RESULT chainleader import: median {med:.1f} s, peak RSS {max(r for _, r in ours):.0f} MiB")
    if base:
        bmed = statistics.median(w for w, _ in base)
        print(f"RESULT baseline (no validation): median {bmed:.1f} s, peak RSS {max(r for _, r in base):.0f} MiB")
        print(f"RESULT ratio baseline/chainleader: {bmed / med:.2f}x")
    if args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
