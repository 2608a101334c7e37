"""Exact, batched PI / TTS for many scenarios by certified region decomposition.

A disruption changes a few capacity bounds; most of the network keeps its undisrupted plan. For
each scenario we solve the LP only over a *region* — the columns owned by a set Q of products —
with every other column fixed at the baseline plan x⁰ (TTS: the steady-state rate plan scaled by
t; PI: x⁰(t)), and then *certify* the result for the whole network with LP duality:

* primal: region rows are solved; rows outside the region only contain fixed columns, which are
  feasible at baseline, and Q always contains the products whose baseline output exceeds
  the disrupted capacity;
* dual: rows outside the region keep the baseline duals π⁰ (0 when the baseline meets demand),
  region rows take the region LP's duals; the reduced costs c̄ = c + Aᵀπ of every fixed column
  that touches a region row (or whose bounds the scenario changed) must satisfy complementary
  slackness with its fixed value.

If a check fails, the owners of the offending columns join Q and the region is re-solved. Q only
grows, so the loop ends — at worst with the whole network, i.e. the plain LP. Accepted solutions
therefore satisfy the KKT conditions of the full LP (up to the tolerances below), not an
approximation. Rows of Q products that fixed outside consumers draw from get an elastic column
(cost ``_ART``): a positive value means those consumers must join Q; the solution is accepted only
when every elastic column is 0, whatever its cost.

Shortcuts that keep exactness: a TTS region whose optimum reaches t_max with every elastic
column at 0 is a feasible whole-network plan at t_max, so TTS is capped without the dual check;
a scenario is screened without any LP when no product's baseline output exceeds its disrupted
capacity (TTS capped, PI = PI_∅), or when keeping the rate plan and drawing stock already lasts
to t_max. The region path covers the TTS phase before the first backup qualifies and PI windows
without a qualification inside them; the other (time-expanded) LPs run on the whole network.

Regions of many scenarios are stacked block-diagonally into one ``linprog`` call (the blocks are
independent, so each block's optimum is that scenario's optimum); this amortises the fixed cost
of a call over the batch. The full matrices are built once; a region is a row/column slice of
them, and only bounds, right-hand sides and the t column change per scenario.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import partial

import numpy as np
import scipy.sparse as sp

from chainleader.analysis.ttr_tts_full import Baseline, solve_pi, solve_tts, tts_phase_data, tts_times
from chainleader.analysis.ttr_tts_lp import LPOptions, LPSolveError, Structure, gather_ranges, solve_lp

__all__ = ["RegionScenario", "RegionSolver", "RegionStats", "ScenarioOutcome", "run_regions"]

_INT = np.int64
_T_REL = 1e-9
_CBAR_RTOL = 1e-7  # relative tolerance on reduced costs in the certificate
_X_RTOL = 1e-9  # relative tolerance deciding whether a fixed value sits at a bound


@dataclass(frozen=True)
class RegionScenario:
    """One disruption in the sparse form the solver needs."""

    name: str
    products: np.ndarray  # (n,) products whose working capacity the disruption lowers
    capacity: np.ndarray  # (n,) their working capacity per period in the disruption, C_j = Σ φ_s c_s
    ttr: float
    sites_hit: int = 0

    def capacity_vector(self, st: Structure) -> np.ndarray:
        cap = st.base_capacity.copy()
        cap[self.products] = self.capacity
        return cap


@dataclass
class RegionStats:
    lp_calls: int = 0
    region_solves: int = 0
    expansions: int = 0
    screened_tts: int = 0
    skipped_pi: int = 0
    full_pi: int = 0
    full_tts: int = 0
    max_region_products: int = 0
    region_products_total: int = 0
    batch_fallbacks: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class _Scaled:
    """Global array × scale, evaluated at given indices."""

    base: np.ndarray
    scale: float

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        return self.base[idx] * self.scale


@dataclass(frozen=True)
class _BoundOverride:
    """t × per-period upper bounds, with the disrupted products' bounds overridden."""

    rate: np.ndarray
    t: float
    sites: np.ndarray
    values: np.ndarray

    def __call__(self, idx: np.ndarray) -> np.ndarray:
        u = self.rate[idx] * self.t
        if self.sites.size:
            order = np.argsort(self.sites)
            ss = self.sites[order]
            pos = np.minimum(np.searchsorted(ss, idx), len(ss) - 1)
            hit = ss[pos] == idx
            u[hit] = self.values[order][pos[hit]]
        return u


