"""Dataset: canonical frames, upstream closure, order-independent content hash."""

import pandas as pd
import pytest

from chainleader.model.dataset import ContentHasher, Dataset, conform, frames_equal, upstream_closure
from chainleader.model.errors import NotFoundError
from chainleader.model.schema import TABLES


def _small() -> Dataset:
    products = pd.DataFrame(
        {"id": ["X", "A", "B", "R"], "name_zh": ["整机", "甲", "乙", "原料"], "stage": ["downstream", "midstream",
         "midstream", "upstream"], "kind": ["final_product", "component", "component", "resource"],
         "unit": ["台", "件", "件", "t"], "unit_price": [100.0, 10.0, 5.0, 1.0]}
    )
    bom = pd.DataFrame({"product": ["X", "X", "A"], "input_group": ["g1", "g2", "g1"], "input": ["A", "B", "R"],
                        "quantity": [1.0, 2.0, 0.5]})
    chains = pd.DataFrame({"id": ["c"], "name_zh": ["链"], "final_products": ["X"]})
    return Dataset("t", {"products": conform("products", products), "bom": conform("bom", bom),
                         "chains": conform("chains", chains)})


def test_every_table_present_with_schema_columns() -> None:
    ds = _small()
    for t in TABLES:
        assert list(ds[t.name].columns) == list(t.column_names)
    assert str(ds.products["unit_price"].dtype) == "float64"
    assert str(ds.products["key_link"].dtype) == "boolean"


def test_upstream_closure() -> None:
    ds = _small()
    assert ds.chain_products("c") == ["A", "B", "R", "X"]
    assert upstream_closure(ds.bom, ["A"]) == ["A", "R"]
    with pytest.raises(NotFoundError):
        ds.chain_products("nope")


def test_content_hash_ignores_row_order_but_not_content() -> None:
    ds = _small()
    shuffled = ds.with_tables(products=ds.products.iloc[::-1].reset_index(drop=True))
    assert ds.content_hash() == shuffled.content_hash()
    assert frames_equal(ds.tables, shuffled.tables)
    changed = ds.products.copy()
    changed.loc[0, "unit_price"] = 101.0
    assert ds.content_hash() != ds.with_tables(products=changed).content_hash()
    assert not frames_equal(ds.tables, ds.with_tables(products=changed).tables)


def test_incremental_hash_equals_whole() -> None:
    ds = _small()
    h = ContentHasher()
    h.add("products", ds.products.iloc[:2])
    h.add("bom", ds.bom)
    h.add("products", ds.products.iloc[2:])
    h.add("chains", ds.chains)
    assert h.hexdigest() == ds.content_hash()
