"""Time-to-recover / time-to-survive / performance impact / risk exposure index (METHODS.md §3).

恢复时间 TTR(n) is an input: how long disruption n lasts. 生存时间 TTS(n) is the longest time the
chain still meets demand after n; if TTS < TTR the disruption needs mitigation, and the
绩效影响 PI(n) sizes the loss over the TTR window. 风险暴露指数 REI(n) = PI(n) / max_m PI(m) over the
scenario set given to :func:`stress_test`. References: Simchi-Levi et al. (2015), *Interfaces*
45(5) (PI LP, REI); Simchi-Levi, Wang & Wei (2018), *POM* 27(8) (TTS LP); Simchi-Levi (2015), *HBR*.

Formulation (pooled AND/OR form on a :class:`~chainleader.analysis.flow_network.FlowNetwork`;
quantities are cumulative over [0, t], in units; t in periods of ``period_days`` days)::

    variables  u_s ≥ 0  output of site s;  U_j = Σ_{s makes j} u_s
               y_jki ≥ 0 units of j whose BOM slot k is covered by input i (one per BOM edge)
               l_j ≥ 0  lost sales of j
    PI(n, t) = min Σ_j f_j l_j
      BOM      U_j ≤ Σ_{i ∈ k} y_jki                      for every slot k of j   (AND over slots, OR within)
      balance  Σ_{(j,k)} r_jki y_jki + sales_i ≤ U_i + s_i for every product i    (internal use + sales)
      demand   sales_j + l_j ≥ d_j t
      capacity u_s ≤ φ_s c_s t                              (φ_s = remaining share in disruption n)

``sales`` is eliminated exactly: sales_j = d_j t − l_j with 0 ≤ l_j ≤ d_j t, so the balance row
reads ``Σ r y − U_j − l_j ≤ s_j − d_j t``. Products without slots (raw) need no inputs. Compared
with the METHODS §3 text (u_j + l_j ≥ d_j t − s_j and Σ y ≤ u_i + s_i as separate rows), this pooled
row does not let one unit of a product both meet its own external demand and feed a customer;
for products with only external or only internal demand the two agree.

TTS(n) = max t  s.t. BOM, balance with l ≡ 0 (Σ r y − U_j + d̂_j t ≤ s_j), u_s ≤ φ_s c_s t,
0 ≤ t ≤ t_max. Feasibility is monotone in t (scale a plan by t'/t ≤ 1; inventory does not
shrink), so PI(t) = 0 ⇔ t ≤ TTS whenever d̂ = d and all demanded products have a positive margin.
The cap is required (a fully covered disruption is feasible for every t): ``capped=True`` means
TTS ≥ t_max, displayed "≥ t_max". The model aggregates over [0, t] and ignores lead times, so it
is an optimistic bound.

Baseline (METHODS §3; result metadata ``baseline_*``): the intact network may not meet demand.
The steady-state LP (t = 1, no inventory, no disruption, no backups) gives the sustainable demand
rate d̃ — d when the network keeps up, otherwise d minus the lexicographically smallest lost-sales
rate (min Σ f l, then min Σ l; if several loss patterns tie on both, d̃ is HiGHS' deterministic
choice among them, always made on the backup-free network so declaring backups cannot move it).
With ``baseline_adjusted=True`` (default):

* PI(n) is reported as max(0, PI_n(t) − PI_∅(t)), both on the full demand at the same t (the
  disruption's incremental loss); ``pi_disrupted`` and ``pi_baseline`` keep the two terms;
* TTS is computed against d̂ = d̃ (the demand the intact chain can serve indefinitely), so the
  intact network always has TTS ≥ t_max.

When the baseline is short *and* consumes inventory to cover its own shortfall, the two
definitions can disagree (TTS vs d̃ does not reserve that inventory); both are exact for their
definition. ``count_zero_margin=False`` drops zero-margin products from the TTS demand (their
losses cost nothing in PI, so this restores PI = 0 ⇔ t ≤ TTS for them).

Extensions (optional :class:`BackupSites`): backup site b of product j adds output u_b ≤ c_b
(t − τ_b)⁺ with its own copy of j's BOM using r × input_factor (1/η); it is idle in the baseline.
Reduced-standard backups (``reduced``) make a variant that is sold only to j's external demand:
the balance row counts it, ``l_j + Σ var ≤ d_j t`` keeps standard sales ≥ 0, ``Σ var ≤ θ_j d_j t``
caps acceptance and the objective adds (f_j − f_j′) per variant unit. Partial outages use
φ_s ∈ (0, 1). Qualification delay τ (METHODS' "two LPs"), made causal:

* TTS: one LP per phase [0, τ₁], [τ₁, τ₂], … solved in order; the LP for the phase starting at
  T_m is time-expanded (no stock-out at T_1 … T_m, one plan across the blocks, the last block of
  length t − T_m with u_b − c_b t ≤ −c_b T_m for qualified backups); the first optimum short of
  its phase end is TTS. (Taking the larger t of two LPs would let a backup that arrives *after* a
  stock-out hide the stock-out; see tests/oracles/ttr_tts_cases.py, delay 3.)
* PI: a time-expanded LP with one block per phase, cumulative balance rows at every phase end and
  lost sales per phase, so late backup output cannot make good demand already lost.

Compiled form (:class:`~chainleader.analysis.ttr_tts_lp.Structure`): sites of one product are pooled
(only U_j enters the rows, with U_j ≤ C_j t, C_j = Σ φ_s c_s), and a slot with a single input needs
no y (y = U_j at no cost) — both exact; per-site output is reported pro rata to working capacity.

Outputs: PI (CNY), lost units, the post-disruption plan (u, y), and the duals — ``capacity_dual``
(CNY per extra unit/period of working capacity at a site over the window) and ``inventory_dual``
(CNY, or TTS periods, per extra unit of opening inventory): the value of mitigation. Every LP
solution is re-checked against its constraints (relative residual ≤ ``rtol``; METHODS §8.3).

Scale: :func:`stress_test` builds the matrices once and solves scenarios by certified region
decomposition in block-diagonal batches (:mod:`chainleader.analysis.ttr_tts_region`); results are
exact optima of the full LPs, not approximations. ``decompose=False`` solves every scenario on the
whole network (same matrices) and is the reference the tests compare against.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.flow_network import FlowNetwork
from chainleader.analysis.ttr_tts_full import Baseline, baseline_rate, lift_baseline, solve_pi, solve_tts
from chainleader.analysis.ttr_tts_lp import (
    BackupSites,
    LPOptions,
    LPResidualError,
    LPSolveError,
    Structure,
    compile_structure,
)
from chainleader.analysis.ttr_tts_region import RegionScenario, RegionSolver, ScenarioOutcome, run_regions
from chainleader.model.errors import ConfigError

__all__ = [
    "BackupSites",
    "Disruption",
    "LPResidualError",
    "LPSolveError",
    "PIResult",
    "StressTestResult",
    "TTSResult",
    "performance_impact",
    "stress_test",
    "time_to_survive",
]

FORMULATION = "pooled AND/OR PI/TTS LP, METHODS.md §3 (chainleader ttr_tts v1)"
_T_REL = 1e-9


@dataclass(frozen=True)
class Disruption:
    """One scenario n: the remaining capacity share of every site and its time to recover."""

    name: str
    site_factor: np.ndarray  # (S,) remaining capacity share in [0, 1]
    ttr: float  # periods to recover (the horizon t of the PI LP)

    @classmethod
    def sites_down(cls, net: FlowNetwork, name: str, sites: Sequence[int] | np.ndarray, ttr: float,
                   remaining: float = 0.0) -> Disruption:
        """Convenience: the given sites keep ``remaining`` of their capacity, all others 1."""
        phi = np.ones(net.n_sites)
        phi[np.asarray(sites, dtype=np.int64)] = remaining
        return cls(name=name, site_factor=phi, ttr=float(ttr))


def _check_factor(net: FlowNetwork, site_factor: np.ndarray, name: str) -> np.ndarray:
    phi = np.asarray(site_factor, dtype=np.float64)
    if phi.shape != (net.n_sites,):
        raise ConfigError(
            f"{name}: site_factor 形状为 {phi.shape}，应为 ({net.n_sites},)，即每个站点一个剩余产能比例 / "
            f"{name}: site_factor has shape {phi.shape}, expected ({net.n_sites},): one remaining share per site"
        )
    if not np.all(np.isfinite(phi)) or np.any(phi < 0) or np.any(phi > 1):
        raise ConfigError(
            f"{name}: site_factor 必须在 [0, 1] 内（1 = 未受影响，0 = 完全停产） / "
            f"{name}: site_factor must lie in [0, 1] (1 = unaffected, 0 = fully down)"
        )
    return phi


def _check_time(value: float, what: str, *, positive: bool = False) -> float:
    v = float(value)
    if not np.isfinite(v) or v < 0 or (positive and v <= 0):
        cond = "> 0" if positive else "≥ 0"
        raise ConfigError(f"{what} 必须是有限数且 {cond}（当前 {value}），单位为周期 / "
                          f"{what} must be finite and {cond} (got {value}), in periods")
    return v


def _binding(pi_bal: np.ndarray) -> np.ndarray:
    """Products whose balance-row dual is positive (relative to the largest): their stock binds."""
    thr = 1e-6 * float(np.max(pi_bal, initial=0.0))
    return np.flatnonzero((pi_bal > thr) & (pi_bal > 0))


@dataclass(frozen=True)
class PIResult:
    """Performance impact of one disruption over [0, t].

    ``pi`` is the reported impact (CNY): max(0, PI_n − PI_∅) when ``baseline_adjusted`` else PI_n.
    ``lost`` (P,) lost units of each product (for zero-margin products any split with the same PI
    is optimal, so their lost units are not determined). ``production`` (S,), ``backup_production``
    (B,) and ``flows`` (E,) — units of j whose slot is covered by each BOM edge's input (input
    consumed = r × flow) — are the post-disruption plan, summed over qualification phases.
    ``capacity_dual`` (S,): CNY saved per extra unit/period of working capacity at each site over
    the window; ``inventory_dual`` (P,): CNY saved per extra unit of opening inventory.
    """

    pi: float
    pi_disrupted: float
    pi_baseline: float
    t: float
    lost: np.ndarray
    production: np.ndarray
    backup_production: np.ndarray
    flows: np.ndarray
    capacity_dual: np.ndarray
    inventory_dual: np.ndarray
    status: str
    residual: float
    baseline_adjusted: bool
    metadata: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TTSResult:
    """Time to survive: the longest t with no lost sales; ``capped`` means TTS ≥ ``t_max``.

    ``binding`` lists the product ids whose stock runs out first (positive dual of their balance
    row); ``inventory_dual`` (P,) is ∂TTS/∂s_j in periods per unit of extra opening inventory;
    ``production``/``flows`` are the cumulative plan over [0, TTS]; ``demand_used`` is d̂.
    """

    tts: float
    capped: bool
    t_max: float
    binding: tuple[str, ...]
    inventory_dual: np.ndarray
    production: np.ndarray
    flows: np.ndarray
    demand_used: np.ndarray
    status: str
    residual: float
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def display(self) -> str:
        return f"≥ {self.t_max:g}" if self.capped else f"{self.tts:.4g}"


@dataclass(frozen=True)
class StressTestResult:
    """One row per disruption in ``table``; every tunable in ``params``; provenance in ``metadata``."""

    table: pd.DataFrame
    params: dict[str, Any]
    metadata: dict[str, Any]


def _options(method: str, time_limit: float | None, rtol: float) -> LPOptions:
    return LPOptions(method=method, time_limit=time_limit, rtol=rtol)


def _baseline_meta(base: Baseline, st: Structure, net: FlowNetwork) -> dict[str, Any]:
    short = np.flatnonzero(base.lost_rate > 0)
    return {
        "baseline_feasible": base.feasible,
        "baseline_lost_value_rate": base.lost_value_rate,
        "baseline_short_products": [net.product_ids[i] for i in short],
    }


def _baseline(net: FlowNetwork, st: Structure, backups: BackupSites | None, opts: LPOptions) -> Baseline:
    """Steady-state baseline, always solved on the backup-free network (see lift_baseline)."""
    if backups is None or backups.n_backups == 0:
        return baseline_rate(st, options=opts)
    return lift_baseline(baseline_rate(compile_structure(net), options=opts), st)


def _tts_demand(base: Baseline, st: Structure, baseline_adjusted: bool, count_zero_margin: bool) -> np.ndarray:
    d = base.demand_hat.copy() if baseline_adjusted else st.demand.copy()
    if not count_zero_margin:
        d[st.margin <= 0] = 0.0
    return d


def performance_impact(net: FlowNetwork, site_factor: np.ndarray, t: float, *, baseline_adjusted: bool = True,
                       backups: BackupSites | None = None, method: str = "highs",
                       time_limit: float | None = None, rtol: float = 1e-6) -> PIResult:
    """PI of a disruption over a window of ``t`` periods (the PI LP of Simchi-Levi et al. 2015).

    Example (single tier, see tests/oracles/ttr_tts_cases.py): one product, sites of 60 and 40
    units/period, demand 80/period, inventory 100, margin f; losing the 60-unit site for t = 4
    loses 320 − 100 − 160 = 60 units, so PI = 60 f.
    """
    phi = _check_factor(net, site_factor, "performance_impact")
    t = _check_time(t, "t")
    opts = _options(method, time_limit, rtol)
    st = compile_structure(net, backups)
    full = solve_pi(st, st.product_capacity(phi), t, options=opts, context="PI")
    base = solve_pi(st, st.base_capacity, t, options=opts, context="PI(∅)", backups_active=False)
    pi_n, pi_0 = full.value, base.value
    pi = max(0.0, pi_n - pi_0) if baseline_adjusted else pi_n
    m = len(full.times) - 1
    dur = np.diff(full.times)
    x = full.x
    rc = full.reduced_cost
    cap_dual = (np.maximum(-rc[:, : st.n_products], 0.0) * dur[:, None]).sum(axis=0)[st.site_product]
    nbom, p = st.n_bom * m, st.n_products
    pi_bal = full.pi[nbom: nbom + p * m].reshape(m, p).sum(axis=0)  # s_j is in every cumulative row
    return PIResult(
        pi=pi, pi_disrupted=pi_n, pi_baseline=pi_0, t=t,
        lost=x[:, st.n_core:].sum(axis=0), production=st.site_split(x[:, st.sl_u].sum(axis=0), phi),
        backup_production=x[:, st.sl_ub].sum(axis=0), flows=x[:, st.edge_col].sum(axis=0),
        capacity_dual=cap_dual, inventory_dual=pi_bal, status="optimal", residual=full.residual,
        baseline_adjusted=baseline_adjusted,
        metadata={"formulation": FORMULATION, "phases": full.times.tolist(), "period_days": net.period_days,
                  "baseline_lost_units": float(base.x[:, st.n_core:].sum()), "options": opts.as_dict()},
    )


def time_to_survive(net: FlowNetwork, site_factor: np.ndarray, *, t_max: float = 52.0,
                    baseline_adjusted: bool = True, count_zero_margin: bool = True,
                    backups: BackupSites | None = None, method: str = "highs",
                    time_limit: float | None = None, rtol: float = 1e-6) -> TTSResult:
    """TTS of a disruption: max t with no lost sales, capped at ``t_max`` (Simchi-Levi, Wang & Wei 2018).

    Example: the single-tier case above loses 40 units/period net of the remaining site, so 100
    units of inventory last TTS = 100 / 40 = 2.5 periods.
    """
    phi = _check_factor(net, site_factor, "time_to_survive")
    t_max = _check_time(t_max, "t_max", positive=True)
    opts = _options(method, time_limit, rtol)
    st = compile_structure(net, backups)
    base = _baseline(net, st, backups, opts)
    dhat = _tts_demand(base, st, baseline_adjusted, count_zero_margin)
    res = solve_tts(st, st.product_capacity(phi), dhat, t_max, options=opts, context="TTS")
    pi_bal = res.pi_bal
    binding = _binding(pi_bal) if not res.capped else np.zeros(0, np.int64)
    return TTSResult(
        tts=res.tts, capped=res.capped, t_max=t_max, binding=tuple(net.product_ids[i] for i in binding),
        inventory_dual=pi_bal, production=st.site_split(res.x[st.sl_u], phi), flows=res.x[st.edge_col],
        demand_used=dhat,
        status="optimal", residual=res.residual,
        metadata={"formulation": FORMULATION, "phases": res.times.tolist(), "phase": res.phase,
                  "baseline_adjusted": baseline_adjusted, "count_zero_margin": count_zero_margin,
                  "tts_demand": "baseline-feasible d̃" if baseline_adjusted else "d",
                  "period_days": net.period_days, "options": opts.as_dict(), **_baseline_meta(base, st, net)},
    )


def stress_test(net: FlowNetwork, disruptions: Sequence[Disruption], *, t_max: float = 52.0,
                method: str = "highs", baseline_adjusted: bool = True, count_zero_margin: bool = True,
                backups: BackupSites | None = None, decompose: bool = True, time_limit: float | None = None,
                rtol: float = 1e-6, batch_nnz: int = 5_000, batch_max: int = 256,
                n_jobs: int = 1) -> StressTestResult:
    """PI, REI, TTS and exposure (TTS < TTR) for every disruption; matrices built once.

    REI = PI / max PI over exactly ``disruptions`` (0 when every PI is 0); the set is recorded in
    ``metadata["rei_scenario_set"]``. Every TTR must be ≤ ``t_max`` so exposure is decidable.

    Table columns: ``tts``/``tts_capped``/``tts_display`` ("≥ t_max" when capped), ``exposed``,
    ``pi`` (reported PI), ``rei``, ``pi_disrupted``/``pi_baseline`` (the two terms when adjusted),
    ``lost_products`` (positive-margin products losing more than at baseline over the TTR
    window), ``binding_products`` (products whose stock runs out first at TTS: positive dual of
    their balance row), ``sites_hit``, ``region_products``/``lp_rounds`` (size of the certified
    region and LPs solved), ``pi_solved_by``. PI is not solved when TTS ≥ TTR and the baseline
    keeps up with no reduced-standard backups declared: it is then 0 exactly.

    ``method``/``time_limit``/``rtol``: HiGHS algorithm, seconds per LP and residual tolerance
    (METHODS §8.5, §8.3). ``decompose=False`` solves each scenario on the whole network.
    ``batch_nnz``/``batch_max`` bound the block-diagonal batches (small batches amortise the call
    overhead; large ones make simplex slower than the sum of its blocks). ``n_jobs`` > 1 spreads
    the scenarios over that many spawned processes (TTS and PI do not depend on it).
    """
    t_max = _check_time(t_max, "t_max", positive=True)
    opts = _options(method, time_limit, rtol)
    if batch_nnz < 1 or batch_max < 1 or n_jobs < 1:
        raise ConfigError("batch_nnz、batch_max 与 n_jobs 必须 ≥ 1 / batch_nnz, batch_max and n_jobs must be ≥ 1")
    st = compile_structure(net, backups)
    scen: list[RegionScenario] = []
    for d in disruptions:
        phi = _check_factor(net, d.site_factor, d.name)
        ttr = _check_time(d.ttr, f"{d.name}: ttr")
        if ttr > t_max:
            raise ConfigError(
                f"{d.name}: TTR={ttr:g} 超过 t_max={t_max:g}，无法判断 TTS < TTR；请把 t_max 调到不小于最大 TTR / "
                f"{d.name}: TTR={ttr:g} exceeds t_max={t_max:g}, so TTS < TTR cannot be decided; "
                f"raise t_max to at least the largest TTR"
            )
        cap = st.product_capacity(phi)
        hit = np.flatnonzero(cap < st.base_capacity)
        scen.append(RegionScenario(name=d.name, products=hit, capacity=cap[hit], ttr=ttr,
                                   sites_hit=int(np.count_nonzero(phi < 1.0))))
    base = _baseline(net, st, backups, opts)
    dhat = _tts_demand(base, st, baseline_adjusted, count_zero_margin)
    use_region = decompose and (base.feasible or baseline_adjusted)
    if use_region:
        outcomes, stats = run_regions(st, base, dhat, scen, t_max=t_max, options=opts, n_jobs=n_jobs,
                                      batch_nnz=batch_nnz, batch_max=batch_max)
    else:
        solver = RegionSolver(st, base, dhat, t_max=t_max, options=opts)
        outcomes = _run_full(st, solver, scen, dhat, t_max, opts)
        stats = solver.stats
    ids = np.asarray(net.product_ids, dtype=object)
    pos_margin = st.margin > 0
    rows = []
    for d, sc, o in zip(disruptions, scen, outcomes, strict=True):
        pi_n = o.pi_baseline + o.pi_delta
        pi = max(0.0, o.pi_delta) if baseline_adjusted else pi_n
        lost = o.lost_extra[pos_margin[o.lost_extra]] if o.lost_extra.size else o.lost_extra
        rows.append({
            "disruption": d.name, "ttr": sc.ttr, "tts": o.tts, "tts_capped": o.capped,
            "tts_display": f"≥ {t_max:g}" if o.capped else f"{o.tts:.4g}",
            "exposed": bool((not o.capped) and o.tts < sc.ttr * (1 - _T_REL)),
            "pi": pi, "pi_disrupted": pi_n, "pi_baseline": o.pi_baseline,
            "lost_products": tuple(ids[lost].tolist()), "binding_products": tuple(ids[o.binding].tolist()),
            "sites_hit": sc.sites_hit, "region_products": o.region_products, "lp_rounds": o.rounds,
            "pi_solved_by": o.pi_solved,
        })
    table = pd.DataFrame(rows)
    if len(table):
        pmax = float(table["pi"].max())
        table["rei"] = table["pi"] / pmax if pmax > 0 else 0.0
        table = table[["disruption", "ttr", "tts", "tts_capped", "tts_display", "exposed", "pi", "rei",
                       "pi_disrupted", "pi_baseline", "lost_products", "binding_products", "sites_hit",
                       "region_products", "lp_rounds", "pi_solved_by"]]
        worst = str(table.loc[table["pi"].idxmax(), "disruption"]) if pmax > 0 else None
    else:
        pmax, worst = 0.0, None
    params = {"t_max": t_max, **opts.as_dict(), "baseline_adjusted": baseline_adjusted,
              "count_zero_margin": count_zero_margin, "decompose": decompose, "batch_nnz": batch_nnz,
              "batch_max": batch_max, "n_jobs": n_jobs, "n_backups": st.n_backups}
    metadata = {
        "formulation": FORMULATION, "period_days": net.period_days,
        "rei_scenario_set": [d.name for d in disruptions], "rei_max_pi": pmax, "rei_argmax": worst,
        "tts_demand": "baseline-feasible d̃" if baseline_adjusted else "d",
        "pi_definition": "max(0, PI_n − PI_∅)" if baseline_adjusted else "PI_n",
        "solved_by": "region decomposition" if use_region else "whole-network LP per scenario",
        "solver_stats": stats.as_dict(), **_baseline_meta(base, st, net),
    }
    return StressTestResult(table=table, params=params, metadata=metadata)


def _run_full(st: Structure, solver: RegionSolver, scen: Sequence[RegionScenario], dhat: np.ndarray,
              t_max: float, opts: LPOptions) -> list[ScenarioOutcome]:
    """Reference path: every scenario on the whole network (matrices compiled once)."""
    out: list[ScenarioOutcome] = []
    base_cache: dict[float, Any] = {}
    for sc in scen:
        cap = sc.capacity_vector(st)
        o = ScenarioOutcome()
        res = solve_tts(st, cap, dhat, t_max, options=opts, context=sc.name)
        solver.stats.lp_calls += 1
        o.tts, o.capped = res.tts, res.capped
        if not res.capped:
            o.binding = _binding(res.pi_bal)
        t = sc.ttr
        if t <= 0:
            o.pi_solved = "zero horizon"
        elif solver.base.feasible and st.n_var == 0 and o.tts >= t * (1 - _T_REL):
            o.pi_solved = "tts >= ttr"
        else:
            if t not in base_cache:
                base_cache[t] = solve_pi(st, st.base_capacity, t, options=opts, context="PI(∅)",
                                         backups_active=False)
            b0 = base_cache[t]
            full = solve_pi(st, cap, t, options=opts, context=sc.name)
            solver.stats.lp_calls += 1
            o.pi_baseline = b0.value
            o.pi_delta = full.value - b0.value
            extra = full.x[:, st.n_core:].sum(axis=0) - b0.x[:, st.n_core:].sum(axis=0)
            o.lost_extra = np.flatnonzero(extra > 1e-9 * (1.0 + st.demand * t))
            o.pi_solved = "full"
        out.append(o)
    return out
