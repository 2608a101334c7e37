"""Output multipliers, Rasmussen backward/forward linkages and key sectors (METHODS.md §4).

* Output multiplier ``m = 1ᵀ L`` (one transposed solve).
* Backward linkage (影响力系数) ``BL_j = n Σ_i l_ij / Σ_ij l_ij``.
* Forward linkage (感应度系数) ``FL_i = n Σ_j g_ij / Σ_ij g_ij`` with the Ghosh inverse
  (``forward="ghosh"``, the default, as recommended by Miller & Blair 2009 ch. 12), or the
  traditional Chinese form on the rows of L (``forward="leontief_rows"``).
* Key sector: ``BL > 1`` and ``FL > 1``.
Both linkages average exactly 1 over the n sectors.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from chainleader.analysis.io_model.errors import IOModelError, bilingual
from chainleader.analysis.io_model.ghosh import GhoshResult, ghosh
from chainleader.analysis.io_model.leontief import LeontiefResult
from chainleader.analysis.io_model.table import BoolArray, FloatArray, Label

ForwardMethod = Literal["ghosh", "leontief_rows"]


@dataclass(frozen=True)
class LinkageResult:
    """Multipliers and Rasmussen linkages for each industry (same order as ``industries``)."""

    industries: tuple[Label, ...]
    output_multipliers: FloatArray
    backward: FloatArray
    forward: FloatArray
    key_sector: BoolArray
    forward_method: ForwardMethod
    metadata: dict[str, object] = field(default_factory=dict)

    def key_sectors(self) -> list[Label]:
        return [lab for lab, k in zip(self.industries, self.key_sector, strict=True) if k]


def output_multipliers(leontief: LeontiefResult) -> FloatArray:
    """Simple output multipliers ``1ᵀ L`` (= Fally 2012 downstreamness)."""
    return leontief.output_multipliers


def linkages(
    leontief: LeontiefResult,
    *,
    forward: ForwardMethod = "ghosh",
    ghosh_result: GhoshResult | None = None,
) -> LinkageResult:
    """Backward and forward linkages, normalised to average 1, and the key-sector flags."""
    n = leontief.n
    m = leontief.output_multipliers
    backward = n * m / m.sum()
    if forward == "ghosh":
        g = (ghosh_result or ghosh(leontief)).solve(np.ones(n))
    elif forward == "leontief_rows":
        g = leontief.solve(np.ones(n))
    else:
        raise IOModelError(
            bilingual(
                f"forward 只能是 'ghosh' 或 'leontief_rows'，收到 {forward!r}",
                f"forward must be 'ghosh' or 'leontief_rows', got {forward!r}",
            )
        )
    fwd = n * g / g.sum()
    return LinkageResult(
        industries=leontief.table.industries,
        output_multipliers=m,
        backward=backward,
        forward=fwd,
        key_sector=(backward > 1.0) & (fwd > 1.0),
        forward_method=forward,
        metadata={
            "forward": forward,
            "reference": "Miller & Blair (2009) ch. 12"
            if forward == "ghosh"
            else "L row sums (traditional Chinese 感应度系数)",
            "zero_output_sectors": leontief.metadata["zero_output_sectors"],
        },
    )
