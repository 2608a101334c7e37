"""Rendering DataFrames and messages for the terminal: rich tables, JSON or CSV."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table


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


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    if value is pd.NA:
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def frame_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _jsonable(v) for k, v in row.items()} for row in df.to_dict(orient="records")]


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
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_jsonable) + "\n")


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
