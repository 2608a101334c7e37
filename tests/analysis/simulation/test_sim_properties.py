"""Property checks on small random networks (hypothesis): bigger, longer shocks and smaller inventories never
lose less; a same-standard backup plan never loses more; no shock never loses anything."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from simnets import make_dataset

from chainleader.analysis.simulation import (
    Scenario,
    SimNetwork,
    build_network,
    parse_scenario,
    resolve,
    simulate,
)
from chainleader.analysis.simulation.montecarlo import apply_draw
from chainleader.model.dataset import Dataset

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, database=None)


def random_network(seed: int, spare: tuple[float, float] = (1.0, 1.6)) -> tuple[Dataset, list[str]]:
    """3 tiers; 1-3 makers per product; 1-2 AND slots of 1-2 OR alternatives; some supply links; capacity =
    output x uniform(spare)."""
    rng = np.random.default_rng(seed)
    tiers = [[f"R{i}" for i in range(rng.integers(1, 4))], [f"M{i}" for i in range(rng.integers(1, 4))],
             [f"F{i}" for i in range(rng.integers(1, 3))]]
    products = [{"id": p, "unit_price": float(rng.integers(1, 100))} for t in tiers for p in t]
    bom = []
    for lower, upper in ((tiers[0], tiers[1]), (tiers[1], tiers[2])):
        for p in upper:
            for g in range(rng.integers(1, 3)):
                alts = rng.choice(lower, size=min(len(lower), int(rng.integers(1, 3))), replace=False)
                bom += [{"product": p, "input_group": f"g{g}", "input": str(a), "quantity": float(rng.integers(1, 4))}
                        for a in alts]
    ents, caps, makers = [], [], {}
    for t in tiers:
        for p in t:
            for k in range(rng.integers(1, 4)):
                e = f"E_{p}_{k}"
                out = float(rng.integers(100, 1000))
                ents.append({"id": e, "country": "CN", "region": "110101"})
                caps.append({"enterprise": e, "product": p, "capacity": out * float(rng.uniform(*spare)),
                             "output": out, "inventory_days": float(rng.integers(0, 15)), "standard_grade": 3,
                             "ramp_up_days": float(rng.integers(1, 30))})
                makers.setdefault(p, []).append(e)
    links = []
    for b in bom:
        if rng.random() < 0.4:
            links.append({"supplier": makers[b["input"]][0], "customer": makers[b["product"]][0], "product": b["input"],
                          "share": float(rng.uniform(0.3, 1.0))})
    uniq = {(lk["supplier"], lk["customer"], lk["product"]): lk for lk in links}
    ds = make_dataset(products=products, bom=bom, enterprises=ents, capacities=caps, links=list(uniq.values()))
    victims = [makers[p][0] for p in tiers[0] + tiers[1]]
    return ds, victims


def shock(victim: str, loss: float, days: int, plan: str = "", horizon: int = 90) -> str:
    return (f"horizon_days: {horizon}\nparams: {{input_stock_days: 3, qualification_days: 30}}\nshocks:\n"
            f"  - {{id: s, type: enterprise_failure, enterprises: [{victim}], capacity_loss: {loss}, end_day: {days},"
            f" recovery: {{curve: linear, days: 10}}}}\n"
            "uncertain:\n  - {param: inventory_days, dist: {type: uniform, low: 0.5, high: 1.0}}\n" + plan)


def loss_of(net: SimNetwork, s: Scenario, inventory: float = 1.0) -> float:
    return simulate(net, apply_draw(resolve(net, s), [inventory])).lost_value()


def close_or_more(a: float, b: float) -> bool:
    """a >= b up to rounding."""
    return a >= b - 1e-9 * max(1.0, abs(b))


@SETTINGS
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 20), l1=st.floats(0.1, 1.0), l2=st.floats(0.1, 1.0),
       d=st.integers(1, 50))
def test_bigger_shock_never_loses_less(seed: int, pick: int, l1: float, l2: float, d: int) -> None:
    ds, victims = random_network(seed)
    net = build_network(ds)
    v = victims[pick % len(victims)]
    lo, hi = sorted((round(l1, 3), round(l2, 3)))
    assert close_or_more(loss_of(net, parse_scenario(shock(v, hi, d))), loss_of(net, parse_scenario(shock(v, lo, d))))


@SETTINGS
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 20), d1=st.integers(1, 60), d2=st.integers(1, 60))
def test_longer_shock_never_loses_less(seed: int, pick: int, d1: int, d2: int) -> None:
    ds, victims = random_network(seed)
    net = build_network(ds)
    v = victims[pick % len(victims)]
    lo, hi = sorted((d1, d2))
    assert close_or_more(loss_of(net, parse_scenario(shock(v, 1.0, hi))), loss_of(net, parse_scenario(shock(v, 1.0, lo))))


@SETTINGS
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 20), f1=st.floats(0.5, 1.0), f2=st.floats(0.5, 1.0),
       d=st.integers(5, 50))
def test_smaller_inventories_never_lose_less(seed: int, pick: int, f1: float, f2: float, d: int) -> None:
    ds, victims = random_network(seed)
    net = build_network(ds)
    s = parse_scenario(shock(victims[pick % len(victims)], 1.0, d))
    small, big = sorted((f1, f2))
    assert close_or_more(loss_of(net, s, small), loss_of(net, s, big))


@SETTINGS
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 20), d=st.integers(5, 50))
def test_backup_plan_never_loses_more(seed: int, pick: int, d: int) -> None:
    # Backups with room to spare (capacity 2-3 x output). With scarce spare capacity a plan reallocates it from
    # open-market buyers to tied customers and can lose more overall (e.g. random_network(130), victim 0, 18
    # days): a documented limit, see propagate step 5.
    ds, victims = random_network(seed, spare=(2.0, 3.0))
    net = build_network(ds)
    v = victims[pick % len(victims)]
    without = loss_of(net, parse_scenario(shock(v, 1.0, d)))
    with_plan = loss_of(net, parse_scenario(shock(v, 1.0, d, "backup_plan: {mode: auto, top_n: 2}\n")))
    assert close_or_more(without, with_plan)


@SETTINGS
@given(seed=st.integers(0, 10_000))
def test_no_shock_never_loses(seed: int) -> None:
    ds, _ = random_network(seed)
    net = build_network(ds)
    r = simulate(net, resolve(net, parse_scenario("horizon_days: 40\nparams: {input_stock_days: 3}\nshocks: []\n")))
    assert np.array_equal(r.out, np.broadcast_to(r.base_out, r.out.shape)) and r.lost_value() == 0.0
