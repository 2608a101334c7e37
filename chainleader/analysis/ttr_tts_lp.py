"""Linear-programme building blocks for TTR / TTS / PI (METHODS.md §3).

This module compiles a :class:`~chainleader.analysis.flow_network.FlowNetwork` (plus optional
:class:`BackupSites`) into sparse constraint blocks once, and solves the performance-impact (PI)
and time-to-survive (TTS) programmes on them with ``scipy.optimize.linprog(method="highs")``.
Every solution is checked against its own constraints (METHODS §8.3); the formulation itself is
documented in :mod:`chainleader.analysis.ttr_tts`.

Column layout of one period block ("core" columns)::

    [ U  (P)  output of each product, its sites pooled | ub (B) backup output |
      y  units of j whose slot k is covered by input i, one per edge of slots with ≥ 2 inputs |
      yb the same for the backups' copies of their product's BOM ]

PI adds ``l (P)`` lost sales; TTS adds one column ``t``. Row blocks::

    bom  U_j − Σ_{i∈k} y_jki ≤ 0   per slot with ≠ 1 inputs (and per such slot of every backup)
    bal  (P)  Σ r·y + Σ r·U_j (single-input slots) − U_i − l_i − var_i ≤ s_i − d_i t
    vcap (V)  Σ variant output of j ≤ θ_j d_j t  (products with reduced-standard backups)
    vsale(V)  l_j + Σ variant output of j ≤ d_j t   (PI only: standard sales stay ≥ 0)
    cap  (P + B)  U_j − C_j t ≤ 0, u_b − c_b t ≤ −c_b τ_b   (TTS only; PI uses bounds)

with C_j = Σ_{s makes j} φ_s c_s the working capacity of product j.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.optimize import linprog

from chainleader.analysis.flow_network import FlowNetwork
from chainleader.model.errors import ChainleaderError, ConfigError

__all__ = [
    "HIGHS_METHODS",
    "BackupSites",
    "LPOptions",
    "LPResidualError",
    "LPSolveError",
    "LPSolution",
    "Structure",
    "check_residual",
    "compile_structure",
    "gather_ranges",
    "relative_violation",
    "solve_lp",
    "validate_network",
]

HIGHS_METHODS = ("highs", "highs-ds", "highs-ipm")
_FLOAT = np.float64
_INT = np.int64


class LPSolveError(ChainleaderError):
    """HiGHS did not return an optimal solution for a TTR/TTS linear programme."""


class LPResidualError(LPSolveError):
    """A solution reported optimal violates its own constraints by more than the tolerance."""


@dataclass(frozen=True)
class LPOptions:
    """Solver settings shared by every LP (METHODS §8.5: expose the algorithm and a time limit).

    ``method`` is the ``linprog`` method: ``"highs"`` (HiGHS chooses, dual simplex here),
    ``"highs-ds"`` (dual simplex) or ``"highs-ipm"`` (interior point + crossover).
    ``time_limit`` is seconds per LP (None = no limit). ``rtol`` is the relative residual above
    which a solution is refused.
    """

    method: str = "highs"
    time_limit: float | None = None
    presolve: bool = True
    rtol: float = 1e-6

    def __post_init__(self) -> None:
        if self.method not in HIGHS_METHODS:
            raise ConfigError(
                f"未知的求解方法 method={self.method!r}；请使用 {HIGHS_METHODS} 之一 / "
                f"unknown LP method {self.method!r}; use one of {HIGHS_METHODS}"
            )
        if self.time_limit is not None and not (self.time_limit > 0):
            raise ConfigError(
                f"time_limit 必须为正数秒或 None（当前 {self.time_limit}） / "
                f"time_limit must be positive seconds or None (got {self.time_limit})"
            )
        if not (0 < self.rtol < 1e-2):
            raise ConfigError(
                f"rtol 必须在 (0, 0.01) 内（当前 {self.rtol}） / rtol must lie in (0, 0.01) (got {self.rtol})"
            )

    def as_dict(self) -> dict[str, Any]:
        return {"method": self.method, "time_limit": self.time_limit, "presolve": self.presolve,
                "rtol": self.rtol}


@dataclass(frozen=True)
class LPSolution:
    """x, row duals ``pi`` (≥ 0 for ≤ rows of a minimisation: ∂objective/∂b = −pi) and objective."""

    x: np.ndarray
    pi: np.ndarray
    fun: float
    status: str


def relative_violation(A: sp.csr_array | sp.csr_matrix, b: np.ndarray, lb: np.ndarray, ub: np.ndarray,
                        x: np.ndarray) -> float:
    ax = A @ x
    scale = 1.0 + np.abs(b) + abs(A) @ np.abs(x)
    worst = float(np.max((ax - b) / scale, initial=0.0))
    fin_lb = np.isfinite(lb)
    fin_ub = np.isfinite(ub)
    worst = max(worst, float(np.max((lb[fin_lb] - x[fin_lb]) / (1.0 + np.abs(lb[fin_lb])), initial=0.0)))
    worst = max(worst, float(np.max((x[fin_ub] - ub[fin_ub]) / (1.0 + np.abs(ub[fin_ub])), initial=0.0)))
    return worst


def check_residual(A: sp.csr_array | sp.csr_matrix, b: np.ndarray, lb: np.ndarray, ub: np.ndarray,
                   x: np.ndarray, *, rtol: float, context: str) -> float:
    """Recompute ``A x ≤ b`` and ``lb ≤ x ≤ ub`` from the solution; raise when violated.

    The violation of a row is measured relative to ``1 + |b| + |A||x|``, of a bound relative to
    ``1 + |bound|``. Returns the worst relative violation (≤ rtol when it does not raise).
    """
    if not np.all(np.isfinite(x)):
        raise LPResidualError(
            f"{context}: 线性规划解含非有限值（NaN/inf）。请改用 method='highs-ipm' 或检查输入数据 / "
            f"{context}: the LP solution contains non-finite values; try method='highs-ipm' or check the input"
        )
    worst = relative_violation(A, b, lb, ub, x)
    if worst > rtol:
        raise LPResidualError(
            f"{context}: 求解器报告最优，但解违反约束（最大相对残差 {worst:.3e} > {rtol:.1e}）。"
            f"请改用 method='highs-ipm' 或 'highs-ds'，并检查数据的量纲是否相差过大 / "
            f"{context}: the solver reported optimal but the solution violates its constraints "
            f"(worst relative residual {worst:.3e} > {rtol:.1e}); try method='highs-ipm' or 'highs-ds' "
            f"and check the input for badly scaled units"
        )
    return worst


def solve_lp(c: np.ndarray, A: sp.csr_array | sp.csr_matrix, b: np.ndarray, lb: np.ndarray, ub: np.ndarray,
             *, options: LPOptions, context: str, allow_infeasible: bool = False) -> LPSolution | None:
    """min cᵀx s.t. A x ≤ b, lb ≤ x ≤ ub with HiGHS; residual-checked.

    Returns None only when ``allow_infeasible`` and HiGHS proves infeasibility; every other
    non-optimal status raises :class:`LPSolveError`.
    """
    if A.shape[0] == 0:
        # No rows: each variable sits at the bound its cost prefers (finite by construction here).
        x = np.where(c > 0, lb, np.where(c < 0, ub, np.clip(0.0, lb, ub)))
        if not np.all(np.isfinite(x)):
            raise LPSolveError(f"{context}: 无约束且目标无界 / unbounded LP without rows")
        return LPSolution(x=x.astype(_FLOAT), pi=np.zeros(0), fun=float(c @ x), status="optimal (no rows)")
    opts: dict[str, Any] = {"presolve": options.presolve}
    if options.time_limit is not None:
        opts["time_limit"] = float(options.time_limit)
    res = linprog(c, A_ub=A, b_ub=b, bounds=np.column_stack([lb, ub]), method=options.method, options=opts)
    if res.status == 2 and allow_infeasible:
        return None
    if res.status != 0 or res.x is None:
        hint_zh = {1: "达到迭代或时间上限，请增大 time_limit 或改用 method='highs-ipm'",
                   2: "模型不可行，请检查产能、需求与库存数据",
                   3: "模型无界，请检查 t_max 与数据",
                   4: "数值困难，请改用其他 method 并检查数据量纲"}.get(res.status, "请检查输入数据")
        hint_en = {1: "iteration or time limit reached; raise time_limit or use method='highs-ipm'",
                   2: "the model is infeasible; check capacities, demand and inventory",
                   3: "the model is unbounded; check t_max and the data",
                   4: "numerical difficulties; try another method and check the units"}.get(
            res.status, "check the input data")
        raise LPSolveError(
            f"{context}: HiGHS 未得到最优解（status={res.status}: {res.message}）。{hint_zh} / "
            f"{context}: HiGHS returned no optimal solution (status={res.status}: {res.message}); {hint_en}"
        )
    x = np.asarray(res.x, dtype=_FLOAT)
    check_residual(A, b, lb, ub, x, rtol=options.rtol, context=context)
    pi = -np.asarray(res.ineqlin.marginals, dtype=_FLOAT)
    return LPSolution(x=x, pi=pi, fun=float(res.fun), status="optimal")


def gather_ranges(indptr: np.ndarray, sel: np.ndarray) -> np.ndarray:
    """Positions ``indptr[s] .. indptr[s+1]-1`` for every s in ``sel``, concatenated (vectorised)."""
    sel = np.asarray(sel, dtype=_INT)
    if sel.size == 0:
        return np.zeros(0, dtype=_INT)
    starts = indptr[sel]
    lens = indptr[sel + 1] - starts
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=_INT)
    offsets = np.cumsum(lens) - lens
    return np.repeat(starts - offsets, lens) + np.arange(total, dtype=_INT)


def _as_array(x: np.ndarray | None, n: int, default: float, dtype: Any = _FLOAT) -> np.ndarray:
    if x is None:
        return np.full(n, default, dtype=dtype)
    return np.asarray(x, dtype=dtype)


@dataclass(frozen=True)
class BackupSites:
    """Optional backup capacity for the TTR/TTS LPs (同准备份 / 降准备份, METHODS §3 extensions).

    A FlowNetwork has no notion of backups, so they come as this companion structure. Backup b
    makes product ``product[b]`` with its own copy of that product's BOM (same slots and OR
    alternatives) and is idle in the undisrupted baseline; in a disruption it adds

    * ``capacity[b]`` units/period (its *spare* capacity; pass it already derated for a
      reduced-standard line),
    * after a qualification delay ``delay[b]`` periods (τ; capacity c_b·(t − τ)⁺),
    * using ``input_factor[b]`` × r units of each input (1/η for yield η; ≥ 1),
    * and, when ``reduced[b]`` (降准备份 with a quality difference), its output is a variant j′ that
      is sold only to j's external customers, loses ``margin[j] − variant_margin[b]`` per unit, and
      the variant output of j is capped at ``acceptance[b]`` × d_j t (θ; all reduced backups of one
      product must state the same θ). A same-standard backup (``reduced`` False) is a full
      substitute for j's sites.
    """

    site_ids: tuple[str, ...]
    product: np.ndarray
    capacity: np.ndarray
    delay: np.ndarray | None = None
    input_factor: np.ndarray | None = None
    reduced: np.ndarray | None = None
    variant_margin: np.ndarray | None = None
    acceptance: np.ndarray | None = None

    @property
    def n_backups(self) -> int:
        return len(self.site_ids)

    def arrays(self, net: FlowNetwork) -> dict[str, np.ndarray]:
        """Validated arrays with defaults filled in; raises ConfigError saying how to fix."""
        n = self.n_backups
        p = net.n_products
        prod = np.asarray(self.product, dtype=_INT)
        cap = np.asarray(self.capacity, dtype=_FLOAT)
        delay = _as_array(self.delay, n, 0.0)
        factor = _as_array(self.input_factor, n, 1.0)
        reduced = _as_array(self.reduced, n, False, dtype=bool)
        vmargin = _as_array(self.variant_margin, n, 0.0)
        accept = _as_array(self.acceptance, n, 1.0)
        for name, arr in (("product", prod), ("capacity", cap), ("delay", delay), ("input_factor", factor),
                          ("reduced", reduced), ("variant_margin", vmargin), ("acceptance", accept)):
            if arr.shape != (n,):
                raise ConfigError(
                    f"BackupSites.{name} 的形状为 {arr.shape}，应为 ({n},)（每个备份站点一项） / "
                    f"BackupSites.{name} has shape {arr.shape}, expected ({n},): one entry per backup site"
                )
        if n and (prod.min() < 0 or prod.max() >= p):
            raise ConfigError(
                f"BackupSites.product 含越界产品序号（应在 0..{p - 1}） / "
                f"BackupSites.product holds an index outside 0..{p - 1}"
            )
        for name, arr, lo in (("capacity", cap, 0.0), ("delay", delay, 0.0), ("input_factor", factor, 1.0),
                              ("variant_margin", vmargin, 0.0)):
            if not np.all(np.isfinite(arr)) or np.any(arr < lo):
                raise ConfigError(
                    f"BackupSites.{name} 必须是有限值且 ≥ {lo} / BackupSites.{name} must be finite and ≥ {lo}"
                )
        if not np.all((accept >= 0) & (accept <= 1)):
            raise ConfigError(
                "BackupSites.acceptance（θ，可接受降准品占需求的比例）必须在 [0, 1] 内 / "
                "BackupSites.acceptance (θ, the share of demand that accepts the variant) must lie in [0, 1]"
            )
        if np.any(reduced & (vmargin > net.margin[prod] + 1e-12)):
            raise ConfigError(
                "降准备份的 variant_margin 不能高于原产品毛利（否则降准品比正品更赚钱）/ "
                "variant_margin of a reduced-standard backup must not exceed the product's margin"
            )
        red_prod = prod[reduced]
        if red_prod.size:
            order = np.argsort(red_prod, kind="stable")
            rp, ra = red_prod[order], accept[reduced][order]
            same = rp[1:] == rp[:-1]
            if np.any(same & (np.abs(ra[1:] - ra[:-1]) > 1e-12)):
                raise ConfigError(
                    "同一产品的多个降准备份必须使用相同的 acceptance（θ） / "
                    "all reduced-standard backups of one product must state the same acceptance θ"
                )
        return {"product": prod, "capacity": cap, "delay": delay, "input_factor": factor,
                "reduced": reduced, "variant_margin": vmargin, "acceptance": accept}


def validate_network(net: FlowNetwork) -> None:
    """FlowNetwork.validate() plus index checks, re-raised as ConfigError (bilingual)."""
    try:
        net.validate()
    except ValueError as exc:
        raise ConfigError(f"FlowNetwork 数据不一致：{exc}；请修正构建 FlowNetwork 的数组 / "
                          f"inconsistent FlowNetwork: {exc}; fix the arrays it is built from") from exc
    p = net.n_products
    for name, arr, hi in (("slot_product", net.slot_product, p), ("slot_input", net.slot_input, p),
                          ("site_product", net.site_product, p)):
        a = np.asarray(arr)
        if a.size and (a.min() < 0 or a.max() >= hi):
            raise ConfigError(f"FlowNetwork.{name} 含越界产品序号（应在 0..{hi - 1}） / "
                              f"FlowNetwork.{name} holds an index outside 0..{hi - 1}")
    if np.any(np.diff(np.asarray(net.slot_ptr)) < 0):
        raise ConfigError("FlowNetwork.slot_ptr 必须单调不减 / FlowNetwork.slot_ptr must be non-decreasing")


@dataclass(frozen=True, eq=False)
class Structure:
    """The compiled, scenario-independent part of the LPs (built once per network).

    Two exact reductions keep the LPs small: sites of one product are pooled (only U_j enters the
    BOM and balance rows, and U_j ≤ Σ_s φ_s c_s t), and a slot with a single input needs no row
    or column (y_jki ≥ U_j holds with equality at no cost, so input i is charged r·U_j directly).
    Per-site output is reported pro rata to the working capacity; per-edge flows are recovered
    through ``edge_col``.
    """

    n_products: int
    n_sites: int
    n_backups: int
    n_ycols: int  # y columns (edges of slots with ≥ 2 alternatives)
    n_ybcols: int  # yb columns (the same for backup BOM copies)
    margin: np.ndarray
    demand: np.ndarray
    inventory: np.ndarray
    site_product: np.ndarray
    site_capacity: np.ndarray
    base_capacity: np.ndarray  # (P,) Σ of site capacities per product
    backup_product: np.ndarray
    backup_capacity: np.ndarray
    backup_delay: np.ndarray
    backup_penalty: np.ndarray  # (B,) margin lost per unit of variant output (0 for same-standard)
    var_products: np.ndarray  # (V,)
    var_theta: np.ndarray  # (V,)
    edge_product: np.ndarray  # (E,) consumer j of each BOM edge
    edge_input: np.ndarray  # (E,) input i
    edge_col: np.ndarray  # (E,) core column whose value is the edge's flow (y or the consumer's U)
    A_bom: sp.csr_array  # (K' + BK', n_core) rows of slots with ≠ 1 alternatives
    bom_owner: np.ndarray
    A_bal: sp.csr_array  # (P, n_core)
    A_vcap: sp.csr_array  # (V, n_core)
    col_owner: np.ndarray  # (n_core,) product owning each core column
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    # ---- layout -------------------------------------------------------------------------------
    @property
    def n_core(self) -> int:
        return self.n_products + self.n_backups + self.n_ycols + self.n_ybcols

    @property
    def sl_u(self) -> slice:
        return slice(0, self.n_products)

    @property
    def sl_ub(self) -> slice:
        return slice(self.n_products, self.n_products + self.n_backups)

    @property
    def n_bom(self) -> int:
        return int(self.A_bom.shape[0])

    @property
    def n_var(self) -> int:
        return len(self.var_products)

    def product_capacity(self, site_factor: np.ndarray) -> np.ndarray:
        """Working capacity per product and period, Σ_s φ_s c_s."""
        return np.bincount(self.site_product, weights=site_factor * self.site_capacity,
                           minlength=self.n_products)

    def site_split(self, production: np.ndarray, site_factor: np.ndarray) -> np.ndarray:
        """Per-site output: each product's output split pro rata to its sites' working capacity."""
        work = site_factor * self.site_capacity
        tot = np.bincount(self.site_product, weights=work, minlength=self.n_products)
        share = np.divide(work, tot[self.site_product], out=np.zeros_like(work), where=tot[self.site_product] > 0)
        return production[self.site_product] * share

    # ---- PI ------------------------------------------------------------------------------------
    @property
    def n_pi_cols(self) -> int:
        return self.n_core + self.n_products

    @property
    def n_pi_rows(self) -> int:
        return self.n_bom + self.n_products + 2 * self.n_var

    @cached_property
    def pi_blocks(self) -> tuple[sp.csr_array, sp.csr_array, sp.csr_array]:
        """One-period PI blocks over columns [core | l]: (bom, bal, var = [vcap; vsale])."""
        p, v = self.n_products, self.n_var
        zero_l_bom = sp.csr_array((self.n_bom, p))
        bom = sp.hstack([self.A_bom, zero_l_bom], format="csr")
        bal = sp.hstack([self.A_bal, -sp.eye_array(p, format="csr")], format="csr")
        lsel = sp.csr_array((np.ones(v), (np.arange(v), self.var_products)), shape=(v, p))
        var = sp.vstack([sp.hstack([self.A_vcap, sp.csr_array((v, p))]),
                         sp.hstack([self.A_vcap, lsel])], format="csr")
        return bom, bal, var

    def pi_matrix(self, n_phases: int) -> sp.csr_array:
        """Time-expanded PI matrix: rows [bom × M | cumulative bal × M | var × M], columns phase-major."""
        key = f"pi{n_phases}"
        if key not in self._cache:
            bom, bal, var = self.pi_blocks
            eye = sp.eye_array(n_phases, format="csr")
            tril = sp.csr_array(np.tril(np.ones((n_phases, n_phases))))
            self._cache[key] = sp.vstack([sp.kron(eye, bom), sp.kron(tril, bal), sp.kron(eye, var)],
                                         format="csr")
        return self._cache[key]  # type: ignore[no-any-return]

    @cached_property
    def pi_cost(self) -> np.ndarray:
        c = np.zeros(self.n_pi_cols)
        c[self.sl_ub] = self.backup_penalty
        c[self.n_core:] = self.margin
        return c

    @cached_property
    def pi_row_owner(self) -> np.ndarray:
        return np.concatenate([self.bom_owner, np.arange(self.n_products, dtype=_INT),
                               self.var_products, self.var_products])

    @cached_property
    def pi_col_owner(self) -> np.ndarray:
        return np.concatenate([self.col_owner, np.arange(self.n_products, dtype=_INT)])

    # ---- TTS -----------------------------------------------------------------------------------
    @cached_property
    def tts_matrix(self) -> sp.csr_array:
        """Core TTS matrix (without the t column): rows [bom | bal | vcap | cap products | cap backups]."""
        npb = self.n_products + self.n_backups
        cap = sp.hstack([sp.eye_array(npb, format="csr"), sp.csr_array((npb, self.n_ycols + self.n_ybcols))],
                        format="csr")
        return sp.vstack([self.A_bom, self.A_bal, self.A_vcap, cap], format="csr")

    @property
    def tts_off_bal(self) -> int:
        return self.n_bom

    @property
    def tts_off_cap(self) -> int:
        return self.n_bom + self.n_products + self.n_var

    @cached_property
    def tts_row_owner(self) -> np.ndarray:
        return np.concatenate([self.bom_owner, np.arange(self.n_products, dtype=_INT), self.var_products,
                               np.arange(self.n_products, dtype=_INT), self.backup_product])

    def tts_tcol(self, demand: np.ndarray, capacity: np.ndarray) -> np.ndarray:
        """Coefficients of t: +d̂ on bal rows, −θ d̂ on vcap rows, −C_j / −c_b on capacity rows."""
        return np.concatenate([np.zeros(self.n_bom), demand, -self.var_theta * demand[self.var_products],
                               -capacity, -self.backup_capacity])


def compile_structure(net: FlowNetwork, backups: BackupSites | None = None) -> Structure:
    """Build the scenario-independent sparse blocks (vectorised; no Python loops over edges)."""
    validate_network(net)
    p = net.n_products
    slot_product = np.asarray(net.slot_product, dtype=_INT)
    slot_ptr = np.asarray(net.slot_ptr, dtype=_INT)
    k = len(slot_product)
    n_in = np.diff(slot_ptr)
    edge_slot = np.repeat(np.arange(k, dtype=_INT), n_in)
    edge_input = np.asarray(net.slot_input, dtype=_INT)
    edge_qty = np.asarray(net.slot_qty, dtype=_FLOAT)
    edge_product = slot_product[edge_slot]
    site_product = np.asarray(net.site_product, dtype=_INT)
    site_cap = np.asarray(net.site_capacity, dtype=_FLOAT)
    margin = np.asarray(net.margin, dtype=_FLOAT)

    if backups is None:
        ba = {"product": np.zeros(0, _INT), "capacity": np.zeros(0), "delay": np.zeros(0),
              "input_factor": np.zeros(0), "reduced": np.zeros(0, bool), "variant_margin": np.zeros(0),
              "acceptance": np.zeros(0)}
    else:
        ba = backups.arrays(net)
    b_prod = ba["product"]
    nb = len(b_prod)

    # slots with one input are folded into U; the others keep a row and one y per edge
    multi_slot = n_in != 1
    multi_edge = multi_slot[edge_slot]
    slot_row = np.cumsum(multi_slot) - 1  # row of each kept slot
    ym = np.flatnonzero(multi_edge)
    nym = len(ym)

    # backups: a copy of every slot of their product
    slot_order = np.argsort(slot_product, kind="stable")
    prod_slot_ptr = np.concatenate([[0], np.cumsum(np.bincount(slot_product, minlength=p))]).astype(_INT)
    bslot_slot = slot_order[gather_ranges(prod_slot_ptr, b_prod)]
    bslot_backup = np.repeat(np.arange(nb, dtype=_INT), prod_slot_ptr[b_prod + 1] - prod_slot_ptr[b_prod])
    bslot_multi = multi_slot[bslot_slot]
    bslot_row = np.cumsum(bslot_multi) - 1
    bedge_src = gather_ranges(slot_ptr, bslot_slot)  # original edge of each backup edge
    bedge_bslot = np.repeat(np.arange(len(bslot_slot), dtype=_INT), n_in[bslot_slot])
    bedge_backup = bslot_backup[bedge_bslot]
    bedge_multi = bslot_multi[bedge_bslot]
    bedge_input = edge_input[bedge_src]
    bedge_qty = edge_qty[bedge_src] * ba["input_factor"][bedge_backup] if nb else np.zeros(0)
    ybm = np.flatnonzero(bedge_multi)
    nybm = len(ybm)

    o_ub, o_y, o_yb = p, p + nb, p + nb + nym
    n_core = o_yb + nybm
    k_rows = int(multi_slot.sum())
    bk_rows = int(bslot_multi.sum())

    # --- bom rows (slots with 0 or ≥ 2 inputs): U_j − Σ y ≤ 0 ; backup copies: u_b − Σ yb ≤ 0
    ks = np.flatnonzero(multi_slot)
    bks = np.flatnonzero(bslot_multi)
    rows = [slot_row[ks], slot_row[edge_slot[ym]], k_rows + bslot_row[bks], k_rows + bslot_row[bedge_bslot[ybm]]]
    cols = [slot_product[ks], o_y + np.arange(nym, dtype=_INT), o_ub + bslot_backup[bks],
            o_yb + np.arange(nybm, dtype=_INT)]
    vals = [np.ones(len(ks)), -np.ones(nym), np.ones(len(bks)), -np.ones(nybm)]
    A_bom = sp.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(k_rows + bk_rows, n_core))
    A_bom.sum_duplicates()
    bom_owner = np.concatenate([slot_product[ks], b_prod[bslot_backup[bks]]]).astype(_INT)

    # --- balance rows: + r·(y or U of the consumer) on inputs, − own output (U and backups)
    es = np.flatnonzero(~multi_edge)
    bes = np.flatnonzero(~bedge_multi)
    rows = [edge_input[ym], edge_input[es], bedge_input[ybm], bedge_input[bes],
            np.arange(p, dtype=_INT), b_prod]
    cols = [o_y + np.arange(nym, dtype=_INT), edge_product[es], o_yb + np.arange(nybm, dtype=_INT),
            o_ub + bedge_backup[bes], np.arange(p, dtype=_INT), o_ub + np.arange(nb, dtype=_INT)]
    vals = [edge_qty[ym], edge_qty[es], bedge_qty[ybm], bedge_qty[bes], -np.ones(p), -np.ones(nb)]
    A_bal = sp.csr_array((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
                         shape=(p, n_core))
    A_bal.sum_duplicates()

    # --- variant (reduced-standard) rows
    reduced = ba["reduced"]
    var_products = np.unique(b_prod[reduced]).astype(_INT)
    v = len(var_products)
    var_row = np.full(p, -1, dtype=_INT)
    var_row[var_products] = np.arange(v, dtype=_INT)
    red_idx = np.flatnonzero(reduced)
    A_vcap = sp.csr_array((np.ones(len(red_idx)), (var_row[b_prod[red_idx]], o_ub + red_idx)), shape=(v, n_core))
    theta = np.ones(v)
    if v:
        theta[var_row[b_prod[red_idx]]] = ba["acceptance"][red_idx]
    penalty = np.where(reduced, margin[b_prod] - ba["variant_margin"], 0.0) if nb else np.zeros(0)

    edge_col = np.where(multi_edge, 0, edge_product).astype(_INT)
    edge_col[ym] = o_y + np.arange(nym, dtype=_INT)
    col_owner = np.concatenate([np.arange(p, dtype=_INT), b_prod, edge_product[ym],
                                b_prod[bedge_backup[ybm]]]).astype(_INT)
    return Structure(
        n_products=p, n_sites=net.n_sites, n_backups=nb, n_ycols=nym, n_ybcols=nybm,
        margin=margin, demand=np.asarray(net.demand, dtype=_FLOAT),
        inventory=np.asarray(net.inventory, dtype=_FLOAT),
        site_product=site_product, site_capacity=site_cap,
        base_capacity=np.bincount(site_product, weights=site_cap, minlength=p),
        backup_product=b_prod, backup_capacity=ba["capacity"], backup_delay=ba["delay"],
        backup_penalty=np.maximum(penalty, 0.0), var_products=var_products, var_theta=theta,
        edge_product=edge_product, edge_input=edge_input, edge_col=edge_col,
        A_bom=A_bom, bom_owner=bom_owner, A_bal=A_bal, A_vcap=A_vcap, col_owner=col_owner,
    )
