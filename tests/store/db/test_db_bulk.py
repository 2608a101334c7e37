"""Column conversion for the bulk writer: NaN/NA -> None, numpy -> Python types."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainleader.model.errors import ConfigError
from chainleader.model.schema import table
from chainleader.store.db.bulk import column_values, frame_columns
from chainleader.store.db.read import frame_from_rows


def test_column_values_convert_missing_to_none_and_numpy_to_python() -> None:
    t = table("capacities")
    floats = column_values(t.column("capacity"), pd.Series([1.5, np.nan, 0.1 + 0.2]))
    assert floats == [1.5, None, 0.30000000000000004]
    assert [type(v) for v in floats] == [float, type(None), float]
    ints = column_values(t.column("standard_grade"), pd.Series([5, None, 3], dtype="Int64"))
    assert ints == [5, None, 3] and type(ints[0]) is int
    texts = column_values(t.column("product"), pd.Series(["钴", None, np.nan, pd.NA], dtype=object))
    assert texts == ["钴", None, None, None]
    bools = column_values(table("products").column("key_link"), pd.Series([True, None, False], dtype="boolean"))
    assert bools == [True, None, False] and type(bools[0]) is bool
    no_nan = column_values(t.column("capacity"), pd.Series([2.0, 3.0]))
    assert no_nan == [2.0, 3.0]


def test_frame_columns_fill_absent_optional_columns_and_refuse_unknown_ones() -> None:
    t = table("supply_links")
    df = pd.DataFrame({"supplier": ["E1"], "customer": ["E2"], "product": ["P1"], "share": [0.5]})
    cols = frame_columns(t, df)
    assert [c[0] for c in cols] == ["E1", "E2", "P1", None, 0.5, None, None, None]
    with pytest.raises(ConfigError, match="weight"):
        frame_columns(t, df.assign(weight=1.0))
    with pytest.raises(ConfigError, match="supply_links.share"):
        frame_columns(t, df.assign(share=["half"]))


def test_frame_from_rows_builds_canonical_dtypes() -> None:
    t = table("products")
    row = ["P1", "钴", None, "upstream", "resource", None, 1, None, None, "t", 2.5, None, None, None, None]
    frame = frame_from_rows(t, [tuple(row), tuple(row[:6] + [None] + row[7:])])
    assert frame["key_link"].dtype == "boolean"
    assert frame["key_link"].tolist()[0] is True and frame["key_link"].isna().tolist() == [False, True]
    assert frame["unit_price"].dtype == "float64" and frame["annual_demand"].isna().all()
    assert frame["name_en"].dtype == object and frame["name_en"].tolist() == [None, None]
    assert frame_from_rows(t, []).shape == (0, len(t.columns))
