"""Monte Carlo over uncertain parameters: seeded draws, parallel runs, P5/P50/P95 bands.

蒙特卡洛：情景中声明的不确定参数（恢复时间、库存天数、产能损失、爬坡天数、持续时间）按分布抽样；
``numpy.random.SeedSequence(seed).spawn(runs)`` 为每次运行生成独立随机流，所以结果与进程数无关；
多进程（``concurrent.futures.ProcessPoolExecutor``）或 Ray（可选引擎，同一接口）并行。

Run i always uses child i of the seed sequence and results are gathered in run order, so percentiles are
identical for any number of workers and either engine.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from chainleader.analysis.simulation.network import SimNetwork
from chainleader.analysis.simulation.propagate import simulate
from chainleader.analysis.simulation.scenario import Distribution, ExportControl, Scenario
from chainleader.analysis.simulation.shocks import ShockPlan
from chainleader.model.errors import ConfigError

Engine = Literal["process", "ray", "serial"]
Progress = Callable[[str, int, int | None], None]
PERCENTILES = (5.0, 50.0, 95.0)


def draw(d: Distribution, rng: np.random.Generator) -> float:
    """One draw of ``d`` (a normal with low/high is clipped to them)."""
    if d.kind == "uniform":
        return float(rng.uniform(_num(d.low), _num(d.high)))
    if d.kind == "triangular":
        return float(rng.triangular(_num(d.low), _num(d.mode), _num(d.high)))
    if d.kind == "normal":
        v = float(rng.normal(_num(d.mean), _num(d.sd)))
        return float(np.clip(v, d.low if d.low is not None else -np.inf, d.high if d.high is not None else np.inf))
    if d.kind == "lognormal":
        return float(rng.lognormal(np.log(_num(d.median)), _num(d.sigma)))
    if d.kind == "choice":
        w = np.asarray(d.weights or [1.0] * len(d.values), dtype=np.float64)
        return float(d.values[int(rng.choice(len(d.values), p=w / w.sum()))])
    raise ConfigError(f"未知分布 / unknown distribution {d.kind!r}")


def _num(x: float | None) -> float:
    if x is None:
        raise ConfigError("分布缺少参数 / distribution parameter missing")
    return float(x)


def sample_draws(scenario: Scenario, runs: int, seed: int) -> np.ndarray:
    """(runs, n_uncertain) draws; row i from ``SeedSequence(seed).spawn(runs)[i]``."""
    children = np.random.SeedSequence(seed).spawn(runs)
    out = np.zeros((runs, len(scenario.uncertain)))
    for i, child in enumerate(children):
        rng = np.random.default_rng(child)
        out[i] = [draw(u.dist, rng) for u in scenario.uncertain]
    return out


def apply_draw(plan: ShockPlan, values: Sequence[float]) -> ShockPlan:
    """The plan with one run's draws applied (factors multiply, values replace; windows kept in the horizon)."""
    s = plan.scenario
    cap = plan.capacity
    loss, rec, end = cap.loss.copy(), cap.recovery.copy(), cap.end.copy()
    windows = {"ship": plan.ship, "external": plan.external, "demand": plan.demand}
    w_end = {k: w.end.copy() for k, w in windows.items()}
    ship_share, ext_cut = plan.ship.value.copy(), plan.external.value.copy()
    inv, ramp = plan.inventory_factor, plan.ramp_factor
    horizon = float(s.horizon_days)
    for u, v in zip(s.uncertain, values, strict=True):
        ids = [plan.shock_ids.index(x) for x in u.shocks] if u.shocks else list(range(len(plan.shock_ids)))
        m = np.isin(cap.shock, ids)
        if u.param == "capacity_loss":  # a capacity loss share, or an export control's share cut
            loss[m] = np.clip(v if u.as_value else loss[m] * v, 0.0, 1.0)
            for k in ids:
                sh = s.shocks[k]
                if isinstance(sh, ExportControl) and sh.share > 0:
                    new = float(np.clip(v if u.as_value else sh.share * v, 0.0, 1.0))
                    ship_share[plan.ship.shock == k] = new
                    me = plan.external.shock == k
                    ext_cut[me] = np.clip(plan.external.value[me] * new / sh.share, 0.0, 1.0)
        elif u.param == "recovery_days":
            rec[m] = np.maximum(v if u.as_value else rec[m] * v, 0.0)
        elif u.param == "duration_days":
            end[m] = np.minimum(cap.start[m] + (v if u.as_value else (cap.end[m] - cap.start[m]) * v), horizon)
            for key, w in windows.items():
                mw = np.isin(w.shock, ids)
                w_end[key][mw] = np.minimum(w.start[mw] + (v if u.as_value else (w.end[mw] - w.start[mw]) * v), horizon)
        elif u.param == "inventory_days":
            inv = v if u.as_value else inv * v
        elif u.param == "ramp_up_days":
            ramp = v if u.as_value else ramp * v
    return replace(
        plan,
        capacity=replace(cap, loss=loss, recovery=rec, end=end),
        ship=replace(plan.ship, end=w_end["ship"], value=ship_share),
        external=replace(plan.external, end=w_end["external"], value=ext_cut),
        demand=replace(plan.demand, end=w_end["demand"]),
        inventory_factor=float(inv),
        ramp_factor=float(ramp),
    )


