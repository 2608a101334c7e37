"""Use case: run a shock scenario on a dataset, compare with/without its backup plan, write the results.

用例：在数据集上运行冲击情景（内置情景名或 YAML/JSON 文件），有备份方案时同时运行"无方案/有方案"
并对比；可选蒙特卡洛；给出中英文说明；指定 ``out`` 时写出 Parquet（有 pyarrow 时）+ CSV + JSON 摘要 + PNG 图。

    report = run_scenario("nev-jjj", "auto-chip-shortage", runs=1000, out=Path("out"))
    print(report.explanation_zh)
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.simulation import (
    Scenario,
    ScenarioError,
    SimulationResult,
    build_network,
    compare,
    parse_scenario,
    resolve,
    simulate,
)
from chainleader.analysis.simulation.errors import problem, suggest, suggestion_text
from chainleader.analysis.simulation.explain import explain
from chainleader.analysis.simulation.montecarlo import Engine, MonteCarloResult, run_monte_carlo
from chainleader.model.dataset import Dataset
from chainleader.model.errors import NotFoundError
from chainleader.services.datasets import load_dataset
from chainleader.services.jsonready import frame_records, json_ready

Progress = Callable[[str, int, int | None], None]
DEFAULTS = {"nev-jjj": "auto-chip-shortage", "ic-yrd": "advanced-equipment-controls"}
NO_PLAN, WITH_PLAN = "no_plan", "with_plan"


@dataclass(frozen=True)
class ScenarioInfo:
    id: str
    dataset: str
    name_zh: str
    name_en: str
    description_zh: str
    path: Path
    horizon_days: int
    shock_types: tuple[str, ...]
    has_backup_plan: bool
    uncertain: tuple[str, ...]


@dataclass
class SimulationReport:
    """What ``run_scenario`` returns: the runs, their comparison, Monte Carlo bands and explanations."""

    dataset: str
    scenario: Scenario
    results: dict[str, SimulationResult]
    comparison: pd.DataFrame
    monte_carlo: MonteCarloResult | None
    explanation_zh: str
    explanation_en: str
    files: list[Path] = field(default_factory=list)

    @property
    def primary(self) -> SimulationResult:
        return self.results.get(NO_PLAN) or next(iter(self.results.values()))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary (also written as summary.json)."""
        out: dict[str, Any] = {
            "dataset": self.dataset, "scenario": self.scenario.id, "title_zh": self.scenario.title_zh,
            "title_en": self.scenario.title_en, "source": self.scenario.source,
            "explanation_zh": self.explanation_zh, "explanation_en": self.explanation_en,
            "runs": {k: r.summary() for k, r in self.results.items()},
            "params": self.scenario.params.as_dict(),
            "warnings": self.primary.meta["warnings"],
            "files": [str(f) for f in self.files],
        }
        if self.monte_carlo is not None:
            mc = self.monte_carlo
            out["monte_carlo"] = {"runs": mc.runs, "seed": mc.seed, "workers": mc.workers, "engine": mc.engine,
                                  "uncertain": list(mc.params), "percentiles": frame_records(mc.percentiles())}
        return json_ready(out)


def _scenarios_root() -> Path:
    return Path(__file__).resolve().parents[1] / "datasets" / "scenarios"


def list_scenarios(dataset_name: str | None = None) -> list[ScenarioInfo]:
    """Bundled scenarios (``chainleader/datasets/scenarios/<dataset>/*.yaml``), of one dataset or all."""
    root = _scenarios_root()
    out = []
    folders = [root / dataset_name] if dataset_name else sorted(p for p in root.iterdir() if p.is_dir())
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted([*folder.glob("*.yaml"), *folder.glob("*.yml"), *folder.glob("*.json")]):
            s = parse_scenario(path.read_text(encoding="utf-8"), source=str(path), default_id=path.stem)
            out.append(ScenarioInfo(s.id, s.dataset or folder.name, s.name_zh, s.name_en, s.description_zh, path,
                                    s.horizon_days, tuple(sorted({sh.kind for sh in s.shocks})),
                                    s.backup_plan is not None, tuple(u.param for u in s.uncertain)))
    return out


def default_scenario(dataset_name: str) -> ScenarioInfo:
    """The scenario the demo runs for a bundled dataset."""
    infos = list_scenarios(dataset_name)
    if not infos:
        raise NotFoundError(f"数据集 {dataset_name!r} 没有内置情景 / no bundled scenario for dataset {dataset_name!r}")
    wanted = DEFAULTS.get(dataset_name)
    return next((i for i in infos if i.id == wanted), infos[0])


def load_scenario(scenario: Scenario | str | Path, dataset_name: str | None = None) -> Scenario:
    """A Scenario object, a YAML/JSON file path, or a bundled scenario id (of ``dataset_name`` if given)."""
    if isinstance(scenario, Scenario):
        return scenario
    path = Path(scenario)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
        if not path.exists():
            raise NotFoundError(f"情景文件不存在 / scenario file not found: {path}")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ScenarioError([problem(str(path), None, "", "encoding", "情景文件不是 UTF-8 编码",
                                         "the scenario file is not UTF-8", "用编辑器另存为 UTF-8",
                                         "save it as UTF-8 in your editor")], str(path)) from exc
        return parse_scenario(text, source=str(path), default_id=path.stem)
    infos = list_scenarios(dataset_name)
    for info in infos:
        if info.id == str(scenario) or info.path.stem == str(scenario):
            return parse_scenario(info.path.read_text(encoding="utf-8"), source=str(info.path),
                                  default_id=info.path.stem)
    names = [i.id for i in infos]
    szh, sen = suggestion_text(suggest(str(scenario), names))
    raise NotFoundError(
        f"没有名为 {scenario!r} 的内置情景{szh}；可选：{', '.join(names)}（或给出 YAML/JSON 文件路径） / "
        f"no bundled scenario named {scenario!r}{sen}; available: {', '.join(names)} (or give a YAML/JSON path)"
    )


