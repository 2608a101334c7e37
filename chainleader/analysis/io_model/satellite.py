"""Extension (satellite-account) intensities and multipliers, e.g. emissions (METHODS.md §4).

* Direct intensity ``S = F x̂⁻¹`` (0 for zero-output sectors, as pymrio does).
* Total multipliers ``M = S L``, computed as one multi-right-hand-side solve
  ``(I − A)ᵀ Mᵀ = Sᵀ`` on the existing LU factors (no dense L).
* Footprint of a final-demand vector ``f``: ``M f`` (+ direct final-demand stressors ``F_Y``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from chainleader.analysis.io_model.errors import IOModelError, bilingual
from chainleader.analysis.io_model.leontief import LeontiefResult
from chainleader.analysis.io_model.table import Extension, FloatArray


@dataclass(frozen=True)
class ExtensionMultiplierResult:
    name: str
    stressors: tuple[str, ...]
    units: tuple[str, ...]
    intensity: FloatArray  # S, (s, n)
    multipliers: FloatArray  # M = S L, (s, n)
    metadata: dict[str, object] = field(default_factory=dict)

    def footprint(self, f: npt.ArrayLike) -> FloatArray:
        """Stressors embodied in final demand ``f`` (vector or n × k): ``M f``."""
        return self.multipliers @ np.asarray(f, dtype=np.float64)


def extension_multipliers(leontief: LeontiefResult, extension: str | Extension) -> ExtensionMultiplierResult:
    """Intensities ``F x̂⁻¹`` and total multipliers ``F x̂⁻¹ L`` of one extension of the table."""
    table = leontief.table
    if isinstance(extension, str):
        if extension not in table.extensions:
            raise IOModelError(
                bilingual(
                    f"表中没有扩展账户 {extension!r}；已有 {sorted(table.extensions)}",
                    f"the table has no extension {extension!r}; available: {sorted(table.extensions)}",
                )
            )
        ext = table.extensions[extension]
    else:
        ext = extension
    if ext.F.shape[1] != table.n:
        raise IOModelError(
            bilingual(
                f"扩展账户 {ext.name!r} 的列数 {ext.F.shape[1]} 与产业数 {table.n} 不符",
                f"extension {ext.name!r} has {ext.F.shape[1]} columns, the table has {table.n} industries",
            )
        )
    x = table.x
    inv_x = np.divide(1.0, x, out=np.zeros_like(x), where=x != 0.0)
    S = ext.F * inv_x[None, :]
    M = leontief.solve_transposed(S.T).T
    return ExtensionMultiplierResult(
        name=ext.name,
        stressors=ext.stressors,
        units=ext.units,
        intensity=np.ascontiguousarray(S),
        multipliers=np.ascontiguousarray(M),
        metadata={
            "definition": "S = F x^-1 (0 where x = 0); M = S L",
            "zero_output_sectors": leontief.metadata["zero_output_sectors"],
        },
    )
