"""Exact producibility on an AND/OR graph: least fixed point, one scenario or many bit-parallel.

与-或图上的可生产性（METHODS.md §2）：节点可用 ⇔ 未被移除，且每个投入组（与）至少有一个可用供应者（或）。
取最小不动点：从"全部不可用"出发传播，循环（A 需要 B、B 需要 A）不会自我维持。

Node j is available iff ``free[j]`` (supplied without inputs, e.g. imported) or ``made[j]`` (it has a
working producer) and every slot of j (AND) has at least one available input (OR):

    avail(j) = free(j) ∨ (made(j) ∧ ⋀_k ⋁_{i ∈ P(j,k)} avail(i))

The *least* fixed point is taken (Dowling & Gallier 1984: linear-time Horn-SAT). Removing node v is
``free[v] = made[v] = False``. Two engines:

* ``least_fixed_point``: one scenario, O(N + E) counter propagation (per slot the count of available
  inputs, per node the count of unsatisfied slots, a frontier of newly available nodes).
* ``BitPlan.run``: S scenarios at once, 64 per machine word. Strongly connected components are condensed
  (``scipy.sparse.csgraph.connected_components(connection="strong")``), nodes are ordered by level of the
  condensed DAG, and per level ``slot = bitwise_or.reduceat(avail[inputs])`` and
  ``node = bitwise_and.reduceat(slots)``; levels holding a cycle iterate from all-zeros until stable.
  Bit s of avail[j] = 0 ⇔ j is lost in scenario s: on a DAG this is exactly the recursion
  SPOF(j) = {j} ∪ ⋃_k ⋂_{i∈P(j,k)} SPOF(i) of METHODS §2 evaluated with bitsets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

from chainleader.analysis.compiled import expand_ranges
from chainleader.analysis.grouping import ptr_from_sorted

ALL_ONES = np.uint64(0xFFFFFFFFFFFFFFFF)


@dataclass(frozen=True)
class AndOrGraph:
    """CSR: node j owns slots node_slot_ptr[j]:node_slot_ptr[j+1]; slot k has inputs slot_ptr[k]:slot_ptr[k+1]."""

    n: int
    node_slot_ptr: np.ndarray
    slot_ptr: np.ndarray
    slot_input: np.ndarray

    @property
    def slot_owner(self) -> np.ndarray:
        return np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.node_slot_ptr))

    @property
    def entry_owner(self) -> np.ndarray:
        return np.repeat(self.slot_owner, np.diff(self.slot_ptr))

    @classmethod
    def from_lists(cls, n: int, slots: list[tuple[int, list[int]]]) -> AndOrGraph:
        """Build from (owner, [inputs]) pairs, any order (used by tests and small examples)."""
        slots = sorted(slots, key=lambda s: s[0])
        owners = np.asarray([s[0] for s in slots], dtype=np.int64)
        sizes = np.asarray([len(s[1]) for s in slots], dtype=np.int64)
        if np.any(sizes == 0):
            raise ValueError("every slot needs at least one input")
        node_slot_ptr = ptr_from_sorted(owners, n)
        slot_ptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        inputs = np.asarray([i for s in slots for i in s[1]], dtype=np.int64)
        return cls(n, node_slot_ptr, slot_ptr, inputs)


def least_fixed_point(g: AndOrGraph, free: np.ndarray, made: np.ndarray) -> np.ndarray:
    """Available nodes of one scenario (counter propagation, O(N + E))."""
    n = g.n
    need = np.diff(g.node_slot_ptr).astype(np.int64)
    n_slots = len(g.slot_ptr) - 1
    slot_owner = g.slot_owner
    entry_slot = np.repeat(np.arange(n_slots, dtype=np.int64), np.diff(g.slot_ptr))
    by_input = np.argsort(g.slot_input, kind="stable")
    in_ptr = ptr_from_sorted(g.slot_input[by_input], n)
    slot_cnt = np.zeros(n_slots, dtype=np.int64)
    avail = np.zeros(n, dtype=bool)
    frontier = np.flatnonzero(free | (made & (need == 0)))
    while len(frontier):
        avail[frontier] = True
        entries = by_input[expand_ranges(in_ptr[frontier], in_ptr[frontier + 1])]
        if len(entries) == 0:
            break
        slots, counts = np.unique(entry_slot[entries], return_counts=True)
        newly = slots[slot_cnt[slots] == 0]
        slot_cnt[slots] += counts
        if len(newly) == 0:
            break
        need -= np.bincount(slot_owner[newly], minlength=n)
        cand = np.unique(slot_owner[newly])
        frontier = cand[(need[cand] == 0) & made[cand] & ~avail[cand]]
    return avail


@dataclass(frozen=True)
class BitPlan:
    """Level-ordered layout of an AND/OR graph for bit-parallel scenario passes."""

    n: int
    rank: np.ndarray  # old node -> position in level order
    order: np.ndarray  # position -> old node
    level_ptr: np.ndarray  # node positions of level l: level_ptr[l]:level_ptr[l+1]
    level_cyclic: np.ndarray  # bool per level
    node_slot_ptr: np.ndarray  # in level order
    slot_ptr: np.ndarray
    slot_input: np.ndarray  # inputs as positions

    @classmethod
    def build(cls, g: AndOrGraph) -> BitPlan:
        n = g.n
        src = g.slot_input
        dst = g.entry_owner
        adj = sparse.csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
        n_comp, comp = csgraph.connected_components(adj, directed=True, connection="strong")
        size = np.bincount(comp, minlength=n_comp)
        cyclic = size > 1
        selfloop = src == dst
        cyclic[comp[src[selfloop]]] = True
        cu, cv = comp[src], comp[dst]
        keep = cu != cv
        key = np.unique(cu[keep].astype(np.int64) * n_comp + cv[keep])
        eu, ev = key // n_comp, key % n_comp
        indeg = np.bincount(ev, minlength=n_comp)
        ptr = ptr_from_sorted(eu, n_comp)
        level = np.zeros(n_comp, dtype=np.int64)
        frontier = np.flatnonzero(indeg == 0)
        while len(frontier):
            lens = ptr[frontier + 1] - ptr[frontier]
            e = expand_ranges(ptr[frontier], ptr[frontier + 1])
            succ = ev[e]
            np.maximum.at(level, succ, np.repeat(level[frontier], lens) + 1)
            indeg -= np.bincount(succ, minlength=n_comp)
            succ = np.unique(succ)
            frontier = succ[indeg[succ] == 0]
        node_level = level[comp]
        order = np.lexsort((np.arange(n), comp, node_level))
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        n_levels = int(node_level.max()) + 1 if n else 0
        level_ptr = ptr_from_sorted(node_level[order], n_levels)
        lvl_cyc = np.zeros(n_levels, dtype=bool)
        if n:
            np.logical_or.at(lvl_cyc, node_level, cyclic[comp])
        # reorder slots by owner position
        slot_owner = g.slot_owner
        s_order = np.argsort(rank[slot_owner], kind="stable")
        sizes = np.diff(g.slot_ptr)[s_order]
        new_slot_ptr = np.concatenate(([0], np.cumsum(sizes))).astype(np.int64)
        entries = expand_ranges(g.slot_ptr[s_order], g.slot_ptr[s_order + 1])
        new_inputs = rank[g.slot_input[entries]]
        node_slot_ptr = ptr_from_sorted(rank[slot_owner[s_order]], n)
        return cls(n, rank, order, level_ptr, lvl_cyc, node_slot_ptr, new_slot_ptr, new_inputs)

    @property
    def n_levels(self) -> int:
        return len(self.level_ptr) - 1

    def propagate(self, free_w: np.ndarray, made_w: np.ndarray) -> np.ndarray:
        """Availability words (n, W) from per-scenario ``free``/``made`` words, all in level order."""
        n, W = free_w.shape
        avail = np.zeros((n, W), dtype=np.uint64)
        nsp, sp, si = self.node_slot_ptr, self.slot_ptr, self.slot_input
        for lvl in range(self.n_levels):
            a, b = int(self.level_ptr[lvl]), int(self.level_ptr[lvl + 1])
            sa, sb = int(nsp[a]), int(nsp[b])
            if sa == sb:
                avail[a:b] = free_w[a:b] | made_w[a:b]
                continue
            ea, eb = int(sp[sa]), int(sp[sb])
            slot_starts = sp[sa:sb] - ea
            need = np.diff(nsp[a:b + 1])
            with_slots = np.flatnonzero(need > 0)
            node_starts = nsp[a:b][with_slots] - sa
            inputs = si[ea:eb]
            allok = np.empty((b - a, W), dtype=np.uint64)
            allok[:] = ALL_ONES
            while True:
                sok = np.bitwise_or.reduceat(avail[inputs], slot_starts, axis=0)
                allok[with_slots] = np.bitwise_and.reduceat(sok, node_starts, axis=0)
                new = free_w[a:b] | (made_w[a:b] & allok)
                if not self.level_cyclic[lvl] or np.array_equal(new, avail[a:b]):
                    avail[a:b] = new
                    break
                avail[a:b] = new
        return avail


@dataclass(frozen=True)
class Flips:
    """Scenario definitions: in scenario ``scen[i]``, node ``node[i]`` loses ``free`` (kind 0) or ``made`` (kind 1)."""

    node: np.ndarray
    scen: np.ndarray
    kind: np.ndarray

    @staticmethod
    def concat(parts: list[Flips]) -> Flips:
        if not parts:
            z = np.zeros(0, dtype=np.int64)
            return Flips(z, z, z)
        return Flips(np.concatenate([p.node for p in parts]), np.concatenate([p.scen for p in parts]),
                     np.concatenate([p.kind for p in parts]))


def unpack_words(words: np.ndarray, n_bits: int) -> np.ndarray:
    """(R, W) uint64 -> (R, n_bits) bool; bit s of word w is scenario 64·w + s."""
    le = np.ascontiguousarray(words.astype("<u8", copy=False))
    bits = np.unpackbits(le.view(np.uint8), axis=1, bitorder="little")
    return bits[:, :n_bits].astype(bool)


def run_scenarios(plan: BitPlan, free: np.ndarray, made: np.ndarray, flips: Flips, n_scen: int,
                  observe: np.ndarray, count_mask: np.ndarray, baseline: np.ndarray,
                  batch: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """Availability of ``observe`` nodes in every scenario, and per scenario the number of nodes lost.

    Returns (avail[len(observe), n_scen] bool, lost_count[n_scen] int): a node counts as lost when it is
    in ``count_mask``, available at ``baseline`` and unavailable in the scenario.
    """
    W = batch // 64
    out = np.zeros((len(observe), n_scen), dtype=bool)
    lost = np.zeros(n_scen, dtype=np.int64)
    free_r = free[plan.order]
    made_r = made[plan.order]
    obs_r = plan.rank[np.asarray(observe, dtype=np.int64)]
    cnt_rows = np.flatnonzero((count_mask & baseline)[plan.order])
    node_r = plan.rank[flips.node] if len(flips.node) else flips.node
    order = np.argsort(flips.scen, kind="stable")
    f_scen, f_node, f_kind = flips.scen[order], node_r[order] if len(node_r) else node_r, flips.kind[order]
    for s0 in range(0, n_scen, batch):
        s1 = min(n_scen, s0 + batch)
        w = min(W, (s1 - s0 + 63) // 64)
        free_w = np.where(free_r[:, None], ALL_ONES, np.uint64(0)) * np.ones((1, w), dtype=np.uint64)
        made_w = np.where(made_r[:, None], ALL_ONES, np.uint64(0)) * np.ones((1, w), dtype=np.uint64)
        lo, hi = np.searchsorted(f_scen, [s0, s1])
        if hi > lo:
            rel = f_scen[lo:hi] - s0
            word = rel >> 6
            mask = ~(np.uint64(1) << (rel & 63).astype(np.uint64))
            k = f_kind[lo:hi]
            nd = f_node[lo:hi]
            np.bitwise_and.at(free_w, (nd[k == 0], word[k == 0]), mask[k == 0])
            np.bitwise_and.at(made_w, (nd[k == 1], word[k == 1]), mask[k == 1])
        avail = plan.propagate(free_w, made_w)
        out[:, s0:s1] = unpack_words(avail[obs_r], s1 - s0)
        for c0 in range(0, len(cnt_rows), 4096):
            rows = cnt_rows[c0:c0 + 4096]
            lost[s0:s1] += (~unpack_words(avail[rows], s1 - s0)).sum(axis=0)
    return out, lost
