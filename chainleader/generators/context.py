"""The small tables of a synthetic dataset: meta, region_groups, country_groups, chains."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chainleader.generators.firms import FirmPlan
from chainleader.generators.geography import Geography
from chainleader.generators.names import (
    CLUSTERS,
    COUNTRY_GROUPS,
    FICTIONAL_EN,
    FICTIONAL_ZH,
    FINAL,
    FINAL_FAMILIES,
    STEMS,
)
from chainleader.generators.products import ProductPlan
from chainleader.generators.tables import make_table, zone_rows

LEAD_REGIONS = 3


def meta_table(name: str, firms: int, products: int, links: int, seed: int, foreign_share: float) -> pa.Table:
    rows = {
        "name": name,
        "title_zh": f"合成产业链数据集（{firms} 家企业、{products} 个产品，种子 {seed}）",
        "title_en": f"Synthetic industrial-chain dataset ({firms} firms, {products} products, seed {seed})",
        "illustrative": "true",
        "currency": "CNY",
        "description": (
            "synthetic / 合成数据：由 chainleader.generators 按随机种子生成的虚构数据，企业、产品与数量均不对应现实。"
            " Fictional data generated from a seed by chainleader.generators; no firm, product or figure"
            " describes the real world."
        ),
        "generator": "chainleader.generators.synthetic",
        "seed": str(seed),
        "parameters": f"firms={firms};products={products};links={links};foreign_share={foreign_share}",
    }
    return make_table("meta", len(rows), {"key": list(rows), "value": list(rows.values())})


def region_groups_table(firms: FirmPlan, geo: Geography) -> pa.Table:
    zone_ids, zone_cols = zone_rows(firms, geo)
    n_clusters = len(CLUSTERS)
    return make_table(
        "region_groups",
        n_clusters + len(zone_ids),
        {
            "id": [c[0] for c in CLUSTERS] + zone_ids,
            "name_zh": [c[1] for c in CLUSTERS] + zone_cols["name_zh"],
            "name_en": [c[2] for c in CLUSTERS] + zone_cols["name_en"],
            "kind": ["cluster"] * n_clusters + zone_cols["kind"],
            "parent_region": [None] * n_clusters + zone_cols["parent_region"],
            "members": [";".join(sorted(c[3])) for c in CLUSTERS] + [None] * len(zone_ids),
        },
    )


def country_groups_table() -> pa.Table:
    return make_table(
        "country_groups",
        len(COUNTRY_GROUPS),
        {
            "id": [g[0] for g in COUNTRY_GROUPS],
            "name_zh": [g[1] for g in COUNTRY_GROUPS],
            "name_en": [g[2] for g in COUNTRY_GROUPS],
            "members": [";".join(sorted(g[3])) for g in COUNTRY_GROUPS],
        },
    )


def chains_table(products: ProductPlan, firms: FirmPlan, geo: Geography, product_ids: Any) -> pa.Table:
    """One chain over every final product, plus one per product family present."""
    finals = np.flatnonzero(products.tier == FINAL)
    family = np.array([s.family for s in STEMS[FINAL]], dtype=np.int64)[products.stem[finals]]

    # Lead regions: provinces with the most Chinese final-product capacity (by value).
    row_final = products.tier[firms.cap_product] == FINAL
    rows = np.flatnonzero(row_final & (firms.country[firms.cap_firm] == 0))
    row_prov = geo.pref_province[firms.region[firms.cap_firm[rows]]]
    row_value = firms.capacity[rows] * products.unit_price[firms.cap_product[rows]]
    fam_of_product = np.full(products.n, -1, dtype=np.int64)
    fam_of_product[finals] = family
    row_family = fam_of_product[firms.cap_product[rows]]

    def leads(mask: np.ndarray) -> str | None:
        value = np.bincount(row_prov[mask], row_value[mask], minlength=len(geo.prov_codes))
        top = np.argsort(-value, kind="stable")[:LEAD_REGIONS]
        codes = sorted(geo.prov_codes[i] for i in top if value[i] > 0)  # canonical list order
        return ";".join(codes) or None

    cols: dict[str, list[Any]] = {
        k: [] for k in ("id", "name_zh", "name_en", "final_products", "lead_regions", "description")
    }

    def add(chain_id: str, zh: str, en: str, members: np.ndarray, lead: str | None) -> None:
        cols["id"].append(chain_id)
        cols["name_zh"].append(f"{zh}{FICTIONAL_ZH}")
        cols["name_en"].append(f"{en}{FICTIONAL_EN}")
        cols["final_products"].append(";".join(pc.take(product_ids, pa.array(members)).to_pylist()))
        cols["lead_regions"].append(lead)
        cols["description"].append(
            f"合成数据：{len(members)} 个终端产品及其上游闭包。"
            f" Synthetic: {len(members)} final products and their upstream closure."
        )

    add(
        "synthetic_all",
        "合成全产业链",
        "Synthetic whole chain",
        finals,
        leads(np.ones(len(rows), dtype=bool)),
    )
    for f, (suffix, zh, en) in enumerate(FINAL_FAMILIES):
        members = finals[family == f]
        if len(members):
            add(
                f"synthetic_{suffix}",
                f"合成{zh}产业链",
                f"Synthetic {en.lower()} chain",
                members,
                leads(row_family == f),
            )
    return make_table("chains", len(cols["id"]), cols)
