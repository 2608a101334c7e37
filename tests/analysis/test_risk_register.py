"""The risk register end to end on nev-mini: severities, rules, explanations, filters, exports, metadata."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from oracles.risk_cases import PRODUCTS, nev_mini

from chainleader.analysis import RiskParams, RiskRegister, assess
from chainleader.model.errors import ConfigError

HAS_LP = importlib.util.find_spec("chainleader.analysis.ttr_tts") is not None


@pytest.fixture(scope="module")
def register() -> RiskRegister:
    return assess(nev_mini(), with_lp=False)


def _entry(reg: RiskRegister, point: str) -> dict[str, Any]:
    return dict(reg.entries.set_index("point").loc[point].to_dict())


def test_severities_and_rules(register: RiskRegister) -> None:
    """Hand-derived from the oracle: chokepoints red; the single battery-cell maker red (escalated: single
    source on the path of 100 % of final value); engine yellow (23 %); motors yellow (OR substitutes)."""
    sev = dict(zip(register.entries["point"], register.entries["severity"], strict=True))
    assert sev["product:P_CO"] == "red" and sev["product:P_CHIP"] == "red"
    assert sev["product:P_CELL"] == "red"
    assert _entry(register, "product:P_CELL")["facts"]["critical_input"]["escalated"] is True
    assert sev["product:P_ENG"] == "yellow" and sev["product:P_MOTA"] == "yellow"
    assert sev["product:P_LI"] == "yellow"  # 0.8 dependence, domestic same-standard capacity exists
    assert sev["enterprise:E_CELL"] == "red" and sev["province:130000"] == "red"
    assert sev["enterprise:E_ENG"] == "yellow" and sev["province:110000"] == "yellow"
    assert "enterprise:E_MOTA" not in sev and "province:120000" not in sev
    co = _entry(register, "product:P_CO")
    assert co["rules"].split(";")[:2] == ["import_dependence", "chokepoint"]
    assert co["facts"]["import_dependence"]["dependence"] == pytest.approx(0.9)
    assert co["facts"]["chokepoint"]["required_grade"] == 5
    assert co["value_at_risk"] == pytest.approx(2.6e8) and co["n_finals_affected"] == 2
    assert co["province"] == "130000"  # single-region layout: all domestic cobalt capacity in Hebei
    assert _entry(register, "product:P_CELL")["enterprise"] == "E_CELL"
    # ordering: severity, then score
    ranks = register.entries["severity"].map({"red": 3, "yellow": 2, "blue": 1}).to_numpy()
    assert np.all(np.diff(ranks) <= 0)


def test_explanations_are_bilingual_and_carry_the_numbers(register: RiskRegister) -> None:
    co = _entry(register, "product:P_CO")
    zh, en = str(co["explanation_zh"]), str(co["explanation_en"])
    assert zh.startswith("钴：进口依赖 90%（净），来源国 2 个（HHI 0.80）")
    assert "卡脖子：无国内同准产能（需等级 5，国内最高 3）" in zh
    assert "影响终端产品：纯电乘用车、插电混动乘用车（产值 2.6 亿元" in zh
    assert "首选备份：冀钴新材（虚构）（降准，差 2 级" in zh
    assert en.startswith("Cobalt: net import dependence 90%, 2 source countries (HHI 0.80)")
    assert "final products affected: BEV car, PHEV car" in en
    cell = _entry(register, "enterprise:E_CELL")
    assert "直接断供：动力电芯" in str(cell["explanation_zh"]) and "directly cuts: Battery cell" in str(cell["explanation_en"])


def test_backup_candidates_in_the_register(register: RiskRegister) -> None:
    c = register.candidates
    co = c[c["point"] == "product:P_CO"]
    assert co["candidate"].tolist()[0] == "E_CO_CN" and co["standard"].tolist()[0] == "reduced"
    assert c[c["point"] == "product:P_CELL"].empty  # nobody else makes cells: 补链
    bev = c[c["point"] == "product:P_BEV"]
    assert bev["candidate"].tolist() == ["E_OEM2"]
    # a province loss: candidates must lie outside the lost province
    from chainleader.analysis.backups import candidates_for, supplier_pairs
    from chainleader.analysis.compiled import compile_dataset

    comp = compile_dataset(nev_mini())
    pairs = supplier_pairs(comp, RiskParams())
    p = comp.product_index(["P_CATH", "P_CATH"])
    tianjin = int(np.flatnonzero(comp.province_codes == 120000)[0])
    e1 = comp.enterprise_index("E_CATH1")
    args = (p, np.r_[e1, e1], np.array([4, 4]), np.array([tianjin, tianjin]), np.array(["a", "b"], dtype=object), None)
    got = candidates_for(comp, RiskParams(), pairs, *args, q_outside=np.array([False, True]))
    assert got["candidate"].tolist() == ["E_CATH2", "E_CATH2"]  # 京正极 is in Beijing: outside Tianjin
    mask = (pairs.enterprise == int(comp.enterprise_index("E_CATH2")[0]))
    beijing = int(pairs.province[mask][0])
    args2 = (p[:1], np.r_[-1], np.array([4]), np.array([beijing]), np.array(["c"], dtype=object), None)
    assert candidates_for(comp, RiskParams(), pairs, *args2, q_outside=np.array([True]))["candidate"].tolist() == [
        "E_CATH1"]


def test_filters(register: RiskRegister) -> None:
    reg = register
    red = reg.filter(severity="red")
    assert set(red.entries["severity"]) == {"red"} and len(red) < len(reg)
    assert set(reg.filter(severity="红").entries["point"]) == set(red.entries["point"])
    up = reg.filter(stage="upstream")
    assert set(up.entries["point"]) == {"product:P_CO", "product:P_LI"}
    heb = reg.filter(region="130000")
    pts = set(heb.entries["point"])
    assert "enterprise:E_CELL" in pts and "province:130000" in pts
    assert "enterprise:E_ENG" not in pts and "province:110000" not in pts
    assert "product:P_CO" in pts  # made in Hebei
    assert "product:P_ENG" not in pts  # neither made in Hebei nor upstream of anything made there
    assert set(heb.candidates["point"]) <= pts
    assert len(reg.filter(chain="nev")) == len(reg)
    assert len(reg.filter(kind="enterprise").entries) == 3
    with pytest.raises(ConfigError):
        reg.filter(region="nowhere")
    jjj = assess(nev_mini(), region="jjj", with_lp=False)
    assert "product:P_LI" in set(jjj.entries["point"])  # upstream of cathodes made in the cluster
    assert jjj.metadata["region"] == "jjj"


def test_exports_round_trip(register: RiskRegister, tmp_path: Path) -> None:
    reg = register
    csv = pd.read_csv(reg.to_csv(tmp_path / "r.csv"), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(csv) == len(reg) and csv.loc[0, "point"] == reg.entries.loc[0, "point"]
    assert json.loads(csv.loc[0, "facts"])
    x = pd.read_excel(reg.to_xlsx(tmp_path / "r.xlsx"), sheet_name=None)
    assert set(x) == {"风险清单 register", "备份候选 candidates", "备份缺口 links", "元数据 metadata"}
    assert len(x["风险清单 register"]) == len(reg) and len(x["备份缺口 links"]) == 9
    payload = json.loads(reg.to_json(tmp_path / "r.json"))
    assert len(payload["entries"]) == len(reg) and payload["metadata"]["dataset"] == "nev-mini"
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == reg.to_json()


def test_metadata_records_dataset_and_every_parameter(register: RiskRegister) -> None:
    m = register.metadata
    assert m["dataset"] == "nev-mini" and m["content_key"].startswith("sha256:")
    assert m["params"] == RiskParams().as_dict()
    assert m["lp_status"].startswith("skipped")
    assert m["severity_counts"] == register.severity_counts()
    assert m["n_link_violations"] == 9 and m["total_final_value"] == pytest.approx(2.6e8)
    custom = assess(nev_mini(), with_lp=False, params=RiskParams(dependence_bands=(0.5, 0.6, 0.95)))
    assert custom.metadata["params"]["dependence_bands"] == [0.5, 0.6, 0.95]
    assert _entry(custom, "product:P_LI")["facts"]["import_dependence"]["severity"] == "yellow"


def test_chain_argument_and_unknown_chain() -> None:
    from chainleader.model.errors import NotFoundError

    reg = assess(nev_mini(), chain="nev", with_lp=False)
    assert reg.metadata["chain"] == "nev" and len(reg) > 0
    with pytest.raises(NotFoundError):
        assess(nev_mini(), chain="ic", with_lp=False)


@pytest.mark.skipif(not HAS_LP, reason="chainleader.analysis.ttr_tts not present yet")
def test_with_lp_runs_every_product_enterprise_and_province() -> None:
    reg = assess(nev_mini(), with_lp=True)
    assert reg.metadata["lp_status"] == "ok"
    t = reg.results["stress"].table
    assert set(t.loc[t["kind"] == "product", "id"]) == {p for p, *_ in PRODUCTS}
    assert len(t[t["kind"] == "enterprise"]) == 14 and set(t.loc[t["kind"] == "province", "id"]) == {
        "110000", "120000", "130000", "630000"}
    # TTR = max ttr_days of the lost sites / 7: cobalt plants 180 and 120 days -> 180/7 weeks
    assert t.set_index(["kind", "id"]).loc[("product", "P_CO"), "ttr"] == pytest.approx(180 / 7)
    exposed = t[t["exposed"].astype(bool)]
    assert np.all(exposed["tts"] < exposed["ttr"])
    cell = _entry(reg, "product:P_CELL")
    assert "tts_below_ttr" in str(cell["rules"]) and " 周 < TTR " in str(cell["explanation_zh"])


@pytest.mark.parametrize("drop", [("supply_links",), ("trade",), ("chains",), ("bom",), ("capacities",),
                                  ("supply_links", "trade", "chains", "bom")])
def test_optional_tables_may_be_empty(drop: tuple[str, ...]) -> None:
    from chainleader.model.dataset import empty_frame

    ds = nev_mini()
    reg = assess(ds.with_tables(**{t: empty_frame(t) for t in drop}), with_lp=False)
    assert reg.metadata["severity_counts"] == reg.severity_counts()
    if "trade" in drop and "capacities" not in drop:
        # no trade data: dependence falls back to the foreign share of capacity (cobalt 150 of 180)
        assert _entry(reg, "product:P_CO")["facts"]["chokepoint"]["basis"] == "sites"
    if "capacities" in drop:
        assert "P_CELL" in reg.metadata["supply_unknown_products"]


def test_a_dataset_with_products_only_has_no_risk_points() -> None:
    from oracles.risk_cases import make_dataset

    ds = make_dataset("p", products=[{"id": "A", "name_zh": "甲", "stage": "upstream", "kind": "resource",
                                      "unit": "t"}])
    reg = assess(ds, with_lp=False)
    assert len(reg) == 0 and reg.severity_counts() == {"red": 0, "yellow": 0, "blue": 0}
    assert reg.to_frame().columns.tolist()[:3] == ["point", "kind", "id"]
