"""Supplier concentration per product: HHI by enterprise / province / country, CR_k, Hill numbers.

集中度：按企业、省份、国家计算的赫芬达尔指数 (HHI)、前 k 名份额 CR_k、有效供应商数（1/HHI 与 exp(H)）、
香农熵与均匀度；并检测"单点布局"（国内产能全部位于一个省份）。

METHODS.md §1. HHI = Σ s_i² with fractional shares in (0, 1] (also reported x10^4, the DOJ/FTC scale);
CR_k = sum of the k largest shares; Shannon H = −Σ p ln p with 0·ln 0 = 0; evenness H / ln n;
effective number of suppliers 1/HHI (Hill order 2) and exp(H) (Hill order 1) (Hill 1973, Ecology 54(2)).
Shares use one basis: output (a site without output counts its capacity) or capacity.
Province shares use domestic sites only (单点布局); country shares use every site.
When trade data report domestic production Q above the domestic sites' output, the enterprise HHI is
also given as bounds over the whole market (METHODS §1 pitfalls): lower = Σ known s², upper = the
remainder split into pieces no larger than the smallest known share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.compiled import CompiledDataset, compile_dataset
from chainleader.analysis.grouping import pair_reduce, rank_within, run_starts, xlogx
from chainleader.analysis.params import RiskParams
from chainleader.model.dataset import Dataset


# --------------------------------------------------------------------------------------------------
# the measures on one share vector (reference implementations, used by tests and docs)
# --------------------------------------------------------------------------------------------------
def hhi(shares: np.ndarray | list[float]) -> float:
    """Herfindahl–Hirschman index of fractional (or raw, normalised here) shares."""
    s = np.asarray(shares, dtype=np.float64)
    s = s / s.sum()
    return float(np.sum(s**2))


def concentration_ratio(shares: np.ndarray | list[float], k: int) -> float:
    s = np.sort(np.asarray(shares, dtype=np.float64) / np.sum(shares))[::-1]
    return float(s[:k].sum())


def shannon(shares: np.ndarray | list[float]) -> float:
    s = np.asarray(shares, dtype=np.float64)
    s = s / s.sum()
    return float(-xlogx(s).sum())


def hill_number(shares: np.ndarray | list[float], q: float) -> float:
    """Hill (1973) diversity of order q: (Σ p^q)^(1/(1−q)); q = 1 is exp(H)."""
    s = np.asarray(shares, dtype=np.float64)
    s = s[s > 0] / s.sum()
    if q == 1:
        return float(np.exp(-np.sum(s * np.log(s))))
    return float(np.sum(s**q) ** (1.0 / (1.0 - q)))


def hhi_bounds(known: np.ndarray | list[float], total: float) -> tuple[float, float]:
    """Bounds on the HHI of a market of size ``total`` when only ``known`` amounts are observed."""
    k = np.asarray(known, dtype=np.float64)
    s = k[k > 0] / total
    lower = float(np.sum(s**2))
    rem = max(0.0, 1.0 - float(s.sum()))
    if rem <= 0 or len(s) == 0:
        return lower, lower + rem**2
    smin = float(s.min())
    pieces = np.floor(rem / smin)
    r = rem - pieces * smin
    return lower, lower + pieces * smin**2 + r**2


# --------------------------------------------------------------------------------------------------
# grouped (all products at once)
# --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GroupedShares:
    """Shares of members within groups (e.g. enterprises within products), sorted by (group, member)."""

    group: np.ndarray
    member: np.ndarray
    weight: np.ndarray
    share: np.ndarray
    total: np.ndarray  # (n_groups,)


def grouped_shares(group: np.ndarray, member: np.ndarray, weight: np.ndarray, n_groups: int,
                   n_members: int) -> GroupedShares:
    g, m, w = pair_reduce(group, member, weight, n_members)
    total = np.bincount(g, weights=w, minlength=n_groups)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total[g] > 0, w / np.where(total[g] > 0, total[g], 1.0), 0.0)
    return GroupedShares(g, m, w, share, total)


def grouped_measures(gs: GroupedShares, n_groups: int, cr_k: tuple[int, ...]) -> dict[str, np.ndarray]:
    """HHI, Shannon H, evenness, 1/HHI, exp(H), CR_k, leader and its share, count of members with weight > 0."""
    g, s = gs.group, gs.share
    has = gs.total > 0
    h = np.where(has, np.bincount(g, weights=s * s, minlength=n_groups), np.nan)
    ent = np.where(has, -np.bincount(g, weights=xlogx(s), minlength=n_groups), np.nan)
    n_pos = np.bincount(g, weights=(gs.weight > 0).astype(np.float64), minlength=n_groups).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        even = np.where(n_pos > 1, ent / np.log(np.maximum(n_pos, 2)), np.nan)
        n_eff2 = np.where(has, 1.0 / h, np.nan)
    order = np.lexsort((gs.member, -s, g))
    rank = rank_within(g, order)
    out: dict[str, np.ndarray] = {"hhi": h, "shannon": ent, "evenness": even, "n_eff_hhi": n_eff2,
                                  "n_eff_shannon": np.where(has, np.exp(ent), np.nan), "n_positive": n_pos}
    for k in cr_k:
        out[f"cr{k}"] = np.where(has, np.bincount(g, weights=s * (rank < k), minlength=n_groups), np.nan)
    leader = np.full(n_groups, -1, dtype=np.int64)
    lead_share = np.full(n_groups, np.nan)
    first = rank == 0
    leader[g[first]] = gs.member[first]
    lead_share[g[first]] = s[first]
    out["leader"] = leader
    out["leader_share"] = np.where(has, lead_share, np.nan)
    return out


@dataclass
class ConcentrationResult:
    """``by_product``: one row per product in scope; ``by_product_province`` / ``by_product_country``: shares."""

    by_product: pd.DataFrame
    by_product_province: pd.DataFrame
    by_product_country: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)


def concentration_arrays(comp: CompiledDataset, params: RiskParams,
                         production: np.ndarray | None = None) -> dict[str, Any]:
    """Per-product arrays (length P) plus the grouped share tables (indices)."""
    P, C, R = comp.n_products, comp.n_countries, comp.n_provinces
    live = comp.site_live
    w = np.where(live, comp.site_weight(params.share_basis), 0.0)
    w = np.nan_to_num(w, nan=0.0)
    sp, se = comp.site_product, comp.site_enterprise
    # enterprises: sites are sorted by (product, enterprise): consecutive runs
    st = run_starts(sp, se)
    pair_w = np.add.reduceat(w, st) if len(st) else w[:0]
    total = np.bincount(sp, weights=w, minlength=P)
    tg = total[sp[st]]
    g_e = GroupedShares(sp[st], se[st], pair_w, np.where(tg > 0, pair_w / np.where(tg > 0, tg, 1.0), 0.0), total)
    ent = grouped_measures(g_e, P, params.cr_k)
    n_live_ent = np.zeros(P, dtype=np.int64)
    live_pairs = np.add.reduceat(live.astype(np.int64), st) > 0 if len(st) else np.zeros(0, dtype=bool)
    np.add.at(n_live_ent, g_e.group[live_pairs], 1)
    dom = comp.site_domestic(params.home_country)
    dl = dom & live
    n_dom_ent = np.zeros(P, dtype=np.int64)
    dom_pairs = np.add.reduceat(dl.astype(np.int64), st) > 0 if len(st) else np.zeros(0, dtype=bool)
    np.add.at(n_dom_ent, g_e.group[dom_pairs], 1)
    # countries (all live sites)
    g_c = grouped_shares(sp[live], comp.site_country[live], w[live], P, C)
    ctry = grouped_measures(g_c, P, (1,))
    n_ctry = np.bincount(g_c.group, minlength=P)
    # provinces (domestic live sites with a known province)
    known = dl & (comp.site_province >= 0)
    g_r = grouped_shares(sp[known], comp.site_province[known], w[known], P, R)
    prov = grouped_measures(g_r, P, (1,))
    n_prov = np.bincount(g_r.group, minlength=P)
    unknown_prov = np.bincount(sp[dl & (comp.site_province < 0)], minlength=P) > 0
    single_region = (n_prov == 1) & ~unknown_prov
    # bounds when the domestic sites do not cover the trade-reported production
    dom_w = np.bincount(sp[dl], weights=w[dl], minlength=P)
    lower = ent["hhi"].copy()
    upper = ent["hhi"].copy()
    coverage = np.where(g_e.total > 0, 1.0, np.nan)
    if production is not None:
        unobserved = np.maximum(0.0, np.nan_to_num(production) - dom_w)
        market = g_e.total + unobserved
        part = (unobserved > 0) & (g_e.total > 0)
        if part.any():
            with np.errstate(divide="ignore", invalid="ignore"):
                s_mkt = g_e.weight / np.where(market[g_e.group] > 0, market[g_e.group], 1.0)
            lo = np.bincount(g_e.group, weights=s_mkt**2, minlength=P)
            smin = np.full(P, np.inf)
            pos = s_mkt > 0
            np.minimum.at(smin, g_e.group[pos], s_mkt[pos])
            rem = np.where(part, unobserved / np.where(market > 0, market, 1.0), 0.0)
            smin_f = np.where(np.isfinite(smin), smin, 1.0)
            pieces = np.floor(rem / smin_f)
            r = rem - pieces * smin_f
            lower = np.where(part, lo, lower)
            upper = np.where(part, lo + pieces * smin_f**2 + r**2, upper)
            coverage = np.where(part, g_e.total / np.where(market > 0, market, 1.0), coverage)
    return {"enterprise": ent, "country": ctry, "province": prov, "n_suppliers": n_live_ent,
            "n_domestic_suppliers": n_dom_ent, "n_countries": n_ctry, "n_provinces": n_prov,
            "single_region": single_region, "hhi_lower": lower, "hhi_upper": upper, "coverage": coverage,
            "g_country": g_c, "g_province": g_r, "g_enterprise": g_e, "domestic_weight": dom_w}


def concentration(
    data: Dataset | CompiledDataset, *, chain: str | None = None, params: RiskParams | None = None
) -> ConcentrationResult:
    """Supplier concentration per product (and product x province / x country shares).

    每个产品的供应集中度（企业/省份/国家 HHI、CR_k、有效供应商数、单点布局）。
    """
    from chainleader.analysis.dependence import import_dependence_arrays

    params = params or RiskParams()
    comp = compile_dataset(data)
    dep = import_dependence_arrays(comp, params)
    prod_q = np.where(dep["q_source"] == "trade", dep["q"], np.nan)
    a = concentration_arrays(comp, params, prod_q)
    idx = np.flatnonzero(comp.scope(chain))
    ent, ctry, prov = a["enterprise"], a["country"], a["province"]
    lead = ent["leader"][idx]
    top_c = ctry["leader"][idx]
    top_r = prov["leader"][idx]
    cols: dict[str, Any] = {
        "product": comp.product_ids[idx], "name_zh": comp.product_name_zh[idx],
        "basis": params.share_basis,
        "n_suppliers": a["n_suppliers"][idx], "n_domestic_suppliers": a["n_domestic_suppliers"][idx],
        "n_countries": a["n_countries"][idx], "n_provinces": a["n_provinces"][idx],
        "hhi_enterprise": ent["hhi"][idx], "hhi_enterprise_1e4": ent["hhi"][idx] * 1e4,
        "hhi_enterprise_lower": a["hhi_lower"][idx], "hhi_enterprise_upper": a["hhi_upper"][idx],
        "coverage": a["coverage"][idx],
    }
    for k in params.cr_k:
        cols[f"cr{k}"] = ent[f"cr{k}"][idx]
    cols.update({
        "n_eff_hhi": ent["n_eff_hhi"][idx], "n_eff_shannon": ent["n_eff_shannon"][idx],
        "shannon": ent["shannon"][idx], "evenness": ent["evenness"][idx],
        "leader": np.where(lead >= 0, comp.enterprise_ids[np.maximum(lead, 0)], None),
        "leader_share": ent["leader_share"][idx],
        "hhi_province": prov["hhi"][idx], "hhi_province_1e4": prov["hhi"][idx] * 1e4,
        "top_province": np.where(top_r >= 0, comp.province_codes[np.maximum(top_r, 0)].astype(str), None),
        "top_province_share": prov["leader_share"][idx],
        "hhi_country": ctry["hhi"][idx], "hhi_country_1e4": ctry["hhi"][idx] * 1e4,
        "top_country": np.where(top_c >= 0, comp.country_codes[np.maximum(top_c, 0)], None),
        "top_country_share": ctry["leader_share"][idx],
        "single_region": a["single_region"][idx],
    })
    by_product = pd.DataFrame(cols)
    in_scope = np.zeros(comp.n_products, dtype=bool)
    in_scope[idx] = True
    gr, gc = a["g_province"], a["g_country"]
    kr, kc = in_scope[gr.group], in_scope[gc.group]
    by_prov = pd.DataFrame({"product": comp.product_ids[gr.group[kr]],
                            "province": comp.province_codes[gr.member[kr]].astype(str),
                            "weight": gr.weight[kr], "share": gr.share[kr]})
    by_ctry = pd.DataFrame({"product": comp.product_ids[gc.group[kc]], "country": comp.country_codes[gc.member[kc]],
                            "weight": gc.weight[kc], "share": gc.share[kc]})
    meta = {"basis": params.share_basis, "cr_k": list(params.cr_k), "hhi_bands": list(params.hhi_bands),
            "chain": chain}
    return ConcentrationResult(by_product, by_prov, by_ctry, meta)
