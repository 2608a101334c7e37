"""The numba engine (default) against the numpy reference engine: the same results to 1e-9 relative on every
bundled scenario (with and without its backup plan), on a generated network with the benchmark scenario, and
on small cases exercising chain-master priority, logistics, demand shocks, backlog and weekly steps."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from simnets import make_dataset

from chainleader.analysis.simulation import SimulationResult, build_network, parse_scenario, resolve, simulate
from chainleader.generators import generate_dataset
from chainleader.model.errors import ConfigError
from chainleader.services.datasets import load_dataset
from chainleader.services.simulate import list_scenarios, load_scenario

sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
from bench_simulate import scenario_text

FIELDS = ("out", "short", "backlog", "backlog_served", "delivered", "claim", "province_out", "cm_out", "site_lost",
          "penalty", "bind_site_steps", "bind_units", "bind_first", "bind_last", "cap_units")


def assert_same(a: SimulationResult, b: SimulationResult) -> None:
    for name in FIELDS:
        u, v = np.asarray(getattr(a, name), dtype=float), np.asarray(getattr(b, name), dtype=float)
        assert u.shape == v.shape, name
        scale = np.maximum(np.maximum(np.abs(u), np.abs(v)), 1e-300)
        assert (np.abs(u - v) <= 1e-9 * scale + 1e-12).all(), name
    assert a.lost_value() == pytest.approx(b.lost_value(), rel=1e-9, abs=1e-6)
    assert a.time_to_recover() == b.time_to_recover()


@pytest.mark.parametrize("info", list_scenarios(), ids=lambda i: f"{i.dataset}/{i.id}")
def test_bundled_scenarios_agree(info) -> None:  # type: ignore[no-untyped-def]
    net = build_network(load_dataset(info.dataset))
    s = load_scenario(info.id, info.dataset)
    for sc in (s.without_plan(), s):
        plan = resolve(net, sc)
        assert_same(simulate(net, plan, engine="numba"), simulate(net, plan, engine="numpy"))


@pytest.mark.parametrize("step", [1, 7])
def test_generated_network_with_the_benchmark_scenario_agrees(step: int) -> None:
    net = build_network(generate_dataset(3000, 60, seed=3))
    plan = resolve(net, parse_scenario(scenario_text(net, 120, step)))
    a, b = simulate(net, plan, engine="numba"), simulate(net, plan, engine="numpy")
    assert a.output_shortfall_value() > 0
    assert_same(a, b)


def small() -> object:
    return make_dataset(
        products=[{"id": "A", "unit_price": 1.0}, {"id": "A2", "unit_price": 2.0}, {"id": "B1", "unit_price": 10.0},
                  {"id": "B2", "unit_price": 10.0}],
        bom=[{"product": "B1", "input_group": "a", "input": "A", "quantity": 1.0},
             {"product": "B1", "input_group": "a", "input": "A2", "quantity": 1.0},
             {"product": "B2", "input_group": "a", "input": "A", "quantity": 1.0}],
        enterprises=[{"id": "S1", "region": "130203"}, {"id": "S2", "region": "120101"},
                     {"id": "C1", "tags": "chain_master"}, {"id": "C2"}],
        capacities=[
            {"enterprise": "S1", "product": "A", "capacity": 900.0, "output": 730.0, "inventory_days": 3},
            {"enterprise": "S2", "product": "A2", "capacity": 500.0, "output": 100.0, "ramp_up_days": 5},
            {"enterprise": "C1", "product": "B1", "capacity": 500.0, "output": 400.0, "inventory_days": 2},
            {"enterprise": "C2", "product": "B2", "capacity": 450.0, "output": 365.0},
        ],
        links=[{"supplier": "S1", "customer": "C2", "product": "A", "share": 0.7}],
    )


@pytest.mark.parametrize("text", [
    "params: {priority: chain_master, input_stock_days: 2}\nshocks:\n"
    "  - {type: enterprise_failure, enterprises: [S1], capacity_loss: 0.6, end_day: 15}\n",
    "params: {backlog_share: 0.5, substitution_days: 5, substitution_ramp_days: 3}\nshocks:\n"
    "  - {type: logistics, origins: ['130000'], destinations: ['110000'], mode: closure, end_day: 9}\n"
    "  - {type: demand, change: 0.3, end_day: 20}\n",
    "params: {step_days: 7}\nshocks:\n  - {type: enterprise_failure, enterprises: [S1], end_day: 21}\n"
    "backup_plan: {mode: listed, sites: ['S2:A2']}\n",
])
def test_feature_cases_agree(text: str) -> None:
    net = build_network(small())  # type: ignore[arg-type]
    plan = resolve(net, parse_scenario("horizon_days: 70\n" + text))
    assert_same(simulate(net, plan, engine="numba"), simulate(net, plan, engine="numpy"))


def test_unknown_engine_is_refused() -> None:
    net = build_network(small())  # type: ignore[arg-type]
    plan = resolve(net, parse_scenario("horizon_days: 5\nshocks: []\n"))
    with pytest.raises(ConfigError, match="unknown engine"):
        simulate(net, plan, engine="cuda")  # type: ignore[arg-type]
