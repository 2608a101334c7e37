"""Ghosh supply-side model: B = x̂⁻¹ Z, G = (I − B)⁻¹ = x̂⁻¹ L x̂ (METHODS.md §4).

No second factorisation: ``I − B = x̂⁻¹ (I − A) x̂`` on the positive-output sectors, so every
Ghosh solve reuses the LU factors of ``I − A``. Zero-output sectors get a zero row (and, because
their A column is zero, a zero column) in B; their row and column of G are the identity's.

The Ghosh model is implausible as a quantity model (Oosterhaven 1988): use it for allocations,
forward linkages, upstreamness and the IIM interdependency matrix A* = B only.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import numpy.typing as npt

from chainleader.analysis.io_model.leontief import LeontiefResult
from chainleader.analysis.io_model.table import FloatArray


class GhoshResult:
    """Allocation coefficients B and Ghosh-inverse solves sharing the Leontief LU factors."""

    def __init__(self, leontief: LeontiefResult) -> None:
        self.leontief = leontief
        x = leontief.x
        self.zero_output = leontief.zero_output
        self._d = np.where(self.zero_output, 0.0, x)  # x̂ with zero-output entries 0
        self._dinv = np.divide(1.0, x, out=np.zeros_like(x), where=~self.zero_output)  # x̂⁺
        self._eye_zero = self.zero_output.astype(np.float64)

    @cached_property
    def B(self) -> FloatArray:
        """直接分配系数 ``B = x̂⁻¹ Z`` (= A* of the IIM), consistent with A's zero-output handling."""
        return (self._dinv[:, None] * self.leontief.A) * self._d[None, :]

    def _scale(self, v: FloatArray, s: FloatArray) -> FloatArray:
        return s[:, None] * v if v.ndim == 2 else s * v

    def solve(self, y: npt.ArrayLike) -> FloatArray:
        """``G y`` = x̂⁻¹ L x̂ y (+ y on zero-output sectors)."""
        yv = np.asarray(y, dtype=np.float64)
        out = self._scale(self.leontief.solve(self._scale(yv, self._d)), self._dinv)
        return out + self._scale(yv, self._eye_zero)

    def solve_transposed(self, w: npt.ArrayLike) -> FloatArray:
        """``Gᵀ w`` = x̂ Lᵀ x̂⁻¹ w (+ w on zero-output sectors)."""
        wv = np.asarray(w, dtype=np.float64)
        out = self._scale(self.leontief.solve_transposed(self._scale(wv, self._dinv)), self._d)
        return out + self._scale(wv, self._eye_zero)

    @cached_property
    def G(self) -> FloatArray:
        """Dense Ghosh inverse ``x̂⁻¹ L x̂`` (from the dense L; O(n³) the first time)."""
        G = (self._dinv[:, None] * self.leontief.L) * self._d[None, :]
        G[np.diag_indices_from(G)] += self._eye_zero
        return G

    def supply_driven_output(self, v: npt.ArrayLike) -> FloatArray:
        """Ghosh output ``xᵀ = vᵀ G`` for primary inputs v (allocation use only, see module note)."""
        return self.solve_transposed(np.asarray(v, dtype=np.float64))


def ghosh(leontief: LeontiefResult) -> GhoshResult:
    """Ghosh view of a factorised table (no new factorisation)."""
    return GhoshResult(leontief)
