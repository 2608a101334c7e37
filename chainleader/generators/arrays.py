"""Small numpy helpers shared by the generators: seeded streams, rounding, segment ops.

Every random draw comes from ``stream(seed, *key)``: an independent PCG64 stream per
(seed, purpose, block). Streams never depend on batch sizes, so the rows generated do
not depend on how they are written.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Stream purposes (the first spawn-key element).
PRODUCTS, GEOGRAPHY, FIRMS, CAPACITY, TAGS, LINKS, TRADE, IDS = range(8)


def stream(seed: int, *key: int) -> np.random.Generator:
    """An independent random stream for ``seed`` and a purpose/block key."""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=key))


def expand(counts: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """For counts c_0..c_{n-1}: (owner, rank) of each of the sum(c) expanded items."""
    c = np.asarray(counts, dtype=np.int64)
    owner = np.repeat(np.arange(len(c), dtype=np.int64), c)
    starts = np.cumsum(c) - c
    rank = np.arange(len(owner), dtype=np.int64) - starts[owner]
    return owner, rank


def ranks_in_runs(keys: npt.NDArray[np.int64]) -> IntArray:
    """Position of each element within its run of equal consecutive keys (keys grouped)."""
    n = len(keys)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    idx = np.arange(n, dtype=np.int64)
    start = np.ones(n, dtype=bool)
    start[1:] = keys[1:] != keys[:-1]
    first = np.maximum.accumulate(np.where(start, idx, 0))
    return idx - first


def csr_pointers(sorted_owner: IntArray, n: int) -> IntArray:
    """CSR row pointers (n+1) for items sorted by owner in [0, n)."""
    return np.searchsorted(sorted_owner, np.arange(n + 1, dtype=np.int64)).astype(np.int64)


def round_sig(x: FloatArray, digits: int) -> FloatArray:
    """Round to ``digits`` significant digits, giving the double nearest the short decimal.

    ``k / 10**s`` and ``k * 10**-s`` with integer ``k`` are correctly rounded, so the
    results print as short decimals (12340, 0.001234) rather than 0.0012340000000000001.
    """
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    nz = np.isfinite(x) & (x != 0)
    mag = np.floor(np.log10(np.abs(x[nz]))).astype(np.int64)
    s = digits - 1 - mag
    v = x[nz]
    res = np.empty_like(v)
    pos = s >= 0
    scale = 10.0 ** np.abs(s)
    res[pos] = np.rint(v[pos] * scale[pos]) / scale[pos]
    res[~pos] = np.rint(v[~pos] / scale[~pos]) * scale[~pos]
    out[nz] = res
    out[~np.isfinite(x)] = x[~np.isfinite(x)]
    return out


def weighted_pick(rng: np.random.Generator, weights: npt.ArrayLike, size: int) -> IntArray:
    """``size`` indices drawn with probability proportional to ``weights`` (inverse CDF)."""
    w = np.asarray(weights, dtype=np.float64)
    cum = np.cumsum(w)
    u = rng.random(size) * cum[-1]
    return np.minimum(np.searchsorted(cum, u, side="right"), len(w) - 1).astype(np.int64)


def lognormal(rng: np.random.Generator, median: float, sigma: float, size: int) -> FloatArray:
    return np.asarray(rng.lognormal(np.log(median), sigma, size), dtype=np.float64)
