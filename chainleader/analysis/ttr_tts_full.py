"""Whole-network PI and TTS programmes and the undisrupted baseline (METHODS.md §3).

These solve one scenario on the full compiled matrix (:class:`Structure`, built once); the
decomposed, batched path for many scenarios is :mod:`chainleader.analysis.ttr_tts_region`.
The formulation is documented in :mod:`chainleader.analysis.ttr_tts`.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from chainleader.analysis.ttr_tts_lp import (
    LPOptions,
    LPSolution,
    LPSolveError,
    Structure,
    relative_violation,
    solve_lp,
)

__all__ = [
    "Baseline",
    "PIFull",
    "TTSFull",
    "baseline_rate",
    "lift_baseline",
    "pi_times",
    "solve_pi",
    "solve_tts",
    "tts_phase_data",
    "tts_times",
]

_T_REL = 1e-9


def pi_times(st: Structure, t: float, *, backups_active: bool) -> np.ndarray:
    """Phase boundaries 0 = T_0 < … < T_M = t of the PI LP: every backup delay τ_b ∈ (0, t)."""
    if not backups_active or st.n_backups == 0 or t <= 0:
        return np.array([0.0, t])
    d = st.backup_delay
    inner = np.unique(d[(d > 0) & (d < t)])
    return np.concatenate([[0.0], inner, [t]])


def tts_times(st: Structure, t_max: float, *, backups_active: bool) -> np.ndarray:
    """Phase boundaries of the sequential TTS LPs: every backup delay τ_b ∈ (0, t_max)."""
    return pi_times(st, t_max, backups_active=backups_active)


@dataclass(frozen=True)
class PIFull:
    """Solution of one (possibly time-expanded) PI LP."""

    times: np.ndarray  # (M+1,) phase boundaries
    x: np.ndarray  # (M, n_pi_cols) phase-major solution
    pi: np.ndarray  # row duals ≥ 0, layout of Structure.pi_matrix(M)
    reduced_cost: np.ndarray  # (M, n_pi_cols) c + Aᵀπ
    value: float  # Σ f l + Σ variant penalties
    residual: float


def _pi_data(st: Structure, capacity: np.ndarray, times: np.ndarray, inventory: np.ndarray,
             demand: np.ndarray, backups_active: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Upper bounds, right-hand sides and costs of the time-expanded PI LP."""
    dur = np.diff(times)
    m = len(dur)
    s, nb = st.n_products, st.n_backups
    nflow = st.n_ycols + st.n_ybcols
    ub = np.empty((m, st.n_pi_cols))
    ub[:, :s] = np.outer(dur, capacity)
    active = backups_active & (st.backup_delay[None, :] <= times[:-1, None])  # (M, B): τ_b ≤ phase start
    ub[:, s:s + nb] = np.where(active, np.outer(dur, st.backup_capacity), 0.0)
    ub[:, s + nb:s + nb + nflow] = np.inf
    ub[:, st.n_core:] = np.outer(dur, demand)
    dv = demand[st.var_products]
    b = np.concatenate([
        np.zeros(st.n_bom * m),
        (inventory[None, :] - np.outer(times[1:], demand)).ravel(),
        np.concatenate([np.concatenate([st.var_theta * dv * dm, dv * dm]) for dm in dur]) if st.n_var else
        np.zeros(0),
    ])
    c = np.tile(st.pi_cost, m)
    return ub.ravel(), b, c


