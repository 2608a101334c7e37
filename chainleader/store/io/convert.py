"""One chunk of raw cells -> canonical values, reporting every cell-level problem.

Cell rules live in ``numbers``, ``codes`` and ``lists``; this module dispatches by column
type, drops blank rows, checks required cells and builds the canonical frame
(``chainleader.model.dataset.conform``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chainleader.model.dataset import conform
from chainleader.model.errors import Severity
from chainleader.model.schema import Column, Table
from chainleader.store.io import codes, lists, lookups, numbers
from chainleader.store.io.cells import Converted, Values, header_label, to_pandas
from chainleader.store.io.hashing import hash_values
from chainleader.store.io.problems import CAP, Place, ProblemSink, Texts
from chainleader.store.io.readers import RawChunk
from chainleader.store.io.text import clean, nfkc, present, remove_spaces

Converter = Callable[[str, Column, pa.Array], Converted]


def _reporter(text: str) -> str | None:
    t = text.strip().upper()
    return "CN" if t == "CN" else lookups.region_code(t)


def convert_reporter(table: str, col: Column, raw: pa.Array) -> Converted:
    """trade.reporter: 'CN' or a GB/T 2260 code."""
    mapped, bad = codes._lookup(remove_spaces(nfkc(raw)), _reporter)
    out = Converted(mapped)
    out.flag("region_unknown", bad, lambda v: (
        f"{header_label(col)} 应为 CN（全国）或行政区划代码，“{v}”都不是",
        f"{col.name} must be CN (whole country) or a division code; {v!r} is neither",
        codes.region_texts(col, v)[2], codes.region_texts(col, v)[3]))
    return out


CONVERTERS: dict[str, Converter] = {
    "str": lambda t, c, raw: Converted(raw),
    "id": lambda t, c, raw: codes.convert_id(c, raw),
    "int": lambda t, c, raw: numbers.convert_number(c, raw),
    "float": lambda t, c, raw: numbers.convert_number(c, raw),
    "bool": lambda t, c, raw: numbers.convert_bool(c, raw),
    "date": lambda t, c, raw: numbers.convert_date(c, raw),
    "enum": lambda t, c, raw: codes.convert_enum(c, raw),
    "list": lists.convert_list,
    "hs_list": lists.convert_list,
    "region": lambda t, c, raw: codes.convert_region(c, raw),
    "country": lambda t, c, raw: codes.convert_country(c, raw),
    "uscc": lambda t, c, raw: codes.convert_uscc(c, raw),
    "industry": lambda t, c, raw: codes.convert_industry(c, raw),
}
SPECIAL: dict[tuple[str, str], Converter] = {("trade", "reporter"): convert_reporter}


@dataclass
class ChunkResult:
    """Canonical values of one chunk plus what the cross-table checks need."""

    frame: pd.DataFrame  # conformed canonical frame
    values: dict[str, Values]  # canonical values per schema column (Arrow strings for text)
    present: dict[str, np.ndarray]  # the user filled the cell (before conversion)
    bad: dict[str, np.ndarray]  # the cell has an error (already reported)
    rows: np.ndarray
    _hashes: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def hash(self, column: str) -> np.ndarray:
        """uint64 hash per cell of a column, computed once per chunk."""
        if column not in self._hashes:
            self._hashes[column] = hash_values(self.values[column])
        return self._hashes[column]

    def text(self, column: str) -> pa.Array:
        """Canonical values of a text-like column (Arrow strings)."""
        v = self.values[column]
        assert isinstance(v, pa.Array)
        return v

    def number(self, column: str) -> np.ndarray:
        """Canonical values of a float column (NaN = missing)."""
        return np.asarray(self.values[column], dtype=np.float64)


def required_texts(col: Column) -> Texts:
    return (f"必填列 {header_label(col)} 为空", f"required column {col.name} is empty",
            f"填写 {col.zh}（如 {col.example or '…'}）；若整行无用请删除该行",
            f"fill in {col.name} (e.g. {col.example or '...'}), or delete the row if it is not needed")


def _required_describe(col: Column) -> Callable[[str], Texts]:
    return lambda _v: required_texts(col)


def _empty(col: Column, n: int) -> Values:
    if col.type == "float":
        return np.full(n, np.nan)
    if col.type == "int":
        return pd.arrays.IntegerArray(np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool))
    if col.type == "bool":
        return pd.arrays.BooleanArray(np.zeros(n, dtype=bool), np.ones(n, dtype=bool))
    return pa.nulls(n, type=pa.string())


def report(sink: ProblemSink, place: Place, column: str, raw: pa.Array, rows: np.ndarray,
           mask: np.ndarray, code: str, describe: Callable[[str], Texts], severity: Severity = "error") -> None:
    idx = np.flatnonzero(mask)
    if not len(idx):
        return
    shown = raw.take(pa.array(idx[:CAP], type=pa.int64())).to_pylist()
    sink.cells(severity, place, column, code, rows[idx], shown, describe)


def convert_chunk(place: Place, table: Table, chunk: RawChunk, sink: ProblemSink) -> ChunkResult:
    cleaned = {c: clean(a) for c, a in chunk.columns.items()}
    rows = chunk.rows
    skip = dict(chunk.skip)
    if cleaned:
        filled = np.zeros(len(rows), dtype=bool)
        for a in cleaned.values():
            filled |= present(a)
        for m in skip.values():
            filled |= m
        if not filled.all():  # blank rows (e.g. Excel's trailing ',,,,' lines) are not data
            keep = pa.array(filled)
            cleaned = {c: pc.filter(a, keep) for c, a in cleaned.items()}
            skip = {c: m[filled] for c, m in skip.items()}
            rows = rows[filled]
    n = len(rows)
    values: dict[str, Values] = {}
    has: dict[str, np.ndarray] = {}
    bad: dict[str, np.ndarray] = {}
    for col in table.columns:
        raw = cleaned.get(col.name)
        if raw is None:
            values[col.name] = _empty(col, n)
            has[col.name] = np.zeros(n, dtype=bool)
            bad[col.name] = np.zeros(n, dtype=bool)
            continue
        flagged = skip.get(col.name, np.zeros(n, dtype=bool))
        if flagged.any():
            raw = pc.if_else(pa.array(flagged), pa.scalar(None, pa.string()), raw)
        filled_cells = present(raw)
        has[col.name] = filled_cells | flagged
        if col.required:
            report(sink, place, col.name, raw, rows, ~filled_cells & ~flagged, "required",
                   _required_describe(col))
        conv = SPECIAL.get((table.name, col.name), CONVERTERS[col.type])(table.name, col, raw)
        cell_bad = flagged.copy()
        for issue in conv.issues:
            report(sink, place, col.name, raw, rows, issue.mask, issue.code, issue.describe, issue.severity)
            if issue.severity == "error":
                cell_bad |= issue.mask
        values[col.name] = conv.values
        bad[col.name] = cell_bad
    frame = conform(table, pd.DataFrame({c: to_pandas(v) for c, v in values.items()}))
    return ChunkResult(frame, values, has, bad, rows)
