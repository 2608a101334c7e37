"""The ``chainleader`` command: thin typer commands over chainleader.services."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from chainleader.cli.output import (
    OutputFormat,
    console,
    err_console,
    print_frame,
    print_json,
    print_register,
    print_simulation,
)
from chainleader.cli.progress import table_progress, write_progress
from chainleader.model.errors import ChainleaderError, ValidationError
from chainleader.services import datasets as svc

app = typer.Typer(
    name="chainleader",
    help="产业链供应链韧性与安全平台（链长制） / industrial-chain resilience platform for the chain-leader system",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="数据库管理 / database management", no_args_is_help=True)
app.add_typer(db_app, name="db")

_state = {"debug": False}

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="数据库 URL（默认嵌入式 SQLite；也可用环境变量 CHAINLEADER_DB） / database URL"),
]
FormatOpt = Annotated[OutputFormat, typer.Option("--format", "-f", help="输出格式 / output format")]
LangOpt = Annotated[str, typer.Option("--lang", help="zh | en")]


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="出错时显示完整回溯 / show tracebacks")] = False,
) -> None:
    _state["debug"] = debug


def _progress_enabled() -> bool:
    return err_console.is_terminal


@app.command("datasets")
def datasets_cmd(db: DbOpt = None, fmt: FormatOpt = OutputFormat.table, stored: bool = typer.Option(
        False, "--stored", help="同时列出数据库中的数据集版本 / also list dataset versions in the database")) -> None:
    """列出内置数据集（及数据库中的版本） / list bundled datasets (and stored versions)."""
    rows = [
        {"name": b.name, "title_zh": b.title_zh, "title_en": b.title_en, "illustrative": b.illustrative}
        for b in svc.bundled_datasets()
    ]
    print_frame(pd.DataFrame(rows), fmt, "内置数据集 / bundled datasets")
    if stored:
        vrows = [v.__dict__ for v in svc.stored_versions(db)]
        print_frame(pd.DataFrame(vrows), fmt, "数据库中的数据集版本 / stored dataset versions")


@app.command("validate")
def validate_cmd(
    source: Annotated[str, typer.Argument(help="内置数据集名称或 .xlsx/.json 文件、CSV 文件夹 / dataset name or path")],
    encoding: Annotated[str | None, typer.Option(help="强制文本编码 / force encoding: utf-8 | gbk | gb18030")] = None,
    fmt: FormatOpt = OutputFormat.table,
    lang: LangOpt = "zh",
) -> None:
    """校验数据文件，不写入数据库 / validate a data source without writing anything."""
    with table_progress("校验 validate", _progress_enabled()) as cb:
        report, encodings = svc.validate_source(source, encoding=encoding, progress=cb)
    if fmt is OutputFormat.table:
        for f, enc in sorted(encodings.items()):
            err_console.print(f"[dim]{f}: {enc}[/dim]")
        if report.problems:
            console.print(report.format(lang, limit=None))
        n_err, n_warn = len(report.errors), len(report.warnings)
        msg = (f"{n_err} 个错误，{n_warn} 个警告" if lang == "zh" else f"{n_err} errors, {n_warn} warnings")
        console.print(("[red]" if n_err else "[green]") + msg)
    else:
        print_frame(pd.DataFrame([p.as_dict() for p in report.problems]), fmt)
    if not report.ok:
        raise typer.Exit(1)


@app.command("import")
def import_cmd(
    source: Annotated[str, typer.Argument(help="内置数据集名称或文件/文件夹路径 / dataset name or path")],
    db: DbOpt = None,
    name: Annotated[str | None, typer.Option(help="数据集名称（默认取 meta.name 或文件名） / dataset name")] = None,
    encoding: Annotated[str | None, typer.Option(help="utf-8 | gbk | gb18030")] = None,
    note: Annotated[str, typer.Option(help="版本说明 / version note")] = "",
) -> None:
    """导入数据（整体校验，出错则不写入任何数据） / import a dataset as a new version, all or nothing."""
    with table_progress("校验 validate", _progress_enabled()) as cb, write_progress(
        "写入 write", _progress_enabled()
    ) as wcb:
        result = svc.import_into_store(source, db, name=name, encoding=encoding, note=note,
                                       progress=cb, write_progress=wcb)
    v = result.version
    for p in result.report.warnings[:20]:
        err_console.print(f"[yellow]{p.format('zh')}")
    if len(result.report.warnings) > 20:
        err_console.print(f"[yellow]... 另有 {len(result.report.warnings) - 20} 条警告 / more warnings")
    if v.created:
        console.print(f"[green]已导入 imported[/green] {v.dataset} 版本 version {v.number}: "
                      + ", ".join(f"{k} {n:,}" for k, n in v.counts.items() if n))
    else:
        console.print(f"[cyan]内容未变化，沿用 unchanged, kept[/cyan] {v.dataset} 版本 version {v.number}")


@app.command("export")
def export_cmd(
    dataset: Annotated[str, typer.Argument(help="数据库中的数据集名称 / dataset name in the database")],
    out: Annotated[Path, typer.Argument(help=".xlsx / .json 文件或 CSV 文件夹 / output path")],
    db: DbOpt = None,
    version: Annotated[int | None, typer.Option(help="版本号（默认最新） / version number (default latest)")] = None,
    headers: Annotated[str, typer.Option(help="表头语言 / header language: en | zh")] = "en",
) -> None:
    """导出数据集版本 / export a dataset version to Excel, CSV or JSON."""
    path = svc.export_from_store(db, dataset, out, number=version, headers=headers)
    console.print(f"[green]已导出 exported[/green] {path}")


@app.command("template")
def template_cmd(
    out: Annotated[Path, typer.Argument(help=".xlsx 文件或 CSV 文件夹 / output path")],
    lang: LangOpt = "zh",
) -> None:
    """生成空白数据模板（含示例行与表头说明） / write a blank template with example rows and notes."""
    path = svc.write_template(out, lang=lang)
    console.print(f"[green]模板已生成 template written[/green] {path}")


@app.command("generate")
def generate_cmd(
    out: Annotated[Path, typer.Argument(help="输出 CSV 文件夹 / output CSV folder")],
    firms: Annotated[int, typer.Option("--firms", min=1, max=10_000_000, help="企业数 / enterprises")] = 1000,
    products: Annotated[int, typer.Option("--products", min=6, max=1_000_000, help="产品数 / products")] = 100,
    seed: Annotated[int, typer.Option("--seed", min=0, help="随机种子 / seed")] = 0,
    links: Annotated[int | None, typer.Option("--links", min=0, help="供应关系数 / supply links")] = None,
) -> None:
    """生成合成数据集（用于测试与基准） / write a seeded synthetic dataset (tests, benchmarks)."""
    from chainleader.services.generate import generate_csv

    with table_progress("生成 generate", _progress_enabled()) as cb:
        counts = generate_csv(out, firms, products, seed=seed, links=links,
                              progress=lambda t, d, n: cb(t, d, n))
    console.print(f"[green]已生成 written[/green] {out}: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


@app.command("assess")
def assess_cmd(
    dataset: Annotated[str | None, typer.Option("--dataset", "-d", help=(
        "内置数据集名称或文件/文件夹路径；与 --db 合用时为库中数据集名称 / bundled name or path; "
        "with --db, a stored dataset name"))] = None,
    db: DbOpt = None,
    version: Annotated[int | None, typer.Option(help="库中版本号（默认最新） / stored version")] = None,
    chain: Annotated[str | None, typer.Option(help="产业链编号 / chain id")] = None,
    region: Annotated[str | None, typer.Option(help="行政区划代码或区域分组 / division code or region group")] = None,
    stage: Annotated[str | None, typer.Option(help="链位 upstream|midstream|downstream（或 上游/中游/下游）")] = None,
    severity: Annotated[list[str] | None, typer.Option(help="red|yellow|blue（可重复 / repeatable）")] = None,
    top: Annotated[int, typer.Option(min=1, max=100_000, help="显示前 N 个 / show the top N")] = 15,
    lp: Annotated[bool, typer.Option("--lp/--no-lp", help="TTR/TTS 线性规划压力测试 / run the TTR/TTS LPs")] = True,
    out: Annotated[Path | None, typer.Option(help="导出 .xlsx / .csv / .json / export the register")] = None,
    fmt: FormatOpt = OutputFormat.table,
    lang: LangOpt = "zh",
) -> None:
    """断链风险点评估：打印风险清单 / assess chain-break risk points and print the risk register."""
    from chainleader.services.assess import assess_dataset

    result = assess_dataset(dataset, db_url=db, use_store=db is not None, version=version, chain=chain,
                            region=region, with_lp=lp)
    reg = result.register
    if stage is not None or severity:
        reg = reg.filter(stage=stage, severity=severity or None)
    if out is not None:
        suffix = out.suffix.lower()
        if suffix == ".xlsx":
            reg.to_xlsx(out)
        elif suffix == ".csv":
            reg.to_csv(out)
        elif suffix == ".json":
            reg.to_json(out)
        else:
            raise typer.BadParameter(f"{out}: 请用 .xlsx / .csv / .json / use .xlsx, .csv or .json")
        err_console.print(f"[green]风险清单已导出 register written[/green] {out}")
    frame = reg.to_frame().head(top)
    if fmt is not OutputFormat.table:
        print_frame(frame, fmt)
        return
    counts = reg.severity_counts()
    meta = reg.metadata
    console.print(
        f"[bold]风险清单 risk register[/bold] — {result.dataset.name}"
        + (f" 版本 version {meta.get('version')}" if meta.get("version") else "")
        + f"：[red]红 {counts['red']}[/red] · [yellow]黄 {counts['yellow']}[/yellow] · [blue]蓝 {counts['blue']}[/blue]"
        + f"（LP: {meta.get('lp_status')}）"
    )
    print_register(frame, lang)
    if result.run_id is not None:
        err_console.print(f"[dim]已记录评估运行 recorded analysis run #{result.run_id}[/dim]")


@app.command("scenarios")
def scenarios_cmd(
    dataset: Annotated[str | None, typer.Option("--dataset", "-d", help="内置数据集 / bundled dataset")] = None,
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """列出内置冲击情景 / list bundled shock scenarios."""
    from chainleader.services.simulate import list_scenarios

    rows = [{"id": i.id, "dataset": i.dataset, "name_zh": i.name_zh, "name_en": i.name_en,
             "horizon_days": i.horizon_days, "shocks": ",".join(i.shock_types),
             "backup_plan": i.has_backup_plan, "uncertain": ",".join(i.uncertain)}
            for i in list_scenarios(dataset)]
    print_frame(pd.DataFrame(rows), fmt, "冲击情景 scenarios")


@app.command("simulate")
def simulate_cmd(
    scenario: Annotated[str, typer.Argument(help="内置情景编号或 YAML/JSON 文件 / scenario id or file")],
    dataset: Annotated[str, typer.Option("--dataset", "-d", help="内置数据集或路径 / dataset")] = "nev-jjj",
    runs: Annotated[int, typer.Option(min=1, max=100_000, help="蒙特卡洛次数 / Monte Carlo runs")] = 1,
    seed: Annotated[int, typer.Option(min=0, help="随机种子 / seed")] = 0,
    workers: Annotated[int | None, typer.Option(min=1, max=256, help="进程数 / worker processes")] = None,
    engine: Annotated[str, typer.Option(help="process | ray | serial")] = "process",
    out: Annotated[Path | None, typer.Option(help="结果目录（Parquet/CSV/JSON/图） / output folder")] = None,
    fmt: FormatOpt = OutputFormat.table,
    lang: LangOpt = "zh",
) -> None:
    """运行冲击情景，模拟断供沿产业链的传导 / simulate a shock scenario propagating through the chain."""
    from chainleader.services.simulate import run_scenario

    if engine not in ("process", "ray", "serial"):
        raise typer.BadParameter("engine: process | ray | serial")
    with table_progress("模拟 simulate", _progress_enabled()) as cb:
        report = run_scenario(dataset, scenario, runs=runs, seed=seed, workers=workers, out=out,
                              progress=cb, engine=engine)  # type: ignore[arg-type]
    if fmt is not OutputFormat.table:
        print_json(report.as_dict())
        return
    print_simulation(report, lang)


@db_app.command("upgrade")
def db_upgrade_cmd(db: DbOpt = None) -> None:
    """把数据库升级到最新结构 / migrate the database to the latest schema."""
    url = svc.upgrade_database(db)
    console.print(f"[green]数据库已是最新结构 database at head[/green] {url}")


@app.command("demo")
def demo_cmd(
    db: DbOpt = None,
    dataset: Annotated[str, typer.Option(help="内置数据集 / bundled dataset")] = "nev-jjj",
    fmt: FormatOpt = OutputFormat.table,
) -> None:
    """把内置数据集装入全新的嵌入式数据库并打印摘要 / load a bundled chain into a fresh database and summarise."""
    from chainleader.cli.demo import run_demo

    result = run_demo(db, dataset, progress_enabled=_progress_enabled())
    if fmt is OutputFormat.table:
        from chainleader.cli.demo import print_demo

        print_demo(result)
    else:
        print_json(result.as_dict())


def _register_commands() -> None:
    from chainleader.cli import report, serve

    report.register(app)
    serve.register(app)


_register_commands()


def main(argv: list[str] | None = None) -> None:
    """Entry point: clean bilingual errors, exit 1, no traceback unless --debug."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        app(args=args, standalone_mode=False)
    except ValidationError as exc:
        err_console.print(f"[red]导入被拒绝，未写入任何数据 / refused, nothing was written:[/red] {exc.source}")
        err_console.print(exc.report.format("zh", limit=200), markup=False, highlight=False)
        err_console.print(exc.report.format("en", limit=20), markup=False, highlight=False)
        if debug:
            traceback.print_exc()
        sys.exit(1)
    except ChainleaderError as exc:
        err_console.print(f"[red]错误 error:[/red] {exc}", highlight=False)
        if debug:
            traceback.print_exc()
        sys.exit(1)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("[red]已取消 aborted")
        sys.exit(1)
    except Exception as exc:
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        err_console.print(f"[red]内部错误 internal error:[/red] {type(exc).__name__}: {exc}", highlight=False)
        err_console.print("请加 --debug 重试并报告此问题 / rerun with --debug and report this", highlight=False)
        if debug:
            traceback.print_exc()
        sys.exit(1)
