"""FlowNetwork from the compiled form, and the TTR/TTS stress test of every product, enterprise and province.

由编译形式构建 TTR/TTS 线性规划所需的 FlowNetwork（METHODS.md §3），并对每个产品、企业、省份做压力测试：
TTR 取失去站点 ttr_days 的最大值（换算为期数），TTS < TTR 即为暴露。

Conventions (each a parameter or stated here):

* margin f_j = ``margin_share`` x unit_price; demand d_j = annual_demand / 365 x period for the final
  products only (an intermediate's annual_demand is derived demand, already implied by the BOM);
* inventory s_j = Σ_sites inventory_days x output / 365 (a site without output counts its capacity);
* sites: every working capacity row (capacity / 365 x period), plus one import site per (product, partner
  country) with the imported quantity of the chosen trade year, plus one "unknown supply" site for a product
  with no capacity rows and no imports, sized to its gross requirement so it never binds;
* TTR of a disruption = max ttr_days of the lost sites (``default_ttr_days`` when unknown) / period_days.

The LP itself lives in ``chainleader.analysis.ttr_tts`` (another module); it is imported lazily so this
package works before it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.compiled import CompiledDataset
from chainleader.analysis.dependence import import_sources
from chainleader.analysis.flow_network import FlowNetwork
from chainleader.analysis.params import RiskParams

SITE_REAL, SITE_IMPORT, SITE_UNKNOWN = 0, 1, 2


@dataclass(frozen=True)
class FlowBuild:
    net: FlowNetwork
    products: np.ndarray  # compiled product index of each FlowNetwork product
    site_kind: np.ndarray  # SITE_REAL / SITE_IMPORT / SITE_UNKNOWN
    site_enterprise: np.ndarray  # -1 for virtual sites
    site_province: np.ndarray
    site_country: np.ndarray
    site_product: np.ndarray  # compiled product index
    site_ttr_days: np.ndarray  # NaN unknown


def build_flow(comp: CompiledDataset, params: RiskParams, chain: str | None = None) -> FlowBuild:
    finals = comp.finals(chain)
    scope = comp.upstream_mask(finals) if len(finals) else comp.scope(chain)
    prods = np.flatnonzero(scope)
    local = np.full(comp.n_products, -1, dtype=np.int64)
    local[prods] = np.arange(len(prods))
    per = params.period_days / 365.0
    price = np.nan_to_num(comp.product_price[prods], nan=0.0)
    is_final = np.zeros(comp.n_products, dtype=bool)
    is_final[finals] = True
    demand = np.where(is_final[prods], np.nan_to_num(comp.product_demand[prods], nan=0.0) * per, 0.0)
    # BOM restricted to scope
    keep_slot = scope[comp.slot_product]
    s_idx = np.flatnonzero(keep_slot)
    from chainleader.analysis.compiled import expand_ranges

    entries = expand_ranges(comp.slot_ptr[s_idx], comp.slot_ptr[s_idx + 1])
    sizes = np.diff(comp.slot_ptr)[s_idx]
    slot_ptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
    slot_product = local[comp.slot_product[s_idx]]
    slot_input = local[comp.slot_input[entries]]
    slot_qty = np.nan_to_num(comp.slot_qty[entries], nan=0.0)
    # real sites
    live = np.flatnonzero(comp.site_live & scope[comp.site_product])
    w = comp.site_weight("output")
    inv_units = np.nan_to_num(comp.site_inventory_days[live], nan=0.0) * np.nan_to_num(w[live], nan=0.0) / 365.0
    inventory = np.bincount(local[comp.site_product[live]], weights=inv_units, minlength=len(prods)).astype(np.float64)
    # import sites
    imp = import_sources(comp, params, measure="quantity") if params.imports_as_sources else \
        pd.DataFrame({"product": [], "partner": [], "amount": []})
    ip = imp["product"].to_numpy(np.int64)
    ik = scope[ip] if len(ip) else np.zeros(0, dtype=bool)
    ip, ic, ia = ip[ik], imp["partner"].to_numpy(np.int64)[ik], imp["amount"].to_numpy(np.float64)[ik]
    # unknown supply: products without capacity rows and imports
    n_rows = np.bincount(comp.site_product, minlength=comp.n_products)
    imported = np.bincount(ip, minlength=comp.n_products) > 0
    unknown = np.flatnonzero(scope & (n_rows == 0) & ~imported)
    req = _gross_requirement(len(prods), demand, slot_product, slot_ptr, slot_input, slot_qty)
    site_product = np.concatenate([comp.site_product[live], ip, unknown])
    cap = np.concatenate([comp.site_capacity[live] * per, ia * per, req[local[unknown]] + 1e-9]).astype(np.float64)
    kind = np.concatenate([np.full(len(live), SITE_REAL), np.full(len(ip), SITE_IMPORT),
                           np.full(len(unknown), SITE_UNKNOWN)]).astype(np.int8)
    ent = np.concatenate([comp.site_enterprise[live], np.full(len(ip) + len(unknown), -1)])
    prov = np.concatenate([comp.site_province[live], np.full(len(ip) + len(unknown), -1)])
    ctry = np.concatenate([comp.site_country[live], ic, np.full(len(unknown), -1)])
    ttr = np.concatenate([comp.site_ttr_days[live], np.full(len(ip) + len(unknown), np.nan)])
    labels = ([f"{comp.enterprise_ids[e]}|{comp.product_ids[p]}|{comp.country_codes[c]}|{r}"
               for e, p, c, r in zip(comp.site_enterprise[live], comp.site_product[live], comp.site_country[live],
                                     comp.site_region[live], strict=True)]
              + [f"import|{comp.product_ids[p]}|{comp.country_codes[c]}" for p, c in zip(ip, ic, strict=True)]
              + [f"unknown|{comp.product_ids[p]}" for p in unknown])
    net = FlowNetwork(
        product_ids=tuple(str(x) for x in comp.product_ids[prods]),
        margin=np.asarray(price * params.margin_share, dtype=np.float64), demand=demand.astype(np.float64),
        inventory=inventory,
        slot_product=slot_product, slot_ptr=slot_ptr, slot_input=slot_input, slot_qty=slot_qty,
        site_ids=tuple(labels), site_product=local[site_product], site_capacity=cap,
        period_days=params.period_days,
    )
    net.validate()
    return FlowBuild(net, prods, kind, ent, prov, ctry, site_product, ttr)


def scaled_for_lp(net: FlowNetwork) -> tuple[FlowNetwork, float]:
    """The same network in LP-friendly units, and the money unit to multiply PI back with.

    METHODS §8: coefficients spanning 1e-3..1e9 make HiGHS stop with "numerical difficulties" on the
    bundled chains. Measuring product j in units of σ_j (its gross requirement per period, else its
    largest site) leaves every value and time unchanged: capacities, demand and inventory divide by
    σ_j, margins multiply by σ_j, a BOM coefficient r (units of i per unit of j) becomes r·σ_j/σ_i.
    Margins are then divided by the largest one (returned) so the objective is O(1).
    """
    n = net.n_products
    req = _gross_requirement(n, net.demand, net.slot_product, net.slot_ptr, net.slot_input, net.slot_qty)
    site_max = np.zeros(n)
    np.maximum.at(site_max, net.site_product, net.site_capacity)
    sigma = np.where(req > 0, req, site_max)
    sigma = np.where(sigma > 0, sigma, 1.0)
    owner = np.repeat(net.slot_product, np.diff(net.slot_ptr))
    margin = net.margin * sigma
    money = float(margin.max()) if n and margin.max() > 0 else 1.0
    scaled = replace(
        net,
        margin=margin / money,
        demand=net.demand / sigma,
        inventory=net.inventory / sigma,
        slot_qty=net.slot_qty * sigma[owner] / sigma[net.slot_input],
        site_capacity=net.site_capacity / sigma[net.site_product],
    )
    scaled.validate()
    return scaled, money


def _gross_requirement(n: int, demand: np.ndarray, slot_product: np.ndarray, slot_ptr: np.ndarray,
                       slot_input: np.ndarray, slot_qty: np.ndarray) -> np.ndarray:
    """Gross requirement per period r = d + Σ qty·r(owner), every alternative counted in full (an upper bound)."""
    owner = np.repeat(slot_product, np.diff(slot_ptr))
    r = demand.copy()
    for _ in range(n + 1):  # converges after depth iterations on a DAG; stops on cycles
        nxt = demand + np.bincount(slot_input, weights=slot_qty * r[owner], minlength=n)
        if np.allclose(nxt, r, rtol=1e-12, atol=0):
            break
        r = nxt
    return r


@dataclass
class StressOutcome:
    """LP results per disruption (kind, id, pi, rei, tts, ttr, exposed) and the run status."""

    table: pd.DataFrame
    status: str
    metadata: dict[str, Any] = field(default_factory=dict)


def run_stress(comp: CompiledDataset, params: RiskParams, chain: str | None = None) -> StressOutcome:
    """Call ``ttr_tts.stress_test`` for every product node, enterprise and province (and country if asked)."""
    try:
        from chainleader.analysis import ttr_tts
    except ImportError as exc:
        return StressOutcome(pd.DataFrame(), f"unavailable: chainleader.analysis.ttr_tts not importable ({exc})")
    fb = build_flow(comp, params, chain)
    S = fb.net.n_sites
    kinds: list[str] = []
    ids: list[str] = []
    masks: list[np.ndarray] = []
    groups: dict[str, tuple[np.ndarray, np.ndarray]] = {
        "product": (fb.site_product, comp.product_ids),
        "enterprise": (fb.site_enterprise, comp.enterprise_ids),
        "province": (fb.site_province, comp.province_codes.astype(str)),
        "country": (fb.site_country, comp.country_codes),
    }
    for kind in params.lp_scenario_kinds:
        key, labels = groups[kind]
        valid = key >= 0
        uniq = np.unique(key[valid])
        for u in uniq:  # one LP per scenario: the loop is over LP solves, not firms
            kinds.append(kind)
            ids.append(str(labels[u]))
            masks.append(key == u)
    disruptions = []
    ttrs = []
    for kind, id_, m in zip(kinds, ids, masks, strict=True):
        t_days = fb.site_ttr_days[m]
        t_days = np.where(np.isnan(t_days), params.default_ttr_days, t_days)
        ttr = float(t_days.max()) / params.period_days if len(t_days) else params.default_ttr_days / params.period_days
        factor = np.ones(S)
        factor[m] = 0.0
        disruptions.append(ttr_tts.Disruption(f"{kind}:{id_}", factor, ttr))
        ttrs.append(ttr)
    if not disruptions:
        return StressOutcome(pd.DataFrame(), "ok: no disruptions")
    # the LP needs TTR <= t_max to decide exposure: widen the cap to the longest TTR (recorded)
    t_max = max(params.t_max, max(ttrs))
    # Units scaled per product and money normalised (PI multiplied back below): see scaled_for_lp.
    # The whole-network LP per scenario (decompose=False) is used: on chains of bundled size it takes
    # seconds and is the most robust path; the region decomposition is for 10^4-node chains.
    net, money = scaled_for_lp(fb.net)
    try:
        res = ttr_tts.stress_test(net, disruptions, t_max=t_max, decompose=False)
    except Exception as exc:  # the LP module is a separate component: report its failure, keep the register
        return StressOutcome(pd.DataFrame(), f"failed: {type(exc).__name__}: {exc}",
                             {"n_disruptions": len(disruptions), "n_sites": S})
    t = res.table.copy().reset_index(drop=True)
    names = [f"{k}:{i}" for k, i in zip(kinds, ids, strict=True)]
    for name_col in ("disruption", "name"):
        if name_col in t.columns:
            t = t.set_index(name_col).reindex(names).reset_index(drop=True)
            break
    out = pd.DataFrame({"kind": kinds, "id": ids})
    for col in ("pi", "rei", "tts", "ttr", "exposed", "tts_capped"):
        out[col] = t[col].to_numpy() if col in t.columns else np.nan
    out["pi"] = out["pi"].to_numpy(dtype=np.float64) * money
    out["ttr"] = np.where(pd.isna(out["ttr"]), ttrs, out["ttr"]).astype(np.float64)
    meta = {"n_disruptions": len(disruptions), "n_sites": S, "n_products": fb.net.n_products,
            "period_days": params.period_days, "t_max": t_max,
            "lp_metadata": {k: v for k, v in res.metadata.items() if k != "rei_scenario_set"}}
    return StressOutcome(out, "ok", meta)
