"""Cycles in the bill of materials (a product cannot be its own input, even indirectly)."""

from __future__ import annotations

from collections import deque

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from chainleader.store.io.problems import Place, ProblemSink


def bom_cycles(edges: list[tuple[str, str, int]]) -> list[tuple[list[str], int]]:
    """One cycle per strongly connected component: (path P_A -> ... -> P_A, row of its closing edge).

    The cycle starts at the component's smallest product id and is a shortest one through it.
    """
    names = sorted({p for p, _, _ in edges} | {i for _, i, _ in edges})
    index = {n: k for k, n in enumerate(names)}
    src = np.array([index[p] for p, _, _ in edges], dtype=np.int64)
    dst = np.array([index[i] for _, i, _ in edges], dtype=np.int64)
    n = len(names)
    graph = csr_matrix((np.ones(len(edges)), (src, dst)), shape=(n, n))
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=n)
    row_of: dict[tuple[int, int], int] = {}
    adj: dict[int, list[int]] = {}
    for (_, _, r), a, b in zip(edges, src.tolist(), dst.tolist(), strict=True):
        if (a, b) not in row_of:
            row_of[(a, b)] = r
            adj.setdefault(a, []).append(b)
    out: list[tuple[list[str], int]] = []
    done: set[int] = set()
    for a in range(n):  # names are sorted, so the first node met in a component is its smallest id
        comp = int(labels[a])
        if comp in done:
            continue
        if sizes[comp] == 1 and (a, a) not in row_of:
            continue
        done.add(comp)
        path = _shortest_cycle(a, adj, labels)
        out.append(([names[k] for k in path], row_of[(path[-2], path[-1])]))
    return out


def _shortest_cycle(start: int, adj: dict[int, list[int]], labels: np.ndarray) -> list[int]:
    parent: dict[int, int] = {}
    queue = deque([start])
    while queue:
        u = queue.popleft()
        for v in sorted(adj.get(u, [])):
            if labels[v] != labels[start]:
                continue
            if v == start:
                chain: list[int] = []
                x = u
                while x != start:
                    chain.append(x)
                    x = parent[x]
                return [start, *reversed(chain), start]
            if v not in parent:
                parent[v] = u
                queue.append(v)
    return [start, start]


def report_bom_cycles(sink: ProblemSink, place: Place, edges: list[tuple[str, str, int]]) -> None:
    for path, row in bom_cycles(edges):
        text = " -> ".join(path)
        sink.error(place, row, "input", "bom_cycle", (
            f"物料清单中存在循环：{text}（产品不能直接或间接作为自己的投入）",
            f"the bill of materials has a cycle: {text} (a product cannot be its own input)",
            "删除或改正形成循环的那一行投入关系", "delete or correct the input row that closes the cycle"), text)