def solve_pi(st: Structure, capacity: np.ndarray, t: float, *, options: LPOptions, context: str,
             backups_active: bool = True, inventory: np.ndarray | None = None,
             demand: np.ndarray | None = None, cost: np.ndarray | None = None,
             lost_cap: np.ndarray | None = None,
             extra_row: tuple[np.ndarray, float] | None = None) -> PIFull:
    """Solve the PI LP at horizon t on the whole network; ``capacity`` (P,) is C_j per period.

    ``cost`` replaces the objective (one period block, used by the lexicographic baseline),
    ``lost_cap`` tightens the upper bound of l (one period), ``extra_row`` appends one ≤ row
    (coefficients over one period block, rhs) — all only for single-phase LPs.
    """
    inv = st.inventory if inventory is None else inventory
    dem = st.demand if demand is None else demand
    times = pi_times(st, t, backups_active=backups_active)
    m = len(times) - 1
    ub, b, c = _pi_data(st, capacity, times, inv, dem, backups_active)
    A = st.pi_matrix(m)
    if cost is not None:
        c = np.tile(cost, m)
    if lost_cap is not None:
        ub = ub.copy()
        ub[st.n_core:] = np.minimum(ub[st.n_core:], lost_cap)
    if extra_row is not None:
        A = sp.vstack([A, sp.csr_array(extra_row[0][None, :])], format="csr")
        b = np.concatenate([b, [extra_row[1]]])
    lb = np.zeros_like(ub)
    sol = solve_lp(c, A, b, lb, ub, options=options, context=context)
    assert sol is not None
    resid = relative_violation(A, b, lb, ub, sol.x)
    if extra_row is not None:  # report the PI rows only (the extra row's dual is dropped)
        A = A[:-1]
        sol = LPSolution(x=sol.x, pi=sol.pi[:-1], fun=sol.fun, status=sol.status)
    rc = c + A.T @ sol.pi
    value = float(np.tile(st.pi_cost, m) @ sol.x)
    return PIFull(times=times, x=sol.x.reshape(m, -1), pi=sol.pi, reduced_cost=rc.reshape(m, -1),
                  value=value, residual=resid)


@dataclass(frozen=True)
class TTSFull:
    """Solution of the sequential TTS LPs."""

    tts: float
    capped: bool
    x: np.ndarray  # (n_core,) cumulative plan over [0, tts] in the last solved phase
    pi_bal: np.ndarray  # (P,) duals of the balance rows at t (∂TTS/∂s_j)
    phase: int
    times: np.ndarray
    residual: float


def tts_phase_data(st: Structure, t_lo: float, *, backups_active: bool) -> tuple[np.ndarray, np.ndarray]:
    """(upper bounds of core columns, right-hand sides) of the one-block TTS LP starting at t_lo.

    Used by the region decomposition for phase 0 (t_lo = 0), where it equals the first phase of
    :func:`solve_tts`.
    """
    s, nb = st.n_products, st.n_backups
    active = backups_active & (st.backup_delay <= t_lo)
    ub = np.full(st.n_core, np.inf)
    ub[s:s + nb] = np.where(active, np.inf, 0.0)
    b = np.concatenate([np.zeros(st.n_bom), st.inventory, np.zeros(st.n_var), np.zeros(s),
                        np.where(active, -st.backup_capacity * st.backup_delay, 0.0)])
    return ub, b


