"""Leontief quantity model: A = Z x̂⁻¹, L = (I − A)⁻¹, x = L f (METHODS.md §4).

``I − A`` is LU-factorised once (``scipy.linalg.lu_factor``) and every indicator reuses the
factors: a vector indicator costs one triangular solve pair, the dense inverse ``L`` is only
built when asked for (:attr:`LeontiefResult.L`), never with ``inv``.
Zero-output sectors get a zero column in A (and a zero row in B, see ``ghosh``) and are flagged.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import scipy.linalg as sla
import scipy.sparse.linalg as spla

from chainleader.analysis.io_model.errors import NotProductiveError, bilingual
from chainleader.analysis.io_model.table import BoolArray, FloatArray, IOTable

SpectralMethod = Literal["auto", "bounds", "dense", "arpack"]
_DENSE_EIG_MAX_N = 1500
_POWER_ITERATIONS = 200


@dataclass(frozen=True)
class ProductivityCheck:
    """Evidence that the spectral radius ρ(A) is below 1 (the Hawkins–Simon / productivity condition).

    For a non-negative A the Collatz–Wielandt bounds ``min_i (Ay)_i/y_i ≤ ρ ≤ max_i (Ay)_i/y_i``
    (any y > 0; y = x first, then power iterations) usually decide the question in O(n²);
    otherwise ρ is computed (dense eigenvalues for small n, ARPACK for large n, v0 = 1 so the
    run is deterministic). ``method`` records which one decided.
    """

    productive: bool
    lower_bound: float
    upper_bound: float
    spectral_radius: float | None
    method: str


def _collatz_bounds(A: FloatArray, y: FloatArray) -> tuple[float, float]:
    ratio = (A @ y) / y
    return float(ratio.min()), float(ratio.max())


def check_productivity(A: FloatArray, x: FloatArray, method: SpectralMethod = "auto") -> ProductivityCheck:
    """Decide whether ρ(A) < 1; see :class:`ProductivityCheck`."""
    n = A.shape[0]
    if n == 0:
        return ProductivityCheck(True, 0.0, 0.0, 0.0, "empty")
    nonneg = bool(A.min() >= 0.0)
    if nonneg and method in ("auto", "bounds"):
        pos = x > 0
        sub = A[np.ix_(pos, pos)] if not pos.all() else A  # zero-output columns are 0: ρ(A) = ρ(A_PP)
        if sub.shape[0] == 0:
            return ProductivityCheck(True, 0.0, 0.0, 0.0, "collatz-wielandt")
        lo, hi = _collatz_bounds(sub, x[pos])
        lo = max(lo, float(sub.sum(axis=0).min()))
        hi = min(hi, float(sub.sum(axis=0).max()))
        y = x[pos] / x[pos].max()
        for _ in range(_POWER_ITERATIONS):
            if hi < 1.0 or lo >= 1.0 or hi - lo < 1e-12:
                break
            y = sub @ y + y  # power step on A + I (primitive when A is irreducible)
            y /= y.max()
            if y.min() <= 0.0:
                break
            l2, h2 = _collatz_bounds(sub, y)
            lo, hi = max(lo, l2), min(hi, h2)
        if hi < 1.0 or lo >= 1.0:
            return ProductivityCheck(hi < 1.0, lo, hi, None, "collatz-wielandt")
        if method == "bounds":
            raise NotProductiveError(
                bilingual(
                    f"界值法无法判定谱半径（{lo:.6g} ≤ ρ ≤ {hi:.6g}），请改用 spectral_method='auto'",
                    f"the bounds cannot decide the spectral radius ({lo:.6g} ≤ ρ ≤ {hi:.6g}); use spectral_method='auto'",
                )
            )
    if method == "dense" or (method in ("auto", "bounds") and n <= _DENSE_EIG_MAX_N):
        rho = float(np.abs(np.linalg.eigvals(A)).max())
        how = "dense-eigvals"
    else:
        vals = spla.eigs(
            A, k=1, which="LM", v0=np.ones(n), return_eigenvectors=False, maxiter=10 * n, tol=1e-10
        )
        rho = float(np.abs(vals).max())
        how = "arpack"
    return ProductivityCheck(rho < 1.0, rho, rho, rho, how)


class LeontiefResult:
    """A, the LU factors of I − A, and the diagnostics of one table (build with :func:`leontief`)."""

    def __init__(
        self,
        table: IOTable,
        A: FloatArray,
        lu: tuple[FloatArray, Any],
        productivity: ProductivityCheck,
        zero_output: BoolArray,
    ) -> None:
        self.table = table
        self.A = A
        self._lu = lu
        self.productivity = productivity
        self.zero_output = zero_output
        f = table.f
        x_solved = self.solve(f)
        scale = max(float(np.abs(f).max(initial=0.0)), float(np.abs(table.x).max(initial=0.0)), 1e-300)
        self.x_solved: FloatArray = x_solved
        #: ‖(I − A) L f − f‖∞ / scale: accuracy of the factorised solve
        self.residual = float(np.abs(x_solved - A @ x_solved - f).max(initial=0.0) / scale)
        #: ‖(I − A) x − f‖∞ / scale with the table's x: nonzero only for zero-output rows with sales
        self.table_residual = float(np.abs(table.x - A @ table.x - f).max(initial=0.0) / scale)
        self.metadata: dict[str, object] = {
            "n": table.n,
            "zero_output_sectors": [table.industries[i] for i in np.flatnonzero(zero_output)],
            "productivity_method": productivity.method,
            "spectral_radius_bounds": (productivity.lower_bound, productivity.upper_bound),
            "factorisation": "scipy.linalg.lu_factor(I - A)",
        }

    @property
    def x(self) -> FloatArray:
        return self.table.x

    @property
    def n(self) -> int:
        return int(self.A.shape[0])

    def solve(self, f: npt.ArrayLike) -> FloatArray:
        """``L f`` (f may be a vector or an n × k matrix)."""
        return np.asarray(sla.lu_solve(self._lu, np.asarray(f, dtype=np.float64), check_finite=False))

    def solve_transposed(self, b: npt.ArrayLike) -> FloatArray:
        """``Lᵀ b``, i.e. the solution of ``(I − A)ᵀ y = b``."""
        return np.asarray(
            sla.lu_solve(self._lu, np.asarray(b, dtype=np.float64), trans=1, check_finite=False)
        )

    @cached_property
    def L(self) -> FloatArray:
        """Dense Leontief inverse, built from the existing LU factors (O(n³); avoid at large n)."""
        return self.solve(np.eye(self.n))

    def complete_consumption_coefficients(self) -> FloatArray:
        """完全消耗系数 ``L − I`` (Chinese usage; do not use it as the multiplier matrix)."""
        return self.L - np.eye(self.n)

    @cached_property
    def output_multipliers(self) -> FloatArray:
        """Simple output multipliers ``m = 1ᵀ L`` via one solve ``(I − A)ᵀ m = 1``."""
        return self.solve_transposed(np.ones(self.n))


def technical_coefficients(table: IOTable) -> tuple[FloatArray, BoolArray]:
    """``A = Z x̂⁻¹`` with the columns of zero-output sectors set to 0; returns (A, zero_output)."""
    x = table.x
    zero = x == 0.0
    inv_x = np.divide(1.0, x, out=np.zeros_like(x), where=~zero)
    return table.Z * inv_x[None, :], zero


def leontief(
    table: IOTable,
    *,
    require_productive: bool = True,
    spectral_method: SpectralMethod = "auto",
) -> LeontiefResult:
    """Build A, factorise ``I − A`` once and check productivity and residuals.

    Raises :class:`NotProductiveError` when ρ(A) ≥ 1 unless ``require_productive=False`` (then the
    result carries ``productivity.productive == False`` and L may have negative entries).
    """
    A, zero = technical_coefficients(table)
    prod = check_productivity(A, table.x, spectral_method)
    if require_productive and not prod.productive:
        raise NotProductiveError(
            bilingual(
                f"直接消耗系数矩阵 A 不满足生产性条件（谱半径 ≥ {prod.lower_bound:.6g}），"
                "请检查 Z 与总产出的单位是否一致、是否有列和 ≥ 1 的部门；确需计算时传 require_productive=False",
                f"A is not productive (spectral radius ≥ {prod.lower_bound:.6g}); check that Z and total output "
                "use the same units and look for columns of A summing to ≥ 1; pass require_productive=False to go on anyway",
            )
        )
    M = np.negative(A)  # I − A without a dense identity temporary
    M.flat[:: table.n + 1] += 1.0
    lu = sla.lu_factor(M, overwrite_a=True, check_finite=False)
    return LeontiefResult(table, A, lu, prod, zero)
