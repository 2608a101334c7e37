"""The compiled form: canonical order, locations, CSR layout, caching, refusal of dangling ids, FlowNetwork."""

from __future__ import annotations

import numpy as np
import pytest
from oracles.risk_cases import nev_mini

from chainleader.analysis import RiskParams, build_flow, clear_cache, compile_dataset
from chainleader.analysis.compiled import expand_ranges
from chainleader.model.errors import NotFoundError, ValidationError


def test_layout_of_nev_mini() -> None:
    comp = compile_dataset(nev_mini(), cache=False)
    assert list(comp.product_ids) == sorted(comp.product_ids)
    assert list(comp.enterprise_ids) == sorted(comp.enterprise_ids)
    bev = int(comp.product_index("P_BEV")[0])
    slots = range(comp.bom_ptr[bev], comp.bom_ptr[bev + 1])
    groups = {str(comp.slot_group[k]): sorted(str(comp.product_ids[i])
                                              for i in comp.slot_input[comp.slot_ptr[k]:comp.slot_ptr[k + 1]])
              for k in slots}
    assert groups == {"cell": ["P_CELL"], "chip": ["P_CHIP"], "motor": ["P_MOTA", "P_MOTB"]}
    # sites: facility location falls back to the enterprise's; foreign plants have no province
    e = int(comp.enterprise_index("E_CELL")[0])
    s = np.flatnonzero(comp.site_enterprise == e)[0]
    assert comp.site_region[s] == 130203 and comp.province_codes[comp.site_province[s]] == 130000
    f = np.flatnonzero(comp.site_enterprise == int(comp.enterprise_index("E_CO_CD")[0]))[0]
    assert comp.country_codes[comp.site_country[f]] == "CD" and comp.site_province[f] == -1
    assert np.all(np.diff(comp.site_product) >= 0)
    assert np.array_equal(comp.site_ptr, np.searchsorted(comp.site_product, np.arange(comp.n_products + 1)))
    assert comp.finals("nev").tolist() == sorted(comp.product_index(["P_BEV", "P_PHEV"]).tolist())
    with pytest.raises(NotFoundError):
        comp.chain_index("nope")


def test_facility_location_overrides_the_enterprise() -> None:
    ds = nev_mini()
    caps = ds.capacities.copy()
    caps.loc[caps["enterprise"] == "E_CELL", "facility_region"] = "510100"
    comp = compile_dataset(ds.with_tables(capacities=caps), cache=False)
    s = np.flatnonzero(comp.site_enterprise == int(comp.enterprise_index("E_CELL")[0]))[0]
    assert comp.province_codes[comp.site_province[s]] == 510000


def test_cache_by_content() -> None:
    clear_cache()
    a = compile_dataset(nev_mini())
    b = compile_dataset(nev_mini())  # another object, same content
    assert a is b and a.content_key.startswith("sha256:")
    ds = nev_mini()
    shuffled = ds.with_tables(**{n: t.sample(frac=1.0, random_state=1) for n, t in ds.tables.items()})
    assert compile_dataset(shuffled) is a  # the content hash ignores row order
    clear_cache()
    assert compile_dataset(nev_mini()) is not a


def test_dangling_references_are_refused_with_locations() -> None:
    ds = nev_mini()
    bom = ds.bom.copy()
    bom.loc[0, "input"] = "P_MISSING"
    with pytest.raises(ValidationError) as err:
        compile_dataset(ds.with_tables(bom=bom), cache=False)
    p = err.value.report.errors[0]
    assert p.table == "bom" and p.column == "input" and p.value == "P_MISSING" and p.row is not None


def test_expand_ranges() -> None:
    assert expand_ranges(np.array([0, 5, 7]), np.array([2, 5, 9])).tolist() == [0, 1, 7, 8]


def test_flow_network_from_nev_mini() -> None:
    """Demand only on finals (1000/365·7 BEV per week); imports become sites; pooled inventory."""
    comp = compile_dataset(nev_mini(), cache=False)
    fb = build_flow(comp, RiskParams())
    net = fb.net
    net.validate()
    j = net.product_ids.index("P_BEV")
    assert net.demand[j] == pytest.approx(1000 / 365 * 7)
    assert net.demand[net.product_ids.index("P_CELL")] == 0.0
    assert net.margin[j] == pytest.approx(200_000)
    co = net.product_ids.index("P_CO")
    # cobalt: two plants (200, 40 t/yr) and two import sources (240, 30 t/yr), per week
    caps = sorted(net.site_capacity[net.site_product == co].tolist())
    assert caps == pytest.approx(sorted(np.array([200, 40, 240, 30]) / 365 * 7))
    assert net.inventory[co] == pytest.approx((30 * 150 + 20 * 30) / 365)
    assert np.count_nonzero(fb.site_kind == 1) == 6  # import sources: 钴 CD+ID, 锂 AU+CL, 芯片 US+TW
    assert comp.flow_network(period_days=1.0).demand[j] == pytest.approx(1000 / 365)
