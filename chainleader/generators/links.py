"""Synthetic firm-to-firm supply links, generated block by block with bounded memory.

A *slot* is (customer firm, input product): the customer makes a product whose BOM lists
the input. Links are dealt to slots: each chosen slot gets k >= 1 distinct suppliers among
the makers of the input (at most ``MAX_SUPPLIERS``). The first supplier is drawn with
probability proportional to capacity, the others at a random stride through the makers, so
suppliers of one slot are distinct and no (supplier, customer, product) key repeats.
Shares of one slot are whole multiples of 0.0001 summing to at most the slot's coverage
(<= 1); volume = share x the customer's need (output x quantity / alternatives in group).

Customers are processed in fixed blocks of ``BLOCK_FIRMS`` firms, each block with its own
random stream and a link budget fixed in advance, so the rows never depend on batch sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainleader.generators.arrays import (
    LINKS,
    FloatArray,
    IntArray,
    csr_pointers,
    expand,
    round_sig,
    stream,
    weighted_pick,
)
from chainleader.generators.firms import FirmPlan
from chainleader.generators.products import ProductPlan

BLOCK_FIRMS = 1 << 16
MAX_SUPPLIERS = 8
FULL_COVERAGE_P = 0.35  # chance a customer's listed suppliers cover all its need of an input
SHARE_UNITS = 10_000  # shares are multiples of 1 / SHARE_UNITS


@dataclass(frozen=True)
class MakerIndex:
    """Capacity rows grouped by product, with a key for capacity-weighted draws."""

    ptr: IntArray  # (P+1,) rows of product p are rows[ptr[p]:ptr[p+1]]
    rows: IntArray  # capacity row indices sorted by product
    key: FloatArray  # cumulative capacity share: product p spans (p, p+1]

    def count(self, product: IntArray) -> IntArray:
        return self.ptr[product + 1] - self.ptr[product]


@dataclass(frozen=True)
class LinkBlock:
    supplier: IntArray
    customer: IntArray
    product: IntArray
    volume: FloatArray
    share: FloatArray

    def __len__(self) -> int:
        return len(self.supplier)


def maker_index(firms: FirmPlan, n_products: int) -> MakerIndex:
    rows = np.argsort(firms.cap_product, kind="stable").astype(np.int64)
    prod = firms.cap_product[rows]
    cap = firms.capacity[rows]
    total = np.bincount(prod, cap, minlength=n_products)
    return MakerIndex(csr_pointers(prod, n_products), rows, np.cumsum(cap / total[prod]))


def n_blocks(n_firms: int) -> int:
    return -(-n_firms // BLOCK_FIRMS)


def block_ranges(n_firms: int) -> list[tuple[int, int]]:
    """(first, end) firm of every customer block."""
    return [(b * BLOCK_FIRMS, min((b + 1) * BLOCK_FIRMS, n_firms)) for b in range(n_blocks(n_firms))]


def link_budgets(products: ProductPlan, firms: FirmPlan, links: int) -> IntArray:
    """Links per customer block, in proportion to the block's (row, BOM input) pairs."""
    per_row = products.bom_ptr[firms.cap_product + 1] - products.bom_ptr[firms.cap_product]
    demand = np.bincount(firms.cap_firm // BLOCK_FIRMS, per_row, minlength=n_blocks(firms.n)).astype(np.int64)
    cum = np.cumsum(demand)
    total = int(cum[-1]) if len(cum) else 0
    if total == 0:
        return np.zeros(len(demand), dtype=np.int64)
    bounds = np.concatenate([[0], (np.int64(links) * cum) // total])
    return np.diff(bounds).astype(np.int64)


def link_block(
    products: ProductPlan, firms: FirmPlan, makers: MakerIndex, block: int, budget: int, seed: int
) -> LinkBlock:
    rng = stream(seed, LINKS, block)
    f0 = block * BLOCK_FIRMS
    r0, r1 = int(firms.row_ptr[f0]), int(firms.row_ptr[min(f0 + BLOCK_FIRMS, firms.n)])
    n_prod = products.n

    # Slots: unique (customer, input) over the block's capacity rows x BOM rows.
    row_prod = firms.cap_product[r0:r1]
    owner, rank = expand(products.bom_ptr[row_prod + 1] - products.bom_ptr[row_prod])
    edge = products.bom_ptr[row_prod[owner]] + rank
    need = firms.output[r0 + owner] * products.bom_qty[edge] / products.bom_alts[edge]
    key = (firms.cap_firm[r0 + owner] - f0) * n_prod + products.bom_input[edge]
    uniq, inverse = np.unique(key, return_inverse=True)
    slot_need = np.bincount(inverse, need, minlength=len(uniq))
    slot_firm = uniq // n_prod + f0
    slot_input = uniq % n_prod
    n_makers = makers.count(slot_input)
    room = np.minimum(n_makers, MAX_SUPPLIERS)

    k = _deal(rng, room, budget)
    sel = np.flatnonzero(k)
    k, slot_firm, slot_input, slot_need, n_makers = (
        k[sel],
        slot_firm[sel],
        slot_input[sel],
        slot_need[sel],
        n_makers[sel],
    )

    # First supplier weighted by capacity; the rest at stride d (distinct since (k-1)d < n).
    start = makers.ptr[slot_input]
    first = np.searchsorted(makers.key, slot_input + rng.random(len(k)), side="right")
    first = np.clip(first, start, start + n_makers - 1) - start
    stride = 1 + np.floor(rng.random(len(k)) * ((n_makers - 1) // np.maximum(k - 1, 1))).astype(np.int64)
    link_slot, t = expand(k)
    local = (first[link_slot] + t * stride[link_slot]) % n_makers[link_slot]
    supplier = firms.cap_firm[makers.rows[start[link_slot] + local]]

    coverage = np.where(rng.random(len(k)) < FULL_COVERAGE_P, 1.0, 0.5 + 0.5 * rng.random(len(k)))
    units_total = np.floor(coverage * SHARE_UNITS).astype(np.int64) - k
    raw = rng.gamma(1.0, 1.0, len(t)) + (t == 0)
    raw_sum = np.bincount(link_slot, raw, minlength=len(k))
    units = 1 + np.floor(raw / raw_sum[link_slot] * units_total[link_slot]).astype(np.int64)
    share = units / SHARE_UNITS
    volume = round_sig(share * slot_need[link_slot], 4)
    return LinkBlock(supplier, slot_firm[link_slot], slot_input[link_slot], volume, share)


def _deal(rng: np.random.Generator, room: IntArray, budget: int) -> IntArray:
    """Suppliers per slot: 0 <= k <= room, sum = min(budget, sum(room)); with budget >= the
    number of open slots every open slot gets one, the rest go by a heavy-tailed appetite."""
    k = np.zeros(len(room), dtype=np.int64)
    eligible = np.flatnonzero(room > 0)
    if budget <= 0 or not len(eligible):
        return k
    if budget <= len(eligible):
        chosen = eligible[np.argsort(rng.random(len(eligible)), kind="stable")[:budget]]
        k[chosen] = 1
        return k
    k[eligible] = 1
    left = budget - len(eligible)
    appetite = rng.gamma(0.7, 1.0, len(room))  # some customers multi-source heavily
    for _ in range(6):
        spare = room - k
        weight = np.where(spare > 0, appetite, 0.0)
        if left <= 0 or not weight.any():
            break
        extra = np.bincount(weighted_pick(rng, weight, left), minlength=len(room))
        extra = np.minimum(extra, spare)
        k += extra
        left -= int(extra.sum())
    if left > 0:  # top up the last few in random slot order, up to each slot's room
        open_slots = rng.permutation(np.flatnonzero(room > k))
        spare = room[open_slots] - k[open_slots]
        before = np.cumsum(spare) - spare
        k[open_slots] += np.clip(left - before, 0, spare)
    return k
