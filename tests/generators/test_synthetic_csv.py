"""write_generated_csv: the same rows as generate_dataset, byte-identical for a seed."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from chainleader.generators import generate_dataset, links, write_generated_csv
from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError
from chainleader.model.schema import TABLE_NAMES, TABLES

FIRMS, PRODUCTS, SEED = 400, 60, 7  # the session fixture ``small``


def as_text(df: pd.DataFrame) -> pd.DataFrame:
    """Canonical frame rendered as CSV cell text ('' = missing; Arrow's float formatting)."""
    out = {}
    for name, s in df.items():
        if s.dtype == "float64":
            arr = pa.array(s.to_numpy(), from_pandas=True).cast(pa.string())
            out[name] = pd.Series(arr.fill_null("").to_pylist(), dtype=object)
        elif s.dtype == "boolean":
            out[name] = s.map({True: "true", False: "false"}).astype(object).where(s.notna(), "")
        elif s.dtype == "Int64":
            out[name] = s.astype(object).where(s.notna(), "").map(str).where(s.notna(), "")
        else:
            out[name] = s.astype(object).where(s.notna(), "")
    return pd.DataFrame(out, columns=df.columns)


def read_folder(folder: Path) -> dict[str, pd.DataFrame]:
    return {
        t: pd.read_csv(folder / f"{t}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        for t in TABLE_NAMES
    }


def test_csv_rows_equal_generate_dataset(tmp_path: Path, small: Dataset) -> None:
    counts = write_generated_csv(tmp_path, FIRMS, PRODUCTS, seed=SEED)
    assert counts == small.counts()
    frames = read_folder(tmp_path)
    for t in TABLES:
        got, expected = frames[t.name], as_text(small[t.name])
        assert list(got.columns) == list(t.column_names), t.name
        pd.testing.assert_frame_equal(got, expected, check_dtype=False, obj=t.name)
        for c in t.columns:  # numbers read back exactly
            if c.type == "float":
                parsed = pd.to_numeric(got[c.name].replace("", np.nan))
                np.testing.assert_array_equal(parsed.to_numpy(), small[t.name][c.name].to_numpy())


def test_files_are_plain_utf8_csv(tmp_path: Path) -> None:
    write_generated_csv(tmp_path, FIRMS, PRODUCTS, seed=SEED)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{t}.csv" for t in TABLE_NAMES)
    for t in TABLES:
        raw = (tmp_path / f"{t.name}.csv").read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\n") and b"\r" not in raw
        rows = list(csv.reader(raw.decode("utf-8").splitlines()))
        assert rows[0] == list(t.column_names)
        assert all(len(r) == len(t.column_names) for r in rows)
    meta = dict(csv.reader((tmp_path / "meta.csv").read_text(encoding="utf-8").splitlines()[1:]))
    assert "," in meta["description"]  # a quoted cell survived the round trip


def test_same_arguments_give_byte_identical_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_generated_csv(a, FIRMS, PRODUCTS, seed=SEED)
    write_generated_csv(b, FIRMS, PRODUCTS, seed=SEED, batch_rows=37)  # batch size must not matter
    for t in TABLE_NAMES:
        assert (a / f"{t}.csv").read_bytes() == (b / f"{t}.csv").read_bytes(), t


def test_other_seed_gives_other_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_generated_csv(a, FIRMS, PRODUCTS, seed=SEED)
    write_generated_csv(b, FIRMS, PRODUCTS, seed=SEED + 1)
    for t in ("products", "bom", "enterprises", "capacities", "supply_links", "trade"):
        assert (a / f"{t}.csv").read_bytes() != (b / f"{t}.csv").read_bytes(), t


def test_shape_arguments_reach_the_stream(tmp_path: Path) -> None:
    counts = write_generated_csv(tmp_path, 300, 30, seed=5, links=777, foreign_share=0.0, name="demo_set")
    ds = generate_dataset(300, 30, seed=5, links=777, foreign_share=0.0, name="demo_set")
    assert counts["supply_links"] == 777 == len(ds.supply_links)
    frames = read_folder(tmp_path)
    assert set(frames["enterprises"]["country"]) == {"CN"}
    assert dict(zip(frames["meta"]["key"], frames["meta"]["value"], strict=True))["name"] == "demo_set"
    pd.testing.assert_frame_equal(frames["supply_links"], as_text(ds.supply_links), check_dtype=False)


def test_many_blocks_and_small_batches_match(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(links, "BLOCK_FIRMS", 29)
    calls: list[tuple[str, int, int]] = []
    counts = write_generated_csv(
        tmp_path, 250, 30, seed=9, batch_rows=101, progress=lambda *a: calls.append(a)
    )
    ds = generate_dataset(250, 30, seed=9)
    frames = read_folder(tmp_path)
    for t in ("enterprises", "capacities", "supply_links"):
        pd.testing.assert_frame_equal(frames[t], as_text(ds[t]), check_dtype=False, obj=t)
    # Progress: rows grow per table and every table ends with (rows, rows).
    for t in TABLE_NAMES:
        seen = [(done, total) for name, done, total in calls if name == t]
        assert seen[-1] == (counts[t], counts[t])
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
        assert all(d <= tot for d, tot in seen)
    assert len([c for c in calls if c[0] == "supply_links"]) > 10
    assert not list(tmp_path.glob("*.partial"))


def test_unknown_shape_or_bad_batch_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown shape"):
        write_generated_csv(tmp_path, 10, 10, colour="red")
    with pytest.raises(ConfigError, match="batch_rows"):
        write_generated_csv(tmp_path, 10, 10, batch_rows=0)
    assert not list(tmp_path.iterdir())
