"""The bundled cobalt scenario (nev-jjj/cobalt-cd-cut): how the cut travels down the battery chain, what the
substitution delay changes, and what the backup plan (pre-qualified LFP cathode) changes.

The shock: cobalt from DR Congo stops for 236 days, then ships 56 % less (the 2025 ARECOMS measures). Every tier
holds finished goods (data: 11-55 days) and 15 days of inputs, so the cut reaches NCM cathode makers only after
about five months, and battery cells later still. NCM and LFP cathode are alternatives of one slot of the cell
(baseline mix about 1 : 2 by cells): before ``substitution_days`` (120 + 30 days of ramp) a cell maker cannot
make NCM cells with LFP, so cells fall by the NCM share of the missing cathode.
"""

from __future__ import annotations

import numpy as np
import pytest

from chainleader.analysis.simulation import SimulationResult, build_network, resolve, simulate
from chainleader.analysis.simulation.explain import explain
from chainleader.services.datasets import load_dataset
from chainleader.services.simulate import load_scenario

VEHICLES = ("P_BEV_CAR", "P_PHEV_CAR", "P_E_CV")


@pytest.fixture(scope="module")
def runs() -> dict[str, SimulationResult]:
    net = build_network(load_dataset("nev-jjj"))
    s = load_scenario("cobalt-cd-cut", "nev-jjj")
    return {
        "no_plan": simulate(net, resolve(net, s.without_plan())),
        "with_plan": simulate(net, resolve(net, s)),
        "instant": simulate(net, resolve(net, s.without_plan().with_params(substitution_days=0,
                                                                             substitution_ramp_days=1))),
    }


def ratio(r: SimulationResult, pid: str) -> np.ndarray:
    i = list(r.net.product_ids).index(pid)
    return r.out[:, i] / r.base_out[i]


def test_the_cut_travels_down_the_battery_chain(runs: dict[str, SimulationResult]) -> None:
    pf = runs["no_plan"].product_frame().set_index("product")
    onset = {p: pf.loc[p, "onset_day"] for p in ("P_COBALT_RAW", "P_COSO4", "P_PRECURSOR_NCM", "P_CATHODE_NCM",
                                                  "P_CELL")}
    assert onset["P_COBALT_RAW"] == 1  # blocked stock piles up in DR Congo from day 0
    assert list(onset.values()) == sorted(onset.values())  # each tier later than the one above it
    assert 120 <= onset["P_CATHODE_NCM"] <= 200 and onset["P_CELL"] > onset["P_CATHODE_NCM"]
    assert pf.loc["P_CATHODE_NCM", "peak_reduction"] > 0.5
    # cells fall by the NCM part of the cathode slot (NCM is about a third of the cells): at least 5 %, at most
    # the NCM share
    assert 0.05 < pf.loc["P_CELL", "peak_reduction"] < 0.35
    # LFP makers make more only once NCM falls short (cells refill their LFP stocks, then substitute)
    lfp = ratio(runs["no_plan"], "P_CATHODE_LFP")
    assert lfp[: int(onset["P_CATHODE_NCM"])].max() < 1.0 + 1e-9 and lfp.max() > 1.1


def test_without_the_substitution_delay_cells_hardly_fall(runs: dict[str, SimulationResult]) -> None:
    delayed = runs["no_plan"].product_frame().set_index("product").loc["P_CELL"]
    instant = runs["instant"].product_frame().set_index("product")
    cell_instant = instant.loc["P_CELL", "output_shortfall_value"] if "P_CELL" in instant.index else 0.0
    assert cell_instant < 0.5 * delayed["output_shortfall_value"]


def test_vehicles_are_covered_by_stocks_and_the_plan_cuts_the_battery_loss(runs: dict[str, SimulationResult]) -> None:
    r0, r1 = runs["no_plan"], runs["with_plan"]
    # the cells' shortfall is covered by the finished goods and input stocks of cell, pack and vehicle makers:
    # no vehicle is lost within the year (final demand met), in both runs
    for r in (r0, r1):
        assert r.lost_value() == 0.0
        for v in VEHICLES:
            assert ratio(r, v).min() > 1.0 - 1e-9
    # the plan pre-qualifies LFP cathode (backups of the plan): substitution starts at once, cells fall later
    # and by less, and the output shortfall of the whole chain is smaller
    c0 = r0.product_frame().set_index("product").loc["P_CELL"]
    c1 = r1.product_frame().set_index("product").loc["P_CELL"]
    assert c1["peak_reduction"] < c0["peak_reduction"] and c1["onset_day"] > c0["onset_day"]
    assert c1["output_shortfall_value"] < c0["output_shortfall_value"]
    assert r1.output_shortfall_value() < r0.output_shortfall_value()
    zh, en = explain(r0, with_plan=r1)
    assert "三元正极材料" in zh and "电芯" in zh and "最大减产由" in zh and "终端产品未减产" in zh
    assert "NCM cathode" in en and "cells" in en and "instead of" in en
