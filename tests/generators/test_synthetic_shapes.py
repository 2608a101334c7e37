"""Distribution shapes of a medium synthetic dataset (20 000 firms, 300 products)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from chainleader.generators import generate_dataset
from chainleader.model.dataset import Dataset


@pytest.fixture(scope="module")
def rows(medium: Dataset) -> pd.DataFrame:
    """Capacity rows with product kind, capacity value (CNY) and the maker's country."""
    p = medium.products.set_index("id")
    c = medium.capacities
    country = medium.enterprises.set_index("id")["country"].reindex(c["enterprise"]).to_numpy()
    return c.assign(
        kind=p["kind"].reindex(c["product"]).to_numpy(),
        value=c["capacity"].to_numpy() * p["unit_price"].reindex(c["product"]).to_numpy(),
        foreign=country != "CN",
        province=c["facility_region"].str[:2],
    )


def test_firm_sizes_are_heavy_tailed(medium: Dataset, rows: pd.DataFrame) -> None:
    per_firm = rows.groupby("enterprise")["value"].sum().sort_values(ascending=False)
    top = per_firm.iloc[: len(per_firm) // 10].sum() / per_firm.sum()
    assert top > 0.5
    assert per_firm.max() / per_firm.median() > 100
    # Within big products too: the top tenth of makers hold most of the capacity.
    big = rows.groupby("product").filter(lambda g: len(g) >= 50)
    top_share = big.groupby("product")["capacity"].apply(
        lambda s: s.nlargest(max(1, len(s) // 10)).sum() / s.sum()
    )
    assert top_share.median() > 0.4
    size = medium.enterprises["size"].value_counts(normalize=True)
    assert size["small"] + size["micro"] > 0.6 and size["large"] < 0.1


def test_foreign_capacity_is_concentrated_upstream(medium: Dataset, rows: pd.DataFrame) -> None:
    share = rows[rows["foreign"]].groupby("kind")["value"].sum() / rows.groupby("kind")["value"].sum()
    assert share["resource"] > 0.5 and share["equipment"] > 0.5  # mostly made abroad
    assert share["resource"] > share["component"] > share["final_product"]
    assert share["final_product"] < 0.3
    # Upstream foreign supply comes from a few countries per product.
    up = rows[rows["foreign"] & rows["kind"].isin(["resource", "equipment"])]
    top_country = (
        up.groupby(["product", "facility_country"])["value"]
        .sum()
        .groupby("product")
        .agg(lambda s: s.max() / s.sum())
    )
    assert top_country.median() > 0.5
    foreign_firms = (medium.enterprises["country"] != "CN").mean()
    assert abs(foreign_firms - 0.15) < 0.03


def test_makers_of_a_product_cluster_in_few_provinces(rows: pd.DataFrame) -> None:
    cn = rows[~rows["foreign"]]
    overall = cn["province"].value_counts(normalize=True).iloc[:3].sum()
    per_product = (
        cn.groupby("product")
        .filter(lambda g: len(g) >= 30)
        .groupby("product")["province"]
        .agg(lambda s: s.value_counts(normalize=True).iloc[:3].sum())
    )
    assert len(per_product) > 50
    assert per_product.median() > overall + 0.15


def test_links_products_and_prices(medium: Dataset, rows: pd.DataFrame) -> None:
    assert len(medium.supply_links) == 10 * len(medium.enterprises)
    suppliers = medium.supply_links.groupby(["customer", "product"]).size()
    assert 1.2 < suppliers.mean() < 4 and suppliers.max() <= 8
    products_per_firm = rows.groupby("enterprise").size()
    assert 1.3 < products_per_firm.mean() < 1.8
    price = medium.products.groupby("kind")["unit_price"].median()
    assert price["resource"] < price["material"] < price["component"] < price["final_product"]
    # Supplier choice follows capacity: big makers have more customers.
    degree = medium.supply_links.groupby(["supplier", "product"]).size()
    cap = rows.set_index(["enterprise", "product"])["capacity"]
    joined = pd.concat([degree.rename("customers"), cap.rename("capacity")], axis=1).fillna(0)
    assert np.corrcoef(joined["customers"].rank(), joined["capacity"].rank())[0, 1] > 0.3


def test_imports_dominate_upstream_trade(medium: Dataset) -> None:
    kind = medium.products.set_index("id")["kind"]
    t = medium.trade[medium.trade["year"] == 2024]
    q = t.pivot_table(index="product", columns="flow", values="quantity", aggfunc="sum").fillna(0.0)
    dependence = (q["import"] - q["export"]) / (q["production"] + q["import"] - q["export"])
    by_kind = dependence.groupby(kind.reindex(q.index)).median()
    assert by_kind["resource"] > 0.5 and by_kind["resource"] > by_kind["material"]


def test_foreign_share_is_a_knob() -> None:
    none = generate_dataset(3000, 60, seed=4, foreign_share=0.0)
    many = generate_dataset(3000, 60, seed=4, foreign_share=0.4)
    assert (none.enterprises["country"] == "CN").all()
    assert 0.3 < (many.enterprises["country"] != "CN").mean() < 0.45
