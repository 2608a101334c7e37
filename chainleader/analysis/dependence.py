"""Import dependence (对外依存度) per product, with the source-country breakdown (METHODS.md §1).

对外依存度：表观消费量 C = Q + M − X（产量 + 进口 − 出口）；
净依存度 (M − X)/C（欧盟关键原材料与国内常用口径），总依存度 M/C。净出口国得到负值，保留并标记。
Apparent consumption C = Q + M − X; net dependence (M − X)/C (EU CRM import reliance, the usual Chinese
figure), gross dependence M/C. A net exporter gets a negative net value: it is kept and flagged.
The variant shown is labelled. Bands (default 0.7 / 0.8 / 0.9 -> blue / yellow / red) are parameters.

Trade rows: reporter = the home country (default CN), the latest year with data per product unless
``RiskParams.trade_year`` is set, quantities (default) or USD values. When a product-year has no
production row and ``production_from_capacities`` is set, Q is the output of the domestic capacity rows
(a site without output counts its capacity); the column ``q_source`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.compiled import CompiledDataset, compile_dataset
from chainleader.analysis.grouping import pair_reduce
from chainleader.analysis.params import RiskParams
from chainleader.model.dataset import Dataset

FLOW_IMPORT, FLOW_EXPORT, FLOW_PRODUCTION = 0, 1, 2


@dataclass(frozen=True)
class TradeYear:
    """Per product: the year used (0 = no home-reporter trade data) and the row mask of that year."""

    year: np.ndarray  # (P,) int
    rows: np.ndarray  # (T,) bool: home reporter rows of the chosen year


def trade_year(comp: CompiledDataset, params: RiskParams) -> TradeYear:
    home = comp.trade_reporter == params.home_country
    year = np.zeros(comp.n_products, dtype=np.int64)
    if params.trade_year is not None:
        has = np.zeros(comp.n_products, dtype=bool)
        sel = home & (comp.trade_year == params.trade_year)
        has[comp.trade_product[sel]] = True
        year[has] = params.trade_year
    elif home.any():
        np.maximum.at(year, comp.trade_product[home], comp.trade_year[home].astype(np.int64))
    rows = home & (year[comp.trade_product] == comp.trade_year) & (year[comp.trade_product] > 0)
    return TradeYear(year, rows)


def _amount(comp: CompiledDataset, params: RiskParams) -> np.ndarray:
    raw = comp.trade_quantity if params.trade_measure == "quantity" else comp.trade_value
    return np.nan_to_num(raw, nan=0.0)


def import_sources(comp: CompiledDataset, params: RiskParams, measure: str | None = None) -> pd.DataFrame:
    """Imports of the chosen year per (product, partner country) with a positive amount.

    Columns: product (index), partner (country index), amount. ``measure`` overrides the trade measure.
    """
    ty = trade_year(comp, params)
    p = params if measure is None else params.updated(trade_measure=measure)
    amt = _amount(comp, p)
    sel = ty.rows & (comp.trade_flow == FLOW_IMPORT) & (comp.trade_partner >= 0) & (amt > 0)
    prod, part, s = pair_reduce(comp.trade_product[sel], comp.trade_partner[sel], amt[sel], comp.n_countries)
    return pd.DataFrame({"product": prod, "partner": part, "amount": s})


@dataclass
class ImportDependenceResult:
    """``table``: one row per product in scope; ``sources``: one row per (product, partner country)."""

    table: pd.DataFrame
    sources: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    def dependence(self, product: str) -> float:
        row = self.table.loc[self.table["product"] == product, "dependence"]
        return float(row.iloc[0]) if len(row) else float("nan")


def import_dependence_arrays(comp: CompiledDataset, params: RiskParams) -> dict[str, np.ndarray]:
    """Per-product arrays (length P): year, Q, M, X, C, gross, net, dependence, q_source, has_trade, ..."""
    P = comp.n_products
    ty = trade_year(comp, params)
    amt = _amount(comp, params)
    rows = ty.rows
    flow = comp.trade_flow
    tp = comp.trade_product
    m = np.bincount(tp[rows & (flow == FLOW_IMPORT)], weights=amt[rows & (flow == FLOW_IMPORT)], minlength=P)
    x = np.bincount(tp[rows & (flow == FLOW_EXPORT)], weights=amt[rows & (flow == FLOW_EXPORT)], minlength=P)
    prod_rows = rows & (flow == FLOW_PRODUCTION)
    q = np.bincount(tp[prod_rows], weights=amt[prod_rows], minlength=P)
    has_q = np.bincount(tp[prod_rows], minlength=P) > 0
    has_trade = ty.year > 0
    q_source = np.where(has_q, "trade", "none").astype(object)
    if params.production_from_capacities and params.trade_measure == "quantity":
        dom = comp.site_domestic(params.home_country)
        w = comp.site_weight("output")
        q_cap = np.bincount(comp.site_product[dom], weights=w[dom], minlength=P)
        use = has_trade & ~has_q & (np.bincount(comp.site_product[dom], minlength=P) > 0)
        q = np.where(use, q_cap, q)
        q_source = np.where(use, "capacities", q_source).astype(object)
    c = q + m - x
    ok = has_trade & (c > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        gross = np.where(ok, m / c, np.nan)
        net = np.where(ok, (m - x) / c, np.nan)
    dep = net if params.dependence_variant == "net" else gross
    return {
        "year": ty.year, "q": q, "m": m, "x": x, "c": c, "gross": gross, "net": net, "dependence": dep,
        "q_source": q_source, "has_trade": has_trade, "net_exporter": has_trade & (m - x < 0),
        "no_consumption": has_trade & (c <= 0),
    }


def source_breakdown(comp: CompiledDataset, params: RiskParams) -> tuple[pd.DataFrame, dict[str, np.ndarray]]:
    """Import sources with shares, and per-product source HHI / count / top source / group share."""
    P = comp.n_products
    src = import_sources(comp, params)
    tot = np.bincount(src["product"].to_numpy(), weights=src["amount"].to_numpy(), minlength=P)
    share = src["amount"].to_numpy() / np.where(tot > 0, tot, 1.0)[src["product"].to_numpy()]
    src["share"] = share
    prod = src["product"].to_numpy()
    hhi = np.bincount(prod, weights=share**2, minlength=P)
    n_src = np.bincount(prod, minlength=P)
    hhi = np.where(n_src > 0, hhi, np.nan)
    top = np.full(P, -1, dtype=np.int64)
    top_share = np.zeros(P)
    if len(src):
        order = np.lexsort((src["partner"].to_numpy(), -share, prod))
        first = np.ones(len(order), dtype=bool)
        first[1:] = prod[order][1:] != prod[order][:-1]
        lead = order[first]
        top[prod[lead]] = src["partner"].to_numpy()[lead]
        top_share[prod[lead]] = share[lead]
    group_share = np.full(P, np.nan)
    if params.country_group is not None:
        members = comp.country_group(params.country_group).members
        in_group = np.isin(src["partner"].to_numpy(), members)
        group_share = np.where(n_src > 0, np.bincount(prod, weights=share * in_group, minlength=P), np.nan)
    return src, {"source_hhi": hhi, "n_source_countries": n_src, "top_source": top, "top_source_share": top_share,
                 "group_share": group_share}


def import_dependence(
    data: Dataset | CompiledDataset, *, chain: str | None = None, params: RiskParams | None = None
) -> ImportDependenceResult:
    """Import dependence per product (gross M/C and net (M−X)/C), bands, net-exporter flags, source countries.

    进口依赖度：每个产品的总/净依存度、预警等级、净出口标记，以及来源国构成与来源国 HHI。
    """
    params = params or RiskParams()
    comp = compile_dataset(data)
    scope = comp.scope(chain)
    a = import_dependence_arrays(comp, params)
    src, s = source_breakdown(comp, params)
    idx = np.flatnonzero(scope)
    b = params.dependence_bands
    dep = a["dependence"][idx]
    bands = np.select([dep >= b[2], dep >= b[1], dep >= b[0]], ["red", "yellow", "blue"], default="")
    top = s["top_source"][idx]
    table = pd.DataFrame({
        "product": comp.product_ids[idx],
        "name_zh": comp.product_name_zh[idx],
        "year": a["year"][idx],
        "measure": params.trade_measure,
        "production": a["q"][idx], "imports": a["m"][idx], "exports": a["x"][idx],
        "apparent_consumption": a["c"][idx],
        "gross": a["gross"][idx], "net": a["net"][idx],
        "variant": params.dependence_variant, "dependence": dep, "band": bands,
        "net_exporter": a["net_exporter"][idx], "no_consumption": a["no_consumption"][idx],
        "has_trade": a["has_trade"][idx], "q_source": a["q_source"][idx],
        "n_source_countries": s["n_source_countries"][idx], "source_hhi": s["source_hhi"][idx],
        "top_source": np.where(top >= 0, comp.country_codes[np.maximum(top, 0)], None),
        "top_source_share": s["top_source_share"][idx],
        "group_share": s["group_share"][idx],
    })
    src = src[scope[src["product"].to_numpy()]]
    sources = pd.DataFrame({
        "product": comp.product_ids[src["product"].to_numpy()],
        "partner": comp.country_codes[src["partner"].to_numpy()],
        "imports": src["amount"].to_numpy(),
        "share": src["share"].to_numpy(),
    }).sort_values(["product", "share", "partner"], ascending=[True, False, True], kind="stable")
    meta = {"variant": params.dependence_variant, "measure": params.trade_measure,
            "reporter": params.home_country, "year": params.trade_year or "latest per product",
            "bands": list(params.dependence_bands), "chain": chain}
    return ImportDependenceResult(table.reset_index(drop=True), sources.reset_index(drop=True), meta)
