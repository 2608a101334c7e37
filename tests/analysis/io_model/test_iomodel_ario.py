"""ARIO property checks from METHODS.md §5 (no published numbers are band-checked).

Timing convention under test (see chainleader.analysis.io_model.ario): Δ(t) applies to step t;
orders placed in step t are demand in step t+1; flows are per step (table flow / 365).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from chainleader.analysis.io_model import (
    ARIOParameterError,
    ARIOParams,
    ARIOResult,
    IOTable,
    capacity_loss_from_damage,
    capacity_loss_profile,
    productive_capital,
    simulate_ario,
)
from chainleader.model.errors import ChainleaderError


def chain_table() -> IOTable:
    """A → B → C supply chain (one region): B buys 30 from A, C buys 20 from B; C sells only to
    final demand, so demand for B never depends on B's own output."""
    Z = [[0.0, 30.0, 0.0], [0.0, 0.0, 20.0], [0.0, 0.0, 0.0]]
    f = [10.0, 40.0, 80.0]
    return IOTable(Z=Z, Y=f, V=[[40.0, 30.0, 60.0]], industries=(("R", "A"), ("R", "B"), ("R", "C")))


NO_STOCK_LIMIT = ARIOParams(alpha_max=1.0, infinite_inventories_sect=["A", "B", "C"])


@pytest.mark.parametrize("order_type", ["baseline", "capacity"])
@pytest.mark.parametrize("rationing", ["proportional", "intermediate_first", "final_first"])
def test_no_shock_stays_exactly_at_baseline(mrio_3x3: IOTable, order_type: str, rationing: str) -> None:
    params = ARIOParams(order_type=order_type, rationing=rationing)  # type: ignore[arg-type]
    res = simulate_ario(mrio_3x3, n_steps=60, params=params, record_stocks=True)
    np.testing.assert_array_equal(res.x, np.broadcast_to(res.x_bar, res.x.shape))
    assert res.total_loss == 0.0 and res.total_unmet_final_demand == 0.0
    assert np.all(res.limiting_input == -1)
    np.testing.assert_array_equal(res.alpha, 1.0)
    np.testing.assert_allclose(res.x_bar, mrio_3x3.x / 365.0, rtol=1e-15)
    assert res.economy_time_to_recover() == 0


def test_no_shock_weekly_steps() -> None:
    params = ARIOParams(
        temporal_units_by_step=7, alpha_tau=364, main_inv_dur=91, inventory_restoration_tau=56
    )
    res = simulate_ario(chain_table(), n_steps=10, params=params)
    np.testing.assert_array_equal(res.x, np.broadcast_to(res.x_bar, res.x.shape))
    np.testing.assert_allclose(res.x_bar, chain_table().x * 7 / 365, rtol=1e-15)


@pytest.mark.parametrize(
    "params", [NO_STOCK_LIMIT, ARIOParams(alpha_max=1.0)], ids=["infinite", "non-binding"]
)
def test_shocked_industry_loss_equals_delta_xbar_profile(params: ARIOParams) -> None:
    """α_max = 1 and stocks that never bind: loss_B = δ·x̄_B·Σ_t profile(t) (METHODS §5 check 2),
    with Δ(t) applied to step t. The supplier A loses in proportion (a_AB = 0.5), one step later."""
    t = chain_table()
    delta, start, dur = 0.3, 5, 30
    shares = np.array([0.0, delta, 0.0])
    cap = capacity_loss_profile(80, shares, start=start, duration=dur, shape="linear")
    res = simulate_ario(t, n_steps=80, params=params, capacity_loss=cap)
    profile = cap[:, 1] / delta
    assert profile.sum() == pytest.approx(dur - (dur - 1) / 2)  # linear 1, 29/30, ..., 1/30
    assert res.loss_by_industry[1] == pytest.approx(delta * res.x_bar[1] * profile.sum(), rel=1e-12)
    assert np.all(res.limiting_input == -1)
    assert res.x[start - 1, 0] == res.x_bar[0] and res.x[start, 0] == res.x_bar[0]
    assert res.x[start + 1, 0] < res.x_bar[0]  # orders placed in step t are demand in step t+1
    assert res.loss_by_industry[0] == pytest.approx(0.5 * res.loss_by_industry[1], rel=1e-9)
    assert res.loss_by_industry[2] == pytest.approx(0.0, abs=1e-12)  # C's stock never binds
    assert res.time_to_recover()[1] == start + dur
    assert res.time_to_recover()[0] == start + dur + 1
    assert res.economy_time_to_recover() == start + dur + 1


