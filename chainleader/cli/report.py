"""``chainleader report``: one command makes the PDF or Excel report of a chain's assessment.

    chainleader report nev-jjj --chain nev --format pdf --scenario cobalt-cd-cut --out 报告.pdf
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from chainleader.cli.output import console, err_console
from chainleader.cli.progress import table_progress


class ReportFormat(StrEnum):
    pdf = "pdf"
    xlsx = "xlsx"


def report_cmd(
    dataset: Annotated[str, typer.Argument(help=(
        "内置数据集名称或文件/文件夹路径；与 --db 合用时为库中数据集名称 / bundled name or path; "
        "with --db, a stored dataset name"))] = "nev-jjj",
    chain: Annotated[str | None, typer.Option(help="产业链编号（默认数据集的第一条链） / chain id (default: the first)")] = None,
    fmt: Annotated[ReportFormat | None, typer.Option("--format", "-f", help=(
        "pdf | xlsx（默认取 --out 的扩展名，否则 pdf） / default: the --out suffix, else pdf"))] = None,
    scenario: Annotated[list[str] | None, typer.Option("--scenario", "-s", help=(
        "内置情景编号或 YAML/JSON 文件，可重复；默认运行数据集的默认情景 / scenario id or file, repeatable; "
        "default: the dataset's default scenario"))] = None,
    no_scenarios: Annotated[bool, typer.Option("--no-scenarios", help="不运行情景模拟 / run no scenario")] = False,
    lang: Annotated[str, typer.Option("--lang", help="zh | en")] = "zh",
    out: Annotated[Path | None, typer.Option("--out", "-o", help=(
        "输出文件或文件夹（默认当前目录） / output file or folder (default: current folder)"))] = None,
    reader: Annotated[str, typer.Option(help="封面上的阅读人（姓名与角色） / reader shown on the cover")] = "",
    lp: Annotated[bool, typer.Option("--lp/--no-lp", help="TTR/TTS 线性规划压力测试 / run the TTR/TTS LPs")] = True,
    db: Annotated[str | None, typer.Option("--db", help="数据库 URL：从库中读取数据集 / read the dataset from a database")] = None,
    version: Annotated[int | None, typer.Option(help="库中版本号（默认最新） / stored version")] = None,
) -> None:
    """生成产业链评估报告（PDF 或 Excel） / write a chain assessment report (PDF or Excel)."""
    from chainleader.services.reports import build_chain_report, default_filename, write_report
    from chainleader.services.reports.model import check_lang

    lang_ = check_lang(lang)
    suffix = out.suffix.lower().lstrip(".") if out is not None and out.suffix else ""
    if fmt is None:
        fmt = ReportFormat(suffix) if suffix in ("pdf", "xlsx") else ReportFormat.pdf
    elif suffix and suffix != fmt.value:
        raise typer.BadParameter(f"--out 的扩展名 .{suffix} 与 --format {fmt.value} 不一致 / "
                                 f"the --out suffix .{suffix} does not match --format {fmt.value}")
    if no_scenarios and scenario:
        raise typer.BadParameter("--scenario 与 --no-scenarios 不能同时使用 / use --scenario or --no-scenarios, not both")
    scenarios: list[str] | None = [] if no_scenarios else (list(scenario) if scenario else None)
    with table_progress("报告 report", err_console.is_terminal) as cb:
        report = build_chain_report(dataset, chain, scenarios=scenarios, lang=lang_, reader=reader, with_lp=lp,
                                    db_url=db, use_store=db is not None, version=version, progress=cb)
        cb("render", 0, 1)
        if out is None or out.is_dir() or not out.suffix:
            folder = out or Path.cwd()
            path = folder / default_filename(report, fmt.value)
        else:
            path = out
        written = write_report(report, path, fmt.value)
        cb("render", 1, 1)
    console.print(str(written), markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``report`` command to ``app``."""
    app.command("report")(report_cmd)
