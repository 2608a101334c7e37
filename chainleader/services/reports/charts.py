"""The chart of one simulation in the report language (the same two panels as ``services.simulate.write_chart``).

情景图（报告语言）：上图为终端产品产出占基线比例（各方案；有蒙特卡洛时给出 P5–P95 区间），
下图为无备份方案时减产最多的产品。
"""

from __future__ import annotations

import io
from typing import Any

from chainleader.services.reports.labels import Lang, t
from chainleader.services.reports.sections import run_label, scenario_series
from chainleader.services.simulate import SimulationReport, cjk_font


def scenario_chart_png(sim: SimulationReport, lang: Lang = "zh", *, dpi: int = 130) -> bytes:
    """Two panels (final output vs baseline per run; the hardest-hit products without the plan) as PNG."""
    import matplotlib as mpl
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    rc: dict[str, Any] = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
                          "axes.unicode_minus": False}
    series = scenario_series(sim, lang)
    primary_label = run_label(next(iter(sim.results)), lang)
    all_label = t("series_all", lang)
    with mpl.rc_context(rc):  # type: ignore[arg-type]
        fig = Figure(figsize=(9, 6.4), dpi=dpi)
        FigureCanvasAgg(fig)
        ax1, ax2 = fig.subplots(2, 1, sharex=True)
        if sim.monte_carlo is not None:
            b = sim.monte_carlo.bands()
            ax1.fill_between(b["day"], b["p5"] * 100, b["p95"] * 100, alpha=0.2, color="tab:blue",
                             label=t("mc_band", lang))
        days = series.index.to_numpy()
        for (run, name), values in series.items():
            if name == all_label:
                ax1.plot(days, values, label=run)
        ax1.set_ylabel(t("output_pct", lang))
        ax1.set_title(sim.scenario.title_zh if lang == "zh" else sim.scenario.title_en, fontsize=11)
        ax1.legend(loc="lower right", fontsize=8)
        ax1.grid(alpha=0.3)
        n_products = 0
        for (run, name), values in series.items():
            if run == primary_label and name != all_label:
                ax2.plot(days, values, label=name)
                n_products += 1
        ax2.set_ylabel(t("product_pct", lang))
        ax2.set_xlabel(t("col_day", lang))
        if n_products:
            ax2.legend(loc="lower right", fontsize=7)
        ax2.grid(alpha=0.3)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()
