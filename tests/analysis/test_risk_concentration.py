"""Concentration measures against published cases (DOJ/FTC HMG 2010 §5.3; Hill 1973) and hand cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles.risk_cases import make_dataset, nev_mini

from chainleader.analysis import (
    RiskParams,
    concentration,
    concentration_ratio,
    hhi,
    hhi_bounds,
    hill_number,
    shannon,
)


def test_hmg_2010_four_firm_example() -> None:
    """US DOJ & FTC Horizontal Merger Guidelines (2010) §5.3: shares 30/30/20/20 -> HHI 2,600."""
    assert hhi([0.3, 0.3, 0.2, 0.2]) * 1e4 == pytest.approx(2600, abs=1e-9)
    assert hhi([30, 30, 20, 20]) * 1e4 == pytest.approx(2600, abs=1e-9)  # raw amounts are normalised


def test_hmg_example_through_a_dataset() -> None:
    """The same market as capacity rows: enterprise HHI, x10^4, CR_k and the effective number of suppliers."""
    ents = [("F1", 30), ("F2", 30), ("F3", 20), ("F4", 20)]
    ds = make_dataset(
        "hmg",
        products=[{"id": "Q", "name_zh": "产品Q", "stage": "midstream", "kind": "component", "unit": "pcs"}],
        enterprises=[{"id": e, "name_zh": e, "country": "CN", "region": r}
                     for (e, _), r in zip(ents, ["110108", "120116", "130102", "310115"], strict=True)],
        capacities=[{"enterprise": e, "product": "Q", "capacity": 100, "output": o} for e, o in ents],
    )
    row = concentration(ds).by_product.iloc[0]
    assert row["hhi_enterprise"] == pytest.approx(0.26, abs=1e-12)
    assert row["hhi_enterprise_1e4"] == pytest.approx(2600, abs=1e-9)
    assert row["cr1"] == pytest.approx(0.3, abs=1e-12)
    assert row["cr4"] == pytest.approx(1.0, abs=1e-12)
    assert row["n_eff_hhi"] == pytest.approx(1 / 0.26, rel=1e-12)
    assert row["n_suppliers"] == 4 and row["n_provinces"] == 4 and not row["single_region"]
    assert row["leader"] == "F1"  # F1 and F2 tie at 30 %: ties are broken by id
    # capacity basis: four equal capacities -> HHI 0.25, evenness 1
    row_c = concentration(ds, params=RiskParams(share_basis="capacity")).by_product.iloc[0]
    assert row_c["hhi_enterprise"] == pytest.approx(0.25, abs=1e-12)
    assert row_c["evenness"] == pytest.approx(1.0, abs=1e-12)


def test_hill_numbers() -> None:
    """Hill (1973), Ecology 54(2): N0 = richness, N1 = exp(H), N2 = 1/Σp²; N0 >= N1 >= N2; equal for even shares.

    p = (1/2, 1/4, 1/4): H = 1.5 ln 2, N1 = 2^1.5 = 2.8284, N2 = 1/0.375 = 2.6667, evenness H/ln 3 = 0.9464.
    """
    p = [0.5, 0.25, 0.25]
    assert shannon(p) == pytest.approx(1.5 * math.log(2), rel=1e-12)
    assert hill_number(p, 1) == pytest.approx(2**1.5, rel=1e-12)
    assert hill_number(p, 2) == pytest.approx(1 / 0.375, rel=1e-12)
    assert hill_number(p, 0) == pytest.approx(3, rel=1e-12)
    assert 1 / hhi(p) == pytest.approx(hill_number(p, 2), rel=1e-12)
    for n in (1, 2, 5, 17):
        even = [1 / n] * n
        for q in (0, 1, 2):
            assert hill_number(even, q) == pytest.approx(n, rel=1e-12)
    assert shannon([1.0, 0.0]) == 0.0  # 0·ln 0 = 0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0.001, 1000), min_size=1, max_size=12))
def test_hill_numbers_decrease_with_order(w: list[float]) -> None:
    n0, n1, n2 = hill_number(w, 0), hill_number(w, 1), hill_number(w, 2)
    assert n0 + 1e-9 >= n1 >= n2 - 1e-9
    assert 1 / len(w) - 1e-12 <= hhi(w) <= 1 + 1e-12
    assert concentration_ratio(w, len(w)) == pytest.approx(1.0)


def test_hhi_bounds_when_only_top_suppliers_are_known() -> None:
    """METHODS §1 pitfalls: lower = Σ known s²; upper = remainder in pieces <= the smallest known share.

    Known 40 and 30 of 100: lower 0.25, remainder 0.30 fits one piece of 0.30 -> upper 0.34.
    Known 40 and 20 of 100: remainder 0.40 = two pieces of 0.20 -> upper 0.16 + 0.04 + 0.08 = 0.28.
    """
    assert hhi_bounds([40, 30], 100) == pytest.approx((0.25, 0.34))
    assert hhi_bounds([40, 20], 100) == pytest.approx((0.20, 0.28))
    assert hhi_bounds([60, 40], 100) == pytest.approx((0.52, 0.52))


def test_bounds_in_the_dataset_use_trade_production() -> None:
    """Domestic sites report 60 + 30 but the trade table reports Q = 150: shares 0.4, 0.2 known, 0.4 unknown.

    lower = 0.16 + 0.04 = 0.20; upper adds two pieces of 0.2: 0.20 + 2 x 0.04 = 0.28.
    """
    ds = make_dataset(
        "cov",
        products=[{"id": "Q", "name_zh": "产品Q", "stage": "upstream", "kind": "material", "unit": "t"}],
        enterprises=[{"id": "A", "name_zh": "A", "country": "CN", "region": "110108"},
                     {"id": "B", "name_zh": "B", "country": "CN", "region": "110108"}],
        capacities=[{"enterprise": "A", "product": "Q", "capacity": 80, "output": 60},
                    {"enterprise": "B", "product": "Q", "capacity": 40, "output": 30}],
        trade=[{"product": "Q", "reporter": "CN", "year": 2023, "flow": "production", "quantity": 150}],
    )
    row = concentration(ds).by_product.iloc[0]
    assert row["coverage"] == pytest.approx(0.6)
    lo, hi = hhi_bounds([60, 30], 150)
    assert row["hhi_enterprise_lower"] == pytest.approx(lo) and row["hhi_enterprise_upper"] == pytest.approx(hi)
    assert lo == pytest.approx(0.16 + 0.04) and hi == pytest.approx(0.20 + 2 * 0.04)
    assert row["hhi_enterprise"] == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)
    assert row["single_region"]  # both plants in Beijing: 单点布局


def test_nev_mini_concentration() -> None:
    """钴 outputs 150 (CD) and 30 (CN): HHI (5/6)² + (1/6)² = 0.7222; by country the same; domestic in Hebei only."""
    c = concentration(nev_mini())
    row = c.by_product.set_index("product").loc["P_CO"]
    assert row["hhi_enterprise"] == pytest.approx(25 / 36 + 1 / 36)
    assert row["hhi_country"] == pytest.approx(25 / 36 + 1 / 36)
    assert row["top_country"] == "CD" and row["top_country_share"] == pytest.approx(5 / 6)
    assert row["single_region"] and row["top_province"] == "130000"
    assert row["n_domestic_suppliers"] == 1 and row["n_countries"] == 2
    bev = c.by_product.set_index("product").loc["P_BEV"]
    assert bev["hhi_province"] == pytest.approx(0.6**2 + 0.4**2) and not bev["single_region"]
    shares = c.by_product_province[c.by_product_province["product"] == "P_BEV"].set_index("province")["share"]
    assert shares.to_dict() == pytest.approx({"110000": 0.6, "120000": 0.4})
    assert c.by_product.set_index("product").loc["P_CO", "evenness"] == pytest.approx(
        -(5 / 6 * np.log(5 / 6) + 1 / 6 * np.log(1 / 6)) / np.log(2))
