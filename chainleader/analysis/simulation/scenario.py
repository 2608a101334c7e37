"""Scenarios: composable shocks over time windows, an optional backup plan, uncertain parameters.

情景：在时间窗口上组合的冲击（出口管制/制裁、灾害/疫情、企业停产、物流中断、终端需求变化），
可选的备份方案（同准/降准备份），以及蒙特卡洛不确定参数。

A scenario is plain data; ``chainleader.analysis.simulation.loader`` reads it from YAML/JSON with
located errors, ``shocks.resolve`` checks its ids against a dataset and turns it into per-step arrays.

Time convention: day 0 is the first simulated day; a window ``[start_day, end_day)`` includes its start
and excludes its end. Every id (product, enterprise, region, country, group) is checked against the
dataset when the scenario is resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from chainleader.model.errors import ConfigError

Curve = Literal["linear", "exponential", "step"]
Priority = Literal["proportional", "chain_master"]
UncertainParam = Literal["recovery_days", "inventory_days", "capacity_loss", "ramp_up_days", "duration_days"]
DistKind = Literal["uniform", "triangular", "normal", "lognormal", "choice"]

CURVES: tuple[str, ...] = ("linear", "exponential", "step")
UNCERTAIN_PARAMS: tuple[str, ...] = ("recovery_days", "inventory_days", "capacity_loss", "ramp_up_days",
                                     "duration_days")
DIST_KINDS: tuple[str, ...] = ("uniform", "triangular", "normal", "lognormal", "choice")


@dataclass(frozen=True)
class SimParams:
    """Every tunable of the propagation engine (recorded in each result's metadata).

    * ``step_days``: 1 (daily, default) or 7 (weekly) — quantities are annual / 365 x step_days.
    * ``input_stock_days``: customers' input stocks, in days of baseline use (data gives only
      finished-goods ``inventory_days``; 0 by default so the data's inventories are the only buffer).
    * ``equipment_stock_days``: when set, slots whose inputs are equipment (capital goods, entered in the BOM
      as wear per unit) hold this many days instead: the installed base and spares keep a fab running that
      long without new tools. None: equipment is buffered like any input.
    * ``default_inventory_days`` / ``default_ttr_days`` / ``default_ramp_up_days``: used where a capacity
      row leaves the field empty.
    * ``qualification_days``: a customer tied to its suppliers by supply links may buy from any other
      maker of the product only after this delay (pre-qualified backups of a plan skip it).
    * ``substitution_days`` / ``substitution_ramp_days``: inside an OR group (alternative inputs of one slot,
      e.g. NCM or LFP cathode for a cell) a site first asks for more of what it is short of, keeping its
      baseline mix; shifting the mix towards alternatives with spare supply (substitution) starts only
      ``substitution_days`` after the slot first needs more than its regular deliveries, then grows linearly
      to the full split over ``substitution_ramp_days``. Default 120 + 30 days: switching an already developed
      alternative (cell chemistry, part variant) takes a product redesign and the customer's re-approval —
      an automotive PPAP/APQP re-approval takes about 3–6 months (AIAG, *Production Part Approval Process*,
      4th ed., 2006); qualifying a chemistry from scratch takes about 2 years (D. Bell, "Technical
      qualification of batteries for electric vehicles", Inner Sphere Consulting). A backup plan that
      pre-qualifies a maker of an alternative input lifts the delay for that slot (see ``BackupPlan``).
      ``substitution_days: 0`` with ``substitution_ramp_days`` of one step is instant substitution.
    * ``priority``: ``proportional`` rationing (default) or ``chain_master`` first.
    * ``backlog_share``: share of unmet final demand kept as backlog (served later) instead of lost.
    * ``reduced_capacity_factor`` / ``reduced_value_penalty``: a reduced-standard (降准) backup offers
      this share of its spare capacity, and each unit it supplies loses this share of the unit price.
    * ``recovery_tolerance``: output within this relative gap of baseline counts as recovered.
    * ``exponential_tail``: an exponential recovery has this share of the loss left at ``days``.
    """

    step_days: int = 1
    input_stock_days: float = 0.0
    equipment_stock_days: float | None = None
    default_inventory_days: float = 0.0
    default_ttr_days: float = 90.0
    default_ramp_up_days: float = 30.0
    qualification_days: float = 90.0
    substitution_days: float = 120.0
    substitution_ramp_days: float = 30.0
    priority: Priority = "proportional"
    backlog_share: float = 0.0
    reduced_capacity_factor: float = 0.8
    reduced_value_penalty: float = 0.2
    recovery_tolerance: float = 0.01
    exponential_tail: float = 0.01
    home_country: str = "CN"

    def __post_init__(self) -> None:
        problems = param_problems(self)
        if problems:
            raise ConfigError("SimParams: " + "; ".join(problems))

    def as_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def updated(self, **changes: Any) -> SimParams:
        names = {f.name for f in fields(self)}
        unknown = sorted(set(changes) - names)
        if unknown:
            raise ConfigError(f"未知参数 / unknown SimParams field(s): {unknown}; 可用 / accepted: {sorted(names)}")
        return replace(self, **changes)


def param_problems(p: SimParams) -> list[str]:
    out: list[str] = []
    if p.step_days not in (1, 7):
        out.append(f"step_days 须为 1（按日）或 7（按周） / step_days must be 1 or 7, got {p.step_days!r}")
    if p.equipment_stock_days is not None and (not isinstance(p.equipment_stock_days, int | float)
                                               or p.equipment_stock_days < 0):
        out.append(f"equipment_stock_days 须为非负数 / equipment_stock_days must be >= 0, got {p.equipment_stock_days!r}")
    for name in ("input_stock_days", "default_inventory_days", "default_ttr_days", "default_ramp_up_days",
                 "qualification_days", "substitution_days", "substitution_ramp_days"):
        v = getattr(p, name)
        if not isinstance(v, int | float) or v < 0:
            out.append(f"{name} 须为非负数 / {name} must be a non-negative number, got {v!r}")
    for name in ("backlog_share", "reduced_capacity_factor", "reduced_value_penalty"):
        v = getattr(p, name)
        if not isinstance(v, int | float) or not 0.0 <= v <= 1.0:
            out.append(f"{name} 须在 0 与 1 之间 / {name} must lie in [0, 1], got {v!r}")
    if not 0.0 < p.recovery_tolerance < 1.0:
        out.append("recovery_tolerance 须在 (0,1) / recovery_tolerance must lie in (0, 1)")
    if not 0.0 < p.exponential_tail < 1.0:
        out.append("exponential_tail 须在 (0,1) / exponential_tail must lie in (0, 1)")
    if p.priority not in ("proportional", "chain_master"):
        out.append(f"priority 须为 proportional 或 chain_master / priority must be proportional or "
                   f"chain_master, got {p.priority!r}")
    return out


@dataclass(frozen=True)
class Recovery:
    """How lost capacity comes back after the full-loss window: over ``days`` (a number, or ``"ttr"``:
    each site's own ``ttr_days``, falling back to ``SimParams.default_ttr_days``)."""

    curve: Curve = "linear"
    days: float | Literal["ttr"] = "ttr"


NO_RECOVERY_TIME = Recovery("step", 0.0)  # capacity returns in full when the window ends


@dataclass(frozen=True)
class Shock:
    """Common fields: ``id`` (unique in the scenario), the window ``[start_day, end_day)``."""

    id: str
    start_day: float
    end_day: float

    kind: str = field(default="", init=False, repr=False)


@dataclass(frozen=True)
class ExportControl(Shock):
    """出口管制/制裁: makers sited in ``by`` (ISO countries or ``country_groups`` ids) stop shipping
    ``share`` (1.0 = all, else a quota cut) of ``products``; unlisted supply (external) is cut by the
    group's share of imports in the trade table."""

    by: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    share: float = 1.0
    kind: str = field(default="export_control", init=False, repr=False)


@dataclass(frozen=True)
class Disaster(Shock):
    """灾害/疫情: sites in ``regions`` (GB/T 2260 codes at any level, or ``region_groups`` ids) lose
    ``capacity_loss`` of capacity in ``[start_day, end_day)`` then recover along ``recovery``.
    ``products`` optionally restricts the sites hit."""

    regions: tuple[str, ...] = ()
    capacity_loss: float = 1.0
    recovery: Recovery = Recovery()
    products: tuple[str, ...] = ()
    cause: str = "disaster"
    kind: str = field(default="disaster", init=False, repr=False)


@dataclass(frozen=True)
class EnterpriseFailure(Shock):
    """企业停产（火灾、破产……）: every site of ``enterprises`` (optionally only ``products``) loses
    ``capacity_loss`` in ``[start_day, end_day)``, then recovers along ``recovery`` (default: at once)."""

    enterprises: tuple[str, ...] = ()
    capacity_loss: float = 1.0
    recovery: Recovery = NO_RECOVERY_TIME
    products: tuple[str, ...] = ()
    cause: str = "failure"
    kind: str = field(default="enterprise_failure", init=False, repr=False)


@dataclass(frozen=True)
class Logistics(Shock):
    """物流中断 between ``origins`` and ``destinations`` (regions, region groups, countries or country
    groups): ``closure`` blocks ``share`` of the flows; ``lead_time`` adds ``added_days`` of transit
    (arrivals stop for the first ``added_days`` of the window while the longer pipeline fills)."""

    origins: tuple[str, ...] = ()
    destinations: tuple[str, ...] = ()
    mode: Literal["closure", "lead_time"] = "closure"
    share: float = 1.0
    added_days: float = 0.0
    both_directions: bool = True
    kind: str = field(default="logistics", init=False, repr=False)


@dataclass(frozen=True)
class DemandShock(Shock):
    """终端需求变化: outside (final) demand for ``products`` (default: every chain's final products,
    or ``chain``'s) changes by ``change`` (−0.2 = −20 %)."""

    change: float = 0.0
    products: tuple[str, ...] = ()
    chain: str | None = None
    kind: str = field(default="demand", init=False, repr=False)


AnyShock = ExportControl | Disaster | EnterpriseFailure | Logistics | DemandShock
SHOCK_TYPES: dict[str, type[Shock]] = {
    "export_control": ExportControl,
    "disaster": Disaster,
    "enterprise_failure": EnterpriseFailure,
    "logistics": Logistics,
    "demand": DemandShock,
}


@dataclass(frozen=True)
class BackupPlan:
    """备份方案. ``mode="auto"``: per product the ``top_n`` domestic same-standard (同准) sites ranked by
    spare capacity; ``mode="listed"``: the ``enterprises`` (all their sites, or only ``products``) and
    ``sites`` (``"ENTERPRISE:PRODUCT"``). Backups are pre-qualified from ``activate_day``: they may
    serve any short customer after their own ramp-up, without ``SimParams.qualification_days``; and a
    slot whose alternatives include a backup's product is pre-qualified for substitution (the redesign
    was prepared in advance), without ``SimParams.substitution_days``.
    ``allow_reduced`` lets ``auto`` add reduced-standard (降准) sites after the same-standard ones."""

    mode: Literal["auto", "listed"] = "auto"
    enterprises: tuple[str, ...] = ()
    sites: tuple[str, ...] = ()
    products: tuple[str, ...] = ()
    top_n: int = 3
    activate_day: float = 0.0
    allow_reduced: bool = False
    name_zh: str = "备份方案"
    name_en: str = "backup plan"


@dataclass(frozen=True)
class Distribution:
    """A distribution for one uncertain parameter. ``uniform(low, high)``, ``triangular(low, mode,
    high)``, ``normal(mean, sd)`` (clipped to ``[low, high]`` when given), ``lognormal(median, sigma)``,
    ``choice(values, weights)``."""

    kind: DistKind
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    median: float | None = None
    sigma: float | None = None
    values: tuple[float, ...] = ()
    weights: tuple[float, ...] = ()


@dataclass(frozen=True)
class Uncertain:
    """One uncertain parameter: ``param`` drawn from ``dist`` per Monte Carlo run, applied to the
    ``shocks`` listed (default: all that have it). ``as_value=False`` (default): the draw multiplies the
    declared value; ``True``: it replaces it (e.g. a capacity loss share)."""

    param: UncertainParam
    dist: Distribution
    shocks: tuple[str, ...] = ()
    as_value: bool = False


@dataclass(frozen=True)
class Scenario:
    """A named scenario. ``source`` and ``lines`` (field path -> line) locate errors in its file."""

    id: str
    horizon_days: int
    shocks: tuple[AnyShock, ...]
    name_zh: str = ""
    name_en: str = ""
    description_zh: str = ""
    description_en: str = ""
    dataset: str | None = None
    backup_plan: BackupPlan | None = None
    uncertain: tuple[Uncertain, ...] = ()
    params: SimParams = SimParams()
    source: str = "<python>"
    lines: tuple[tuple[str, int], ...] = ()

    @property
    def title_zh(self) -> str:
        return self.name_zh or self.name_en or self.id

    @property
    def title_en(self) -> str:
        return self.name_en or self.name_zh or self.id

    @property
    def first_day(self) -> float:
        return min((s.start_day for s in self.shocks), default=0.0)

    def line_of(self, path: str) -> int | None:
        """The 1-based line of a field path such as ``shocks[1].products[0]`` (or its nearest parent)."""
        table = dict(self.lines)
        p = path
        while p:
            if p in table:
                return table[p]
            cut = max(p.rfind("."), p.rfind("["))
            p = p[:cut] if cut > 0 else ""
        return None

    def without_plan(self) -> Scenario:
        return replace(self, backup_plan=None)

    def with_params(self, **changes: Any) -> Scenario:
        return replace(self, params=self.params.updated(**changes))
