"""Benchmark: shock simulation (issue #4) — a 180-day run at scale, a naive loop baseline, Monte Carlo.

Targets: 180 daily steps on a generated 10^6-enterprise / 10^7-link dataset within 10 s; 1,000 Monte Carlo
runs on nev-jjj on 2 cores within 2 minutes. The baseline is what one would write without arrays: a per-site
Python loop over slots, alternatives and links for the same core step (receipts, AND/OR production, stock,
proportional shipping, fill ratios; no extra/backup channel), timed per step on a smaller dataset, against the
full vectorised engine on the same dataset and scenario.

The engine is the numba one (default) or the numpy reference (``--engine numpy``); ``--compare-numpy`` also
runs the numpy reference on the large scenario (ratio and largest relative difference of the outputs). The first
call of the numba engine compiles its kernels (or loads them from numba's on-disk cache) and is timed apart, on a
tiny network, before anything else; point NUMBA_CACHE_DIR at an empty folder to time a cold compile.

Usage:
    .venv/bin/python benchmarks/bench_simulate.py --firms 1000000 --products 20000
    .venv/bin/python benchmarks/bench_simulate.py --firms 100000 --products 2000 --repeat 3 --skip-mc --compare-numpy

Setup (generation, compilation, network build) is timed and printed but not part of the simulation figure.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import time
from pathlib import Path

import numpy as np

from chainleader.analysis.compiled import compile_dataset
from chainleader.analysis.simulation import SimNetwork, build_network, parse_scenario, resolve
from chainleader.analysis.simulation.montecarlo import run_monte_carlo
from chainleader.analysis.simulation.propagate import simulate as simulate_engine
from chainleader.analysis.simulation.shocks import ShockPlan


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def scenario_text(net: SimNetwork, days: int, step: int) -> str:
    """A disaster in the province with most sites (60 % for 30 days, linear recovery over 60 days) and an
    export control on the five largest upstream products by the first country group (or the top foreign country)."""
    prov = int(net.province_codes[np.argmax(np.bincount(net.site_province[net.site_province >= 0]))])
    foreign = net.site_country[net.site_country != net.home_country]
    by = net.country_groups[0].id if net.country_groups else str(net.country_codes[np.bincount(foreign).argmax()])
    upstream = np.flatnonzero(net.requirement > 0)
    top = upstream[np.argsort(-net.requirement[upstream] * net.price[upstream], kind="stable")[:5]]
    prods = ", ".join(str(net.product_ids[p]) for p in top)
    return (f"horizon_days: {days}\nparams: {{step_days: {step}, input_stock_days: 5}}\nshocks:\n"
            f"  - {{type: disaster, regions: ['{prov:06d}'], capacity_loss: 0.6, end_day: 30,"
            f" recovery: {{curve: linear, days: 60}}}}\n"
            f"  - {{type: export_control, by: [{by}], products: [{prods}], share: 0.5, end_day: 90}}\n")


def timed(fn, repeat: int) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    times, out = [], None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def naive_steps(net: SimNetwork, plan: ShockPlan, steps: int) -> float:
    """The core step as a per-site Python loop; returns seconds per step."""
    k = plan.step_days / 365.0
    xb = (net.site_base * k).tolist()
    S = net.n_sites
    F = (np.nan_to_num(net.site_inv_days) * net.site_base / 365.0).tolist()
    kap = [1.0] * S
    hit = set(plan.capacity.site.tolist())
    prod = net.site_product.tolist()
    fp = net.site_fp.tolist()
    ss_ptr, se_ptr = net.ss_ptr.tolist(), net.se_ptr.tolist()
    se_input, se_mix, se_group = net.se_input.tolist(), net.se_mix.tolist(), net.se_group.tolist()
    cover = net.group_cover.tolist()
    # links of each group: (firm-product, weight), from the delivery operator's link columns
    op = net.op.tocsr()
    FP, P = net.n_fp, net.n_products
    group_links: dict[int, list[tuple[int, float]]] = {}
    se_ss = net.se_ss
    for e in np.flatnonzero(net.se_group >= 0)[: 10 * S].tolist():  # first pass: build from op rows
        row = int(se_ss[e])
        cols, vals = op.indices[op.indptr[row]:op.indptr[row + 1]], op.data[op.indptr[row]:op.indptr[row + 1]]
        group_links.setdefault(se_group[e], [(int(c) % max(FP, 1), float(v)) for c, v in zip(cols, vals, strict=True)
                                             if c < 2 * FP])
    phi = [1.0] * FP
    alpha = [1.0] * P
    t0 = time.perf_counter()
    for t in range(steps):
        loss = dict(zip(plan.capacity.site.tolist(), plan.capacity.loss_on(plan.days_of(t)).tolist(), strict=True))
        for s in hit:
            kap[s] = 1.0 - loss.get(s, 0.0)
        y_fp = [0.0] * FP
        c_fp = [0.0] * FP
        y_p = [0.0] * P
        for s in range(S):
            x = kap[s] * xb[s]
            for ss in range(ss_ptr[s], ss_ptr[s + 1]):
                frac = 0.0
                for e in range(se_ptr[ss], se_ptr[ss + 1]):
                    g = se_group[e]
                    if g >= 0:
                        f = sum(w * phi[j] for j, w in group_links.get(g, ())) + (1 - cover[g]) * alpha[se_input[e]]
                    else:
                        f = alpha[se_input[e]]
                    frac += se_mix[e] * f
                x = min(x, xb[s] * frac)
            a = F[s] + x
            y = min(a, xb[s])
            F[s] = a - y
            y_fp[fp[s]] += y
            c_fp[fp[s]] += xb[s]
            y_p[prod[s]] += y
        phi = [y / c if c > 0 else 1.0 for y, c in zip(y_fp, c_fp, strict=True)]
        claims = net.supply * k + net.external * k
        alpha = [min(1.0, (y + x) / c) if c > 0 else 1.0 for y, x, c in
                 zip(y_p, (net.external * k).tolist(), claims.tolist(), strict=True)]
    return (time.perf_counter() - t0) / steps


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--firms", type=int, default=1_000_000)
    ap.add_argument("--products", type=int, default=20_000)
    ap.add_argument("--links", type=int, default=None, help="default: 10 per firm")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--baseline-firms", type=int, default=2_000)
    ap.add_argument("--baseline-steps", type=int, default=5)
    ap.add_argument("--mc-runs", type=int, default=1000)
    ap.add_argument("--mc-workers", type=int, default=2)
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--skip-mc", action="store_true")
    ap.add_argument("--engine", choices=["numba", "numpy"], default="numba")
    ap.add_argument("--compare-numpy", action="store_true")
    args = ap.parse_args()
    import numba

    print(f"machine: {platform.machine()} {platform.processor() or ''} {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, numpy {np.__version__}, numba {numba.__version__} "
          f"({numba.config.NUMBA_NUM_THREADS} threads); engine {args.engine}")

    from chainleader.generators import generate_dataset

    if args.engine == "numba":
        tiny = build_network(generate_dataset(200, 8, seed=args.seed))
        tplan = resolve(tiny, parse_scenario(scenario_text(tiny, 90, 1)))
        t0 = time.perf_counter()
        simulate_engine(tiny, tplan, engine="numba")
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        simulate_engine(tiny, tplan, engine="numba")
        print(f"RESULT numba first call (compile, or load from cache) {first:.2f} s; second call "
              f"{time.perf_counter() - t0:.3f} s")

    if not args.skip_large:
        t0 = time.perf_counter()
        ds = generate_dataset(args.firms, args.products, seed=args.seed, links=args.links)
        counts = ds.counts()
        t1 = time.perf_counter()
        comp = compile_dataset(ds, cache=False)
        del ds
        gc.collect()
        t2 = time.perf_counter()
        net = build_network(comp)
        del comp
        gc.collect()
        t3 = time.perf_counter()
        print(f"dataset: {counts['enterprises']} enterprises, {counts['supply_links']} links, "
              f"{counts['capacities']} capacity rows, {counts['products']} products")
        print(f"setup: generate {t1 - t0:.1f} s, compile {t2 - t1:.1f} s, network {t3 - t2:.1f} s "
              f"(sites {net.n_sites}, site-slots {net.n_site_slots}, operator nnz {net.op.nnz}); "
              f"peak RSS {rss_mib():.0f} MiB")
        for step in (1, 7):
            plan = resolve(net, parse_scenario(scenario_text(net, args.days, step)))
            med, res = timed(lambda plan=plan: simulate_engine(net, plan, engine=args.engine), args.repeat)
            r = res  # type: ignore[assignment]
            print(f"RESULT simulate {args.days} days, step {step} d ({plan.n_steps} steps): median {med:.2f} s "
                  f"over {args.repeat} run(s); {1000 * med / plan.n_steps:.1f} ms/step; shocked sites "
                  f"{len(plan.shocked_sites)}; lost {r.lost_value() / 1e8:.1f} x 1e8 CNY; peak RSS {rss_mib():.0f} MiB")
            if args.compare_numpy and args.engine == "numba":
                ref_t, ref = timed(lambda plan=plan: simulate_engine(net, plan, engine="numpy"), 1)
                a, b = r.out, ref.out  # type: ignore[attr-defined]
                rel = float(np.max(np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), 1e-300)))
                print(f"RESULT   numpy reference engine, same plan: {ref_t:.2f} s -> numba {ref_t / med:.1f}x faster; "
                      f"largest relative difference of the output series {rel:.1e}")
        del net
        gc.collect()

    small = generate_dataset(args.baseline_firms, max(6, args.baseline_firms // 50), seed=args.seed)
    snet = build_network(small)
    splan = resolve(snet, parse_scenario(scenario_text(snet, 90, 1)))
    ours, _ = timed(lambda: simulate_engine(snet, splan, engine=args.engine), 3)
    base = naive_steps(snet, splan, args.baseline_steps)
    per = ours / splan.n_steps
    print(f"RESULT baseline at {args.baseline_firms} firms ({snet.n_sites} sites, {snet.op.nnz} operator entries): "
          f"naive per-site loop {1000 * base:.1f} ms/step (core only) vs engine {1000 * per:.2f} ms/step "
          f"(full model): {base / per:.0f}x")

    if not args.skip_mc:
        from chainleader.services.datasets import load_dataset
        from chainleader.services.simulate import default_scenario, load_scenario

        info = default_scenario("nev-jjj")
        s = load_scenario(info.id, "nev-jjj")
        mnet = build_network(load_dataset("nev-jjj"))
        mplan = resolve(mnet, s)
        t0 = time.perf_counter()
        mc = run_monte_carlo(mnet, mplan, runs=args.mc_runs, seed=0, workers=args.mc_workers)
        wall = time.perf_counter() - t0
        q = mc.percentiles().set_index(["chain", "metric"]).loc[("all", "lost_value")]
        print(f"RESULT Monte Carlo nev-jjj '{info.id}' ({s.horizon_days} days): {args.mc_runs} runs on "
              f"{mc.workers} workers in {wall:.1f} s; lost value P5/P50/P95 = {q['p5'] / 1e8:.2f}/"
              f"{q['p50'] / 1e8:.2f}/{q['p95'] / 1e8:.2f} x 1e8 CNY")
    print(f"peak RSS {rss_mib():.0f} MiB; cwd {Path.cwd()}")


if __name__ == "__main__":
    main()