@dataclass
class _Kind:
    """Row/column access to one full matrix."""

    A: sp.csr_array
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    c_indptr: np.ndarray
    c_indices: np.ndarray
    row_owner: np.ndarray
    col_owner: np.ndarray
    own_ptr: np.ndarray
    own_cols: np.ndarray
    colmap: np.ndarray = field(repr=False)

    @classmethod
    def build(cls, A: sp.csr_array, row_owner: np.ndarray, col_owner: np.ndarray, n_products: int) -> _Kind:
        A = sp.csr_array(A)
        A.sort_indices()
        csc = A.tocsc()
        csc.sort_indices()
        order = np.argsort(col_owner, kind="stable").astype(_INT)
        ptr = np.concatenate([[0], np.cumsum(np.bincount(col_owner, minlength=n_products))]).astype(_INT)
        return cls(A=A, indptr=A.indptr.astype(_INT), indices=A.indices.astype(_INT), data=A.data,
                   c_indptr=csc.indptr.astype(_INT), c_indices=csc.indices.astype(_INT),
                   row_owner=row_owner, col_owner=col_owner, own_ptr=ptr, own_cols=order,
                   colmap=np.full(A.shape[1], -1, dtype=_INT))


@dataclass
class _Region:
    """A region LP: local data plus what the certificate needs."""

    job: _Job
    cols: np.ndarray  # global columns in the region
    rows: np.ndarray  # global rows in the region
    c: np.ndarray
    lb: np.ndarray
    ub: np.ndarray
    b: np.ndarray
    r: np.ndarray  # COO of the local matrix
    k: np.ndarray
    v: np.ndarray
    art_rows: np.ndarray  # local rows with an elastic column (elastic columns come last)
    out_r: np.ndarray  # entries of region rows on fixed (outside) columns
    out_c: np.ndarray
    out_v: np.ndarray
    n_struct: int  # columns before t / elastic columns

    @property
    def n_cols(self) -> int:
        return len(self.c)

    @property
    def nnz(self) -> int:
        return len(self.v)


@dataclass
class _Job:
    scenario: int
    kind: str  # "tts" | "pi"
    q: np.ndarray  # (P,) bool
    t: float = 0.0


@dataclass
class ScenarioOutcome:
    tts: float = float("nan")
    capped: bool = False
    binding: np.ndarray = field(default_factory=lambda: np.zeros(0, _INT))
    pi_delta: float = 0.0  # PI(n) − PI(∅) at ttr
    pi_baseline: float = 0.0  # PI(∅) at ttr
    lost_extra: np.ndarray = field(default_factory=lambda: np.zeros(0, _INT))  # products losing more than at baseline
    region_products: int = 0
    rounds: int = 0  # region LPs solved for this scenario (TTS + PI)
    pi_solved: str = "skipped"


