"""Synthetic trade rows for upstream products (resources, materials, equipment).

Reporter CN, two years. Production is the output of the capacity rows located in China;
exports are a beta-distributed fraction of it; imports fill the gap to the chain's need
(apparent consumption C = Q + M - X, with M >= 3 % of C) and are split among the countries
whose firms make the product, in proportion to their output (top 5), or among 1-2 countries
of the tier's pool when no foreign firm makes it. The earlier year is scaled back by the
product's growth. Values in USD at a fixed CNY/USD rate, with price noise on trade flows.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chainleader.generators.arrays import TRADE, BoolArray, FloatArray, IntArray, lognormal, round_sig, stream
from chainleader.generators.firms import FirmPlan
from chainleader.generators.geography import Geography
from chainleader.generators.names import EQUIPMENT, MATERIAL, RESOURCE
from chainleader.generators.products import ProductPlan
from chainleader.generators.tables import make_table, take
from chainleader.model.schema import FLOWS

TRADE_YEARS = (2023, 2024)
CNY_PER_USD = 7.1
UPSTREAM_TIERS = (RESOURCE, MATERIAL, EQUIPMENT)
MAX_IMPORT_PARTNERS = 5
MAX_EXPORT_PARTNERS = 3
MIN_IMPORT_SHARE = 0.03
IMPORT, EXPORT, PRODUCTION = (
    next(i for i, (v, _) in enumerate(FLOWS) if v == f) for f in ("import", "export", "production")
)


def trade_table(
    products: ProductPlan, firms: FirmPlan, geo: Geography, product_ids: pa.Array, seed: int
) -> pa.Table:
    rng = stream(seed, TRADE)
    up = np.flatnonzero(np.isin(products.tier, UPSTREAM_TIERS))
    n_up, n_c = len(up), len(geo.countries)
    pos = np.full(products.n, -1, dtype=np.int64)
    pos[up] = np.arange(n_up)

    row_country = firms.country[firms.cap_firm]
    row_up = pos[firms.cap_product]
    cn = (row_country == 0) & (row_up >= 0)
    domestic = np.bincount(row_up[cn], firms.output[cn], minlength=n_up)
    fo = (row_country != 0) & (row_up >= 0)
    foreign = np.bincount(row_up[fo] * n_c + row_country[fo], firms.output[fo], minlength=n_up * n_c)
    foreign = foreign.reshape(n_up, n_c)

    need = products.volume[up]
    exports = domestic * rng.beta(1.2, 6.0, n_up)
    imports = np.maximum(need - domestic + exports, MIN_IMPORT_SHARE * need)

    # Import partners: the top foreign makers' countries, else 1-2 countries of the tier pool.
    pool_w = np.zeros((geo.pool_cum.shape[0], n_c))
    for t in range(geo.pool_cum.shape[0]):
        ok = geo.pool_country[t] >= 0
        pool_w[t, geo.pool_country[t, ok]] = np.diff(np.r_[0.0, geo.pool_cum[t, ok]])
    has = foreign.sum(axis=1) > 0
    fallback = pool_w[products.tier[up]]
    weight = np.where(has[:, None], foreign, fallback)
    imp_partner, imp_share = _top_partners(
        rng, weight, np.where(has, MAX_IMPORT_PARTNERS, 1 + rng.integers(0, 2, n_up)), random=~has
    )
    exp_w = np.zeros(n_c)
    exp_w[geo.export_country] = geo.export_weight
    exp_partner, exp_share = _top_partners(
        rng,
        np.tile(exp_w, (n_up, 1)),
        1 + rng.integers(0, MAX_EXPORT_PARTNERS, n_up),
        random=np.ones(n_up, bool),
    )

    growth = lognormal(rng, 1.05, 0.05, n_up)
    price = products.unit_price[up]
    parts: list[tuple[IntArray, IntArray, int, int, FloatArray, FloatArray]] = []
    for year in TRADE_YEARS:
        factor = growth ** (year - TRADE_YEARS[-1])
        all_up = np.arange(n_up)
        parts.append((all_up, np.full(n_up, -1), year, PRODUCTION, domestic * factor, price))
        for flow, (u, partner, share), total in (
            (IMPORT, _partner_rows(imp_partner, imp_share), imports),
            (EXPORT, _partner_rows(exp_partner, exp_share), exports),
        ):
            noise = lognormal(rng, 1.0, 0.15, len(u))
            parts.append((u, partner, year, flow, total[u] * share * factor[u], price[u] * noise))

    prod = np.concatenate([p[0] for p in parts])
    partner = np.concatenate([p[1] for p in parts])
    years = np.concatenate([np.full(len(p[0]), p[2]) for p in parts]).astype(np.int64)
    flows = np.concatenate([np.full(len(p[0]), p[3]) for p in parts]).astype(np.int64)
    qty = round_sig(np.concatenate([p[4] for p in parts]), 4)
    unit_value = np.concatenate([p[5] for p in parts])
    keep = np.flatnonzero((qty > 0) | (flows == PRODUCTION))
    keep = keep[np.lexsort((partner[keep], flows[keep], years[keep], prod[keep]))]
    value = round_sig(qty[keep] * unit_value[keep] / CNY_PER_USD, 4)
    return make_table(
        "trade",
        len(keep),
        {
            "product": pc.take(product_ids, pa.array(up[prod[keep]])),
            "reporter": pa.repeat(pa.scalar("CN"), len(keep)),
            "partner": take(geo.countries, np.maximum(partner[keep], 0), partner[keep] < 0),
            "year": years[keep],
            "flow": take([f for f, _ in FLOWS], flows[keep]),
            "quantity": qty[keep],
            "value_usd": value,
        },
    )


def _top_partners(
    rng: np.random.Generator, weight: FloatArray, k: IntArray, random: BoolArray
) -> tuple[IntArray, FloatArray]:
    """Up to k[i] distinct partners per row: the heaviest, or (``random`` rows) a weighted
    sample without replacement (Gumbel top-k). Returns (n, K) partner indices (-1 unused) and
    shares proportional to weight among the chosen."""
    n, n_c = weight.shape
    with np.errstate(divide="ignore"):
        score = np.log(weight)
    score = np.where(random[:, None], score + rng.gumbel(size=(n, n_c)), score)
    width = int(k.max()) if n else 0
    top = np.argsort(-score, axis=1, kind="stable")[:, :width]
    w = np.take_along_axis(weight, top, axis=1)
    use = (np.arange(width)[None, :] < k[:, None]) & (w > 0)
    w = np.where(use, w, 0.0)
    total = w.sum(axis=1, keepdims=True)
    share = np.divide(w, total, out=np.zeros_like(w), where=total > 0)
    return np.where(use, top, -1), share


def _partner_rows(partner: IntArray, share: FloatArray) -> tuple[IntArray, IntArray, FloatArray]:
    """Flatten (n, K) partner choices to rows (product position, partner, share)."""
    u, j = np.nonzero(partner >= 0)
    return u.astype(np.int64), partner[u, j], share[u, j]
