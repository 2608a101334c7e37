"""Streaming at scale: 10^5 firms and 10^6 supply links written and read back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chainleader.generators import write_generated_csv
from chainleader.model.ids import is_valid_uscc


@pytest.mark.slow
def test_a_million_links_stream_to_valid_csv(tmp_path: Path) -> None:
    counts = write_generated_csv(tmp_path, 100_000, 2_000, seed=5, batch_rows=200_000)
    assert counts["enterprises"] == 100_000 and counts["supply_links"] == 1_000_000
    links = pd.read_csv(
        tmp_path / "supply_links.csv", dtype={"supplier": str, "customer": str, "product": str}
    )
    assert len(links) == counts["supply_links"]
    assert not links.duplicated(["supplier", "customer", "product"]).any()
    assert (links["supplier"] != links["customer"]).all()
    units = (links["share"] * 10_000).round().astype(int)
    assert units.groupby([links["customer"], links["product"]]).sum().max() <= 10_000
    firms = pd.read_csv(tmp_path / "enterprises.csv", dtype=str, keep_default_na=False)
    assert firms["id"].is_unique and set(links["supplier"]) <= set(firms["id"])
    usccs = firms.loc[firms["uscc"] != "", "uscc"]
    assert usccs.is_unique and all(is_valid_uscc(u) for u in usccs.sample(2_000, random_state=0))
    caps = pd.read_csv(tmp_path / "capacities.csv", usecols=["enterprise", "capacity", "output"])
    assert len(caps) == counts["capacities"] and (caps["output"] <= caps["capacity"]).all()
