"""Private helpers for writing schema tables to Excel with openpyxl in write-only mode.

Shared by ``export`` (datasets) and ``template`` (blank templates): one ``TableSheet`` per
table with a frozen bold header, sensible column widths, text-formatted id/code columns and,
for templates, header comments and highlighted required headers.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from chainleader.model.errors import ChainleaderError
from chainleader.model.schema import Column, Table

# Excel's hard limits.
EXCEL_MAX_TEXT = 32_767  # characters in one cell
EXCEL_EXACT_INT = 2**53  # integers beyond this are not exact as Excel numbers

NUMERIC_TYPES = frozenset({"int", "float"})
# Every other column type is text in Excel: ids, codes, dates, enums, lists.
TEXT_FORMAT = "@"

MIN_WIDTH = 8
MAX_WIDTH = 50
WIDTH_SAMPLE_ROWS = 500

HEADER_FONT = Font(bold=True)
REQUIRED_FILL = PatternFill("solid", fgColor="FFE699")  # amber: required column
OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")  # grey: optional column
COMMENT_AUTHOR = "chainleader"


class XlsxCellError(ChainleaderError):
    """A value cannot be stored in an Excel cell (control characters, too long, not exact)."""


def display_width(text: str) -> int:
    """Width of ``text`` in Excel character units (CJK and full-width characters count 2)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def is_text_column(c: Column) -> bool:
    return c.type not in NUMERIC_TYPES and c.type != "bool"


def column_widths(labels: Sequence[str], table: Table, sample: pd.DataFrame | None) -> list[int]:
    """One width per column: the widest of the header and the first sampled values, clamped."""
    widths: list[int] = []
    for label, c in zip(labels, table.columns, strict=True):
        w = display_width(label)
        if sample is not None and len(sample):
            s = sample[c.name].iloc[:WIDTH_SAMPLE_ROWS]
            if c.type == "float":
                values = [repr(float(v)) for v in s.dropna()]
            else:
                values = [str(v) for v in s.dropna()]
            if values:
                w = max(w, max(display_width(v) for v in values))
        widths.append(max(MIN_WIDTH, min(MAX_WIDTH, w + 2)))
    return widths


