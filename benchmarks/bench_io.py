"""Benchmarks for chainleader.analysis.io_model (run: ``.venv/bin/python benchmarks/bench_io.py``).

1. Leontief model + multipliers on a seeded synthetic productive MRIO (default 50 regions × 100
   sectors = 5,000 industries, 200 final-demand columns, 3 stressors) against ``pymrio``'s
   ``calc_all`` in the same run; the numbers (A, L, output multipliers 1ᵀL, extension
   multipliers S L) are compared to 1e-9 outside the timed sections. The dense L is materialised
   from the same LU factors and timed separately.
2. ARIO, 365 daily steps on 10 regions × 50 sectors = 500 industries with a capital-loss shock
   recovered linearly over 60 days, against BoARIO 0.7.2 (``ARIOPsiModel`` +
   ``EventKapitalRecover``) used as an external black box, same table, same run. Only the run
   time is compared (METHODS §5: no band check between models).

Each figure is the median of ``--repeats`` runs (default 3). pymrio and BoARIO are optional: when
one is missing, the benchmark says so and reports chainleader's timing alone.
"""

from __future__ import annotations

import argparse
import contextlib
import inspect
import os
import platform
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import scipy

from chainleader.analysis.io_model import (
    ARIOParams,
    Extension,
    IOTable,
    capacity_loss_from_damage,
    extension_multipliers,
    leontief,
    productive_capital,
    simulate_ario,
    to_pymrio,
)


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next(line.split(":", 1)[1].strip() for line in fh if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} logical cores, "
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}"
    )


def synthetic_mrio(n_regions: int, n_sectors: int, n_categories: int, seed: int) -> IOTable:
    """Seeded productive MRIO: sparse-ish heavy-tailed flows, domestic bias, positive final demand."""
    rng = np.random.default_rng(seed)
    n = n_regions * n_sectors
    region = np.repeat(np.arange(n_regions), n_sectors)
    bias = np.where(region[:, None] == region[None, :], 1.0, 0.05)
    Z = (rng.random((n, n)) ** 4) * bias * 100.0
    # x_i >= max(row sum, column sum) / 0.6: final demand and value added are both >= 40 % of x
    x = np.maximum(Z.sum(axis=1), Z.sum(axis=0)) / rng.uniform(0.3, 0.6, n)
    shares = rng.random((n, n_regions * n_categories))
    Y = (x - Z.sum(axis=1))[:, None] * shares / shares.sum(axis=1, keepdims=True)
    x = Z.sum(axis=1) + Y.sum(axis=1)
    V = (x - Z.sum(axis=0)).reshape(1, -1)
    F = rng.random((3, n)) * x
    labels = tuple((f"R{r:02d}", f"S{s:03d}") for r in range(n_regions) for s in range(n_sectors))
    fd = tuple((f"R{r:02d}", f"FD{c}") for r in range(n_regions) for c in range(n_categories))
    ext = Extension("emissions", F, ("co2", "ch4", "n2o"), ("kg", "kg", "kg"))
    return IOTable(
        Z=Z,
        Y=Y,
        industries=labels,
        final_demand_labels=fd,
        V=V,
        value_added_labels=("value added",),
        extensions={"emissions": ext},
        unit="M CNY",
    )


def median_time(
    fn: Callable[..., Any], repeats: int, setup: Callable[[], Any] | None = None
) -> tuple[float, Any]:
    """Median wall time of ``fn()`` (or ``fn(setup())``, setup outside the timer) and the last result."""
    times: list[float] = []
    out: Any = None
    for _ in range(repeats):
        args = (setup(),) if setup is not None else ()
        t0 = time.perf_counter()
        out = fn(*args)
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def max_rel(a: np.ndarray, b: np.ndarray, floor: float = 1e-12) -> float:
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(b), floor)))


