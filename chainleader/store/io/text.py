"""Vectorised text clean-up on Arrow string arrays (the raw cells of one chunk).

All functions take and return ``pyarrow`` arrays; work per distinct value (``per_unique``)
keeps Python out of the per-row path for low-cardinality columns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

T = TypeVar("T")

# Spaces Excel users leave around values: ASCII, ideographic (全角) and no-break spaces, BOM, ZWSP.
_TRIM = " \t\r\n\x0b\x0c\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff"


def as_string_array(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if arr.type != pa.string():
        arr = arr.cast(pa.string())
    return arr


def clean(values: pa.Array) -> pa.Array:
    """Trim surrounding spaces (incl. full-width); empty cells become null."""
    arr = pc.utf8_trim_whitespace(as_string_array(values))  # fast; Unicode spaces incl. 全角空格
    if not pc.all(pc.fill_null(pc.string_is_ascii(arr), True)).as_py():
        arr = pc.utf8_trim(arr, characters=_TRIM)  # also BOM and zero-width spaces
    return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)


def nfkc_text(text: str) -> str:
    """NFKC (full-width digits/letters/spaces -> ASCII), then trimmed."""
    return unicodedata.normalize("NFKC", text).strip(_TRIM)


def nfkc(values: pa.Array) -> pa.Array:
    """NFKC-normalise the non-ASCII cells (full-width ０-９ Ａ-Ｚ, 全角空格 ...); null stays null.

    Only the distinct non-ASCII values go through Python, so ASCII columns cost one kernel call.
    """
    arr = as_string_array(values)
    ascii_mask = np.asarray(pc.fill_null(pc.string_is_ascii(arr), True).to_numpy(zero_copy_only=False), dtype=bool)
    if ascii_mask.all():
        return arr
    odd = ~ascii_mask
    enc = pc.dictionary_encode(arr.filter(pa.array(odd)))
    fixed = pa.array([nfkc_text(v) or None for v in enc.dictionary.to_pylist()], type=pa.string())
    return pc.replace_with_mask(arr, pa.array(odd), fixed.take(enc.indices))


def remove_spaces(values: pa.Array) -> pa.Array:
    """Drop every space inside a code ('9111 0000 ...' -> '91110000...')."""
    return pc.replace_substring_regex(values, r"\s+", "")


def contains(values: pa.Array, text: str) -> bool:
    """Does any cell contain ``text``?"""
    return bool(len(values)) and bool(pc.any(pc.match_substring(values, text)).as_py())


def matches(values: pa.Array, pattern: str) -> np.ndarray:
    """Bool numpy mask: cell fully matches ``pattern`` (RE2); null -> False."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    hit = pc.match_substring_regex(values, "^(?:" + pattern + ")$")
    return np.asarray(pc.fill_null(hit, False).to_numpy(zero_copy_only=False), dtype=bool)


def present(values: pa.Array) -> np.ndarray:
    """Bool numpy mask of non-null cells."""
    return np.asarray(pc.is_valid(values).to_numpy(zero_copy_only=False), dtype=bool)


def per_unique(values: pa.Array, fn: Callable[[str], T]) -> tuple[list[T], np.ndarray]:
    """Apply ``fn`` once per distinct non-null value.

    Returns (results per distinct value, per-row index into them with -1 for null).
    """
    enc = pc.dictionary_encode(as_string_array(values))
    dictionary = enc.dictionary.to_pylist()
    index = np.asarray(pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
    return [fn(v) for v in dictionary], index


def to_object(values: pa.Array) -> np.ndarray:
    """Arrow strings -> numpy object array of ``str`` with ``None`` for null."""
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=object)


def take_text(values: pa.Array, mask: np.ndarray) -> list[str | None]:
    """The cells selected by ``mask``, as Python strings (for messages)."""
    idx = np.flatnonzero(mask)
    return values.take(pa.array(idx, type=pa.int64())).to_pylist() if len(idx) else []
