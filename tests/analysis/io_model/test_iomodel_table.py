"""IOTable validation: every problem is collected and explained in Chinese and English."""

from __future__ import annotations

import numpy as np
import pytest

from chainleader.analysis.io_model import Extension, IOTable, IOTableError
from chainleader.model.errors import ChainleaderError


def test_defaults_and_derived_views() -> None:
    t = IOTable(Z=[[1.0, 2.0], [3.0, 4.0]], Y=[5.0, 6.0])
    assert t.industries == (("R", "S1"), ("R", "S2"))
    assert t.final_demand_labels == (("R", "final_demand"),)
    np.testing.assert_array_equal(t.x, [8.0, 13.0])
    np.testing.assert_array_equal(t.f, [5.0, 6.0])
    assert t.v is None and t.regions == ("R",) and t.sectors == ("S1", "S2")
    assert t.index_of("R", "S2") == 1


def test_all_problems_reported_together() -> None:
    with pytest.raises(IOTableError) as err:
        IOTable(Z=[[1.0, np.nan], [3.0, 4.0]], Y=[[1.0], [2.0], [3.0]], industries=(("a", "x"),))
    msg = str(err.value)
    assert len(err.value.problems) == 3
    assert "Y 有 3 行" in msg and "NaN" in msg and "industry labels" in msg
    assert isinstance(err.value, ChainleaderError)


def test_duplicate_labels_and_negative_output_refused() -> None:
    with pytest.raises(IOTableError, match="duplicate"):
        IOTable(Z=np.eye(2), Y=[1.0, 1.0], industries=(("a", "x"), ("a", "x")))
    with pytest.raises(IOTableError, match="negative"):
        IOTable(Z=[[1.0]], Y=[-5.0])


def test_value_added_accepts_both_orientations_and_labels() -> None:
    t = IOTable(Z=np.ones((3, 3)), Y=np.ones(3), V=np.ones((3, 2)))  # n × q is transposed
    assert t.V is not None and t.V.shape == (2, 3)
    assert t.value_added_labels == ("VA1", "VA2")


def test_extension_shape_checked() -> None:
    with pytest.raises(IOTableError, match="extension 'e'"):
        IOTable(
            Z=np.eye(2), Y=[1.0, 1.0], extensions={"e": Extension("e", [[1.0, 2.0, 3.0]], ("s",), ("kg",))}
        )
    with pytest.raises(IOTableError, match="stressor names"):
        Extension("e", [[1.0, 2.0]], ("a", "b"), ("kg",))


def test_index_of_unknown_industry() -> None:
    with pytest.raises(IOTableError, match="no industry"):
        IOTable(Z=np.eye(2), Y=[1.0, 1.0]).index_of("R", "S9")
