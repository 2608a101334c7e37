"""A small synthetic dataset is valid: schema, keys, references, ids, BOM and link rules."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from chainleader.generators import generate_dataset, links
from chainleader.model import reference
from chainleader.model.dataset import Dataset, split_list
from chainleader.model.errors import ConfigError
from chainleader.model.ids import make_uscc

FICTIONAL_ZH = "（虚构）"
SIZE_BY_EMPLOYEES = [(1000, "large"), (300, "medium"), (20, "small"), (0, "micro")]


def test_small_dataset_is_valid(small: Dataset, problems_of) -> None:
    assert problems_of(small) == []


def test_checker_finds_broken_values(small: Dataset, problems_of) -> None:
    e = small.enterprises.copy()
    cn = e.index[e["uscc"].notna()][0]
    e.loc[cn, "uscc"] = e.loc[cn, "uscc"][:17] + ("0" if e.loc[cn, "uscc"][17] != "0" else "1")
    caps = small.capacities.copy()
    caps.loc[0, "product"] = "P_NOPE"
    found = problems_of(small.with_tables(enterprises=e, capacities=caps))
    assert "enterprises.uscc: invalid USCC" in found
    assert any(p.startswith("capacities.product:") for p in found)


def test_counts_and_default_links(small: Dataset) -> None:
    counts = small.counts()
    assert counts["enterprises"] == 400
    assert counts["products"] == 60
    assert counts["supply_links"] == 10 * 400
    assert 400 <= counts["capacities"] <= 3 * 400
    assert all(n > 0 for n in counts.values())


def test_usccs_are_valid_unique_and_carry_the_region(small: Dataset) -> None:
    e = small.enterprises
    cn = e[e["country"] == "CN"]
    assert cn["uscc"].notna().all() and cn["region"].notna().all()
    assert cn["uscc"].is_unique
    assert all(make_uscc(u[:17]) == u for u in cn["uscc"])
    assert (cn["uscc"].str[:2] == "91").all()
    assert (cn["uscc"].str[2:8] == cn["region"]).all()
    foreign = e[e["country"] != "CN"]
    assert len(foreign) > 0
    assert foreign["uscc"].isna().all() and foreign["region"].isna().all()
    assert foreign["foreign_id"].notna().all() and foreign["foreign_id"].is_unique
    assert cn["foreign_id"].isna().all()


def test_regions_are_real_prefectures(small: Dataset) -> None:
    codes = set(small.enterprises["region"].dropna()) | set(small.capacities["facility_region"].dropna())
    assert codes
    for code in codes:
        d = reference.division(code)
        assert d is not None and d.level == "prefecture" and code.endswith("00"), code
        assert code[:2] not in ("71", "81", "82")


def test_enterprises_are_marked_fictional_and_sized_by_employees(small: Dataset) -> None:
    e = small.enterprises
    assert e["name_zh"].str.endswith(FICTIONAL_ZH).all()
    assert e["name_en"].str.endswith("(fictional)").all()
    expected = [next(s for lo, s in SIZE_BY_EMPLOYEES if n >= lo) for n in e["employees"]]
    assert list(e["size"]) == expected
    zones = small.region_groups.set_index("id")["parent_region"]
    zoned = e[e["zone"].notna()]
    assert (zoned["region"].to_numpy() == zones.reindex(zoned["zone"]).to_numpy()).all()


def test_bom_is_a_layered_and_or_dag(small: Dataset) -> None:
    bom, products = small.bom, small.products.set_index("id")
    graph = nx.DiGraph(list(zip(bom["input"], bom["product"], strict=True)))
    assert nx.is_directed_acyclic_graph(graph)
    assert not bom.duplicated(["product", "input"]).any()  # an input appears once per product
    groups = bom.groupby("product")["input_group"].nunique()
    alts = bom.groupby(["product", "input_group"]).size()
    assert groups.between(1, 4).all() and alts.between(1, 3).all()
    # Groups are numbered G1..Gk without gaps.
    for _, group_ids in bom.groupby("product")["input_group"]:
        numbers = sorted({int(x[1:]) for x in group_ids})
        assert numbers == list(range(1, len(numbers) + 1))
    kind = products["kind"]
    assert set(bom["product"]) == set(kind.index[kind != "resource"])
    assert not set(bom["product"]) & set(kind.index[kind == "resource"])
    assert (bom["quantity"] > 0).all()
    # Every non-final product feeds something.
    assert set(kind.index[kind != "final_product"]) <= set(bom["input"])


def test_stage_kind_demand_and_prices(small: Dataset) -> None:
    p = small.products.set_index("id")
    stage_of = {
        "resource": {"upstream"},
        "material": {"upstream"},
        "component": {"midstream"},
        "equipment": {"midstream"},
        "final_product": {"downstream"},
    }
    assert all(st in stage_of[k] for k, st in zip(p["kind"], p["stage"], strict=True))
    final = p["kind"] == "final_product"
    assert (p.loc[final, "annual_demand"] > 0).all()
    assert p.loc[~final, "annual_demand"].isna().all()
    # A product costs more than any single input line (cost-plus pricing).
    bom = small.bom
    product_price = p["unit_price"].reindex(bom["product"]).to_numpy()
    input_cost = bom["quantity"].to_numpy() * p["unit_price"].reindex(bom["input"]).to_numpy()
    assert (product_price > input_cost).all()


def test_capacities_follow_the_firms(small: Dataset) -> None:
    c, e = small.capacities, small.enterprises.set_index("id")
    assert (c["output"] <= c["capacity"]).all() and (c["capacity"] > 0).all()
    assert c["standard_grade"].between(1, 5).all()
    assert c[["inventory_days", "ttr_days", "ramp_up_days"]].notna().all().all()
    assert (c["facility_country"].to_numpy() == e["country"].reindex(c["enterprise"]).to_numpy()).all()
    hq_region = e["region"].reindex(c["enterprise"]).fillna("-").to_numpy()
    assert (c["facility_region"].fillna("-").to_numpy() == hq_region).all()
    per_firm = c.groupby("enterprise").size()
    assert per_firm.between(1, 3).all() and len(per_firm) == len(e)
    kinds = small.products.set_index("id")["kind"].reindex(c["product"]).to_numpy()
    assert (pd.Series(kinds).groupby(c["enterprise"].to_numpy()).nunique() == 1).all()


def test_supply_links_follow_the_bom(small: Dataset) -> None:
    links_ = small.supply_links
    makes = set(zip(small.capacities["enterprise"], small.capacities["product"], strict=True))
    assert all(pair in makes for pair in zip(links_["supplier"], links_["product"], strict=True))
    uses = small.capacities.merge(small.bom, on="product")
    needs = set(zip(uses["enterprise"], uses["input"], strict=True))
    assert all(pair in needs for pair in zip(links_["customer"], links_["product"], strict=True))
    assert (links_["supplier"] != links_["customer"]).all()
    assert not links_.duplicated(["supplier", "customer", "product"]).any()
    assert (links_["volume"] > 0).all() and (links_["share"] > 0).all()


def test_shares_per_customer_and_product_sum_to_at_most_one(small: Dataset) -> None:
    units = (small.supply_links["share"] * 10_000).round().astype(int)
    assert np.allclose(units / 10_000, small.supply_links["share"], rtol=0, atol=1e-12)
    keys = [small.supply_links["customer"], small.supply_links["product"]]
    assert units.groupby(keys).sum().max() <= 10_000
    assert small.supply_links["share"].groupby(keys).sum().max() <= 1 + 1e-9


def test_chains_groups_trade_and_meta(small: Dataset) -> None:
    p = small.products
    finals = set(p.loc[p["kind"] == "final_product", "id"])
    chains = small.chains.set_index("id")
    assert set(split_list(chains.loc["synthetic_all", "final_products"])) == finals
    assert small.chain_products("synthetic_all") == sorted(p["id"])
    group_ids = set(small.region_groups["id"])
    for cell in small.chains["lead_regions"].dropna():
        assert all(x in group_ids or reference.division(x) for x in split_list(cell))
    for cell in small.region_groups["members"].dropna():
        assert all(reference.division(x) for x in split_list(cell))
    for cell in small.country_groups["members"]:
        assert all(reference.country(x) for x in split_list(cell))

    t = small.trade
    assert (t["reporter"] == "CN").all() and set(t["year"]) == {2023, 2024}
    production = t["flow"] == "production"
    assert t.loc[production, "partner"].isna().all() and t.loc[~production, "partner"].notna().all()
    assert not (t["partner"] == "CN").any()
    upstream = p.loc[(p["stage"] == "upstream") | (p["kind"] == "equipment"), "id"]
    assert set(t["product"]) == set(upstream)

    meta = small.meta
    assert meta["illustrative"] == "true" and meta["name"] == small.name
    assert "synthetic" in meta["description"] and "合成数据" in meta["description"]
    for name, df in small.tables.items():
        if "source" in df.columns:
            assert (df["source"] == "合成数据 / synthetic").all(), name
            assert (df["confidence"] == "inferred").all() and (df["as_of"] == "2024-12-31").all(), name


def test_same_seed_same_content_other_seed_differs(small: Dataset) -> None:
    again = generate_dataset(400, 60, seed=7)
    assert again.content_hash() == small.content_hash()
    other = generate_dataset(400, 60, seed=8)
    assert other.content_hash() != small.content_hash()
    assert not other.enterprises["name_zh"].equals(small.enterprises["name_zh"])


def test_many_customer_blocks_stay_valid(monkeypatch: pytest.MonkeyPatch, problems_of) -> None:
    monkeypatch.setattr(links, "BLOCK_FIRMS", 37)
    ds = generate_dataset(300, 40, seed=3, links=2500)
    assert problems_of(ds) == []
    assert len(ds.supply_links) == 2500
    assert ds.enterprises["id"].is_unique and ds.enterprises["uscc"].dropna().is_unique
    units = (ds.supply_links["share"] * 10_000).round().astype(int)
    assert units.groupby([ds.supply_links["customer"], ds.supply_links["product"]]).sum().max() <= 10_000


@pytest.mark.parametrize(("firms", "products"), [(1, 6), (5, 6), (3, 40), (50, 7)])
def test_tiny_datasets_are_valid(firms: int, products: int, problems_of) -> None:
    ds = generate_dataset(firms, products, seed=1)
    assert problems_of(ds) == []
    assert len(ds.enterprises) == firms and len(ds.products) == products


def test_links_stop_when_every_slot_is_full(problems_of) -> None:
    ds = generate_dataset(30, 6, seed=2, links=100_000)
    assert problems_of(ds) == []
    assert 0 < len(ds.supply_links) < 100_000
    assert generate_dataset(30, 6, seed=2, links=0).supply_links.empty


@pytest.mark.parametrize(
    "kwargs",
    [
        {"firms": 0, "products": 10},
        {"firms": 10, "products": 5},
        {"firms": 10, "products": 10, "seed": -1},
        {"firms": 10, "products": 10, "links": -5},
        {"firms": 10, "products": 10, "foreign_share": 1.5},
        {"firms": 10.5, "products": 10},
    ],
)
def test_bad_arguments_raise_config_error(kwargs: dict) -> None:
    with pytest.raises(ConfigError):
        generate_dataset(**kwargs)
