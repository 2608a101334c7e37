"""Render the numeric plans as Arrow tables laid out exactly like the schema.

Every table has every schema column in schema order with the canonical Arrow type
(string, int64, float64, bool); a null is a missing value. Evidence columns are filled
with the synthetic source, ``inferred`` confidence and a fixed ``as_of`` date.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chainleader.generators.arrays import BoolArray, IntArray
from chainleader.generators.firms import ZONE_KINDS, FirmPlan
from chainleader.generators.geography import Geography
from chainleader.generators.links import LinkBlock
from chainleader.generators.names import (
    COMPANY_SUFFIXES,
    FICTIONAL_EN,
    FICTIONAL_ZH,
    INDUSTRY_WORDS,
    STEMS,
    SYLLABLES,
    TIER_KIND,
    TIER_STAGE,
)
from chainleader.generators.products import ProductPlan
from chainleader.generators.uscc import make_usccs
from chainleader.model.schema import ENTERPRISE_TAGS, GRADES, SIZES, Column, table

EVIDENCE_SOURCE = "合成数据 / synthetic"
EVIDENCE_AS_OF = "2024-12-31"
EVIDENCE_CONFIDENCE = "inferred"
_ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}
_BRAND_ZH = [a + b for a, _ in SYLLABLES for b, _ in SYLLABLES]
_BRAND_EN = [a + b.lower() for _, a in SYLLABLES for _, b in SYLLABLES]
_WORDS_ZH = [w for ws in INDUSTRY_WORDS for w, _ in ws]
_WORDS_EN = [w for ws in INDUSTRY_WORDS for _, w in ws]
_WORD_OFFSETS = np.cumsum([0] + [len(ws) for ws in INDUSTRY_WORDS])
# Tag lists in schema order for every bitmask over ENTERPRISE_TAGS.
_TAG_TEXT = [
    ";".join(name for bit, (name, _) in enumerate(ENTERPRISE_TAGS) if mask >> bit & 1) or None
    for mask in range(1 << len(ENTERPRISE_TAGS))
]


def arrow_type(col: Column) -> pa.DataType:
    return _ARROW_TYPES.get(col.type, pa.string())


def make_table(name: str, n: int, columns: Mapping[str, Any]) -> pa.Table:
    """An Arrow table with all of ``name``'s schema columns; absent ones null, evidence filled."""
    t = table(name)
    unknown = set(columns) - set(t.column_names)
    if unknown:
        raise ValueError(f"{name}: no such columns {sorted(unknown)}")
    evidence = {"source": EVIDENCE_SOURCE, "as_of": EVIDENCE_AS_OF, "confidence": EVIDENCE_CONFIDENCE}
    arrays = []
    for c in t.columns:
        typ = arrow_type(c)
        if c.name in columns:
            arrays.append(_arrow(columns[c.name], typ))
        elif c.name in evidence:
            arrays.append(pa.repeat(pa.scalar(evidence[c.name], typ), n))
        else:
            arrays.append(pa.nulls(n, typ))
    for c, arr in zip(t.columns, arrays, strict=True):
        if len(arr) != n:
            raise ValueError(f"{name}.{c.name}: {len(arr)} values, expected {n}")
    return pa.Table.from_arrays(arrays, names=list(t.column_names))


def _arrow(values: Any, typ: pa.DataType) -> Any:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values if values.type == typ else values.cast(typ)
    if isinstance(values, np.ndarray) and values.dtype.kind == "f":
        return pa.array(values, type=typ, from_pandas=True)  # NaN -> null
    return pa.array(values, type=typ)


def take(lookup: Sequence[str | None], index: IntArray, missing: BoolArray | None = None) -> Any:
    """``lookup[index]`` as an Arrow string array; null where ``missing``."""
    idx = pa.array(np.asarray(index, dtype=np.int64), mask=missing)
    return pc.take(pa.array(list(lookup), pa.string()), idx)


def numbered(prefix: str, numbers: IntArray, width: int) -> Any:
    """'P0001'-style ids: ``prefix`` + zero-padded ``numbers``."""
    text = np.strings.zfill(np.asarray(numbers, dtype=np.int64).astype(np.str_), width)
    return pa.array(np.strings.add(prefix, text), pa.string())


def id_width(n: int) -> int:
    return max(4, len(str(n)))


def join(*parts: Any) -> Any:
    return pc.binary_join_element_wise(*parts, "")


def products_table(plan: ProductPlan, ids: Any) -> pa.Table:
    offsets = np.cumsum([0] + [len(s) for s in STEMS])
    flat = [s for tier in STEMS for s in tier]
    stem = offsets[plan.tier] + plan.stem
    serial = pa.array(plan.serial).cast(pa.string())
    hs = [s.hs or None for s in flat]
    return make_table(
        "products",
        plan.n,
        {
            "id": ids,
            "name_zh": join(take([s.zh for s in flat], stem), serial, pa.scalar("号")),
            "name_en": join(take([s.en for s in flat], stem), pa.scalar(" No. "), serial),
            "stage": take(TIER_STAGE, plan.tier),
            "kind": take(TIER_KIND, plan.tier),
            "grade": take([g for g, _ in GRADES], plan.grade),
            "key_link": plan.key_link,
            "hs_codes": take(hs, stem),
            "industry_code": take([s.industry for s in flat], stem),
            "unit": take([s.unit for s in flat], stem),
            "unit_price": plan.unit_price,
            "annual_demand": plan.annual_demand,
        },
    )


