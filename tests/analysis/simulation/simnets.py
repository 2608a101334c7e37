"""Tiny hand-checkable datasets for the simulation tests (built in memory, no files).

Imported by the tests as ``simnets`` (this folder is put on sys.path by its conftest)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from chainleader.model.dataset import Dataset, conform

Rows = Sequence[dict[str, Any]]


def make_dataset(
    products: Rows,
    bom: Rows = (),
    enterprises: Rows = (),
    capacities: Rows = (),
    links: Rows = (),
    chains: Rows = (),
    trade: Rows = (),
    country_groups: Rows = (),
    region_groups: Rows = (),
    name: str = "tiny",
) -> Dataset:
    """A Dataset from row dicts; sensible defaults fill the required columns."""
    prods = [{"stage": "midstream", "kind": "component", "unit": "pcs", "name_zh": r["id"], **r} for r in products]
    ents = [{"name_zh": r["id"], "country": "CN", "region": "110101", **r} for r in enterprises]
    if not chains:
        used = {b["input"] for b in bom}
        finals = [p["id"] for p in prods if p["id"] not in used]
        chains = [{"id": "c1", "name_zh": "测试链", "final_products": ";".join(finals)}]
    tables = {
        "products": prods, "bom": list(bom), "enterprises": ents, "capacities": list(capacities),
        "supply_links": list(links), "chains": list(chains), "trade": list(trade),
        "country_groups": list(country_groups), "region_groups": list(region_groups),
    }
    return Dataset(name, {t: conform(t, pd.DataFrame(list(rows))) for t, rows in tables.items()})


def two_tier(inventory_days: float = 10.0, customer_inventory: float = 0.0, qty: float = 2.0) -> Dataset:
    """Supplier S1 makes A (2/day); customer C1 makes final B (1/day) from qty x A; nothing else."""
    return make_dataset(
        products=[{"id": "A", "unit_price": 10.0}, {"id": "B", "unit_price": 100.0, "kind": "final_product"}],
        bom=[{"product": "B", "input_group": "a", "input": "A", "quantity": qty}],
        enterprises=[{"id": "S1", "region": "130203"}, {"id": "C1", "region": "110101"}],
        capacities=[
            {"enterprise": "S1", "product": "A", "capacity": 365.0 * qty, "output": 365.0 * qty,
             "inventory_days": inventory_days},
            {"enterprise": "C1", "product": "B", "capacity": 365.0, "output": 365.0,
             "inventory_days": customer_inventory},
        ],
    )
