"""The monetary input–output table every ``io_model`` function reads (METHODS.md §4).

Conventions
-----------
* ``Z[i, j]`` is the sale from industry ``i`` to industry ``j``; industries are labelled
  ``(region, sector)`` (a single-region table uses one region for every row).
* ``Y`` is final demand, ``n × k``; columns are labelled ``(region, category)``. ``f = Y 1``.
* Total output is always the **row sum** ``x = Z 1 + f`` so that ``x = L f`` holds exactly
  (METHODS §4 "Unbalanced tables"). A published total output, when given, is kept as
  ``x_reported`` and the difference is reported by :meth:`IOTable.balance`, never silently used.
* ``V`` (optional) holds value-added rows (``q × n``: wages, taxes less subsidies, ...);
  ``v = 1ᵀ V``. The column gap ``Zᵀ1 + v − x`` is reported, never used to derive ``v``.
* ``imports`` / ``exports`` (optional, ``n``) are the competitive-import and export vectors of a
  single-country table, as positive magnitudes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from chainleader.analysis.io_model.errors import IOTableError

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Label = tuple[str, str]


def as_float_array(value: object, ndim: int) -> FloatArray:
    """Return ``value`` as a C-contiguous float64 array with ``ndim`` dimensions (1-D → column if 2)."""
    arr = np.ascontiguousarray(np.asarray(value, dtype=np.float64))
    if ndim == 2 and arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    return arr


def frozen_array(value: object, ndim: int) -> FloatArray:
    """A private read-only float64 copy (tables never alias or freeze the caller's arrays)."""
    arr = np.array(as_float_array(value, ndim), dtype=np.float64, copy=True, order="C")
    arr.flags.writeable = False
    return arr


class Extension:
    """A satellite account (e.g. emissions, employment): ``F[s, j]`` = stressor ``s`` of industry ``j``.

    ``F_Y`` (optional, ``s × k``) holds the stressors emitted directly by final demand.
    """

    __slots__ = ("F", "F_Y", "name", "stressors", "units")

    def __init__(
        self,
        name: str,
        F: npt.ArrayLike,
        stressors: Sequence[str],
        units: Sequence[str],
        F_Y: npt.ArrayLike | None = None,
    ) -> None:
        self.name = str(name)
        self.F: FloatArray = frozen_array(F, 2)
        self.F_Y: FloatArray | None = None if F_Y is None else frozen_array(F_Y, 2)
        self.stressors = tuple(str(v) for v in stressors)
        self.units = tuple(str(v) for v in units)
        if len(self.stressors) != self.F.shape[0] or len(self.units) != self.F.shape[0]:
            raise IOTableError(
                [
                    f"扩展账户 {self.name!r} 的 F 有 {self.F.shape[0]} 行，但给了 {len(self.stressors)} 个名称和 "
                    f"{len(self.units)} 个单位，请让三者一致 / extension {self.name!r}: F has {self.F.shape[0]} rows but "
                    f"{len(self.stressors)} stressor names and {len(self.units)} units; make them match"
                ]
            )

    def __repr__(self) -> str:
        return f"Extension(name={self.name!r}, stressors={self.stressors!r})"


@dataclass(frozen=True)
class BalanceReport:
    """Row and column balance of a table (METHODS §4, "Unbalanced tables")."""

    row_gap: FloatArray | None  # x_reported − (Z1 + f); None when no total output was reported
    column_gap: FloatArray | None  # Zᵀ1 + v − x; None when the table has no value added
    max_rel_row_gap: float
    max_rel_column_gap: float
    zero_output: BoolArray
    tolerance: float

    @property
    def balanced(self) -> bool:
        return self.max_rel_row_gap <= self.tolerance and self.max_rel_column_gap <= self.tolerance


def _default_industries(n: int) -> tuple[Label, ...]:
    return tuple(("R", f"S{i + 1}") for i in range(n))


class IOTable:
    """A monetary input–output table; see the module docstring for the conventions.

    Arrays are converted to float64 and made read-only, so derived results (x, A, factors)
    can never go stale; build a new table to change the data.
    """

    Z: FloatArray
    Y: FloatArray
    industries: tuple[Label, ...]
    final_demand_labels: tuple[Label, ...]
    V: FloatArray | None
    value_added_labels: tuple[str, ...]
    x_reported: FloatArray | None
    imports: FloatArray | None
    exports: FloatArray | None
    extensions: Mapping[str, Extension]
    unit: str
    name: str
    x: FloatArray

    def __init__(
        self,
        Z: npt.ArrayLike,
        Y: npt.ArrayLike,
        *,
        industries: Sequence[tuple[str, str]] = (),
        final_demand_labels: Sequence[tuple[str, str]] = (),
        V: npt.ArrayLike | None = None,
        value_added_labels: Sequence[str] = (),
        x_reported: npt.ArrayLike | None = None,
        imports: npt.ArrayLike | None = None,
        exports: npt.ArrayLike | None = None,
        extensions: Mapping[str, Extension] | None = None,
        unit: str = "",
        name: str = "",
    ) -> None:
        problems: list[str] = []
        Zf = frozen_array(Z, 2)
        Yf = frozen_array(Y, 2)
        n = Zf.shape[0]
        if Zf.ndim != 2 or Zf.shape != (n, n):
            problems.append(f"Z 必须是方阵，实际形状 {Zf.shape} / Z must be square, got shape {Zf.shape}")
        if Yf.shape[0] != n:
            problems.append(
                f"Y 有 {Yf.shape[0]} 行，应与 Z 的 {n} 行一致 / Y has {Yf.shape[0]} rows, Z has {n}: make them match"
            )
        for nm, arr in (("Z", Zf), ("Y", Yf)):
            if not np.all(np.isfinite(arr)):
                problems.append(
                    f"{nm} 含有 NaN 或无穷值，请补齐或填 0 / {nm} contains NaN or infinite values; fill them in or use 0"
                )
        inds = tuple((str(r), str(s)) for r, s in industries) or _default_industries(n)
        if len(inds) != n:
            problems.append(
                f"给了 {len(inds)} 个产业标签，但表有 {n} 个产业 / {len(inds)} industry labels for {n} industries"
            )
        elif len(set(inds)) != n:
            dup = sorted({lab for lab in inds if inds.count(lab) > 1})[:5]
            problems.append(f"产业标签重复：{dup} / duplicate industry labels: {dup}")
        k = Yf.shape[1]
        fd_labels = tuple((str(r), str(c)) for r, c in final_demand_labels) or tuple(
            ("R", "final_demand" if k == 1 else f"FD{j + 1}") for j in range(k)
        )
        if len(fd_labels) != k:
            problems.append(
                f"给了 {len(fd_labels)} 个最终需求列标签，但 Y 有 {k} 列 / {len(fd_labels)} labels for {k} Y columns"
            )
        Vf = None if V is None else frozen_array(V, 2)
        if Vf is not None and Vf.shape[0] == n and Vf.shape[1] != n:
            Vf = frozen_array(Vf.T, 2)  # accept n × q
        va_labels = tuple(value_added_labels)
        if Vf is not None:
            if Vf.shape[1] != n:
                problems.append(
                    f"增加值 V 的形状 {Vf.shape} 与 {n} 个产业不符 / value added V has shape {Vf.shape}, expected (q, {n})"
                )
            if not va_labels:
                va_labels = (
                    ("value_added",) if Vf.shape[0] == 1 else tuple(f"VA{i + 1}" for i in range(Vf.shape[0]))
                )
            if len(va_labels) != Vf.shape[0]:
                problems.append(
                    f"增加值行标签数 {len(va_labels)} 与 V 的 {Vf.shape[0]} 行不符 / value-added labels do not match V rows"
                )
        vectors: dict[str, FloatArray | None] = {}
        for nm in ("x_reported", "imports", "exports"):
            raw = {"x_reported": x_reported, "imports": imports, "exports": exports}[nm]
            vec = None if raw is None else frozen_array(np.asarray(raw, dtype=np.float64).reshape(-1), 1)
            if vec is not None and vec.shape != (n,):
                problems.append(
                    f"{nm} 长度 {vec.shape[0]}，应为 {n} / {nm} has length {vec.shape[0]}, expected {n}"
                )
            if vec is not None and not np.all(np.isfinite(vec)):
                problems.append(f"{nm} 含有 NaN 或无穷值 / {nm} contains NaN or infinite values")
            if vec is not None and nm != "x_reported" and np.any(vec < 0):
                problems.append(
                    f"{nm} 应填非负的数额（国家统计局表中进口列为负数，请取绝对值） / {nm} must be non-negative "
                    "magnitudes (NBS tables print the import column as negative: pass its absolute value)"
                )
            vectors[nm] = vec
        exts = dict(extensions or {})
        for nm, ext in exts.items():
            if ext.F.shape[1] != n:
                problems.append(
                    f"扩展账户 {nm!r} 的 F 有 {ext.F.shape[1]} 列，应为 {n} / extension {nm!r}: F has {ext.F.shape[1]} columns, expected {n}"
                )
            if ext.F_Y is not None and ext.F_Y.shape != (ext.F.shape[0], k):
                problems.append(
                    f"扩展账户 {nm!r} 的 F_Y 形状 {ext.F_Y.shape} 不符 / extension {nm!r}: F_Y shape {ext.F_Y.shape} != ({ext.F.shape[0]}, {k})"
                )
        x = Zf.sum(axis=1) + Yf.sum(axis=1) if not problems else np.zeros(n)
        if not problems and np.any(x < 0):
            bad = [inds[i] for i in np.flatnonzero(x < 0)[:5]]
            problems.append(
                f"这些产业的总产出 Z1+f 为负：{bad}，请检查最终需求（进口、存货变化）列 / total output Z1+f is negative "
                f"for {bad}; check the final-demand columns (imports, inventory changes)"
            )
        if problems:
            raise IOTableError(problems)
        x.flags.writeable = False
        state: dict[str, object] = {
            "Z": Zf,
            "Y": Yf,
            "industries": inds,
            "final_demand_labels": fd_labels,
            "V": Vf,
            "value_added_labels": va_labels,
            **vectors,
            "extensions": MappingProxyType(exts),
            "unit": unit,
            "name": name,
            "x": x,
        }
        for key, val in state.items():
            object.__setattr__(self, key, val)

    def __setattr__(self, key: str, value: object) -> None:
        raise AttributeError(
            f"IOTable 不可修改，请新建一个表 / IOTable is immutable: build a new table ({key})"
        )

    def __repr__(self) -> str:
        return f"IOTable(name={self.name!r}, n={self.n}, regions={len(self.regions)}, final_demand_columns={self.Y.shape[1]})"

    # ------------------------------------------------------------------ derived views
    @property
    def n(self) -> int:
        return int(self.Z.shape[0])

    @property
    def f(self) -> FloatArray:
        """Total final demand per industry, ``Y 1`` (net of any negative import/inventory columns)."""
        return self.Y.sum(axis=1)

    @property
    def v(self) -> FloatArray | None:
        """Total value added per industry, ``1ᵀ V``; None when the table has no value-added rows."""
        return None if self.V is None else self.V.sum(axis=0)

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r for r, _ in self.industries))

    @property
    def sectors(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for _, s in self.industries))

    @property
    def zero_output(self) -> BoolArray:
        return self.x == 0.0

    def balance(self, tolerance: float = 1e-6) -> BalanceReport:
        """Report the row gap (vs ``x_reported``) and the column gap ``Zᵀ1 + v − x``, relative to max x."""
        scale = max(float(np.abs(self.x).max(initial=0.0)), np.finfo(float).tiny)
        row_gap = None if self.x_reported is None else self.x_reported - self.x
        col_gap = None if self.V is None else self.Z.sum(axis=0) + self.V.sum(axis=0) - self.x
        return BalanceReport(
            row_gap=row_gap,
            column_gap=col_gap,
            max_rel_row_gap=0.0 if row_gap is None else float(np.abs(row_gap).max(initial=0.0) / scale),
            max_rel_column_gap=0.0 if col_gap is None else float(np.abs(col_gap).max(initial=0.0) / scale),
            zero_output=self.zero_output,
            tolerance=tolerance,
        )

    def index_of(self, region: str, sector: str) -> int:
        """Row index of industry ``(region, sector)``; raises ``IOTableError`` with the known labels."""
        try:
            return self.industries.index((region, sector))
        except ValueError:
            raise IOTableError(
                [
                    f"没有产业 {(region, sector)!r}；已有 {list(self.industries[:6])}... / no industry {(region, sector)!r}"
                ]
            ) from None

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_competitive_import(
        cls,
        Z: npt.ArrayLike,
        final_use: npt.ArrayLike,
        *,
        exports: npt.ArrayLike,
        imports: npt.ArrayLike,
        x: npt.ArrayLike | None = None,
        other: npt.ArrayLike | None = None,
        sectors: Sequence[str] = (),
        final_use_labels: Sequence[str] = (),
        region: str = "CN",
        V: npt.ArrayLike | None = None,
        value_added_labels: Sequence[str] = (),
        unit: str = "",
        name: str = "",
    ) -> IOTable:
        """Build a table from a Chinese (NBS) competitive-import table (竞争型投入产出表).

        ``final_use`` holds the domestic final-use columns (consumption, capital formation, ...),
        ``exports`` the export column and ``imports`` the import column **as positive magnitudes**
        (NBS prints it negative); ``other`` is the "其他" (statistical discrepancy) column. The final
        demand is built as ``Y = [final_use, exports, −imports, other]`` so that the row sums
        reproduce total output (METHODS §4, "Chinese tables"). ``x``, when given, is kept as
        ``x_reported`` and any row gap shows up in :meth:`balance`.
        """
        Zf = as_float_array(Z, 2)
        n = Zf.shape[0]
        fu = as_float_array(final_use, 2)
        ex = as_float_array(exports, 1).reshape(-1)
        im = as_float_array(imports, 1).reshape(-1)
        cols = [fu, ex.reshape(-1, 1), -im.reshape(-1, 1)]
        labels = list(final_use_labels) or [f"final_use_{j + 1}" for j in range(fu.shape[1])]
        labels += ["出口 exports", "进口 imports (negative)"]
        if other is not None:
            cols.append(as_float_array(other, 1).reshape(-1, 1))
            labels.append("其他 other")
        Y = np.hstack(cols)
        return cls(
            Z=Zf,
            Y=Y,
            industries=tuple((region, s) for s in sectors) or tuple((region, f"S{i + 1}") for i in range(n)),
            final_demand_labels=tuple((region, c) for c in labels),
            V=None if V is None else as_float_array(V, 2),
            value_added_labels=tuple(value_added_labels),
            x_reported=None if x is None else as_float_array(x, 1).reshape(-1),
            imports=im,
            exports=ex,
            unit=unit,
            name=name,
        )
