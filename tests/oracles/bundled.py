"""Load a bundled dataset folder (chainleader/datasets/<name>/*.csv) without the store layer.

读取内置数据集：pandas read_csv(dtype=str, keep_default_na=False)，按 schema 类型转换后 conform。
Used by the analysis tests only; the real importer (with validation and GBK handling) is chainleader.store.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from chainleader.model.dataset import Dataset, conform, dtype_for
from chainleader.model.schema import TABLES

DATASETS = Path(__file__).resolve().parents[2] / "chainleader" / "datasets"
_BOOL = {"true": True, "false": False, "1": True, "0": False, "是": True, "否": False}


def available(name: str) -> bool:
    return (DATASETS / name / "products.csv").exists()


def load_bundled(name: str) -> Dataset:
    folder = DATASETS / name
    tables: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        f = folder / f"{t.name}.csv"
        if not f.exists():
            continue
        raw = pd.read_csv(f, dtype=str, keep_default_na=False, encoding="utf-8")
        cols: dict[str, pd.Series] = {}
        for c in t.columns:
            if c.name not in raw.columns:
                continue
            s = raw[c.name].astype(object).where(raw[c.name] != "", None)
            dt = dtype_for(c)
            if dt == "Int64":
                s = pd.to_numeric(s).astype("Int64")
            elif dt == "float64":
                s = pd.to_numeric(s).astype("float64")
            elif dt == "boolean":
                s = s.map(lambda v: None if v is None else _BOOL[str(v).strip().lower()]).astype("boolean")
            cols[c.name] = s
        tables[t.name] = conform(t, pd.DataFrame(cols))
    return Dataset(name, tables)
