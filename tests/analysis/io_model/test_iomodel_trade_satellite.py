"""Domestic/imported coefficients, import content and extension multipliers, checked by hand."""

from __future__ import annotations

import numpy as np
import pytest

from chainleader.analysis.io_model import (
    Extension,
    IOModelError,
    IOTable,
    IOTableError,
    domestic_coefficients,
    extension_multipliers,
    import_content,
    import_shares,
    leontief,
)


def competitive_table() -> IOTable:
    """Miller & Blair's Table 2.3 flows as a competitive-import table: exports (100, 300),
    imports (50, 0), domestic final use (300, 1400), so f and x = (1000, 2000) are unchanged."""
    return IOTable.from_competitive_import(
        [[150.0, 500.0], [200.0, 100.0]],
        [[300.0], [1400.0]],
        exports=[100.0, 300.0],
        imports=[50.0, 0.0],
        sectors=("agriculture", "manufacturing"),
        final_use_labels=("final use",),
    )


def test_competitive_import_table_layout() -> None:
    t = competitive_table()
    np.testing.assert_array_equal(t.Y, [[300.0, 100.0, -50.0], [1400.0, 300.0, -0.0]])
    assert t.final_demand_labels[-1] == ("CN", "进口 imports (negative)")
    np.testing.assert_array_equal(t.x, [1000.0, 2000.0])


def test_domestic_coefficients_by_hand() -> None:
    """m = (50/(1000 − 100 + 50), 0) = (1/19, 0); A^d = (I − M^) A (METHODS §4, Chinese tables)."""
    t = competitive_table()
    np.testing.assert_allclose(import_shares(t), [1 / 19, 0.0], rtol=1e-15)
    dc = domestic_coefficients(t)
    A = np.array([[0.15, 0.25], [0.2, 0.05]])
    np.testing.assert_allclose(dc.A_domestic, [[0.15 * 18 / 19, 0.25 * 18 / 19], [0.2, 0.05]], rtol=1e-14)
    np.testing.assert_allclose(dc.A_domestic + dc.A_imported, A, rtol=1e-14)


def test_import_content_by_hand() -> None:
    """Direct 1'A^m = (0.15/19, 0.25/19); total 1'A^m (I − A^d)^-1 = (77/5834, 50/2917) in exact
    rational arithmetic."""
    ic = import_content(competitive_table())
    np.testing.assert_allclose(ic.direct, [0.15 / 19, 0.25 / 19], rtol=1e-14)
    np.testing.assert_allclose(ic.total, [77 / 5834, 50 / 2917], rtol=1e-13)


def test_import_content_multiregional_matches_dense_formula(mrio_3x3: IOTable) -> None:
    ic = import_content(mrio_3x3)
    A = leontief(mrio_3x3).A
    region = np.array([r for r, _ in mrio_3x3.industries])
    Ad = np.where(region[:, None] == region[None, :], A, 0.0)
    expected = (A - Ad).sum(axis=0) @ np.linalg.inv(np.eye(mrio_3x3.n) - Ad)
    np.testing.assert_allclose(ic.total, expected, rtol=1e-12)
    assert np.all(ic.total >= ic.direct)


def test_negative_imports_refused_with_hint() -> None:
    with pytest.raises(IOTableError, match="绝对值"):
        IOTable.from_competitive_import([[1.0]], [[5.0]], exports=[0.0], imports=[-2.0])


def test_import_shares_need_trade_vectors(mrio_3x3: IOTable) -> None:
    with pytest.raises(IOModelError, match="from_competitive_import"):
        import_shares(mrio_3x3)


def test_extension_multipliers_by_hand(mb_table: IOTable) -> None:
    """F = (100, 400): S = (0.1, 0.2); M = S L = (0.135, 0.195)/0.7575; M f = total F = 500."""
    ext = Extension("emissions", [[100.0, 400.0]], ("co2",), ("t",))
    lr = leontief(mb_table)
    res = extension_multipliers(lr, ext)
    np.testing.assert_allclose(res.intensity, [[0.1, 0.2]], rtol=1e-15)
    np.testing.assert_allclose(res.multipliers, [[0.135 / 0.7575, 0.195 / 0.7575]], rtol=1e-13)
    np.testing.assert_allclose(res.footprint(mb_table.f), [500.0], rtol=1e-13)


def test_extension_by_name_and_unknown_name(mrio_3x3: IOTable) -> None:
    lr = leontief(mrio_3x3)
    res = extension_multipliers(lr, "emissions")
    assert res.stressors == ("co2", "ch4")
    np.testing.assert_allclose(res.multipliers, res.intensity @ lr.L, rtol=1e-12)
    np.testing.assert_allclose(
        res.footprint(mrio_3x3.f), mrio_3x3.extensions["emissions"].F.sum(axis=1), rtol=1e-12
    )
    with pytest.raises(IOModelError, match="water"):
        extension_multipliers(lr, "water")
