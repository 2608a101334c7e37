"""CSV text for Arrow tables, vectorised: UTF-8, ',' separated, '\\n' line ends.

Quoting is minimal (RFC 4180): only cells holding ',', '"', CR or LF are quoted, with
'"' doubled. A null is an empty cell; there are no empty strings. Numbers use Arrow's
shortest round-trip formatting (``12345``, ``0.1234``, ``2.5e+15``); booleans are
``true``/``false``. The header is the plain column names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_NEEDS_QUOTES = r'[",\r\n]'
_SPECIAL = np.zeros(256, dtype=bool)
_SPECIAL[[ord(c) for c in ',"\r\n']] = True


def header_line(columns: Sequence[str]) -> bytes:
    return (",".join(_quote_text(c) for c in columns) + "\n").encode("utf-8")


def cell_text(column: Any) -> Any:
    """The CSV cell text of every value in an Arrow array (nulls -> '')."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
        text = column
        if _has_special_bytes(text):
            needs = pc.match_substring_regex(text, _NEEDS_QUOTES)
            quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
            text = pc.if_else(needs, quoted, text)
    else:
        text = pc.cast(column, pa.string())
    return pc.fill_null(text, "")


def csv_bytes(table: pa.Table) -> memoryview:
    """The rows of ``table`` as CSV text (no header), one '\\n'-terminated line per row."""
    if table.num_rows == 0:
        return memoryview(b"")
    cells = [cell_text(table.column(i)) for i in range(table.num_columns)]
    lines = pc.binary_join_element_wise(*cells, pa.scalar("", pa.string()), ",")
    # Joining with a trailing '' adds one ',' per row; replace that final ',' by '\n'.
    arr = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    arr = arr.cast(pa.large_string())
    offsets = np.frombuffer(arr.buffers()[1], dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(arr.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]].copy()
    data[offsets[1:] - offsets[0] - 1] = ord("\n")
    return data.data


def _has_special_bytes(arr: Any) -> bool:
    """Whether any value may need quotes: a scan of the raw character bytes (fast path)."""
    _, offsets_buf, data = arr.buffers()
    if data is None or len(arr) == 0:
        return False
    width = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    offsets = np.frombuffer(offsets_buf, dtype=width)
    lo, hi = int(offsets[arr.offset]), int(offsets[arr.offset + len(arr)])
    raw = np.frombuffer(data, dtype=np.uint8)[lo:hi]
    return bool(_SPECIAL[raw].any())


def _quote_text(text: str) -> str:
    if any(ch in text for ch in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
