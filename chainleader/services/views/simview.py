"""Scenario runs for the web: budgets checked before a run starts, and the chart-ready result payload.

情景运行：提交前检查规模上限（模拟天数、蒙特卡洛次数、网络站点数），运行结果整理为图表所需的
时间序列（各终端产品产出占基线百分比、短缺量；有/无备份方案；多次运行时的蒙特卡洛区间）。
"""

from __future__ import annotations

from typing import Any

import numpy as np

from chainleader.analysis.simulation import Scenario
from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError, LimitError
from chainleader.services.jsonready import frame_records, json_ready
from chainleader.services.simulate import NO_PLAN, WITH_PLAN, ScenarioInfo, SimulationReport

MAX_HORIZON_DAYS = 730
MAX_RUNS = 200
MAX_SITES = 200_000  # capacity rows (production sites) a web-submitted simulation may cover

RUN_LABELS = {NO_PLAN: ("无备份方案", "no backup plan"), WITH_PLAN: ("启用备份方案", "with backup plan")}


def scenario_info(s: ScenarioInfo) -> dict[str, Any]:
    return json_ready({"id": s.id, "dataset": s.dataset, "name_zh": s.name_zh, "name_en": s.name_en,
                       "description_zh": s.description_zh, "horizon_days": s.horizon_days,
                       "shock_types": list(s.shock_types), "has_backup_plan": s.has_backup_plan,
                       "uncertain": list(s.uncertain)})


def check_budget(s: Scenario, ds: Dataset, runs: int, *, max_sites: int = MAX_SITES) -> None:
    """LimitError naming the first budget the request exceeds (horizon, runs, network size)."""
    if not isinstance(runs, int) or runs < 1:
        raise ConfigError(f"runs 须为 >= 1 的整数，收到 {runs!r} / runs must be an integer >= 1, got {runs!r}")
    if runs > MAX_RUNS:
        raise LimitError(f"蒙特卡洛次数 {runs} 超过上限 {MAX_RUNS}，请减少 runs / runs {runs} exceeds the limit of "
                         f"{MAX_RUNS}; ask for fewer runs", limit="runs")
    if s.horizon_days > MAX_HORIZON_DAYS:
        raise LimitError(f"模拟天数 horizon_days={s.horizon_days} 超过上限 {MAX_HORIZON_DAYS} 天，请缩短情景 / "
                         f"horizon_days={s.horizon_days} exceeds the limit of {MAX_HORIZON_DAYS} days; shorten the "
                         f"scenario", limit="horizon_days")
    n_sites = len(ds.capacities)
    if n_sites > max_sites:
        raise LimitError(f"数据集 {ds.name} 有 {n_sites:,} 个生产站点，超过网页端模拟上限 {max_sites:,}，请用命令行 "
                         f"chainleader simulate 运行 / dataset {ds.name} has {n_sites:,} production sites, over the "
                         f"web simulation limit of {max_sites:,}; run it with the CLI (chainleader simulate)",
                         limit="network_sites", status=413)


def result_payload(report: SimulationReport) -> dict[str, Any]:
    """Key figures and per-day series for charts (values rounded for transport, days as integers)."""
    primary = report.primary
    net = primary.net
    finals = np.flatnonzero(net.final_mask)
    days = [int(d) for d in primary.days]
    runs: dict[str, Any] = {}
    for key, r in report.results.items():
        zh, en = RUN_LABELS.get(key, (key, key))
        products = []
        for i in finals:
            base = float(r.base_out[i])
            ratio = (r.out[:, i] / base * 100.0) if base > 0 else np.full(len(r.days), 100.0)
            products.append({
                "product": str(net.product_ids[i]), "name_zh": str(net.product_name_zh[i]),
                "name_en": str(net.product_name_en[i]),
                "output_pct": np.round(ratio, 2).tolist(), "shortage": np.round(r.short[:, i], 3).tolist(),
            })
        runs[key] = {"label_zh": zh, "label_en": en, "summary": r.summary(),
                     "chain_output_pct": np.round(r.output_ratio() * 100.0, 2).tolist(), "final_products": products}
    out: dict[str, Any] = {
        "dataset": report.dataset, "scenario": report.scenario.id, "title_zh": report.scenario.title_zh,
        "title_en": report.scenario.title_en, "horizon_days": report.scenario.horizon_days, "days": days,
        "runs": runs, "comparison": frame_records(report.comparison),
        "explanation_zh": report.explanation_zh, "explanation_en": report.explanation_en,
        "warnings": primary.meta.get("warnings", []), "monte_carlo": None,
    }
    mc = report.monte_carlo
    if mc is not None:
        b = mc.bands()
        out["monte_carlo"] = {
            "runs": mc.runs, "seed": mc.seed, "uncertain": list(mc.params), "days": [int(d) for d in b["day"]],
            "bands_pct": {c: np.round(b[c].to_numpy() * 100.0, 2).tolist() for c in b.columns if c != "day"},
            "percentiles": frame_records(mc.percentiles()),
        }
    return json_ready(out)
