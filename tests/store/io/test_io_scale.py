"""Streaming at scale: bounded batches, capped problems, and (marked slow) the 10^6 / 10^7 target."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow.csv as pacsv
import pytest
from store.io.io_synth import write_dataset

from chainleader.store.io import open_source
from chainleader.store.io.problems import CAP

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_dataset(tmp_path_factory.mktemp("scale") / "synthetic", 20_000, 200_000)


def test_synthetic_dataset_streams_in_bounded_batches(synthetic: Path) -> None:
    src = open_source(synthetic)
    seen: dict[str, int] = {}
    report = src.validate(progress=lambda t, done, total: seen.__setitem__(t, done))
    assert report.problems == []
    assert seen["supply_links"] == 200_000 and seen["enterprises"] == 20_000
    sizes: dict[str, list[int]] = {}
    for name, frame in src.batches(batch_rows=30_000):
        sizes.setdefault(name, []).append(len(frame))
        assert len(frame) <= 30_000
    assert sum(sizes["supply_links"]) == 200_000 and len(sizes["supply_links"]) >= 7
    ds = src.load()
    assert ds.content_hash() == src.content_hash()  # incremental hash == whole-dataset hash
    assert str(ds.supply_links["share"].dtype) == "float64"


def test_systematic_error_in_a_big_file_stays_small(synthetic: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copy"
    folder.mkdir()
    for f in synthetic.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    links = pacsv.read_csv(synthetic / "supply_links.csv").to_pandas()
    links["share"] = "60"  # every row ambiguous: 200 000 problems
    links.to_csv(folder / "supply_links.csv", index=False)
    report = open_source(folder).validate()
    ambiguous = [p for p in report.errors if p.code == "share_ambiguous"]
    assert len(ambiguous) == CAP + 1 and ambiguous[-1].value == "200000"
    assert len(report.problems) < 2 * CAP


def test_duplicate_keys_found_across_chunks(synthetic: Path, tmp_path: Path) -> None:
    folder = tmp_path / "dups"
    folder.mkdir()
    for f in synthetic.iterdir():
        (folder / f.name).write_bytes(f.read_bytes())
    links = pd.read_csv(synthetic / "supply_links.csv", dtype=str, keep_default_na=False)
    links = pd.concat([links, links.iloc[[5]]], ignore_index=True)  # row 7 repeated as the last row
    links.to_csv(folder / "supply_links.csv", index=False)
    report = open_source(folder).validate()
    dups = [p for p in report.errors if p.code == "duplicate_key"]
    assert [(p.row, p.value) for p in dups] == [(200_002, "7")]


@pytest.mark.slow
def test_one_million_enterprises_ten_million_links_within_budget() -> None:
    """Validate + batches of 10^6 enterprises and 10^7 links: < 180 s and < 3 GB peak RSS."""
    out = subprocess.run([sys.executable, str(HERE / "io_synth.py"), "1000000", "10000000"],
                         capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    assert figures["errors"] == 0 and figures["rows"] >= 11_000_000
    assert figures["total_s"] < 180, figures
    assert figures["peak_rss_mb"] < 3072, figures
