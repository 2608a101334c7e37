"""Reading an .xlsx workbook: one sheet per table, formulas refused, cells as text.

The workbook is read with openpyxl in read-only mode *without* ``data_only`` so formula
cells are seen as formulas. Every formula cell is an error (``excel_formula``): its cached
result, when the file has one, is shown in the message but never used. Row numbers are
sheet row numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from chainleader.model.schema import Table, table
from chainleader.store.io.problems import Place, ProblemSink
from chainleader.store.io.readers import (
    ChunkSource,
    HeaderMap,
    RawChunk,
    TableInput,
    cell_text,
    find_header,
    map_headers,
    table_for,
)

_FORMULA_FIX = (
    "选中这些单元格，复制后选择性粘贴为数值（开始 → 粘贴 → 值），保存后重新导入",
    "copy the cells and Paste Special -> Values in Excel, save and import again",
)


def _open(path: Path, data_only: bool) -> Any:
    import openpyxl

    return openpyxl.load_workbook(path, read_only=True, data_only=data_only)


def excel_inputs(path: Path, sink: ProblemSink) -> list[TableInput]:
    wb = _open(path, data_only=False)
    out: list[TableInput] = []
    seen: dict[str, str] = {}
    try:
        for ws in wb.worksheets:
            name = table_for(ws.title)
            place = Place(path.name, name or ws.title)
            if name is None:
                sink.warning(place, None, None, "unknown_table", (
                    f"工作表“{ws.title}”不是已知的数据表，已忽略",
                    f"sheet {ws.title!r} is not a known table and was ignored",
                    "把工作表改名为表名（如 products 或 产品环节），不需要的工作表可以删除",
                    "rename the sheet to a table name (e.g. products or 产品环节) or delete it"))
                continue
            if name in seen:
                sink.error(place, None, None, "duplicate_table", (
                    f"工作表“{ws.title}”与“{seen[name]}”都对应表 {name}",
                    f"sheets {ws.title!r} and {seen[name]!r} both hold table {name}",
                    "把两个工作表的数据合并到一个工作表中", "merge the two sheets into one"))
                continue
            seen[name] = ws.title
            t = table(name)
            header_row, headers = _header(ws, t)
            if header_row is None:
                continue  # an empty sheet holds no rows; a required table is reported as missing
            hmap = map_headers(t, headers)
            total = None if ws.max_row is None else max(0, ws.max_row - header_row)
            out.append(TableInput(place, t, hmap, _reader(path, ws.title, header_row, hmap, place), total))
    finally:
        wb.close()
    return out


def _header(ws: Any, t: Table) -> tuple[int | None, list[str]]:
    """(sheet row number of the header, header cells); title rows above it are skipped."""
    head: list[list[str]] = []
    for row in ws.iter_rows(values_only=True, max_row=20):
        head.append([cell_text(v) or "" for v in row])
    k = find_header(t, head)
    return (None, []) if k is None else (k + 1, head[k])


def _date_cell(sink: ProblemSink, place: Place, row: int, col: str, kind: str, text: str) -> None:
    """A cell Excel stores as a date in a column that is not a date: Excel auto-formatting."""
    if kind in ("int", "float"):
        sink.error(place, row, col, "excel_date_in_number", (
            f"数值列 {col} 的单元格是日期格式（显示为 {text}），多为 Excel 把数字自动显示成了日期",
            f"the numeric column {col} has a date cell ({text}), usually Excel auto-formatting a number",
            "把单元格格式改为“常规”或“数值”，重新输入正确的数值",
            "set the cell format to General or Number and type the number again"), text)
    else:
        sink.error(place, row, col, "excel_date_cell", (
            f"列 {col} 的单元格被 Excel 存成了日期（{text}），原来的内容已被改写",
            f"Excel stored the cell of column {col} as a date ({text}); what was typed has been changed",
            "把该列单元格格式设为“文本”，再重新输入原来的内容",
            "format the column as Text and type the original content again"), text)


def _reader(path: Path, sheet: str, header_row: int, hmap: HeaderMap, place: Place) -> ChunkSource:
    types = {c.name: c.type for c in table(place.table).columns}

    def read(size: int, sink: ProblemSink) -> Iterator[RawChunk]:
        wb = _open(path, data_only=False)
        formulas: list[tuple[int, str, str]] = []  # (row, column, formula)
        try:
            ws = wb[sheet]
            buf: list[tuple[int, list[str | None], list[str]]] = []
            for r, row in enumerate(ws.iter_rows(min_row=header_row + 1), start=header_row + 1):
                cells: list[str | None] = []
                flagged: list[str] = []
                for col, pos in hmap.positions.items():
                    cell = row[pos] if pos < len(row) else None
                    value = None if cell is None else cell.value
                    kind = None if cell is None else cell.data_type
                    if kind == "f":
                        formulas.append((r, col, str(value)))
                        flagged.append(col)
                        cells.append(str(value))
                    elif kind == "e":
                        sink.error(place, r, col, "excel_error", (
                            f"单元格是 Excel 错误值 {value}", f"the cell holds the Excel error value {value}",
                            "改正或清空该单元格", "correct or clear the cell"), str(value))
                        flagged.append(col)
                        cells.append(str(value))
                    elif value is not None and getattr(cell, "is_date", False) and \
                            types[col] not in ("date", "str"):
                        _date_cell(sink, place, r, col, types[col], cell_text(value) or "")
                        flagged.append(col)
                        cells.append(cell_text(value))
                    else:
                        cells.append(cell_text(value))
                buf.append((r, cells, flagged))
                if len(buf) >= size:
                    yield _chunk(hmap, buf)
                    buf = []
            if buf:
                yield _chunk(hmap, buf)
        finally:
            wb.close()
        if formulas:
            _report_formulas(path, sheet, place, formulas, sink)

    return read


def _chunk(hmap: HeaderMap, buf: list[tuple[int, list[str | None], list[str]]]) -> RawChunk:
    cols = list(hmap.positions)
    numbers = np.array([r for r, _, _ in buf], dtype=np.int64)
    columns = {c: pa.array([cells[i] for _, cells, _ in buf], type=pa.string()) for i, c in enumerate(cols)}
    skip: dict[str, np.ndarray] = {}
    for k, (_, _, flagged) in enumerate(buf):
        for c in flagged:
            skip.setdefault(c, np.zeros(len(buf), dtype=bool))[k] = True
    return RawChunk(columns, numbers, skip)


def _report_formulas(path: Path, sheet: str, place: Place, formulas: list[tuple[int, str, str]],
                     sink: ProblemSink) -> None:
    """One excel_formula error per formula cell, naming the cached result if the file has one."""
    t = table(place.table)
    cached: dict[tuple[int, str], object] = {}
    wanted = {(r, c) for r, c, _ in formulas}
    last = max(r for r, _, _ in formulas)
    wb = _open(path, data_only=True)
    try:
        ws = wb[sheet]
        header_row, headers = _header(ws, t)
        hmap = map_headers(t, headers)
        for r, row in enumerate(ws.iter_rows(min_row=(header_row or 0) + 1, max_row=last, values_only=True),
                                start=(header_row or 0) + 1):
            for col, pos in hmap.positions.items():
                if (r, col) in wanted and pos < len(row):
                    cached[(r, col)] = row[pos]
    finally:
        wb.close()
    for r, col, formula in formulas:
        value = cached.get((r, col))
        if value is None:
            zh = f"单元格是公式 {formula}，文件中没有计算结果"
            en = f"the cell is the formula {formula} with no computed result saved in the file"
        else:
            zh = f"单元格是公式 {formula}（缓存的计算结果为 {cell_text(value)}，不会被使用）"
            en = f"the cell is the formula {formula} (its cached result {cell_text(value)} is not used)"
        sink.error(place, r, col, "excel_formula", (zh, en, *_FORMULA_FIX), formula)
