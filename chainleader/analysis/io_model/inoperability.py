"""Inoperability input–output models: static IIM and dynamic DIIM (METHODS.md §4).

Static IIM (Haimes & Jiang 2001): ``q = A* q + c*``, so ``q = (I − A*)⁻¹ c*`` with

* demand side: ``A* = x̂⁻¹ A x̂ = B`` (the Ghosh allocation matrix) and ``c* = x̂⁻¹ Δf``,
  where Δf is the **reduction** in final demand (positive = loss); then ``x̂ q = L Δf``
  (Dietzenbacher & Miller 2015), so the Leontief factors are reused;
* supply side (Leung, Haimes & Santos 2007): ``A*ˢ = Aᵀ`` and ``c*ˢ = x̂⁻¹ Δv``.

Inoperability is a share of lost output, so q is clipped to [0, 1] and the saturated sectors are
flagged. ``clip="post"`` clips the linear solution (as in Haimes & Jiang 2001);
``clip="fixed_point"`` solves ``q = min(1, max(0, A* q + c*))`` instead, so a saturated sector
passes on at most full inoperability. Economic loss is ``x_i q_i``; rank sectors by both.

DIIM (Lian & Haimes 2006), **timing convention**: ``q(0)`` is the inoperability at ``t = 0``;
``c*(k)`` acts during step ``k``, i.e. on ``[t_k, t_{k+1})``; the trajectory holds
``q(t_k)`` for ``k = 0..T`` with ``t_k = k·dt``::

    q(k+1) = clip( q(k) + dt·K [A* q(k) + c*(k) − q(k)] )

(``dt = 1`` is Lian & Haimes' discrete form). For constant c* and no clipping the continuous
model has the closed form ``q(t) = q∞ + exp(−K(I − A*) t)(q(0) − q∞)``, ``q∞ = (I − A*)⁻¹ c*``.
Cumulative loss is the trapezoid rule applied to ``x_i q_i(t)``; x must then be output per unit
of time (e.g. daily output when dt is in days).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import scipy.linalg as sla

from chainleader.analysis.io_model.errors import InoperabilityError, bilingual
from chainleader.analysis.io_model.ghosh import ghosh
from chainleader.analysis.io_model.leontief import LeontiefResult
from chainleader.analysis.io_model.table import BoolArray, FloatArray

Side = Literal["demand", "supply"]
ClipMode = Literal["post", "fixed_point", "none"]


@dataclass(frozen=True)
class InoperabilityResult:
    q: FloatArray
    q_unclipped: FloatArray
    saturated: BoolArray  # linear solution > 1, reported as 1
    loss: FloatArray | None  # x_i q_i
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def total_loss(self) -> float | None:
        return None if self.loss is None else float(self.loss.sum())

    def rank_by_inoperability(self) -> npt.NDArray[np.intp]:
        return np.argsort(-self.q, kind="stable")

    def rank_by_loss(self) -> npt.NDArray[np.intp]:
        if self.loss is None:
            raise InoperabilityError(
                bilingual("没有给出总产出 x，无法按损失排序", "no output x given: cannot rank by loss")
            )
        return np.argsort(-self.loss, kind="stable")


@dataclass(frozen=True)
class DynamicInoperabilityResult:
    t: FloatArray  # (T+1,)
    q: FloatArray  # (T+1, n)
    loss_rate: FloatArray | None  # (T+1, n): x_i q_i(t)
    cumulative_loss: FloatArray | None  # (n,): trapezoid of x_i q_i(t)
    clipped_steps: int
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def total_cumulative_loss(self) -> float | None:
        return None if self.cumulative_loss is None else float(self.cumulative_loss.sum())


def _square(a: npt.ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1]:
        raise InoperabilityError(
            bilingual(f"{name} 必须是方阵，实际 {arr.shape}", f"{name} must be square, got {arr.shape}")
        )
    return arr


def _vector(v: npt.ArrayLike | None, n: int, name: str) -> FloatArray | None:
    if v is None:
        return None
    arr = np.asarray(v, dtype=np.float64).reshape(-1)
    if arr.shape != (n,):
        raise InoperabilityError(
            bilingual(
                f"{name} 长度应为 {n}，实际 {arr.shape[0]}",
                f"{name} must have length {n}, got {arr.shape[0]}",
            )
        )
    return arr


def interdependency_matrix(leontief: LeontiefResult, side: Side = "demand") -> FloatArray:
    """A* from a table: ``x̂⁻¹ A x̂`` (= B) on the demand side, ``Aᵀ`` on the supply side."""
    if side == "demand":
        return ghosh(leontief).B
    if side == "supply":
        return np.ascontiguousarray(leontief.A.T)
    raise InoperabilityError(
        bilingual(
            f"side 只能是 'demand' 或 'supply'，收到 {side!r}",
            f"side must be 'demand' or 'supply', got {side!r}",
        )
    )


def _finish(
    q_lin: FloatArray,
    a_star: FloatArray | None,
    c_star: FloatArray,
    x: FloatArray | None,
    clip: ClipMode,
    meta: dict[str, object],
) -> InoperabilityResult:
    q = q_lin.copy()
    iterations = 0
    if clip == "post":
        q = np.clip(q, 0.0, 1.0)
    elif clip == "fixed_point":
        if a_star is None:
            raise InoperabilityError(bilingual("fixed_point 需要 A*", "clip='fixed_point' needs A*"))
        q = np.clip(q, 0.0, 1.0)
        for iterations in range(1, 100_001):  # noqa: B007 - count is reported
            nxt = np.clip(a_star @ q + c_star, 0.0, 1.0)
            done = float(np.abs(nxt - q).max(initial=0.0)) <= 1e-14
            q = nxt
            if done:
                break
    elif clip != "none":
        raise InoperabilityError(
            bilingual(
                f"clip 只能是 post / fixed_point / none，收到 {clip!r}",
                f"clip must be post, fixed_point or none, got {clip!r}",
            )
        )
    meta = {**meta, "clip": clip, "fixed_point_iterations": iterations}
    return InoperabilityResult(
        q=q, q_unclipped=q_lin, saturated=q_lin > 1.0, loss=None if x is None else x * q, metadata=meta
    )


def inoperability(
    a_star: npt.ArrayLike,
    c_star: npt.ArrayLike,
    *,
    x: npt.ArrayLike | None = None,
    clip: ClipMode = "post",
) -> InoperabilityResult:
    """Static IIM ``q = (I − A*)⁻¹ c*`` for a given interdependency matrix (e.g. a published A*)."""
    A = _square(a_star, "A*")
    n = A.shape[0]
    c = _vector(c_star, n, "c*")
    assert c is not None
    xv = _vector(x, n, "x")
    lu = sla.lu_factor(np.eye(n) - A, check_finite=False)
    q_lin = np.asarray(sla.lu_solve(lu, c, check_finite=False))
    return _finish(q_lin, A, c, xv, clip, {"model": "IIM (Haimes & Jiang 2001)", "A_star": "given"})


def _relative(delta: npt.ArrayLike, leontief: LeontiefResult, name: str) -> FloatArray:
    d = _vector(delta, leontief.n, name)
    assert d is not None
    zero = leontief.zero_output
    if np.any(d[zero] != 0.0):
        raise InoperabilityError(
            bilingual(
                f"{name} 作用于总产出为 0 的部门，惯性比例无定义；请去掉这些部门的扰动",
                f"{name} hits zero-output sectors, where inoperability is undefined; remove those entries",
            )
        )
    return np.divide(d, leontief.x, out=np.zeros(leontief.n), where=~zero)


def demand_side_inoperability(
    leontief: LeontiefResult, delta_f: npt.ArrayLike, *, clip: ClipMode = "post"
) -> InoperabilityResult:
    """Demand-side IIM with ``A* = x̂⁻¹Ax̂`` and ``c* = x̂⁻¹Δf`` (Δf = reduction in final demand).

    Solved as ``q = x̂⁻¹ L Δf`` on the Leontief factors (identical to ``(I − A*)⁻¹ c*``).
    """
    c = _relative(delta_f, leontief, "delta_f")
    df = np.asarray(delta_f, dtype=np.float64).reshape(-1)
    q_lin = np.divide(leontief.solve(df), leontief.x, out=np.zeros(leontief.n), where=~leontief.zero_output)
    a_star = ghosh(leontief).B if clip == "fixed_point" else None
    return _finish(q_lin, a_star, c, leontief.x, clip, {"model": "demand-side IIM", "A_star": "x^-1 A x = B"})


def supply_side_inoperability(
    leontief: LeontiefResult, delta_v: npt.ArrayLike, *, clip: ClipMode = "post"
) -> InoperabilityResult:
    """Supply-side IIM (Leung et al. 2007): ``q = Aᵀ q + x̂⁻¹ Δv`` (Δv = loss of primary inputs)."""
    c = _relative(delta_v, leontief, "delta_v")
    q_lin = leontief.solve_transposed(c)
    a_star = np.ascontiguousarray(leontief.A.T) if clip == "fixed_point" else None
    return _finish(
        q_lin, a_star, c, leontief.x, clip, {"model": "supply-side IIM (Leung et al. 2007)", "A_star": "A^T"}
    )


def _dynamic_inputs(
    a_star: npt.ArrayLike, k: npt.ArrayLike, q0: npt.ArrayLike, x: npt.ArrayLike | None
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray | None]:
    A = _square(a_star, "A*")
    n = A.shape[0]
    kv = _vector(k, n, "k")
    qv = _vector(q0, n, "q0")
    assert kv is not None and qv is not None
    if np.any(kv < 0):
        raise InoperabilityError(
            bilingual("恢复系数 k 不能为负", "resilience coefficients k must be non-negative")
        )
    return A, kv, qv, _vector(x, n, "x")


def _dynamic_result(
    t: FloatArray, q: FloatArray, x: FloatArray | None, clipped: int, meta: dict[str, object]
) -> DynamicInoperabilityResult:
    rate = None if x is None else q * x[None, :]
    cum = None if rate is None else np.asarray(np.trapezoid(rate, t, axis=0), dtype=np.float64)
    meta = {
        **meta,
        "timing": "q[k] = q(t_k), t_k = k*dt; c*(k) acts on [t_k, t_k+1); loss = trapezoid of x_i q_i(t)",
    }
    return DynamicInoperabilityResult(
        t=t, q=q, loss_rate=rate, cumulative_loss=cum, clipped_steps=clipped, metadata=meta
    )


def dynamic_inoperability(
    a_star: npt.ArrayLike,
    k: npt.ArrayLike,
    q0: npt.ArrayLike,
    c_star: npt.ArrayLike,
    *,
    n_steps: int,
    dt: float = 1.0,
    x: npt.ArrayLike | None = None,
    clip: bool = True,
) -> DynamicInoperabilityResult:
    """Discrete DIIM; ``c_star`` is constant ``(n,)`` or per step ``(n_steps, n)``. See module docstring."""
    A, kv, q, xv = _dynamic_inputs(a_star, k, q0, x)
    n = A.shape[0]
    c = np.asarray(c_star, dtype=np.float64)
    if c.shape not in ((n,), (n_steps, n)):
        raise InoperabilityError(
            bilingual(
                f"c* 形状应为 ({n},) 或 ({n_steps}, {n})，实际 {c.shape}",
                f"c* must have shape ({n},) or ({n_steps}, {n}), got {c.shape}",
            )
        )
    if np.any(dt * kv > 1.0):
        raise InoperabilityError(
            bilingual(
                "dt·k > 1 会使离散 DIIM 越过平衡点；请减小步长 dt",
                "dt·k > 1 makes the discrete DIIM overshoot; use a smaller dt",
            )
        )
    out = np.empty((n_steps + 1, n))
    out[0] = q
    clipped = 0
    for step in range(n_steps):
        cs = c if c.ndim == 1 else c[step]
        q = q + dt * kv * (A @ q + cs - q)
        if clip:
            lo, hi = q.min(initial=0.0), q.max(initial=0.0)
            if lo < 0.0 or hi > 1.0:
                clipped += 1
                q = np.clip(q, 0.0, 1.0)
        out[step + 1] = q
    t = np.arange(n_steps + 1, dtype=np.float64) * dt
    return _dynamic_result(
        t, out, xv, clipped, {"model": "DIIM discrete (Lian & Haimes 2006)", "dt": dt, "clip": clip}
    )


def dynamic_inoperability_closed_form(
    a_star: npt.ArrayLike,
    k: npt.ArrayLike,
    q0: npt.ArrayLike,
    c_star: npt.ArrayLike,
    times: npt.ArrayLike,
    *,
    x: npt.ArrayLike | None = None,
) -> DynamicInoperabilityResult:
    """Continuous DIIM for constant c*: ``q(t) = q∞ + exp(−K(I − A*)t)(q(0) − q∞)`` (no clipping)."""
    A, kv, q, xv = _dynamic_inputs(a_star, k, q0, x)
    n = A.shape[0]
    c = _vector(c_star, n, "c*")
    t = np.asarray(times, dtype=np.float64).reshape(-1)
    I_A = np.eye(n) - A
    q_inf = np.asarray(sla.solve(I_A, c, check_finite=False))
    M = kv[:, None] * I_A
    out = np.empty((t.size, n))
    steps = np.diff(t)
    if t.size > 1 and np.allclose(steps, steps[0], rtol=1e-12, atol=0.0):  # equal spacing: one expm
        E = sla.expm(-M * steps[0])
        cur = sla.expm(-M * t[0]) @ (q - q_inf)
        for i in range(t.size):
            out[i] = q_inf + cur
            cur = E @ cur
    else:
        for i, ti in enumerate(t):
            out[i] = q_inf + sla.expm(-M * ti) @ (q - q_inf)
    return _dynamic_result(t, out, xv, 0, {"model": "DIIM closed form (Lian & Haimes 2006)", "q_inf": q_inf})


def resilience_coefficients(
    q0: npt.ArrayLike, q_target: npt.ArrayLike, recovery_time: npt.ArrayLike, a_star_diagonal: npt.ArrayLike
) -> FloatArray:
    """Industry resilience ``k_i = ln(q_i(0)/q_i(T_i)) / (T_i (1 − a*_ii))`` (Lian & Haimes 2006).

    ``q_target`` is the inoperability reached at the recovery time ``T_i`` (e.g. 1 % of q(0)).
    """
    q0v, qt, T, aii = (
        np.asarray(v, dtype=np.float64) for v in (q0, q_target, recovery_time, a_star_diagonal)
    )
    if np.any(q0v <= 0) or np.any(qt <= 0) or np.any(qt >= q0v):
        raise InoperabilityError(bilingual("需要 0 < q(T) < q(0)", "need 0 < q(T) < q(0)"))
    if np.any(T <= 0) or np.any(aii >= 1):
        raise InoperabilityError(bilingual("需要 T > 0 且 a*_ii < 1", "need T > 0 and a*_ii < 1"))
    return np.asarray(np.log(q0v / qt) / (T * (1.0 - aii)), dtype=np.float64)
