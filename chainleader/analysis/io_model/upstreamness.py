"""Upstreamness (Antràs et al. 2012) and downstreamness (Fally 2012), METHODS.md §4.

``U = (I − Δ)⁻¹ 1`` with ``δ_ij = z_ij / Y_i`` where ``Y_i`` is gross output:

* closed economy (``open_economy=False``): Δ = B, so ``U = G 1`` (Miller & Temurshoev 2017) and
  the Leontief LU factors are reused;
* open economy: ``δ_ij = z_ij / (x_i − X_i + M_i)`` (exports X, competitive imports M; the
  table must carry both). This Δ is not similar to A, so it gets its own LU factorisation.

Downstreamness is ``1ᵀ L``, the output multiplier. U ≥ 1 whenever Δ ≥ 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla

from chainleader.analysis.io_model.errors import IOModelError, bilingual
from chainleader.analysis.io_model.ghosh import ghosh
from chainleader.analysis.io_model.leontief import LeontiefResult
from chainleader.analysis.io_model.table import FloatArray, Label


@dataclass(frozen=True)
class UpstreamnessResult:
    industries: tuple[Label, ...]
    upstreamness: FloatArray
    downstreamness: FloatArray
    variant: str
    metadata: dict[str, object] = field(default_factory=dict)


def upstreamness(leontief: LeontiefResult, *, open_economy: bool = False) -> UpstreamnessResult:
    """Upstreamness U and downstreamness 1ᵀL for every industry."""
    table = leontief.table
    n = table.n
    down = leontief.output_multipliers
    if not open_economy:
        U = ghosh(leontief).solve(np.ones(n))
        variant = "closed: U = G 1"
    else:
        if table.imports is None or table.exports is None:
            raise IOModelError(
                bilingual(
                    "开放经济上游度需要表中的进口与出口向量（IOTable.imports / exports）",
                    "open-economy upstreamness needs the table's imports and exports vectors (IOTable.imports / exports)",
                )
            )
        absorption = table.x - table.exports + table.imports
        active = ~leontief.zero_output
        if np.any(absorption[active] <= 0):
            bad = [table.industries[i] for i in np.flatnonzero(active & (absorption <= 0))[:5]]
            raise IOModelError(
                bilingual(
                    f"这些部门的 x − 出口 + 进口 ≤ 0：{bad}，无法计算开放经济上游度；请核对进出口数据",
                    f"x − exports + imports ≤ 0 for {bad}; open-economy upstreamness is undefined, check the trade data",
                )
            )
        inv_abs = np.divide(1.0, absorption, out=np.zeros(n), where=active)
        Ztilde = leontief.A * np.where(leontief.zero_output, 0.0, table.x)[None, :]
        delta = inv_abs[:, None] * Ztilde
        lu = sla.lu_factor(np.eye(n) - delta, overwrite_a=True, check_finite=False)
        U = np.asarray(sla.lu_solve(lu, np.ones(n), check_finite=False))
        variant = "open: delta_ij = z_ij / (x_i - X_i + M_i)"
    return UpstreamnessResult(
        industries=table.industries,
        upstreamness=U,
        downstreamness=down,
        variant=variant,
        metadata={
            "variant": variant,
            "min_upstreamness": float(U.min(initial=np.inf)),
            "references": "Antràs et al. (2012); Miller & Temurshoev (2017); Fally (2012)",
        },
    )