def _tts_phase_lp(st: Structure, capacity: np.ndarray, demand_hat: np.ndarray, times: np.ndarray, m: int,
                  backups_active: bool) -> tuple[sp.csr_array, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Time-expanded TTS LP for t in phase m: blocks 0..m-1 of fixed length, block m of length t − T_m.

    Columns [PI block × (m+1) | t]; rows [PI rows of m+1 blocks | capacity rows of block m].
    Lost sales are fixed at 0, so every cumulative balance row is a no-stock-out condition.
    """
    nblk = m + 1
    p, nb, v = st.n_products, st.n_backups, st.n_var
    s = p  # U columns come first
    ncol = st.n_pi_cols
    t_m = float(times[m])
    dur = np.diff(times[: m + 1])  # lengths of the fixed blocks 0..m-1
    base = st.pi_matrix(nblk)
    active = backups_active & (st.backup_delay[None, :] <= times[:nblk, None])  # (blocks, B)
    # capacity rows of the last block on its u and ub columns
    last = m * ncol
    nsb = s + nb
    cap = sp.csr_array((np.ones(nsb), (np.arange(nsb), last + np.arange(nsb))), shape=(nsb, nblk * ncol))
    A_rows = sp.vstack([base, cap], format="csr")
    nr_base = base.shape[0]
    nbom, nbal = st.n_bom * nblk, p * nblk
    tcol = np.zeros(nr_base + nsb)
    tcol[nbom + m * p: nbom + (m + 1) * p] = demand_hat
    dv = demand_hat[st.var_products]
    vo = nbom + nbal + m * 2 * v
    tcol[vo: vo + v] = -st.var_theta * dv
    tcol[vo + v: vo + 2 * v] = -dv
    tcol[nr_base: nr_base + s] = -capacity
    tcol[nr_base + s:] = -st.backup_capacity
    A = sp.hstack([A_rows, sp.csr_array(tcol[:, None])], format="csr")
    ub = np.zeros((nblk, ncol))
    ub[:, s + nb: st.n_core] = np.inf
    if m:
        ub[:m, :s] = np.outer(dur, capacity)
        ub[:m, s:s + nb] = np.where(active[:m], np.outer(dur, st.backup_capacity), 0.0)
    ub[m, :s] = np.inf
    ub[m, s:s + nb] = np.where(active[m], np.inf, 0.0)
    ub = np.concatenate([ub.ravel(), [float(times[m + 1])]])
    lb = np.zeros(nblk * ncol + 1)
    lb[-1] = t_m
    b_bal = (st.inventory[None, :] - np.outer(times[1: m + 1], demand_hat)) if m else np.zeros((0, p))
    b_bal = np.vstack([b_bal, st.inventory[None, :]])
    var_blocks = [np.concatenate([st.var_theta * dv * d, dv * d]) for d in dur]
    var_blocks.append(np.concatenate([-st.var_theta * dv * t_m, -dv * t_m]))
    b = np.concatenate([np.zeros(nbom), b_bal.ravel(), np.concatenate(var_blocks) if v else np.zeros(0),
                        -capacity * t_m, -st.backup_capacity * t_m])
    c = np.zeros(nblk * ncol + 1)
    c[-1] = -1.0
    return A, c, b, lb, ub


def solve_tts(st: Structure, capacity: np.ndarray, demand_hat: np.ndarray, t_max: float, *,
              options: LPOptions, context: str, backups_active: bool = True) -> TTSFull:
    """max t with no lost sales against ``demand_hat``, causal over backup qualification delays.

    Phase m covers t ∈ [T_m, T_{m+1}] (T = 0, the distinct delays, t_max). Its LP is time-expanded
    (no stock-out at T_1, …, T_m and at t, one plan across the blocks, backups qualified by each
    block's start), the same model as the PI LP with l ≡ 0. The phases are solved in order; the
    first optimum short of its phase end is TTS.
    """
    times = tts_times(st, t_max, backups_active=backups_active)
    ncol, p = st.n_pi_cols, st.n_products
    prev_x, prev_pi, resid = np.zeros(st.n_core), np.zeros(p), 0.0
    for m in range(len(times) - 1):
        A, c, b, lb, ub = _tts_phase_lp(st, capacity, demand_hat, times, m, backups_active)
        t_lo, t_hi = float(times[m]), float(times[m + 1])
        # Feasibility at the phase end first: cheap either way (presolve usually proves
        # infeasibility at once), and it spares the degenerate max-t simplex when TTS is capped.
        lb_end = lb.copy()
        lb_end[-1] = t_hi
        ctx = f"{context} [TTS phase {m}]"
        end = solve_lp(np.zeros_like(c), A, b, lb_end, ub, options=options, context=ctx, allow_infeasible=True)
        if end is not None:
            resid = relative_violation(A, b, lb_end, ub, end.x)
            prev_x = end.x[:-1].reshape(m + 1, ncol)[:, : st.n_core].sum(axis=0)
            prev_pi = np.zeros(p)
            continue
        sol = solve_lp(c, A, b, lb, ub, options=options, context=ctx, allow_infeasible=m > 0)
        if sol is None:  # infeasible right at t_lo (rounding): the previous phase ended there
            return TTSFull(tts=t_lo, capped=False, x=prev_x, pi_bal=prev_pi, phase=m - 1, times=times,
                           residual=0.0)
        t_star = float(sol.x[-1])
        x = sol.x[:-1].reshape(m + 1, ncol)[:, : st.n_core].sum(axis=0)
        nbom = st.n_bom * (m + 1)
        pi_bal = sol.pi[nbom + m * p: nbom + (m + 1) * p]
        resid = relative_violation(A, b, lb, ub, sol.x)
        if t_star < t_hi * (1 - _T_REL) - 1e-12:
            return TTSFull(tts=t_star if t_star > 0 else 0.0, capped=False, x=x, pi_bal=pi_bal, phase=m,
                           times=times, residual=resid)
        prev_x, prev_pi = x, pi_bal
    return TTSFull(tts=float(t_max), capped=True, x=prev_x, pi_bal=np.zeros(p), phase=len(times) - 2,
                   times=times, residual=resid)


@dataclass(frozen=True)
class Baseline:
    """The undisrupted steady state (t = 1 period, no inventory, no backups).

    ``feasible``: the intact network sustains the full demand rate indefinitely.
    ``demand_hat`` (d̃): the sustainable demand rate — d when feasible, otherwise d minus the
    lexicographically smallest lost-sales rate (first Σ f l, then Σ l). ``x_rate`` is a
    minimal-production plan (min Σ u + Σ y) serving d̃ with no loss, used by the decomposition.
    """

    feasible: bool
    demand_hat: np.ndarray
    lost_rate: np.ndarray
    lost_value_rate: float
    x_rate: np.ndarray  # (n_core,)
    slack_rate: np.ndarray  # (P,) U − internal use − d̃ ≥ 0 of the rate plan


def baseline_rate(st: Structure, *, options: LPOptions) -> Baseline:
    p = st.n_products
    cap = st.base_capacity
    zero_inv = np.zeros(p)
    ctx = "基线稳态 / baseline steady state"
    s1 = solve_pi(st, cap, 1.0, options=options, context=ctx, backups_active=False, inventory=zero_inv)
    lost1 = s1.x[0, st.n_core:]
    tol = 1e-7 * (1.0 + st.demand)  # HiGHS' primal feasibility tolerance is 1e-7
    feasible = bool(np.all(lost1 <= tol))
    cost3 = np.zeros(st.n_pi_cols)
    cost3[: st.n_core] = 1.0  # minimal output and slot coverage
    if feasible:
        s3 = solve_pi(st, cap, 1.0, options=options, context=ctx, backups_active=False, inventory=zero_inv,
                      cost=cost3, lost_cap=np.zeros(p))
    else:
        value = float(st.margin @ lost1)
        row = np.zeros(st.n_pi_cols)
        row[st.n_core:] = st.margin
        cost2 = np.zeros(st.n_pi_cols)
        cost2[st.n_core:] = 1.0
        s3 = solve_pi(st, cap, 1.0, options=options, context=ctx, backups_active=False, inventory=zero_inv,
                      cost=cost2, extra_row=(row, value * (1 + 1e-9) + 1e-9 * (1 + value)))
        # minimal-output plan with the same losses; keep stage 2's plan if rounding forbids it
        with contextlib.suppress(LPSolveError):
            s3 = solve_pi(st, cap, 1.0, options=options, context=ctx, backups_active=False, inventory=zero_inv,
                          cost=cost3, lost_cap=np.maximum(s3.x[0, st.n_core:], 0.0))
    lost3 = np.maximum(s3.x[0, st.n_core:], 0.0)
    lost3[lost3 <= tol] = 0.0
    x_rate = np.maximum(s3.x[0, : st.n_core], 0.0)
    demand_hat = np.maximum(st.demand - lost3, 0.0)
    demand_hat[demand_hat <= tol] = 0.0  # solver rounding, not a sustainable rate
    lost3 = st.demand - demand_hat
    slack = -(st.A_bal @ x_rate) - demand_hat
    return Baseline(feasible=feasible, demand_hat=demand_hat, lost_rate=lost3,
                    lost_value_rate=float(st.margin @ lost3), x_rate=x_rate, slack_rate=slack)


def lift_baseline(base: Baseline, st: Structure) -> Baseline:
    """Place a baseline computed without backups into the columns of ``st`` (backups idle = 0).

    The baseline is always solved on the backup-free network, so d̃ and the rate plan do not
    depend on which backups are declared (backups are idle in the baseline anyway; solving the
    same LP keeps HiGHS' choice among equally good loss patterns the same).
    """
    if st.n_backups == 0:
        return base
    p, nb, ny = st.n_products, st.n_backups, st.n_ycols
    x = np.zeros(st.n_core)
    x[:p] = base.x_rate[:p]
    x[p + nb: p + nb + ny] = base.x_rate[p: p + ny]
    return Baseline(feasible=base.feasible, demand_hat=base.demand_hat, lost_rate=base.lost_rate,
                    lost_value_rate=base.lost_value_rate, x_rate=x, slack_rate=base.slack_rate)
