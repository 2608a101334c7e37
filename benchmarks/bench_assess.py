"""Benchmark: the full risk assessment without LPs, at scale and against a networkx baseline.

基准测试：(1) 10^6 家企业、10^7 条供应关系、2×10^4 个产品的完整评估（不含线性规划）的耗时与内存；
(2) 10^5 家企业时与朴素 networkx 实现（``baseline_networkx.py``）对比的加速比，并交叉核对结果。两部分在同一次运行中测量。

Usage::

    .venv/bin/python benchmarks/bench_assess.py                 # both parts, default sizes
    .venv/bin/python benchmarks/bench_assess.py --firms 200000 --links 2000000 --products 4000 --skip-baseline

Timings include compiling the dataset (the cache is cleared before every repeat); dataset generation is
excluded. Memory: resident set size sampled every 20 ms while ``assess`` runs (peak, and the increase over
the RSS before the call, i.e. the assessment's own footprint on top of the in-memory dataset).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chainleader.analysis import RiskRegister, assess, clear_cache
from chainleader.model.dataset import Dataset

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


class PeakRSS:
    """Samples RSS in a background thread; ``peak`` after the block."""

    def __init__(self, every: float = 0.02) -> None:
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_bytes())
            time.sleep(self.every)

    def __enter__(self) -> PeakRSS:
        self.peak = rss_bytes()
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self.peak = max(self.peak, rss_bytes())


def machine() -> dict[str, Any]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PHYS_PAGES") * PAGE
    import pandas as pd
    import scipy

    return {"platform": platform.platform(), "cpu": cpu, "cores": os.cpu_count(), "ram_gib": round(mem / 2**30, 1),
            "python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "pandas": pd.__version__}


def dataset(firms: int, products: int, links: int, seed: int) -> Dataset:
    from chainleader.generators import generate_dataset

    return generate_dataset(firms, products, seed=seed, links=links)


def timed_assess(ds: Dataset, repeat: int) -> tuple[list[float], RiskRegister, int, int, dict[str, float]]:
    times: list[float] = []
    peak, base = 0, rss_bytes()
    reg: RiskRegister | None = None
    for _ in range(repeat):
        clear_cache()
        reg = None
        with PeakRSS() as mon:
            t0 = time.perf_counter()
            reg = assess(ds, with_lp=False)
            times.append(time.perf_counter() - t0)
        peak = max(peak, mon.peak)
    assert reg is not None
    return times, reg, peak, base, dict(reg.timings)


def cross_check(ds: Dataset, reg: RiskRegister, base: Any) -> dict[str, Any]:
    """Compare the baseline's numbers with the engine's on the same dataset."""
    from chainleader.analysis import chokepoints, compile_dataset, concentration, domestic_backup_violations
    from chainleader.analysis import import_dependence as dep_fn

    comp = compile_dataset(ds)
    conc = concentration(comp).by_product.set_index("product")
    dep = dep_fn(comp).table.set_index("product")
    mism: dict[str, int] = {}
    mism["hhi"] = int(sum(1 for p, h in base.hhi.items()
                          if not (np.isnan(h) and np.isnan(conc.loc[p, "hhi_enterprise"]))
                          and not np.isclose(h, conc.loc[p, "hhi_enterprise"], rtol=1e-9)))
    mism["n_suppliers"] = int(sum(1 for p, n in base.n_suppliers.items() if n != conc.loc[p, "n_suppliers"]))
    mism["dependence"] = int(sum(1 for p, d in base.dependence.items()
                                 if not (np.isnan(d) and np.isnan(dep.loc[p, "dependence"]))
                                 and not np.isclose(d, dep.loc[p, "dependence"], rtol=1e-9)))
    mism["chokepoints"] = len(base.chokepoints ^ set(chokepoints(comp).products))
    bv = domestic_backup_violations(comp)
    mine = set(bv.products.loc[bv.products["violation"], "product"])
    mism["product_backup_violations"] = len(base.product_violations ^ mine)
    mism["link_groups"] = abs(base.link_groups - bv.metadata["n_link_groups"])
    mism["link_violations"] = abs(base.link_violations - bv.metadata["n_link_violations"])
    sc = reg.results["single_points"].scenarios
    sc = sc[sc["kind"].isin(["product", "enterprise", "province", "country"])]
    ours = {(k, i): (int(n), float(v)) for k, i, n, v in
            zip(sc["kind"], sc["id"], sc["n_finals_lost"], sc["value_at_risk"], strict=True)}
    theirs = base.scenarios
    keys = set(ours) | set(theirs)
    mism["scenarios"] = int(sum(1 for k in keys
                                if ours.get(k, (0, 0.0))[0] != theirs.get(k, (0, 0.0))[0]
                                or not np.isclose(ours.get(k, (0, 0.0))[1], theirs.get(k, (0, 0.0))[1], rtol=1e-9)))
    return {"mismatches": mism, "n_scenarios_compared": len(keys)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--links", type=int, default=10_000_000)
    ap.add_argument("--products", type=int, default=20_000)
    ap.add_argument("--small-firms", type=int, default=100_000)
    ap.add_argument("--small-links", type=int, default=1_000_000)
    ap.add_argument("--small-products", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline-repeat", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-scale", action="store_true")
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    args = ap.parse_args(argv)
    out: dict[str, Any] = {"machine": machine()}
    print("machine:", json.dumps(out["machine"], ensure_ascii=False), flush=True)

    if not args.skip_scale:
        t0 = time.perf_counter()
        big = dataset(args.firms, args.products, args.links, args.seed)
        gen = time.perf_counter() - t0
        times, reg, peak, base_rss, parts = timed_assess(big, args.repeat)
        med = statistics.median(times)
        out["scale"] = {"sizes": big.counts(), "generate_s": round(gen, 1), "times_s": [round(t, 2) for t in times],
                        "median_s": round(med, 2), "peak_rss_gib": round(peak / 2**30, 2),
                        "rss_before_gib": round(base_rss / 2**30, 2),
                        "assess_increment_gib": round((peak - base_rss) / 2**30, 2),
                        "stages_last_run_s": {k: round(v, 2) for k, v in parts.items()},
                        "entries": len(reg), "severity": reg.severity_counts(),
                        "within_30s": med <= 30.0, "within_8gib": (peak - base_rss) <= 8 * 2**30}
        print("scale:", json.dumps(out["scale"], ensure_ascii=False), flush=True)
        del big, reg

    if not args.skip_baseline:
        from baseline_networkx import assess_baseline

        small = dataset(args.small_firms, args.small_products, args.small_links, args.seed)
        times, reg, peak, base_rss, parts = timed_assess(small, args.repeat)
        med = statistics.median(times)
        bt: list[float] = []
        base_res = None
        for _ in range(args.baseline_repeat):
            t0 = time.perf_counter()
            base_res = assess_baseline(small)
            bt.append(time.perf_counter() - t0)
        bmed = statistics.median(bt)
        check = cross_check(small, reg, base_res)
        out["versus_networkx"] = {"sizes": small.counts(), "engine_times_s": [round(t, 3) for t in times],
                                  "engine_median_s": round(med, 3), "baseline_times_s": [round(t, 2) for t in bt],
                                  "baseline_median_s": round(bmed, 2), "speedup": round(bmed / med, 1),
                                  "at_least_30x": bmed / med >= 30, **check}
        print("versus_networkx:", json.dumps(out["versus_networkx"], ensure_ascii=False), flush=True)
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    bad = out.get("versus_networkx", {}).get("mismatches", {})
    return 1 if any(bad.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
