"""Resolving a scenario against a dataset: ids checked with suggestions, places, groups, backup selection."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from simnets import make_dataset

from chainleader.analysis.simulation import ScenarioError, build_network, parse_scenario, resolve
from chainleader.store import io as store_io

GOOD = Path(__file__).resolve().parents[2] / "data" / "good" / "csv"


def _problems(text: str) -> list:
    net = build_network(store_io.load_path(GOOD))
    with pytest.raises(ScenarioError) as info:
        resolve(net, parse_scenario(text, source="s.yaml"))
    return info.value.report.errors


def test_unknown_ids_are_located_and_close_ids_suggested() -> None:
    errs = _problems(
        "horizon_days: 60\nshocks:\n"
        "  - {type: export_control, by: [CDD], products: [P_COBALTT], end_day: 9}\n"
        "  - {type: enterprise_failure, enterprises: [E0001], end_day: 9}\n"
        "  - {type: disaster, regions: [唐山], products: [P_NCM_CATHODE], end_day: 9}\n"
        "  - {type: disaster, regions: ['999999'], end_day: 9}\n"
        "backup_plan: {mode: listed, sites: ['E002:P_LITHIUM']}\n"
    )
    by_path = {p.column: p for p in errs}
    prod = by_path["shocks[0].products[0]"]
    assert prod.code == "unknown_product" and prod.row == 3 and "P_COBALT" in prod.message_zh
    assert "did you mean: P_COBALT" in prod.message_en and prod.fix_zh
    assert by_path["shocks[0].by[0]"].code == "unknown_country_or_country_group"
    assert "E001" in by_path["shocks[1].enterprises[0]"].message_en
    assert "999999" in by_path["shocks[3].regions[0]"].message_zh
    assert by_path["backup_plan.sites[0]"].code == "no_such_site"
    assert "shocks[2].regions[0]" not in by_path  # 唐山 -> 唐山市 130200 is accepted


def test_home_country_cannot_export_control_itself() -> None:
    errs = _problems("horizon_days: 9\nshocks:\n  - {type: export_control, by: [CN], products: [P_LITHIUM], end_day: 3}\n")
    assert errs[0].code == "home_export_control" and errs[0].column == "shocks[0].by"


def test_places_match_any_level_names_and_groups() -> None:
    ds = store_io.load_path(GOOD)
    net = build_network(ds)
    regions = {str(net.enterprise_ids[e]): int(r) for e, r in zip(net.site_enterprise, net.site_region, strict=True)}

    def hit(regions: str) -> set[str]:
        plan = resolve(net, parse_scenario(f"horizon_days: 9\nshocks:\n  - {{type: disaster, regions: {regions}, "
                                           "end_day: 3}\n"))
        return {str(net.enterprise_ids[net.site_enterprise[s]]) for s in plan.capacity.site}

    assert hit("['130000']") == {"E001", "E002"} and regions["E002"] == 130200 and regions["E004"] == 0
    assert hit("['130200']") == hit("[唐山市]") == {"E002"}
    assert hit("[jjj]") == {"E001", "E002", "E003", "E005"}  # region group: Beijing, Tianjin, Hebei
    assert hit("['120116']") == {"E003"}


def test_shock_hitting_nothing_is_a_warning() -> None:
    net = build_network(store_io.load_path(GOOD))
    plan = resolve(net, parse_scenario("horizon_days: 9\nshocks:\n  - {type: disaster, regions: ['650000'], "
                                       "end_day: 3}\n"))
    assert [w.code for w in plan.warnings] == ["shock_hits_nothing"] and len(plan.capacity.site) == 0


def test_auto_backups_are_domestic_same_standard_ranked_by_spare_capacity() -> None:
    sites = [("S1", "CN", 5, 100, 100), ("S2", "CN", 5, 300, 100), ("S3", "CN", 5, 200, 100), ("S4", "CN", 3, 900, 100),
             ("S5", "US", 5, 900, 100), ("S6", "CN", 5, 150, 100)]
    ds = make_dataset(
        products=[{"id": "A", "unit_price": 1.0}, {"id": "B", "unit_price": 2.0}],
        bom=[{"product": "B", "input_group": "a", "input": "A", "quantity": 1.0}],
        enterprises=[{"id": e, "country": c, "region": "110101" if c == "CN" else None} for e, c, *_ in sites]
        + [{"id": "C1"}],
        capacities=[{"enterprise": e, "product": "A", "capacity": cap, "output": out, "standard_grade": g}
                    for e, _, g, cap, out in sites]
        + [{"enterprise": "C1", "product": "B", "capacity": 600.0, "output": 600.0}],
    )
    net = build_network(ds)
    text = ("horizon_days: 9\nshocks:\n  - {type: enterprise_failure, enterprises: [S1], end_day: 3}\n"
            "backup_plan: {mode: auto, top_n: 2, products: [A]")
    names = lambda plan: [str(net.enterprise_ids[net.site_enterprise[s]]) for s in plan.backup_sites]  # noqa: E731
    same = resolve(net, parse_scenario(text + "}\n"))
    assert sorted(names(same)) == ["S2", "S3"] and not same.backup_reduced.any()
    both = resolve(net, parse_scenario(text + ", top_n: 5, allow_reduced: true}\n".replace("top_n: 2, ", "")))
    got = dict(zip(names(both), both.backup_reduced, strict=True))
    assert got == {"S2": False, "S3": False, "S4": True, "S6": False}  # S1 is hit, S5 abroad


def test_network_balances_and_link_rules() -> None:
    ds = store_io.load_path(GOOD)
    net = build_network(ds)
    # supply + external = requirement + outside, for every product
    assert np.allclose(net.supply + net.external, net.requirement + net.outside)
    assert (net.external >= 0).all() and (net.outside >= 0).all()
    # E002 takes 60 % of its cobalt from E004 (link), the rest from the pool
    g = int(np.flatnonzero(net.group_product == list(net.product_ids).index("P_COBALT"))[0])
    assert net.group_cover[g] == pytest.approx(0.6)
    assert net.link_counts == {"links": 2, "used": 2, "customer_does_not_use_product": 0,
                               "supplier_has_no_capacity_row": 0}


def test_results_do_not_depend_on_row_order() -> None:
    from chainleader.analysis.simulation import simulate
    from chainleader.model.dataset import Dataset

    ds = store_io.load_path(GOOD)
    shuffled = Dataset("shuffled", {k: v.sample(frac=1.0, random_state=7).reset_index(drop=True)
                                    for k, v in ds.tables.items()})
    text = ("horizon_days: 150\nparams: {input_stock_days: 3}\nshocks:\n"
            "  - {type: export_control, by: [CD], products: [P_COBALT], share: 0.7, end_day: 90}\n"
            "  - {type: disaster, regions: ['130000'], capacity_loss: 0.5, end_day: 20}\n"
            "backup_plan: {mode: auto}\n")
    out = []
    for d in (ds, shuffled):
        net = build_network(d)
        out.append(simulate(net, resolve(net, parse_scenario(text))))
    a, b = out
    assert np.allclose(a.out, b.out, rtol=1e-12, atol=1e-9) and np.allclose(a.short, b.short, rtol=1e-12, atol=1e-9)
    pd.testing.assert_frame_equal(a.product_frame(), b.product_frame(), rtol=1e-9)
