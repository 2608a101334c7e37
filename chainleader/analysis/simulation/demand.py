"""Demand factors per step: outside-claim changes pushed up the bill of materials (Leontief in quantities).

需求因子：终端需求变化沿物料清单向上游传导（数量形式的列昂惕夫关系）。

Claims on product i: D_i = O_i + Σ_j R̄_{j→i} λ_j with λ_j = D_j / D̄_j, i.e. D = O + A D with
A[i, j] = R̄_{j→i} / D̄_j. With outside claims changed by ΔO the change is ΔD = (I − A)^{-1} ΔO, found by
fixed-point iteration ΔD ← ΔO + A ΔD (exact after "depth" rounds on an acyclic BOM). λ = 1 + ΔD / D̄.
Without demand shocks λ ≡ 1 exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from chainleader.analysis.simulation.network import SimNetwork
from chainleader.analysis.simulation.shocks import ShockPlan

MAX_ROUNDS = 500


@dataclass(frozen=True)
class DemandSchedule:
    """Per step: λ (claims on each product relative to baseline) and the outside-claim multiplier."""

    lam: tuple[np.ndarray | None, ...]  # None = baseline (all ones)
    outside: tuple[np.ndarray | None, ...]
    converged: bool = True


def demand_schedule(net: SimNetwork, plan: ShockPlan) -> DemandSchedule:
    ev = plan.demand
    n = plan.n_steps
    if not len(ev.target):
        return DemandSchedule((None,) * n, (None,) * n)
    P = net.n_products
    claims = net.claims
    A = _requirement_matrix(net)
    cache: dict[bytes, tuple[np.ndarray, np.ndarray, bool]] = {}
    lam: list[np.ndarray | None] = []
    out: list[np.ndarray | None] = []
    ok = True
    for t in range(n):
        act = ev.active_on(plan.days_of(t))
        if not act.any():
            lam.append(None)
            out.append(None)
            continue
        change = np.bincount(ev.target, weights=ev.value * act, minlength=P)
        key = change.tobytes()
        if key not in cache:
            d_out = net.outside * change
            d_claims, conv = _solve(A, d_out)
            lam_t = 1.0 + np.divide(d_claims, claims, out=np.zeros(P), where=claims > 0)
            cache[key] = (np.maximum(lam_t, 0.0), 1.0 + change, conv)
        lam_t, mult, conv = cache[key]
        ok &= conv
        lam.append(lam_t)
        out.append(mult)
    return DemandSchedule(tuple(lam), tuple(out), ok)


def _requirement_matrix(net: SimNetwork) -> sp.csr_matrix:
    P = net.n_products
    owner = np.repeat(net.slot_product, np.diff(net.slot_ptr))
    claims = net.claims
    vals = net.supply[owner] * net.entry_mix * net.entry_qty
    vals = np.divide(vals, claims[owner], out=np.zeros(len(vals)), where=claims[owner] > 0)
    return sp.csr_matrix((vals, (net.entry_input, owner)), shape=(P, P))


def _solve(A: sp.csr_matrix, d_out: np.ndarray) -> tuple[np.ndarray, bool]:
    x = d_out.copy()
    for _ in range(MAX_ROUNDS):
        nxt = d_out + A @ x
        if np.array_equal(nxt, x) or np.allclose(nxt, x, rtol=1e-13, atol=1e-300):
            return nxt, True
        x = nxt
    return x, False