def bench_leontief(n_regions: int, n_sectors: int, repeats: int) -> None:
    base = synthetic_mrio(n_regions, n_sectors, 4, seed=20240601)
    n = base.n
    print(
        f"\n[1] Leontief inverse + multipliers, n = {n} industries ({n_regions} regions × {n_sectors} sectors)"
    )

    def ours() -> tuple[Any, Any]:
        table = IOTable(
            Z=base.Z,
            Y=base.Y,
            industries=base.industries,
            final_demand_labels=base.final_demand_labels,
            V=base.V,
            extensions=base.extensions,
        )
        lr = leontief(table)
        m = lr.output_multipliers
        em = extension_multipliers(lr, "emissions")
        return lr, (m, em)

    t_ours, (lr, (m, em)) = median_time(ours, repeats)
    t0 = time.perf_counter()
    L = lr.L
    t_dense = time.perf_counter() - t0
    print(f"  chainleader leontief + 1'L + S L (LU factors, no dense L): median {t_ours:8.3f} s")
    print(f"  chainleader dense L from the same factors (extra, once):     {t_dense:8.3f} s")
    print(
        f"  productivity: {lr.productivity.method}, rho <= {lr.productivity.upper_bound:.4f}; residual {lr.residual:.2e}"
    )
    try:
        import pymrio
    except ImportError:
        print("  pymrio is not installed: no comparison (pip install pymrio)")
        return

    def calc_all(io_system: Any) -> Any:
        return io_system.calc_all()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t_py, io = median_time(calc_all, repeats, setup=lambda: to_pymrio(base))
    print(f"  pymrio {pymrio.__version__} calc_all:                              median {t_py:8.3f} s")
    print(
        f"  ratio pymrio / chainleader = {t_py / t_ours:.1f}x  (target >= 3x: {'met' if t_py / t_ours >= 3 else 'NOT met'});"
        f"  incl. dense L: {t_py / (t_ours + t_dense):.1f}x"
    )
    errs = {
        "A": max_rel(lr.A, io.A.to_numpy()),
        "L": max_rel(L, io.L.to_numpy()),
        "1'L": max_rel(m, io.L.to_numpy().sum(axis=0)),
        "S L": max_rel(em.multipliers, io.emissions.M.to_numpy()),
    }
    ok = all(v <= 1e-9 for v in errs.values())
    print(
        "  max relative difference vs pymrio: "
        + ", ".join(f"{k} {v:.1e}" for k, v in errs.items())
        + f"  ({'all <= 1e-9' if ok else 'EXCEEDS 1e-9'})"
    )


def bench_ario(n_regions: int, n_sectors: int, repeats: int, days: int) -> None:
    table = synthetic_mrio(n_regions, n_sectors, 4, seed=7)
    n = table.n
    print(f"\n[2] ARIO, {days} daily steps, n = {n} industries ({n_regions} regions × {n_sectors} sectors)")
    params = ARIOParams()
    K = productive_capital(table, params)
    shocked = table.index_of("R00", "S001")
    damage = np.zeros(n)
    damage[shocked] = 0.3 * K[shocked]

    def ours() -> Any:
        cap = capacity_loss_from_damage(
            table, damage, days, params, start=0, recovery_steps=60, shape="linear"
        )
        return simulate_ario(table, n_steps=days, params=params, capacity_loss=cap)

    t_ours, res = median_time(ours, repeats)
    print(
        f"  chainleader simulate_ario: median {t_ours:8.3f} s  (total loss {res.total_loss:.4g} {table.unit},"
        f" economy recovered after {res.economy_time_to_recover()} steps)"
    )
    try:
        import pandas as pd
        from boario import __version__ as boario_version
        from boario.event import EventKapitalRecover
        from boario.extended_models import ARIOPsiModel
        from boario.simulation import Simulation
    except ImportError as exc:
        print(f"  BoARIO could not be imported ({exc}); reporting chainleader's timing alone")
        return

    def boario_run() -> Any:
        mrio = to_pymrio(table)
        mrio.calc_all()
        model = ARIOPsiModel(mrio, monetary_factor=1)
        sim = Simulation(model, n_temporal_units_to_sim=days, boario_output_dir=scratch)
        lab = table.industries[shocked]
        impact = pd.Series(
            [damage[shocked]], index=pd.MultiIndex.from_tuples([lab], names=["region", "sector"])
        )
        sim.add_event(EventKapitalRecover(impact=impact, recovery_tau=60, occurrence=1))
        sim.loop()
        return sim

    with warnings.catch_warnings(), tempfile.TemporaryDirectory(prefix="bench_io_boario_") as scratch:
        warnings.simplefilter("ignore")
        t_bo, sim = median_time(boario_run, repeats)
    ratio = t_bo / t_ours
    # BoARIO 0.7.2 creates an (empty) default output folder when imported: remove it if still empty
    default_dir = inspect.signature(Simulation).parameters["boario_output_dir"].default
    with contextlib.suppress(OSError, TypeError):
        Path(default_dir).rmdir()
    print(f"  BoARIO {boario_version} ARIOPsiModel loop:  median {t_bo:8.3f} s")
    prod = sim.production_realised.to_numpy()
    bo_rel = float((prod[0][None, :] - prod).sum() / (prod[0].sum() * days))
    our_rel = res.total_loss / float(res.x_bar.sum() * days)
    print(
        f"  (informational only, not a validation: relative output loss chainleader {our_rel:.2e}, BoARIO {bo_rel:.2e})"
    )
    print(
        f"  ratio BoARIO / chainleader = {ratio:.1f}x  (target >= 5x: {'met' if ratio >= 5 else 'NOT met'})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--regions", type=int, default=50)
    ap.add_argument("--sectors", type=int, default=100)
    ap.add_argument("--ario-regions", type=int, default=10)
    ap.add_argument("--ario-sectors", type=int, default=50)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--only", choices=["leontief", "ario"], default=None)
    args = ap.parse_args()
    print("machine:", machine())
    if args.only in (None, "leontief"):
        bench_leontief(args.regions, args.sectors, args.repeats)
    if args.only in (None, "ario"):
        bench_ario(args.ario_regions, args.ario_sectors, args.repeats, args.days)


if __name__ == "__main__":
    main()