def run_scenario(
    dataset: Dataset | str,
    scenario: Scenario | str | Path,
    *,
    runs: int = 1,
    seed: int = 0,
    workers: int | None = None,
    out: Path | None = None,
    progress: Progress | None = None,
    engine: Engine = "process",
) -> SimulationReport:
    """Run ``scenario`` on ``dataset``; with a backup plan, also without it. ``runs > 1``: Monte Carlo."""
    ds = dataset if isinstance(dataset, Dataset) else load_dataset(dataset)
    name = ds.name if isinstance(dataset, Dataset) else str(dataset)
    s = load_scenario(scenario, name if not Path(str(name)).exists() else None)
    if progress is not None:
        progress("network", 0, None)
    net = build_network(ds, home_country=s.params.home_country)
    plan = resolve(net, s)
    results: dict[str, SimulationResult] = {}
    if s.backup_plan is not None:
        results[NO_PLAN] = simulate(net, resolve(net, s.without_plan()), progress=progress)
        results[WITH_PLAN] = simulate(net, plan, progress=progress)
    else:
        results[NO_PLAN] = simulate(net, plan, progress=progress)
    mc = run_monte_carlo(net, plan, runs=runs, seed=seed, workers=workers, engine=engine,
                         progress=progress) if runs > 1 else None
    zh, en = explain(results[NO_PLAN], with_plan=results.get(WITH_PLAN), monte_carlo=mc)
    report = SimulationReport(name, s, results, compare(results), mc, zh, en)
    if out is not None:
        report.files = write_report(report, Path(out))
    return report


# --- output files -----------------------------------------------------------------------------------------
def write_report(report: SimulationReport, out: Path) -> list[Path]:
    """Tables as Parquet (when pyarrow is importable) and CSV, summary.json and chart.png."""
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, pd.DataFrame] = {
        "series": _stack({k: r.series_frame() for k, r in report.results.items()}),
        "products": _stack({k: r.product_frame() for k, r in report.results.items()}),
        "provinces": _stack({k: r.province_frame() for k, r in report.results.items()}),
        "enterprises": _stack({k: r.enterprise_frame() for k, r in report.results.items()}),
        "binding": _stack({k: r.binding_frame() for k, r in report.results.items()}),
        "comparison": report.comparison,
    }
    if report.monte_carlo is not None:
        tables["mc_percentiles"] = report.monte_carlo.percentiles()
        tables["mc_bands"] = report.monte_carlo.bands()
    files: list[Path] = []
    parquet = _has_pyarrow()
    for name, df in tables.items():
        csv = out / f"{name}.csv"
        df.to_csv(csv, index=False, encoding="utf-8-sig")
        files.append(csv)
        if parquet:
            pq = out / f"{name}.parquet"
            df.to_parquet(pq, index=False)
            files.append(pq)
    files.append(write_chart(report, out / "chart.png"))
    summary = out / "summary.json"
    report.files = files + [summary]
    summary.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return report.files


def _stack(frames: dict[str, pd.DataFrame]) -> pd.DataFrame:
    parts = [df.assign(run=k) for k, df in frames.items()]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    cols = ["run", *[c for c in df.columns if c != "run"]]
    return df[cols]


def _has_pyarrow() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def cjk_font() -> str | None:
    """The name of an installed CJK font matplotlib can use (e.g. Noto Sans CJK from fonts-noto-cjk)."""
    from matplotlib import font_manager

    for f in font_manager.fontManager.ttflist:
        if any(k in f.name for k in ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "SimHei",
                                     "Microsoft YaHei", "PingFang", "Heiti")):
            return str(f.name)
    return None


def write_chart(report: SimulationReport, path: Path) -> Path:
    """Two panels: chain final output vs baseline (each run, Monte Carlo P5–P95 band) and the hardest-hit products."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    zh = font is not None
    labels = {NO_PLAN: "无备份方案" if zh else "no backup plan", WITH_PLAN: "启用备份方案" if zh else "with backup plan"}
    rc: dict[str, Any] = {"font.family": [font, "DejaVu Sans"]} if font else {}
    rc["axes.unicode_minus"] = False
    with plt.rc_context(rc):  # type: ignore[arg-type]
        fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 8), sharex=True)
        if report.monte_carlo is not None:
            b = report.monte_carlo.bands()
            ax1.fill_between(b["day"], b["p5"] * 100, b["p95"] * 100, alpha=0.2, color="tab:blue",
                             label="蒙特卡洛 P5–P95" if zh else "Monte Carlo P5–P95")
        for key, r in report.results.items():
            ax1.plot(r.days, r.output_ratio() * 100, label=labels.get(key, key))
        ax1.set_ylabel("终端产品产出（% 基线）" if zh else "final-product output (% of baseline)")
        ax1.set_title(report.scenario.title_zh if zh else report.scenario.title_en)
        ax1.legend(loc="lower right")
        ax1.grid(alpha=0.3)
        r0 = report.primary
        pf = r0.product_frame().head(5)
        ids = list(r0.net.product_ids)
        for _, row in pf.iterrows():
            i = ids.index(row["product"])
            base = r0.base_out[i]
            ratio = r0.out[:, i] / base * 100 if base > 0 else np.full(len(r0.days), 100.0)
            ax2.plot(r0.days, ratio, label=row["name_zh"] if zh else row["name_en"])
        ax2.set_ylabel("产品产出（% 基线）" if zh else "product output (% of baseline)")
        ax2.set_xlabel("天" if zh else "day")
        if len(pf):
            ax2.legend(loc="lower right", fontsize=8)
        ax2.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return path


