"""Monte Carlo: seeded draws, parameters applied as declared, identical results for any worker count or engine."""

from __future__ import annotations

import numpy as np
import pytest
from simnets import two_tier

from chainleader.analysis.simulation import build_network, parse_scenario, resolve
from chainleader.analysis.simulation.montecarlo import (
    MonteCarloResult,
    apply_draw,
    draw,
    run_monte_carlo,
    sample_draws,
)
from chainleader.analysis.simulation.scenario import Distribution
from chainleader.model.errors import ConfigError

TEXT = """\
horizon_days: 60
shocks:
  - {id: s1, type: enterprise_failure, enterprises: [S1], capacity_loss: 0.8, end_day: 20,
     recovery: {curve: linear, days: 10}}
uncertain:
  - {param: capacity_loss, shocks: [s1], as: value, dist: {type: uniform, low: 0.5, high: 1.0}}
  - {param: recovery_days, shocks: [s1], dist: {type: triangular, low: 0.5, mode: 1.0, high: 2.0}}
  - {param: duration_days, dist: {type: choice, values: [0.5, 1.0], weights: [1, 3]}}
  - {param: inventory_days, dist: {type: lognormal, median: 1.0, sigma: 0.3}}
"""


def _plan():  # type: ignore[no-untyped-def]
    net = build_network(two_tier(5))
    return net, resolve(net, parse_scenario(TEXT))


def test_draws_are_seeded_and_per_run() -> None:
    s = parse_scenario(TEXT)
    a, b = sample_draws(s, 5, seed=42), sample_draws(s, 5, seed=42)
    assert np.array_equal(a, b) and a.shape == (5, 4)
    assert np.array_equal(sample_draws(s, 3, seed=42), a[:3])  # run i never depends on the number of runs
    assert not np.array_equal(sample_draws(s, 5, seed=43), a)
    assert ((a[:, 0] >= 0.5) & (a[:, 0] <= 1.0)).all() and set(a[:, 2]) <= {0.5, 1.0}


def test_distributions() -> None:
    rng = np.random.default_rng(0)
    x = [draw(Distribution("normal", low=0.0, high=1.0, mean=0.5, sd=2.0), rng) for _ in range(200)]
    assert min(x) >= 0.0 and max(x) <= 1.0
    assert draw(Distribution("choice", values=(3.0,)), rng) == 3.0


def test_draws_change_the_plan_as_declared() -> None:
    _, plan = _plan()
    p = apply_draw(plan, [0.6, 2.0, 0.5, 1.5])
    assert p.capacity.loss.tolist() == [0.6]  # as: value
    assert p.capacity.recovery.tolist() == [20.0]  # x 2
    assert p.capacity.end.tolist() == [10.0]  # half of the 20-day window
    assert p.inventory_factor == 1.5 and p.ramp_factor == 1.0
    assert plan.capacity.loss.tolist() == [0.8]  # the original plan is untouched


def test_percentiles_identical_for_one_and_two_workers() -> None:
    net, plan = _plan()
    one = run_monte_carlo(net, plan, runs=8, seed=7, workers=1)
    two = run_monte_carlo(net, plan, runs=8, seed=7, workers=2)
    assert (one.engine, two.engine, two.workers) == ("serial", "process", 2)
    assert np.array_equal(one.lost_value, two.lost_value) and np.array_equal(one.ratio, two.ratio)
    assert one.percentiles().equals(two.percentiles()) and one.bands().equals(two.bands())
    _check_bands(one)


def _check_bands(mc: MonteCarloResult) -> None:
    q = mc.percentiles().set_index(["chain", "metric"])
    row = q.loc[("all", "lost_value")]
    assert row["p5"] <= row["p50"] <= row["p95"] and row["p95"] > 0
    b = mc.bands()
    assert (b["p5"] <= b["p50"]).all() and (b["p50"] <= b["p95"]).all() and len(b) == 60


def test_bad_arguments() -> None:
    net, plan = _plan()
    with pytest.raises(ConfigError):
        run_monte_carlo(net, plan, runs=0)
    with pytest.raises(ConfigError):
        run_monte_carlo(net, plan, runs=2, workers=2, engine="threads")  # type: ignore[arg-type]


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::FutureWarning", "ignore::UserWarning",
                            "ignore::ResourceWarning")
def test_ray_engine_gives_the_same_percentiles() -> None:
    ray = pytest.importorskip("ray", reason="Ray 未安装，跳过 / Ray is not installed: the optional engine is skipped")
    net, plan = _plan()
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    except Exception as exc:  # pragma: no cover - depends on the machine
        pytest.skip(f"Ray 无法启动 / Ray cannot start here: {exc}")
    try:
        got = run_monte_carlo(net, plan, runs=6, seed=3, workers=2, engine="ray")
    finally:
        ray.shutdown()
    ref = run_monte_carlo(net, plan, runs=6, seed=3, workers=1)
    assert got.engine == "ray" and np.array_equal(got.lost_value, ref.lost_value)
    assert got.percentiles().equals(ref.percentiles())


def test_monte_carlo_runs_skip_detail_but_not_results() -> None:
    from chainleader.analysis.simulation import simulate

    net, plan = _plan()
    full, lean = simulate(net, plan), simulate(net, plan, detail=False)
    assert np.array_equal(full.out, lean.out) and full.lost_value() == lean.lost_value()
    assert full.time_to_recover() == lean.time_to_recover() and not lean.binding_frame().shape[0]
