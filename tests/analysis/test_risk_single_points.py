"""Structural criticality on the nev-mini chain (hand-derived in ``oracles.risk_cases.nev_mini``)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from oracles.andor_bruteforce import producible
from oracles.risk_cases import nev_mini

from chainleader.analysis import RiskParams, SpofResult, single_points_of_failure
from chainleader.analysis.compiled import compile_dataset
from chainleader.analysis.single_points import supply_model

TOTAL = 2e8 + 6e7


def _scen(res: SpofResult) -> dict[tuple[str, str], dict[str, Any]]:
    s = res.scenarios
    return {(k, i): r for k, i, r in zip(s["kind"], s["id"], s.to_dict(orient="records"), strict=True)}


def test_nev_mini_scenarios() -> None:
    res = single_points_of_failure(nev_mini())
    s = _scen(res)
    assert res.metadata["total_final_value"] == pytest.approx(TOTAL)
    for p in ("P_CO", "P_LI", "P_CATH", "P_CELL", "P_CHIP"):
        assert s[("product", p)]["n_finals_lost"] == 2 and s[("product", p)]["value_share"] == pytest.approx(1.0)
    assert s[("product", "P_ENG")]["value_at_risk"] == pytest.approx(6e7)
    assert s[("product", "P_ENG")]["value_share"] == pytest.approx(6e7 / TOTAL)
    assert s[("product", "P_MOTA")]["n_finals_lost"] == 0 and s[("product", "P_MOTB")]["n_finals_lost"] == 0
    assert s[("enterprise", "E_CELL")]["value_share"] == pytest.approx(1.0)
    assert res.lost_finals("enterprise", "E_ENG") == ["P_PHEV"]
    assert res.lost_finals("enterprise", "E_OEM1") == ["P_PHEV"]
    assert s[("enterprise", "E_MOTA")]["n_finals_lost"] == 0  # the other motor substitutes (OR)
    assert ("enterprise", "E_CATH1") not in s  # never the sole maker of anything
    assert s[("province", "130000")]["value_share"] == pytest.approx(1.0)
    assert res.lost_finals("province", "110000") == ["P_PHEV"]
    assert s[("province", "120000")]["n_finals_lost"] == 0
    assert s[("region_group", "jjj")]["n_finals_lost"] == 2
    assert not any(k == "country" for k, _ in s)  # imports and domestic plants cover every foreign loss
    assert set(res.spofs("P_PHEV", kind="enterprise")["id"]) == {"E_CELL", "E_ENG", "E_OEM1"}
    assert res.baseline["producible"].all()


def test_without_imports_cobalt_hinges_on_two_countries() -> None:
    """imports_as_sources=False: cobalt comes from the CD and CN plants only; losing CD alone does not cut it."""
    res = single_points_of_failure(nev_mini(), params=RiskParams(imports_as_sources=False))
    s = _scen(res)
    assert ("country", "CD") not in s
    # the US is not needed for chips either: the domestic grade-3 plant is a structural alternative
    assert ("country", "US") not in s


def test_matches_brute_force_on_the_product_graph() -> None:
    """Product-removal scenarios equal naive recomputation on the pooled product graph."""
    ds = nev_mini()
    comp = compile_dataset(ds)
    sm = supply_model(comp, RiskParams(), comp.finals())
    slots = [[comp.slot_input[comp.slot_ptr[k]:comp.slot_ptr[k + 1]].tolist()
              for k in range(comp.bom_ptr[j], comp.bom_ptr[j + 1])] for j in range(comp.n_products)]
    free, made = sm.free.tolist(), sm.made.tolist()
    res = single_points_of_failure(ds)
    finals = comp.finals()
    for pid in comp.product_ids:
        v = int(comp.product_index(pid)[0])
        after = producible(slots, free, made, frozenset({v}))
        expect = sorted(str(comp.product_ids[f]) for f in finals if not after[f])
        assert res.lost_finals("product", str(pid)) == expect


def test_unknown_supply_is_flagged_not_lost() -> None:
    """Dropping every capacity row of 发动机 and its trade: supply unknown -> assumed, flagged."""
    ds = nev_mini()
    caps = ds.capacities[ds.capacities["product"] != "P_ENG"].reset_index(drop=True)
    res = single_points_of_failure(ds.with_tables(capacities=caps))
    b = res.baseline.set_index("product")
    assert b.loc["P_ENG", "supply_unknown"] and b.loc["P_ENG", "producible"]
    assert not np.any(b.drop(index="P_ENG")["supply_unknown"])
