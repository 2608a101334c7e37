"""Unit scaling for the LPs changes no value or time, and makes the bundled chains solvable."""

from __future__ import annotations

import numpy as np
import pytest

import chainleader as cl
from chainleader.analysis import assess
from chainleader.analysis.flow_network import FlowNetwork
from chainleader.analysis.stress import scaled_for_lp
from chainleader.analysis.ttr_tts import Disruption, stress_test


def _assembly() -> FlowNetwork:
    # X needs 2 units of a (from A1 or A2: OR) and 0.001 units of b (single-sourced B: AND);
    # quantities span six orders of magnitude on purpose.
    return FlowNetwork(
        product_ids=("X", "a", "b"),
        margin=np.array([2.0e5, 50.0, 9.0e4]),
        demand=np.array([1000.0, 0.0, 0.0]),
        inventory=np.array([500.0, 3000.0, 0.5]),
        slot_product=np.array([0, 0]),
        slot_ptr=np.array([0, 1, 2]),
        slot_input=np.array([1, 2]),
        slot_qty=np.array([2.0, 0.001]),
        site_ids=("X1", "A1", "A2", "B"),
        site_product=np.array([0, 1, 1, 2]),
        site_capacity=np.array([1200.0, 1500.0, 1000.0, 1.5]),
    )


def test_scaling_preserves_pi_and_tts() -> None:
    net = _assembly()
    scaled, money = scaled_for_lp(net)
    cuts = [Disruption("A1", np.array([1, 0, 1, 1.0]), 4.0), Disruption("B", np.array([1, 1, 1, 0.0]), 6.0)]
    raw = stress_test(net, cuts, t_max=52.0).table
    sc = stress_test(scaled, cuts, t_max=52.0).table
    np.testing.assert_allclose(sc["pi"].to_numpy() * money, raw["pi"].to_numpy(), rtol=1e-6)
    np.testing.assert_allclose(sc["tts"].to_numpy(), raw["tts"].to_numpy(), rtol=1e-6)
    assert list(sc["exposed"]) == list(raw["exposed"])
    # By hand: losing B (no substitute, 0.5 units of b in stock = 500 X) while X sells 1000 per
    # period from 500 in stock and produces 1000 -> X lasts (500 + 500) / 1000 = 1 period.
    assert raw.loc[1, "tts"] == pytest.approx(1.0, rel=1e-6)
    assert bool(raw.loc[1, "exposed"])


@pytest.mark.parametrize("name", ["nev-jjj", "ic-yrd", "display-js"])
def test_register_lps_solve_on_bundled_chains(name: str) -> None:
    reg = assess(cl.load_dataset(name))
    assert reg.metadata["lp_status"] == "ok"
