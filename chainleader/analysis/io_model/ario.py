"""ARIO: Adaptive Regional Input–Output model (Hallegatte 2008, 2014), from METHODS.md §5.

Implemented from the published equations only (no BoARIO code). State per industry: baseline
output x̄ and input coefficients a_{p,i} (p = input *product*, i.e. sector, summed over supplier
regions); capacity loss Δ; overproduction α; stocks S_{p,i}; orders; fixed final demand FD;
reconstruction demand R; damage Ξ.

**Timing convention** (one step = ``temporal_units_by_step`` days; flows are per step):

1. capacity ``x^cap(t) = α(t)(1 − Δ(t)) x̄``; Δ(t) is the exogenous profile row t, or Ξ(t)/K;
2. demand ``D(t)`` = orders placed in step t−1 + FD + R(t); ``x^opt = min(D, x^cap)``;
3. production ``x(t) = x^opt · min_p min(1, S_{p,i}(t) / (ψ S*_{p,i}))``, ``S* = n_p a x^opt``, using
   the stocks at the **start** of step t (ψ is raised to 1/n_p when ψ n_p < 1 so stocks stay ≥ 0);
4. rationing of every buyer of i when ``x_i < D_i`` (proportional, or priority to intermediate or
   final demand);
5. stocks ``S(t+1) = S(t) + received(t) − a x(t)``: step-t deliveries are usable from step t+1;
6. orders for step t+1: ``a x(t) + max(S* − S(t+1), 0)/τ_inv``, split by baseline supplier shares
   (optionally weighted by spare capacity x^cap/x̄);
7. ``ζ = (D − x)/D``; α moves toward α_max by ζ/τ_α when ζ > 0, else back toward α_base by 1/τ_α;
8. recovery: exogenous Δ(t), or R = Ξ/τ_rebuild ordered from the rebuilding sectors of the damaged
   industry's region; delivered R reduces Ξ.

The state is stored as deviations from the baseline, so with no shock every step reproduces
``x = x̄`` bit for bit. Each step costs O(n²) dense numpy work; stocks are aggregated per product with
``np.add.reduceat`` on a product-sorted internal order.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from chainleader.analysis.io_model.ario_engine import ARIOEngine, check_sector_names
from chainleader.analysis.io_model.ario_params import ARIOParams
from chainleader.analysis.io_model.ario_result import ARIOResult
from chainleader.analysis.io_model.errors import ARIOParameterError, bilingual
from chainleader.analysis.io_model.table import FloatArray, IOTable


def productive_capital(table: IOTable, params: ARIOParams) -> FloatArray:
    """K per industry: ``productive_capital_vector`` or κ·VA (κ per sector or ``kappa``)."""
    if params.productive_capital_vector is not None:
        K = np.asarray(params.productive_capital_vector, dtype=np.float64).reshape(-1)
        if K.shape != (table.n,) or np.any(K < 0):
            raise ARIOParameterError(
                bilingual(
                    f"productive_capital_vector 应为 {table.n} 个非负数",
                    f"productive_capital_vector must hold {table.n} non-negative values",
                )
            )
        return K
    if table.v is None:
        raise ARIOParameterError(
            bilingual(
                "表中没有增加值 V，无法由 κ·VA 得到资本；请在 IOTable 中给出 V 或传 productive_capital_vector",
                "the table has no value added V, so capital cannot be κ·VA; give V in the IOTable or pass productive_capital_vector",
            )
        )
    kappa_by_sector = params.productive_capital_to_VA_dict or {}
    check_sector_names(table, kappa_by_sector, "productive_capital_to_VA_dict")
    kappa = np.array([kappa_by_sector.get(s, params.kappa) for _, s in table.industries])
    return np.asarray(kappa * np.maximum(table.v, 0.0), dtype=np.float64)


def capacity_loss_profile(
    n_steps: int, shares: npt.ArrayLike, *, start: int = 0, duration: int | None = None, shape: str = "linear"
) -> FloatArray:
    """Δ(t) for a shock hitting at step ``start``: ``shape="step"`` holds the shares for ``duration`` steps;
    ``"linear"`` falls linearly to 0 over ``duration`` steps (step ``start`` has the full share)."""
    d = np.asarray(shares, dtype=np.float64).reshape(-1)
    if np.any((d < 0) | (d > 1)):
        raise ARIOParameterError(
            bilingual("产能损失比例应在 [0, 1] 内", "capacity-loss shares must lie in [0, 1]")
        )
    if shape not in ("step", "linear"):
        raise ARIOParameterError(
            bilingual(
                f"shape 只能是 step 或 linear，收到 {shape!r}",
                f"shape must be 'step' or 'linear', got {shape!r}",
            )
        )
    dur = n_steps - start if duration is None else duration
    if dur < 1 or not 0 <= start < n_steps:
        raise ARIOParameterError(
            bilingual("需要 0 ≤ start < n_steps 且 duration ≥ 1", "need 0 ≤ start < n_steps and duration ≥ 1")
        )
    prof = np.zeros(n_steps)
    k = np.arange(dur)
    vals = np.ones(dur) if shape == "step" else 1.0 - k / dur
    end = min(n_steps, start + dur)
    prof[start:end] = vals[: end - start]
    return prof[:, None] * d[None, :]


def capacity_loss_from_damage(
    table: IOTable,
    damage: npt.ArrayLike,
    n_steps: int,
    params: ARIOParams | None = None,
    *,
    start: int = 0,
    recovery_steps: int | None = None,
    shape: str = "linear",
) -> FloatArray:
    """Δ = Ξ/K with an exogenous recovery profile (no reconstruction demand); damage > K is an error."""
    p = params or ARIOParams()
    shares = _damage_shares(table, damage, productive_capital(table, p))
    return capacity_loss_profile(n_steps, shares, start=start, duration=recovery_steps, shape=shape)


def _damage_shares(table: IOTable, damage: npt.ArrayLike, K: FloatArray) -> FloatArray:
    xi = np.asarray(damage, dtype=np.float64).reshape(-1)
    if xi.shape != (table.n,) or np.any(xi < 0) or not np.all(np.isfinite(xi)):
        raise ARIOParameterError(
            bilingual(
                f"damage 应为 {table.n} 个非负有限数",
                f"damage must hold {table.n} finite non-negative values",
            )
        )
    over = xi > K
    if np.any(over):
        bad = [table.industries[i] for i in np.flatnonzero(over)[:5]]
        raise ARIOParameterError(
            bilingual(
                f"这些产业的损失超过其生产性资本 K：{bad}；请核对损失金额、单位或 κ（K = κ·VA）",
                f"damage exceeds productive capital K for {bad}; check the damage amounts, their units or κ (K = κ·VA)",
            )
        )
    return np.divide(xi, K, out=np.zeros(table.n), where=K > 0)


def _rebuild_matrix(table: IOTable, rebuilding_sectors: Mapping[str, float], xbar: FloatArray) -> FloatArray:
    """W[k, i]: share of industry i's reconstruction bought from industry k (columns sum to 1)."""
    check_sector_names(table, rebuilding_sectors, "rebuilding_sectors")
    total = sum(rebuilding_sectors.values())
    if any(v < 0 for v in rebuilding_sectors.values()) or abs(total - 1.0) > 1e-9:
        raise ARIOParameterError(
            bilingual(
                f"rebuilding_sectors 的份额应非负且合计为 1（现为 {total}）",
                f"rebuilding_sectors shares must be non-negative and sum to 1 (got {total})",
            )
        )
    regions = np.array([r for r, _ in table.industries])
    sectors = np.array([s for _, s in table.industries])
    W = np.zeros((table.n, table.n))
    for r in dict.fromkeys(regions.tolist()):
        cols = regions == r
        for sector, share in rebuilding_sectors.items():
            cand = (sectors == sector) & (xbar > 0)
            local = cand & (regions == r)
            use = local if local.any() else cand
            if not use.any():
                raise ARIOParameterError(
                    bilingual(
                        f"重建部门 {sector!r} 在表中没有产出",
                        f"rebuilding sector {sector!r} has no output in the table",
                    )
                )
            w = xbar * use / (xbar * use).sum()
            W[:, cols] += share * w[:, None]
    return W


