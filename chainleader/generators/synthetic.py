"""Seeded synthetic datasets of any size, in memory or streamed to a CSV folder.

``generate_dataset`` and ``write_generated_csv`` run the same generator: a numeric plan
(products and BOM, firms and capacity rows) built once with numpy, then Arrow tables
rendered table by table, in schema order, with enterprises, capacity rows and supply links
produced in fixed blocks of firms. Each block has its own random stream, so the rows never
depend on ``batch_rows`` and the same arguments always give byte-identical CSV files.

Shapes: products in six tiers (resource, material, component, equipment, assembly, final)
with a layered AND/OR BOM; heavy-tailed firm sizes; 1-3 products per firm; regional
clustering over real GB/T 2260 prefectures; foreign makers concentrated upstream; ~10
supply links per firm by default. See ``products``, ``firms``, ``links`` and ``trade``.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from chainleader.generators.arrays import IDS, IntArray, stream
from chainleader.generators.context import chains_table, country_groups_table, meta_table, region_groups_table
from chainleader.generators.csv_text import csv_bytes, header_line
from chainleader.generators.firms import FirmPlan, plan_firms
from chainleader.generators.geography import Geography, geography
from chainleader.generators.links import MakerIndex, block_ranges, link_block, link_budgets, maker_index
from chainleader.generators.products import MIN_PRODUCTS, ProductPlan, plan_products
from chainleader.generators.tables import (
    bom_table,
    capacities_table,
    enterprises_table,
    id_width,
    links_table,
    numbered,
    products_table,
    zone_rows,
)
from chainleader.generators.trade import trade_table
from chainleader.generators.uscc import ORG_SPACE
from chainleader.model.dataset import Dataset, conform
from chainleader.model.errors import ConfigError
from chainleader.model.schema import TABLE_NAMES, table

DEFAULT_LINKS_PER_FIRM = 10
DEFAULT_FOREIGN_SHARE = 0.15
MAX_FOREIGN_SHARE = 0.9
SHAPE_KEYS = ("foreign_share", "name")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SyntheticPlan:
    """Everything needed to render the tables; built once per call."""

    n_firms: int
    n_products: int
    seed: int
    links: int
    foreign_share: float
    name: str
    geo: Geography
    products: ProductPlan
    firms: FirmPlan
    makers: MakerIndex
    budgets: IntArray  # supply links per block of customers (links.BLOCK_FIRMS firms)
    product_ids: Any  # pa.StringArray
    firm_ids: Any  # pa.StringArray
    uscc_key: tuple[int, int]


def plan_dataset(
    firms: int,
    products: int,
    *,
    seed: int = 0,
    links: int | None = None,
    foreign_share: float = DEFAULT_FOREIGN_SHARE,
    name: str | None = None,
) -> SyntheticPlan:
    _check(firms, products, seed, links, foreign_share)
    firms, products, seed = int(firms), int(products), int(seed)
    links = None if links is None else int(links)
    n_links = DEFAULT_LINKS_PER_FIRM * firms if links is None else links
    geo = geography()
    product_plan = plan_products(products, seed, demand_scale=firms / products)
    firm_plan = plan_firms(product_plan, firms, foreign_share, seed, geo)
    rng = stream(seed, IDS)
    a = int(rng.integers(31**5, ORG_SPACE))
    a += a % 31 == 0
    return SyntheticPlan(
        n_firms=firms,
        n_products=products,
        seed=seed,
        links=n_links,
        foreign_share=foreign_share,
        name=name or f"synthetic_f{firms}_p{products}_s{seed}",
        geo=geo,
        products=product_plan,
        firms=firm_plan,
        makers=maker_index(firm_plan, products),
        budgets=link_budgets(product_plan, firm_plan, n_links),
        product_ids=numbered("P", np.arange(1, products + 1), id_width(products)),
        firm_ids=numbered("E", np.arange(1, firms + 1), id_width(firms)),
        uscc_key=(a, int(rng.integers(0, ORG_SPACE))),
    )


def iter_tables(plan: SyntheticPlan) -> Iterator[tuple[str, pa.Table]]:
    """(table name, Arrow batch) in schema table order; big tables come in several batches."""
    p, f, geo = plan.products, plan.firms, plan.geo
    yield (
        "meta",
        meta_table(plan.name, plan.n_firms, plan.n_products, plan.links, plan.seed, plan.foreign_share),
    )
    yield "region_groups", region_groups_table(f, geo)
    yield "country_groups", country_groups_table()
    yield "products", products_table(p, plan.product_ids)
    yield "bom", bom_table(p, plan.product_ids)
    yield "chains", chains_table(p, f, geo, plan.product_ids)
    zone_ids = zone_rows(f, geo)[0]
    blocks = block_ranges(plan.n_firms)
    for f0, f1 in blocks:
        yield "enterprises", enterprises_table(f, geo, plan.firm_ids, zone_ids, f0, f1, plan.uscc_key)
    for f0, f1 in blocks:
        yield "capacities", capacities_table(f, geo, plan.firm_ids, plan.product_ids, f0, f1)
    for b, budget in enumerate(plan.budgets.tolist()):
        block = link_block(p, f, plan.makers, b, budget, plan.seed)
        yield "supply_links", links_table(block, plan.firm_ids, plan.product_ids)
    yield "trade", trade_table(p, f, geo, plan.product_ids, plan.seed)


def generate_dataset(
    firms: int,
    products: int,
    *,
    seed: int = 0,
    links: int | None = None,
    foreign_share: float = DEFAULT_FOREIGN_SHARE,
    name: str | None = None,
) -> Dataset:
    """A synthetic dataset in memory (canonical frames). For small and medium sizes; stream
    big ones with ``write_generated_csv``. ``links`` defaults to 10 per firm."""
    plan = plan_dataset(firms, products, seed=seed, links=links, foreign_share=foreign_share, name=name)
    batches: dict[str, list[pa.Table]] = {t: [] for t in TABLE_NAMES}
    for name_, batch in iter_tables(plan):
        batches[name_].append(batch)
    frames = {t: conform(t, _to_pandas(pa.concat_tables(parts))) for t, parts in batches.items()}
    return Dataset(plan.name, frames)


def write_generated_csv(
    out_dir: str | os.PathLike[str],
    firms: int,
    products: int,
    *,
    seed: int = 0,
    links: int | None = None,
    batch_rows: int = 500_000,
    progress: Progress | None = None,
    **shape: Any,
) -> dict[str, int]:
    """Stream a synthetic dataset to ``out_dir``/<table>.csv, one file per table.

    UTF-8, English headers in schema order, empty cell = missing; the same rows as
    ``generate_dataset`` with the same arguments. ``shape`` takes ``foreign_share`` and
    ``name``. Memory stays bounded by the numeric plan plus one block of rows.
    ``progress(table, rows_written, rows_expected)`` is called after every batch and once
    when a table is complete (then ``rows_expected == rows_written``). Returns row counts.
    """
    unknown = set(shape) - set(SHAPE_KEYS)
    if unknown:
        raise ConfigError(
            f"未知参数 {sorted(unknown)}，可用：{', '.join(SHAPE_KEYS)} / "
            f"unknown shape parameters {sorted(unknown)}; accepted: {', '.join(SHAPE_KEYS)}"
        )
    if batch_rows < 1:
        raise ConfigError(f"batch_rows 须为正整数 / batch_rows must be positive, got {batch_rows}")
    plan = plan_dataset(firms, products, seed=seed, links=links, **shape)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    expected = {
        "enterprises": plan.n_firms,
        "capacities": len(plan.firms.cap_firm),
        "supply_links": int(plan.budgets.sum()),
    }
    counts = dict.fromkeys(TABLE_NAMES, 0)
    current: str | None = None
    handle = None
    try:
        for name, batch in iter_tables(plan):
            if name != current:
                if handle is not None and current is not None:
                    handle.close()
                    _finish(out, current, counts[current], progress)
                current = name
                handle = open(out / f"{name}.csv.partial", "wb", buffering=1 << 20)  # noqa: SIM115
                handle.write(header_line(table(name).column_names))
            assert handle is not None
            for start in range(0, batch.num_rows, batch_rows):
                part = batch.slice(start, batch_rows)
                handle.write(csv_bytes(part))
                counts[name] += part.num_rows
                if progress is not None:
                    progress(name, counts[name], max(expected.get(name, batch.num_rows), counts[name]))
        if handle is not None and current is not None:
            handle.close()
            _finish(out, current, counts[current], progress)
            handle = None
    finally:
        if handle is not None:
            handle.close()
    return counts


def _finish(out: Path, name: str, rows: int, progress: Progress | None) -> None:
    os.replace(out / f"{name}.csv.partial", out / f"{name}.csv")
    if progress is not None:
        progress(name, rows, rows)


def _to_pandas(t: pa.Table) -> pd.DataFrame:
    mapping = {pa.int64(): pd.Int64Dtype(), pa.bool_(): pd.BooleanDtype()}
    return t.to_pandas(types_mapper=mapping.get)


def _is_int(x: object) -> bool:
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _check(firms: int, products: int, seed: int, links: int | None, foreign_share: float) -> None:
    problems = []
    if not _is_int(firms) or firms < 1:
        problems.append(f"firms 须 >= 1 / firms must be >= 1, got {firms!r}")
    if not _is_int(products) or products < MIN_PRODUCTS:
        problems.append(
            f"products 须 >= {MIN_PRODUCTS}（每层至少一个）/ products must be >= {MIN_PRODUCTS} "
            f"(one per tier), got {products!r}"
        )
    if not _is_int(seed) or seed < 0:
        problems.append(f"seed 须为非负整数 / seed must be a non-negative integer, got {seed!r}")
    if links is not None and (not _is_int(links) or links < 0):
        problems.append(f"links 须为非负整数 / links must be a non-negative integer, got {links!r}")
    if not isinstance(foreign_share, numbers.Real) or not 0.0 <= foreign_share <= MAX_FOREIGN_SHARE:
        problems.append(
            f"foreign_share 须在 0 与 {MAX_FOREIGN_SHARE} 之间 / foreign_share must lie in "
            f"[0, {MAX_FOREIGN_SHARE}], got {foreign_share!r}"
        )
    if problems:
        raise ConfigError("; ".join(problems))
