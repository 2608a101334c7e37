"""Ghosh model, Rasmussen linkages and upstreamness on Miller & Blair's Table 2.3 economy.

Expected values are derived by hand from Z = [[150, 500], [200, 100]], x = (1000, 2000):
B = [[.15, .5], [.1, .05]], det(I − A) = det(I − B) = 0.7575,
L = [[.95, .25], [.2, .85]]/0.7575, G = [[.95, .5], [.1, .85]]/0.7575.
"""

from __future__ import annotations

import numpy as np
import pytest

from chainleader.analysis.io_model import (
    IOModelError,
    IOTable,
    ghosh,
    leontief,
    linkages,
    output_multipliers,
    upstreamness,
)

DET = 0.7575


def test_ghosh_allocation_and_inverse(mb_table: IOTable) -> None:
    g = ghosh(leontief(mb_table))
    np.testing.assert_allclose(g.B, [[0.15, 0.5], [0.1, 0.05]], atol=1e-15)
    G_hand = np.array([[0.95, 0.5], [0.1, 0.85]]) / DET
    np.testing.assert_allclose(g.G, G_hand, rtol=1e-13)
    np.testing.assert_allclose(g.G, np.linalg.inv(np.eye(2) - g.B), rtol=1e-13)
    # G = x^-1 L x, not x L x^-1 (METHODS §4)
    L, x = leontief(mb_table).L, mb_table.x
    np.testing.assert_allclose(g.G, L * x[None, :] / x[:, None], rtol=1e-13)
    assert not np.allclose(g.G, L * x[:, None] / x[None, :])
    np.testing.assert_allclose(g.solve(np.ones(2)), G_hand.sum(axis=1), rtol=1e-13)
    np.testing.assert_allclose(g.solve_transposed(np.ones(2)), G_hand.sum(axis=0), rtol=1e-13)


def test_ghosh_supply_driven_output_reproduces_x(mb_table: IOTable) -> None:
    """x' = v' G with Miller & Blair's value added (650, 1400) gives back x = (1000, 2000)."""
    g = ghosh(leontief(mb_table))
    assert mb_table.v is not None
    np.testing.assert_allclose(g.supply_driven_output(mb_table.v), [1000.0, 2000.0], rtol=1e-13)


def test_ghosh_zero_output_sector_is_identity() -> None:
    t = IOTable(Z=[[10.0, 0.0, 5.0], [0.0, 0.0, 0.0], [4.0, 0.0, 2.0]], Y=[20.0, 0.0, 30.0])
    g = ghosh(leontief(t))
    assert np.all(g.B[1] == 0) and np.all(g.B[:, 1] == 0)
    np.testing.assert_allclose(g.G[1], [0.0, 1.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(g.G, np.linalg.inv(np.eye(3) - g.B), rtol=1e-13)
    np.testing.assert_allclose(g.solve(np.ones(3)), g.G.sum(axis=1), rtol=1e-13)


def test_multipliers_and_rasmussen_linkages_by_hand(mb_table: IOTable) -> None:
    lr = leontief(mb_table)
    np.testing.assert_allclose(output_multipliers(lr), np.array([1.15, 1.10]) / DET, rtol=1e-13)
    lk = linkages(lr)
    np.testing.assert_allclose(lk.backward, 2 * np.array([1.15, 1.10]) / 2.25, rtol=1e-13)
    np.testing.assert_allclose(lk.forward, 2 * np.array([1.45, 0.95]) / 2.40, rtol=1e-13)
    assert lk.forward_method == "ghosh"
    assert lk.key_sectors() == [("R", "S1")]
    rows = linkages(lr, forward="leontief_rows")
    np.testing.assert_allclose(rows.forward, 2 * np.array([1.20, 1.05]) / 2.25, rtol=1e-13)


def test_linkages_average_one(mrio_3x3: IOTable) -> None:
    lk = linkages(leontief(mrio_3x3))
    assert lk.backward.mean() == pytest.approx(1.0, rel=1e-13)
    assert lk.forward.mean() == pytest.approx(1.0, rel=1e-13)
    np.testing.assert_array_equal(lk.key_sector, (lk.backward > 1) & (lk.forward > 1))


def test_linkages_reject_unknown_forward_method(mb_table: IOTable) -> None:
    with pytest.raises(IOModelError, match="forward"):
        linkages(leontief(mb_table), forward="rows")  # type: ignore[arg-type]


def test_upstreamness_closed_economy(mb_table: IOTable, mrio_3x3: IOTable) -> None:
    """U = G 1 (Miller & Temurshoev 2017); downstreamness = 1' L (Fally 2012)."""
    up = upstreamness(leontief(mb_table))
    np.testing.assert_allclose(up.upstreamness, np.array([1.45, 0.95]) / DET, rtol=1e-13)
    np.testing.assert_allclose(up.downstreamness, np.array([1.15, 1.10]) / DET, rtol=1e-13)
    lr = leontief(mrio_3x3)
    u = upstreamness(lr).upstreamness
    assert np.all(u >= 1.0)
    B = ghosh(lr).B
    np.testing.assert_allclose(u, np.linalg.solve(np.eye(mrio_3x3.n) - B, np.ones(mrio_3x3.n)), rtol=1e-12)


def open_economy_table() -> IOTable:
    """Table 2.3 economy with exports (100, 300) and competitive imports (50, 0), f unchanged."""
    return IOTable.from_competitive_import(
        [[150.0, 500.0], [200.0, 100.0]], [[300.0], [1400.0]], exports=[100.0, 300.0], imports=[50.0, 0.0]
    )


def test_upstreamness_open_economy_by_hand() -> None:
    """delta = [[150/950, 500/950], [200/1700, 100/1700]] = [[3/19, 10/19], [2/17, 1/17]];
    det(I − delta) = 236/323, so U = (474/236, 310/236)."""
    t = open_economy_table()
    np.testing.assert_array_equal(t.x, [1000.0, 2000.0])
    up = upstreamness(leontief(t), open_economy=True)
    np.testing.assert_allclose(up.upstreamness, [474 / 236, 310 / 236], rtol=1e-13)
    assert up.variant.startswith("open")


def test_upstreamness_open_economy_needs_trade(mb_table: IOTable) -> None:
    with pytest.raises(IOModelError, match="imports"):
        upstreamness(leontief(mb_table), open_economy=True)
