"""Convert between :class:`IOTable` and a ``pymrio.IOSystem`` (pymrio is optional, imported lazily).

``from_pymrio`` takes Z and Y (labelled by ``(region, sector)`` / ``(region, category)``), the
system's x as ``x_reported`` when present, and every extension's F (and F_Y). The value-added
rows come from the extension named ``value_added`` (default ``"factor_inputs"``, pymrio's name)
when it exists. ``to_pymrio`` builds an IOSystem with Z, Y, x, the extensions and, when the table
has V, a ``factor_inputs`` extension.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainleader.analysis.io_model.errors import IOModelError, bilingual
from chainleader.analysis.io_model.table import Extension, IOTable


def _pymrio() -> Any:
    try:
        import pymrio
    except ImportError as exc:
        raise IOModelError(
            bilingual(
                "需要可选依赖 pymrio：pip install pymrio",
                "the optional dependency pymrio is needed: pip install pymrio",
            )
        ) from exc
    return pymrio


def _labels(index: Any) -> tuple[tuple[str, str], ...]:
    out = []
    for lab in index:
        if isinstance(lab, tuple):
            out.append((str(lab[0]), " | ".join(str(v) for v in lab[1:])))
        else:
            out.append(("", str(lab)))
    return tuple(out)


def _row_names(index: Any) -> tuple[str, ...]:
    return tuple(" | ".join(str(v) for v in lab) if isinstance(lab, tuple) else str(lab) for lab in index)


def from_pymrio(io_system: Any, *, value_added: str | None = "factor_inputs", name: str = "") -> IOTable:
    """An :class:`IOTable` from a pymrio ``IOSystem`` (Z and Y must be present, e.g. ``pymrio.load_test()``)."""
    if getattr(io_system, "Z", None) is None or getattr(io_system, "Y", None) is None:
        raise IOModelError(
            bilingual(
                "IOSystem 缺少 Z 或 Y；如只有 A，请先 calc_Z / reset_to_flows",
                "the IOSystem lacks Z or Y; if it only holds A, run reset_to_flows first",
            )
        )
    Z = io_system.Z
    Y = io_system.Y.reindex(index=Z.index)
    x = getattr(io_system, "x", None)
    exts: dict[str, Extension] = {}
    V = None
    va_labels: tuple[str, ...] = ()
    for ext in io_system.get_extensions(data=True):
        F = getattr(ext, "F", None)
        if F is None:
            continue
        F = F.reindex(columns=Z.columns)
        unit_df = getattr(ext, "unit", None)
        units = (
            tuple(str(u) for u in unit_df.reindex(F.index).iloc[:, 0])
            if unit_df is not None
            else ("",) * len(F.index)
        )
        FY = getattr(ext, "F_Y", None)
        key = str(getattr(ext, "name", "extension")).strip().lower().replace(" ", "_")
        exts[key] = Extension(
            key,
            F.to_numpy(dtype=np.float64),
            _row_names(F.index),
            units,
            None if FY is None else FY.reindex(columns=Y.columns).to_numpy(dtype=np.float64),
        )
        if value_added is not None and key == value_added:
            V, va_labels = F.to_numpy(dtype=np.float64), _row_names(F.index)
    unit = ""
    if getattr(io_system, "unit", None) is not None and len(io_system.unit):
        unit = str(io_system.unit.iloc[0, 0])
    return IOTable(
        Z=Z.to_numpy(dtype=np.float64),
        Y=Y.to_numpy(dtype=np.float64),
        industries=_labels(Z.index),
        final_demand_labels=_labels(Y.columns),
        V=V,
        value_added_labels=va_labels,
        x_reported=None if x is None else x.reindex(Z.index).to_numpy(dtype=np.float64).reshape(-1),
        extensions=exts,
        unit=unit,
        name=name or str(getattr(io_system, "name", "") or ""),
    )


def to_pymrio(table: IOTable) -> Any:
    """A ``pymrio.IOSystem`` holding Z, Y, x (row sums), the extensions and V as ``factor_inputs``."""
    pymrio = _pymrio()
    import pandas as pd

    idx = pd.MultiIndex.from_tuples(table.industries, names=["region", "sector"])
    cols = pd.MultiIndex.from_tuples(table.final_demand_labels, names=["region", "category"])
    io_sys = pymrio.IOSystem(
        Z=pd.DataFrame(table.Z, index=idx, columns=idx),
        Y=pd.DataFrame(table.Y, index=idx, columns=cols),
        x=pd.DataFrame(table.x, index=idx, columns=["indout"]),
        unit=pd.DataFrame({"unit": [table.unit] * table.n}, index=idx),
        name=table.name or "chainleader",
    )
    exts = dict(table.extensions)
    if table.V is not None and "factor_inputs" not in exts:
        exts["factor_inputs"] = Extension(
            "factor_inputs", table.V, table.value_added_labels, (table.unit,) * table.V.shape[0]
        )
    for key, ext in exts.items():
        rows = pd.Index(list(ext.stressors), name="stressor")
        setattr(
            io_sys,
            key,
            pymrio.Extension(
                name=key,
                F=pd.DataFrame(ext.F, index=rows, columns=idx),
                F_Y=None if ext.F_Y is None else pd.DataFrame(ext.F_Y, index=rows, columns=cols),
                unit=pd.DataFrame({"unit": list(ext.units)}, index=rows),
            ),
        )
    return io_sys