def shocked_run(
    table: IOTable,
    *,
    delta: float = 0.4,
    duration: int = 40,
    inventory_days: float = 30.0,
    n_steps: int = 150,
    **kw: object,
) -> ARIOResult:
    i = table.index_of("r0", "s1")
    shares = np.zeros(table.n)
    shares[i] = delta
    cap = capacity_loss_profile(n_steps, shares, start=3, duration=duration, shape="linear")
    params = ARIOParams(main_inv_dur=inventory_days, **kw)  # type: ignore[arg-type]  # test helper
    return simulate_ario(table, n_steps=n_steps, params=params, capacity_loss=cap, record_stocks=True)


def test_bounds_hold_with_binding_stocks(mrio_3x3: IOTable) -> None:
    res = shocked_run(mrio_3x3, delta=0.9, duration=60, inventory_days=5.0)
    assert np.any(res.limiting_input >= 0), "the scenario must make stocks bind"
    assert res.x.min() >= 0.0
    assert np.all(res.x <= 1.25 * res.x_bar[None, :] * (1 + 1e-12))
    assert np.all(res.x <= res.x_cap * (1 + 1e-12))
    assert res.stocks is not None and res.stocks.min() >= 0.0
    assert np.all((res.alpha >= 1.0) & (res.alpha <= 1.25))
    i = mrio_3x3.index_of("r0", "s1")
    assert mrio_3x3.sectors.index("s1") in set(res.limiting_input[res.limiting_input >= 0].tolist())
    assert np.all(res.unmet_final_demand >= -1e-12) and res.total_unmet_final_demand > 0
    assert res.loss_by_industry[i] > 0


def test_loss_monotone_in_damage_recovery_and_inventories(mrio_3x3: IOTable) -> None:
    by_delta = [shocked_run(mrio_3x3, delta=d).total_loss for d in (0.1, 0.2, 0.4, 0.6, 0.8)]
    by_duration = [shocked_run(mrio_3x3, duration=d).total_loss for d in (10, 20, 40, 80)]
    by_stock = [
        shocked_run(mrio_3x3, delta=0.8, inventory_days=n).total_loss for n in (3.0, 10.0, 30.0, 90.0)
    ]
    assert all(a < b for a, b in zip(by_delta, by_delta[1:], strict=False)), by_delta
    assert all(a < b for a, b in zip(by_duration, by_duration[1:], strict=False)), by_duration
    assert all(a >= b for a, b in zip(by_stock, by_stock[1:], strict=False)), by_stock


def test_loss_mostly_local_and_suppliers_lose(mrio_3x3: IOTable) -> None:
    res = shocked_run(mrio_3x3)
    i = mrio_3x3.index_of("r0", "s1")
    loss = res.loss_by_industry
    assert int(np.argmax(loss)) == i
    suppliers = np.flatnonzero(mrio_3x3.Z[:, i] > 0)
    suppliers = suppliers[suppliers != i]
    assert np.all(loss[suppliers] > 0)


def test_rationing_priorities_at_first_shocked_step(mrio_3x3: IOTable) -> None:
    i = mrio_3x3.index_of("r0", "s1")
    unmet = {
        mode: shocked_run(mrio_3x3, rationing=mode).unmet_final_demand[3, i]
        for mode in ("final_first", "proportional", "intermediate_first")
    }
    assert unmet["final_first"] == 0.0
    assert unmet["final_first"] < unmet["proportional"] < unmet["intermediate_first"]


def test_capacity_weighted_orders_shift_to_spare_suppliers(mrio_3x3: IOTable) -> None:
    """Guan et al. (2020): with order_type='capacity' the same product from another region gets
    more orders than with fixed baseline shares."""
    j = mrio_3x3.index_of("r1", "s1")
    base = shocked_run(mrio_3x3, order_type="baseline")
    cap = shocked_run(mrio_3x3, order_type="capacity")
    assert cap.demand[4, j] > base.demand[4, j]