def comment_for(text: str) -> Comment:
    """A header comment sized to its text (openpyxl sizes are in points)."""
    lines = text.split("\n")
    longest = max((display_width(line) for line in lines), default=10)
    width = min(520, max(220, 6 * longest + 20))
    chars_per_line = max(1, (width - 10) // 6)
    n_lines = sum(1 + display_width(line) // chars_per_line for line in lines)
    height = min(600, max(80, 15 * n_lines + 20))
    return Comment(text, COMMENT_AUTHOR, height=height, width=width)


class TableSheet:
    """One write-only worksheet holding one schema table."""

    def __init__(
        self,
        wb: Workbook,
        title: str,
        table: Table,
        labels: Sequence[str],
        *,
        sample: pd.DataFrame | None = None,
        notes: Mapping[str, str] | None = None,
        highlight_required: bool = False,
    ) -> None:
        self.table = table
        self.title = title
        self.rows = 0
        ws = wb.create_sheet(title)
        assert isinstance(ws, WriteOnlyWorksheet)
        self.ws = ws
        # Column layout must be set before the first row in write-only mode.
        for i, (c, width) in enumerate(zip(table.columns, column_widths(labels, table, sample), strict=True), 1):
            dim = ws.column_dimensions[get_column_letter(i)]
            dim.width = width
            if is_text_column(c):
                dim.number_format = TEXT_FORMAT  # typed-in ids and codes stay text
        ws.freeze_panes = "A2"
        header: list[Cell] = []
        for c, label in zip(table.columns, labels, strict=True):
            cell = WriteOnlyCell(ws, value=label)
            cell.data_type = "s"
            cell.font = HEADER_FONT
            if highlight_required:
                cell.fill = REQUIRED_FILL if c.required else OPTIONAL_FILL
            if notes and c.name in notes:
                cell.comment = comment_for(notes[c.name])
            header.append(cell)
        ws.append(header)

    def append_frame(self, df: pd.DataFrame) -> None:
        """Append the rows of a conformed frame (schema columns, canonical dtypes)."""
        for row in frame_rows(self.ws, self.table, df, first_row=self.rows + 2):
            self.ws.append(row)
        self.rows += len(df)


def _text_values(t: Table, c: Column, s: pd.Series, first_row: int) -> list[object]:
    values: list[object] = [None if v is None or v is pd.NA else str(v) for v in s.tolist()]
    positions = [i for i, v in enumerate(values) if v is not None]
    if not positions:
        return values
    texts = pd.Series([values[i] for i in positions], index=positions, dtype=object)
    too_long = texts.str.len() > EXCEL_MAX_TEXT
    if too_long.any():
        row = first_row + int(texts.index[too_long.to_numpy()][0])
        raise XlsxCellError(
            f"表 {t.name} 第 {row} 行“{c.name}”列的文本超过 Excel 单元格上限 {EXCEL_MAX_TEXT:,} 个字符，"
            f"无法写入 xlsx —— 修正：改为导出 CSV 或 JSON（输出路径用文件夹或 .json） / "
            f"table {t.name} row {row} column {c.name}: text longer than Excel's {EXCEL_MAX_TEXT:,}-character "
            "cell limit — fix: export as CSV or JSON instead (a folder or a .json path)"
        )
    bad = texts.str.contains(ILLEGAL_CHARACTERS_RE.pattern, regex=True)
    if bad.any():
        row = first_row + int(texts.index[bad.to_numpy(dtype=bool)][0])
        raise XlsxCellError(
            f"表 {t.name} 第 {row} 行“{c.name}”列含 Excel 不允许的控制字符，无法写入 xlsx —— "
            "修正：删除这些不可见字符，或改为导出 CSV / JSON / "
            f"table {t.name} row {row} column {c.name}: contains control characters Excel does not allow "
            "— fix: remove them, or export as CSV or JSON instead"
        )
    return values


def _float_values(ws: WriteOnlyWorksheet, t: Table, c: Column, s: pd.Series, first_row: int) -> list[object]:
    arr = s.to_numpy(dtype=np.float64, na_value=np.nan)
    inf = np.isinf(arr)
    if inf.any():
        row = first_row + int(np.flatnonzero(inf)[0])
        raise XlsxCellError(
            f"表 {t.name} 第 {row} 行“{c.name}”列是无穷大，Excel 无法表示 —— 修正：改为具体数值或留空 / "
            f"table {t.name} row {row} column {c.name}: infinite value, Excel cannot hold it "
            "— fix: use a finite number or leave the cell empty"
        )
    out: list[object] = [None if v != v else v for v in arr.tolist()]
    # openpyxl writes numbers with '%.16g', which loses the 17th digit some doubles need;
    # write those few as number cells holding their exact repr.
    finite = ~np.isnan(arr)
    if finite.any():
        idx = np.flatnonzero(finite)
        short = np.char.mod("%.16g", arr[idx]).astype(np.float64)
        for i in idx[short != arr[idx]].tolist():
            cell = WriteOnlyCell(ws, value=repr(float(arr[i])))
            cell.data_type = "n"
            out[i] = cell
    return out


def _int_values(t: Table, c: Column, s: pd.Series, first_row: int) -> list[object]:
    values: list[object] = [None if v is pd.NA or v is None else int(v) for v in s.tolist()]
    for i, v in enumerate(values):
        if isinstance(v, int) and abs(v) > EXCEL_EXACT_INT:
            raise XlsxCellError(
                f"表 {t.name} 第 {first_row + i} 行“{c.name}”列的整数 {v} 超出 Excel 可精确表示的范围 —— "
                f"修正：改为导出 CSV 或 JSON / table {t.name} row {first_row + i} column {c.name}: integer {v} "
                "is too large for Excel to hold exactly — fix: export as CSV or JSON instead"
            )
    return values


def frame_rows(ws: WriteOnlyWorksheet, t: Table, df: pd.DataFrame, first_row: int) -> Iterator[list[object]]:
    """Rows of Python values / cells ready for ``ws.append``.

    Numbers stay numbers, booleans become Excel booleans, everything else is a text cell
    (also text that would otherwise be read as a formula or an error code).
    """
    columns: list[list[object]] = []
    for c in t.columns:
        s = df[c.name]
        if c.type == "float":
            columns.append(_float_values(ws, t, c, s, first_row))
        elif c.type == "int":
            columns.append(_int_values(t, c, s, first_row))
        elif c.type == "bool":
            columns.append([None if v is pd.NA or v is None else bool(v) for v in s.tolist()])
        else:
            values = _text_values(t, c, s, first_row)
            for i, v in enumerate(values):
                if isinstance(v, str) and (v.startswith("=") or v in ERROR_CODES):
                    cell = WriteOnlyCell(ws, value=v)
                    cell.data_type = "s"  # keep '=...' and '#N/A' as plain text
                    values[i] = cell
            columns.append(values)
    for row in zip(*columns, strict=True):
        yield list(row)


def write_text_sheet(wb: Workbook, title: str, lines: Sequence[str], *, width: int = 110) -> None:
    """A one-column sheet of text lines; lines starting with '#' are bold headings."""
    ws = wb.create_sheet(title)
    assert isinstance(ws, WriteOnlyWorksheet)
    ws.column_dimensions["A"].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for line in lines:
        if not line:
            ws.append([])
            continue
        heading = line.startswith("#")
        cell = WriteOnlyCell(ws, value=line.lstrip("#").strip() if heading else line)
        cell.data_type = "s"
        cell.alignment = wrap
        if heading:
            cell.font = Font(bold=True, size=12)
        ws.append([cell])
