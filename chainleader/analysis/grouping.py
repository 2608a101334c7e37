"""Vectorised group-by helpers on integer keys (segment sums, ranks, run boundaries).

分组计算工具：对整数键做分段求和、组内排序等，全部向量化。
"""

from __future__ import annotations

import numpy as np


def run_starts(*sorted_keys: np.ndarray) -> np.ndarray:
    """Start positions of runs of equal tuples in arrays already sorted by those keys."""
    n = len(sorted_keys[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    new = np.zeros(n, dtype=bool)
    new[0] = True
    for k in sorted_keys:
        new[1:] |= k[1:] != k[:-1]
    return np.flatnonzero(new)


def ptr_from_sorted(sorted_group: np.ndarray, n_groups: int) -> np.ndarray:
    """CSR pointers (n_groups + 1) for an array sorted by group id in [0, n_groups)."""
    ptr = np.zeros(n_groups + 1, dtype=np.int64)
    if len(sorted_group):
        np.cumsum(np.bincount(sorted_group, minlength=n_groups), out=ptr[1:])
    return ptr


def rank_within(group: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Rank (0-based) of each element within its group, given ``order`` that sorts by (group, ...).

    Returns ranks aligned with the original positions.
    """
    g = group[order]
    n = len(g)
    rank = np.empty(n, dtype=np.int64)
    if n == 0:
        return rank
    new = np.ones(n, dtype=bool)
    new[1:] = g[1:] != g[:-1]
    starts = np.flatnonzero(new)
    run_id = np.cumsum(new) - 1
    rank[order] = np.arange(n, dtype=np.int64) - starts[run_id]
    return rank


def pair_reduce(a: np.ndarray, b: np.ndarray, weight: np.ndarray, n_b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sum ``weight`` over distinct (a, b) pairs (any order): returns (a, b, sum), sorted by (a, b)."""
    key = a.astype(np.int64) * np.int64(n_b + 1) + (b.astype(np.int64) + 1)
    uniq, inv = np.unique(key, return_inverse=True)
    sums = np.bincount(inv, weights=weight, minlength=len(uniq))
    return (uniq // (n_b + 1)).astype(np.int64), (uniq % (n_b + 1) - 1).astype(np.int64), sums


def xlogx(p: np.ndarray) -> np.ndarray:
    """p·ln p with 0·ln 0 = 0 (METHODS §1)."""
    out = np.zeros_like(p, dtype=np.float64)
    pos = p > 0
    out[pos] = p[pos] * np.log(p[pos])
    return out
