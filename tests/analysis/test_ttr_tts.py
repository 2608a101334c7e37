"""TTR / TTS / PI / REI linear programmes (METHODS.md §3).

Hand-derived cases (tests/oracles/ttr_tts_cases.py) follow the PI LP of Simchi-Levi et al. (2015),
*Interfaces* 45(5), and the TTS LP of Simchi-Levi, Wang & Wei (2018), *POM* 27(8). Properties are
checked with hypothesis on small random AND/OR networks, TTS against a brute-force bisection over
the PI LP, and the batched region decomposition against the whole-network LP per scenario.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from oracles.ttr_tts_cases import (
    ASSEMBLY,
    ASSEMBLY_PI_B2S_T10,
    BACKUP_CASES,
    SINGLE_TIER,
    VARIANT,
    YIELD_BACKUP_TTS,
    assembly,
    shared_input,
    short_baseline,
    single_tier,
)

from chainleader.analysis.flow_network import FlowNetwork
from chainleader.analysis.ttr_tts import (
    BackupSites,
    Disruption,
    LPResidualError,
    performance_impact,
    stress_test,
    time_to_survive,
)
from chainleader.analysis.ttr_tts_lp import LPOptions, check_residual, compile_structure
from chainleader.model.errors import ChainleaderError, ConfigError

REL = 1e-6  # relative tolerance on PI and TTS (HiGHS feasibility tolerance is 1e-7)
I64 = np.int64
HYP = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def close(a: float, b: float, rel: float = REL) -> bool:
    return abs(a - b) <= rel * (1.0 + abs(b))


# --------------------------------------------------------------------------- hand cases


@pytest.mark.parametrize("case", sorted(SINGLE_TIER))
def test_single_tier_by_hand(case: str) -> None:
    phi, t, pi, lost, tts = SINGLE_TIER[case]
    net = single_tier()
    r = performance_impact(net, np.array(phi), t)
    assert close(r.pi, pi)
    assert close(float(r.lost[0]), lost)
    s = time_to_survive(net, np.array(phi))
    assert not s.capped
    assert close(s.tts, tts)


def test_single_tier_plan_and_duals() -> None:
    net = single_tier()
    r = performance_impact(net, np.array([0.0, 1.0]), 4.0)
    # site A is down, B runs flat out: 40·4
    np.testing.assert_allclose(r.production, [0.0, 160.0], atol=1e-9)
    # one more unit/period of working capacity saves 4 units × 10 CNY, at either site
    np.testing.assert_allclose(r.capacity_dual, [40.0, 40.0], rtol=REL)
    np.testing.assert_allclose(r.inventory_dual, [10.0], rtol=REL)
    assert r.status == "optimal" and r.residual <= 1e-6
    s = time_to_survive(net, np.array([0.0, 1.0]))
    assert s.binding == ("X",)
    np.testing.assert_allclose(s.inventory_dual, [1 / 40], rtol=REL)  # ∂TTS/∂s = 1/shortfall
    np.testing.assert_allclose(s.production, [0.0, 40 * 2.5], atol=1e-7)
    assert s.display == "2.5"


def test_assembly_and_versus_or() -> None:
    net = assembly()
    names = list(ASSEMBLY)
    dis = [Disruption.sites_down(net, n, [net.site_ids.index(n)], 8.0) for n in names]
    res = stress_test(net, dis)
    tab = res.table.set_index("disruption")
    for n, (tts, pi, rei, exposed) in ASSEMBLY.items():
        assert close(float(tab.loc[n, "tts"]), tts), n
        assert close(float(tab.loc[n, "pi"]), pi), n
        assert close(float(tab.loc[n, "rei"]), rei), n
        assert bool(tab.loc[n, "exposed"]) is exposed, n
    assert tab.loc["B2s", "pi"] == 0.0 and tab.loc["Ys", "rei"] == 1.0
    # AND: without part a, Y runs only on A's stock (30 units); OR: losing B1 leaves B2 feeding
    # 10 b/period = 5 Y/period; only losing both alternatives stops Y like losing the assembly
    y_a1 = performance_impact(net, np.array([0.0, 1, 1, 1]), 8.0).production[3]
    y_b1 = performance_impact(net, np.array([1.0, 0, 1, 1]), 8.0).production[3]
    assert close(y_a1, 30.0) and close(y_b1, 40.0)
    both = stress_test(net, [Disruption("B1s+B2s", np.array([1.0, 0, 0, 1]), 8.0)]).table
    assert close(float(both.loc[0, "tts"]), 2.0) and close(float(both.loc[0, "pi"]), 3000.0)
    assert res.metadata["rei_scenario_set"] == names
    assert res.metadata["rei_argmax"] == "Ys"
    r = performance_impact(net, Disruption.sites_down(net, "B2s", [2], 10.0).site_factor, 10.0)
    assert close(r.pi, ASSEMBLY_PI_B2S_T10)


def test_assembly_single_functions_agree_with_stress_test() -> None:
    net = assembly()
    for n, (tts, pi, _, _) in ASSEMBLY.items():
        phi = Disruption.sites_down(net, n, [net.site_ids.index(n)], 8.0).site_factor
        assert close(time_to_survive(net, phi).tts, tts), n
        assert close(performance_impact(net, phi, 8.0).pi, pi), n


def test_tts_capped_when_fully_covered() -> None:
    net = assembly(cap_b1=25.0)
    phi = Disruption.sites_down(net, "B2s", [2], 8.0).site_factor
    s = time_to_survive(net, phi, t_max=52.0)
    assert s.capped and s.tts == 52.0 and s.display == "≥ 52"
    assert s.binding == ()
    # nothing disrupted: capped as well, and PI = 0
    s0 = time_to_survive(net, np.ones(net.n_sites), t_max=30.0)
    assert s0.capped and s0.tts == 30.0
    tab = stress_test(net, [Disruption("B2s", phi, 8.0)], t_max=52.0).table
    assert bool(tab.loc[0, "tts_capped"]) and tab.loc[0, "tts_display"] == "≥ 52"
    assert not bool(tab.loc[0, "exposed"]) and tab.loc[0, "pi"] == 0.0 and tab.loc[0, "rei"] == 0.0


def test_pooled_balance_does_not_double_count() -> None:
    net = shared_input()
    phi = np.array([0.5, 1.0])
    assert close(time_to_survive(net, phi).tts, 10.0)
    r = performance_impact(net, phi, 12.0)
    assert close(r.pi, 40.0)
    np.testing.assert_allclose(r.lost, [10.0, 0.0], atol=1e-6)


def test_zero_margin_products() -> None:
    net = single_tier(margin=0.0)
    phi = np.array([0.0, 1.0])
    r = performance_impact(net, phi, 4.0)
    assert r.pi == 0.0  # losing zero-margin sales costs nothing
    s = time_to_survive(net, phi)  # but they still count as demand by default
    assert close(s.tts, 2.5) and not s.capped
    s2 = time_to_survive(net, phi, count_zero_margin=False)
    assert s2.capped
    tab = stress_test(net, [Disruption("A", phi, 4.0), Disruption("B", np.array([1.0, 0.0]), 4.0)]).table
    assert (tab["pi"] == 0.0).all() and (tab["rei"] == 0.0).all()  # every PI 0 → REI 0
    assert tab["lost_products"].map(len).eq(0).all()  # zero-margin losses are not listed


def test_short_baseline_adjustment() -> None:
    net = short_baseline()
    phi = np.array([1.0, 0.0])
    r4 = performance_impact(net, phi, 4.0)
    assert close(r4.pi, 600.0) and close(r4.pi_baseline, 0.0)
    r12 = performance_impact(net, phi, 12.0)
    assert close(r12.pi_disrupted, 3800.0) and close(r12.pi_baseline, 200.0) and close(r12.pi, 3600.0)
    assert close(performance_impact(net, phi, 12.0, baseline_adjusted=False).pi, 3800.0)
    s = time_to_survive(net, phi)
    assert close(s.tts, 10.0 / 3.0)
    assert s.metadata["baseline_feasible"] is False and s.metadata["baseline_short_products"] == ["X"]
    np.testing.assert_allclose(s.demand_used, [70.0], rtol=REL)
    assert close(time_to_survive(net, phi, baseline_adjusted=False).tts, 2.5)
    assert time_to_survive(net, np.ones(2)).capped
    assert close(time_to_survive(net, np.ones(2), baseline_adjusted=False).tts, 10.0)
    dis = [Disruption("B", phi, 12.0), Disruption("none", np.ones(2), 12.0)]
    for decompose in (True, False):
        res = stress_test(net, dis, decompose=decompose)
        tab = res.table.set_index("disruption")
        assert close(float(tab.loc["B", "pi"]), 3600.0) and close(float(tab.loc["B", "pi_baseline"]), 200.0)
        assert close(float(tab.loc["B", "tts"]), 10.0 / 3.0)
        assert float(tab.loc["none", "pi"]) == 0.0 and bool(tab.loc["none", "tts_capped"])
        assert res.metadata["baseline_feasible"] is False
        assert res.metadata["pi_definition"] == "max(0, PI_n − PI_∅)"


@pytest.mark.parametrize("case", sorted(BACKUP_CASES))
def test_same_standard_backup_with_qualification_delay(case: str) -> None:
    spec = BACKUP_CASES[case]
    net = single_tier()
    bk = BackupSites(site_ids=("C",), product=np.array([0]), capacity=np.array([spec["capacity"]]),
                     delay=np.array([spec["delay"]]))
    phi = np.array([0.0, 1.0])
    s = time_to_survive(net, phi, backups=bk)
    if spec["tts"] is None:
        assert s.capped
    else:
        assert not s.capped and close(s.tts, float(spec["tts"]))
    assert close(performance_impact(net, phi, 4.0, backups=bk).pi, float(spec["pi_t4"]))
    tab = stress_test(net, [Disruption("A", phi, 4.0)], backups=bk).table
    assert close(float(tab.loc[0, "pi"]), float(spec["pi_t4"]))
    assert bool(tab.loc[0, "tts_capped"]) is (spec["tts"] is None)


def test_reduced_standard_variant_backup() -> None:
    net = single_tier()
    bk = BackupSites(site_ids=("V",), product=np.array([0]), capacity=np.array([VARIANT["capacity"]]),
                     reduced=np.array([True]), variant_margin=np.array([VARIANT["variant_margin"]]),
                     acceptance=np.array([VARIANT["acceptance"]]))
    phi = np.array([0.0, 1.0])
    r = performance_impact(net, phi, 4.0, backups=bk)
    assert close(r.pi, VARIANT["pi_t4"])
    assert close(float(r.backup_production[0]), VARIANT["variant_units"])
    assert float(r.lost[0]) <= 1e-6
    assert close(time_to_survive(net, phi, backups=bk).tts, VARIANT["tts"])
    # no lost sales before TTR, yet PI > 0: the variant's margin penalty is not skipped
    tab = stress_test(net, [Disruption("A", phi, 4.0)], backups=bk).table
    assert close(float(tab.loc[0, "pi"]), VARIANT["pi_t4"]) and not bool(tab.loc[0, "exposed"])


def test_backup_with_yield_loss_uses_more_inputs() -> None:
    net = assembly()
    bk = BackupSites(site_ids=("Yb",), product=np.array([3]), capacity=np.array([12.0]),
                     input_factor=np.array([1.5]))
    phi = Disruption.sites_down(net, "Ys", [3], 8.0).site_factor
    assert close(time_to_survive(net, phi, backups=bk).tts, YIELD_BACKUP_TTS)
    assert close(time_to_survive(net, phi).tts, 2.0)


def test_backup_sites_validation() -> None:
    net = single_tier()
    with pytest.raises(ConfigError, match="必须在"):
        compile_structure(net, BackupSites(("C",), np.array([0]), np.array([5.0]), reduced=np.array([True]),
                                           acceptance=np.array([1.5])))
    with pytest.raises(ConfigError, match="variant_margin"):
        compile_structure(net, BackupSites(("C",), np.array([0]), np.array([5.0]), reduced=np.array([True]),
                                           variant_margin=np.array([20.0])))
    with pytest.raises(ConfigError, match="越界"):
        compile_structure(net, BackupSites(("C",), np.array([3]), np.array([5.0])))


def test_bad_inputs_raise_bilingual_config_errors() -> None:
    net = single_tier()
    with pytest.raises(ConfigError, match="site_factor") as exc:
        performance_impact(net, np.ones(3), 4.0)
    assert "应为" in str(exc.value) and "expected" in str(exc.value)
    with pytest.raises(ConfigError, match=r"\[0, 1\]"):
        time_to_survive(net, np.array([1.5, 1.0]))
    with pytest.raises(ConfigError, match="t_max"):
        stress_test(net, [Disruption("long", np.ones(2), 60.0)], t_max=52.0)
    with pytest.raises(ConfigError, match="method"):
        stress_test(net, [Disruption("x", np.ones(2), 4.0)], method="simplex")
    bad = FlowNetwork(product_ids=("X",), margin=np.array([-1.0]), demand=np.array([1.0]),
                      inventory=np.array([0.0]), slot_product=np.zeros(0, I64), slot_ptr=np.array([0], I64),
                      slot_input=np.zeros(0, I64), slot_qty=np.zeros(0), site_ids=("A",),
                      site_product=np.array([0], I64), site_capacity=np.array([1.0]))
    with pytest.raises(ConfigError, match="FlowNetwork"):
        time_to_survive(bad, np.ones(1))


def test_residual_check_refuses_a_violating_solution() -> None:
    A = sp.csr_array(np.array([[1.0, 1.0]]))
    b, lb, ub = np.array([1.0]), np.zeros(2), np.full(2, np.inf)
    assert check_residual(A, b, lb, ub, np.array([0.5, 0.5]), rtol=1e-6, context="ok") <= 1e-6
    with pytest.raises(LPResidualError, match="残差") as exc:
        check_residual(A, b, lb, ub, np.array([0.6, 0.5]), rtol=1e-6, context="case")
    assert isinstance(exc.value, ChainleaderError)
    with pytest.raises(LPResidualError):
        check_residual(A, b, lb, ub, np.array([-0.1, 0.5]), rtol=1e-6, context="bound")
    with pytest.raises(LPResidualError):
        check_residual(A, b, lb, ub, np.array([np.nan, 0.5]), rtol=1e-6, context="nan")


def test_methods_and_options_agree() -> None:
    net = assembly()
    dis = [Disruption.sites_down(net, n, [net.site_ids.index(n)], 8.0) for n in ASSEMBLY]
    base = stress_test(net, dis).table
    for method in ("highs-ds", "highs-ipm"):
        tab = stress_test(net, dis, method=method, time_limit=60.0).table
        np.testing.assert_allclose(tab["pi"], base["pi"], rtol=REL, atol=1e-7)
        np.testing.assert_allclose(tab["tts"], base["tts"], rtol=REL, atol=1e-7)
    res = stress_test(net, dis, method="highs-ipm")
    assert res.params["method"] == "highs-ipm" and res.params["t_max"] == 52.0
    assert {"rtol", "time_limit", "baseline_adjusted", "count_zero_margin", "decompose", "batch_nnz",
            "n_jobs"} <= set(res.params)
    assert LPOptions().as_dict()["method"] == "highs"


def test_table_shape_and_types() -> None:
    net = assembly()
    dis = [Disruption.sites_down(net, n, [net.site_ids.index(n)], 8.0) for n in ASSEMBLY]
    tab = stress_test(net, dis).table
    assert list(tab["disruption"]) == list(ASSEMBLY)
    for col in ("pi", "rei", "tts", "ttr", "exposed", "tts_capped", "lost_products", "binding_products"):
        assert col in tab.columns
    assert tab["exposed"].dtype == bool
    assert tab.loc[tab["disruption"] == "Ys", "lost_products"].iloc[0] == ("Y",)
    empty = stress_test(net, []).table
    assert isinstance(empty, pd.DataFrame) and len(empty) == 0


# --------------------------------------------------------------------------- random networks


@hs.composite
def small_networks(draw: hs.DrawFn, positive_margin: bool = True) -> FlowNetwork:
    """2–5 products in index order; product j draws inputs from products < j (a DAG)."""
    p = draw(hs.integers(2, 5))
    slot_product: list[int] = []
    slot_ptr = [0]
    slot_input: list[int] = []
    qty: list[float] = []
    for j in range(1, p):
        for _ in range(draw(hs.integers(0, 2))):
            alts = draw(hs.lists(hs.integers(0, j - 1), min_size=1, max_size=2, unique=True))
            slot_product.append(j)
            slot_input.extend(alts)
            qty.extend(draw(hs.sampled_from([0.5, 1.0, 2.0])) for _ in alts)
            slot_ptr.append(len(slot_input))
    site_product = [j for j in range(p) for _ in range(draw(hs.integers(1, 2)))]
    caps = [float(draw(hs.integers(0, 30))) for _ in site_product]
    demand = [float(draw(hs.integers(0, 15))) for _ in range(p)]
    lo = 1 if positive_margin else 0
    margin = [float(draw(hs.integers(lo, 9))) for _ in range(p)]
    inventory = [float(draw(hs.integers(0, 40))) for _ in range(p)]
    return FlowNetwork(
        product_ids=tuple(f"p{j}" for j in range(p)), margin=np.array(margin), demand=np.array(demand),
        inventory=np.array(inventory), slot_product=np.array(slot_product, I64), slot_ptr=np.array(slot_ptr, I64),
        slot_input=np.array(slot_input, I64), slot_qty=np.array(qty), site_ids=tuple(f"s{i}" for i in
                                                                                     range(len(site_product))),
        site_product=np.array(site_product, I64), site_capacity=np.array(caps),
    )


def _factor(data: hs.DataObject, net: FlowNetwork) -> np.ndarray:
    return np.array([data.draw(hs.sampled_from([0.0, 0.5, 1.0])) for _ in range(net.n_sites)])


@HYP
@given(hs.data())
def test_longer_window_never_lowers_pi(data: hs.DataObject) -> None:
    net = data.draw(small_networks())
    phi = _factor(data, net)
    t1 = data.draw(hs.floats(0.0, 20.0))
    t2 = t1 + data.draw(hs.floats(0.0, 20.0))
    a = performance_impact(net, phi, t1, baseline_adjusted=False).pi
    b = performance_impact(net, phi, t2, baseline_adjusted=False).pi
    assert a <= b + REL * (1 + abs(b))


@HYP
@given(hs.data())
def test_more_capacity_never_hurts(data: hs.DataObject) -> None:
    net = data.draw(small_networks())
    phi = _factor(data, net)
    s = data.draw(hs.integers(0, net.n_sites - 1))
    cap = net.site_capacity.copy()
    cap[s] += data.draw(hs.integers(1, 20))
    more = FlowNetwork(**{**net.__dict__, "site_capacity": cap})
    t = data.draw(hs.floats(0.5, 15.0))
    assert (performance_impact(more, phi, t, baseline_adjusted=False).pi
            <= performance_impact(net, phi, t, baseline_adjusted=False).pi * (1 + REL) + REL)
    a = time_to_survive(net, phi, baseline_adjusted=False, t_max=30.0)
    b = time_to_survive(more, phi, baseline_adjusted=False, t_max=30.0)
    assert b.tts >= a.tts * (1 - REL) - REL


@HYP
@given(hs.data())
def test_backup_site_never_hurts(data: hs.DataObject) -> None:
    net = data.draw(small_networks())
    phi = _factor(data, net)
    j = data.draw(hs.integers(0, net.n_products - 1))
    bk = BackupSites(site_ids=("bk",), product=np.array([j]), capacity=np.array([float(data.draw(hs.integers(1, 20)))]),
                     delay=np.array([data.draw(hs.sampled_from([0.0, 1.5, 4.0]))]),
                     input_factor=np.array([data.draw(hs.sampled_from([1.0, 1.5]))]))
    t = data.draw(hs.floats(0.5, 15.0))
    for adjusted in (True, False):
        assert (performance_impact(net, phi, t, backups=bk, baseline_adjusted=adjusted).pi
                <= performance_impact(net, phi, t, baseline_adjusted=adjusted).pi * (1 + REL) + REL)
        a = time_to_survive(net, phi, baseline_adjusted=adjusted, t_max=30.0)
        b = time_to_survive(net, phi, backups=bk, baseline_adjusted=adjusted, t_max=30.0)
        assert b.tts >= a.tts * (1 - REL) - REL


@HYP
@given(hs.data())
def test_site_order_does_not_matter(data: hs.DataObject) -> None:
    net = data.draw(small_networks())
    phi = _factor(data, net)
    perm = np.array(data.draw(hs.permutations(range(net.n_sites))))
    shuffled = FlowNetwork(**{**net.__dict__, "site_ids": tuple(net.site_ids[i] for i in perm),
                              "site_product": net.site_product[perm], "site_capacity": net.site_capacity[perm]})
    t = data.draw(hs.floats(0.5, 15.0))
    a = performance_impact(net, phi, t)
    b = performance_impact(shuffled, phi[perm], t)
    assert close(a.pi, b.pi)
    np.testing.assert_allclose(b.production, a.production[perm], rtol=REL, atol=1e-6)
    ta = time_to_survive(net, phi, baseline_adjusted=False, t_max=30.0)
    tb = time_to_survive(shuffled, phi[perm], baseline_adjusted=False, t_max=30.0)
    assert close(ta.tts, tb.tts) and ta.capped == tb.capped


@HYP
@given(hs.data())
def test_tts_matches_bisection_on_the_pi_lp(data: hs.DataObject) -> None:
    """Brute force: PI(t) = 0 ⇔ t ≤ TTS (positive margins; unadjusted, so d̂ = d)."""
    net = data.draw(small_networks(positive_margin=True))
    phi = _factor(data, net)
    t_max = 30.0
    s = time_to_survive(net, phi, baseline_adjusted=False, t_max=t_max)

    def zero(t: float) -> bool:
        return performance_impact(net, phi, t, baseline_adjusted=False).pi <= 1e-7 * (1 + float(net.margin.max()))

    if s.capped:
        assert zero(t_max)
        return
    lo, hi = 0.0, t_max
    if not zero(lo):
        lo = hi = 0.0
    for _ in range(40):
        if hi - lo <= 1e-7 * (1 + hi):
            break
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if zero(mid) else (lo, mid)
    assert abs(s.tts - lo) <= 1e-5 * (1 + s.tts)


@HYP
@given(hs.data())
def test_rei_in_unit_interval_and_one_for_the_worst(data: hs.DataObject) -> None:
    net = data.draw(small_networks(positive_margin=data.draw(hs.booleans())))
    dis = [Disruption(f"d{i}", _factor(data, net), data.draw(hs.floats(0.0, 20.0))) for i in range(3)]
    tab = stress_test(net, dis, t_max=20.0).table
    assert ((tab["rei"] >= 0) & (tab["rei"] <= 1 + 1e-12)).all()
    if (tab["pi"] > 0).any():
        assert tab["rei"].max() == 1.0
        assert tab.loc[tab["pi"].idxmax(), "rei"] == 1.0
    else:
        assert (tab["rei"] == 0).all()
    assert (tab["exposed"] == (~tab["tts_capped"] & (tab["tts"] < tab["ttr"] * (1 - 1e-9)))).all()


@HYP
@given(hs.data())
def test_pi_positive_exactly_when_exposed(data: hs.DataObject) -> None:
    """With positive margins and an intact chain that keeps up, PI(TTR) > 0 ⇔ TTS < TTR."""
    net = data.draw(small_networks(positive_margin=True))
    dis = [Disruption(f"d{i}", _factor(data, net), data.draw(hs.floats(0.0, 20.0))) for i in range(3)]
    res = stress_test(net, dis, t_max=20.0)
    if not res.metadata["baseline_feasible"]:
        return
    tab = res.table
    tol = 1e-7 * (1 + float(net.margin.max()) * float(net.demand.sum()) * 20.0)
    gap = (tab["ttr"] - tab["tts"]).abs() > 1e-6 * (1 + tab["ttr"])  # skip TTR within rounding of TTS
    assert ((tab["pi"] > tol) == tab["exposed"])[gap].all()


@HYP
@given(hs.data())
def test_decomposition_equals_whole_network_lp_small(data: hs.DataObject) -> None:
    net = data.draw(small_networks(positive_margin=data.draw(hs.booleans())))
    dis = [Disruption(f"d{i}", _factor(data, net), data.draw(hs.floats(0.0, 20.0))) for i in range(4)]
    adjusted = data.draw(hs.booleans())
    a = stress_test(net, dis, t_max=20.0, baseline_adjusted=adjusted, decompose=True).table
    b = stress_test(net, dis, t_max=20.0, baseline_adjusted=adjusted, decompose=False).table
    np.testing.assert_allclose(a["pi"], b["pi"], rtol=REL, atol=1e-6)
    np.testing.assert_allclose(a["tts"], b["tts"], rtol=REL, atol=1e-6)
    assert (a["exposed"] == b["exposed"]).all() and (a["tts_capped"] == b["tts_capped"]).all()


def layered_network(n: int, seed: int) -> FlowNetwork:
    """Seeded layered AND/OR chain (a small version of benchmarks/bench_ttr_tts.py)."""
    rng = np.random.default_rng(seed)
    layer = np.sort(rng.integers(0, 5, n))
    layer[0] = 0
    made = np.flatnonzero(layer > 0)
    n_slots = rng.integers(1, 4, made.size)
    slot_product = np.repeat(made, n_slots)
    n_alt = rng.integers(1, 4, slot_product.size)
    edge_slot = np.repeat(np.arange(slot_product.size), n_alt)
    first = np.searchsorted(layer, layer[slot_product[edge_slot]])  # first product of the consumer's layer
    edge_input = (rng.random(edge_slot.size) * first).astype(I64)
    pair = np.unique(np.column_stack([edge_slot, edge_input]), axis=0)
    edge_slot, edge_input = pair[:, 0], pair[:, 1]
    slot_ptr = np.concatenate([[0], np.cumsum(np.bincount(edge_slot, minlength=slot_product.size))])
    qty = rng.choice([0.5, 1.0, 2.0], edge_slot.size)
    demand = np.where(layer == layer.max(), rng.integers(5, 50, n), np.where(rng.random(n) < 0.1, 5.0, 0.0))
    need = demand.astype(float)
    alts = np.diff(slot_ptr)[edge_slot]
    ep = slot_product[edge_slot]
    for lay in range(int(layer.max()), 0, -1):
        e = layer[ep] == lay
        need += np.bincount(edge_input[e], weights=qty[e] * need[ep[e]] / alts[e], minlength=n)
    n_sites = rng.integers(1, 3, n)
    site_product = np.repeat(np.arange(n), n_sites)
    cap = (need * rng.uniform(1.1, 1.8, n) + 1.0)[site_product] / n_sites[site_product]
    return FlowNetwork(
        product_ids=tuple(f"P{i}" for i in range(n)), margin=rng.uniform(1, 50, n).round(2),
        demand=demand.astype(float), inventory=np.where(rng.random(n) < 0.3, 0.0, (need * rng.uniform(0, 5, n)).round(1)),
        slot_product=slot_product, slot_ptr=slot_ptr, slot_input=edge_input, slot_qty=qty,
        site_ids=tuple(f"S{i}" for i in range(site_product.size)), site_product=site_product,
        site_capacity=cap.round(2),
    )


def product_disruptions(net: FlowNetwork, seed: int) -> list[Disruption]:
    rng = np.random.default_rng(seed)
    return [Disruption.sites_down(net, net.product_ids[j], np.flatnonzero(net.site_product == j),
                                  float(rng.uniform(1, 12))) for j in range(net.n_products)]


@pytest.mark.parametrize("seed", [0, 1])
def test_decomposition_equals_whole_network_lp_layered(seed: int) -> None:
    """Every product down in turn on a 60-product layered chain: region == whole-network LP."""
    net = layered_network(60, seed)
    dis = product_disruptions(net, seed + 10)
    a = stress_test(net, dis)
    b = stress_test(net, dis, decompose=False)
    np.testing.assert_allclose(a.table["pi"], b.table["pi"], rtol=REL, atol=1e-6)
    np.testing.assert_allclose(a.table["tts"], b.table["tts"], rtol=REL, atol=1e-6)
    assert (a.table["exposed"] == b.table["exposed"]).all()
    assert a.metadata["solved_by"] == "region decomposition"
    assert b.metadata["solved_by"] == "whole-network LP per scenario"
    # the decomposition solved small regions, not the network
    assert a.table["region_products"].max() < net.n_products
    # with a feasible baseline and positive margins, PI > 0 exactly for the exposed disruptions
    assert a.metadata["baseline_feasible"] is True
    assert ((a.table["pi"] > 1e-9) == a.table["exposed"]).all()


def test_decomposition_with_backups_and_partial_outages() -> None:
    net = layered_network(40, 3)
    rng = np.random.default_rng(4)
    b = 6
    prod = rng.choice(net.n_products, b, replace=False)
    bk = BackupSites(site_ids=tuple(f"B{i}" for i in range(b)), product=prod,
                     capacity=rng.uniform(5, 40, b).round(1), delay=np.array([0.0, 0.0, 2.0, 3.5, 0.0, 1.0]),
                     input_factor=np.array([1.0, 1.2, 1.0, 1.0, 1.5, 1.0]),
                     reduced=np.array([False, False, False, False, True, True]),
                     variant_margin=net.margin[prod] * 0.5, acceptance=np.full(b, 0.3))
    dis = [Disruption(f"d{i}", rng.choice([0.0, 0.4, 1.0], net.n_sites, p=[0.05, 0.05, 0.9]),
                      float(rng.uniform(0.5, 10))) for i in range(25)]
    x = stress_test(net, dis, backups=bk)
    y = stress_test(net, dis, backups=bk, decompose=False)
    np.testing.assert_allclose(x.table["pi"], y.table["pi"], rtol=REL, atol=1e-6)
    np.testing.assert_allclose(x.table["tts"], y.table["tts"], rtol=REL, atol=1e-6)
    for d, row in zip(dis[:5], x.table.itertuples(), strict=False):
        assert close(time_to_survive(net, d.site_factor, backups=bk).tts, float(row.tts))
        assert close(performance_impact(net, d.site_factor, d.ttr, backups=bk).pi, float(row.pi))


def test_parallel_workers_give_the_same_answers() -> None:
    net = layered_network(30, 5)
    dis = product_disruptions(net, 6)
    a = stress_test(net, dis).table
    b = stress_test(net, dis, n_jobs=2).table
    np.testing.assert_allclose(a["pi"], b["pi"], rtol=REL, atol=1e-6)
    np.testing.assert_allclose(a["tts"], b["tts"], rtol=REL, atol=1e-6)
    assert list(a["disruption"]) == list(b["disruption"])


def test_deterministic() -> None:
    net = layered_network(30, 7)
    dis = product_disruptions(net, 8)
    a = stress_test(net, dis).table
    b = stress_test(net, dis).table
    pd.testing.assert_frame_equal(a, b)
