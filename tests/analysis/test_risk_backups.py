"""Domestic backups: the "at least one domestic backup" rule (METHODS §1) and ranked candidates."""

from __future__ import annotations

import pytest
from oracles.risk_cases import backup_ranking, make_dataset, nev_mini

from chainleader.analysis import RiskParams, backup_candidates, domestic_backup_violations
from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError


def test_candidate_ranking_hand_case() -> None:
    """See ``oracles.risk_cases.backup_ranking``: C, B, G, A, D, F."""
    c = backup_candidates(backup_ranking(), "X")
    assert c["candidate"].tolist() == ["C", "B", "G", "A", "D", "F"]
    assert c["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert c["standard"].tolist() == ["same"] * 4 + ["reduced", "same"]
    d = c.set_index("candidate")
    assert d.loc["D", "grade_gap"] == 1 and d.loc["C", "grade_gap"] == 0
    assert d.loc["C", "headroom"] == pytest.approx(100) and d.loc["A", "headroom"] == pytest.approx(500)
    assert not d.loc["A", "other_province"] and d.loc["B", "other_province"]
    assert not d.loc["F", "domestic"] and d.loc["F", "country"] == "DE"
    assert (c["incumbent"] == "E0").all()
    top2 = backup_candidates(backup_ranking(), "X", top_n=2)
    assert top2["candidate"].tolist() == ["C", "B"]


def test_candidates_for_an_explicit_incumbent() -> None:
    """With B (grade 4, Tianjin) as the incumbent, Beijing is now another province: A (headroom 500) leads;
    E0 and C tie at headroom 100 and E0 ramps up faster (20 d vs 30 d): A, E0, C, G, D, F."""
    c = backup_candidates(backup_ranking(), "X", incumbent="B")
    assert c["candidate"].tolist() == ["A", "E0", "C", "G", "D", "F"]
    with pytest.raises(ConfigError):
        backup_candidates(backup_ranking(), ["X", "X"], incumbent="B")


def test_link_rule_on_nev_mini() -> None:
    """12 domestic (customer, product) groups; 9 violate; the 3 covered ones are listed in the oracle."""
    res = domestic_backup_violations(nev_mini())
    assert res.metadata["n_link_groups"] == 12 and res.metadata["n_link_violations"] == 9
    got = {(str(c), str(p)) for c, p in zip(res.links["customer"], res.links["product"], strict=True)}
    covered = {("E_CATH1", "P_CO"), ("E_CATH1", "P_LI"), ("E_OEM1", "P_CHIP")}
    assert not (got & covered) and len(got) == 9
    cell = res.links[(res.links["customer"] == "E_CELL")].iloc[0]
    assert cell["n_incumbents"] == 2 and cell["required_grade"] == 4  # best incumbent grade
    p = res.products.set_index("product")
    assert p.loc["P_CO", "links_covered_share"] == pytest.approx(0.5)
    assert p.loc["P_CO", "incumbent"] == "E_CO_CD" and p.loc["P_CO", "b_same"] == 0 and p.loc["P_CO", "b_red"] == 1
    assert p.loc["P_LI", "b_same"] == 1 and not p.loc["P_LI", "violation"]
    assert p.loc["P_CELL", "violation"] and p.loc["P_PHEV", "violation"] and not p.loc["P_BEV", "violation"]
    strict = domestic_backup_violations(nev_mini(), params=RiskParams(backup_rule="same_standard")).products
    assert strict.set_index("product").loc["P_CO", "violation"]  # only a reduced-standard backup


def _theta_case() -> Dataset:
    """Product K; customer C1 buys 150 from S1 (grade 4, output 90). Domestic alternatives:
    S2 grade 4 headroom 200, S3 grade 4 headroom 50, S4 grade 2 headroom 500."""
    sup = [("S1", 100, 90, 4), ("S2", 300, 100, 4), ("S3", 100, 50, 4), ("S4", 600, 100, 2)]
    return make_dataset(
        "theta",
        products=[{"id": "K", "name_zh": "K", "stage": "midstream", "kind": "component", "unit": "pcs"}],
        enterprises=[{"id": e, "name_zh": e, "country": "CN", "region": "110108"} for e in ["C1", "S1", "S2", "S3", "S4"]],
        capacities=[{"enterprise": e, "product": "K", "capacity": c, "output": o, "standard_grade": g}
                    for e, c, o, g in sup],
        supply_links=[{"supplier": "S1", "customer": "C1", "product": "K", "volume": 150}],
    )


@pytest.mark.parametrize(("theta", "b_same", "b_red"), [(0.0, 2, 1), (1.0, 1, 1), (3.0, 0, 1), (4.0, 0, 0)])
def test_spare_capacity_requirement(theta: float, b_same: int, b_red: int) -> None:
    """θ x volume 150: θ=1 needs 150 (S2, S4); θ=3 needs 450 (S4); θ=4 needs 600 (none)."""
    from chainleader.analysis.backups import link_backups, supplier_pairs
    from chainleader.analysis.compiled import compile_dataset

    comp = compile_dataset(_theta_case())
    params = RiskParams(backup_min_headroom_share=theta)
    lb = link_backups(comp, params, supplier_pairs(comp, params))
    assert lb["b_same"].tolist() == [b_same] and lb["b_red"].tolist() == [b_red]
    assert lb["violation"].tolist() == [b_same + b_red == 0]


def test_product_rule_with_spare_capacity() -> None:
    """Per product the requirement is θ x the incumbent's output. S2 and S4 tie at output 100; ties go by id,
    so S2 (grade 4) is the incumbent. θ=1 needs headroom 100: S1 (10) and S3 (50) fail, S4 (500, grade 2)
    passes -> B_same 0, B_red 1."""
    res = domestic_backup_violations(_theta_case(), params=RiskParams(backup_min_headroom_share=1.0))
    row = res.products.set_index("product").loc["K"]
    assert row["incumbent"] == "S2"  # S2 and S4 both output 100; ties by id
    assert row["b_same"] == 0 and row["b_red"] == 1
