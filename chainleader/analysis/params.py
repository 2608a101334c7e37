"""Every tunable of the chain-break risk engine in one frozen dataclass (METHODS.md §1–§3).

风险评估的全部可调参数集中于 ``RiskParams``；结果的 metadata 会完整记录它们。
All tunables of the risk engine live in ``RiskParams``; every result records them in its metadata.

Defaults and their sources:

* Import-dependence bands (0.7, 0.8, 0.9) -> blue / yellow / red: the seed text (李燕 2023) cites
  原油、天然气 > 70 %, 铁、铜、镍矿 > 80 %, 铬、钴、锂矿 > 90 %, 汽车芯片 ≈ 90 %; MIIT practice colours
  warnings red / yellow / blue (红/黄/蓝).
* HHI bands (0.15, 0.25): US DOJ & FTC Horizontal Merger Guidelines 2010 §5.3 (1 500 / 2 500 points).
* "At least one domestic backup" (国内至少有一个备份): METHODS.md §1, the seed text.
* T_max = 52 periods of 7 days: METHODS.md §3. An exposure (TTS < TTR) is coloured by the size of its loss,
  REI = PI / max PI over the scenario set (Simchi-Levi et al. 2015): >= 0.5 red, >= 0.2 yellow, else blue.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Literal

from chainleader.model.errors import ConfigError

Severity = Literal["red", "yellow", "blue"]
SEVERITIES: tuple[Severity, ...] = ("red", "yellow", "blue")
SEVERITY_RANK: dict[str, int] = {"red": 3, "yellow": 2, "blue": 1, "": 0}

DEFAULT_RULE_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("chokepoint", 3.0),
    ("tts_below_ttr", 3.0),
    ("structural_spof", 3.0),
    ("import_dependence", 2.0),
    ("single_source", 2.0),
    ("no_domestic_backup", 2.0),
    ("single_region_layout", 1.5),
    ("link_backup_gap", 1.0),
    ("high_concentration", 1.0),
    ("reduced_standard_only", 1.0),
    ("critical_input", 1.0),
)


@dataclass(frozen=True)
class RiskParams:
    """Tunables of ``assess`` and the metric functions.  默认值见模块说明。"""

    # --- scope -------------------------------------------------------------------------------------
    home_country: str = "CN"  # "domestic" is territorial: where the plant is (METHODS §1)
    # --- concentration (METHODS §1) ----------------------------------------------------------------
    share_basis: Literal["output", "capacity"] = "output"  # a site with no output falls back to capacity
    cr_k: tuple[int, ...] = (1, 4, 8)
    hhi_bands: tuple[float, float] = (0.15, 0.25)  # HMG 2010 §5.3: moderately / highly concentrated
    # --- import dependence (METHODS §1) ------------------------------------------------------------
    trade_year: int | None = None  # None: the latest year with data, per product
    trade_measure: Literal["quantity", "value_usd"] = "quantity"
    dependence_variant: Literal["net", "gross"] = "net"
    dependence_bands: tuple[float, float, float] = (0.7, 0.8, 0.9)  # -> blue, yellow, red
    production_from_capacities: bool = True  # Q from domestic site output when trade has no production row
    # --- chokepoints (卡脖子) -----------------------------------------------------------------------
    chokepoint_min_dependence: float = 0.7
    chokepoint_max_source_countries: int = 3
    chokepoint_min_source_hhi: float = 0.25
    country_group: str | None = None  # id in the dataset's country_groups table, e.g. an export-control bloc
    chokepoint_min_group_share: float = 0.5
    # --- backups (同准 / 降准, METHODS §1) -----------------------------------------------------------
    backup_rule: Literal["any", "same_standard"] = "any"  # flag when B_same + B_red == 0, or B_same == 0
    backup_min_headroom_share: float = 0.0  # θ: a backup needs spare capacity >= θ x the link's volume
    backup_top_n: int = 5  # candidates kept per risk point in the register
    link_gap_bands: tuple[float, float] = (0.0, 0.5)  # uncovered share of links: > 0 blue, >= 0.5 yellow
    # --- structural criticality (METHODS §2) --------------------------------------------------------
    imports_as_sources: bool = True  # trade imports are supply sources sited in the partner country
    final_imports_count: bool = False  # does importing a final product count as making it? (default: no)
    value_share_bands: tuple[float, float, float] = (0.0, 0.2, 0.5)  # share of final value at risk: >, >=, >=
    scenario_batch: int = 4096  # scenarios per bit-parallel pass (a multiple of 64; speed only)
    # --- TTR / TTS (METHODS §3) ---------------------------------------------------------------------
    period_days: float = 7.0
    margin_share: float = 1.0  # margin f_j = margin_share x unit_price
    default_ttr_days: float = 90.0  # when a lost site has no ttr_days
    t_max: float = 52.0  # in periods
    lp_scenario_kinds: tuple[str, ...] = ("product", "enterprise", "province")
    rei_bands: tuple[float, float, float] = (0.0, 0.2, 0.5)  # severity of an exposure (TTS < TTR) by REI
    # --- register -----------------------------------------------------------------------------------
    rule_weights: tuple[tuple[str, float], ...] = field(default=DEFAULT_RULE_WEIGHTS)
    max_listed: int = 5  # names listed in an explanation before "等 n 项"

    def __post_init__(self) -> None:
        problems: list[str] = []
        b = self.dependence_bands
        if len(b) != 3 or not (b[0] <= b[1] <= b[2]):
            problems.append("dependence_bands must be 3 increasing numbers / 须为 3 个递增数")
        v = self.value_share_bands
        if len(v) != 3 or not (0.0 <= v[0] <= v[1] <= v[2] <= 1.0):
            problems.append("value_share_bands must be 3 increasing shares in [0, 1] / 须为 [0,1] 内 3 个递增比例")
        if len(self.hhi_bands) != 2 or not (0 < self.hhi_bands[0] <= self.hhi_bands[1] <= 1):
            problems.append("hhi_bands must be 2 increasing fractions in (0, 1] / 须为 (0,1] 内 2 个递增分数")
        r = self.rei_bands
        if len(r) != 3 or not (0.0 <= r[0] <= r[1] <= r[2] <= 1.0):
            problems.append("rei_bands must be 3 increasing numbers in [0, 1] / 须为 [0,1] 内 3 个递增数")
        if self.scenario_batch <= 0 or self.scenario_batch % 64:
            problems.append("scenario_batch must be a positive multiple of 64 / 须为 64 的正整数倍")
        if self.period_days <= 0 or self.t_max <= 0:
            problems.append("period_days and t_max must be positive / 须为正数")
        if any(k < 1 for k in self.cr_k):
            problems.append("cr_k entries must be >= 1 / 须 >= 1")
        if self.backup_min_headroom_share < 0:
            problems.append("backup_min_headroom_share must be >= 0 / 须 >= 0")
        if len(self.home_country) != 2:
            problems.append("home_country must be an ISO 3166 alpha-2 code / 须为两位国家代码")
        if problems:
            raise ConfigError("RiskParams: " + "; ".join(problems))

    def weight(self, rule: str) -> float:
        return dict(self.rule_weights).get(rule, 1.0)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict of every parameter (tuples become lists)."""
        out: dict[str, Any] = {}
        for k, v in asdict(self).items():
            if k == "rule_weights":
                out[k] = {str(r): float(w) for r, w in v}
            elif isinstance(v, tuple):
                out[k] = list(v)
            else:
                out[k] = v
        return out

    def updated(self, **changes: Any) -> RiskParams:
        names = {f.name for f in fields(self)}
        unknown = set(changes) - names
        if unknown:
            raise ConfigError(f"unknown RiskParams field(s) / 未知参数: {sorted(unknown)}")
        return replace(self, **changes)


def band(value: float, bands: tuple[float, ...], strict_first: bool = False) -> str:
    """Map a value to '', 'blue', 'yellow', 'red' given 3 increasing thresholds.

    ``value >= bands[0]`` -> blue (``>`` when ``strict_first``), ``>= bands[1]`` -> yellow, ``>= bands[2]`` -> red.
    NaN -> ''.
    """
    if value != value:  # NaN
        return ""
    if value >= bands[2]:
        return "red"
    if value >= bands[1]:
        return "yellow"
    if (value > bands[0]) if strict_first else (value >= bands[0]):
        return "blue"
    return ""
