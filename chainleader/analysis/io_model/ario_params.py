"""ARIO parameters (METHODS.md §5), named like BoARIO's ``ARIOPsiModel`` so runs can be compared.

Mapping to the published symbols (Hallegatte 2008, 2014) and to BoARIO keyword names:

==================================  ===========================  ======================================
parameter (here = BoARIO name)      symbol                       meaning
==================================  ===========================  ======================================
``alpha_base``                      α_b                          base overproduction (α relaxes to it)
``alpha_max``                       α_max                        maximum overproduction factor
``alpha_tau``                       τ_α (temporal units)         overproduction adjustment time
``rebuild_tau``                     τ_rebuild                    time to rebuild damaged capital
``main_inv_dur``                    n_p (default)                inventory target, temporal units of input
``inventory_dict``                  n_p per input sector         per-product override (``math.inf`` allowed)
``infinite_inventories_sect``       n_p = ∞                      non-essential inputs, never binding
``psi_param``                       ψ                            production binds when S < ψ S*
``inventory_restoration_tau``       τ_inv                        inventory restoration time (scalar or per product)
``productive_capital_vector``       K                            capital per industry (table units)
``productive_capital_to_VA_dict``   κ per sector                 K = κ · VA (default ``kappa``)
``temporal_units_by_step``          —                            temporal units (days) per simulation step
``iotable_year_to_temporal_unit_factor``  —                      temporal units per table year (365)
``order_type``                      —                            "baseline" shares or "capacity" weighted
==================================  ===========================  ======================================

Only the *names* follow BoARIO; the dynamics are implemented from the published equations
(METHODS §5) and no numerical equivalence with BoARIO is claimed. ``order_type="capacity"``
weights the baseline supplier shares by spare capacity ``x^cap_j / x̄_j`` (Guan et al. 2020);
BoARIO's documentation describes its ``order_type="alt"`` as the Guan et al. (2020) mechanism,
so ``"capacity"`` is the closest counterpart and ``"baseline"`` corresponds to the classic orders. ``rationing`` selects proportional rationing or priority to
intermediate or to final demand (Li et al. 2013).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Literal

import numpy.typing as npt

from chainleader.analysis.io_model.errors import ARIOParameterError, bilingual

OrderType = Literal["baseline", "capacity"]
Rationing = Literal["proportional", "intermediate_first", "final_first"]


@dataclass(frozen=True)
class ARIOParams:
    """Every ARIO tunable; durations are in temporal units (days by default). See module docstring."""

    alpha_base: float = 1.0
    alpha_max: float = 1.25
    alpha_tau: float = 365.0
    rebuild_tau: float = 60.0
    main_inv_dur: float = 90.0
    inventory_dict: Mapping[str, float] | None = None
    infinite_inventories_sect: Sequence[str] | None = None
    psi_param: float = 0.8
    inventory_restoration_tau: float | Mapping[str, float] = 60.0
    productive_capital_vector: npt.ArrayLike | None = None
    productive_capital_to_VA_dict: Mapping[str, float] | None = None
    kappa: float = 4.0
    temporal_units_by_step: int = 1
    iotable_year_to_temporal_unit_factor: float = 365.0
    order_type: OrderType = "baseline"
    rationing: Rationing = "proportional"
    recovery_tolerance: float = 1e-3

    def __post_init__(self) -> None:
        problems: list[str] = []

        def need(cond: bool, zh: str, en: str) -> None:
            if not cond:
                problems.append(bilingual(zh, en))

        need(self.alpha_base >= 1.0, "alpha_base 应 ≥ 1", "alpha_base must be ≥ 1")
        need(self.alpha_max >= self.alpha_base, "alpha_max 应 ≥ alpha_base", "alpha_max must be ≥ alpha_base")
        need(
            self.temporal_units_by_step >= 1,
            "temporal_units_by_step 应 ≥ 1",
            "temporal_units_by_step must be ≥ 1",
        )
        step = float(self.temporal_units_by_step)
        for nm in ("alpha_tau", "rebuild_tau"):
            need(
                getattr(self, nm) >= step,
                f"{nm} 应不小于一个时间步（{step}）",
                f"{nm} must be at least one step ({step})",
            )
        need(
            0.0 < self.psi_param <= 1.0,
            "psi_param 应在 (0, 1] 内（常用 0.8）",
            "psi_param must be in (0, 1] (0.8 is usual)",
        )
        need(
            self.main_inv_dur >= step,
            "main_inv_dur 应不小于一个时间步",
            "main_inv_dur must be at least one step",
        )
        for key, val in (self.inventory_dict or {}).items():
            need(
                val >= step or math.isinf(val),
                f"inventory_dict[{key!r}] 应不小于一个时间步或为 math.inf",
                f"inventory_dict[{key!r}] must be at least one step or math.inf",
            )
        taus = (
            self.inventory_restoration_tau.values()
            if isinstance(self.inventory_restoration_tau, Mapping)
            else [self.inventory_restoration_tau]
        )
        for val in taus:
            need(
                val >= step,
                "inventory_restoration_tau 应不小于一个时间步（≈1 天会振荡，常用 30–60）",
                "inventory_restoration_tau must be at least one step (≈1 day oscillates; 30–60 is usual)",
            )
        need(self.kappa > 0, "kappa（资本/增加值）应 > 0", "kappa (capital / value added) must be > 0")
        need(
            self.iotable_year_to_temporal_unit_factor > 0,
            "iotable_year_to_temporal_unit_factor 应 > 0",
            "iotable_year_to_temporal_unit_factor must be > 0",
        )
        need(
            self.order_type in ("baseline", "capacity"),
            f"order_type 只能是 baseline 或 capacity，收到 {self.order_type!r}",
            f"order_type must be 'baseline' or 'capacity', got {self.order_type!r}",
        )
        need(
            self.rationing in ("proportional", "intermediate_first", "final_first"),
            f"rationing 只能是 proportional / intermediate_first / final_first，收到 {self.rationing!r}",
            f"rationing must be proportional, intermediate_first or final_first, got {self.rationing!r}",
        )
        need(self.recovery_tolerance > 0, "recovery_tolerance 应 > 0", "recovery_tolerance must be > 0")
        if problems:
            raise ARIOParameterError("\n".join(problems))

    def as_dict(self) -> dict[str, object]:
        return asdict(self)