def test_damage_with_rebuilding(mrio_3x3: IOTable) -> None:
    params = ARIOParams()
    K = productive_capital(mrio_3x3, params)
    i = mrio_3x3.index_of("r0", "s1")
    damage = np.zeros(mrio_3x3.n)
    damage[i] = 0.3 * K[i]
    res = simulate_ario(
        mrio_3x3, n_steps=200, params=params, damage=damage, event_step=2, rebuilding_sectors={"s2": 1.0}
    )
    assert np.all(res.damage[:2] == 0.0) and res.damage[2, i] == damage[i]
    assert np.all(np.diff(res.damage[2:, i]) <= 0.0)
    # rebuilding cannot beat the unrationed path Ξ0 (1 − 1/τ)^t, and it does make progress
    remaining = res.damage[-1, i] / damage[i]
    assert (1 - 1 / 60) ** 197 - 1e-12 <= remaining < 0.5
    b = mrio_3x3.index_of("r0", "s2")
    assert res.rebuild_demand[2, b] == pytest.approx(damage[i] / 60.0, rel=1e-12)
    assert res.x_cap[2, i] == pytest.approx(res.x_bar[i] * (1 - 0.3), rel=1e-12)
    assert res.loss_by_industry[b] < 0  # the rebuilding sector produces more than its baseline


def test_damage_larger_than_capital_is_an_error(mrio_3x3: IOTable) -> None:
    K = productive_capital(mrio_3x3, ARIOParams())
    damage = np.zeros(mrio_3x3.n)
    damage[0] = 1.01 * K[0]
    with pytest.raises(ARIOParameterError, match="productive capital"):
        simulate_ario(mrio_3x3, n_steps=10, damage=damage, rebuilding_sectors={"s2": 1.0})
    with pytest.raises(ARIOParameterError, match="资本"):
        capacity_loss_from_damage(mrio_3x3, damage, 10)
    damage[0] = 0.5 * K[0]
    cap = capacity_loss_from_damage(mrio_3x3, damage, 10, recovery_steps=4, shape="step")
    np.testing.assert_allclose(cap[:4, 0], 0.5) and None
    assert np.all(cap[4:] == 0.0)


def test_capital_needs_value_added() -> None:
    t = IOTable(Z=[[1.0]], Y=[2.0])
    with pytest.raises(ARIOParameterError, match="value added"):
        productive_capital(t, ARIOParams())
    K = productive_capital(t, ARIOParams(productive_capital_vector=[7.0]))
    np.testing.assert_array_equal(K, [7.0])
    kappa = productive_capital(chain_table(), ARIOParams(productive_capital_to_VA_dict={"A": 2.0}))
    np.testing.assert_array_equal(kappa, [80.0, 120.0, 240.0])


def test_invalid_parameters_and_shocks() -> None:
    with pytest.raises(ARIOParameterError, match="psi_param") as err:
        ARIOParams(psi_param=1.5, alpha_max=0.5)
    assert "alpha_max" in str(err.value) and isinstance(err.value, ChainleaderError)
    t = chain_table()
    with pytest.raises(ARIOParameterError, match="not in the table"):
        simulate_ario(t, n_steps=5, params=ARIOParams(inventory_dict={"Z": 10.0}))
    with pytest.raises(ARIOParameterError, match="shape"):
        simulate_ario(t, n_steps=5, capacity_loss=np.zeros((4, 3)))
    with pytest.raises(ARIOParameterError, match="either"):
        simulate_ario(t, n_steps=5, capacity_loss=np.zeros((5, 3)), damage=np.zeros(3))
    with pytest.raises(ARIOParameterError, match="rebuilding_sectors"):
        simulate_ario(t, n_steps=5, damage=np.zeros(3))
    with pytest.raises(ARIOParameterError, match="sum to 1"):
        simulate_ario(t, n_steps=5, damage=np.zeros(3), rebuilding_sectors={"C": 0.5})
    negative = IOTable.from_competitive_import(
        [[1.0, 0.0], [0.0, 5.0]], [[1.0], [1.0]], exports=[0.0, 0.0], imports=[0.0, 3.0]
    )
    with pytest.raises(ARIOParameterError, match="non-negative final"):
        simulate_ario(negative, n_steps=5)


def test_infinite_inventory_via_inventory_dict() -> None:
    params = ARIOParams(alpha_max=1.0, inventory_dict={"A": math.inf, "B": 5.0, "C": 5.0})
    cap = capacity_loss_profile(30, [0.0, 0.5, 0.0], start=1, duration=20, shape="step")
    res = simulate_ario(chain_table(), n_steps=30, params=params, capacity_loss=cap, record_stocks=True)
    assert res.stock_products == ("B", "C")
    assert res.stocks is not None and res.stocks.shape == (30, 2, 3)
    assert np.any(res.limiting_input[:, 2] == 1)  # C runs out of B's product
