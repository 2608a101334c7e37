"""Benchmark: TTR/TTS/PI stress test over every product of a synthetic 10⁴-product AND/OR chain.

One disruption per product (all of its sites down, TTR drawn per product) on a seeded layered
AND/OR FlowNetwork. Times :func:`chainleader.analysis.ttr_tts.stress_test` (matrices built once,
certified region decomposition, batched HiGHS calls) against the naive baseline — rebuild the
whole-network LPs from scratch for each scenario (``time_to_survive`` + ``performance_impact``)
— measured on a random subset and scaled up to all scenarios. Prints machine info, the median of
the repeated runs and the ratio.

    .venv/bin/python benchmarks/bench_ttr_tts.py                 # 10 000 products, 3 runs
    .venv/bin/python benchmarks/bench_ttr_tts.py --products 2000 --runs 1 --naive 5
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np
import scipy

from chainleader.analysis.flow_network import FlowNetwork
from chainleader.analysis.ttr_tts import Disruption, performance_impact, stress_test, time_to_survive


def synthetic_network(n_products: int = 10_000, *, layers: int = 8, seed: int = 0) -> FlowNetwork:
    """Seeded layered AND/OR chain whose intact baseline meets demand with 15–100 % headroom.

    Layer 0 is raw (no slots). Every other product has 1–5 slots (AND); each slot has 1–3
    alternative inputs (OR) from lower layers (70 % from the layer just below). Capacity is the
    throughput needed when each slot splits its need equally over its alternatives, times a
    headroom factor, split over 1–3 sites. Final-layer products and 10 % of intermediates have
    external demand; inventory covers 0–6 periods of throughput (30 % of products hold none).
    """
    rng = np.random.default_rng(seed)
    n_raw = max(1, n_products // 5)
    rest = n_products - n_raw
    sizes = np.full(layers - 1, rest // (layers - 1))
    sizes[: rest - sizes.sum()] += 1
    layer = np.concatenate([np.zeros(n_raw, np.int64), np.repeat(np.arange(1, layers), sizes)])
    start = np.concatenate([[0], np.cumsum(np.bincount(layer, minlength=layers))])
    made = np.flatnonzero(layer > 0)
    n_slots = np.minimum(1 + rng.poisson(1.5, made.size), 5)
    slot_product = np.repeat(made, n_slots)
    k = slot_product.size
    n_alt = 1 + rng.binomial(2, 0.35, k)
    edge_slot = np.repeat(np.arange(k), n_alt)
    lay_j = layer[slot_product[edge_slot]]
    below = rng.random(edge_slot.size) < 0.7
    lo = np.where(below, start[lay_j - 1], 0)
    hi = start[lay_j]
    edge_input = lo + (rng.random(edge_slot.size) * (hi - lo)).astype(np.int64)
    pair = np.unique(np.column_stack([edge_slot, edge_input]), axis=0)  # drop duplicate inputs in a slot
    edge_slot, edge_input = pair[:, 0], pair[:, 1]
    slot_ptr = np.concatenate([[0], np.cumsum(np.bincount(edge_slot, minlength=k))])
    qty = np.round(np.exp(rng.normal(0.3, 0.5, edge_slot.size)), 2)

    demand = np.zeros(n_products)
    top = layer == layers - 1
    demand[top] = np.round(np.exp(rng.normal(4.5, 0.6, top.sum())), 1)
    mid = (layer > 0) & ~top & (rng.random(n_products) < 0.1)
    demand[mid] = np.round(np.exp(rng.normal(3.5, 0.6, mid.sum())), 1)
    # throughput needed, top layer down; each slot splits its need equally over its alternatives
    need = demand.copy()
    alts = np.diff(slot_ptr)[edge_slot]
    edge_product = slot_product[edge_slot]
    for lay in range(layers - 1, 0, -1):
        e = layer[edge_product] == lay
        need += np.bincount(edge_input[e], weights=qty[e] * need[edge_product[e]] / alts[e], minlength=n_products)
    cap_total = need * rng.uniform(1.15, 2.0, n_products) + 1.0
    n_sites = 1 + rng.binomial(2, 0.4, n_products)
    site_product = np.repeat(np.arange(n_products), n_sites)
    share = rng.uniform(0.3, 1.0, site_product.size)
    share /= np.bincount(site_product, weights=share)[site_product]
    capacity = np.round(cap_total[site_product] * share, 2)
    inventory = np.where(rng.random(n_products) < 0.3, 0.0, np.round(need * rng.uniform(0, 6, n_products), 1))
    margin = np.round(np.exp(rng.normal(3.5, 0.8, n_products)), 2)
    return FlowNetwork(
        product_ids=tuple(f"P{i:05d}" for i in range(n_products)), margin=margin, demand=demand,
        inventory=inventory, slot_product=slot_product, slot_ptr=slot_ptr, slot_input=edge_input,
        slot_qty=qty, site_ids=tuple(f"S{i:05d}" for i in range(site_product.size)),
        site_product=site_product, site_capacity=capacity, period_days=7.0,
    )


def product_disruptions(net: FlowNetwork, *, seed: int = 1) -> list[Disruption]:
    """One disruption per product: all of its sites down, TTR uniform on [1, 12] periods."""
    rng = np.random.default_rng(seed)
    ttr = np.round(rng.uniform(1, 12, net.n_products), 2)
    order = np.argsort(net.site_product, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(np.bincount(net.site_product, minlength=net.n_products))])
    out = []
    for j in range(net.n_products):
        phi = np.ones(net.n_sites)
        phi[order[ptr[j]:ptr[j + 1]]] = 0.0
        out.append(Disruption(name=net.product_ids[j], site_factor=phi, ttr=float(ttr[j])))
    return out


def machine_info() -> str:
    cpu = platform.processor() or "?"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            names = [ln.split(":", 1)[1].strip() for ln in fh if ln.startswith("model name")]
        cpu = names[0] if names else cpu
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (f"python {platform.python_version()} · numpy {np.__version__} · scipy {scipy.__version__} · "
            f"{platform.system()} {platform.machine()} · {cpu} · {os.cpu_count()} cores · load avg {load}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--products", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--naive", type=int, default=6, help="scenarios timed with the naive baseline")
    ap.add_argument("--method", default="highs")
    ap.add_argument("--jobs", default="1,2", help="comma-separated n_jobs values to time")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    print(machine_info())
    t0 = time.perf_counter()
    net = synthetic_network(args.products, seed=args.seed)
    dis = product_disruptions(net, seed=args.seed + 1)
    print(f"network: {net.n_products} products, {net.n_sites} sites, {len(net.slot_product)} slots, "
          f"{len(net.slot_input)} BOM edges; {len(dis)} disruptions (built in {time.perf_counter() - t0:.1f} s)")

    res = None
    medians = {}
    for jobs in (int(j) for j in args.jobs.split(",")):
        times = []
        for r in range(args.runs):
            t0 = time.perf_counter()
            res = stress_test(net, dis, t_max=52.0, method=args.method, n_jobs=jobs)
            times.append(time.perf_counter() - t0)
            print(f"  stress_test n_jobs={jobs} run {r + 1}: {times[-1]:.2f} s (load avg {os.getloadavg()[0]:.2f})")
        medians[jobs] = statistics.median(times)
        print(f"stress_test n_jobs={jobs} (all {len(dis)} products): median {medians[jobs]:.2f} s over "
              f"{args.runs} run(s)")
    assert res is not None
    tab = res.table
    med = min(medians.values())
    print(f"  exposed (TTS < TTR): {int(tab['exposed'].sum())}; TTS capped: {int(tab['tts_capped'].sum())}; "
          f"PI > 0: {int((tab['pi'] > 0).sum())}; max region {int(tab['region_products'].max())} products")
    print(f"  solver stats: {res.metadata['solver_stats']}")

    rng = np.random.default_rng(args.seed + 2)
    sub = rng.choice(len(dis), size=min(args.naive, len(dis)), replace=False)
    naive = []
    for i in sub:
        d = dis[int(i)]
        t0 = time.perf_counter()
        tts = time_to_survive(net, d.site_factor, t_max=52.0, method=args.method)
        pi = performance_impact(net, d.site_factor, d.ttr, method=args.method)
        naive.append(time.perf_counter() - t0)
        row = tab.iloc[int(i)]
        ok_tts = abs(tts.tts - row["tts"]) <= 1e-6 * (1 + row["tts"])
        ok_pi = abs(pi.pi - row["pi"]) <= 1e-6 * (1 + row["pi"])
        print(f"  naive {d.name}: {naive[-1]:.2f} s; TTS {tts.tts:.4f} vs {row['tts']:.4f} "
              f"({'ok' if ok_tts else 'MISMATCH'}), PI {pi.pi:.2f} vs {row['pi']:.2f} ({'ok' if ok_pi else 'MISMATCH'})")
    per = statistics.median(naive)
    scaled = per * len(dis)
    print(f"naive baseline: median {per:.2f} s per scenario × {len(dis)} = {scaled:.0f} s "
          f"({scaled / 3600:.2f} h) scaled up; ratio naive / stress_test = {scaled / med:.0f}×")


if __name__ == "__main__":
    main()
