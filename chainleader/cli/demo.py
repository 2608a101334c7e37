"""Printing the demo: the chain-leader office's first screen, in the terminal."""

from __future__ import annotations

from rich.panel import Panel

from chainleader.cli.output import OutputFormat, console, print_frame, print_register
from chainleader.cli.progress import table_progress, write_progress
from chainleader.services.demo import DemoResult
from chainleader.services.demo import run_demo as _run


def run_demo(db: str | None, dataset: str, *, progress_enabled: bool) -> DemoResult:
    with table_progress("校验 validate", progress_enabled) as cb, write_progress("写入 write", progress_enabled) as wcb:
        return _run(db, dataset, progress=cb, write_progress=wcb)


def print_demo(r: DemoResult) -> None:
    s = r.summary
    label = "（示意数据 illustrative data：地区、国家、产品结构与汇总数据真实，企业虚构）" if s.illustrative else ""
    console.print(
        Panel.fit(
            f"[bold]{s.title_zh}[/bold]\n{s.title_en}\n{label}\n"
            f"数据库 database: {r.db_url}\n数据集 dataset: {s.name} 版本 version {r.version.number}",
            title="chainleader demo",
        )
    )
    counts = ", ".join(f"{k} {v:,}" for k, v in s.counts.items() if v)
    console.print(f"行数 rows: {counts}")
    print_frame(s.chains, OutputFormat.table, "产业链 chains")
    print_frame(s.tiers, OutputFormat.table, "链位分层 tiers (上游/中游/下游)")
    print_frame(s.by_province.head(15), OutputFormat.table, "企业按省份 enterprises by province (top 15)")
    print_frame(s.by_country.head(12), OutputFormat.table,
                f"企业按国家 enterprises by country (top 12 of {len(s.by_country)})")
    if len(s.import_dependence):
        dep = s.import_dependence.copy()
        for col in ("gross_dependence", "net_dependence", "top_source_share"):
            dep[col] = dep[col].map(lambda v: "-" if v != v else f"{v:.1%}")
        dep = dep.rename(columns={"name_zh": "产品 product", "gross_dependence": "总依存度 gross M/C",
                                  "net_dependence": "净依存度 net (M−X)/C", "top_source": "主要来源国 top source",
                                  "top_source_share": "占比 share", "year": "年份 year"}).drop(columns=["product"])
        print_frame(dep, OutputFormat.table,
                    "进口依赖度最高的产品 most import-dependent products (C = Q + M − X 表观消费量)")

    if r.register is not None:
        reg = r.register
        c = reg.severity_counts()
        console.print(
            f"[bold]断链风险点 risk register[/bold]：[red]红 {c['red']}[/red] · [yellow]黄 {c['yellow']}[/yellow] · "
            f"[blue]蓝 {c['blue']}[/blue]（TTR/TTS LP: {reg.metadata.get('lp_status')}）"
        )
        print_register(reg.to_frame().head(15))
        console.print("完整清单 full register: chainleader assess --dataset " + s.name + " --out 风险清单.xlsx")
    if r.simulation is not None:
        sim = r.simulation
        console.print(f"[bold]冲击情景 shock scenario[/bold]：{sim.scenario.title_zh} / {sim.scenario.title_en}")
        comp = sim.comparison[sim.comparison["key"].isin(["lost_value_yi", "time_to_recover_days", "peak_loss"])]
        print_frame(comp.drop(columns=["key"]), OutputFormat.table)
        console.print(sim.explanation_zh)
        console.print("更多情景 more scenarios: chainleader scenarios · chainleader simulate cobalt-cd-cut --runs 200")
