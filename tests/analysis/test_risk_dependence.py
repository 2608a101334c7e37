"""Import dependence (METHODS §1): hand example with a net exporter, bands, variants, year choice, sources."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from oracles.risk_cases import make_dataset, nev_mini

from chainleader.analysis import ImportDependenceResult, RiskParams, chokepoints, import_dependence
from chainleader.model.dataset import Dataset


def _row(res: ImportDependenceResult, product: str) -> dict[str, Any]:
    return dict(res.table.set_index("product").loc[product].to_dict())


def test_nev_mini_hand_values() -> None:
    """钴 Q=30, M=270 (2023; the 2022 row is ignored), X=0: C=300, gross = net = 0.9 -> red.

    Sources CD 240, ID 30: HHI (8/9)² + (1/9)² = 65/81. 锂 C=500, 0.8 -> yellow, HHI 0.625.
    三元正极 Q=900, X=200: C=700, net = −200/700 (kept, flagged net exporter), gross 0, no band.
    """
    res = import_dependence(nev_mini())
    co = _row(res, "P_CO")
    assert co["year"] == 2023 and co["apparent_consumption"] == pytest.approx(300)
    assert co["gross"] == pytest.approx(0.9) and co["net"] == pytest.approx(0.9) and co["band"] == "red"
    assert co["source_hhi"] == pytest.approx(65 / 81) and co["n_source_countries"] == 2
    assert co["top_source"] == "CD" and co["top_source_share"] == pytest.approx(8 / 9)
    li = _row(res, "P_LI")
    assert li["dependence"] == pytest.approx(0.8) and li["band"] == "yellow"
    assert li["source_hhi"] == pytest.approx(0.625)
    cath = _row(res, "P_CATH")
    assert cath["net"] == pytest.approx(-200 / 700) and cath["gross"] == pytest.approx(0.0)
    assert cath["net_exporter"] and cath["band"] == ""
    cell = _row(res, "P_CELL")
    assert not cell["has_trade"] and np.isnan(cell["dependence"])
    src = res.sources[res.sources["product"] == "P_CO"]
    assert src["partner"].tolist() == ["CD", "ID"] and src["share"].tolist() == pytest.approx([8 / 9, 1 / 9])
    assert res.metadata["variant"] == "net"


def _one_product(rows: list[tuple[str | None, int, str, float]], **caps: float) -> Dataset:
    return make_dataset(
        "dep",
        products=[{"id": "Q", "name_zh": "产品Q", "stage": "upstream", "kind": "material", "unit": "t"}],
        enterprises=[{"id": "A", "name_zh": "A", "country": "CN", "region": "110108"}],
        capacities=[{"enterprise": "A", "product": "Q", "capacity": caps.get("capacity", 100),
                     "output": caps.get("output", 50)}],
        trade=[{"product": "Q", "reporter": "CN", "partner": p, "year": y, "flow": f, "quantity": q}
               for p, y, f, q in rows],
    )


def test_gross_and_net_differ_with_exports() -> None:
    """Q=100, M=80, X=30: C=150; gross 80/150 = 0.5333; net 50/150 = 0.3333."""
    ds = _one_product([(None, 2024, "production", 100), ("JP", 2024, "import", 80), ("KR", 2024, "export", 30)])
    net = _row(import_dependence(ds), "Q")
    gross = _row(import_dependence(ds, params=RiskParams(dependence_variant="gross")), "Q")
    assert net["dependence"] == pytest.approx(1 / 3) and net["variant"] == "net"
    assert gross["dependence"] == pytest.approx(8 / 15) and gross["variant"] == "gross"


def test_production_falls_back_to_capacities_and_is_labelled() -> None:
    """No production row: Q = domestic output 50; M = 150 -> net 150/200 = 0.75 (blue), q_source 'capacities'."""
    ds = _one_product([("AU", 2024, "import", 150)])
    row = _row(import_dependence(ds), "Q")
    assert row["q_source"] == "capacities" and row["dependence"] == pytest.approx(0.75) and row["band"] == "blue"
    off = _row(import_dependence(ds, params=RiskParams(production_from_capacities=False)), "Q")
    assert off["q_source"] == "none" and off["dependence"] == pytest.approx(1.0)


def test_explicit_year_and_no_consumption() -> None:
    ds = _one_product([(None, 2020, "production", 10), ("AU", 2020, "import", 90), (None, 2024, "production", 5),
                       ("AU", 2024, "export", 5)])
    latest = _row(import_dependence(ds), "Q")
    assert latest["year"] == 2024 and latest["no_consumption"] and np.isnan(latest["dependence"])
    y2020 = _row(import_dependence(ds, params=RiskParams(trade_year=2020)), "Q")
    assert y2020["dependence"] == pytest.approx(0.9) and y2020["band"] == "red"


def test_bands_are_parameters() -> None:
    ds = _one_product([(None, 2024, "production", 25), ("AU", 2024, "import", 75)])
    assert _row(import_dependence(ds), "Q")["band"] == "blue"  # 0.75
    strict = RiskParams(dependence_bands=(0.5, 0.6, 0.7))
    assert _row(import_dependence(ds, params=strict), "Q")["band"] == "red"


def test_chokepoints_on_nev_mini() -> None:
    """钴 and 车规芯片: dependence 0.9, two sources, best foreign grade 5 > best domestic 3 -> chokepoints.
    锂: domestic grade 5 reaches the foreign grade -> not a chokepoint despite 0.8 dependence."""
    res = chokepoints(nev_mini())
    assert res.products == ["P_CHIP", "P_CO"]
    t = res.table.set_index("product")
    assert t.loc["P_LI", "high_dependence"] and t.loc["P_LI", "domestic_same_standard"]
    assert t.loc["P_CO", "required_grade"] == 5 and t.loc["P_CO", "best_domestic_grade"] == 3
    grp = chokepoints(nev_mini(), params=RiskParams(country_group="bloc")).table.set_index("product")
    assert grp.loc["P_CHIP", "group_share"] == pytest.approx(300_000 / 450_000)
    assert grp.loc["P_CO", "group_share"] == 0.0  # CD and ID are not in the bloc


def test_site_based_chokepoint_without_trade_data() -> None:
    """No trade rows: dependence = foreign share of capacity sites (labelled 'sites').

    Lithography: NL grade 5 output 90, CN grade 2 output 10 -> foreign share 0.9, one source country.
    """
    ds = make_dataset(
        "litho",
        products=[{"id": "LITHO", "name_zh": "光刻机", "stage": "upstream", "kind": "equipment", "unit": "set"}],
        enterprises=[{"id": "NL1", "name_zh": "荷兰光刻（虚构）", "country": "NL"},
                     {"id": "CN1", "name_zh": "沪光刻（虚构）", "country": "CN", "region": "310115"}],
        capacities=[{"enterprise": "NL1", "product": "LITHO", "capacity": 100, "output": 90, "standard_grade": 5},
                    {"enterprise": "CN1", "product": "LITHO", "capacity": 20, "output": 10, "standard_grade": 2}],
    )
    row = chokepoints(ds).table.iloc[0]
    assert row["dependence_basis"] == "sites" and row["dependence"] == pytest.approx(0.9)
    assert row["n_source_countries"] == 1 and row["is_chokepoint"]