class RegionSolver:
    """Batched certified-region PI/TTS for a list of scenarios on one compiled network."""

    def __init__(self, st: Structure, base: Baseline, tts_demand: np.ndarray, *, t_max: float,
                 options: LPOptions, batch_nnz: int = 5_000, batch_max: int = 256) -> None:
        self.st = st
        self.base = base
        self.tts_demand = tts_demand
        self.t_max = float(t_max)
        self.options = options
        self.batch_nnz = batch_nnz
        self.batch_max = batch_max
        self.stats = RegionStats()
        p = st.n_products
        self.tts = _Kind.build(st.tts_matrix, st.tts_row_owner, st.col_owner, p)
        self.pim = _Kind.build(st.pi_matrix(1), st.pi_row_owner, st.pi_col_owner, p)
        self.times = tts_times(st, t_max, backups_active=True)
        self.tts_phase0 = tts_phase_data(st, 0.0, backups_active=True)  # region TTS covers phase 0 only
        self.tcol_base = st.tts_tcol(tts_demand, st.base_capacity)
        self.x_rate = base.x_rate
        self.slack = -(st.A_bal @ base.x_rate) - tts_demand
        self.u_rate = base.x_rate[: st.n_products]
        self._zero_core = np.zeros(st.n_core)
        self._zero_tts_rows = np.zeros(self.tts.A.shape[0])
        self._no_cols = np.zeros(0, _INT)
        self._u_cols = np.arange(st.n_products, dtype=_INT)
        # PI data per unit of horizon: ub(t) = t·pi_ub_rate, b(t) = pi_b_const + t·pi_b_rate
        s_, nb = st.n_products, st.n_backups
        self.pi_ub_rate = np.full(st.n_pi_cols, np.inf)
        self.pi_ub_rate[:s_] = st.base_capacity
        self.pi_ub_rate[s_:s_ + nb] = np.where(st.backup_delay <= 0, st.backup_capacity, 0.0)
        self.pi_ub_rate[st.n_core:] = st.demand
        dv = st.demand[st.var_products]
        self.pi_b_const = np.concatenate([np.zeros(st.n_bom), st.inventory, np.zeros(2 * st.n_var)])
        self.pi_b_rate = np.concatenate([np.zeros(st.n_bom), -st.demand, st.var_theta * dv, dv])
        self.pi_x_rate = np.concatenate([base.x_rate, np.zeros(st.n_products)])
        self.active_backup_cols = st.n_products + np.flatnonzero(st.backup_delay <= 0)
        mmax = float(np.max(st.margin, initial=0.0))
        qmin = float(np.min(np.asarray(st.A_bal.data)[np.asarray(st.A_bal.data) > 0], initial=1.0))
        self.art_pi = 1e3 * (1.0 + mmax) * max(1.0, 1.0 / qmin)
        self._pi_base: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray, float]] = {}

    # ------------------------------------------------------------------ baseline accessors
    def _x0(self, t: float, idx: np.ndarray) -> np.ndarray:
        if self.base.feasible:
            return self.pi_x_rate[idx] * t
        return self.pi_baseline(t)[0][idx]

    def _pi0(self, t: float, rows: np.ndarray) -> np.ndarray:
        if self.base.feasible:
            return np.zeros(len(rows))
        return self.pi_baseline(t)[1][rows]

    def _cbar0(self, t: float, idx: np.ndarray) -> np.ndarray:
        if self.base.feasible:
            return self.st.pi_cost[idx]
        return self.pi_baseline(t)[2][idx]

    # ------------------------------------------------------------------ baseline per horizon t
    def pi_baseline(self, t: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
        """(x⁰(t), π⁰(t), c̄⁰(t), PI(∅, t)) of the one-period PI LP (backups idle); short baselines only."""
        if t in self._pi_base:
            return self._pi_base[t]
        st = self.st
        if self.base.feasible:
            empty = np.zeros(0)
            return (empty, empty, empty, 0.0)
        else:
            full = solve_pi(st, st.base_capacity, t, options=self.options, backups_active=False,
                            context=f"基线 PI(∅) t={t:g} / baseline PI(∅) at t={t:g}")
            self.stats.lp_calls += 1
            out = (np.maximum(full.x[0], 0.0), full.pi, full.reduced_cost[0], full.value)
        self._pi_base[t] = out
        return out

    # ------------------------------------------------------------------ initial regions
    def _q0(self, sc: RegionScenario, u_fixed: np.ndarray, t: float) -> np.ndarray:
        """Products whose fixed output ``u_fixed`` (over a window t) exceeds their disrupted
        capacity C_j t: the fixed plan is infeasible there, so they must be free."""
        st = self.st
        cap = sc.capacity * t
        over = u_fixed[sc.products] > cap * (1 + 1e-9) + 1e-12 * (1.0 + cap)
        q = np.zeros(st.n_products, dtype=bool)
        q[sc.products[over]] = True
        return q

    def _tts_lower_bound(self, sc: RegionScenario) -> float:
        """Keep the rate plan, drop the lost output and draw inventory: a feasible t (≤ TTS)."""
        st = self.st
        lost = np.maximum(self.u_rate[sc.products] - sc.capacity, 0.0)
        deficit = lost - np.maximum(self.slack[sc.products], 0.0)
        hit = deficit > 1e-12 * (1.0 + lost)
        if not np.any(hit):
            return np.inf
        return float(np.min(st.inventory[sc.products[hit]] / deficit[hit]))

    # ------------------------------------------------------------------ region construction
    def _slice(self, kind: _Kind, q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                          np.ndarray, np.ndarray]:
        q_idx = np.flatnonzero(q)
        cols = kind.own_cols[gather_ranges(kind.own_ptr, q_idx)]
        cols.sort()
        rows = np.unique(kind.c_indices[gather_ranges(kind.c_indptr, cols)])
        pos = gather_ranges(kind.indptr, rows)
        r_loc = np.repeat(np.arange(len(rows), dtype=_INT), kind.indptr[rows + 1] - kind.indptr[rows])
        gcol = kind.indices[pos]
        vals = kind.data[pos]
        kind.colmap[cols] = np.arange(len(cols), dtype=_INT)
        lc = kind.colmap[gcol]
        kind.colmap[cols] = -1
        return cols, rows, r_loc, gcol, vals, lc

    def _local_rows(self, rows: np.ndarray, glob: np.ndarray) -> np.ndarray:
        """Local positions of global rows ``glob`` in sorted ``rows`` (−1 when absent)."""
        if glob.size == 0 or rows.size == 0:
            return np.full(glob.size, -1, dtype=_INT)
        pos = np.searchsorted(rows, glob)
        pos = np.minimum(pos, len(rows) - 1)
        return np.where(rows[pos] == glob, pos, -1)

    def _build_tts(self, job: _Job, sc: RegionScenario) -> _Region:
        st, kind = self.st, self.tts
        cols, rows, r_loc, gcol, vals, lc = self._slice(kind, job.q)
        inn = lc >= 0
        out = ~inn
        nr, nc = len(rows), len(cols)
        oc = np.bincount(r_loc[out], weights=vals[out] * self.x_rate[gcol[out]], minlength=nr)
        ub_core, rhs = self.tts_phase0
        tcol = self.tcol_base[rows] + oc
        cap_rows = self._local_rows(rows, st.tts_off_cap + sc.products)
        ok = cap_rows >= 0
        tcol[cap_rows[ok]] = -sc.capacity[ok]
        own_q = job.q[kind.row_owner[rows]]
        art = np.flatnonzero(own_q & (oc > 1e-12 * (1.0 + np.abs(tcol))))
        nt = nc  # index of the t column
        tn = np.flatnonzero(tcol)
        r = np.concatenate([r_loc[inn], tn, art])
        k = np.concatenate([lc[inn], np.full(len(tn), nt, _INT), nt + 1 + np.arange(len(art), dtype=_INT)])
        v = np.concatenate([vals[inn], tcol[tn], -np.ones(len(art))])
        c = np.concatenate([np.zeros(nc), [-1.0], np.minimum(1e3 / np.maximum(oc[art], 1e-300), 1e8)])
        t_lo, t_hi = 0.0, float(self.times[1])
        lb = np.concatenate([np.zeros(nc), [t_lo], np.zeros(len(art))])
        ub = np.concatenate([ub_core[cols], [t_hi], np.full(len(art), np.inf)])
        return _Region(job=job, cols=cols, rows=rows, c=c, lb=lb, ub=ub, b=rhs[rows], r=r, k=k, v=v,
                       art_rows=art, out_r=r_loc[out], out_c=gcol[out], out_v=vals[out], n_struct=nc)

    def _build_pi(self, job: _Job, sc: RegionScenario) -> _Region:
        st, kind = self.st, self.pim
        t = job.t
        cols, rows, r_loc, gcol, vals, lc = self._slice(kind, job.q)
        inn = lc >= 0
        out = ~inn
        nr, nc = len(rows), len(cols)
        contrib = vals[out] * self._x0(t, gcol[out])
        oc = np.bincount(r_loc[out], weights=contrib, minlength=nr)
        b_rows = self.pi_b_const[rows] + t * self.pi_b_rate[rows]
        b = b_rows - oc
        ub = self.pi_ub_rate[cols] * t
        kind.colmap[cols] = np.arange(nc, dtype=_INT)
        loc = kind.colmap[sc.products]
        kind.colmap[cols] = -1
        ok = loc >= 0
        ub[loc[ok]] = sc.capacity[ok] * t
        own_q = job.q[kind.row_owner[rows]]
        pos_draw = np.bincount(r_loc[out], weights=np.maximum(contrib, 0.0), minlength=nr)
        art = np.flatnonzero(own_q & (pos_draw > 1e-12 * (1.0 + np.abs(b_rows))))
        r = np.concatenate([r_loc[inn], art])
        k = np.concatenate([lc[inn], nc + np.arange(len(art), dtype=_INT)])
        v = np.concatenate([vals[inn], -np.ones(len(art))])
        c = np.concatenate([st.pi_cost[cols], np.full(len(art), self.art_pi)])
        lb = np.zeros(nc + len(art))
        ub = np.concatenate([ub, np.full(len(art), np.inf)])
        return _Region(job=job, cols=cols, rows=rows, c=c, lb=lb, ub=ub, b=b, r=r, k=k, v=v,
                       art_rows=art, out_r=r_loc[out], out_c=gcol[out], out_v=vals[out], n_struct=nc)

    # ------------------------------------------------------------------ batched solve
    def _solve(self, regs: Sequence[_Region], names: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Solve the stacked regions (always feasible: see the elastic columns); (x, π) per region."""
        roff = np.cumsum([0] + [len(g.rows) for g in regs])
        coff = np.cumsum([0] + [g.n_cols for g in regs])
        A = sp.csr_array((np.concatenate([g.v for g in regs]),
                          (np.concatenate([g.r + o for g, o in zip(regs, roff[:-1], strict=True)]),
                           np.concatenate([g.k + o for g, o in zip(regs, coff[:-1], strict=True)]))),
                         shape=(int(roff[-1]), int(coff[-1])))
        ctx = "区域分解 / region decomposition: " + ", ".join(names[:3]) + (" …" if len(names) > 3 else "")
        try:
            sol = solve_lp(np.concatenate([g.c for g in regs]), A, np.concatenate([g.b for g in regs]),
                           np.concatenate([g.lb for g in regs]), np.concatenate([g.ub for g in regs]),
                           options=self.options, context=ctx)
            self.stats.lp_calls += 1
        except LPSolveError:
            if len(regs) == 1:
                raise
            self.stats.batch_fallbacks += 1
            res: list[tuple[np.ndarray, np.ndarray]] = []
            for g, n in zip(regs, names, strict=True):
                res.extend(self._solve([g], [n]))
            return res
        assert sol is not None
        return [(sol.x[coff[i]:coff[i + 1]], sol.pi[roff[i]:roff[i + 1]]) for i in range(len(regs))]

    def _batches(self, regs: list[_Region]) -> list[list[int]]:
        out: list[list[int]] = []
        cur: list[int] = []
        nnz = 0
        for i, g in enumerate(regs):
            if cur and (nnz + g.nnz > self.batch_nnz or len(cur) >= self.batch_max):
                out.append(cur)
                cur, nnz = [], 0
            cur.append(i)
            nnz += g.nnz
        if cur:
            out.append(cur)
        return out

    # ------------------------------------------------------------------ certificate
    def _certify(self, kind: _Kind, g: _Region, x: np.ndarray, pi: np.ndarray,
                 xfix: Callable[[np.ndarray], np.ndarray], ubfix: Callable[[np.ndarray], np.ndarray],
                 cbar0: Callable[[np.ndarray], np.ndarray], pi0_rows: np.ndarray, cost: np.ndarray,
                 extra_cols: np.ndarray) -> np.ndarray:
        """Products to add to Q (empty: the merged primal/dual pair is optimal for the full LP).

        ``xfix``/``ubfix``/``cbar0`` give, for global columns, the fixed value, the scenario's upper
        bound and the baseline reduced cost; ``pi0_rows`` the baseline duals of the region rows.
        """
        add: list[np.ndarray] = []
        # elastic columns in use: the fixed consumers of those rows must become free
        nart = len(g.art_rows)
        if nart:
            a = x[len(x) - nart:]
            used = g.art_rows[a > 1e-9 * (1.0 + np.abs(g.b[g.art_rows]))]
            if used.size:
                hit = np.isin(g.out_r, used)
                cand = g.out_c[hit]
                add.append(kind.col_owner[cand[g.out_v[hit] * xfix(cand) > 0]])
        # reduced costs of fixed columns touching region rows (+ columns whose bounds changed)
        dpi = pi - pi0_rows
        cols_all = np.concatenate([g.out_c, extra_cols])
        if cols_all.size:
            uniq, inv = np.unique(cols_all, return_inverse=True)
            n_out = len(g.out_c)
            w = np.zeros(len(cols_all))
            w[:n_out] = g.out_v * dpi[g.out_r]
            sc = np.zeros(len(cols_all))
            sc[:n_out] = np.abs(g.out_v) * np.abs(pi[g.out_r])
            cbar = cbar0(uniq) + np.bincount(inv, weights=w, minlength=len(uniq))
            tol = _CBAR_RTOL * (1.0 + np.abs(cost[uniq]) + np.bincount(inv, weights=sc, minlength=len(uniq)))
            xv = xfix(uniq)
            ubv = ubfix(uniq)
            above_lb = xv > _X_RTOL * (1.0 + np.abs(xv))
            fin = np.isfinite(ubv)
            below_ub = ~fin
            below_ub[fin] = xv[fin] < ubv[fin] - _X_RTOL * (1.0 + np.abs(ubv[fin]))
            viol = (above_lb & (cbar > tol)) | (below_ub & (cbar < -tol))
            # defensive: a fixed value outside the scenario's bounds must never be accepted
            viol |= xv > ubv + _X_RTOL * (1.0 + np.abs(np.where(np.isfinite(ubv), ubv, 0.0)))
            if np.any(viol):
                add.append(kind.col_owner[uniq[viol]])
        return np.unique(np.concatenate(add)) if add else self._no_cols

    # ------------------------------------------------------------------ driver
    def _solve_all(self, regs: list[_Region], names: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray] | None]:
        sols: list[tuple[np.ndarray, np.ndarray] | None] = [None] * len(regs)
        live = np.array([g.n_cols > 0 and len(g.rows) > 0 for g in regs], dtype=bool)
        for i in np.flatnonzero(~live).tolist():
            g = regs[i]
            sols[i] = (np.clip(np.zeros(g.n_cols), g.lb, g.ub), np.zeros(len(g.rows)))
        idx_live = np.flatnonzero(live)
        for batch in self._batches([regs[i] for i in idx_live]):
            idx = [int(idx_live[i]) for i in batch]
            res = self._solve([regs[i] for i in idx], [names[i] for i in idx])
            for i, r in zip(idx, res, strict=True):
                sols[i] = r
        return sols

    def run(self, scenarios: Sequence[RegionScenario], *, need_pi: bool = True) -> list[ScenarioOutcome]:
        """TTS for every scenario, then PI where it can be non-zero (see module docstring)."""
        self._run_tts(scenarios)
        if need_pi:
            self._run_pi(scenarios)
        return self.outcomes

    def _run_tts(self, scenarios: Sequence[RegionScenario]) -> None:
        st = self.st
        self.outcomes = [ScenarioOutcome() for _ in scenarios]
        outcomes = self.outcomes
        ntimes = len(self.times) - 1
        zero_cost = self._zero_core
        pending: list[_Job] = []
        later: list[int] = []
        for i, sc in enumerate(scenarios):
            q0 = self._q0(sc, self.u_rate, 1.0)
            if not q0.any() or self._tts_lower_bound(sc) >= self.t_max * (1 - _T_REL):
                outcomes[i].tts, outcomes[i].capped = self.t_max, True
                self.stats.screened_tts += 1
                continue
            pending.append(_Job(scenario=i, kind="tts", q=q0))
        while pending:
            regs = [self._build_tts(j, scenarios[j.scenario]) for j in pending]
            sols = self._solve_all(regs, [scenarios[j.scenario].name for j in pending])
            nxt: list[_Job] = []
            for job, g, sol in zip(pending, regs, sols, strict=True):
                o = outcomes[job.scenario]
                t_hi = float(self.times[1])
                assert sol is not None
                x, pi = sol
                self.stats.region_solves += 1
                o.rounds += 1
                t_star = float(x[g.n_struct])
                ub_core = self.tts_phase0[0]
                reached = t_star >= t_hi * (1 - _T_REL) - 1e-12
                nart = len(g.art_rows)
                no_art = not nart or bool(np.all(x[len(x) - nart:] <= 1e-9 * (1.0 + np.abs(g.b[g.art_rows]))))
                if reached and no_art:
                    # primal argument suffices: region plan + x_rate·t is feasible for the whole
                    # network at the phase end, the largest t the phase allows
                    add = self._no_cols
                else:
                    # Fixed columns move with t (x_rate·t): a column with x_rate > 0 needs c̄ = 0 even
                    # at t* = 0, otherwise the full LP's reduced cost of t differs from the folded one.
                    add = self._certify(self.tts, g, x, pi, _Scaled(self.x_rate, 1.0), _Scaled(ub_core, 1.0),
                                        _Scaled(zero_cost, 1.0), self._zero_tts_rows[g.rows], zero_cost,
                                        self._no_cols)
                if add.size:
                    job.q[add] = True  # only the offending owners: bigger steps cost more LP time
                    self.stats.expansions += 1
                    nxt.append(job)
                    continue
                if reached and ntimes > 1:
                    # survives until the first backup qualifies: later phases are time-expanded LPs,
                    # solved on the whole network
                    later.append(job.scenario)
                    self._record_region(o, job)
                    continue
                self._record_region(o, job)
                if reached:
                    o.tts, o.capped = self.t_max, True
                    continue
                o.tts, o.capped = (t_star if t_star > 0 else 0.0), False
                bal = (g.rows >= st.tts_off_bal) & (g.rows < st.tts_off_bal + st.n_products)
                thr = 1e-6 * float(np.max(pi[bal], initial=0.0))
                o.binding = np.sort(g.rows[bal & (pi > thr) & (pi > 0)] - st.tts_off_bal)
            pending = nxt
        for i in later:
            sc = scenarios[i]
            res = solve_tts(st, sc.capacity_vector(st), self.tts_demand, self.t_max, options=self.options, context=sc.name)
            self.stats.lp_calls += len(res.times) - 1 if res.capped else res.phase + 1
            self.stats.full_tts += 1
            o = outcomes[i]
            o.tts, o.capped = res.tts, res.capped
            if not res.capped:
                thr = 1e-6 * float(np.max(res.pi_bal, initial=0.0))
                o.binding = np.flatnonzero((res.pi_bal > thr) & (res.pi_bal > 0))

    def _run_pi(self, scenarios: Sequence[RegionScenario]) -> None:
        st = self.st
        outcomes = self.outcomes
        pending: list[_Job] = []
        for i, sc in enumerate(scenarios):
            o = outcomes[i]
            t = float(sc.ttr)
            if t <= 0:
                o.pi_solved = "zero horizon"
                continue
            if self.base.feasible and st.n_var == 0 and o.tts >= t * (1 - _T_REL):
                o.pi_solved = "tts >= ttr"
                self.stats.skipped_pi += 1
                continue
            if st.n_backups and np.any((st.backup_delay > 0) & (st.backup_delay < t)):
                self._pi_full(sc, o)
                continue
            o.pi_baseline = 0.0 if self.base.feasible else self.pi_baseline(t)[3]
            pending.append(_Job(scenario=i, kind="pi", q=self._q0(sc, self._x0(t, self._u_cols), t), t=t))
        while pending:
            regs = [self._build_pi(j, scenarios[j.scenario]) for j in pending]
            sols = self._solve_all(regs, [scenarios[j.scenario].name for j in pending])
            nxt: list[_Job] = []
            for job, g, sol in zip(pending, regs, sols, strict=True):
                assert sol is not None
                x, pi = sol
                sc = scenarios[job.scenario]
                t = job.t
                ubfix = _BoundOverride(self.pi_ub_rate, t, sc.products, sc.capacity * t)

                extra = np.concatenate([sc.products, self.active_backup_cols])
                extra = extra[~job.q[self.pim.col_owner[extra]]]
                if g.n_cols:
                    self.stats.region_solves += 1
                    outcomes[job.scenario].rounds += 1
                add = self._certify(self.pim, g, x, pi, partial(self._x0, t), ubfix, partial(self._cbar0, t),
                                    self._pi0(t, g.rows), st.pi_cost, extra)
                if add.size:
                    job.q[add] = True  # only the offending owners: bigger steps cost more LP time
                    self.stats.expansions += 1
                    nxt.append(job)
                    continue
                o = outcomes[job.scenario]
                xs = x[: g.n_struct]
                x0c = self._x0(t, g.cols)
                o.pi_delta = float(g.c[: g.n_struct] @ xs - st.pi_cost[g.cols] @ x0c)
                lcols = g.cols >= st.n_core
                lp = g.cols[lcols] - st.n_core
                extra_loss = xs[lcols] - x0c[lcols]
                o.lost_extra = np.sort(lp[extra_loss > 1e-9 * (1.0 + st.demand[lp] * t)])
                o.pi_solved = "region"
                self._record_region(o, job)
            pending = nxt

    def _record_region(self, o: ScenarioOutcome, job: _Job) -> None:
        n = int(job.q.sum())
        o.region_products = max(o.region_products, n)
        self.stats.max_region_products = max(self.stats.max_region_products, n)
        self.stats.region_products_total += n

    def _pi_full(self, sc: RegionScenario, o: ScenarioOutcome) -> None:
        """Scenarios whose horizon splits into qualification phases: whole-network LP."""
        st = self.st
        t = float(sc.ttr)
        full = solve_pi(st, sc.capacity_vector(st), t, options=self.options, context=sc.name)
        self.stats.lp_calls += 1
        self.stats.full_pi += 1
        if self.base.feasible:
            pi0, l0 = 0.0, np.zeros(st.n_products)
        else:
            x0, _, _, pi0 = self.pi_baseline(t)
            l0 = x0[st.n_core:]
        o.pi_baseline = pi0
        o.pi_delta = full.value - pi0
        extra_loss = full.x[:, st.n_core:].sum(axis=0) - l0
        o.lost_extra = np.flatnonzero(extra_loss > 1e-9 * (1.0 + st.demand * t))
        o.pi_solved = "full"


def _run_chunk(st: Structure, base: Baseline, tts_demand: np.ndarray, scenarios: list[RegionScenario],
               t_max: float, options: LPOptions, kwargs: dict[str, float]) -> tuple[list[ScenarioOutcome],
                                                                                  RegionStats]:
    solver = RegionSolver(st, base, tts_demand, t_max=t_max, options=options, **kwargs)  # type: ignore[arg-type]
    return solver.run(scenarios), solver.stats


def run_regions(st: Structure, base: Baseline, tts_demand: np.ndarray, scenarios: Sequence[RegionScenario], *,
                t_max: float, options: LPOptions, n_jobs: int = 1,
                **kwargs: float) -> tuple[list[ScenarioOutcome], RegionStats]:
    """Run :class:`RegionSolver` on all scenarios, in ``n_jobs`` spawned processes when > 1.

    Scenario i goes to worker i mod n_jobs, so the split (and the result) is deterministic for a
    given n_jobs. TTS and PI values do not depend on n_jobs; which of several equally valid dual
    solutions names the binding products can (batches differ).
    """
    if n_jobs <= 1 or len(scenarios) < 2 * n_jobs:
        return _run_chunk(st, base, tts_demand, list(scenarios), t_max, options, kwargs)
    chunks = [list(range(i, len(scenarios), n_jobs)) for i in range(n_jobs)]
    ctx = multiprocessing.get_context("spawn")  # HiGHS threads do not survive fork()
    with ProcessPoolExecutor(max_workers=n_jobs, mp_context=ctx) as ex:
        futs = [ex.submit(_run_chunk, st, base, tts_demand, [scenarios[i] for i in ch], t_max, options, kwargs)
                for ch in chunks]
        parts = [f.result() for f in futs]
    outcomes: list[ScenarioOutcome | None] = [None] * len(scenarios)
    total = RegionStats()
    for ch, (outs, stats) in zip(chunks, parts, strict=True):
        for i, o in zip(ch, outs, strict=True):
            outcomes[i] = o
        for key, val in stats.as_dict().items():
            if key == "max_region_products":
                total.max_region_products = max(total.max_region_products, val)
            else:
                setattr(total, key, getattr(total, key) + val)
    return [o for o in outcomes if o is not None], total
