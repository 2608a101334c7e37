"""Trajectories and summary indicators of one ARIO run (METHODS.md §5, "Outputs")."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from chainleader.analysis.io_model.table import FloatArray, Label

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, eq=False)
class ARIOResult:
    """All flows are per step in table money units; rows are steps ``t = 0..T−1``, columns industries.

    ``limiting_input[t, i]`` is the index in ``products`` of the input whose stock bound industry
    i's production in step t (−1 when production was not stock-constrained). ``damage[t]`` is the
    remaining damage Ξ at the start of step t. ``stocks`` (only with ``record_stocks=True``) has
    shape ``(T, len(stock_products), n)``, the stocks after step t's deliveries.
    """

    industries: tuple[Label, ...]
    products: tuple[str, ...]
    stock_products: tuple[str, ...]
    x_bar: FloatArray
    x: FloatArray
    x_cap: FloatArray
    demand: FloatArray
    unmet_final_demand: FloatArray
    rebuild_demand: FloatArray
    damage: FloatArray
    alpha: FloatArray
    limiting_input: IntArray
    stocks: FloatArray | None
    recovery_tolerance: float
    metadata: dict[str, object] = field(default_factory=dict)

    @property
    def n_steps(self) -> int:
        return int(self.x.shape[0])

    @property
    def loss_by_industry(self) -> FloatArray:
        """Σ_t (x̄_i − x_i(t)); negative where reconstruction or overproduction raised output."""
        return np.asarray((self.x_bar[None, :] - self.x).sum(axis=0))

    @property
    def total_loss(self) -> float:
        """Σ_t Σ_i (x̄_i − x_i(t)) (METHODS §5); can be negative under reconstruction."""
        return float(self.loss_by_industry.sum())

    @property
    def total_unmet_final_demand(self) -> float:
        return float(self.unmet_final_demand.sum())

    def time_to_recover(self, tolerance: float | None = None) -> IntArray:
        """Per industry, the first step after which every ``|x − x̄|/x̄ ≤ ε`` (−1: not within the horizon)."""
        eps = self.recovery_tolerance if tolerance is None else tolerance
        scale = np.where(self.x_bar > 0, self.x_bar, 1.0)
        off = np.abs(self.x - self.x_bar[None, :]) / scale[None, :] > eps
        T = self.n_steps
        any_off = off.any(axis=0)
        last_off = T - 1 - np.argmax(off[::-1], axis=0)
        ttr = np.where(any_off, last_off + 1, 0).astype(np.int64)
        return np.where(ttr >= T, -1, ttr).astype(np.int64)

    def economy_time_to_recover(self, tolerance: float | None = None) -> int:
        """First step after which every industry stays within ε of baseline (−1: never in the horizon)."""
        ttr = self.time_to_recover(tolerance)
        return -1 if np.any(ttr < 0) else int(ttr.max(initial=0))
