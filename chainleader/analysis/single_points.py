"""Structural criticality (断链风险点): which final products are lost when a node is lost (METHODS.md §2).

结构性关键度：失去一个产品、一家企业、一个省份、一个国家（或国家/区域分组）后，哪些终端产品无法再生产，
以及受影响的下游产值（年需求量 × 单价）。考虑与-或物料清单中的替代投入（或）与其他供应商。

Supply model (pooled per product, as in ``FlowNetwork``): product p is available iff it is imported from a
working partner country (``free``) or at least one of its capacity sites works (``made``) and every BOM
input group of p has an available input. A site works unless its enterprise, its province or its country
is lost. A product with no capacity rows and no imports is "supply unknown": treated as made by an
unnamed producer (it still needs its inputs) and flagged. Imports are sources sited in the partner
country (``RiskParams.imports_as_sources``), except a final product's own imports: the question is
whether the chain can still *make* its final products (``RiskParams.final_imports_count``).

Each loss scenario reduces exactly to flips of ``free``/``made`` on products: losing enterprise e clears
``made`` of the products whose every working site is e's (only those change), and so on. All scenarios run
bit-parallel on the condensed, level-ordered BOM (``andor.BitPlan``); the result is exact (least fixed
point) and is cross-checked against brute-force removal in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.andor import AndOrGraph, BitPlan, Flips, least_fixed_point, run_scenarios
from chainleader.analysis.compiled import CompiledDataset, compile_dataset, province_label
from chainleader.analysis.dependence import import_sources
from chainleader.analysis.explain import PROVINCE_EN
from chainleader.analysis.grouping import pair_reduce
from chainleader.analysis.params import RiskParams
from chainleader.model.dataset import Dataset

SCENARIO_KINDS = ("product", "enterprise", "province", "country", "country_group", "region_group")


@dataclass(frozen=True)
class SupplyModel:
    free: np.ndarray  # (P,) imported from >= 1 partner country
    made: np.ndarray  # (P,) >= 1 working site, or supply unknown
    supply_unknown: np.ndarray  # (P,) no capacity rows and no imports
    import_product: np.ndarray  # import pairs
    import_partner: np.ndarray


def supply_model(comp: CompiledDataset, params: RiskParams, made_here: np.ndarray | None = None) -> SupplyModel:
    """Supply sources per product. Products in ``made_here`` (the final products, for the structural test)
    do not count their own imports: the question is whether the chain can still *make* them."""
    P = comp.n_products
    live = comp.site_live
    n_live = np.bincount(comp.site_product[live], minlength=P)
    n_rows = np.diff(comp.site_ptr)
    if params.imports_as_sources:
        src = import_sources(comp, params, measure="quantity")
        src_v = import_sources(comp, params, measure="value_usd")
        both = pd.concat([src, src_v]).drop_duplicates(["product", "partner"]).sort_values(["product", "partner"])
        ip, ic = both["product"].to_numpy(np.int64), both["partner"].to_numpy(np.int64)
    else:
        ip = ic = np.zeros(0, dtype=np.int64)
    free = np.bincount(ip, minlength=P) > 0
    unknown = (n_rows == 0) & ~free
    made = (n_live > 0) | unknown
    if made_here is not None and len(made_here):
        drop = np.zeros(P, dtype=bool)
        drop[made_here] = True
        free &= ~drop
        keep = ~drop[ip]
        ip, ic = ip[keep], ic[keep]
    return SupplyModel(free, made, unknown, ip, ic)


def andor_graph(comp: CompiledDataset) -> AndOrGraph:
    return AndOrGraph(comp.n_products, comp.bom_ptr, comp.slot_ptr, comp.slot_input)


_PLANS: dict[int, tuple[CompiledDataset, BitPlan]] = {}


def bit_plan(comp: CompiledDataset) -> BitPlan:
    hit = _PLANS.get(id(comp))
    if hit is not None and hit[0] is comp:
        return hit[1]
    plan = BitPlan.build(andor_graph(comp))
    _PLANS.clear()
    _PLANS[id(comp)] = (comp, plan)
    return plan


def _sole_group(prod: np.ndarray, group: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray]:
    """(product, group) for products all of whose rows fall in one group (group >= 0)."""
    if len(prod) == 0:
        z = np.zeros(0, dtype=np.int64)
        return z, z
    p, g, _ = pair_reduce(prod, group, np.ones(len(prod)), n_groups)
    n_groups_per_p = np.bincount(p)
    sole = (n_groups_per_p[p] == 1) & (g >= 0)
    return p[sole], g[sole]


@dataclass
class Scenarios:
    kind: list[str]
    ids: list[str]
    name_zh: list[str]
    name_en: list[str]
    flips: Flips
    ref: list[int]  # index into the kind's own table (product, enterprise, province, country, group)


def build_scenarios(comp: CompiledDataset, sm: SupplyModel, scope: np.ndarray, home_country: str = "CN") -> Scenarios:
    """Every loss scenario that changes something inside ``scope``, with its flips.

    Country scenarios cover foreign countries (export controls, disasters abroad); the home country's own
    territory is covered by province and region-group scenarios.
    """
    home = comp.country_index(home_country)
    kind: list[str] = []
    ids: list[str] = []
    nzh: list[str] = []
    nen: list[str] = []
    ref: list[int] = []
    parts: list[Flips] = []
    live = comp.site_live
    sp = comp.site_product[live]
    in_scope_site = scope[sp]
    sp = sp[in_scope_site]

    def add(kind_name: str, group_ids: np.ndarray, prods: np.ndarray, kinds: np.ndarray,
            labels: tuple[np.ndarray, np.ndarray, np.ndarray]) -> None:
        if len(group_ids) == 0:
            return
        uniq, inv = np.unique(group_ids, return_inverse=True)
        base = len(kind)
        parts.append(Flips(prods.astype(np.int64), base + inv.astype(np.int64), kinds.astype(np.int64)))
        lid, lzh, len_ = labels
        kind.extend([kind_name] * len(uniq))
        ids.extend(str(x) for x in lid[uniq])
        nzh.extend(str(x) for x in lzh[uniq])
        nen.extend(str(x) for x in len_[uniq])
        ref.extend(int(u) for u in uniq)

    # products
    prods = np.flatnonzero(scope)
    add("product", np.repeat(prods, 2), np.repeat(prods, 2), np.tile([0, 1], len(prods)),
        (comp.product_ids, comp.product_name_zh, comp.product_name_en))
    # enterprises
    p, e = _sole_group(sp, comp.site_enterprise[live][in_scope_site], comp.n_enterprises)
    ename_en = np.where(pd.isna(comp.enterprise_name_en), comp.enterprise_name_zh, comp.enterprise_name_en)
    add("enterprise", e, p, np.ones(len(p)), (comp.enterprise_ids, comp.enterprise_name_zh, ename_en))
    # provinces
    p, r = _sole_group(sp, comp.site_province[live][in_scope_site], comp.n_provinces)
    pcodes = comp.province_codes.astype(str)
    pnames = np.asarray([province_label(int(c)) for c in comp.province_codes], dtype=object)
    pnames_en = np.asarray([PROVINCE_EN.get(c, c) for c in pcodes], dtype=object)
    add("province", r, p, np.ones(len(p)), (pcodes, pnames, pnames_en))
    # countries: made (all sites there) and free (all import partners there)
    p1, c1 = _sole_group(sp, comp.site_country[live][in_scope_site], comp.n_countries)
    imp_scope = scope[sm.import_product]
    p2, c2 = _sole_group(sm.import_product[imp_scope], sm.import_partner[imp_scope], comp.n_countries)
    cnames = _country_names(comp)
    cc, pc_ = np.concatenate([c1, c2]), np.concatenate([p1, p2])
    foreign = cc != home  # losing the home country's whole territory is not an export-control scenario
    add("country", cc[foreign], pc_[foreign], np.concatenate([np.ones(len(p1)), np.zeros(len(p2))])[foreign],
        (comp.country_codes, cnames[0], cnames[1]))
    # country groups (few: loop over groups, not firms)
    site_c = comp.site_country[live][in_scope_site]
    n_site = np.bincount(sp, minlength=comp.n_products)
    n_imp = np.bincount(sm.import_product[imp_scope], minlength=comp.n_products)
    for gi, g in enumerate(comp.country_groups):
        out_sites = np.bincount(sp[~np.isin(site_c, g.members)], minlength=comp.n_products)
        kill_made = np.flatnonzero((n_site > 0) & (out_sites == 0))
        out_imp = np.bincount(sm.import_product[imp_scope][~np.isin(sm.import_partner[imp_scope], g.members)],
                              minlength=comp.n_products)
        kill_free = np.flatnonzero((n_imp > 0) & (out_imp == 0))
        prods_g = np.concatenate([kill_made, kill_free])
        add("country_group", np.full(len(prods_g), gi), prods_g,
            np.concatenate([np.ones(len(kill_made)), np.zeros(len(kill_free))]),
            (np.asarray([x.id for x in comp.country_groups], dtype=object),
             np.asarray([x.name_zh for x in comp.country_groups], dtype=object),
             np.asarray([x.name_en for x in comp.country_groups], dtype=object)))
    # region groups: member division prefixes, or enterprises registered in the zone
    site_region = comp.site_region[live][in_scope_site].astype(np.int64)
    site_zone = comp.enterprise_zone[comp.site_enterprise[live][in_scope_site]] if comp.n_sites else np.zeros(0)
    for gi, rgp in enumerate(comp.region_groups):
        inside = site_zone == rgp.id
        for code in rgp.members:
            if len(code) == 6 and code.isdigit():
                c = int(code)
                div = 10000 if c % 10000 == 0 else (100 if c % 100 == 0 else 1)
                inside |= (site_region // div) == (c // div)
        out_sites = np.bincount(sp[~inside], minlength=comp.n_products)
        kill = np.flatnonzero((n_site > 0) & (out_sites == 0))
        add("region_group", np.full(len(kill), gi), kill, np.ones(len(kill)),
            (np.asarray([x.id for x in comp.region_groups], dtype=object),
             np.asarray([x.name_zh for x in comp.region_groups], dtype=object),
             np.asarray([x.name_en for x in comp.region_groups], dtype=object)))
    return Scenarios(kind, ids, nzh, nen, Flips.concat(parts), ref)


def _country_names(comp: CompiledDataset) -> tuple[np.ndarray, np.ndarray]:
    from chainleader.model.reference import countries

    ref = countries()
    zh = np.asarray([ref[c].name_zh if c in ref else c for c in comp.country_codes], dtype=object)
    en = np.asarray([ref[c].name_en if c in ref else c for c in comp.country_codes], dtype=object)
    return zh, en


@dataclass
class SpofResult:
    """Structural criticality of every loss scenario.

    ``scenarios``: kind, id, names, n_products_lost, n_finals_lost, value_at_risk, value_share.
    ``lost``: one row per (scenario, final product lost), largest value first within a scenario.
    ``baseline``: producibility per product in scope.  ``direct``: per non-product scenario, the products it
    cuts directly (``made``: every working site lost; ``imports``: every import partner lost).
    """

    scenarios: pd.DataFrame
    lost: pd.DataFrame
    baseline: pd.DataFrame
    finals: pd.DataFrame
    direct: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)

    def spofs(self, final: str, kind: str | None = None) -> pd.DataFrame:
        """Scenarios in which ``final`` is lost (its single points of failure)."""
        rows = self.lost[self.lost["final"] == final]
        if kind is not None:
            rows = rows[rows["kind"] == kind]
        return rows.reset_index(drop=True)

    def lost_finals(self, kind: str, id: str) -> list[str]:
        rows = self.lost[(self.lost["kind"] == kind) & (self.lost["id"] == id)]
        return sorted(str(x) for x in rows["final"])


def final_values(comp: CompiledDataset, finals: np.ndarray) -> np.ndarray:
    """Annual output value of final products: annual_demand x unit_price (missing -> 0)."""
    v = comp.product_demand[finals] * comp.product_price[finals]
    return np.nan_to_num(v, nan=0.0)


def single_points_of_failure(
    data: Dataset | CompiledDataset, *, chain: str | None = None, params: RiskParams | None = None
) -> SpofResult:
    """Exact AND/OR single points of failure for every product, enterprise, province, country and group.

    断链风险点：逐一移除每个产品、企业、省份、国家、国家/区域分组，计算无法再生产的终端产品与受影响产值。
    """
    params = params or RiskParams()
    comp = compile_dataset(data)
    finals = comp.finals(chain)
    scope = comp.upstream_mask(finals) if len(finals) else comp.scope(chain)
    sm = supply_model(comp, params, None if params.final_imports_count else finals)
    graph = andor_graph(comp)
    base = least_fixed_point(graph, sm.free, sm.made)
    sc = build_scenarios(comp, sm, scope, params.home_country)
    plan = bit_plan(comp)
    avail, lost_cnt = run_scenarios(plan, sm.free, sm.made, sc.flips, len(sc.kind), finals, scope, base,
                                    params.scenario_batch)
    fin_base = base[finals]
    lost = fin_base[:, None] & ~avail  # (F, S)
    values = final_values(comp, finals)
    total_value = float(values[fin_base].sum())
    var = values @ lost if len(finals) else np.zeros(len(sc.kind))
    n_fin_lost = lost.sum(axis=0)
    n_fin = int(fin_base.sum())
    with np.errstate(divide="ignore", invalid="ignore"):
        share = var / total_value if total_value > 0 else n_fin_lost / max(n_fin, 1)
    scen = pd.DataFrame({
        "kind": sc.kind, "id": sc.ids, "name_zh": sc.name_zh, "name_en": sc.name_en,
        "n_products_lost": lost_cnt, "n_finals_lost": n_fin_lost, "value_at_risk": var,
        "value_share": np.asarray(share, dtype=np.float64), "ref": sc.ref,
    })
    fi, si = np.nonzero(lost)
    o = np.lexsort((finals[fi], -values[fi], si))
    fi, si = fi[o], si[o]
    lost_df = pd.DataFrame({"scenario": si, "kind": np.asarray(sc.kind, dtype=object)[si],
                            "id": np.asarray(sc.ids, dtype=object)[si], "final": comp.product_ids[finals[fi]],
                            "final_index": finals[fi], "value": values[fi]})
    fl = sc.flips
    direct_sel = np.asarray(sc.kind, dtype=object)[fl.scen] != "product" if len(fl.scen) else np.zeros(0, dtype=bool)
    d_s, d_p, d_k = fl.scen[direct_sel], fl.node[direct_sel], fl.kind[direct_sel]
    od = np.lexsort((d_k, d_p, d_s))
    direct = pd.DataFrame({"scenario": d_s[od], "kind": np.asarray(sc.kind, dtype=object)[d_s[od]],
                           "id": np.asarray(sc.ids, dtype=object)[d_s[od]], "product": comp.product_ids[d_p[od]],
                           "product_index": d_p[od], "what": np.where(d_k[od] == 0, "imports", "made")})
    idx = np.flatnonzero(scope)
    baseline = pd.DataFrame({"product": comp.product_ids[idx], "producible": base[idx], "imported": sm.free[idx],
                             "made": sm.made[idx], "supply_unknown": sm.supply_unknown[idx]})
    fin_df = pd.DataFrame({"product": comp.product_ids[finals], "name_zh": comp.product_name_zh[finals],
                           "producible": fin_base, "value": values})
    meta = {"chain": chain, "n_scenarios": len(sc.kind), "n_finals": len(finals),
            "total_final_value": total_value, "imports_as_sources": params.imports_as_sources,
            "levels": plan.n_levels, "cyclic_levels": int(plan.level_cyclic.sum()),
            "finals_not_producible": [str(x) for x in comp.product_ids[finals[~fin_base]]]}
    return SpofResult(scen, lost_df, baseline, fin_df, direct, meta)
