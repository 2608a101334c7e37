"""64-bit hashes of cells, computed with numpy straight from Arrow buffers (no Python objects).

Used for key sets (references, duplicate keys, share groups) of tables too large for Python
sets. With n distinct keys the chance of any collision is about n^2 / 2^65 (3e-6 for 10^7).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

_MASK = (1 << 64) - 1
_P = 0x100000001B3
NULL_HASH = np.uint64(0x6A09E667F3BCC909)
_POW_CACHE: list[np.ndarray] = [np.ones(1, dtype=np.uint64)]


def _powers(n: int) -> np.ndarray:
    if len(_POW_CACHE[0]) <= n:
        vals = [1]
        for _ in range(max(n, 64)):
            vals.append(vals[-1] * _P & _MASK)
        _POW_CACHE[0] = np.array(vals, dtype=np.uint64)
    return _POW_CACHE[0]


def mix(h: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser (array ops wrap silently)."""
    h = h.astype(np.uint64, copy=True)
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def hash_strings(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """uint64 hash per string cell; null cells hash to ``NULL_HASH``."""
    arr = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    if arr.type == pa.large_string():
        arr = arr.cast(pa.string())
    n = len(arr)
    if n == 0:
        return np.zeros(0, dtype=np.uint64)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32)[arr.offset: arr.offset + n + 1].astype(np.int64)
    start, end = int(offsets[0]), int(offsets[-1])
    lens = np.diff(offsets)
    h = np.zeros(n, dtype=np.uint64)
    if end > start:
        data = np.frombuffer(bufs[2], dtype=np.uint8)[start:end].astype(np.uint64)
        rel = offsets[:-1] - start
        pos = np.arange(end - start, dtype=np.int64) - np.repeat(rel, lens)
        contrib = (data + np.uint64(1)) * _powers(int(lens.max()))[pos]
        nonempty = lens > 0
        h[nonempty] = np.add.reduceat(contrib, rel[nonempty])
    h = mix(h ^ (lens.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)))
    if arr.null_count:
        valid = np.asarray(arr.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        h[~valid] = NULL_HASH
    return h


def hash_values(values: object) -> np.ndarray:
    """Hash canonical column values: Arrow strings, float64 numpy, or pandas Int64/boolean arrays."""
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return hash_strings(values)
    if isinstance(values, pd.api.extensions.ExtensionArray):
        s = pd.Series(values)
        data = s.fillna(0).astype(np.int64).to_numpy()
        h = mix(data.view(np.uint64) ^ np.uint64(0x3C6EF372FE94F82B))
        h[s.isna().to_numpy()] = NULL_HASH
        return h
    arr = np.asarray(values, dtype=np.float64)
    h = mix(arr.view(np.uint64) ^ np.uint64(0xA54FF53A5F1D36F1))
    h[np.isnan(arr)] = NULL_HASH
    return h


def combine(*hashes: np.ndarray) -> np.ndarray:
    """Order-sensitive combination of per-column hashes into one key hash per row."""
    out = np.full(len(hashes[0]), np.uint64(0x510E527FADE682D1), dtype=np.uint64)
    for h in hashes:
        out = mix(out * np.uint64(31) ^ h)
    return out
