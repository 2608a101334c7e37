"""The array form the TTR/TTS linear programmes read (METHODS.md §3).

Products carry the AND/OR bill of materials, demand, margin and pooled inventory;
sites (capacity rows: enterprise x product x facility) carry capacity. Inputs are pooled
per product: any site making input ``i`` can feed any site making ``j``. All arrays are
numpy, indices are int64, quantities float64; ``period_days`` converts annual figures
(capacity / 365 * period_days).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FlowNetwork:
    product_ids: tuple[str, ...]  # P products
    margin: np.ndarray  # (P,) value lost per unit of unmet demand, CNY/unit (f_j)
    demand: np.ndarray  # (P,) external demand per period, units/period (d_j); 0 for intermediates
    inventory: np.ndarray  # (P,) finished-goods inventory at t=0, units, pooled over sites (s_j)
    slot_product: np.ndarray  # (K,) product j that needs BOM slot k (an AND group)
    slot_ptr: np.ndarray  # (K+1,) CSR pointers into slot_input / slot_qty
    slot_input: np.ndarray  # (E,) input product i (alternatives within the slot: OR)
    slot_qty: np.ndarray  # (E,) r: units of input i per unit of j
    site_ids: tuple[str, ...]  # S site labels
    site_product: np.ndarray  # (S,) product index each site makes
    site_capacity: np.ndarray  # (S,) capacity per period, units/period (c)
    period_days: float = 7.0

    @property
    def n_products(self) -> int:
        return len(self.product_ids)

    @property
    def n_sites(self) -> int:
        return len(self.site_ids)

    def validate(self) -> None:
        """Raise ValueError when shapes or values are inconsistent."""
        p, s, k = self.n_products, self.n_sites, len(self.slot_product)
        for name, arr, n in (
            ("margin", self.margin, p),
            ("demand", self.demand, p),
            ("inventory", self.inventory, p),
            ("site_product", self.site_product, s),
            ("site_capacity", self.site_capacity, s),
        ):
            if arr.shape != (n,):
                raise ValueError(f"{name} has shape {arr.shape}, expected ({n},)")
        if self.slot_ptr.shape != (k + 1,) or self.slot_ptr[0] != 0:
            raise ValueError("slot_ptr must have K+1 entries starting at 0")
        if self.slot_ptr[-1] != len(self.slot_input) or len(self.slot_input) != len(self.slot_qty):
            raise ValueError("slot_ptr[-1] must equal len(slot_input) == len(slot_qty)")
        for name, arr in (("margin", self.margin), ("demand", self.demand), ("inventory", self.inventory),
                          ("site_capacity", self.site_capacity), ("slot_qty", self.slot_qty)):
            if np.any(~np.isfinite(arr)) or np.any(arr < 0):
                raise ValueError(f"{name} must be finite and non-negative")
