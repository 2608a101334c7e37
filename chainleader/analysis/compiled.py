"""The compiled form: a Dataset as integer-indexed numpy arrays and CSR pointers, built once and cached.

编译形式：把数据集转换为整数索引的 numpy 数组与 CSR 指针，每个数据集内容只构建一次并缓存。
Every risk metric runs on this form; no metric loops over firms or links in Python.

Canonical order (so results never depend on input row order):
products and enterprises sorted by id; sites sorted by (product, enterprise, country, region);
BOM rows sorted by (product, input group, input); trade rows sorted by (product, reporter, partner, year, flow).
Supply links keep their input order (10^7 rows): every link metric is a grouped count, sorted on output.

Site location (METHODS §1: "domestic" is territorial): a capacity row's country is its facility_country,
else the enterprise's country; its region is its facility_region, else the enterprise's region when the
plant is in the enterprise's country.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chainleader.model.dataset import Dataset, split_list
from chainleader.model.errors import NotFoundError, Problem, ValidationError, ValidationReport

if TYPE_CHECKING:
    from chainleader.analysis.flow_network import FlowNetwork

STAGES: tuple[str, ...] = ("upstream", "midstream", "downstream")
FLOWS: tuple[str, ...] = ("import", "export", "production")
CONTENT_HASH_MAX_ROWS = 250_000  # above this, cache by version id or object identity (hashing costs ~ compiling)


# --------------------------------------------------------------------------------------------------
# id lookup helpers (pyarrow hash joins: ~0.25 s per 10^6 values)
# --------------------------------------------------------------------------------------------------
def _arrow_str(values: object) -> pa.Array:
    """Strings as an arrow array; None / NaN become nulls (``from_pandas``)."""
    if isinstance(values, pa.Array):
        return values
    if isinstance(values, pd.Series):
        values = values.to_numpy(dtype=object)  # no na_value: canonical missing is already None
    arr = np.asarray(values, dtype=object)
    return pa.array(arr, type=pa.string(), from_pandas=True)


def index_of(values: object, keys: np.ndarray) -> np.ndarray:
    """Position of each value in ``keys`` (object array of str), -1 when missing or None."""
    arr = _arrow_str(values)
    if len(arr) == 0:
        return np.zeros(0, dtype=np.int64)
    found = pc.index_in(arr, value_set=_arrow_str(keys))
    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def _sorted_unique(values: object) -> np.ndarray:
    arr = values if isinstance(values, pa.Array) else _arrow_str(values)
    uniq = pc.unique(arr.drop_null())
    if len(uniq) == 0:
        return np.zeros(0, dtype=object)
    ordered = pc.take(uniq, pc.array_sort_indices(uniq))
    return np.asarray(ordered.to_numpy(zero_copy_only=False), dtype=object)


def _obj(series: pd.Series) -> np.ndarray:
    return np.asarray(series.to_numpy(dtype=object), dtype=object)


def _float(series: pd.Series) -> np.ndarray:
    return np.asarray(pd.to_numeric(series, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan))


def _region_int(values: object) -> np.ndarray:
    """6-digit division codes as int32; 0 when missing or malformed."""
    arr = _arrow_str(values)
    if len(arr) == 0:
        return np.zeros(0, dtype=np.int32)
    ok = pc.match_substring_regex(arr, r"^\d{6}$")
    clean = pc.if_else(pc.fill_null(ok, False), arr, pa.scalar(None, pa.string()))
    ints = pc.cast(clean, pa.int32())
    return np.asarray(pc.fill_null(ints, 0).to_numpy(zero_copy_only=False), dtype=np.int32)


def _dangling(table: str, column: str, values: np.ndarray, idx: np.ndarray, limit: int = 50) -> list[Problem]:
    bad = np.flatnonzero(idx < 0)
    bad = bad[pd.notna(values[bad])] if len(bad) else bad
    out = []
    for r in bad[:limit]:
        v = str(values[r])
        out.append(
            Problem(
                "error", "", table, int(r) + 2, column, "dangling_reference",
                f"{column} 的值 {v!r} 在引用表中不存在", f"{column} value {v!r} does not exist in the referenced table",
                "先在被引用的表中添加该编号，或更正此值", "add the id to the referenced table first, or correct this value",
                v,
            )
        )
    if len(bad) > limit:
        out.append(
            Problem("error", "", table, None, column, "dangling_reference",
                    f"另有 {len(bad) - limit} 行引用不存在的编号", f"{len(bad) - limit} more rows reference missing ids")
        )
    return out


@dataclass(frozen=True)
class CountryGroup:
    id: str
    name_zh: str
    name_en: str
    members: np.ndarray  # country indices


@dataclass(frozen=True)
class RegionGroup:
    id: str
    name_zh: str
    name_en: str
    kind: str
    members: tuple[str, ...]  # division codes (province / prefecture / county)


@dataclass(frozen=True, eq=False)
class CompiledDataset:
    """Integer-indexed arrays of one dataset. Index arrays are int64; -1 means 'none'."""

    name: str
    content_key: str
    version: int | None
    version_id: int | None
    # products (P), sorted by id
    product_ids: np.ndarray
    product_name_zh: np.ndarray
    product_name_en: np.ndarray
    product_stage: np.ndarray  # int8 index into STAGES, -1 missing
    product_kind: np.ndarray  # object
    product_unit: np.ndarray  # object
    product_price: np.ndarray  # float64, NaN missing
    product_demand: np.ndarray  # float64, NaN missing
    product_key_link: np.ndarray  # bool
    # AND/OR BOM as CSR: product -> slots (input groups, AND) -> inputs (OR)
    bom_ptr: np.ndarray  # (P+1,)
    slot_ptr: np.ndarray  # (K+1,)
    slot_product: np.ndarray  # (K,)
    slot_group: np.ndarray  # (K,) object: input_group names
    slot_input: np.ndarray  # (E,)
    slot_qty: np.ndarray  # (E,)
    # countries (C) sorted ISO codes; enterprises (N) sorted by id
    country_codes: np.ndarray
    enterprise_ids: np.ndarray
    enterprise_name_zh: np.ndarray
    enterprise_name_en: np.ndarray
    enterprise_country: np.ndarray  # country index
    enterprise_region: np.ndarray  # int32 6-digit code, 0 missing
    enterprise_zone: np.ndarray  # object (region_groups id) or None
    # provinces (R): sorted int codes (xx0000) seen on sites or enterprises
    province_codes: np.ndarray
    # capacity sites (S), sorted by (product, enterprise, country, region)
    site_product: np.ndarray
    site_enterprise: np.ndarray
    site_country: np.ndarray
    site_region: np.ndarray  # int32 code, 0 = unknown / abroad
    site_province: np.ndarray  # province index, -1 unknown / abroad
    site_capacity: np.ndarray
    site_output: np.ndarray  # NaN missing
    site_grade: np.ndarray  # int8, 0 = unknown
    site_inventory_days: np.ndarray
    site_ttr_days: np.ndarray
    site_ramp_days: np.ndarray
    site_ptr: np.ndarray  # (P+1,) sites of product p: site_ptr[p]:site_ptr[p+1]
    # supply links (L), input order
    link_supplier: np.ndarray
    link_customer: np.ndarray
    link_product: np.ndarray
    link_volume: np.ndarray
    link_share: np.ndarray
    # trade (T), sorted
    trade_product: np.ndarray
    trade_reporter: np.ndarray  # object: 'CN' or a division code
    trade_partner: np.ndarray  # country index, -1 (production)
    trade_year: np.ndarray  # int32
    trade_flow: np.ndarray  # int8 index into FLOWS
    trade_quantity: np.ndarray
    trade_value: np.ndarray
    # chains and groups
    chain_ids: tuple[str, ...]
    chain_names: tuple[tuple[str, str], ...]
    chain_finals: tuple[np.ndarray, ...]
    chain_lead_regions: tuple[tuple[str, ...], ...]
    country_groups: tuple[CountryGroup, ...]
    region_groups: tuple[RegionGroup, ...]

    # --- sizes -------------------------------------------------------------------------------------
    @property
    def n_products(self) -> int:
        return len(self.product_ids)

    @property
    def n_enterprises(self) -> int:
        return len(self.enterprise_ids)

    @property
    def n_sites(self) -> int:
        return len(self.site_product)

    @property
    def n_countries(self) -> int:
        return len(self.country_codes)

    @property
    def n_provinces(self) -> int:
        return len(self.province_codes)

    # --- lookups -----------------------------------------------------------------------------------
    def product_index(self, ids: str | Iterable[str]) -> np.ndarray:
        """Indices of product ids; raises NotFoundError naming the unknown ones."""
        seq = [ids] if isinstance(ids, str) else [str(i) for i in ids]
        idx = index_of(np.asarray(seq, dtype=object), self.product_ids)
        if np.any(idx < 0):
            missing = [s for s, i in zip(seq, idx, strict=True) if i < 0]
            raise NotFoundError(f"产品不存在 / unknown product(s): {missing[:10]}")
        return idx

    def enterprise_index(self, ids: str | Iterable[str]) -> np.ndarray:
        seq = [ids] if isinstance(ids, str) else [str(i) for i in ids]
        idx = index_of(np.asarray(seq, dtype=object), self.enterprise_ids)
        if np.any(idx < 0):
            missing = [s for s, i in zip(seq, idx, strict=True) if i < 0]
            raise NotFoundError(f"企业不存在 / unknown enterprise(s): {missing[:10]}")
        return idx

    def country_index(self, code: str) -> int:
        hit = np.flatnonzero(self.country_codes == code.upper())
        return int(hit[0]) if len(hit) else -1

    def chain_index(self, chain: str) -> int:
        if chain not in self.chain_ids:
            raise NotFoundError(
                f"产业链 {chain!r} 不存在，可选：{', '.join(self.chain_ids)} / "
                f"chain {chain!r} not found; available: {', '.join(self.chain_ids)}"
            )
        return self.chain_ids.index(chain)

    def country_group(self, group_id: str) -> CountryGroup:
        for g in self.country_groups:
            if g.id == group_id:
                return g
        raise NotFoundError(
            f"国家分组 {group_id!r} 不存在 / country group {group_id!r} not found; "
            f"available: {[g.id for g in self.country_groups]}"
        )

    # --- derived arrays (cached) -------------------------------------------------------------------
    @cached_property
    def product_edges(self) -> tuple[np.ndarray, np.ndarray]:
        """(input, product) pairs of the BOM, one per slot entry."""
        owner = np.repeat(self.slot_product, np.diff(self.slot_ptr))
        return self.slot_input, owner

    @cached_property
    def is_input(self) -> np.ndarray:
        out = np.zeros(self.n_products, dtype=bool)
        out[self.slot_input] = True
        return out

    def upstream_mask(self, roots: np.ndarray) -> np.ndarray:
        """Products reachable from ``roots`` by following BOM inputs (roots included)."""
        inp, owner = self.product_edges
        order = np.argsort(owner, kind="stable")
        src, dst = owner[order], inp[order]
        ptr = np.zeros(self.n_products + 1, dtype=np.int64)
        np.cumsum(np.bincount(src, minlength=self.n_products), out=ptr[1:])
        seen = np.zeros(self.n_products, dtype=bool)
        frontier = np.unique(np.asarray(roots, dtype=np.int64))
        seen[frontier] = True
        while len(frontier):
            nxt = dst[expand_ranges(ptr[frontier], ptr[frontier + 1])]
            nxt = np.unique(nxt[~seen[nxt]])
            seen[nxt] = True
            frontier = nxt
        return seen

    def finals(self, chain: str | None = None) -> np.ndarray:
        """Final products: the chain's, else every chain's, else the BOM sinks with demand or price."""
        if chain is not None:
            return np.unique(self.chain_finals[self.chain_index(chain)])
        if self.chain_finals and any(len(f) for f in self.chain_finals):
            return np.unique(np.concatenate(self.chain_finals))
        sinks = ~self.is_input & (self.bom_ptr[1:] > self.bom_ptr[:-1])
        return np.flatnonzero(sinks)

    def scope(self, chain: str | None = None) -> np.ndarray:
        """Boolean mask of products in the chain (upstream closure of its final products); all when None."""
        if chain is None:
            return np.ones(self.n_products, dtype=bool)
        return self.upstream_mask(self.finals(chain))

    def site_domestic(self, home_country: str) -> np.ndarray:
        return self.site_country == self.country_index(home_country)

    def site_weight(self, basis: str) -> np.ndarray:
        """Per-site share basis: output (a site without output counts its capacity) or capacity."""
        if basis == "capacity":
            return self.site_capacity
        return np.where(np.isnan(self.site_output), self.site_capacity, self.site_output)

    @cached_property
    def site_live(self) -> np.ndarray:
        """Sites with positive capacity: the working supply sources."""
        return self.site_capacity > 0

    def province_name(self, idx: int) -> str:
        return province_label(int(self.province_codes[idx]))

    def flow_network(self, period_days: float = 7.0, **kwargs: object) -> FlowNetwork:
        """The FlowNetwork of METHODS §3 built from this dataset (see ``stress.build_flow``)."""
        from chainleader.analysis.params import RiskParams
        from chainleader.analysis.stress import build_flow

        params = RiskParams(period_days=period_days, **kwargs)  # type: ignore[arg-type]
        return build_flow(self, params).net


def province_label(code: int) -> str:
    from chainleader.model.reference import divisions

    key = f"{code:06d}"
    d = divisions().get(key)
    return d.name_zh if d else key


def expand_ranges(starts: np.ndarray, stops: np.ndarray) -> np.ndarray:
    """Concatenate arange(starts[i], stops[i]) for all i, vectorised."""
    starts = np.asarray(starts, dtype=np.int64)
    lens = np.asarray(stops, dtype=np.int64) - starts
    keep = lens > 0
    starts, lens = starts[keep], lens[keep]
    total = int(lens.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offs = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
    return np.arange(total, dtype=np.int64) + offs


# --------------------------------------------------------------------------------------------------
# building
# --------------------------------------------------------------------------------------------------
def _sort_ids(series: pd.Series, table: str) -> tuple[np.ndarray, np.ndarray]:
    """(order, sorted ids); raises ValidationError on duplicate ids."""
    arr = _arrow_str(series)
    order = np.asarray(pc.array_sort_indices(arr).to_numpy(), dtype=np.int64)
    ids = _obj(series)[order]
    if len(ids) > 1:
        dup = ids[1:] == ids[:-1]
        if dup.any():
            v = str(ids[1:][dup][0])
            raise ValidationError(
                ValidationReport([Problem("error", "", table, None, "id", "duplicate_id",
                                          f"编号 {v!r} 重复", f"id {v!r} occurs more than once",
                                          "每个编号只能出现一次", "make every id unique", v)]),
                table,
            )
    return order, ids


def build_compiled(ds: Dataset, content_key: str = "") -> CompiledDataset:
    """Compile ``ds`` (no caching; use ``compile_dataset``)."""
    problems: list[Problem] = []
    pr = ds.products
    p_order, product_ids = _sort_ids(pr["id"], "products")
    P = len(product_ids)
    prs = pr.iloc[p_order]
    stage = index_of(prs["stage"], np.asarray(STAGES, dtype=object)).astype(np.int8)
    key_link = prs["key_link"].fillna(False).to_numpy(dtype=bool)

    # --- BOM -----------------------------------------------------------------------------------------
    bom = ds.bom
    b_prod = index_of(bom["product"], product_ids)
    b_inp = index_of(bom["input"], product_ids)
    problems += _dangling("bom", "product", _obj(bom["product"]), b_prod)
    problems += _dangling("bom", "input", _obj(bom["input"]), b_inp)
    groups = _obj(bom["input_group"])
    g_code, g_uni = pd.factorize(pd.Series(groups, dtype=object).fillna(""), sort=True)
    order = np.lexsort((b_inp, g_code, b_prod))
    b_prod, b_inp, g_code = b_prod[order], b_inp[order], g_code[order]
    qty = _float(bom["quantity"])[order]
    new_slot = np.ones(len(order), dtype=bool)
    if len(order):
        new_slot[1:] = (b_prod[1:] != b_prod[:-1]) | (g_code[1:] != g_code[:-1])
    slot_start = np.flatnonzero(new_slot)
    slot_ptr = np.append(slot_start, len(order)).astype(np.int64)
    slot_product = b_prod[slot_start].astype(np.int64)
    bom_ptr = np.zeros(P + 1, dtype=np.int64)
    np.cumsum(np.bincount(slot_product, minlength=P), out=bom_ptr[1:])
    slot_group = np.asarray(g_uni, dtype=object)[g_code[slot_start]] if len(order) else np.zeros(0, dtype=object)

    # --- countries -------------------------------------------------------------------------------------
    en, cap, tr = ds.enterprises, ds.capacities, ds.trade
    cg = ds.country_groups
    member_codes = [m for cell in cg["members"] for m in split_list(cell)]
    country_codes = _sorted_unique(
        pa.chunked_array([
            _arrow_str(en["country"]), _arrow_str(cap["facility_country"]), _arrow_str(tr["partner"]),
            _arrow_str(np.asarray(member_codes + ["CN"], dtype=object)),
        ]).combine_chunks()
    )

    # --- enterprises -----------------------------------------------------------------------------------
    e_order, enterprise_ids = _sort_ids(en["id"], "enterprises")
    ens = en.iloc[e_order] if len(en) else en
    e_country = index_of(ens["country"], country_codes)
    e_region = _region_int(ens["region"])

    # --- sites -----------------------------------------------------------------------------------------
    s_ent = index_of(cap["enterprise"], enterprise_ids)
    s_prod = index_of(cap["product"], product_ids)
    problems += _dangling("capacities", "enterprise", _obj(cap["enterprise"]), s_ent)
    problems += _dangling("capacities", "product", _obj(cap["product"]), s_prod)
    if problems:
        raise ValidationError(ValidationReport(problems), ds.name)
    fac_country = index_of(cap["facility_country"], country_codes)
    ent_country = e_country[s_ent] if len(s_ent) else np.zeros(0, dtype=np.int64)
    s_country = np.where(fac_country >= 0, fac_country, ent_country)
    fac_region = _region_int(cap["facility_region"])
    ent_region = e_region[s_ent] if len(s_ent) else np.zeros(0, dtype=np.int32)
    s_region = np.where(fac_region > 0, fac_region, np.where(s_country == ent_country, ent_region, 0)).astype(np.int32)
    cn = int(np.flatnonzero(country_codes == "CN")[0])
    s_region = np.where((s_region > 0) & (s_country != cn), 0, s_region).astype(np.int32)
    order = np.lexsort((s_region, s_country, s_ent, s_prod))
    s_prod, s_ent, s_country, s_region = s_prod[order], s_ent[order], s_country[order], s_region[order]
    s_prov_code = (s_region // 10000) * 10000
    e_prov_code = (e_region // 10000) * 10000
    province_codes = np.unique(np.concatenate([s_prov_code[s_prov_code > 0], e_prov_code[e_prov_code > 0]]))
    s_prov = np.where(s_prov_code > 0, np.searchsorted(province_codes, s_prov_code), -1).astype(np.int64)
    grade = pd.to_numeric(cap["standard_grade"], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    site_ptr = np.zeros(P + 1, dtype=np.int64)
    np.cumsum(np.bincount(s_prod, minlength=P), out=site_ptr[1:])

    # --- supply links ----------------------------------------------------------------------------------
    sl = ds.supply_links
    jobs = (("supplier", enterprise_ids), ("customer", enterprise_ids), ("product", product_ids))
    with ThreadPoolExecutor(max_workers=2) as pool:  # 10^7 rows: arrow kernels release the GIL
        l_sup, l_cus, l_prod = pool.map(lambda job: index_of(sl[job[0]], job[1]), jobs)
    for (col, _), found in zip(jobs, (l_sup, l_cus, l_prod), strict=True):
        if np.any(found < 0):
            problems += _dangling("supply_links", col, _obj(sl[col]), found)

    # --- trade -----------------------------------------------------------------------------------------
    t_prod = index_of(tr["product"], product_ids)
    problems += _dangling("trade", "product", _obj(tr["product"]), t_prod)
    t_rep = _obj(tr["reporter"])
    t_part = index_of(tr["partner"], country_codes)
    t_year = pd.to_numeric(tr["year"], errors="coerce").fillna(0).to_numpy(dtype=np.int64).astype(np.int32)
    t_flow = index_of(tr["flow"], np.asarray(FLOWS, dtype=object)).astype(np.int8)
    rep_code, _ = pd.factorize(pd.Series(t_rep, dtype=object).fillna(""), sort=True)
    t_order = np.lexsort((t_flow, t_year, t_part, rep_code, t_prod))

    # --- chains ----------------------------------------------------------------------------------------
    ch = ds.chains.sort_values("id", kind="stable") if len(ds.chains) else ds.chains
    chain_ids, chain_names, chain_finals, chain_leads = [], [], [], []
    for cid, nzh, nen, finals, leads in zip(ch["id"], ch["name_zh"], ch["name_en"], ch["final_products"],
                                            ch["lead_regions"], strict=True):
        fl = split_list(finals)
        fidx = index_of(np.asarray(fl, dtype=object), product_ids)
        problems += _dangling("chains", "final_products", np.asarray(fl, dtype=object), fidx)
        chain_ids.append(str(cid))
        chain_names.append((str(nzh or cid), str(nen or nzh or cid)))
        chain_finals.append(np.unique(fidx[fidx >= 0]))
        chain_leads.append(tuple(split_list(leads)))
    if problems:
        raise ValidationError(ValidationReport(problems), ds.name)

    cgs = []
    for gid, nzh, nen, members in sorted(zip(cg["id"], cg["name_zh"], cg["name_en"], cg["members"], strict=True),
                                         key=lambda r: str(r[0])):
        midx = index_of(np.asarray(split_list(members), dtype=object), country_codes)
        cgs.append(CountryGroup(str(gid), str(nzh or gid), str(nen or nzh or gid), np.unique(midx[midx >= 0])))
    rg = ds.region_groups
    rgs = [
        RegionGroup(str(gid), str(nzh or gid), str(nen or nzh or gid), str(kind or "other"),
                    tuple(split_list(members)) or ((str(parent),) if parent else ()))
        for gid, nzh, nen, kind, members, parent in sorted(
            zip(rg["id"], rg["name_zh"], rg["name_en"], rg["kind"], rg["members"], rg["parent_region"], strict=True),
            key=lambda r: str(r[0]))
    ]

    return CompiledDataset(
        name=ds.name, content_key=content_key, version=ds.version, version_id=ds.version_id,
        product_ids=product_ids,
        product_name_zh=_obj(prs["name_zh"]),
        product_name_en=np.where(pd.isna(prs["name_en"].to_numpy(dtype=object)), _obj(prs["name_zh"]),
                                 _obj(prs["name_en"])).astype(object),
        product_stage=stage,
        product_kind=_obj(prs["kind"]),
        product_unit=_obj(prs["unit"]),
        product_price=_float(prs["unit_price"]),
        product_demand=_float(prs["annual_demand"]),
        product_key_link=key_link,
        bom_ptr=bom_ptr, slot_ptr=slot_ptr, slot_product=slot_product, slot_group=slot_group,
        slot_input=b_inp.astype(np.int64), slot_qty=qty,
        country_codes=country_codes,
        enterprise_ids=enterprise_ids,
        enterprise_name_zh=_obj(ens["name_zh"]),
        enterprise_name_en=_obj(ens["name_en"]),
        enterprise_country=e_country,
        enterprise_region=e_region,
        enterprise_zone=_obj(ens["zone"]),
        province_codes=province_codes.astype(np.int32),
        site_product=s_prod, site_enterprise=s_ent, site_country=s_country, site_region=s_region,
        site_province=s_prov,
        site_capacity=np.nan_to_num(_float(cap["capacity"])[order], nan=0.0),
        site_output=_float(cap["output"])[order],
        site_grade=np.nan_to_num(grade[order], nan=0.0).astype(np.int8),
        site_inventory_days=_float(cap["inventory_days"])[order],
        site_ttr_days=_float(cap["ttr_days"])[order],
        site_ramp_days=_float(cap["ramp_up_days"])[order],
        site_ptr=site_ptr,
        link_supplier=l_sup, link_customer=l_cus, link_product=l_prod,
        link_volume=_float(sl["volume"]), link_share=_float(sl["share"]),
        trade_product=t_prod[t_order], trade_reporter=t_rep[t_order], trade_partner=t_part[t_order],
        trade_year=t_year[t_order], trade_flow=t_flow[t_order],
        trade_quantity=_float(tr["quantity"])[t_order], trade_value=_float(tr["value_usd"])[t_order],
        chain_ids=tuple(chain_ids), chain_names=tuple(chain_names), chain_finals=tuple(chain_finals),
        chain_lead_regions=tuple(chain_leads),
        country_groups=tuple(cgs), region_groups=tuple(rgs),
    )


# --------------------------------------------------------------------------------------------------
# cache: by version id, by content hash (small datasets), else by object identity
# --------------------------------------------------------------------------------------------------
_LOCK = threading.Lock()
_BY_KEY: OrderedDict[str, CompiledDataset] = OrderedDict()
_BY_ID: dict[int, tuple[weakref.ref[Dataset], tuple[int, ...], CompiledDataset]] = {}
_MAX_ENTRIES = 4


def _identity_token(ds: Dataset) -> tuple[int, ...]:
    return tuple(x for name in sorted(ds.tables) for x in (id(ds.tables[name]), len(ds.tables[name])))


def cache_key(ds: Dataset) -> str | None:
    """The content key of ``ds``: its store version id, else its content hash when small enough."""
    if ds.version_id is not None:
        return f"{ds.name}@version_id={ds.version_id}"
    if sum(ds.counts().values()) <= CONTENT_HASH_MAX_ROWS:
        return "sha256:" + ds.content_hash()
    return None


def compile_dataset(ds: Dataset | CompiledDataset, *, cache: bool = True) -> CompiledDataset:
    """The compiled form of ``ds``, built once per dataset content and cached.

    Cache key: the store's version id when the dataset came from the store, else ``Dataset.content_hash()``
    for datasets up to 2.5·10^5 rows, else the Dataset object itself (identity + table objects + row
    counts). After mutating a large dataset's frames in place, call ``clear_cache()``.
    """
    if isinstance(ds, CompiledDataset):
        return ds
    if not cache:
        return build_compiled(ds, f"{ds.name}@version_id={ds.version_id}" if ds.version_id is not None
                              else f"id:{id(ds)}")
    token = _identity_token(ds)
    with _LOCK:
        hit = _BY_ID.get(id(ds))
        if hit is not None and hit[0]() is ds and hit[1] == token:
            return hit[2]
    key = cache_key(ds)
    if key is not None:
        with _LOCK:
            if key in _BY_KEY:
                _BY_KEY.move_to_end(key)
                comp = _BY_KEY[key]
                _remember(ds, token, comp)
                return comp
    comp = build_compiled(ds, key or f"id:{id(ds)}")
    with _LOCK:
        if key is not None:
            _BY_KEY[key] = comp
            while len(_BY_KEY) > _MAX_ENTRIES:
                _BY_KEY.popitem(last=False)
        _remember(ds, token, comp)
    return comp


def _remember(ds: Dataset, token: tuple[int, ...], comp: CompiledDataset) -> None:
    ident = id(ds)
    _BY_ID[ident] = (weakref.ref(ds, lambda _r, i=ident: _BY_ID.pop(i, None)), token, comp)  # type: ignore[misc]
    while len(_BY_ID) > _MAX_ENTRIES:
        _BY_ID.pop(next(iter(_BY_ID)))


def clear_cache() -> None:
    with _LOCK:
        _BY_KEY.clear()
        _BY_ID.clear()