def bom_table(plan: ProductPlan, ids: Any) -> pa.Table:
    n = len(plan.bom_product)
    return make_table(
        "bom",
        n,
        {
            "product": pc.take(ids, pa.array(plan.bom_product)),
            "input_group": numbered("G", plan.bom_group, 1),
            "input": pc.take(ids, pa.array(plan.bom_input)),
            "quantity": plan.bom_qty,
        },
    )


def enterprises_table(
    firms: FirmPlan,
    geo: Geography,
    ids: Any,
    zone_ids: Sequence[str],
    f0: int,
    f1: int,
    uscc_key: tuple[int, int],
) -> pa.Table:
    sl = slice(f0, f1)
    n = f1 - f0
    country, region, tier = firms.country[sl], firms.region[sl], firms.tier[sl]
    foreign = country != 0
    cn_region = np.where(foreign, 0, region)
    pref_codes = np.asarray(geo.pref_codes)
    usccs = make_usccs(pref_codes[cn_region], np.arange(f0, f1, dtype=np.int64), *uscc_key)
    place = np.where(foreign, len(geo.pref_short) + country, cn_region)
    word = _WORD_OFFSETS[tier] + firms.word[sl]
    suffix = firms.suffix[sl]
    zone = firms.zone[sl]
    return make_table(
        "enterprises",
        n,
        {
            "id": ids.slice(f0, n),
            "uscc": pa.array(usccs, mask=foreign).cast(pa.string()),
            "foreign_id": pc.if_else(
                pa.array(foreign),
                join(pa.scalar("SYN-"), take(geo.countries, country), pa.scalar("-"), ids.slice(f0, n)),
                pa.scalar(None, pa.string()),
            ),
            "name_zh": join(
                take(geo.pref_short + geo.country_zh, place),
                take(_BRAND_ZH, firms.brand[sl]),
                take(_WORDS_ZH, word),
                take([s for s, _ in COMPANY_SUFFIXES], suffix),
                pa.scalar(FICTIONAL_ZH),
            ),
            "name_en": join(
                take(_BRAND_EN, firms.brand[sl]),
                pa.scalar(" "),
                take(_WORDS_EN, word),
                pa.scalar(" "),
                take([s for _, s in COMPANY_SUFFIXES], suffix),
                pa.scalar(FICTIONAL_EN),
            ),
            "country": take(geo.countries, country),
            "region": take(geo.pref_codes, cn_region, foreign),
            "zone": take(zone_ids, np.maximum(zone, 0), zone < 0),
            "tags": take(_TAG_TEXT, firms.tags[sl]),
            "size": take([s for s, _ in SIZES], firms.size[sl]),
            "employees": firms.employees[sl],
        },
    )


def capacities_table(
    firms: FirmPlan, geo: Geography, firm_ids: Any, product_ids: Any, f0: int, f1: int
) -> pa.Table:
    r0, r1 = int(firms.row_ptr[f0]), int(firms.row_ptr[f1])
    sl = slice(r0, r1)
    owner = firms.cap_firm[sl]
    country, region = firms.country[owner], firms.region[owner]
    foreign = country != 0
    return make_table(
        "capacities",
        r1 - r0,
        {
            "enterprise": pc.take(firm_ids, pa.array(owner)),
            "product": pc.take(product_ids, pa.array(firms.cap_product[sl])),
            "capacity": firms.capacity[sl],
            "output": firms.output[sl],
            "standard_grade": firms.standard_grade[sl],
            "inventory_days": firms.inventory_days[sl],
            "ttr_days": firms.ttr_days[sl],
            "ramp_up_days": firms.ramp_up_days[sl],
            "facility_region": take(geo.pref_codes, np.where(foreign, 0, region), foreign),
            "facility_country": take(geo.countries, country),
        },
    )


def links_table(block: LinkBlock, firm_ids: Any, product_ids: Any) -> pa.Table:
    return make_table(
        "supply_links",
        len(block),
        {
            "supplier": pc.take(firm_ids, pa.array(block.supplier)),
            "customer": pc.take(firm_ids, pa.array(block.customer)),
            "product": pc.take(product_ids, pa.array(block.product)),
            "volume": block.volume,
            "share": block.share,
        },
    )


def zone_rows(firms: FirmPlan, geo: Geography) -> tuple[list[str], dict[str, list[Any]]]:
    """Ids and region_groups columns of the synthetic zones (parks, development zone, FTZ)."""
    kinds_zh = {"park": "合成产业园", "dev_zone": "合成经济技术开发区", "ftz": "合成自贸片区"}
    kinds_en = {
        "park": "synthetic industrial park",
        "dev_zone": "synthetic development zone",
        "ftz": "synthetic free-trade zone",
    }
    ids: list[str] = []
    cols: dict[str, list[Any]] = {"name_zh": [], "name_en": [], "kind": [], "parent_region": []}
    for z, pref in enumerate(firms.zone_pref.tolist()):
        kind = ZONE_KINDS[z]
        code = geo.pref_codes[pref]
        ids.append(f"{kind}_{code}")
        cols["name_zh"].append(f"{geo.pref_short[pref]}{kinds_zh[kind]}{FICTIONAL_ZH}")
        cols["name_en"].append(f"{kinds_en[kind].capitalize()} in {code}{FICTIONAL_EN}")
        cols["kind"].append(kind)
        cols["parent_region"].append(code)
    return ids, cols
