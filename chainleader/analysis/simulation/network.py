"""The simulation network: arrays derived once from a CompiledDataset (enterprise x product x place).

仿真网络：由编译数据集派生的数组——站点（企业×产品×所在地，即产能行）、企业-产品供应节点、
与-或物料清单展开到每个站点的投入组（站点-投入组）与投入（站点-投入），以及把供应商完成率
映射为客户缺口的稀疏"交付算子"。

Rules (documented in ``propagate``):

* **Sites** are capacity rows with capacity or output > 0. Baseline output x̄ = ``output`` (else
  ``capacity``); capacity c = max(capacity, x̄); spare capacity (headroom) c − x̄.
* **Baseline mix inside an OR group**: alternative e of a slot gets weight ∝ Q̄_i / r_e, the units of
  the product its input's whole baseline supply could make; equal weights when no alternative has supply.
* **Balance**: requirement R̄_i = Σ_j x̄_j Σ_{e→i} w_e r_e; supply not in the dataset (unlisted makers,
  imports) X_i = max(0, R̄_i − Q̄_i); outside claims (final demand, exports, other sectors)
  O_i = Q̄_i + X_i − R̄_i ≥ 0. At baseline every claim is met exactly, whatever the data's imbalance.
* **Pooling and links**: inputs are pooled per product (any site of i can feed any customer of i) unless
  supply links restrict suppliers: customer c depends on linked supplier f for share w_l of its need of
  i, and on the pool for the uncovered rest 1 − Σ w_l. A missing share is volume / need, else the
  uncovered rest split equally; shares summing above 1 are scaled to 1. Links whose customer does not
  use the product, or whose supplier has no capacity row for it, are ignored (counted in ``link_counts``).
* **Delivery operator** ``op`` (site-entries x [firm-products, firm-products (priority), products,
  products (priority)]): the deficit of each alternative of each site-slot = op @ (1 − fill ratios); a
  slot's deficit is the sum over its alternatives. It streams every (site-entry, link) and (site-entry,
  pooled input) pair once per step with one sparse mat-vec; per-alternative rows tell which input of an
  OR group fell short (like-for-like replacement vs substitution, see ``propagate``).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp

from chainleader.analysis.compiled import (
    CompiledDataset,
    CountryGroup,
    RegionGroup,
    compile_dataset,
    expand_ranges,
    index_of,
)
from chainleader.analysis.grouping import ptr_from_sorted, run_starts
from chainleader.model.dataset import Dataset, split_list

FLOW_IMPORT, FLOW_PRODUCTION = 0, 2


@dataclass(frozen=True, eq=False)
class SimNetwork:
    name: str
    content_key: str
    home_country: int  # country index of the home country (-1 when absent)
    # products (P)
    product_ids: np.ndarray
    product_name_zh: np.ndarray
    product_name_en: np.ndarray
    product_kind: np.ndarray  # object: resource, material, component, equipment, ...
    price: np.ndarray  # CNY per unit, NaN -> 0
    supply: np.ndarray  # Q̄: annual baseline output of the dataset's sites
    requirement: np.ndarray  # R̄: annual baseline use by the dataset's sites
    external: np.ndarray  # X: annual supply from outside the dataset
    outside: np.ndarray  # O: annual outside claims (final demand, exports, other uses)
    final_mask: np.ndarray  # final products of the chains
    # chains
    chain_ids: tuple[str, ...]
    chain_names: tuple[tuple[str, str], ...]
    chain_finals: tuple[np.ndarray, ...]
    chain_scope: tuple[np.ndarray, ...]  # bool (P,) per chain: the upstream closure of its finals
    # BOM
    bom_ptr: np.ndarray
    slot_ptr: np.ndarray
    slot_product: np.ndarray
    slot_group: np.ndarray
    entry_input: np.ndarray
    entry_qty: np.ndarray
    entry_mix: np.ndarray  # normalised inside each slot
    # sites (S), sorted by (product, enterprise, country, region)
    site_compiled: np.ndarray
    site_product: np.ndarray
    site_enterprise: np.ndarray
    site_country: np.ndarray
    site_region: np.ndarray
    site_province: np.ndarray
    site_grade: np.ndarray
    site_base: np.ndarray  # annual
    site_cap: np.ndarray  # annual
    site_inv_days: np.ndarray  # NaN missing
    site_ttr_days: np.ndarray
    site_ramp_days: np.ndarray
    site_ptr: np.ndarray
    # firm-products (FP): runs of (product, enterprise) in site order
    fp_ptr: np.ndarray
    site_fp: np.ndarray
    fp_main_site: np.ndarray
    # site-slots (SK) and site-entries (SE)
    ss_ptr: np.ndarray  # (S+1,)
    ss_site: np.ndarray
    ss_slot: np.ndarray
    se_ptr: np.ndarray  # (SK+1,)
    se_entry: np.ndarray
    se_group: np.ndarray  # link group or -1 (pooled)
    # link groups (G): (customer enterprise, input product) with at least one usable link
    group_enterprise: np.ndarray
    group_product: np.ndarray
    group_cover: np.ndarray
    link_counts: dict[str, int]
    # enterprises and places
    enterprise_ids: np.ndarray
    enterprise_name_zh: np.ndarray
    enterprise_chain_master: np.ndarray
    country_codes: np.ndarray
    province_codes: np.ndarray
    country_groups: tuple[CountryGroup, ...]
    region_groups: tuple[RegionGroup, ...]
    # external supply origin (trade): rows (product, country, share of home supply)
    ext_product: np.ndarray
    ext_country: np.ndarray
    ext_share: np.ndarray
    # delivery operator and priority shares
    op: sp.csr_matrix  # (SE, 2 FP + 2 P)
    priority_share: np.ndarray  # (P,) share of baseline claims from chain-master customers

    @property
    def n_products(self) -> int:
        return len(self.product_ids)

    @property
    def n_sites(self) -> int:
        return len(self.site_product)

    @property
    def n_fp(self) -> int:
        return len(self.fp_ptr) - 1

    @property
    def n_site_slots(self) -> int:
        return len(self.ss_site)

    @property
    def claims(self) -> np.ndarray:
        """D̄ = Q̄ + X: baseline annual claims on each product (= its baseline availability)."""
        return self.supply + self.external

    @cached_property
    def slot_is_equipment(self) -> np.ndarray:
        """Slots whose every alternative is an equipment product (capital goods: an installed base)."""
        eq = (self.product_kind == "equipment")[self.entry_input].astype(np.int64)
        n = np.diff(self.slot_ptr)
        tot = np.zeros(len(n), dtype=np.int64)
        if len(eq):
            tot[n > 0] = np.add.reduceat(eq, self.slot_ptr[:-1][n > 0])
        return (tot == n) & (n > 0)

    @cached_property
    def se_input(self) -> np.ndarray:
        return self.entry_input[self.se_entry]

    @cached_property
    def se_ss(self) -> np.ndarray:
        return np.repeat(np.arange(self.n_site_slots, dtype=np.int64), np.diff(self.se_ptr))

    @cached_property
    def se_qty(self) -> np.ndarray:
        return self.entry_qty[self.se_entry]

    @cached_property
    def se_mix(self) -> np.ndarray:
        return self.entry_mix[self.se_entry]

    @cached_property
    def se_restricted(self) -> np.ndarray:
        """Site-entries whose customer is tied to linked suppliers for that input."""
        return self.se_group >= 0

    def site_need_annual(self) -> np.ndarray:
        """Annual baseline need of each site-entry, in units of its input."""
        ss = self.se_ss
        return self.site_base[self.ss_site[ss]] * self.entry_mix[self.se_entry] * self.entry_qty[self.se_entry]


_CACHE: weakref.WeakKeyDictionary[CompiledDataset, dict[tuple[str, ...], SimNetwork]] = weakref.WeakKeyDictionary()


def build_network(
    data: Dataset | CompiledDataset,
    *,
    chain_masters: Iterable[str] | None = None,
    home_country: str = "CN",
) -> SimNetwork:
    """The simulation network of a dataset (cached per compiled dataset and chain-master set).

    ``chain_masters``: enterprise ids tagged 链主; read from the enterprises table when ``data`` is a Dataset.
    """
    comp = compile_dataset(data)
    if chain_masters is None and isinstance(data, Dataset):
        tags = data.enterprises[["id", "tags"]]
        chain_masters = [str(i) for i, t in zip(tags["id"], tags["tags"], strict=True) if "chain_master" in split_list(t)]
    masters = tuple(sorted(chain_masters or ()))
    key = (home_country, *masters)
    per = _CACHE.setdefault(comp, {})
    if key not in per:
        per[key] = _build(comp, masters, home_country)
    return per[key]


def _build(comp: CompiledDataset, masters: tuple[str, ...], home: str) -> SimNetwork:
    P, N = comp.n_products, comp.n_enterprises
    base_raw = np.where(np.isnan(comp.site_output), comp.site_capacity, comp.site_output)
    keep = (base_raw > 0) | (comp.site_capacity > 0)
    sidx = np.flatnonzero(keep)
    s_prod = comp.site_product[sidx]
    s_ent = comp.site_enterprise[sidx]
    base = np.maximum(base_raw[sidx], 0.0)
    cap = np.maximum(comp.site_capacity[sidx], base)
    site_ptr = ptr_from_sorted(s_prod, P)

    # firm-products: runs of equal (product, enterprise)
    fp_start = run_starts(s_prod, s_ent)
    fp_ptr = np.append(fp_start, len(sidx)).astype(np.int64)
    site_fp = np.repeat(np.arange(len(fp_start), dtype=np.int64), np.diff(fp_ptr))
    fp_prod, fp_ent = s_prod[fp_start], s_ent[fp_start]
    order = np.lexsort((-base, site_fp))  # largest site first within each firm-product
    fp_main = order[fp_ptr[:-1]] if len(fp_start) else np.zeros(0, dtype=np.int64)

    supply = np.bincount(s_prod, weights=base, minlength=P)
    mix = _mix(comp, supply)
    slot_of_entry = np.repeat(np.arange(len(comp.slot_product), dtype=np.int64), np.diff(comp.slot_ptr))
    entry_owner = comp.slot_product[slot_of_entry]
    output_by_product = supply
    requirement = np.bincount(comp.slot_input, weights=output_by_product[entry_owner] * mix * comp.slot_qty,
                              minlength=P)
    external = np.maximum(0.0, requirement - supply)
    outside = np.maximum(0.0, supply + external - requirement)

    # site-slots and site-entries
    n_slots = comp.bom_ptr[s_prod + 1] - comp.bom_ptr[s_prod]
    ss_site = np.repeat(np.arange(len(sidx), dtype=np.int64), n_slots)
    ss_slot = expand_ranges(comp.bom_ptr[s_prod], comp.bom_ptr[s_prod + 1])
    ss_ptr = np.zeros(len(sidx) + 1, dtype=np.int64)
    np.cumsum(n_slots, out=ss_ptr[1:])
    n_ent = comp.slot_ptr[ss_slot + 1] - comp.slot_ptr[ss_slot]
    se_entry = expand_ranges(comp.slot_ptr[ss_slot], comp.slot_ptr[ss_slot + 1])
    se_ptr = np.zeros(len(ss_slot) + 1, dtype=np.int64)
    np.cumsum(n_ent, out=se_ptr[1:])
    se_ss = np.repeat(np.arange(len(ss_slot), dtype=np.int64), n_ent)
    se_site = ss_site[se_ss]
    se_input = comp.slot_input[se_entry]
    se_need = base[se_site] * mix[se_entry] * comp.slot_qty[se_entry]

    is_master = np.zeros(N, dtype=bool)
    if masters:
        midx = index_of(np.asarray(masters, dtype=object), comp.enterprise_ids)
        is_master[midx[midx >= 0]] = True

    groups = _link_groups(comp, se_input, s_ent[se_site], se_need, fp_prod, fp_ent)
    se_group, g_ent, g_prod, g_cover, l_group, l_fp, l_w, counts = groups

    FP = len(fp_start)
    ncol = 2 * FP + 2 * P
    se_master = is_master[s_ent[se_site]]
    rows_l, cols_l, vals_l = _link_entries(se_ss, se_group, mix[se_entry], se_master, l_group, l_fp, l_w, FP, G=len(g_ent))
    cover_of = np.ones(len(se_group))
    cover_of[se_group >= 0] = 1.0 - g_cover[se_group[se_group >= 0]]
    pooled = cover_of * mix[se_entry]
    cols_p = 2 * FP + se_input + np.where(se_master, P, 0)
    rows = np.concatenate([rows_l, np.arange(len(se_ss), dtype=np.int64)])
    cols = np.concatenate([cols_l, cols_p])
    vals = np.concatenate([vals_l, pooled])
    nz = vals > 0
    op = sp.csr_matrix((vals[nz], (rows[nz], cols[nz])), shape=(len(se_ss), ncol))
    op.sum_duplicates()

    claims = supply + external
    need_master = np.bincount(se_input[se_master], weights=se_need[se_master], minlength=P)
    priority_share = np.divide(need_master, claims, out=np.zeros(P), where=claims > 0).clip(0.0, 1.0)

    ep, ec, es = _external_origins(comp, home)
    finals = comp.finals(None)
    final_mask = np.zeros(P, dtype=bool)
    final_mask[finals] = True
    return SimNetwork(
        name=comp.name, content_key=comp.content_key, home_country=comp.country_index(home),
        product_ids=comp.product_ids, product_name_zh=comp.product_name_zh, product_name_en=comp.product_name_en,
        product_kind=comp.product_kind, price=np.nan_to_num(comp.product_price, nan=0.0), supply=supply, requirement=requirement,
        external=external, outside=outside, final_mask=final_mask,
        chain_ids=comp.chain_ids, chain_names=comp.chain_names,
        chain_finals=tuple(np.asarray(f, dtype=np.int64) for f in comp.chain_finals),
        chain_scope=tuple(comp.scope(c) for c in comp.chain_ids),
        bom_ptr=comp.bom_ptr, slot_ptr=comp.slot_ptr, slot_product=comp.slot_product, slot_group=comp.slot_group,
        entry_input=comp.slot_input, entry_qty=comp.slot_qty, entry_mix=mix,
        site_compiled=sidx, site_product=s_prod, site_enterprise=s_ent, site_country=comp.site_country[sidx],
        site_region=comp.site_region[sidx], site_province=comp.site_province[sidx], site_grade=comp.site_grade[sidx],
        site_base=base, site_cap=cap, site_inv_days=comp.site_inventory_days[sidx],
        site_ttr_days=comp.site_ttr_days[sidx], site_ramp_days=comp.site_ramp_days[sidx], site_ptr=site_ptr,
        fp_ptr=fp_ptr, site_fp=site_fp, fp_main_site=fp_main,
        ss_ptr=ss_ptr, ss_site=ss_site, ss_slot=ss_slot, se_ptr=se_ptr, se_entry=se_entry, se_group=se_group,
        group_enterprise=g_ent, group_product=g_prod, group_cover=g_cover, link_counts=counts,
        enterprise_ids=comp.enterprise_ids, enterprise_name_zh=comp.enterprise_name_zh,
        enterprise_chain_master=is_master, country_codes=comp.country_codes, province_codes=comp.province_codes,
        country_groups=comp.country_groups, region_groups=comp.region_groups,
        ext_product=ep, ext_country=ec, ext_share=es, op=op, priority_share=priority_share,
    )


def _mix(comp: CompiledDataset, supply: np.ndarray) -> np.ndarray:
    """Baseline weights of the alternatives inside each slot (sum 1 per slot)."""
    qty = comp.slot_qty
    cover = np.where(qty > 0, supply[comp.slot_input] / np.where(qty > 0, qty, 1.0), np.where(
        supply[comp.slot_input] > 0, np.inf, 0.0))
    cover = np.where(np.isinf(cover), 1e300, cover)
    n = np.diff(comp.slot_ptr)
    if not len(qty):
        return np.zeros(0)
    starts = comp.slot_ptr[:-1][n > 0]
    tot = np.zeros(len(n))
    tot[n > 0] = np.add.reduceat(cover, starts)
    per_entry_tot = np.repeat(tot, n)
    equal = 1.0 / np.repeat(np.maximum(n, 1), n)
    return np.where(per_entry_tot > 0, cover / np.where(per_entry_tot > 0, per_entry_tot, 1.0), equal)


def _link_groups(
    comp: CompiledDataset, se_input: np.ndarray, se_ent: np.ndarray, se_need: np.ndarray,
    fp_prod: np.ndarray, fp_ent: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, dict[str, int]]:
    N = np.int64(max(comp.n_enterprises, 1))
    n_in = len(comp.link_supplier)
    ok = (comp.link_supplier >= 0) & (comp.link_customer >= 0) & (comp.link_product >= 0)
    l_sup, l_cus, l_prod = comp.link_supplier[ok], comp.link_customer[ok], comp.link_product[ok]
    share, volume = comp.link_share[ok], comp.link_volume[ok]
    se_key = se_input.astype(np.int64) * N + se_ent
    used_keys = np.unique(se_key)
    l_key = l_prod.astype(np.int64) * N + l_cus
    used = np.isin(l_key, used_keys)
    fp_key = fp_prod.astype(np.int64) * N + fp_ent
    pos = np.searchsorted(fp_key, l_prod.astype(np.int64) * N + l_sup)
    pos = np.minimum(pos, max(len(fp_key) - 1, 0))
    has_sup = (len(fp_key) > 0) & (fp_key[pos] == l_prod.astype(np.int64) * N + l_sup) if len(fp_key) else np.zeros(
        len(l_key), dtype=bool)
    counts = {"links": int(n_in), "used": int((used & has_sup).sum()),
              "customer_does_not_use_product": int((~used).sum()),
              "supplier_has_no_capacity_row": int((used & ~has_sup).sum())}
    keep = used & has_sup
    l_key, l_fp, share, volume = l_key[keep], pos[keep], share[keep], volume[keep]
    g_keys, l_group = np.unique(l_key, return_inverse=True)
    G = len(g_keys)
    se_group = np.full(len(se_key), -1, dtype=np.int64)
    if G:
        gp = np.minimum(np.searchsorted(g_keys, se_key), G - 1)
        hit = g_keys[gp] == se_key
        se_group[hit] = gp[hit]
    need = np.bincount(se_group[se_group >= 0], weights=se_need[se_group >= 0], minlength=G)
    w = share.copy()
    from_volume = np.isnan(w) & ~np.isnan(volume) & (need[l_group] > 0)
    w[from_volume] = volume[from_volume] / need[l_group[from_volume]]
    missing = np.isnan(w)
    known = np.bincount(l_group, weights=np.where(missing, 0.0, w), minlength=G)
    n_missing = np.bincount(l_group, weights=missing.astype(np.float64), minlength=G)
    rest = np.maximum(0.0, 1.0 - known)
    w[missing] = (rest / np.maximum(n_missing, 1.0))[l_group[missing]]
    w = np.maximum(w, 0.0)
    cover = np.bincount(l_group, weights=w, minlength=G)
    scale = np.where(cover > 1.0, 1.0 / np.where(cover > 0, cover, 1.0), 1.0)
    w = w * scale[l_group]
    cover = np.minimum(cover, 1.0)
    order = np.argsort(l_group, kind="stable")
    g_ent = (g_keys % N).astype(np.int64)
    g_prod = (g_keys // N).astype(np.int64)
    return se_group, g_ent, g_prod, cover, l_group[order], l_fp[order].astype(np.int64), w[order], counts


def _link_entries(
    se_ss: np.ndarray, se_group: np.ndarray, se_mix: np.ndarray, se_master: np.ndarray,
    l_group: np.ndarray, l_fp: np.ndarray, l_w: np.ndarray, FP: int, G: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    grouped = np.flatnonzero(se_group >= 0)
    if not len(grouped) or not len(l_group):
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    lptr = ptr_from_sorted(l_group, G)
    g = se_group[grouped]
    idx = expand_ranges(lptr[g], lptr[g + 1])
    owner = np.repeat(grouped, lptr[g + 1] - lptr[g])
    cols = l_fp[idx] + np.where(se_master[owner], FP, 0)
    return owner, cols, se_mix[owner] * l_w[idx]


def _external_origins(comp: CompiledDataset, home: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per product, each partner country's share of home supply (imports + production), latest year."""
    rep = comp.trade_reporter == home
    if not rep.any():
        z = np.zeros(0, dtype=np.int64)
        return z, z, np.zeros(0)
    P = comp.n_products
    year = np.zeros(P, dtype=np.int64)
    np.maximum.at(year, comp.trade_product[rep], comp.trade_year[rep].astype(np.int64))
    rows = rep & (comp.trade_year == year[comp.trade_product])
    qty = np.nan_to_num(comp.trade_quantity, nan=0.0)
    imp = rows & (comp.trade_flow == FLOW_IMPORT) & (comp.trade_partner >= 0)
    prod = rows & (comp.trade_flow == FLOW_PRODUCTION)
    total = np.bincount(comp.trade_product[imp | prod], weights=qty[imp | prod], minlength=P)
    p, c = comp.trade_product[imp], comp.trade_partner[imp]
    share = np.divide(qty[imp], total[p], out=np.zeros(int(imp.sum())), where=total[p] > 0)
    return p.astype(np.int64), c.astype(np.int64), share
