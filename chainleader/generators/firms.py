"""Synthetic enterprises and their capacity rows (numeric plan).

* Each firm makes 1-3 products of one tier (its primary product plus siblings), so no firm
  makes both a product and one of its inputs.
* Every product has a maker when there are at least as many firms as products.
* Chinese firms cluster: each product has 1-6 cluster prefectures in 1-3 provinces and 70 %
  of its makers sit there; the rest spread by provincial GDP.
* Foreign firms are concentrated upstream (resources, equipment) in the product's 1-3
  dominant countries; the overall foreign share follows ``foreign_share``.
* Sizes are heavy-tailed: employees ~ lognormal(median 60, sigma 1.5) (x3 abroad); the size
  enum follows the 工业 thresholds (>=1000 large, >=300 medium, >=20 small, else micro).
* A product's total capacity is its chain volume x headroom, shared among its makers in
  proportion to size x noise; output = capacity x utilisation (<= capacity).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainleader.generators.arrays import (
    CAPACITY,
    FIRMS,
    GEOGRAPHY,
    TAGS,
    BoolArray,
    FloatArray,
    IntArray,
    csr_pointers,
    expand,
    lognormal,
    round_sig,
    stream,
    weighted_pick,
)
from chainleader.generators.geography import Geography, pick_from_pools, pick_prefecture_in
from chainleader.generators.names import (
    ASSEMBLY,
    COMPANY_SUFFIXES,
    EQUIPMENT,
    FINAL,
    INDUSTRY_WORDS,
    MATERIAL,
    RESOURCE,
    SYLLABLES,
)
from chainleader.generators.products import ProductPlan
from chainleader.model.schema import ENTERPRISE_TAGS

MAKER_WEIGHT = (0.5, 1.0, 1.3, 0.6, 1.0, 0.8)  # relative number of makers per product, by tier
FOREIGN_WEIGHT = (4.0, 1.2, 0.8, 3.5, 0.6, 0.4)  # relative chance a maker is foreign, by tier
FOREIGN_P_MAX = 0.9
FOREIGN_SIZE = 3.0  # foreign makers are larger (global miners, toolmakers)
DOMINANT_P = 0.85  # chance a foreign maker sits in one of the product's dominant countries
CLUSTER_P = 0.7  # chance a Chinese maker sits in one of the product's cluster prefectures
PRODUCTS_PER_FIRM_P = (0.6, 0.28, 0.12)
EMPLOYEES_MEDIAN, EMPLOYEES_SIGMA = 60.0, 1.5
SIZE_THRESHOLDS = (1000, 300, 20)  # large, medium, small (else micro)
UTILISATION = (7.0, 2.0)  # beta parameters
INVENTORY_DAYS = (45.0, 30.0, 20.0, 60.0, 20.0, 15.0)  # medians by tier
TTR_DAYS = (150.0, 120.0, 90.0, 240.0, 120.0, 90.0)
RAMP_UP_DAYS = (120.0, 90.0, 90.0, 180.0, 120.0, 60.0)
GRADE_RAMP = (1.5, 1.0, 0.7)  # by product grade high/mid/low
ZONE_P = 0.35  # share of firms in a zone's prefecture that sit in the zone
ZONE_KINDS = ("park", "dev_zone", "ftz")
TAG = {name: bit for bit, (name, _) in enumerate(ENTERPRISE_TAGS)}


@dataclass(frozen=True)
class FirmPlan:
    """Numeric description of enterprises and capacity rows; strings are rendered later."""

    tier: IntArray  # (F,) tier of the firm's products
    country: IntArray  # (F,) index into Geography.countries; 0 = CN
    region: IntArray  # (F,) prefecture index, -1 for foreign firms
    employees: IntArray
    size: IntArray  # 0 large, 1 medium, 2 small, 3 micro
    tags: IntArray  # bitmask over ENTERPRISE_TAGS
    zone: IntArray  # index into zone_pref, -1 none
    zone_pref: IntArray  # prefecture of each zone (ZONE_KINDS order)
    brand: IntArray  # index into SYLLABLES x SYLLABLES
    word: IntArray  # index into INDUSTRY_WORDS[tier]
    suffix: IntArray  # index into COMPANY_SUFFIXES
    row_ptr: IntArray  # (F+1,) capacity rows of each firm (rows sorted by firm)
    cap_firm: IntArray  # (R,)
    cap_product: IntArray
    capacity: FloatArray
    output: FloatArray
    standard_grade: IntArray
    inventory_days: FloatArray
    ttr_days: FloatArray
    ramp_up_days: FloatArray

    @property
    def n(self) -> int:
        return len(self.tier)

    @property
    def foreign(self) -> BoolArray:
        return np.asarray(self.country != 0)


def plan_firms(
    products: ProductPlan, n_firms: int, foreign_share: float, seed: int, geo: Geography
) -> FirmPlan:
    rng = stream(seed, FIRMS)
    n_prod = products.n
    ptier = products.tier

    weight = lognormal(rng, 1.0, 0.8, n_prod) * np.asarray(MAKER_WEIGHT)[ptier]
    prim = weighted_pick(rng, weight, n_firms)
    if n_firms >= n_prod:
        prim[rng.permutation(n_firms)[:n_prod]] = np.arange(n_prod)
    tier = ptier[prim]

    # Secondary products: siblings in the same tier at stride d, distinct by construction.
    m = products.tier_start[tier + 1] - products.tier_start[tier]
    pos = prim - products.tier_start[tier]
    nprod = 1 + np.searchsorted(np.cumsum(PRODUCTS_PER_FIRM_P), rng.random(n_firms), side="right")
    nprod = np.minimum(np.minimum(nprod, len(PRODUCTS_PER_FIRM_P)), m)
    dmax = np.maximum(np.where(nprod == 3, (m - 1) // 2, m - 1), 1)
    stride = 1 + np.floor(rng.random(n_firms) * dmax).astype(np.int64)
    owner, k = expand(nprod)
    cap_firm = owner
    cap_product = products.tier_start[tier[owner]] + (pos[owner] + k * stride[owner]) % m[owner]

    country, region = _locations(products, prim, tier, foreign_share, seed, geo)
    foreign = country != 0
    employees = np.ceil(
        lognormal(rng, EMPLOYEES_MEDIAN, EMPLOYEES_SIGMA, n_firms) * np.where(foreign, FOREIGN_SIZE, 1.0)
    ).astype(np.int64)
    size = (employees[:, None] < np.asarray(SIZE_THRESHOLDS)[None, :]).sum(axis=1).astype(np.int64)

    caps = _capacities(products, cap_firm, cap_product, k, employees, size, seed)
    tags = _tags(products, tier, foreign, size, cap_firm, cap_product, caps[0], seed)
    zone, zone_pref = _zones(region, seed, geo)

    n_words = np.array([len(w) for w in INDUSTRY_WORDS], dtype=np.int64)
    return FirmPlan(
        tier=tier,
        country=country,
        region=region,
        employees=employees,
        size=size,
        tags=tags,
        zone=zone,
        zone_pref=zone_pref,
        brand=rng.integers(0, len(SYLLABLES) ** 2, n_firms).astype(np.int64),
        word=np.floor(rng.random(n_firms) * n_words[tier]).astype(np.int64),
        suffix=weighted_pick(rng, [0.6, 0.25, 0.15][: len(COMPANY_SUFFIXES)], n_firms),
        row_ptr=csr_pointers(cap_firm, n_firms),
        cap_firm=cap_firm,
        cap_product=cap_product,
        capacity=caps[0],
        output=caps[1],
        standard_grade=caps[2],
        inventory_days=caps[3],
        ttr_days=caps[4],
        ramp_up_days=caps[5],
    )


def _locations(
    products: ProductPlan, prim: IntArray, tier: IntArray, foreign_share: float, seed: int, geo: Geography
) -> tuple[IntArray, IntArray]:
    """(country index, prefecture index or -1) of every firm."""
    rng = stream(seed, GEOGRAPHY)
    n_prod, n_firms = products.n, len(prim)
    ptier = products.tier

    # Per product: 1-3 dominant foreign countries and 1-6 cluster prefectures.
    upstream = (ptier == RESOURCE) | (ptier == EQUIPMENT)
    n_dom = np.where(upstream, 1 + rng.binomial(2, 0.5, n_prod), 3)
    dom = np.stack([pick_from_pools(geo, ptier, rng.random(n_prod)) for _ in range(3)], axis=1)
    n_prov = 1 + rng.binomial(2, 0.4, n_prod)
    provs = np.stack([weighted_pick(rng, geo.prov_weight, n_prod) for _ in range(3)], axis=1)
    clusters = np.stack(
        [pick_prefecture_in(geo, provs[:, i // 2], rng.random(n_prod)) for i in range(6)], axis=1
    )
    second = rng.random((n_prod, 3)) < 0.5
    valid = np.zeros((n_prod, 6), dtype=bool)
    for i in range(6):
        valid[:, i] = (i // 2 < n_prov) & ((i % 2 == 0) | second[:, i // 2])
    order = np.argsort(~valid, axis=1, kind="stable")
    clusters = np.take_along_axis(clusters, order, axis=1)
    n_clu = valid.sum(axis=1)

    rel = np.asarray(FOREIGN_WEIGHT)[tier]
    p_foreign = np.minimum(rel * (foreign_share * n_firms / rel.sum()), FOREIGN_P_MAX)
    foreign = rng.random(n_firms) < p_foreign
    u_dom, u_slot, u_pool = rng.random(n_firms), rng.random(n_firms), rng.random(n_firms)
    slot = np.floor(u_slot**1.5 * n_dom[prim]).astype(np.int64)
    dominant = dom[prim, np.minimum(slot, 2)]
    anywhere = pick_from_pools(geo, tier, u_pool)
    country = np.where(foreign, np.where(u_dom < DOMINANT_P, dominant, anywhere), 0).astype(np.int64)

    u_clu, u_pick = rng.random(n_firms), rng.random(n_firms)
    in_cluster = clusters[prim, np.floor(u_pick * n_clu[prim]).astype(np.int64)]
    spread = weighted_pick(rng, geo.pref_weight, n_firms)
    region = np.where(u_clu < CLUSTER_P, in_cluster, spread)
    region = np.where(foreign, -1, region).astype(np.int64)
    return country, region


def _capacities(
    products: ProductPlan,
    cap_firm: IntArray,
    cap_product: IntArray,
    k: IntArray,
    employees: IntArray,
    size: IntArray,
    seed: int,
) -> tuple[FloatArray, FloatArray, IntArray, FloatArray, FloatArray, FloatArray]:
    rng = stream(seed, CAPACITY)
    n_rows, n_prod = len(cap_firm), products.n
    strength = employees * lognormal(rng, 1.0, 0.5, len(employees))
    frac = np.where(k == 0, 1.0, 0.2 + 0.6 * rng.random(n_rows))
    frac = frac / np.bincount(cap_firm, frac)[cap_firm]
    row_weight = strength[cap_firm] * frac
    total = products.volume * lognormal(rng, 1.25, 0.1, n_prod)  # headroom over the chain's need
    share = row_weight / np.bincount(cap_product, row_weight, minlength=n_prod)[cap_product]
    capacity = round_sig(total[cap_product] * share, 4)
    capacity = np.maximum(capacity, 1e-3)
    output = np.minimum(round_sig(capacity * rng.beta(*UTILISATION, n_rows), 4), capacity)

    ptier, pgrade = products.tier[cap_product], products.grade[cap_product]
    fsize = size[cap_firm]
    grade = 4 - pgrade + (fsize == 0) - (fsize == 3) + rng.choice([-1, 0, 0, 1], n_rows)
    standard_grade = np.clip(grade, 1, 5).astype(np.int64)
    inventory = np.round(lognormal(rng, 1.0, 0.5, n_rows) * np.asarray(INVENTORY_DAYS)[ptier], 1)
    ttr = np.maximum(np.round(lognormal(rng, 1.0, 0.5, n_rows) * np.asarray(TTR_DAYS)[ptier]), 1.0)
    ramp = np.maximum(
        np.round(
            lognormal(rng, 1.0, 0.4, n_rows)
            * np.asarray(RAMP_UP_DAYS)[ptier]
            * np.asarray(GRADE_RAMP)[pgrade]
        ),
        1.0,
    )
    return capacity, output, standard_grade, inventory, ttr, ramp


def _tags(
    products: ProductPlan,
    tier: IntArray,
    foreign: BoolArray,
    size: IntArray,
    cap_firm: IntArray,
    cap_product: IntArray,
    capacity: FloatArray,
    seed: int,
) -> IntArray:
    rng = stream(seed, TAGS)
    n = len(tier)
    cn = ~foreign
    u = rng.random((n, 8))
    tags = np.zeros(n, dtype=np.int64)

    def add(name: str, mask: BoolArray) -> None:
        nonlocal tags
        tags = tags | (mask.astype(np.int64) << TAG[name])

    # 链主: the largest Chinese maker of each assembly and final product.
    rows = np.flatnonzero(cn[cap_firm] & (products.tier[cap_product] >= ASSEMBLY))
    master = np.zeros(n, dtype=bool)
    if len(rows):
        rows = rows[np.lexsort((-capacity[rows], cap_product[rows]))]
        first = np.r_[True, cap_product[rows][1:] != cap_product[rows][:-1]]
        master[cap_firm[rows[first]]] = True
    add("chain_master", master)
    add("member", cn & ~master & (u[:, 0] < 0.3))
    mid_small = (size == 1) | (size == 2)
    specialised = cn & mid_small & (u[:, 1] < 0.08)
    add("specialised", specialised)
    add("little_giant", specialised & (u[:, 2] < 0.25))
    add("single_champion", cn & (size <= 1) & (u[:, 3] < 0.03))
    add("hidden_champion", (size == 1) & (u[:, 4] < 0.01))
    add("listed", u[:, 5] < np.asarray([0.45, 0.06, 0.003, 0.0])[size])
    state_p = np.where(
        tier == RESOURCE, 0.45, np.where(tier == MATERIAL, 0.25, np.where(tier == EQUIPMENT, 0.15, 0.06))
    )
    state = cn & (u[:, 6] < state_p)
    add("state_owned", state)
    add("foreign_invested", cn & ~state & (u[:, 7] < np.where(tier == FINAL, 0.02, 0.05)))
    return tags


def _zones(region: IntArray, seed: int, geo: Geography) -> tuple[IntArray, IntArray]:
    """Zones sit in the prefectures with the most firms; some of those firms are in the zone."""
    rng = stream(seed, TAGS, 1)
    counts = np.bincount(region[region >= 0], minlength=len(geo.pref_codes))
    top = np.argsort(-counts, kind="stable")[: len(ZONE_KINDS)]
    top = top[counts[top] > 0]
    zone = np.full(len(region), -1, dtype=np.int64)
    u = rng.random(len(region))
    for z, pref in enumerate(top):
        zone[(region == pref) & (u < ZONE_P)] = z
    return zone, top.astype(np.int64)
