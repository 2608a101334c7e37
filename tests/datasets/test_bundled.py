"""The bundled datasets (chainleader/datasets) and the GB/T 4754-2017 reference table.

Each dataset is read straight from its CSV files (no importer involved) and checked against
``chainleader.model.schema``: columns in schema order, unique keys, types, enums, ranges, references,
real identifiers (GB 32100 USCC, GB/T 2260 divisions, ISO 3166 countries, HS 2022, GB/T 4754), an acyclic
AND/OR bill of materials whose final products can be made from the baseline capacities, and — for
nev-jjj — the import dependence the seed documents publish. The builder must be deterministic.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import subprocess
import sys
import time
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from chainleader.model.ids import is_valid_id, is_valid_uscc
from chainleader.model.reference import countries, division, hs_codes, industry_classes
from chainleader.model.schema import TABLES, table

ROOT = Path(__file__).resolve().parents[2]
DATASETS = ROOT / "chainleader" / "datasets"
BUILDER = ROOT / "tools" / "build_datasets.py"
NAMES = ("nev-jjj", "ic-yrd", "display-js")
MINIMUM_PRODUCTS = {"nev-jjj": 80, "ic-yrd": 50, "display-js": 30}
MINIMUM_ENTERPRISES = {"nev-jjj": 400, "ic-yrd": 250, "display-js": 120}
LIYAN = "李燕《在加快构建新发展格局中提高我国产业链供应链韧性和安全水平》"
AUTO_CHIPS = ("P_AUTO_MCU", "P_ADAS_SOC", "P_COCKPIT_SOC", "P_AUTO_MEMORY", "P_ANALOG_IC", "P_CIS_SENSOR",
              "P_RADAR_CHIP", "P_IGBT_MODULE", "P_SIC_MODULE")


@cache
def load(name: str) -> dict[str, pd.DataFrame]:
    return {
        t.name: pd.read_csv(DATASETS / name / f"{t.name}.csv", dtype=str, keep_default_na=False, encoding="utf-8")
        for t in TABLES
    }


def num(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s.replace("", np.nan)).to_numpy(dtype=float)


def split(cell: str) -> list[str]:
    return [v for v in cell.split(";") if v]


def gross_dependence(trade: pd.DataFrame, products: tuple[str, ...] | str, year: str = "2023",
                     measure: str = "quantity") -> float:
    """Gross import dependence M / (Q + M - X) of the year (summed over products: use value_usd)."""
    chosen = (products,) if isinstance(products, str) else products
    t = trade[(trade["product"].isin(chosen)) & (trade["year"] == year) & (trade["reporter"] == "CN")]
    amount = t.assign(a=num(t[measure])).groupby("flow")["a"].sum()
    m, x, q = amount.get("import", 0.0), amount.get("export", 0.0), amount.get("production", 0.0)
    return float(m / (q + m - x))


def top_partners(trade: pd.DataFrame, product: str, year: str = "2023") -> list[str]:
    t = trade[(trade["product"] == product) & (trade["year"] == year) & (trade["flow"] == "import")]
    return list(t.assign(q=num(t["quantity"])).sort_values("q", ascending=False)["partner"])


# ----------------------------------------------------------------------------------------------------------
# format: columns, keys, types, enums, ranges
# ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_every_table_has_exactly_the_schema_columns_in_order(name: str) -> None:
    for t in TABLES:
        assert tuple(load(name)[t.name].columns) == t.column_names, t.name


@pytest.mark.parametrize("name", NAMES)
def test_keys_are_unique_and_required_cells_filled(name: str) -> None:
    for t in TABLES:
        df = load(name)[t.name]
        assert not df.duplicated(list(t.key)).any(), f"{t.name}: duplicate key {t.key}"
        for c in t.columns:
            if c.required:
                assert (df[c.name] != "").all(), f"{t.name}.{c.name} has empty required cells"


@pytest.mark.parametrize("name", NAMES)
def test_values_have_the_schema_types_enums_and_ranges(name: str) -> None:
    for t in TABLES:
        df = load(name)[t.name]
        for c in t.columns:
            cells = [v for v in df[c.name] if v != ""]
            if c.type in ("int", "float"):
                values = np.array([float(v) for v in cells])
                assert np.isfinite(values).all(), f"{t.name}.{c.name}"
                if c.type == "int":
                    assert all(v.lstrip("-").isdigit() for v in cells), f"{t.name}.{c.name} is not integer"
                if c.min is not None:
                    assert (values >= c.min).all(), f"{t.name}.{c.name} below {c.min}"
                if c.max is not None:
                    assert (values <= c.max).all(), f"{t.name}.{c.name} above {c.max}"
            elif c.type == "bool":
                assert set(cells) <= {"true", "false"}, f"{t.name}.{c.name}"
            elif c.type == "date":
                for v in cells:
                    assert dt.date.fromisoformat(v).isoformat() == v, f"{t.name}.{c.name}: {v}"
            elif c.type == "enum":
                assert set(cells) <= set(c.enum_values), f"{t.name}.{c.name}: {set(cells) - set(c.enum_values)}"
            elif c.type == "list" and c.enum:
                used = {v for cell in cells for v in split(cell)}
                assert used <= set(c.enum_values), f"{t.name}.{c.name}: {used - set(c.enum_values)}"
            elif c.type == "id":
                assert all(is_valid_id(v) for v in cells), f"{t.name}.{c.name}"


@pytest.mark.parametrize("name", NAMES)
def test_meta_labels_the_dataset_illustrative_and_bilingual(name: str) -> None:
    meta = dict(zip(load(name)["meta"]["key"], load(name)["meta"]["value"], strict=True))
    assert meta["name"] == name and meta["illustrative"] == "true" and meta["currency"] == "CNY"
    assert "示意数据" in meta["description"] and "enterprises are fictional" in meta["description"]
    assert meta["title_zh"] and meta["title_en"] and meta["sources"]


@pytest.mark.parametrize("name", NAMES)
def test_every_row_carries_evidence_and_fictional_firms_say_so(name: str) -> None:
    d = load(name)
    for t in TABLES:
        if "source" in t.column_names:
            df = d[t.name]
            assert (df["source"] != "").all() and (df["as_of"] != "").all() and (df["confidence"] != "").all(), t.name
    firms = d["enterprises"]
    assert (firms["source"] == "虚构示意企业 / fictional illustrative firm").all()
    assert (firms["confidence"] == "inferred").all()
    assert firms["name_zh"].str.endswith("（虚构）").all() and firms["name_en"].str.endswith("(fictional)").all()
    assert not firms["name_zh"].duplicated().any() and not firms["name_en"].duplicated().any()


# ----------------------------------------------------------------------------------------------------------
# references and identifiers
# ----------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_every_reference_resolves(name: str) -> None:
    d = load(name)
    products, firms = set(d["products"]["id"]), set(d["enterprises"]["id"])
    zones = set(d["region_groups"]["id"])
    assert set(d["bom"]["product"]) <= products and set(d["bom"]["input"]) <= products
    assert set(d["capacities"]["product"]) <= products and set(d["capacities"]["enterprise"]) <= firms
    links = d["supply_links"]
    assert set(links["supplier"]) <= firms and set(links["customer"]) <= firms and set(links["product"]) <= products
    assert set(d["trade"]["product"]) <= products
    assert {z for z in d["enterprises"]["zone"] if z} <= zones
    for cell in d["chains"]["final_products"]:
        assert set(split(cell)) <= products
    for t in TABLES:  # every schema reference, generically
        for c in t.columns:
            if c.ref:
                target = set(d[c.ref[0]][c.ref[1]])
                assert {v for v in d[t.name][c.name] if v} <= target, f"{t.name}.{c.name} -> {c.ref}"


@pytest.mark.parametrize("name", NAMES)
def test_identifiers_are_real(name: str) -> None:
    d = load(name)
    firms = d["enterprises"]
    iso = countries()
    cn = firms[firms["country"] == "CN"]
    for _, f in cn.iterrows():
        assert division(f["region"]) is not None, f["region"]
        if f["region"].startswith("71"):  # Taiwan, China: no mainland USCC
            assert f["uscc"] == "" and f["foreign_id"]
        else:
            assert is_valid_uscc(f["uscc"]), f["uscc"]
            assert f["uscc"][2:8] == f["region"], "USCC positions 3-8 are the registering division"
    assert not cn["uscc"][cn["uscc"] != ""].duplicated().any()
    foreign = firms[firms["country"] != "CN"]
    assert (foreign["foreign_id"] != "").all() and (foreign["uscc"] == "").all() and (foreign["region"] == "").all()
    used_countries = set(firms["country"]) | {c for c in d["capacities"]["facility_country"] if c}
    used_countries |= {c for c in d["trade"]["partner"] if c}
    used_countries |= {m for cell in d["country_groups"]["members"] for m in split(cell)}
    assert used_countries <= set(iso), used_countries - set(iso)
    assert "TW" not in used_countries, "Taiwan is 中国台湾: country CN, region 710000"
    regions = {r for r in d["capacities"]["facility_region"] if r} | {r for r in d["region_groups"]["parent_region"] if r}
    regions |= {m for cell in d["region_groups"]["members"] for m in split(cell)}
    for r in regions:
        assert division(r) is not None, r
    groups = set(d["region_groups"]["id"])
    for cell in d["chains"]["lead_regions"]:
        assert all(division(r) is not None or r in groups for r in split(cell))
    assert set(d["trade"]["reporter"]) == {"CN"}


@pytest.mark.parametrize("name", NAMES)
def test_hs_and_gbt4754_codes_exist(name: str) -> None:
    products = load(name)["products"]
    hs, industry = hs_codes(), industry_classes()
    for cell in products["hs_codes"]:
        assert set(split(cell)) <= hs, set(split(cell)) - hs
    assert set(products["industry_code"]) <= set(industry)


# ----------------------------------------------------------------------------------------------------------
# structure: BOM, capacities, links, counts
# ----------------------------------------------------------------------------------------------------------
def bom_groups(name: str) -> dict[str, dict[str, list[tuple[str, float]]]]:
    out: dict[str, dict[str, list[tuple[str, float]]]] = {}
    bom = load(name)["bom"]
    for p, g, i, q in zip(bom["product"], bom["input_group"], bom["input"], num(bom["quantity"]), strict=True):
        out.setdefault(p, {}).setdefault(g, []).append((i, float(q)))
    return out


@pytest.mark.parametrize("name", NAMES)
def test_bom_is_acyclic_and_every_product_serves_the_chain(name: str) -> None:
    groups = bom_groups(name)
    state: dict[str, int] = {}

    def visit(p: str) -> None:  # depth-first search; 1 = on the stack, 2 = done
        assert state.get(p) != 1, f"cycle through {p}"
        if state.get(p) == 2:
            return
        state[p] = 1
        for rows in groups.get(p, {}).values():
            for i, _ in rows:
                visit(i)
        state[p] = 2

    finals = split(load(name)["chains"]["final_products"].iloc[0])
    for f in finals:
        visit(f)
    assert set(state) == set(load(name)["products"]["id"]), "every product is upstream of a final product"
    products = load(name)["products"].set_index("id")
    assert (products.loc[finals, "kind"] == "final_product").all()
    assert (num(products.loc[finals, "annual_demand"]) > 0).all()


@pytest.mark.parametrize("name", NAMES)
def test_capacity_rows_are_consistent(name: str) -> None:
    caps = load(name)["capacities"]
    assert (num(caps["output"]) <= num(caps["capacity"])).all()
    assert set(caps["enterprise"]) == set(load(name)["enterprises"]["id"]), "every enterprise makes something"
    assert set(caps["product"]) == set(load(name)["products"]["id"]), "every product has at least one producer"


@pytest.mark.parametrize("name", NAMES)
def test_supply_links_are_consistent_with_bom_and_capacities(name: str) -> None:
    d = load(name)
    links = d["supply_links"].assign(s=num(d["supply_links"]["share"]))
    assert (links["supplier"] != links["customer"]).all()
    assert (links.groupby(["customer", "product"])["s"].sum() <= 1.0 + 1e-9).all()
    makes = set(zip(d["capacities"]["enterprise"], d["capacities"]["product"], strict=True))
    uses = set(zip(d["bom"]["product"], d["bom"]["input"], strict=True))
    made_by: dict[str, set[str]] = {}
    for e, p in makes:
        made_by.setdefault(e, set()).add(p)
    for sup, cus, prod in zip(links["supplier"], links["customer"], links["product"], strict=True):
        assert (sup, prod) in makes, f"{sup} does not make {prod}"
        assert any((out, prod) in uses for out in made_by[cus]), f"{cus} makes nothing that uses {prod}"


@pytest.mark.parametrize("name", NAMES)
def test_counts_meet_the_minimums(name: str) -> None:
    d = load(name)
    assert len(d["products"]) >= MINIMUM_PRODUCTS[name]
    assert len(d["enterprises"]) >= MINIMUM_ENTERPRISES[name]
    assert len(d["supply_links"]) >= 150
    trade = d["trade"]
    products = d["products"]
    needs_trade = products[products["kind"].isin(["resource", "material"])
                           | products["industry_code"].isin(["3972", "3973"])]["id"]
    for pid in needs_trade:
        for year in ("2022", "2023"):
            rows = trade[(trade["product"] == pid) & (trade["year"] == year)]
            assert "production" in set(rows["flow"]), f"{pid} {year}"
    assert set(trade["year"]) == {"2022", "2023"}


def producible(name: str) -> dict[str, bool]:
    """AND/OR pass: a product is producible if it has capacity and every input group has a producible input."""
    caps = load(name)["capacities"]
    capacity = caps.assign(c=num(caps["capacity"])).groupby("product")["c"].sum()
    groups = bom_groups(name)
    ok = {p: False for p in load(name)["products"]["id"]}
    changed = True
    while changed:
        changed = False
        for p in ok:
            if ok[p] or capacity.get(p, 0.0) <= 0:
                continue
            if all(any(ok[i] for i, _ in rows) for rows in groups.get(p, {}).values()):
                ok[p] = changed = True
    return ok


@pytest.mark.parametrize("name", NAMES)
def test_every_final_product_is_producible_at_baseline(name: str) -> None:
    ok = producible(name)
    finals = split(load(name)["chains"]["final_products"].iloc[0])
    assert all(ok[f] for f in finals)
    assert all(ok.values())


@pytest.mark.parametrize("name", NAMES)
def test_baseline_capacities_can_meet_the_final_demand(name: str) -> None:
    """LP feasibility: production x_p <= capacity_p, inputs consumed per the BOM (any OR mix), finals' demand met.

    Variables are scaled by capacity (y_p = x_p / cap_p in [0, 1]; OR-group usage v = u / cap_parent).
    """
    d = load(name)
    products = list(d["products"]["id"])
    idx = {p: i for i, p in enumerate(products)}
    caps = d["capacities"]
    cap = caps.assign(c=num(caps["capacity"])).groupby("product")["c"].sum().reindex(products).to_numpy()
    demand = dict(zip(d["products"]["id"], num(d["products"]["annual_demand"]), strict=True))
    finals = split(d["chains"]["final_products"].iloc[0])
    groups = bom_groups(name)
    n = len(products)
    extra: list[tuple[str, str, float]] = []  # OR-group usage variables: (parent, input, qty)
    rows_ub: list[np.ndarray] = []
    rows_eq: list[np.ndarray] = []
    or_members: list[tuple[str, list[int]]] = []
    for p, gs in groups.items():
        for rows in gs.values():
            if len(rows) > 1:
                ids = []
                for i, q in rows:
                    ids.append(n + len(extra))
                    extra.append((p, i, q))
                or_members.append((p, ids))
    nv = n + len(extra)
    consume = np.zeros((n, nv))
    for p, gs in groups.items():
        for rows in gs.values():
            if len(rows) == 1:
                i, q = rows[0]
                consume[idx[i], idx[p]] += q * cap[idx[p]] / cap[idx[i]]
    for k, (p, i, q) in enumerate(extra):
        consume[idx[i], n + k] += q * cap[idx[p]] / cap[idx[i]]
    b_ub = np.zeros(n)
    for j in range(n):
        upper = consume[j].copy()
        upper[j] -= 1.0
        rows_ub.append(upper)
        b_ub[j] = -(demand[products[j]] / cap[j] if products[j] in finals else 0.0)
    for p, members in or_members:
        equal = np.zeros(nv)
        equal[members] = 1.0
        equal[idx[p]] = -1.0
        rows_eq.append(equal)
    a_eq = np.array(rows_eq) if rows_eq else None
    b_eq = np.zeros(len(rows_eq)) if rows_eq else None
    res = linprog(np.ones(nv), A_ub=np.array(rows_ub), b_ub=b_ub, A_eq=a_eq, b_eq=b_eq,
                  bounds=[(0.0, 1.0)] * n + [(0.0, None)] * len(extra), method="highs")
    assert res.status == 0, res.message


# ----------------------------------------------------------------------------------------------------------
# nev-jjj: geography and the published figures
# ----------------------------------------------------------------------------------------------------------
def test_nev_firms_span_jjj_ten_provinces_and_eight_foreign_countries() -> None:
    firms = load("nev-jjj")["enterprises"]
    cn = firms[firms["country"] == "CN"]
    provinces = cn["region"].str[:2]
    assert provinces.nunique() >= 10
    assert provinces.isin(["11", "12", "13"]).sum() >= 0.3 * len(cn)  # Beijing, Tianjin, Hebei heavily
    assert {"110115", "120116", "130100", "130200", "130600", "131000"} <= set(cn["region"])
    assert {"CD", "AU", "CL", "ID", "JP", "KR", "DE", "US", "NL", "CH"} <= set(firms["country"])
    chain = load("nev-jjj")["chains"].iloc[0]
    assert chain["lead_regions"] == "110000;120000;130000"
    masters = firms[firms["tags"].str.contains("chain_master")]
    assert 1 <= len(masters) <= 6 and masters["region"].str[:2].isin(["11", "12", "13"]).all()


def test_nev_import_dependence_matches_the_seed_figures() -> None:
    """李燕《在加快构建新发展格局中提高我国产业链供应链韧性和安全水平》(seeds/003): 铁矿、铜矿、镍矿等长期保持在80%以上，
    铬矿、钴矿、锂矿等甚至长期保持在90%以上；汽车芯片进口率仍高达90%. Gross dependence M/(Q+M-X), 2023."""
    trade = load("nev-jjj")["trade"]
    assert gross_dependence(trade, "P_COBALT_RAW") > 0.90
    assert gross_dependence(trade, "P_LITHIUM_RAW") > 0.90
    assert gross_dependence(trade, "P_NICKEL_RAW") > 0.80
    assert gross_dependence(trade, "P_IRON_ORE") > 0.80 and gross_dependence(trade, "P_COPPER_RAW") > 0.80
    chips = gross_dependence(trade, AUTO_CHIPS, measure="value_usd")  # value-weighted over the automotive chips
    assert 0.88 <= chips <= 0.92
    assert top_partners(trade, "P_COBALT_RAW")[0] == "CD"
    assert top_partners(trade, "P_LITHIUM_RAW")[0] == "AU"
    assert top_partners(trade, "P_LI2CO3")[0] == "CL"  # Chilean lithium arrives as carbonate
    assert top_partners(trade, "P_NICKEL_RAW")[:2] == ["ID", "PH"]
    sources = load("nev-jjj")["trade"].set_index("product")["source"]
    assert sources.loc["P_COBALT_RAW"].str.startswith(LIYAN).all()


def test_nev_has_real_risk_findings_and_backups() -> None:
    d = load("nev-jjj")
    caps = d["capacities"].merge(d["enterprises"][["id", "country", "region"]], left_on="enterprise", right_on="id")
    caps = caps.assign(c=num(caps["capacity"]), g=num(caps["standard_grade"]))
    caps["site_country"] = np.where(caps["facility_country"] != "", caps["facility_country"],
                                    np.where(caps["facility_region"] != "", "CN", caps["country"]))
    caps["site_region"] = caps["facility_region"].where(caps["facility_region"] != "", caps["region"])
    per_product = caps.groupby("product")
    assert per_product["enterprise"].nunique()["P_CNT"] == 1  # single-sourced
    solvent = caps[caps["product"] == "P_SOLVENT"]
    assert set(solvent["site_region"].str[:2]) == {"37"}  # 单点布局: one province (Shandong)
    cobalt = caps[caps["product"] == "P_COBALT_RAW"]
    assert cobalt[cobalt["site_country"] == "CN"]["c"].sum() < 0.05 * cobalt["c"].sum()  # almost no domestic cobalt ore
    mcu = caps[caps["product"] == "P_AUTO_MCU"]
    auto_grade = mcu[mcu["g"] == 5]
    assert set(auto_grade["site_country"]) <= {"DE", "NL", "JP", "US", "CH"}  # automotive grade: foreign plants
    assert not mcu[(mcu["country"] == "CN") & (mcu["g"] < 5)].empty  # reduced-standard domestic backup exists
    assert mcu[mcu["country"] == "CN"]["c"].sum() < 0.1 * mcu["c"].sum()
    nickel = caps[(caps["product"] == "P_NICKEL_RAW") & (caps["country"] == "CN")]
    assert "ID" in set(nickel["facility_country"])  # a Chinese firm's Indonesian plant


# ----------------------------------------------------------------------------------------------------------
# ic-yrd and display-js specifics
# ----------------------------------------------------------------------------------------------------------
def test_ic_export_controlled_tools_have_no_domestic_same_standard_capacity() -> None:
    """Seed 003: 对中国大陆14纳米及以下逻辑芯片制造、18纳米及以下动态随机存储芯片制造、128层及以上闪存芯片制造所需先进设备实施管控封锁."""
    d = load("ic-yrd")
    products = d["products"].set_index("id")
    caps = d["capacities"].merge(d["enterprises"][["id", "country"]], left_on="enterprise", right_on="id")
    caps = caps.assign(c=num(caps["capacity"]), g=num(caps["standard_grade"]))
    for pid in ("P_EQ_ADV_LOGIC", "P_EQ_ADV_DRAM", "P_EQ_ADV_NAND", "P_LITHO_EUV"):
        assert products.loc[pid, "key_link"] == "true"
        rows = caps[caps["product"] == pid]
        domestic = rows[rows["country"] == "CN"]
        assert domestic["c"].sum() <= 0.06 * rows["c"].sum()
        assert (domestic["g"] < 5).all(), "only reduced-standard domestic capacity"
    firms = d["enterprises"]
    taiwan = firms[firms["region"].str.startswith("71")]
    assert len(taiwan) > 0 and (taiwan["country"] == "CN").all() and (taiwan["region"] == "710000").all()
    yrd = firms[(firms["country"] == "CN") & firms["region"].str[:2].isin(["31", "32", "33", "34"])]
    assert len(yrd) >= 100
    assert load("ic-yrd")["chains"].iloc[0]["lead_regions"] == "310000;320000;330000;340000"


def test_display_is_jiangsu_led_and_evaporation_equipment_is_concentrated_in_japan() -> None:
    """Seed 002 (第一财经, 2020-12-06): 目前江苏在牵头新型显示产业链的梳理."""
    d = load("display-js")
    assert d["chains"].iloc[0]["lead_regions"] == "320000"
    masters = d["enterprises"][d["enterprises"]["tags"].str.contains("chain_master")]
    assert (masters["region"].str[:2] == "32").all() and len(masters) >= 1
    caps = d["capacities"].merge(d["enterprises"][["id", "country"]], left_on="enterprise", right_on="id")
    evap = caps[caps["product"] == "P_EVAP_EQUIP"].assign(c=lambda x: num(x["capacity"]))
    assert evap[evap["country"] == "JP"]["c"].sum() >= 0.6 * evap["c"].sum()


# ----------------------------------------------------------------------------------------------------------
# GB/T 4754-2017 reference
# ----------------------------------------------------------------------------------------------------------
def test_gbt4754_has_all_20_sections_and_all_97_divisions() -> None:
    with (DATASETS / "reference" / "gbt4754_2017.csv").open(encoding="utf-8", newline="") as fh:
        assert next(csv.reader(fh)) == ["code", "level", "name_zh", "name_en", "parent"]
    classes = industry_classes()
    sections = sorted(c.code for c in classes.values() if c.level == "section")
    assert sections == [chr(x) for x in range(ord("A"), ord("T") + 1)]
    divisions = sorted(c.code for c in classes.values() if c.level == "division")
    assert divisions == [f"{i:02d}" for i in range(1, 98)]  # 97 divisions, 01-97 without gaps
    # seed 003 (李燕): 我国拥有41个工业大类 — the industrial sections B (mining), C (manufacturing), D (utilities)
    assert sum(1 for c in classes.values() if c.level == "division" and c.parent in ("B", "C", "D")) == 41
    assert sum(1 for c in classes.values() if c.level == "division" and c.parent == "C") == 31


def test_gbt4754_names_and_hierarchy() -> None:
    classes = industry_classes()
    expected = {
        "C": "制造业", "36": "汽车制造业", "39": "计算机、通信和其他电子设备制造业", "97": "国际组织",
        "3841": "锂离子电池制造", "3612": "新能源车整车制造", "3973": "集成电路制造", "3974": "显示器件制造",
        "3562": "半导体器件专用设备制造", "3985": "电子专用材料制造", "0913": "镍钴矿采选", "3213": "镍钴冶炼",
        "6520": "集成电路设计", "3670": "汽车零部件及配件制造",
    }
    for code, name in expected.items():
        assert classes[code].name_zh == name, code
    for c in classes.values():
        if c.level == "section":
            assert c.parent is None
        elif c.level == "division":
            assert c.parent is not None and classes[c.parent].level == "section"
        else:
            assert c.parent == c.code[:-1] and classes[c.parent].level == ("division" if c.level == "group" else "group")
        assert c.name_en and c.name_zh


def test_reference_readme_cites_the_standard() -> None:
    text = (DATASETS / "reference" / "README.md").read_text(encoding="utf-8")
    assert "GB/T 4754-2017" in text and "第1号修改单" in text and "国民经济行业分类" in text


# ----------------------------------------------------------------------------------------------------------
# the builder
# ----------------------------------------------------------------------------------------------------------
def run_builder(out: Path, hash_seed: str) -> float:
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(BUILDER), "--out", str(out)], check=True, env=env, capture_output=True,
                   cwd=ROOT, timeout=120)
    return time.perf_counter() - start


def test_builder_is_deterministic_and_reproduces_the_bundle(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    seconds = run_builder(first, "1")
    run_builder(second, "12345")  # a different string-hash seed: no set-order dependence
    files = sorted(p.relative_to(first) for p in first.rglob("*.csv"))
    assert len(files) == 1 + 3 * len(TABLES)
    for rel in files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
        assert (first / rel).read_bytes() == (DATASETS / rel).read_bytes(), f"{rel} is stale: rerun the builder"
    assert seconds < 30  # a few seconds normally; lenient on a shared machine


def test_schema_table_names_match_the_files() -> None:
    for name in NAMES:
        assert sorted(p.stem for p in (DATASETS / name).glob("*.csv")) == sorted(t.name for t in TABLES)
    assert table("capacities").key == ("enterprise", "product", "facility_region", "facility_country")
