"""The bundled illustrative datasets flag the risks the seed texts name (skipped when a dataset is absent).

内置示意数据集应识别出种子文本点名的风险：钴、锂、车规芯片（nev-jjj），光刻机与受管制先进设备（ic-yrd）。
"""

from __future__ import annotations

import pytest
from oracles.bundled import available, load_bundled

from chainleader.analysis import RiskParams, assess, chokepoints


@pytest.mark.skipif(not available("nev-jjj"), reason="nev-jjj not bundled yet")
def test_nev_jjj_cobalt_lithium_and_auto_chips() -> None:
    """李燕 (2023): 钴、锂矿依存度 > 90%，汽车芯片进口率约 90%。"""
    reg = assess(load_bundled("nev-jjj"), with_lp=False)
    e = reg.entries.set_index("point")
    for p in ("product:P_COBALT_RAW", "product:P_LITHIUM_RAW"):
        assert e.loc[p, "severity"] == "red"
        assert e.loc[p, "facts"]["import_dependence"]["dependence"] > 0.9
        assert not reg.candidates[reg.candidates["point"] == p].empty  # backups are proposed
    chips = {"product:P_AUTO_MCU", "product:P_ANALOG_IC", "product:P_AUTO_MEMORY", "product:P_COCKPIT_SOC"}
    assert chips <= set(e.index[e["severity"] == "red"])
    assert {"P_COCKPIT_SOC", "P_ANALOG_IC", "P_AUTO_MEMORY"} <= set(chokepoints(load_bundled("nev-jjj")).products)
    mcu = reg.candidates[reg.candidates["point"] == "product:P_AUTO_MCU"]
    assert mcu.iloc[0]["domestic"] and mcu.iloc[0]["standard"] == "reduced"  # 国内降准备份 first


@pytest.mark.skipif(not available("ic-yrd"), reason="ic-yrd not bundled yet")
def test_ic_yrd_lithography_and_controlled_equipment_are_chokepoints() -> None:
    ds = load_bundled("ic-yrd")
    res = chokepoints(ds, params=RiskParams(country_group="ec_bloc"))
    got = set(res.products)
    assert {"P_LITHO_EUV", "P_LITHO_DUV_IMM", "P_LITHO_DUV_DRY"} <= got
    assert {"P_EQ_ADV_LOGIC", "P_EQ_ADV_DRAM", "P_EQ_ADV_NAND"} <= got
    t = res.table.set_index("product")
    assert t.loc["P_LITHO_EUV", "group_share"] == pytest.approx(1.0)  # EUV: the Netherlands only
    reg = assess(ds, with_lp=False)
    sev = reg.entries.set_index("point")["severity"]
    assert sev["product:P_LITHO_EUV"] == "red" and sev["product:P_EQ_ADV_LOGIC"] == "red"
