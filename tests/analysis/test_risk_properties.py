"""Properties of the risk engine (hypothesis): row-order independence, determinism, backups never hurt."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainleader.analysis import RiskParams, assess, compile_dataset
from chainleader.analysis.compiled import CompiledDataset
from chainleader.analysis.params import SEVERITY_RANK
from chainleader.analysis.single_points import supply_model
from chainleader.generators import generate_dataset
from chainleader.model.dataset import Dataset, conform

SETTINGS = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
sizes = st.tuples(st.integers(40, 300), st.integers(12, 60), st.integers(0, 10_000))


def _dataset(size: tuple[int, int, int]) -> Dataset:
    firms, products, seed = size
    return generate_dataset(firms, products, seed=seed, links=firms * 4)


def _register_frames(comp: CompiledDataset) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    reg = assess(comp, with_lp=False)
    viol = reg.violations.astype({"customer": str, "product": str})
    viol = viol.sort_values(["customer", "product"]).reset_index(drop=True)
    return reg.to_frame(), reg.candidates, viol


@SETTINGS
@given(sizes, st.integers(0, 2**31 - 1))
def test_results_do_not_depend_on_row_order(size: tuple[int, int, int], shuffle_seed: int) -> None:
    ds = _dataset(size)
    rng = np.random.default_rng(shuffle_seed)
    shuffled = Dataset(ds.name, {n: t.iloc[rng.permutation(len(t))].reset_index(drop=True)
                                 for n, t in ds.tables.items()})
    a = _register_frames(compile_dataset(ds, cache=False))
    b = _register_frames(compile_dataset(shuffled, cache=False))
    for x, y in zip(a, b, strict=True):
        pd.testing.assert_frame_equal(x, y, check_exact=False, rtol=1e-12, atol=1e-9)


@SETTINGS
@given(sizes)
def test_same_input_gives_the_identical_register(size: tuple[int, int, int]) -> None:
    ds = _dataset(size)
    r1 = assess(compile_dataset(ds, cache=False), with_lp=False)
    r2 = assess(compile_dataset(_dataset(size), cache=False), with_lp=False)
    assert r1.to_json() == r2.to_json()
    pd.testing.assert_frame_equal(r1.to_frame(), r2.to_frame(), check_exact=True)


def _with_backup(ds: Dataset, product: str, region: str, grade: int) -> Dataset:
    """A new domestic enterprise with spare capacity (output 0) for ``product``."""
    ent = pd.concat([ds.enterprises, conform("enterprises", pd.DataFrame([{
        "id": "ZZ_BACKUP", "name_zh": "备份企业（虚构）", "country": "CN", "region": region}]))], ignore_index=True)
    cap = pd.concat([ds.capacities, conform("capacities", pd.DataFrame([{
        "enterprise": "ZZ_BACKUP", "product": product, "capacity": 1000.0, "output": 0.0,
        "standard_grade": grade, "ramp_up_days": 30.0}]))], ignore_index=True)
    return ds.with_tables(enterprises=conform("enterprises", ent), capacities=conform("capacities", cap))


@SETTINGS
@given(sizes, st.integers(0, 10**6), st.sampled_from(["110108", "320102", "440305", "510104"]))
def test_adding_a_backup_supplier_never_raises_a_risk_metric(size: tuple[int, int, int], pick: int,
                                                             region: str) -> None:
    """A same-standard domestic backup with spare capacity and no output: every entry's severity and score,
    every scenario's loss, every dependence / HHI value and every link gap can only stay or fall."""
    ds = _dataset(size)
    comp = compile_dataset(ds, cache=False)
    sm = supply_model(comp, RiskParams())
    has_supply = np.flatnonzero(~sm.supply_unknown)  # a product with no supply data gains a first source
    p = str(comp.product_ids[has_supply[pick % len(has_supply)]])
    before = assess(comp, with_lp=False)
    after = assess(compile_dataset(_with_backup(ds, p, region, 5), cache=False), with_lp=False)
    b = before.entries.set_index("point")
    a = after.entries.set_index("point")
    assert set(a.index) <= set(b.index)
    for point in a.index:
        assert SEVERITY_RANK[a.loc[point, "severity"]] <= SEVERITY_RANK[b.loc[point, "severity"]]
        assert a.loc[point, "score"] <= b.loc[point, "score"] + 1e-9
        assert a.loc[point, "value_at_risk"] <= b.loc[point, "value_at_risk"] + 1e-6
    sb = before.results["single_points"].scenarios.set_index(["kind", "id"])
    sa = after.results["single_points"].scenarios.set_index(["kind", "id"])
    common = sa.index.intersection(sb.index)
    assert (sa.loc[common, "n_products_lost"] <= sb.loc[common, "n_products_lost"]).all()
    new = sa.index.difference(sb.index)
    assert (sa.loc[new, "n_finals_lost"] == 0).all()
    assert len(after.violations) <= len(before.violations)
