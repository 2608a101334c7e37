"""Rendering DataFrames and messages for the terminal: rich tables, JSON or CSV."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from chainleader.services.jsonready import frame_records, json_ready


def _width() -> int | None:
    # Pipes and CI logs get a wide table instead of rich's 80-column default.
    import shutil

    return None if sys.stdout.isatty() else max(140, shutil.get_terminal_size((140, 40)).columns)


console = Console(width=_width())
err_console = Console(stderr=True)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def print_frame(df: pd.DataFrame, fmt: OutputFormat, title: str = "", *, floatfmt: str = "{:,.4g}") -> None:
    """Print one table in the chosen format (JSON and CSV go to stdout unadorned, for pipes)."""
    if fmt is OutputFormat.json:
        sys.stdout.write(json.dumps(frame_records(df), ensure_ascii=False, indent=2) + "\n")
        return
    if fmt is OutputFormat.csv:
        df.to_csv(sys.stdout, index=False)
        return
    t = Table(title=title or None, title_justify="left", header_style="bold")
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
        t.add_column(str(col), justify="right" if numeric else "left")
    for row in df.itertuples(index=False, name=None):
        cells = []
        for v in row:
            if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
                cells.append("-")
            elif isinstance(v, float):
                cells.append(floatfmt.format(v))
            else:
                cells.append(str(v))
        t.add_row(*cells)
    console.print(t)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=json_ready) + "\n")


SEVERITY_ZH = {"red": "红", "yellow": "黄", "blue": "蓝"}


def print_register(frame: pd.DataFrame, lang: str = "zh") -> None:
    rows = pd.DataFrame(
        {
            "#": range(1, len(frame) + 1),
            "等级 level": [f"{SEVERITY_ZH.get(s, s)} {s}" for s in frame["severity"]],
            "分值 score": frame["score"].round(2),
            "说明 explanation": frame["explanation_zh" if lang == "zh" else "explanation_en"],
        }
    )
    print_frame(rows, OutputFormat.table)


def print_simulation(report: Any, lang: str = "zh", top_products: int = 10) -> None:
    """Headline comparison, the products that lose most, the explanation, and where files went."""
    s = report.scenario
    console.print(f"[bold]{s.title_zh}[/bold] / {s.title_en}（{report.dataset}，{s.horizon_days} 天 days）")
    comp = report.comparison.drop(columns=["key"])
    print_frame(comp, OutputFormat.table, "情景对比 scenario comparison")
    prod = report.primary.product_frame()
    if len(prod):
        prod = prod[prod["lost_output_value"] > 0].sort_values("lost_output_value", ascending=False).head(top_products)
        view = pd.DataFrame({
            "产品 product": prod["name_zh"],
            "终端 final": prod["final"].map({True: "是", False: ""}),
            "减产起始日 onset day": prod["onset_day"],
            "最大减产 peak": prod["peak_reduction"].map(lambda v: f"{v:.0%}"),
            "最大减产日 peak day": prod["peak_day"],
            "恢复日 recovered": prod["recovered_day"],
            "产出损失(亿元) lost output": (prod["lost_output_value"] / 1e8).round(3),
        })
        print_frame(view, OutputFormat.table, "减产产品（无备份方案） products losing output (no plan)")
    console.print(report.explanation_zh if lang == "zh" else report.explanation_en)
    if report.monte_carlo is not None:
        print_frame(report.monte_carlo.percentiles(), OutputFormat.table,
                    f"蒙特卡洛 Monte Carlo ({report.monte_carlo.runs} runs, P5/P50/P95)")
    for f in report.files:
        err_console.print(f"[dim]{f}[/dim]")
