"""Shared helpers for the import tests: the good dataset, CSV/XLSX writers, problem keys."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from chainleader.model.errors import ValidationReport
from chainleader.model.schema import enum_aliases, table

DATA = Path(__file__).resolve().parents[2] / "data"
GOOD = DATA / "good"
GOOD_CSV = GOOD / "csv"
BAD = DATA / "bad"

Rows = list[list[str]]


def read_table(path: Path, encoding: str = "utf-8") -> tuple[list[str], Rows]:
    with path.open(encoding=encoding, newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def write_table(path: Path, headers: list[str], rows: Rows, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(headers)
        w.writerows(rows)
    return path


def good_tables() -> dict[str, tuple[list[str], Rows]]:
    return {f.stem: read_table(f) for f in sorted(GOOD_CSV.glob("*.csv"))}


def copy_good(dest: Path) -> Path:
    folder = dest / "dataset"
    shutil.copytree(GOOD_CSV, folder)
    return folder


def errors(report: ValidationReport) -> set[tuple[str, str, int | None, str | None]]:
    return {(p.code, p.file, p.row, p.column) for p in report.errors}


def warnings(report: ValidationReport) -> set[tuple[str, str, int | None, str | None]]:
    return {(p.code, p.file, p.row, p.column) for p in report.warnings}


def chinese(table_name: str, headers: list[str], rows: Rows) -> tuple[str, list[str], Rows]:
    """The same table with Chinese sheet name, Chinese headers and Chinese enum values."""
    t = table(table_name)
    zh_headers = [t.column(h).zh for h in headers]
    out: Rows = []
    for row in rows:
        new = []
        for h, v in zip(headers, row, strict=True):
            col = t.column(h)
            if col.enum and v:
                to_zh = {value: zh for value, zh in col.enum}
                v = "、".join(to_zh[i] for i in v.split(";")) if col.type == "list" else to_zh[v]
            elif col.type == "bool" and v:
                v = {"true": "是", "false": "否"}[v.lower()]
            new.append(v)
        out.append(new)
    assert all(enum_aliases(t.column(h)) for h in headers if t.column(h).enum)
    return t.zh, zh_headers, out


def write_xlsx(path: Path, sheets: dict[str, tuple[list[str], Rows]], numbers: bool = True) -> Path:
    """Write sheets; with ``numbers`` numeric-looking cells of numeric columns become Excel numbers."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, (headers, rows) in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(headers)
        for row in rows:
            ws.append([_cell(v) if numbers else (v or None) for v in row])
    wb.save(path)
    return path


def _cell(v: str) -> object:
    if v == "":
        return None
    if v.isdigit() and not v.startswith("0") and len(v) < 15:
        return int(v)
    try:
        if "." in v and v.replace(".", "", 1).isdigit():
            return float(v)
    except ValueError:
        pass
    return v
