"""Streaming CSV reading with pyarrow: every cell as text, bounded memory, exact row numbers.

Rows are numbered as Excel shows them (header = row 1; a quoted cell with line breaks is
one row; blank lines count). Rows with the wrong number of fields are reported and skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from chainleader.model.schema import Table
from chainleader.store.io.encoding import EncodingChoice
from chainleader.store.io.problems import Place, ProblemSink
from chainleader.store.io.readers import RawChunk, TableInput, find_header, map_headers

BLOCK_BYTES = 16 << 20
_HEAD_BYTES = 1 << 16


def _arrow_codec(codec: str) -> str:
    name = codecs.lookup(codec).name
    return "utf8" if name in ("utf-8", "ascii", "utf-8-sig") else name


def read_header(path: Path, codec: str, table: Table) -> tuple[list[str], str, int] | None:
    """(header cells, delimiter, rows above the header) from the file's start; None when empty.

    Title rows above the header (Excel sheets often have one) are skipped, see ``find_header``.
    """
    with path.open("rb") as fh:
        head = fh.read(_HEAD_BYTES)
    text = head.decode(codec, errors="replace").lstrip("\ufeff")
    if not text.strip(" \t\r\n,;"):
        return None
    sample = "\n".join(text.split("\n")[:40])
    # Excel's "Unicode text" is tab-separated and some locales use ';': the first line decides.
    first_line = next(ln for ln in sample.split("\n") if ln.strip())
    delimiter = max((",", "\t", ";"), key=first_line.count) if first_line.count(",") == 0 else ","
    records = list(csv.reader(io.StringIO(sample), delimiter=delimiter))
    k = find_header(table, records)
    if k is None:
        return None
    return records[k], delimiter, k


class _RowNumbers:
    """Row numbers of the rows pyarrow hands out, given the rows it skipped as invalid."""

    def __init__(self, first: int) -> None:
        self.next = first  # row number of the header, the first row pyarrow reads
        self.skipped: list[int] = []

    def take(self, n: int) -> np.ndarray:
        skips = np.array(sorted(s for s in self.skipped if s >= self.next), dtype=np.int64)
        cand = np.arange(self.next, self.next + n + len(skips), dtype=np.int64)
        if len(skips):
            cand = cand[~np.isin(cand, skips)]
        out = cand[:n]
        if n:
            self.next = int(out[-1]) + 1
        self.skipped = [s for s in self.skipped if s >= self.next]
        return out


def csv_input(path: Path, place: Place, table: Table, enc: EncodingChoice, sink: ProblemSink) -> TableInput | None:
    found = read_header(path, enc.codec, table)
    if found is None:
        sink.warning(place, None, None, "empty_file", (
            f"文件 {path.name} 是空的，已忽略", f"file {path.name} is empty and was ignored",
            "删除该文件，或填入表头和数据", "delete the file or fill in a header row and data"))
        return None
    headers, delimiter, above = found
    hmap = map_headers(table, headers)
    ncols = len(headers)

    def read(size: int, chunk_sink: ProblemSink) -> Iterator[RawChunk]:
        numbers = _RowNumbers(above + 1)

        def invalid(row: pacsv.InvalidRow) -> str:
            if row.text.strip(" \t\r\n,;"):
                if row.number is not None:
                    numbers.skipped.append(int(row.number))
                chunk_sink.error(place, row.number, None, "csv_columns", (
                    f"该行有 {row.actual_columns} 个字段，表头有 {row.expected_columns} 个，整行被跳过",
                    f"the row has {row.actual_columns} fields but the header has {row.expected_columns}; "
                    "the row was skipped",
                    "检查是否有未加引号的逗号（如 1,234 或名称中的逗号）；在 Excel 中另存为 CSV 会自动加引号",
                    "look for unquoted commas (e.g. 1,234 or a comma in a name); saving from Excel quotes them"),
                    row.text[:200])
            elif row.number is not None:
                numbers.skipped.append(int(row.number))
            return "skip"

        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(
                encoding=_arrow_codec(enc.codec), block_size=BLOCK_BYTES, use_threads=False,
                autogenerate_column_names=True, skip_rows=above),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=True,
                invalid_row_handler=invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(ncols)},
                strings_can_be_null=False, quoted_strings_can_be_null=False, null_values=[]),
        )
        first = True
        for batch in reader:
            rows = numbers.take(batch.num_rows)
            if first:
                batch, rows, first = batch.slice(1), rows[1:], False
            for start in range(0, batch.num_rows, max(1, size)):
                part = batch.slice(start, size)
                cols = {c: part.column(pos) for c, pos in hmap.positions.items() if pos < part.num_columns}
                yield RawChunk(cols, rows[start: start + part.num_rows])

    return TableInput(place, table, hmap, read, None)