@dataclass(frozen=True)
class RunOutcome:
    run: int
    lost_value: np.ndarray  # (C+1,) all finals, then each chain
    time_to_recover: np.ndarray  # NaN = not recovered in the horizon
    peak_loss: np.ndarray
    ratio: np.ndarray  # (C+1, T)


def _outcome(run: int, net: SimNetwork, plan: ShockPlan, values: Sequence[float]) -> RunOutcome:
    r = simulate(net, apply_draw(plan, values), detail=False)
    chains: list[str | None] = [None, *net.chain_ids]
    ttr = [r.time_to_recover(c) for c in chains]
    return RunOutcome(
        run,
        np.array([r.lost_value(c) for c in chains]),
        np.array([np.nan if v is None else v for v in ttr]),
        np.array([r.peak_loss(c)[0] for c in chains]),
        np.vstack([r.output_ratio(c) for c in chains]),
    )


_WORKER: dict[str, Any] = {}


def _init_worker(net: SimNetwork, plan: ShockPlan) -> None:
    _WORKER["net"], _WORKER["plan"] = net, plan
    import numba

    numba.set_num_threads(1)  # the processes already share the cores: no threads inside each run


def _run_chunk(runs: Sequence[int], values: np.ndarray) -> list[RunOutcome]:
    net, plan = _WORKER["net"], _WORKER["plan"]
    return [_outcome(i, net, plan, v) for i, v in zip(runs, values, strict=True)]


@dataclass(frozen=True)
class MonteCarloResult:
    """Outcomes of every run, in run order, and their percentile bands."""

    scenario_id: str
    runs: int
    seed: int
    workers: int
    engine: str
    chains: tuple[str, ...]  # "all" then the chain ids
    days: np.ndarray
    draws: np.ndarray  # (runs, n_uncertain)
    params: tuple[str, ...]
    lost_value: np.ndarray  # (runs, C+1)
    time_to_recover: np.ndarray
    peak_loss: np.ndarray
    ratio: np.ndarray  # (runs, C+1, T)
    meta: dict[str, Any] = field(default_factory=dict)

    def _col(self, chain: str | None) -> int:
        return self.chains.index(chain or "all")

    def percentiles(self, q: Sequence[float] = PERCENTILES) -> pd.DataFrame:
        """P5/P50/P95 of lost value, time to recover (NaN runs = not recovered, excluded) and peak loss."""
        rows = []
        for c, chain in enumerate(self.chains):
            for metric, arr in (("lost_value", self.lost_value), ("time_to_recover_days", self.time_to_recover),
                                ("peak_loss", self.peak_loss)):
                col = arr[:, c]
                ok = col[~np.isnan(col)]
                vals = np.percentile(ok, q) if len(ok) else np.full(len(q), np.nan)
                row: dict[str, Any] = {"chain": chain, "metric": metric, "mean": float(ok.mean()) if len(ok) else np.nan}
                row.update({f"p{g:g}": float(v) for g, v in zip(q, vals, strict=True)})
                row["not_recovered_runs"] = int(np.isnan(col).sum()) if metric == "time_to_recover_days" else 0
                rows.append(row)
        return pd.DataFrame(rows)

    def bands(self, chain: str | None = None, q: Sequence[float] = PERCENTILES) -> pd.DataFrame:
        """Per day: percentiles of the chain's final output ratio across runs."""
        vals = np.percentile(self.ratio[:, self._col(chain), :], q, axis=0)
        df = pd.DataFrame({"day": self.days})
        for g, v in zip(q, vals, strict=True):
            df[f"p{g:g}"] = v
        return df


