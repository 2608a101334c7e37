"""Shared synthetic datasets for the generator tests (built once per session)."""

from __future__ import annotations

import pytest

from chainleader.generators import generate_dataset
from chainleader.model.dataset import Dataset


@pytest.fixture(scope="session")
def small() -> Dataset:
    return generate_dataset(400, 60, seed=7)


@pytest.fixture(scope="session")
def medium() -> Dataset:
    return generate_dataset(20_000, 300, seed=11)


def dataset_problems(ds: Dataset) -> list[str]:
    """Everything in ``ds`` that breaks the schema: layout, dtypes, keys, required cells,
    enums, min/max, id formats, references and the reference lists (GB/T 2260, ISO 3166,
    HS 2022, USCC check digits). Empty when the dataset is valid."""
    import pandas as pd

    from chainleader.model import reference
    from chainleader.model.dataset import dtype_for, split_list
    from chainleader.model.ids import is_valid_id, is_valid_uscc
    from chainleader.model.schema import TABLES

    problems: list[str] = []
    hs = reference.hs_codes()
    for t in TABLES:
        df = ds[t.name]
        if tuple(df.columns) != t.column_names:
            problems.append(f"{t.name}: columns {list(df.columns)}")
            continue
        if t.required and df.empty:
            problems.append(f"{t.name}: empty")
        if df.duplicated(subset=list(t.key)).any():
            problems.append(f"{t.name}: duplicate keys {t.key}")
        for c in t.columns:
            s = df[c.name]
            where = f"{t.name}.{c.name}"
            if str(s.dtype) != dtype_for(c):
                problems.append(f"{where}: dtype {s.dtype}")
            if c.required and s.isna().any():
                problems.append(f"{where}: missing required values")
            v = s.dropna()
            if c.min is not None and (v < c.min).any():
                problems.append(f"{where}: below {c.min}")
            if c.max is not None and (v > c.max).any():
                problems.append(f"{where}: above {c.max}")
            values = set(v)
            if c.type == "enum" and not values <= set(c.enum_values):
                problems.append(f"{where}: bad enum {sorted(values - set(c.enum_values))[:5]}")
            if c.type == "list" and c.enum:
                order = {e: i for i, e in enumerate(c.enum_values)}
                for cell in values:
                    items = split_list(cell)
                    if any(i not in order for i in items) or [order[i] for i in items] != sorted(
                        {order[i] for i in items}
                    ):
                        problems.append(f"{where}: bad list {cell!r}")
                        break
            if (
                c.type in ("list", "hs_list")
                and not c.enum
                and any(split_list(x) != sorted(set(split_list(x))) for x in values)
            ):
                problems.append(f"{where}: list not sorted and unique")
            if c.type == "id" and not all(is_valid_id(x) for x in values):
                problems.append(f"{where}: bad id")
            if c.type == "region" and not all(len(x) == 6 and reference.division(x) for x in values):
                problems.append(f"{where}: unknown division code")
            if c.type == "country" and not all(reference.country(x) and x == x.upper() for x in values):
                problems.append(f"{where}: unknown country code")
            if c.type == "uscc" and not all(is_valid_uscc(x) for x in values):
                problems.append(f"{where}: invalid USCC")
            if c.type == "hs_list" and not all(code in hs for x in values for code in split_list(x)):
                problems.append(f"{where}: unknown HS code")
            if (
                c.type == "date"
                and not pd.to_datetime(pd.Series(sorted(values)), format="%Y-%m-%d").notna().all()
            ):
                problems.append(f"{where}: bad date")
            if c.ref is not None:
                target = set(ds[c.ref[0]][c.ref[1]])
                if not values <= target:
                    problems.append(f"{where}: {len(values - target)} values not in {c.ref}")
    return problems


@pytest.fixture(scope="session")
def problems_of():
    return dataset_problems
