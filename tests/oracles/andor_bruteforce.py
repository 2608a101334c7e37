"""Brute-force reference for AND/OR producibility (METHODS.md §2), deliberately naive pure Python.

与-或图可生产性的朴素参考实现：从"全部不可用"出发反复扫描直到不变（最小不动点），逐个移除节点重算。
Independent of ``chainleader.analysis.andor``: no numpy, no counters, no levels, no bitsets.
"""

from __future__ import annotations

Slots = list[list[list[int]]]  # slots[j] = list of slots; a slot = list of alternative inputs


def producible(slots: Slots, free: list[bool], made: list[bool], removed: frozenset[int] = frozenset()) -> list[bool]:
    """Least fixed point by repeated sweeps from all-False."""
    n = len(slots)
    avail = [False] * n
    changed = True
    while changed:
        changed = False
        for j in range(n):
            if avail[j] or j in removed:
                continue
            ok = free[j] or (made[j] and all(any(avail[i] for i in slot) for slot in slots[j]))
            if ok:
                avail[j] = True
                changed = True
    return avail


def spof_sets(slots: Slots, free: list[bool], made: list[bool]) -> list[set[int]]:
    """SPOF(j) = nodes whose single removal makes the baseline-producible j unproducible (brute force)."""
    n = len(slots)
    base = producible(slots, free, made)
    out: list[set[int]] = [set() for _ in range(n)]
    for v in range(n):
        after = producible(slots, free, made, frozenset({v}))
        for j in range(n):
            if base[j] and not after[j]:
                out[j].add(v)
    return out


def spof_recursion_dag(slots: Slots, free: list[bool], made: list[bool]) -> list[set[int] | None]:
    """METHODS §2 on a DAG whose inputs have lower indices: SPOF(j) = {j} ∪ ⋃_k ⋂_{i∈P(j,k)} SPOF(i).

    A free node needs nothing: SPOF = {j}. None marks unproducible nodes (their SPOF set is undefined).
    """
    n = len(slots)
    out: list[set[int] | None] = [None] * n
    for j in range(n):
        if free[j]:
            out[j] = {j}
            continue
        if not made[j]:
            continue
        acc = {j}
        ok = True
        for slot in slots[j]:
            alive = [out[i] for i in slot if out[i] is not None]
            if not alive:
                ok = False
                break
            inter = set.intersection(*alive)  # type: ignore[arg-type]
            acc |= inter
        out[j] = acc if ok else None
    return out
