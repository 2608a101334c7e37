"""Plain bilingual explanations of simulation results (Chinese first).

用平实的中英文说明模拟结果，例如："刚果（金）钴原料断供 120 天：硫酸钴 第 26 天起减产（最大 69%），
纯电乘用车 第 35 天起减产 35%，累计损失 12.3 亿元；启用备份方案后损失降至 4.1 亿元，恢复时间由 160 天缩短到 95 天。"
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from chainleader.analysis.simulation.montecarlo import MonteCarloResult
from chainleader.analysis.simulation.results import YI, SimulationResult


def _days(v: float | None, zh: bool) -> str:
    if v is None:
        return "模拟期内未恢复" if zh else "not recovered within the horizon"
    return f"{v:.0f} 天" if zh else f"{v:.0f} days"


def _pct(x: float) -> str:
    return f"{100 * x:.0f}%"


def explain(result: SimulationResult, *, with_plan: SimulationResult | None = None,
            monte_carlo: MonteCarloResult | None = None, chain: str | None = None, top: int = 2) -> tuple[str, str]:
    """(Chinese, English) explanation of ``result``, compared with ``with_plan`` when given."""
    pf = result.product_frame()
    hit = pf[pf["onset_day"].notna() & (pf["peak_reduction"] > result.meta["params"]["recovery_tolerance"])]
    inter = hit[~hit["final"]].head(top)
    mids = hit[~hit["final"]]
    if len(mids) > len(inter):  # also the furthest tier the shock reaches (latest onset), e.g. battery cells
        last = mids.sort_values(["onset_day", "output_shortfall_value"], ascending=[False, False]).head(1)
        if not last.index.isin(inter.index).all():
            inter = pd.concat([inter, last])
    finals = hit[hit["final"]].sort_values(["final_demand_lost_value", "output_shortfall_value"], ascending=False).head(1)
    zh_parts, en_parts = [], []
    for _, row in inter.iterrows():
        rec = row["recovered_day"]
        back_zh = f"，第 {int(rec)} 天恢复" if pd.notna(rec) else ""
        back_en = f", back by day {int(rec)}" if pd.notna(rec) else ""
        zh_parts.append(f"{row['name_zh']} 第 {int(row['onset_day'])} 天起减产（最大 {_pct(row['peak_reduction'])}"
                        f"{back_zh}）")
        en_parts.append(f"{row['name_en']} falls from day {int(row['onset_day'])} (by up to "
                        f"{_pct(row['peak_reduction'])}{back_en})")
    for _, row in finals.iterrows():
        zh_parts.append(f"{row['name_zh']} 第 {int(row['onset_day'])} 天起减产 {_pct(row['peak_reduction'])}")
        en_parts.append(f"{row['name_en']} falls by {_pct(row['peak_reduction'])} from day {int(row['onset_day'])}")
    loss = result.lost_value(chain)
    ttr = result.time_to_recover(chain)
    if finals.empty and loss <= 0:
        zh_parts.append("终端产品未减产（库存、替代与备份吸收了冲击）")
        en_parts.append("final products keep their output (inventories, substitutes and backups absorb the shock)")
    else:
        tol = _pct(result.meta["params"]["recovery_tolerance"])
        when_zh = ("终端产品总产出降幅未超过 " + tol if ttr == 0.0 else
                   "模拟期内未恢复" if ttr is None else f"恢复时间 {_days(ttr, True)}")
        when_en = (f"final output never fell by more than {tol}" if ttr == 0.0 else
                   "not recovered within the horizon" if ttr is None else f"time to recover {_days(ttr, False)}")
        zh_parts.append(f"累计损失 {loss / YI:.2f} 亿元，{when_zh}")
        en_parts.append(f"cumulative loss {loss / YI:.2f} × 100 million CNY, {when_en}")
    zh = f"{result.title_zh}：" + "，".join(zh_parts)
    en = f"{result.title_en}: " + "; ".join(en_parts)
    if with_plan is not None:
        loss1, ttr1 = with_plan.lost_value(chain), with_plan.time_to_recover(chain)
        zh += f"；启用备份方案（{with_plan.meta['backup_sites']} 个备份站点）后损失为 {loss1 / YI:.2f} 亿元"
        en += (f"; with the backup plan ({with_plan.meta['backup_sites']} backup sites) the loss is "
               f"{loss1 / YI:.2f} × 100 million CNY")
        pen = with_plan.penalty_value(chain)
        if pen > 0:
            zh += f"（含降准备份质量损失 {pen / YI:.2f} 亿元）"
            en += f" (including {pen / YI:.2f} × 100 million CNY of reduced-standard quality loss)"
        if len(inter):  # the furthest tier reached, with and without the plan
            last_row = inter.iloc[-1]
            pf1 = with_plan.product_frame().set_index("product")
            if last_row["product"] in pf1.index:
                r1 = pf1.loc[last_row["product"]]
                if pd.notna(r1["onset_day"]) and r1["peak_reduction"] > result.meta["params"]["recovery_tolerance"]:
                    # the plan can deepen an intermediate tier's fall (more vehicles made draw more packs):
                    # say which way it went
                    verb = "降至" if r1["peak_reduction"] <= last_row["peak_reduction"] else "升至"
                    zh += (f"，{last_row['name_zh']} 最大减产由 {_pct(last_row['peak_reduction'])} {verb} "
                           f"{_pct(r1['peak_reduction'])}（第 {int(r1['onset_day'])} 天起）")
                    en += (f", {last_row['name_en']} falls by at most {_pct(r1['peak_reduction'])} instead of "
                           f"{_pct(last_row['peak_reduction'])} (from day {int(r1['onset_day'])})")
                else:
                    zh += f"，{last_row['name_zh']} 不再减产"
                    en += f", {last_row['name_en']} no longer falls"
        short0, short1 = result.output_shortfall_value(), with_plan.output_shortfall_value()
        if short1 < short0:
            zh += f"，各环节减产合计由 {short0 / YI:.2f} 亿元降至 {short1 / YI:.2f} 亿元"
            en += (f", output shortfall across tiers down from {short0 / YI:.2f} to {short1 / YI:.2f} × 100 million "
                   "CNY")
        if ttr1 == 0.0 and ttr != 0.0:
            zh += "，终端产品不再减产"
            en += ", and final products no longer fall"
        elif ttr != ttr1:
            verb = "缩短到" if _shorter(ttr1, ttr) else "变为"
            zh += f"，恢复时间由 {_days(ttr, True)}{verb} {_days(ttr1, True)}"
            en += f", time to recover from {_days(ttr, False)} to {_days(ttr1, False)}"
    if monte_carlo is not None:
        q = monte_carlo.percentiles()
        row = q[(q["chain"] == (chain or "all")) & (q["metric"] == "lost_value")].iloc[0]
        zh += (f"；蒙特卡洛 {monte_carlo.runs} 次：损失 P5/P50/P95 = {row['p5'] / YI:.2f}/{row['p50'] / YI:.2f}/"
               f"{row['p95'] / YI:.2f} 亿元")
        en += (f"; Monte Carlo over {monte_carlo.runs} runs: loss P5/P50/P95 = {row['p5'] / YI:.2f}/"
               f"{row['p50'] / YI:.2f}/{row['p95'] / YI:.2f} × 100 million CNY")
    return zh + "。", en + "."


def _shorter(a: float | None, b: float | None) -> bool:
    if a is None:
        return False
    return b is None or a < b


def explain_many(results: Mapping[str, SimulationResult]) -> dict[str, tuple[str, str]]:
    return {k: explain(r) for k, r in results.items()}
