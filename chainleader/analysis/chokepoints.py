"""Chokepoints (卡脖子环节): high import dependence, concentrated sources, no domestic same-standard capacity.

卡脖子环节：对外依存度高、来源国集中（或集中于某一国家分组，如出口管制集团），且国内没有同准产能。

A product is a chokepoint when all three hold:

1. dependence >= ``chokepoint_min_dependence`` — import dependence (trade table, the labelled variant); a
   product without trade data uses the foreign share of its capacity sites instead (``dependence_basis``);
2. sources are concentrated: <= ``chokepoint_max_source_countries`` source countries, or source HHI >=
   ``chokepoint_min_source_hhi``, or (when ``country_group`` is set) the group's share of imports >=
   ``chokepoint_min_group_share``;
3. no domestic same-standard capacity: no working domestic site whose grade reaches the best foreign grade
   (when no foreign grade is known, any working domestic site counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.compiled import CompiledDataset, compile_dataset
from chainleader.analysis.concentration import grouped_measures, grouped_shares
from chainleader.analysis.dependence import import_dependence_arrays, source_breakdown
from chainleader.analysis.params import RiskParams
from chainleader.model.dataset import Dataset


@dataclass
class ChokepointResult:
    """``table``: one row per product in scope with every criterion; ``is_chokepoint`` marks the hits."""

    table: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def products(self) -> list[str]:
        return [str(x) for x in self.table.loc[self.table["is_chokepoint"], "product"]]


def chokepoint_arrays(comp: CompiledDataset, params: RiskParams) -> dict[str, np.ndarray]:
    P = comp.n_products
    dep = import_dependence_arrays(comp, params)
    _, src = source_breakdown(comp, params)
    live = comp.site_live
    dom = comp.site_domestic(params.home_country)
    w = np.nan_to_num(np.where(live, comp.site_weight(params.share_basis), 0.0), nan=0.0)
    tot = np.bincount(comp.site_product, weights=w, minlength=P)
    foreign_w = np.bincount(comp.site_product[~dom], weights=w[~dom], minlength=P)
    with np.errstate(divide="ignore", invalid="ignore"):
        site_dep = np.where(tot > 0, foreign_w / tot, np.nan)
    use_trade = np.isfinite(dep["dependence"])
    d = np.where(use_trade, dep["dependence"], site_dep)
    basis = np.where(use_trade, "trade", np.where(np.isfinite(site_dep), "sites", "none")).astype(object)
    # source concentration: trade sources, else foreign site countries
    fl = live & ~dom
    gs = grouped_shares(comp.site_product[fl], comp.site_country[fl], w[fl], P, comp.n_countries)
    fm = grouped_measures(gs, P, (1,))
    n_fc = np.bincount(gs.group, minlength=P)
    n_src = np.where(use_trade, src["n_source_countries"], n_fc)
    s_hhi = np.where(use_trade, src["source_hhi"], fm["hhi"])
    conc = (n_src >= 1) & ((n_src <= params.chokepoint_max_source_countries)
                           | (np.nan_to_num(s_hhi) >= params.chokepoint_min_source_hhi))
    group_share = np.full(P, np.nan)
    if params.country_group is not None:
        members = comp.country_group(params.country_group).members
        in_g = np.isin(comp.site_country, members) & fl
        g_site = np.where(tot > 0, np.bincount(comp.site_product[in_g], weights=w[in_g], minlength=P)
                          / np.where(foreign_w > 0, foreign_w, 1.0), np.nan)
        group_share = np.where(use_trade, src["group_share"], g_site)
        conc |= np.nan_to_num(group_share) >= params.chokepoint_min_group_share
    # required grade = best foreign grade; domestic same-standard capacity?
    req = np.zeros(P, dtype=np.int64)
    np.maximum.at(req, comp.site_product[fl], comp.site_grade[fl].astype(np.int64))
    dl = live & dom
    dom_same = np.bincount(comp.site_product[dl & (comp.site_grade >= req[comp.site_product])], minlength=P) > 0
    dom_any = np.bincount(comp.site_product[dl], minlength=P) > 0
    best_dom = np.zeros(P, dtype=np.int64)
    np.maximum.at(best_dom, comp.site_product[dl], comp.site_grade[dl].astype(np.int64))
    high = np.nan_to_num(d, nan=-np.inf) >= params.chokepoint_min_dependence
    return {"dependence": d, "basis": basis, "variant": np.where(use_trade, params.dependence_variant, "foreign_share"),
            "n_sources": n_src, "source_hhi": s_hhi, "group_share": group_share, "concentrated": conc,
            "required_grade": req, "best_domestic_grade": best_dom, "domestic_any": dom_any,
            "domestic_same_standard": dom_same, "high_dependence": high,
            "is_chokepoint": high & conc & ~dom_same, "top_source": src["top_source"],
            "top_source_share": src["top_source_share"]}


def chokepoints(
    data: Dataset | CompiledDataset, *, chain: str | None = None, params: RiskParams | None = None
) -> ChokepointResult:
    """Products that are chokepoints (卡脖子), with every criterion and its number.

    卡脖子环节识别：依存度、来源集中度（或国家分组占比）、国内同准产能三项判据及其数值。
    """
    params = params or RiskParams()
    comp = compile_dataset(data)
    a = chokepoint_arrays(comp, params)
    idx = np.flatnonzero(comp.scope(chain))
    top = a["top_source"][idx]
    table = pd.DataFrame({
        "product": comp.product_ids[idx], "name_zh": comp.product_name_zh[idx],
        "dependence": a["dependence"][idx], "dependence_basis": a["basis"][idx], "variant": a["variant"][idx],
        "n_source_countries": a["n_sources"][idx], "source_hhi": a["source_hhi"][idx],
        "top_source": np.where(top >= 0, comp.country_codes[np.maximum(top, 0)], None),
        "top_source_share": a["top_source_share"][idx],
        "group_share": a["group_share"][idx], "required_grade": a["required_grade"][idx],
        "best_domestic_grade": a["best_domestic_grade"][idx], "domestic_capacity": a["domestic_any"][idx],
        "domestic_same_standard": a["domestic_same_standard"][idx], "high_dependence": a["high_dependence"][idx],
        "concentrated": a["concentrated"][idx], "is_chokepoint": a["is_chokepoint"][idx],
    })
    meta = {"min_dependence": params.chokepoint_min_dependence,
            "max_source_countries": params.chokepoint_max_source_countries,
            "min_source_hhi": params.chokepoint_min_source_hhi, "country_group": params.country_group,
            "min_group_share": params.chokepoint_min_group_share, "chain": chain}
    return ChokepointResult(table, meta)