def run_monte_carlo(
    net: SimNetwork,
    plan: ShockPlan,
    *,
    runs: int,
    seed: int = 0,
    workers: int | None = None,
    engine: Engine = "process",
    progress: Progress | None = None,
) -> MonteCarloResult:
    """``runs`` seeded runs of ``plan``; ``workers`` processes (default: CPU count), or Ray with ``engine="ray"``."""
    if runs < 1:
        raise ConfigError(f"runs 须 >= 1 / runs must be >= 1, got {runs}")
    if engine not in ("process", "ray", "serial"):
        raise ConfigError(f"engine 须为 process、ray 或 serial / engine must be process, ray or serial, got {engine!r}")
    draws = sample_draws(plan.scenario, runs, seed)
    n_workers = max(1, min(workers or os.cpu_count() or 1, runs))
    chunk = max(1, -(-runs // (n_workers * 4)))
    pieces = [(list(range(a, min(a + chunk, runs))), draws[a:a + chunk]) for a in range(0, runs, chunk)]
    outcomes: list[RunOutcome] = []
    used_parallel = engine == "ray" or (engine == "process" and n_workers > 1 and _spawn_safe())
    if engine == "ray":
        outcomes = _run_ray(net, plan, pieces, n_workers, progress, runs)
    elif engine == "serial" or n_workers == 1 or not _spawn_safe():
        _init_worker(net, plan)
        for ids, vals in pieces:
            outcomes.extend(_run_chunk(ids, vals))
            if progress is not None:
                progress("monte_carlo", len(outcomes), runs)
    elif engine == "process":
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(n_workers, mp_context=ctx, initializer=_init_worker, initargs=(net, plan)) as ex:
            futures = [ex.submit(_run_chunk, ids, vals) for ids, vals in pieces]
            for fut in futures:
                outcomes.extend(fut.result())
                if progress is not None:
                    progress("monte_carlo", len(outcomes), runs)
    else:
        raise ConfigError(f"engine 须为 process、ray 或 serial / engine must be process, ray or serial, got {engine!r}")
    outcomes.sort(key=lambda o: o.run)
    s = plan.scenario
    return MonteCarloResult(
        scenario_id=s.id, runs=runs, seed=seed, workers=n_workers if used_parallel else 1,
        engine=engine if used_parallel else "serial",
        chains=("all", *net.chain_ids), days=np.arange(plan.n_steps, dtype=np.int64) * plan.step_days,
        draws=draws, params=tuple(u.param for u in s.uncertain),
        lost_value=np.vstack([o.lost_value for o in outcomes]),
        time_to_recover=np.vstack([o.time_to_recover for o in outcomes]),
        peak_loss=np.vstack([o.peak_loss for o in outcomes]),
        ratio=np.stack([o.ratio for o in outcomes]),
    )


def _spawn_safe() -> bool:
    """Spawned workers re-import ``__main__`` from its file; a script read from stdin has none (run serially)."""
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    return main_file is None or Path(main_file).exists()


def _run_ray(net: SimNetwork, plan: ShockPlan, pieces: list[tuple[list[int], np.ndarray]], n_workers: int,
             progress: Progress | None, runs: int) -> list[RunOutcome]:
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(
            "Ray 未安装：pip install ray，或改用 engine='process' / Ray is not installed: pip install ray, "
            "or use engine='process'"
        ) from exc
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=n_workers, include_dashboard=False, log_to_driver=False, configure_logging=False)
    try:
        net_ref, plan_ref = ray.put(net), ray.put(plan)
        task = ray.remote(_ray_chunk)
        refs = [task.remote(net_ref, plan_ref, ids, vals) for ids, vals in pieces]
        outcomes: list[RunOutcome] = []
        for ref in refs:
            got: list[RunOutcome] = ray.get(ref)  # type: ignore[arg-type]
            outcomes.extend(got)
            if progress is not None:
                progress("monte_carlo", len(outcomes), runs)
        return outcomes
    finally:
        if started:
            ray.shutdown()


def _ray_chunk(net: SimNetwork, plan: ShockPlan, runs: Sequence[int], values: np.ndarray) -> list[RunOutcome]:
    return [_outcome(i, net, plan, v) for i, v in zip(runs, values, strict=True)]
