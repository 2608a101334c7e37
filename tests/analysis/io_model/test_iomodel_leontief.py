"""Leontief model: A, L, x = L f against Miller & Blair (2009) Table 2.3, plus diagnostics."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from chainleader.analysis.io_model import (
    IOTable,
    NotProductiveError,
    check_productivity,
    leontief,
)
from chainleader.model.errors import ChainleaderError


def test_miller_blair_table_2_3_leontief_inverse(mb_table: IOTable, oracles: ModuleType) -> None:
    """Miller & Blair (2009) Table 2.3: A and L as printed (L to 5e-4, half a unit of the third
    printed decimal) and exactly as derived by hand (1e-12)."""
    case = oracles.MILLER_BLAIR_2009_T2_3
    lr = leontief(mb_table)
    np.testing.assert_allclose(lr.A, case["A_printed"], atol=case["A_tol"], rtol=0)
    np.testing.assert_allclose(lr.L, case["L_printed"], atol=case["L_tol"], rtol=0)
    np.testing.assert_allclose(lr.L, case["L_exact"], atol=1e-12, rtol=0)
    np.testing.assert_allclose(lr.x, case["x"], atol=1e-12)


def test_miller_blair_new_final_demand(mb_table: IOTable, oracles: ModuleType) -> None:
    """Miller & Blair (2009) §2.3.1: f = (600, 1500) gives x = (1247.52, 1841.58) as printed."""
    case = oracles.MILLER_BLAIR_2009_T2_3
    x_new = leontief(mb_table).solve(np.array(case["f_new"]))
    np.testing.assert_allclose(x_new, case["x_new_printed"], atol=case["x_new_tol"], rtol=0)
    np.testing.assert_allclose(x_new, [945 / 0.7575, 1395 / 0.7575], rtol=1e-13)


def test_complete_consumption_coefficients_are_l_minus_i(mb_table: IOTable, oracles: ModuleType) -> None:
    """完全消耗系数 = L − I, kept apart from the multipliers (which use L)."""
    lr = leontief(mb_table)
    np.testing.assert_allclose(
        lr.complete_consumption_coefficients(),
        np.array(oracles.MILLER_BLAIR_2009_T2_3["L_exact"]) - np.eye(2),
        atol=1e-12,
    )
    np.testing.assert_allclose(lr.output_multipliers, lr.L.sum(axis=0), rtol=1e-13)


def test_diagnostics_residual_and_balance(mb_table: IOTable) -> None:
    lr = leontief(mb_table)
    assert lr.productivity.productive
    assert lr.productivity.method == "collatz-wielandt"
    assert lr.productivity.upper_bound < 1.0
    assert lr.residual < 1e-14
    assert lr.table_residual < 1e-14
    bal = mb_table.balance()
    assert bal.balanced and bal.max_rel_row_gap == 0.0 and bal.max_rel_column_gap == 0.0


def test_unbalanced_table_uses_row_sums_and_reports_gaps() -> None:
    """x is always Z1 + f; a published x and value added only produce reported gaps."""
    t = IOTable(Z=[[10.0, 20.0], [30.0, 5.0]], Y=[70.0, 65.0], x_reported=[101.0, 100.0], V=[[55.0, 80.0]])
    lr = leontief(t)
    np.testing.assert_array_equal(t.x, [100.0, 100.0])
    np.testing.assert_allclose(lr.solve(t.f), t.x, rtol=1e-14)
    bal = t.balance()
    assert bal.row_gap is not None and bal.column_gap is not None
    np.testing.assert_allclose(bal.row_gap, [1.0, 0.0])
    np.testing.assert_allclose(bal.column_gap, [10 + 30 + 55 - 100, 20 + 5 + 80 - 100])
    assert not bal.balanced


def test_zero_output_sector_gets_zero_column_and_flag() -> None:
    Z = np.array([[10.0, 0.0, 5.0], [0.0, 0.0, 0.0], [4.0, 0.0, 2.0]])
    t = IOTable(Z=Z, Y=[[20.0], [0.0], [30.0]])
    lr = leontief(t)
    assert list(lr.zero_output) == [False, True, False]
    assert np.all(lr.A[:, 1] == 0.0)
    assert lr.metadata["zero_output_sectors"] == [("R", "S2")]
    np.testing.assert_allclose(lr.L[1], [0.0, 1.0, 0.0], atol=1e-15)
    np.testing.assert_allclose(lr.solve(t.f), t.x, rtol=1e-13)


def test_not_productive_table_raises_bilingual_error() -> None:
    t = IOTable(Z=[[60.0, 50.0], [50.0, 60.0]], Y=[[0.0], [0.0]])
    # no final demand: every column of A sums to 1, so the spectral radius is exactly 1
    with pytest.raises(NotProductiveError, match="生产性") as err:
        leontief(t)
    assert "productive" in str(err.value)
    assert isinstance(err.value, ChainleaderError)


def test_not_productive_allowed_when_asked() -> None:
    A = np.array([[0.5, 0.7], [0.6, 0.4]])  # eigenvalues 1.1 and -0.2
    check = check_productivity(A, np.array([1.0, 1.0]))
    assert not check.productive and check.lower_bound >= 1.0
    t = IOTable(Z=A, Y=[[-0.2], [0.0]])  # x = (1, 1), so A = Z
    lr = leontief(t, require_productive=False)
    assert not lr.productivity.productive
    np.testing.assert_allclose(lr.A, A)
    assert lr.L.min() < 0  # the Neumann series diverges: L is not non-negative


def test_spectral_methods_agree_on_random_table() -> None:
    rng = np.random.default_rng(3)
    A = rng.random((60, 60))
    A *= 0.97 / np.abs(np.linalg.eigvals(A)).max()
    x = rng.random(60) + 0.1  # arbitrary positive vector: bounds alone may not decide
    auto = check_productivity(A, x, "auto")
    dense = check_productivity(A, x, "dense")
    arpack = check_productivity(A, x, "arpack")
    assert auto.productive and dense.productive and arpack.productive
    assert auto.lower_bound <= 0.97 + 1e-9 and auto.upper_bound >= 0.97 - 1e-9
    assert dense.spectral_radius == pytest.approx(0.97, rel=1e-10)
    assert arpack.spectral_radius == pytest.approx(0.97, rel=1e-8)


def test_negative_coefficients_use_eigenvalues() -> None:
    A = np.array([[0.2, -0.1], [0.3, 0.1]])
    check = check_productivity(A, np.array([1.0, 1.0]))
    assert check.method == "dense-eigvals"
    assert check.spectral_radius == pytest.approx(float(np.abs(np.linalg.eigvals(A)).max()))
