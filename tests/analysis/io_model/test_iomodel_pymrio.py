"""Agreement with pymrio (optional oracle) on its test MRIO, and the interop round trip.

Skipped only when pymrio is not installed. Tolerance 1e-9 (relative, with an absolute floor of
1e-12 for entries that are exactly 0 in one library and ~1e-17 in the other).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from chainleader.analysis.io_model import (
    IOTable,
    extension_multipliers,
    from_pymrio,
    ghosh,
    leontief,
    to_pymrio,
)

pymrio = pytest.importorskip("pymrio")


@pytest.fixture(scope="module")
def reference() -> Any:
    io = pymrio.load_test()
    io.calc_all()
    return io


def test_agrees_with_pymrio_on_test_mrio(reference: Any) -> None:
    table = from_pymrio(pymrio.load_test())
    lr = leontief(table)
    np.testing.assert_allclose(table.x, reference.x.to_numpy().ravel(), rtol=1e-12)
    np.testing.assert_allclose(lr.A, reference.A.to_numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(lr.L, reference.L.to_numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(lr.output_multipliers, reference.L.to_numpy().sum(axis=0), rtol=1e-9)
    res = extension_multipliers(lr, "emissions")
    np.testing.assert_allclose(res.intensity, reference.emissions.S.to_numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(res.multipliers, reference.emissions.M.to_numpy(), rtol=1e-9, atol=1e-12)


def test_ghosh_agrees_with_pymrio() -> None:
    io = pymrio.load_test()
    io.calc_all(include_ghosh=True)
    g = ghosh(leontief(from_pymrio(pymrio.load_test())))
    np.testing.assert_allclose(g.B, io.B.to_numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(g.G, io.G.to_numpy(), rtol=1e-9, atol=1e-12)


def test_round_trip_through_pymrio(mrio_3x3: IOTable) -> None:
    io = to_pymrio(mrio_3x3)
    back = from_pymrio(io)
    np.testing.assert_array_equal(back.Z, mrio_3x3.Z)
    np.testing.assert_array_equal(back.Y, mrio_3x3.Y)
    assert back.industries == mrio_3x3.industries
    assert back.final_demand_labels == mrio_3x3.final_demand_labels
    np.testing.assert_array_equal(back.extensions["emissions"].F, mrio_3x3.extensions["emissions"].F)
    np.testing.assert_array_equal(back.V, mrio_3x3.V)
    io.calc_all()
    np.testing.assert_allclose(leontief(mrio_3x3).L, io.L.to_numpy(), rtol=1e-9, atol=1e-12)


def test_labels_from_test_mrio() -> None:
    table = from_pymrio(pymrio.load_test())
    assert table.industries[0] == ("reg1", "food")
    assert table.final_demand_labels[0][0] == "reg1"
    assert table.extensions["emissions"].stressors == ("emission_type1 | air", "emission_type2 | water")
    assert table.value_added_labels == ("Value Added",)
