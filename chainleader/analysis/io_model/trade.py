"""Domestic and imported coefficients and the import content of production (METHODS.md §4).

Chinese NBS tables are competitive-import tables: imports of product i are not split by user.
The usual proportionality assumption gives the import share
``m_i = M_i / (x_i − EX_i + M_i)`` and

    A^d = (I − M̂) A   (domestic coefficients, 国内直接消耗系数)
    A^m = M̂ A         (imported coefficients)

For a multi-regional table (no import vector) "domestic" means the same region: A^d is the
block diagonal of A and A^m the rest.

Import content (vertical specialisation, Hummels, Ishii & Yi 2001): imported inputs embodied,
directly and through domestic supply chains, in one unit of each industry's output:
``ic = 1ᵀ A^m (I − A^d)⁻¹`` (one transposed solve per region block).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla

from chainleader.analysis.io_model.errors import IOModelError, bilingual
from chainleader.analysis.io_model.leontief import technical_coefficients
from chainleader.analysis.io_model.table import FloatArray, IOTable, Label


@dataclass(frozen=True)
class DomesticCoefficientsResult:
    industries: tuple[Label, ...]
    A_domestic: FloatArray
    A_imported: FloatArray
    import_share: FloatArray | None  # m_i (competitive-import tables only)
    variant: str
    metadata: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class ImportContentResult:
    industries: tuple[Label, ...]
    direct: FloatArray  # 1ᵀ A^m
    total: FloatArray  # 1ᵀ A^m (I − A^d)⁻¹
    variant: str
    metadata: dict[str, object] = field(default_factory=dict)


def import_shares(table: IOTable) -> FloatArray:
    """``m_i = M_i / (x_i − EX_i + M_i)`` (0 where the denominator is 0 and M_i = 0)."""
    if table.imports is None or table.exports is None:
        raise IOModelError(
            bilingual(
                "竞争型进口表需要 imports 与 exports 向量（用 IOTable.from_competitive_import 构建）",
                "a competitive-import table needs the imports and exports vectors (build it with IOTable.from_competitive_import)",
            )
        )
    denom = table.x - table.exports + table.imports
    bad = (denom <= 0) & (table.imports > 0)
    if np.any(bad):
        labs = [table.industries[i] for i in np.flatnonzero(bad)[:5]]
        raise IOModelError(
            bilingual(
                f"这些部门 x − 出口 + 进口 ≤ 0 但有进口：{labs}，无法计算进口比例；请核对进出口数据",
                f"x − exports + imports ≤ 0 with positive imports for {labs}; check the trade data",
            )
        )
    m = np.divide(table.imports, denom, out=np.zeros(table.n), where=denom > 0)
    return m


def domestic_coefficients(table: IOTable) -> DomesticCoefficientsResult:
    """Split A into domestic and imported coefficients (see module docstring)."""
    A, _ = technical_coefficients(table)
    if table.imports is not None:
        m = import_shares(table)
        Ad = (1.0 - m)[:, None] * A
        return DomesticCoefficientsResult(
            table.industries,
            Ad,
            A - Ad,
            m,
            "competitive-import: A^d = (I - M^) A",
            {"import_share": "m_i = M_i / (x_i - EX_i + M_i)"},
        )
    region = np.array([r for r, _ in table.industries])
    same = region[:, None] == region[None, :]
    Ad = np.where(same, A, 0.0)
    return DomesticCoefficientsResult(
        table.industries, Ad, A - Ad, None, "multi-regional: same-region block diagonal"
    )


def import_content(table: IOTable) -> ImportContentResult:
    """Direct and total import content of each industry's output (Hummels, Ishii & Yi 2001)."""
    dc = domestic_coefficients(table)
    direct = dc.A_imported.sum(axis=0)
    if dc.import_share is not None:
        lu = sla.lu_factor(np.eye(table.n) - dc.A_domestic, check_finite=False)
        total = np.asarray(sla.lu_solve(lu, direct, trans=1, check_finite=False))
    else:
        total = np.empty(table.n)
        region = [r for r, _ in table.industries]
        for r in dict.fromkeys(region):
            idx = np.array([i for i, rr in enumerate(region) if rr == r])
            block = np.eye(idx.size) - dc.A_domestic[np.ix_(idx, idx)]
            lu = sla.lu_factor(block, check_finite=False)
            total[idx] = sla.lu_solve(lu, direct[idx], trans=1, check_finite=False)
    return ImportContentResult(
        table.industries,
        direct,
        total,
        dc.variant,
        {"definition": "ic = 1' A^m (I - A^d)^-1", "reference": "Hummels, Ishii & Yi (2001)"},
    )
