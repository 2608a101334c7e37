"""Synthetic product layers and the AND/OR bill of materials (numeric plan).

Products sit in six tiers, upstream first: resource -> material -> component ->
equipment -> assembly -> final product. A product's input groups (AND) hold 1-3
substitutable alternatives (OR) from strictly lower tiers, so the BOM is a layered DAG.
Inputs are dealt round-robin from a shuffled list of each tier, so every non-final product
feeds something whenever its tier has at least as many input slots as products.
Unit prices are cost-plus: markup >= 1.1 over the dearest alternative of every group, plus
value added, so a product always costs more than any one of its inputs' quantity x price.
``volume`` is the annual quantity the chain needs: final demand pushed up the BOM.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainleader.generators.arrays import (
    PRODUCTS,
    BoolArray,
    FloatArray,
    IntArray,
    csr_pointers,
    expand,
    lognormal,
    ranks_in_runs,
    round_sig,
    stream,
)
from chainleader.generators.names import (
    ASSEMBLY,
    COMPONENT,
    EQUIPMENT,
    FINAL,
    MATERIAL,
    RESOURCE,
    STEMS,
    TIER_SHARE,
)

N_TIERS = len(TIER_SHARE)
MIN_PRODUCTS = N_TIERS

# Input tiers of each consuming tier, with the probability an input group draws from it.
SOURCES: dict[int, tuple[tuple[int, float], ...]] = {
    MATERIAL: ((RESOURCE, 1.0),),
    COMPONENT: ((MATERIAL, 0.85), (RESOURCE, 0.15)),
    EQUIPMENT: ((COMPONENT, 0.6), (MATERIAL, 0.4)),
    ASSEMBLY: ((COMPONENT, 0.55), (MATERIAL, 0.25), (EQUIPMENT, 0.2)),
    FINAL: ((ASSEMBLY, 0.6), (COMPONENT, 0.25), (MATERIAL, 0.15)),
}
# Median quantity of an input per unit of the consumer, by (consumer tier, input tier).
QTY_MEDIAN: dict[tuple[int, int], float] = {
    (MATERIAL, RESOURCE): 2.5,  # t of ore per t of material
    (COMPONENT, MATERIAL): 0.4,
    (COMPONENT, RESOURCE): 0.8,
    (EQUIPMENT, COMPONENT): 20.0,
    (EQUIPMENT, MATERIAL): 3.0,
    (ASSEMBLY, COMPONENT): 2.0,
    (ASSEMBLY, MATERIAL): 0.3,
    (ASSEMBLY, EQUIPMENT): 0.004,  # machine wear per unit produced
    (FINAL, ASSEMBLY): 1.0,
    (FINAL, COMPONENT): 4.0,
    (FINAL, MATERIAL): 0.5,
}
RESOURCE_PRICE_MEDIAN = 3000.0  # CNY/t
VALUE_ADDED_MEDIAN = (0.0, 3000.0, 15000.0, 300000.0, 40000.0, 150000.0)  # CNY/unit by tier
GRADE_P = (
    (0.2, 0.5, 0.3),
    (0.3, 0.45, 0.25),
    (0.3, 0.45, 0.25),
    (0.6, 0.3, 0.1),
    (0.45, 0.4, 0.15),
    (0.35, 0.45, 0.2),
)  # (high, mid, low) by tier
KEY_LINK_P = (0.35, 0.2, 0.15, 0.5, 0.25, 0.1)
ALTS_P = (0.55, 0.30, 0.15)  # 1, 2 or 3 alternatives per group
FINAL_DEMAND_VALUE_MEDIAN = 2e8  # CNY per final product and year, per unit of demand_scale
OUTSIDE_DEMAND_VALUE_MEDIAN = 5e7  # CNY/year bought outside the chain (equipment, unused products)


@dataclass(frozen=True)
class ProductPlan:
    """Numeric description of the products and the BOM; strings are rendered later."""

    tier: IntArray  # (P,) tier index, products sorted by tier
    tier_start: IntArray  # (N_TIERS+1,) first product of each tier
    stem: IntArray  # (P,) index into STEMS[tier]
    serial: IntArray  # (P,) 1-based number among the products sharing the stem
    grade: IntArray  # (P,) 0 high, 1 mid, 2 low
    key_link: BoolArray
    unit_price: FloatArray  # CNY/unit
    annual_demand: FloatArray  # units/year, NaN except final products
    volume: FloatArray  # units/year the chain needs (final demand + BOM requirements)
    bom_product: IntArray  # (E,) sorted by product, group
    bom_group: IntArray  # (E,) 1-based group number within the product
    bom_input: IntArray
    bom_qty: FloatArray
    bom_alts: IntArray  # alternatives in the row's group
    bom_ptr: IntArray  # (P+1,) CSR pointers by product

    @property
    def n(self) -> int:
        return len(self.tier)

    def tier_size(self, t: int) -> int:
        return int(self.tier_start[t + 1] - self.tier_start[t])


def tier_counts(n_products: int) -> IntArray:
    counts = np.maximum(1, np.floor(np.asarray(TIER_SHARE) * n_products)).astype(np.int64)
    while counts.sum() > n_products:
        counts[int(np.argmax(counts))] -= 1
    counts[COMPONENT] += n_products - counts.sum()
    return counts


def plan_products(n_products: int, seed: int, demand_scale: float = 1.0) -> ProductPlan:
    """Products, BOM, prices and volumes. ``demand_scale`` multiplies final demand (the
    generator passes firms per product, so a firm's output does not depend on dataset size)."""
    if n_products < MIN_PRODUCTS:
        raise ValueError(f"need at least {MIN_PRODUCTS} products (one per tier), got {n_products}")
    rng = stream(seed, PRODUCTS)
    counts = tier_counts(n_products)
    tier_start = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    tier, pos = expand(counts)

    n_stems = np.array([len(s) for s in STEMS], dtype=np.int64)[tier]
    rot = rng.integers(0, 1 << 30, N_TIERS)[tier] % n_stems
    stem = (pos + rot) % n_stems
    serial = (pos + rot - stem) // n_stems + 1 - (stem < rot)
    u = rng.random(n_products)
    grade_cum = np.cumsum(np.asarray(GRADE_P), axis=1)[tier]
    grade = (u[:, None] >= grade_cum[:, :2]).sum(axis=1).astype(np.int64)
    key_link = rng.random(n_products) < np.asarray(KEY_LINK_P)[tier]

    bom = _bom(rng, tier, tier_start)
    b_prod, b_group, b_input, b_alts, b_gid = bom
    src_tier = tier[b_input]
    table = np.full((N_TIERS, N_TIERS), np.nan)
    for (c, s), q in QTY_MEDIAN.items():
        table[c, s] = q
    median = table[tier[b_prod], src_tier]
    qty = round_sig(median * lognormal(rng, 1.0, 0.5, len(b_prod)), 3)

    price = _prices(rng, tier, counts, b_prod, b_input, qty, b_gid)
    annual_demand = np.full(n_products, np.nan)
    finals = tier == FINAL
    value = lognormal(rng, FINAL_DEMAND_VALUE_MEDIAN * demand_scale, 1.0, int(finals.sum()))
    annual_demand[finals] = round_sig(np.maximum(value / price[finals], 1.0), 3)
    volume = _volumes(rng, tier, price, annual_demand, b_prod, b_input, qty, b_alts, demand_scale)

    return ProductPlan(
        tier=tier,
        tier_start=tier_start,
        stem=stem,
        serial=serial,
        grade=grade,
        key_link=key_link,
        unit_price=price,
        annual_demand=annual_demand,
        volume=volume,
        bom_product=b_prod,
        bom_group=b_group,
        bom_input=b_input,
        bom_qty=qty,
        bom_alts=b_alts,
        bom_ptr=csr_pointers(b_prod, n_products),
    )


def _bom(
    rng: np.random.Generator, tier: IntArray, tier_start: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """(product, group, input, alternatives-in-group, global group id), sorted by product, group."""
    n = len(tier)
    consumers = np.flatnonzero(tier != RESOURCE)
    n_groups = 1 + np.where(
        tier[consumers] == MATERIAL,
        rng.binomial(2, 0.4, len(consumers)),
        rng.binomial(3, 0.45, len(consumers)),
    )
    g_owner, g_rank = expand(n_groups)
    g_prod = consumers[g_owner]
    g_src = np.empty(len(g_prod), dtype=np.int64)
    u = rng.random(len(g_prod))
    for c, sources in SOURCES.items():
        sel = tier[g_prod] == c
        cum = np.cumsum([p for _, p in sources])
        pick = np.minimum(np.searchsorted(cum, u[sel] * cum[-1], side="right"), len(sources) - 1)
        g_src[sel] = np.array([s for s, _ in sources])[pick]
    g_alts = 1 + np.searchsorted(np.cumsum(ALTS_P), rng.random(len(g_prod)) * sum(ALTS_P), side="right")
    g_alts = np.minimum(g_alts, len(ALTS_P))
    s_owner, s_alt = expand(g_alts)
    s_prod, s_group, s_src = g_prod[s_owner], g_rank[s_owner], g_src[s_owner]

    # Deal inputs per source tier: consumers in random order, their slots consecutive, each
    # slot takes the next product of a shuffled cycle through the tier, so the inputs of one
    # product are distinct (while it has no more slots than the tier has products).
    order_key = rng.permutation(n)
    s_input = np.full(len(s_prod), -1, dtype=np.int64)
    for t in range(len(tier_start) - 1):
        m = int(tier_start[t + 1] - tier_start[t])
        idx = np.flatnonzero(s_src == t)
        if not len(idx) or m == 0:
            continue
        idx = idx[np.lexsort((s_alt[idx], s_group[idx], order_key[s_prod[idx]]))]
        within = ranks_in_runs(s_prod[idx])
        idx = idx[within < m]
        cycle = tier_start[t] + rng.permutation(m)
        s_input[idx] = cycle[(np.arange(len(idx)) + int(rng.integers(m))) % m]

    keep = s_input >= 0
    prod, group, alt, inp = s_prod[keep], s_group[keep], s_alt[keep], s_input[keep]
    order = np.lexsort((alt, group, prod))
    prod, group, inp = prod[order], group[order], inp[order]
    new_group = np.ones(len(prod), dtype=bool)
    new_group[1:] = (prod[1:] != prod[:-1]) | (group[1:] != group[:-1])
    gid = np.cumsum(new_group) - 1
    first_row = np.arange(len(prod)) - ranks_in_runs(prod)
    group_no = gid - gid[first_row] + 1
    alts = np.bincount(gid)[gid]
    return prod, group_no.astype(np.int64), inp, alts.astype(np.int64), gid.astype(np.int64)


def _prices(
    rng: np.random.Generator,
    tier: IntArray,
    counts: IntArray,
    b_prod: IntArray,
    b_input: IntArray,
    qty: FloatArray,
    gid: IntArray,
) -> FloatArray:
    n = len(tier)
    price = np.zeros(n)
    res = tier == RESOURCE
    price[res] = round_sig(lognormal(rng, RESOURCE_PRICE_MEDIAN, 0.9, int(res.sum())), 4)
    markup = np.maximum(lognormal(rng, 1.35, 0.15, n), 1.1)
    value_added = lognormal(rng, 1.0, 0.5, n) * np.asarray(VALUE_ADDED_MEDIAN)[tier]
    group_starts = np.flatnonzero(np.r_[True, gid[1:] != gid[:-1]]) if len(gid) else np.zeros(0, np.int64)
    for c in range(1, len(counts)):
        if not len(gid):
            break
        row_cost = qty * price[b_input]
        group_cost = np.maximum.reduceat(row_cost, group_starts)  # dearest alternative
        cost = np.bincount(b_prod[group_starts], group_cost, minlength=n)
        sel = tier == c
        price[sel] = round_sig(cost[sel] * markup[sel] + value_added[sel], 4)
    return price


def _volumes(
    rng: np.random.Generator,
    tier: IntArray,
    price: FloatArray,
    annual_demand: FloatArray,
    b_prod: IntArray,
    b_input: IntArray,
    qty: FloatArray,
    b_alts: IntArray,
    demand_scale: float,
) -> FloatArray:
    n = len(tier)
    volume = np.where(tier == FINAL, annual_demand, 0.0)
    consumer_tier = tier[b_prod]
    for c in range(FINAL, RESOURCE, -1):  # consumers before their inputs
        rows = consumer_tier == c
        need = volume[b_prod[rows]] * qty[rows] / b_alts[rows]
        volume += np.bincount(b_input[rows], need, minlength=n)
    # Equipment is also bought outside the chain; products nothing uses (tiny datasets only)
    # have outside demand alone.
    outside = lognormal(rng, OUTSIDE_DEMAND_VALUE_MEDIAN * demand_scale, 1.0, n) / np.maximum(price, 1.0)
    volume = np.where((volume > 0) & (tier != EQUIPMENT), volume, volume + outside)
    return round_sig(volume, 4)
