"""Where a simulation step's time goes: wall time per numba kernel of ``simulation.fast`` (issue #4).

Wraps every compiled kernel of ``chainleader.analysis.simulation.fast`` in a timer, runs the benchmark scenario of
``bench_simulate.py`` (180 daily steps) on a generated dataset once to compile and once timed, and prints
milliseconds per step for each kernel and for the numpy glue in between.

Usage:
    .venv/bin/python benchmarks/profile_sim_kernels.py --firms 300000
"""

from __future__ import annotations

import argparse
import collections
import gc
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_simulate

from chainleader.analysis.compiled import compile_dataset
from chainleader.analysis.simulation import build_network, fast, parse_scenario, resolve
from chainleader.analysis.simulation.propagate import simulate
from chainleader.generators import generate_dataset


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--firms", type=int, default=300_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    ds = generate_dataset(args.firms, max(2000, args.firms // 50), seed=args.seed)
    comp = compile_dataset(ds, cache=False)
    del ds
    net = build_network(comp)
    del comp
    gc.collect()
    print(f"sites {net.n_sites}, site-slots {net.n_site_slots}, operator entries {net.op.nnz}")
    plan = resolve(net, parse_scenario(bench_simulate.scenario_text(net, 180, 1)))
    simulate(net, plan, engine="numba")  # compile or load the kernels
    spent: collections.Counter[str] = collections.Counter()
    names = [k for k in dir(fast) if k.startswith("_") and hasattr(getattr(fast, k), "py_func")]
    for name in [*names, "_ratio", "_ratio0"]:
        kernel = getattr(fast, name)

        def timed(*a: Any, _k: Any = kernel, _n: str = name, **kw: Any) -> Any:
            t0 = time.perf_counter()
            out = _k(*a, **kw)
            spent[_n] += time.perf_counter() - t0
            return out

        setattr(fast, name, timed)
    t0 = time.perf_counter()
    simulate(net, plan, engine="numba")
    total = time.perf_counter() - t0
    n = plan.n_steps
    print(f"total {total:.2f} s over {n} steps: {1000 * total / n:.1f} ms per step")
    for name, sec in spent.most_common():
        print(f"  {name:20s} {1000 * sec / n:7.2f} ms/step")
    print(f"  {'numpy glue':20s} {1000 * (total - sum(spent.values())) / n:7.2f} ms/step")


if __name__ == "__main__":
    main()
