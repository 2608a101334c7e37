"""Fixtures for the input–output tests: the published oracles and small hand-checkable tables."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from chainleader.analysis.io_model import IOTable

_ORACLES = Path(__file__).resolve().parents[2] / "oracles" / "io" / "published_cases.py"


@pytest.fixture(scope="session")
def oracles() -> ModuleType:
    spec = importlib.util.spec_from_file_location("io_published_cases", _ORACLES)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def mb_table(oracles: ModuleType) -> IOTable:
    """Miller & Blair (2009) Table 2.3 economy, with its value added and published total output."""
    case = oracles.MILLER_BLAIR_2009_T2_3
    return IOTable(
        Z=case["Z"],
        Y=case["f"],
        V=[case["v"]],
        value_added_labels=("value_added",),
        x_reported=case["x"],
        industries=(("R", "S1"), ("R", "S2")),
    )


def random_mrio(n_regions: int, n_sectors: int, seed: int, n_categories: int = 2) -> IOTable:
    """A seeded, productive, row-balanced multi-regional table with value added and one extension."""
    from chainleader.analysis.io_model import Extension

    rng = np.random.default_rng(seed)
    n = n_regions * n_sectors
    region = np.repeat(np.arange(n_regions), n_sectors)
    local = np.where(region[:, None] == region[None, :], 1.0, 0.15)
    Z = rng.random((n, n)) * local * 10.0
    Y = rng.random((n, n_regions * n_categories)) * (Z.sum(axis=1, keepdims=True) / n_categories) * 0.6 + 0.5
    x = Z.sum(axis=1) + Y.sum(axis=1)
    V = (x - Z.sum(axis=0)).reshape(1, -1)
    F = rng.random((2, n)) * x
    labels = tuple((f"r{r}", f"s{s}") for r in range(n_regions) for s in range(n_sectors))
    fd = tuple((f"r{r}", f"c{c}") for r in range(n_regions) for c in range(n_categories))
    return IOTable(
        Z=Z,
        Y=Y,
        industries=labels,
        final_demand_labels=fd,
        V=V,
        value_added_labels=("va",),
        extensions={"emissions": Extension("emissions", F, ("co2", "ch4"), ("kg", "kg"))},
    )


@pytest.fixture
def mrio_3x3() -> IOTable:
    table = random_mrio(3, 3, seed=7)
    assert table.v is not None and np.all(table.v > 0)  # column-balanced: value added positive everywhere
    return table