def simulate_ario(
    table: IOTable,
    *,
    n_steps: int = 365,
    params: ARIOParams | None = None,
    capacity_loss: npt.ArrayLike | None = None,
    damage: npt.ArrayLike | None = None,
    event_step: int = 0,
    rebuilding_sectors: Mapping[str, float] | None = None,
    record_stocks: bool = False,
) -> ARIOResult:
    """Run ARIO for ``n_steps`` steps; see the module docstring for the step and timing conventions.

    Give at most one shock: ``capacity_loss`` (``n_steps × n`` array of Δ_i(t) in [0, 1], e.g. from
    :func:`capacity_loss_profile` or :func:`capacity_loss_from_damage`) or ``damage`` (Ξ_i in table
    money at ``event_step``, rebuilt through ``rebuilding_sectors`` = {sector: share}).
    """
    p = params or ARIOParams()
    if capacity_loss is not None and damage is not None:
        raise ARIOParameterError(
            bilingual("capacity_loss 与 damage 只能给一个", "give either capacity_loss or damage, not both")
        )
    if n_steps < 1:
        raise ARIOParameterError(bilingual("n_steps 应 ≥ 1", "n_steps must be ≥ 1"))
    f = table.f
    if np.any(f < 0):
        bad = [table.industries[i] for i in np.flatnonzero(f < 0)[:5]]
        raise ARIOParameterError(
            bilingual(
                f"这些产业的最终需求合计为负：{bad}（竞争型进口表的进口列？）；ARIO 需要非负最终需求，请使用非竞争型或多区域表",
                f"net final demand is negative for {bad} (a competitive-import column?); ARIO needs non-negative final "
                "demand: use a non-competitive or multi-regional table",
            )
        )
    engine = ARIOEngine(table, p, n_steps)
    if capacity_loss is not None:
        delta = np.asarray(capacity_loss, dtype=np.float64)
        if (
            delta.shape != (n_steps, table.n)
            or np.any((delta < 0) | (delta > 1))
            or not np.all(np.isfinite(delta))
        ):
            raise ARIOParameterError(
                bilingual(
                    f"capacity_loss 应为 ({n_steps}, {table.n}) 且取值在 [0, 1]",
                    f"capacity_loss must have shape ({n_steps}, {table.n}) with values in [0, 1]",
                )
            )
        engine.set_capacity_loss(delta)
    elif damage is not None:
        if rebuilding_sectors is None:
            raise ARIOParameterError(
                bilingual(
                    "给了 damage 就需要 rebuilding_sectors（如 {'construction': 1.0}）；"
                    "不重建时改用 capacity_loss_from_damage",
                    "damage needs rebuilding_sectors (e.g. {'construction': 1.0}); for recovery "
                    "without rebuilding use capacity_loss_from_damage",
                )
            )
        if not 0 <= event_step < n_steps:
            raise ARIOParameterError(
                bilingual("event_step 应在 [0, n_steps) 内", "event_step must lie in [0, n_steps)")
            )
        K = productive_capital(table, p)
        _damage_shares(table, damage, K)
        W = _rebuild_matrix(table, rebuilding_sectors, table.x)
        engine.set_damage(np.asarray(damage, dtype=np.float64).reshape(-1), K, W, event_step)
    return engine.run(record_stocks)
