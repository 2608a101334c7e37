"""Read an OECD ICIO-style wide CSV (one file: intermediate block, final demand, totals).

Structure recognised (labels, not positions, decide; 2021 and 2023 release spellings both work):

* the first column holds row labels; industries are the labels that appear as both a row and a
  column, ``"<REGION>_<SECTOR>"`` split at the **first** underscore (``AUS_A01_02`` →
  ``("AUS", "A01_02")``);
* other ``<REGION>_<CATEGORY>`` columns are final demand (HFCE, NPISH, GGFC, GFCF, INVNT, DPABR, ...);
* the output column/row is ``OUT`` (2023), ``OUTPUT`` or ``TOTAL`` (2021) and becomes ``x_reported``;
* every other row (``TLS``, ``VA``; ``TAXSUB``, ``VALU``; ``<REGION>_TAXSUB``) is a value-added row.

China and Mexico split rows of older releases (``CN1``/``CN2``, ``MX1``/``MX2``) are kept as
separate regions (no aggregation). Problems are collected and reported together.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from chainleader.analysis.io_model.table import IOTable
from chainleader.model.errors import Problem, ValidationError, ValidationReport

OUTPUT_LABELS = frozenset({"OUT", "OUTPUT", "TOTAL"})


def _split(label: str) -> tuple[str, str] | None:
    head, sep, tail = label.partition("_")
    return (head, tail) if sep and head and tail else None


def read_icio_csv(
    path: str | Path, *, encoding: str = "utf-8", name: str = "", unit: str = "USD million"
) -> IOTable:
    """Parse an ICIO-style CSV into an :class:`IOTable` (x_reported from the output column/row)."""
    p = Path(path)
    report = ValidationReport()

    def problem(
        row: int | None, col: str | None, code: str, zh: str, en: str, fix_zh: str, fix_en: str
    ) -> None:
        report.extend([Problem("error", p.name, "", row, col, code, zh, en, fix_zh, fix_en)])

    try:
        frame = pd.read_csv(
            p, index_col=0, encoding="utf-8-sig" if encoding.lower() in ("utf-8", "utf8") else encoding
        )
    except UnicodeDecodeError:
        problem(
            None,
            None,
            "encoding",
            f"无法按 {encoding} 解码",
            f"cannot be decoded as {encoding}",
            "请传 encoding='gb18030' 或另存为 UTF-8",
            "pass encoding='gb18030' or save as UTF-8",
        )
        raise ValidationError(report, source=str(p)) from None
    frame.index = frame.index.astype(str).str.strip()
    frame.columns = frame.columns.astype(str).str.strip()
    cols = list(frame.columns)
    col_set = set(cols)
    industries = [lab for lab in frame.index if lab in col_set and lab not in OUTPUT_LABELS]
    out_col = next((c for c in cols if c in OUTPUT_LABELS), None)
    if not industries:
        problem(
            None,
            None,
            "no_industries",
            "没有找到同时出现在行和列中的产业标签",
            "no industry label appears as both a row and a column",
            "确认第一列是行标签、第一行是列标签",
            "the first column must hold row labels and the first row column labels",
        )
    bad_labels = [lab for lab in industries if _split(lab) is None]
    for lab in bad_labels[:20]:
        problem(
            None,
            lab,
            "label",
            "产业标签应为 地区_部门",
            "industry labels must look like REGION_SECTOR",
            "按 ICIO 命名（如 CHN_C26）",
            "use ICIO names such as CHN_C26",
        )
    fd_cols = [c for c in cols if c not in set(industries) and c not in OUTPUT_LABELS]
    for c in fd_cols:
        if _split(c) is None:
            problem(
                1,
                c,
                "label",
                "最终需求列应为 地区_类别",
                "final-demand columns must look like REGION_CATEGORY",
                "按 ICIO 命名（如 CHN_HFCE）",
                "use ICIO names such as CHN_HFCE",
            )
    va_rows = [r for r in frame.index if r not in set(industries) and r not in OUTPUT_LABELS]
    numeric = frame.apply(pd.to_numeric, errors="coerce")
    nan_cells = numeric.isna() & frame.notna()
    if nan_cells.to_numpy().any():
        rows_i, cols_i = np.nonzero(nan_cells.to_numpy())
        for ri, ci in list(zip(rows_i.tolist(), cols_i.tolist(), strict=True))[:20]:
            problem(
                ri + 2, cols[ci], "not_a_number", "不是数值", "not a number", "填入数值", "enter a number"
            )
    if not report.ok:
        raise ValidationError(report, source=str(p))
    values = numeric.fillna(0.0)
    Z = values.loc[industries, industries].to_numpy(dtype=np.float64)
    Y = (
        values.loc[industries, fd_cols].to_numpy(dtype=np.float64)
        if fd_cols
        else np.zeros((len(industries), 1))
    )
    x_rep = values.loc[industries, out_col].to_numpy(dtype=np.float64) if out_col else None
    if x_rep is None:
        out_row = next((r for r in frame.index if r in OUTPUT_LABELS), None)
        x_rep = values.loc[out_row, industries].to_numpy(dtype=np.float64) if out_row else None
    V = values.loc[va_rows, industries].to_numpy(dtype=np.float64) if va_rows else None
    fd_labels = tuple(_split(c) or ("", c) for c in fd_cols) or (("", "final_demand"),)
    return IOTable(
        Z=Z,
        Y=Y,
        industries=tuple(_split(lab) or ("", lab) for lab in industries),
        final_demand_labels=fd_labels,
        V=V,
        value_added_labels=tuple(va_rows),
        x_reported=x_rep,
        name=name or p.stem,
        unit=unit,
    )
