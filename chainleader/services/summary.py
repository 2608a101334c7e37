"""The dataset summary the demo prints: tiers, products, enterprises by region and country."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from chainleader.model.dataset import Dataset, split_list
from chainleader.model.reference import country, division
from chainleader.model.schema import STAGES, table

STAGE_ZH = dict(STAGES)
KIND_ZH = dict(table("products").column("kind").enum)


@dataclass
class DatasetSummary:
    name: str
    title_zh: str
    title_en: str
    illustrative: bool
    counts: dict[str, int]
    chains: pd.DataFrame  # id, name_zh, name_en, products, final_products
    tiers: pd.DataFrame  # stage, stage_zh, products, key_links, enterprises
    by_province: pd.DataFrame  # province, name_zh, enterprises, capacity_sites
    by_country: pd.DataFrame  # country, name_zh, name_en, enterprises
    import_dependence: pd.DataFrame = field(default_factory=pd.DataFrame)


def province_name(code: object) -> str:
    if code is None or (isinstance(code, float) and pd.isna(code)):
        return "-"
    d = division(str(code)[:2] + "0000")
    return d.name_zh if d else str(code)


def country_names(code: str) -> tuple[str, str]:
    c = country(code)
    return (c.name_zh, c.name_en) if c else (code, code)


def summarise(ds: Dataset) -> DatasetSummary:
    """Counts a chain-leader office looks at first. Pure pandas; sorted for stable output."""
    meta = ds.meta
    products = ds.products
    caps = ds.capacities
    ents = ds.enterprises

    name_of = dict(zip(products["id"], products["name_zh"], strict=True))
    chain_rows = []
    for _, row in ds.chains.iterrows():
        members = ds.chain_products(str(row["id"]))
        chain_rows.append(
            {
                "id": row["id"],
                "name_zh": row["name_zh"],
                "name_en": row["name_en"] or "",
                "products": len(members),
                "final_products": "、".join(name_of.get(p, p) for p in split_list(row["final_products"])),
            }
        )
    chains = pd.DataFrame(chain_rows, columns=["id", "name_zh", "name_en", "products", "final_products"])

    stage_of = products.set_index("id")["stage"]
    firm_stage = caps.assign(stage=caps["product"].map(stage_of))
    tiers = []
    for stage, zh in STAGES:
        sel = products[products["stage"] == stage]
        tiers.append(
            {
                "stage": stage,
                "stage_zh": zh,
                "products": len(sel),
                "key_links": int(sel["key_link"].fillna(False).astype(bool).sum()),
                "enterprises": int(firm_stage.loc[firm_stage["stage"] == stage, "enterprise"].nunique()),
            }
        )
    tiers_df = pd.DataFrame(tiers)

    domestic = ents[ents["country"] == "CN"]
    prov = domestic["region"].map(lambda c: str(c)[:2] + "0000" if c else None)
    by_prov = (
        pd.DataFrame({"province": prov})
        .dropna()
        .groupby("province", as_index=False)
        .size()
        .rename(columns={"size": "enterprises"})
    )
    by_prov["name_zh"] = by_prov["province"].map(province_name)
    by_prov = by_prov.sort_values(["enterprises", "province"], ascending=[False, True]).reset_index(drop=True)
    by_prov = by_prov[["province", "name_zh", "enterprises"]]

    by_cty = ents.groupby("country", as_index=False).size().rename(columns={"size": "enterprises"})
    names = by_cty["country"].map(country_names)
    by_cty["name_zh"] = [n[0] for n in names]
    by_cty["name_en"] = [n[1] for n in names]
    by_cty = by_cty.sort_values(["enterprises", "country"], ascending=[False, True]).reset_index(drop=True)
    by_cty = by_cty[["country", "name_zh", "name_en", "enterprises"]]

    return DatasetSummary(
        import_dependence=top_import_dependence(ds),
        name=ds.name,
        title_zh=meta.get("title_zh", ds.name),
        title_en=meta.get("title_en", ds.name),
        illustrative=meta.get("illustrative", "").lower() in ("true", "1", "yes", "是"),
        counts=ds.counts(),
        chains=chains,
        tiers=tiers_df,
        by_province=by_prov,
        by_country=by_cty,
    )


def top_import_dependence(ds: Dataset, n: int = 10) -> pd.DataFrame:
    """The n products with the highest gross import dependence M/(Q+M−X), with the main source country."""
    from chainleader.analysis import import_dependence

    t = import_dependence(ds).table
    t = t[t["has_trade"] & t["gross"].notna()]
    t = t.sort_values(["gross", "product"], ascending=[False, True], kind="stable").head(n)
    return pd.DataFrame(
        {
            "product": t["product"].to_numpy(),
            "name_zh": t["name_zh"].to_numpy(),
            "gross_dependence": t["gross"].round(3).to_numpy(),
            "net_dependence": t["net"].round(3).to_numpy(),
            "top_source": [country_names(c)[0] if isinstance(c, str) and c else "-" for c in t["top_source"]],
            "top_source_share": t["top_source_share"].round(3).to_numpy(),
            "year": t["year"].to_numpy(),
        }
    )
