"""Domestic backups (国内备份): the "at least one domestic backup" rule and ranked backup candidates.

国内备份：同准备份（同一产品、标准等级不低于现供应商）与降准备份（等级较低，注明差距）。
"对部分高技术产业链存在的局部环节单点布局情况，要在国内至少有一个备份"（李燕 2023）；METHODS.md §1.

Rule per (customer j, product k) link: count the qualified home-country suppliers of k other than j's
incumbent suppliers, separately B_same (grade >= the incumbents' best grade) and B_red (lower grade).
Flag the link when B_same + B_red = 0 (``backup_rule="any"``) or B_same = 0 (``"same_standard"``);
with θ = ``backup_min_headroom_share`` > 0 a backup also needs spare capacity >= θ x the link volume.
Per product the incumbent is the leading supplier (largest output share; ties by id), or the imports when
the product has no capacity rows. Grades: ``standard_grade`` 1–5; a missing grade is 0 ("unknown"), so an
ungraded candidate counts as same-standard only when the incumbent is ungraded too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.compiled import CompiledDataset, compile_dataset, expand_ranges
from chainleader.analysis.grouping import ptr_from_sorted, rank_within, run_starts
from chainleader.analysis.params import RiskParams
from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError


@dataclass(frozen=True)
class SupplierPairs:
    """Live (product, enterprise) supplier pairs, sorted by (product, enterprise)."""

    product: np.ndarray
    enterprise: np.ndarray
    grade: np.ndarray  # max grade over the pair's live sites
    capacity: np.ndarray
    output: np.ndarray  # NaN when any live site lacks output
    weight: np.ndarray  # share basis
    headroom: np.ndarray  # capacity − output, NaN when output unknown
    ramp_days: np.ndarray  # min over sites, NaN unknown
    domestic: np.ndarray  # has a domestic live site
    province: np.ndarray  # province of the pair's largest domestic live site, -1
    country: np.ndarray  # country of the pair's largest live site
    ptr: np.ndarray  # (P+1,) pairs of product p


def supplier_pairs(comp: CompiledDataset, params: RiskParams) -> SupplierPairs:
    live = comp.site_live
    idx = np.flatnonzero(live)
    sp, se = comp.site_product[idx], comp.site_enterprise[idx]
    st = run_starts(sp, se)
    dom_site = comp.site_domestic(params.home_country)[idx]
    w = np.nan_to_num(comp.site_weight(params.share_basis)[idx], nan=0.0)
    cap = comp.site_capacity[idx]
    out = comp.site_output[idx]
    if len(st) == 0:
        z = np.zeros(0, dtype=np.int64)
        zf = np.zeros(0)
        return SupplierPairs(z, z, z, zf, zf, zf, zf, zf, z.astype(bool), z, z, ptr_from_sorted(z, comp.n_products))
    grade = np.maximum.reduceat(comp.site_grade[idx].astype(np.int64), st)
    capacity = np.add.reduceat(cap, st)
    output = np.add.reduceat(out, st)  # NaN propagates: unknown
    ramp = np.fmin.reduceat(comp.site_ramp_days[idx], st)
    domestic = np.add.reduceat(dom_site.astype(np.int64), st) > 0
    # largest site (by capacity; ties: first in canonical order) of each pair, domestic ones preferred
    run_id = np.repeat(np.arange(len(st)), np.diff(np.append(st, len(idx))))
    order = np.lexsort((-cap, ~dom_site, run_id))
    first = np.ones(len(order), dtype=bool)
    first[1:] = run_id[order][1:] != run_id[order][:-1]
    big = order[first]
    province = np.where(dom_site[big], comp.site_province[idx][big], -1)
    country = comp.site_country[idx][big]
    pp = sp[st]
    return SupplierPairs(pp, se[st], grade, capacity, output, np.add.reduceat(w, st), capacity - output, ramp,
                         domestic, province, country, ptr_from_sorted(pp, comp.n_products))


@dataclass(frozen=True)
class Incumbents:
    """Per product: leading supplier (enterprise, -1 = imports / none), its grade and province."""

    enterprise: np.ndarray
    grade: np.ndarray
    province: np.ndarray
    output: np.ndarray
    has_supply: np.ndarray


def incumbents(comp: CompiledDataset, pairs: SupplierPairs, imported: np.ndarray) -> Incumbents:
    P = comp.n_products
    ent = np.full(P, -1, dtype=np.int64)
    grade = np.zeros(P, dtype=np.int64)
    prov = np.full(P, -1, dtype=np.int64)
    out = np.full(P, np.nan)
    if len(pairs.product):
        order = np.lexsort((pairs.enterprise, -pairs.weight, pairs.product))
        first = np.ones(len(order), dtype=bool)
        first[1:] = pairs.product[order][1:] != pairs.product[order][:-1]
        lead = order[first]
        p = pairs.product[lead]
        ent[p] = pairs.enterprise[lead]
        grade[p] = pairs.grade[lead]
        prov[p] = pairs.province[lead]
        out[p] = np.where(np.isnan(pairs.output[lead]), pairs.capacity[lead], pairs.output[lead])
    # imported only: the standard to match is the best foreign grade known
    foreign_best = np.zeros(P, dtype=np.int64)
    fm = ~pairs.domestic
    np.maximum.at(foreign_best, pairs.product[fm], pairs.grade[fm])
    only_imp = (ent < 0) & imported
    grade = np.where(only_imp, foreign_best, grade)
    return Incumbents(ent, grade, prov, out, (ent >= 0) | imported)


@dataclass
class BackupViolationsResult:
    """``products``: B_same / B_red per product; ``links``: the violating (customer, product) links."""

    products: pd.DataFrame
    links: pd.DataFrame
    metadata: dict[str, Any] = field(default_factory=dict)


def product_backups(comp: CompiledDataset, params: RiskParams, pairs: SupplierPairs,
                    inc: Incumbents) -> dict[str, np.ndarray]:
    """Per product: B_same, B_red, B in another province, violation flag (arrays of length P)."""
    P = comp.n_products
    p = pairs.product
    cand = pairs.domestic & (pairs.enterprise != inc.enterprise[p])
    if params.backup_min_headroom_share > 0:
        need = params.backup_min_headroom_share * np.nan_to_num(inc.output[p], nan=0.0)
        cand &= np.nan_to_num(pairs.headroom, nan=-np.inf) >= need
    same = cand & (pairs.grade >= inc.grade[p])
    b_same = np.bincount(p[same], minlength=P)
    b_red = np.bincount(p[cand & ~same], minlength=P)
    other_prov = cand & (pairs.province >= 0) & (pairs.province != inc.province[p])
    b_other = np.bincount(p[other_prov], minlength=P)
    total = b_same if params.backup_rule == "same_standard" else b_same + b_red
    violation = inc.has_supply & (total == 0)
    return {"b_same": b_same, "b_red": b_red, "b_other_province": b_other, "violation": violation}


def _count_ge(keys_sorted: np.ndarray, q_lo: np.ndarray, q_hi: np.ndarray) -> np.ndarray:
    return np.searchsorted(keys_sorted, q_hi, side="left") - np.searchsorted(keys_sorted, q_lo, side="left")


def link_backups(comp: CompiledDataset, params: RiskParams, pairs: SupplierPairs) -> dict[str, np.ndarray]:
    """Per domestic (customer, product) link group: incumbents, required grade, B_same, B_red (vectorised)."""
    P = comp.n_products
    home = comp.country_index(params.home_country)
    sel = np.flatnonzero(comp.enterprise_country[comp.link_customer] == home) if len(comp.link_customer) else \
        np.zeros(0, dtype=np.int64)
    cus, prod, sup = comp.link_customer[sel], comp.link_product[sel], comp.link_supplier[sel]
    vol = np.nan_to_num(comp.link_volume[sel], nan=0.0)
    # the supplier's pair (product, supplier) in the pair table
    n_e = np.int64(max(comp.n_enterprises, 1))
    pair_key = pairs.product.astype(np.int64) * n_e + pairs.enterprise
    lk = prod.astype(np.int64) * n_e + sup
    pos = pd.Index(pair_key).get_indexer(lk)  # hash lookup: ~8x faster than searchsorted at 10^7
    has_pair = pos >= 0
    pos_c = np.maximum(pos, 0)
    if len(pair_key):
        s_grade = np.where(has_pair, pairs.grade[pos_c], 0)
        s_dom = has_pair & pairs.domestic[pos_c]
        s_head = np.where(has_pair, pairs.headroom[pos_c], np.nan)
    else:
        s_grade, s_dom, s_head = np.zeros(len(lk), np.int64), np.zeros(len(lk), bool), np.full(len(lk), np.nan)
    # group links by (customer, product); from here on every per-link array is in group order
    gkey = cus.astype(np.int64) * np.int64(P) + prod
    order = np.argsort(gkey)  # grouping only: order within a group does not matter
    gk = gkey[order]
    s_grade, s_dom, s_head, vol = s_grade[order], s_dom[order], s_head[order], vol[order]
    st = run_starts(gk)
    g_cus, g_prod = gk[st] // P, gk[st] % P
    n_inc = np.diff(np.append(st, len(gk)))
    req = np.maximum.reduceat(s_grade, st) if len(st) else np.zeros(0, dtype=np.int64)
    g_vol = np.add.reduceat(vol, st) if len(st) else np.zeros(0)
    gid = np.repeat(np.arange(len(st)), n_inc)
    req_l = req[gid]
    # domestic producers of k by grade: count with grade >= g
    dom = pairs.domestic
    theta = params.backup_min_headroom_share
    if theta <= 0:
        cnt = np.zeros((P, 7), dtype=np.int64)  # cnt[k, g] = domestic pairs of k with grade == g (0..5), col 6 = 0
        np.add.at(cnt, (pairs.product[dom], np.clip(pairs.grade[dom], 0, 5)), 1)
        ge = np.cumsum(cnt[:, ::-1], axis=1)[:, ::-1]  # ge[k, g] = count with grade >= g
        tot = ge[:, 0]
        dom_same = ge[g_prod, np.clip(req, 0, 6)]
        dom_red = tot[g_prod] - dom_same
        inc_ok = s_dom
    else:
        need_l = theta * g_vol[gid]
        need_g = theta * g_vol
        head = np.nan_to_num(pairs.headroom, nan=-np.inf)
        vals = np.unique(np.concatenate([head[dom], need_g]))
        R = np.int64(len(vals) + 1)
        dom_same = np.zeros(len(st), dtype=np.int64)
        tot_ok = np.zeros(len(st), dtype=np.int64)
        for g in range(0, 6):  # six grade thresholds, vectorised over all groups
            m = dom & (pairs.grade >= g)
            keys = np.sort(pairs.product[m].astype(np.int64) * R + np.searchsorted(vals, head[m]))
            qs = req == g
            lo = g_prod[qs].astype(np.int64) * R + np.searchsorted(vals, need_g[qs])
            dom_same[qs] = _count_ge(keys, lo, g_prod[qs].astype(np.int64) * R + R)
            if g == 0:
                lo_all = g_prod.astype(np.int64) * R + np.searchsorted(vals, need_g)
                tot_ok = _count_ge(keys, lo_all, g_prod.astype(np.int64) * R + R)
        dom_red = tot_ok - dom_same
        inc_ok = s_dom & (np.nan_to_num(s_head, nan=-np.inf) >= need_l)
    inc_same = np.add.reduceat((inc_ok & (s_grade >= req_l)).astype(np.int64), st) if len(st) else dom_same
    inc_red = np.add.reduceat((inc_ok & (s_grade < req_l)).astype(np.int64), st) if len(st) else dom_red
    b_same = dom_same - inc_same
    b_red = dom_red - inc_red
    total = b_same if params.backup_rule == "same_standard" else b_same + b_red
    return {"customer": g_cus, "product": g_prod, "n_incumbents": n_inc, "required_grade": req,
            "volume": g_vol, "b_same": b_same, "b_red": b_red, "violation": total == 0}


def domestic_backup_violations(
    data: Dataset | CompiledDataset, *, chain: str | None = None, params: RiskParams | None = None
) -> BackupViolationsResult:
    """Products and (customer, product) links without the required domestic backup.

    "国内至少有一个备份"规则：按产品与按（客户, 产品）供应关系统计同准/降准国内备份数，列出违规项。
    """
    from chainleader.analysis.single_points import supply_model

    params = params or RiskParams()
    comp = compile_dataset(data)
    scope = comp.scope(chain)
    pairs = supplier_pairs(comp, params)
    sm = supply_model(comp, params)
    inc = incumbents(comp, pairs, sm.free)
    pb = product_backups(comp, params, pairs, inc)
    lb = link_backups(comp, params, pairs)
    P = comp.n_products
    n_links = np.bincount(lb["product"], minlength=P)
    n_unc = np.bincount(lb["product"][lb["violation"]], minlength=P)
    idx = np.flatnonzero(scope & inc.has_supply)
    e = inc.enterprise[idx]
    products = pd.DataFrame({
        "product": comp.product_ids[idx], "name_zh": comp.product_name_zh[idx],
        "incumbent": np.where(e >= 0, comp.enterprise_ids[np.maximum(e, 0)], "imports"),
        "incumbent_grade": inc.grade[idx],
        "incumbent_province": np.where(inc.province[idx] >= 0,
                                       comp.province_codes[np.maximum(inc.province[idx], 0)].astype(str), None),
        "b_same": pb["b_same"][idx], "b_red": pb["b_red"][idx], "b_other_province": pb["b_other_province"][idx],
        "violation": pb["violation"][idx],
        "n_links": n_links[idx], "n_links_uncovered": n_unc[idx],
        "links_covered_share": np.where(n_links[idx] > 0, 1.0 - n_unc[idx] / np.maximum(n_links[idx], 1), np.nan),
    })
    v = lb["violation"] & scope[lb["product"]]
    cats_e = pd.Index(comp.enterprise_ids)
    cats_p = pd.Index(comp.product_ids)
    links = pd.DataFrame({
        "customer": pd.Categorical.from_codes(lb["customer"][v], categories=cats_e),
        "product": pd.Categorical.from_codes(lb["product"][v], categories=cats_p),
        "n_incumbents": lb["n_incumbents"][v], "required_grade": lb["required_grade"][v],
        "volume": lb["volume"][v], "b_same": lb["b_same"][v], "b_red": lb["b_red"][v],
    })
    meta = {"rule": params.backup_rule, "theta": params.backup_min_headroom_share,
            "home_country": params.home_country, "chain": chain, "n_link_groups": int(len(lb["product"])),
            "n_link_violations": int(v.sum())}
    return BackupViolationsResult(products, links, meta)


# --------------------------------------------------------------------------------------------------
# ranked candidates
# --------------------------------------------------------------------------------------------------
CANDIDATE_COLUMNS = ("point", "product", "incumbent", "incumbent_grade", "candidate", "candidate_name_zh",
                     "candidate_name_en",
                     "country", "province", "domestic", "other_province", "standard", "grade", "grade_gap",
                     "capacity", "output", "headroom", "ramp_up_days", "rank")


def candidates_for(comp: CompiledDataset, params: RiskParams, pairs: SupplierPairs, q_product: np.ndarray,
                   q_enterprise: np.ndarray, q_grade: np.ndarray, q_province: np.ndarray,
                   q_point: np.ndarray, top_n: int | None, q_outside: np.ndarray | None = None) -> pd.DataFrame:
    """Ranked backup candidates for many queries at once (one query = one risk point's incumbent).

    ``q_outside[i]``: query i is a province loss, so candidates located in that province are dropped.
    """
    starts, stops = pairs.ptr[q_product], pairs.ptr[q_product + 1]
    c = expand_ranges(starts, stops)
    q = np.repeat(np.arange(len(q_product)), np.maximum(stops - starts, 0))
    keep = pairs.enterprise[c] != q_enterprise[q]
    if q_outside is not None and len(q):
        keep &= ~(q_outside[q] & (pairs.province[c] == q_province[q]))
    c, q = c[keep], q[keep]
    grade = pairs.grade[c]
    same = grade >= q_grade[q]
    other = pairs.domestic[c] & (pairs.province[c] >= 0) & (pairs.province[c] != q_province[q])
    head = pairs.headroom[c]
    ramp = pairs.ramp_days[c]
    order = np.lexsort((pairs.enterprise[c], -grade, np.nan_to_num(ramp, nan=np.inf),
                        -np.nan_to_num(head, nan=-np.inf), ~other, ~same, ~pairs.domestic[c], q))
    rank = rank_within(q, order) + 1
    sel = order[(rank[order] <= top_n)] if top_n is not None else order
    c, q = c[sel], q[sel]
    e = pairs.enterprise[c]
    inc = q_enterprise[q]
    prov = pairs.province[c]
    return pd.DataFrame({
        "point": q_point[q], "product": comp.product_ids[pairs.product[c]],
        "incumbent": np.where(inc >= 0, comp.enterprise_ids[np.maximum(inc, 0)], "imports"),
        "incumbent_grade": q_grade[q],
        "candidate": comp.enterprise_ids[e], "candidate_name_zh": comp.enterprise_name_zh[e],
        "candidate_name_en": np.where(pd.isna(comp.enterprise_name_en[e]), comp.enterprise_ids[e],
                                      comp.enterprise_name_en[e]),
        "country": comp.country_codes[pairs.country[c]],
        "province": np.where(prov >= 0, comp.province_codes[np.maximum(prov, 0)].astype(str), None),
        "domestic": pairs.domestic[c], "other_province": other[sel],
        "standard": np.where(same[sel], "same", "reduced"),
        "grade": grade[sel], "grade_gap": np.maximum(q_grade[q] - grade[sel], 0),
        "capacity": pairs.capacity[c], "output": pairs.output[c], "headroom": head[sel],
        "ramp_up_days": ramp[sel], "rank": rank[sel],
    }, columns=list(CANDIDATE_COLUMNS))


def backup_candidates(
    data: Dataset | CompiledDataset,
    product: str | list[str] | None = None,
    *,
    incumbent: str | None = None,
    chain: str | None = None,
    params: RiskParams | None = None,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Ranked same-standard and reduced-standard backup candidates per product.

    备份候选：同一产品的其他供应商，先国内后国外（产品备份系统以国内备份为准）、先同准后降准、先外省，
    再按富余产能（产能−产量）从大到小、爬坡/认证天数从短到长、标准等级从高到低排序。

    The incumbent is the product's leading supplier unless ``incumbent`` (an enterprise id) is given.
    Ranking: domestic first (the backup system is domestic); same-standard first; in a different province
    from the incumbent first;
    headroom descending (unknown last); ramp_up_days ascending (unknown last); grade descending; id.
    """
    from chainleader.analysis.single_points import supply_model

    params = params or RiskParams()
    comp = compile_dataset(data)
    pairs = supplier_pairs(comp, params)
    inc = incumbents(comp, pairs, supply_model(comp, params).free)
    if product is None:
        q_prod = np.flatnonzero(comp.scope(chain) & inc.has_supply)
    else:
        q_prod = comp.product_index([product] if isinstance(product, str) else product)
    q_ent, q_grade, q_prov = inc.enterprise[q_prod].copy(), inc.grade[q_prod].copy(), inc.province[q_prod].copy()
    if incumbent is not None:
        if len(q_prod) != 1:
            raise ConfigError("incumbent= needs exactly one product / 指定现供应商时只能给一个产品")
        e = int(comp.enterprise_index(incumbent)[0])
        lo, hi = pairs.ptr[q_prod[0]], pairs.ptr[q_prod[0] + 1]
        hit = np.flatnonzero(pairs.enterprise[lo:hi] == e)
        if len(hit) == 0:
            raise ConfigError(f"{incumbent} 不生产该产品 / {incumbent} has no capacity for this product")
        q_ent[0], q_grade[0], q_prov[0] = e, pairs.grade[lo + hit[0]], pairs.province[lo + hit[0]]
    out = candidates_for(comp, params, pairs, q_prod, q_ent, q_grade, q_prov, comp.product_ids[q_prod], top_n)
    return out.drop(columns=["point"]).reset_index(drop=True)
