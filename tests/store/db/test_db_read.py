"""iter_version streams the same rows as load_version, in bounded batches, canonical frames."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from chainleader.model.dataset import Dataset, conform, frames_equal
from chainleader.model.errors import ConfigError, NotFoundError
from chainleader.model.schema import TABLE_NAMES
from chainleader.store.db import iter_version, load_version, write_version


def test_iter_version_streams_the_same_rows_as_load_version(engine: Engine, sample: Dataset) -> None:
    write_version(engine, "demo", sample.tables.items(), content_hash=sample.content_hash())
    parts: dict[str, list[pd.DataFrame]] = {}
    for name, frame in iter_version(engine, "demo", batch_rows=1):
        assert len(frame) <= 1
        assert list(frame.columns) == list(sample[name].columns)
        parts.setdefault(name, []).append(frame)
    assert list(parts) == list(TABLE_NAMES)  # schema order, every table present
    streamed = {name: pd.concat(frames, ignore_index=True) for name, frames in parts.items()}
    loaded = load_version(engine, "demo")
    assert frames_equal(streamed, loaded.tables)
    assert {n: len(df) for n, df in streamed.items()} == loaded.counts()


def test_batch_sizes_and_empty_tables(engine: Engine) -> None:
    products = conform("products", pd.DataFrame({
        "id": [f"P{i}" for i in range(5)], "name_zh": ["产品"] * 5, "stage": ["upstream"] * 5,
        "kind": ["material"] * 5, "unit": ["t"] * 5, "unit_price": [1.0, 2.0, 3.0, 4.0, 5.0],
    }))
    write_version(engine, "five", [("products", products)], content_hash="five")
    sizes: dict[str, list[int]] = {}
    for name, frame in iter_version(engine, "five", batch_rows=2):
        sizes.setdefault(name, []).append(len(frame))
    assert sizes["products"] == [2, 2, 1]
    assert sizes["bom"] == [0]  # an empty table yields one empty canonical frame
    assert sizes["trade"] == [0]
    exact = {name: [len(f) for n, f in iter_version(engine, "five", batch_rows=5) if n == name] for name in ["products"]}
    assert exact["products"] == [5]


def test_iter_version_checks_arguments_before_iterating(engine: Engine) -> None:
    with pytest.raises(NotFoundError):
        iter_version(engine, "missing")  # raised at call time, not at first next()
    with pytest.raises(ConfigError, match="batch_rows"):
        iter_version(engine, "missing", batch_rows=0)


def test_abandoned_stream_does_not_block_writers(engine: Engine, sample: Dataset) -> None:
    write_version(engine, "demo", sample.tables.items(), content_hash="v1")
    stream = iter_version(engine, "demo", batch_rows=1)
    first = next(stream)
    assert first[0] == "meta"
    stream.close()  # type: ignore[attr-defined]
    info = write_version(engine, "demo", sample.tables.items(), content_hash="v2")
    assert info.number == 2
