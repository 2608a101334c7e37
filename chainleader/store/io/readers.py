"""What every reader hands to the validator: tables as chunks of raw text cells.

A reader turns a file into ``TableInput`` objects (one per table found). Each yields
``RawChunk`` objects: the raw cell texts per schema column (Arrow string arrays), the row
number the user sees for every row, and the cells the reader already reported (e.g. Excel
formulas) so they are not reported twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from chainleader.model.schema import Table, header_aliases, normalise_header, sheet_aliases
from chainleader.store.io.problems import Place, ProblemSink


@dataclass
class RawChunk:
    columns: dict[str, pa.Array]  # schema column name -> raw cell texts
    rows: np.ndarray  # int64 row numbers as the user sees them
    skip: dict[str, np.ndarray] = field(default_factory=dict)  # column -> cells already reported

    def __len__(self) -> int:
        return len(self.rows)


ChunkSource = Callable[[int, ProblemSink], Iterator[RawChunk]]


@dataclass
class HeaderMap:
    positions: dict[str, int]  # schema column -> position in the file
    unknown: list[tuple[int, str]]  # (position, header) not in the schema
    duplicates: list[tuple[str, str]]  # (header, column) that repeat an earlier header


@dataclass
class TableInput:
    place: Place
    table: Table
    headers: HeaderMap
    read: ChunkSource  # (rows per chunk, sink) -> chunks; may be called more than once
    total_rows: int | None = None


def table_for(name: str) -> str | None:
    """Table name for a sheet name or file stem (English or Chinese, case/space-insensitive)."""
    return sheet_aliases().get(normalise_header(name))


def map_headers(table: Table, headers: list[str]) -> HeaderMap:
    aliases = header_aliases(table)
    positions: dict[str, int] = {}
    unknown: list[tuple[int, str]] = []
    duplicates: list[tuple[str, str]] = []
    for i, h in enumerate(headers):
        text = h.strip().lstrip("\ufeff")
        if not text:
            continue
        col = aliases.get(normalise_header(text))
        if col is None:
            unknown.append((i, text))
        elif col in positions:
            duplicates.append((text, col))
        else:
            positions[col] = i
    return HeaderMap(positions, unknown, duplicates)


def find_header(table: Table, rows: list[list[str]], look: int = 20) -> int | None:
    """Index of the header row: the first of the first ``look`` rows naming a known column.

    Rows above it (a title such as “产品环节清单（2024）”) are skipped. When no row names a
    known column, the first non-empty row is the header (its columns are then reported).
    """
    aliases = header_aliases(table)
    first: int | None = None
    for i, cells in enumerate(rows[:look]):
        texts = [c.strip().lstrip("\ufeff") for c in cells if c and c.strip()]
        if not texts:
            continue
        if first is None:
            first = i
        if any(normalise_header(c) in aliases for c in texts):
            return i
    return first


def cell_text(value: object) -> str | None:
    """A cell value from Excel or JSON as the text the validator parses (None = empty)."""
    import datetime as dt

    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        parts = [cell_text(v) for v in value]
        return ";".join(p for p in parts if p)
    return str(value)


def chunks_from_rows(headers: HeaderMap, rows: list[tuple[int, list[str | None]]], size: int) -> Iterator[RawChunk]:
    """Chunks from rows already in memory (JSON): (row number, cell texts by position)."""
    for start in range(0, len(rows), max(1, size)):
        part = rows[start: start + size]
        numbers = np.array([r for r, _ in part], dtype=np.int64)
        columns = {
            col: pa.array([cells[pos] if pos < len(cells) else None for _, cells in part], type=pa.string())
            for col, pos in headers.positions.items()
        }
        yield RawChunk(columns, numbers)
