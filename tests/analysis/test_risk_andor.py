"""AND/OR producibility engine: hand cases, the dominator blind spot, brute-force cross-checks (METHODS §2)."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles.andor_bruteforce import producible, spof_recursion_dag, spof_sets

from chainleader.analysis.andor import AndOrGraph, BitPlan, Flips, least_fixed_point, run_scenarios


def _graph(slots: list[list[list[int]]]) -> AndOrGraph:
    return AndOrGraph.from_lists(len(slots), [(j, s) for j, ss in enumerate(slots) for s in ss])


def _all_single_removals(slots: list[list[list[int]]], free: list[bool], made: list[bool],
                         batch: int = 64) -> np.ndarray:
    """avail[j, v] after removing node v, from the bit-parallel engine."""
    n = len(slots)
    g = _graph(slots)
    fr, md = np.asarray(free, dtype=bool), np.asarray(made, dtype=bool)
    nodes = np.arange(n)
    flips = Flips(np.concatenate([nodes, nodes]), np.concatenate([nodes, nodes]),
                  np.concatenate([np.zeros(n, dtype=np.int64), np.ones(n, dtype=np.int64)]))
    base = least_fixed_point(g, fr, md)
    avail, lost = run_scenarios(BitPlan.build(g), fr, md, flips, n, nodes, np.ones(n, dtype=bool), base, batch)
    assert np.array_equal(lost, (base[:, None] & ~avail).sum(axis=0))
    return avail


# --- the assembly whose single-sourced input is a SPOF -------------------------------------------------
# Nodes: 0 = A1, 1 = A2, 2 = B (raw suppliers), 3 = X (assembly: needs a from A1 or A2, AND b from B).
ASSEMBLY = [[], [], [], [[0, 1], [2]]]


def test_single_sourced_input_of_an_assembly_is_a_spof() -> None:
    avail = _all_single_removals(ASSEMBLY, [False] * 4, [True] * 4)
    x = 3
    assert not avail[x, 2]  # removing B kills X: B is a SPOF of X
    assert avail[x, 0] and avail[x, 1]  # A1 or A2 alone is not
    assert not avail[x, 3]  # X itself


def test_or_graph_dominators_miss_the_and_spof() -> None:
    """METHODS §2 'Why OR-graph tools miss SPOFs'; Lengauer & Tarjan (1979) dominators on the OR view.

    With a super-source SRC -> raw nodes, the path SRC -> A1 -> X bypasses B, so X's only dominator besides
    itself is SRC, yet B is a SPOF. Undirected articulation points see nothing either.
    """
    g = nx.DiGraph([("SRC", "A1"), ("SRC", "A2"), ("SRC", "B"), ("A1", "X"), ("A2", "X"), ("B", "X")])
    idom = nx.immediate_dominators(g, "SRC")
    idom.setdefault("SRC", "SRC")  # networkx >= 3.5 omits the start node (METHODS §8.6)
    doms, v = {"X"}, "X"
    while idom[v] != v:
        v = idom[v]
        doms.add(v)
    assert doms == {"X", "SRC"}
    assert "B" not in doms
    assert "B" not in set(nx.articulation_points(g.to_undirected()))
    assert spof_sets(ASSEMBLY, [False] * 4, [True] * 4)[3] == {2, 3}


def test_cycle_does_not_sustain_itself() -> None:
    """A needs B, B needs A: 'all work' is a fixed point, the least fixed point is 'nothing works'."""
    slots = [[[1]], [[0]]]
    g = _graph(slots)
    assert not least_fixed_point(g, np.zeros(2, bool), np.ones(2, bool)).any()
    # with an entry: A needs (B or R), B needs A, R raw -> all work; R is a SPOF of both
    slots = [[[1, 2]], [[0]], []]
    avail = _all_single_removals(slots, [False] * 3, [True] * 3)
    assert not avail[0, 2] and not avail[1, 2]
    assert avail[0, 1]  # removing B: A still works via R
    assert least_fixed_point(_graph(slots), np.zeros(3, bool), np.ones(3, bool)).all()


def test_free_node_needs_no_inputs() -> None:
    """An imported product (free) stays available when its domestic inputs are lost."""
    slots = [[], [[0]]]
    avail = _all_single_removals(slots, [False, True], [True, True])
    assert avail[1, 0]  # 1 is imported
    assert not avail[1, 1]


# --- random AND/OR graphs against brute force -----------------------------------------------------------
@st.composite
def andor_graphs(draw: st.DrawFn, dag: bool = False) -> tuple[list[list[list[int]]], list[bool], list[bool]]:
    n = draw(st.integers(1, 10))
    slots: list[list[list[int]]] = []
    for j in range(n):
        pool = list(range(j)) if dag else list(range(n))
        if not pool:
            slots.append([])
            continue
        k = draw(st.integers(0, 3))
        slots.append([draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True)) for _ in range(k)])
    free = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    made = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    free = [f and draw(st.integers(0, 3)) == 0 for f in free]  # imports are the exception
    return slots, free, made


@settings(max_examples=300, deadline=None)
@given(andor_graphs())
def test_least_fixed_point_matches_brute_force(case: tuple[list[list[list[int]]], list[bool], list[bool]]) -> None:
    slots, free, made = case
    got = least_fixed_point(_graph(slots), np.asarray(free, bool), np.asarray(made, bool))
    assert got.tolist() == producible(slots, free, made)


@settings(max_examples=300, deadline=None)
@given(andor_graphs())
def test_bit_parallel_single_removals_match_brute_force(case: tuple[list[list[list[int]]], list[bool], list[bool]]) -> None:
    slots, free, made = case
    n = len(slots)
    avail = _all_single_removals(slots, free, made)
    for v in range(n):
        assert avail[:, v].tolist() == producible(slots, free, made, frozenset({v}))


@settings(max_examples=200, deadline=None)
@given(andor_graphs(dag=True))
def test_dag_recursion_equals_removals(case: tuple[list[list[list[int]]], list[bool], list[bool]]) -> None:
    """On a DAG the bit pass is the recursion SPOF(j) = {j} ∪ ⋃_k ⋂_{i∈P(j,k)} SPOF(i) (METHODS §2)."""
    slots, free, made = case
    n = len(slots)
    rec = spof_recursion_dag(slots, free, made)
    avail = _all_single_removals(slots, free, made)
    base = producible(slots, free, made)
    for j in range(n):
        if not base[j]:
            assert rec[j] is None
            continue
        engine = {v for v in range(n) if not avail[j, v]}
        assert engine == rec[j]


@settings(max_examples=200, deadline=None)
@given(andor_graphs())
def test_or_dominators_are_a_lower_bound(case: tuple[list[list[list[int]]], list[bool], list[bool]]) -> None:
    """OR-dominators ⊆ AND–OR SPOFs (METHODS §2): every dominator of j from a super-source is a SPOF of j."""
    slots, free, made = case
    n = len(slots)
    g = nx.DiGraph()
    g.add_node("SRC")
    g.add_nodes_from(range(n))
    for j in range(n):
        if free[j] or (made[j] and not slots[j]):
            g.add_edge("SRC", j)
        if made[j]:
            for s in slots[j]:
                for i in s:
                    g.add_edge(i, j)
    idom = nx.immediate_dominators(g, "SRC")
    idom.setdefault("SRC", "SRC")
    spofs = spof_sets(slots, free, made)
    base = producible(slots, free, made)
    for j in range(n):
        if not base[j]:
            continue
        doms, v = set(), j
        while v != "SRC":
            doms.add(v)
            v = idom[v]
        assert doms <= spofs[j]


def test_batches_give_the_same_answer() -> None:
    """Scenario batching (64 vs 128 bits per pass) does not change results."""
    rng = np.random.default_rng(3)
    n = 150
    slots = [[sorted(set(rng.integers(0, j, size=rng.integers(1, 4)).tolist())) for _ in range(rng.integers(0, 3))]
             if j > 5 else [] for j in range(n)]
    free = [False] * n
    made = [True] * n
    a = _all_single_removals(slots, free, made, batch=64)
    b = _all_single_removals(slots, free, made, batch=128)
    assert np.array_equal(a, b)
    for v in (0, 3, 77, 149):
        assert a[:, v].tolist() == producible(slots, free, made, frozenset({v}))
