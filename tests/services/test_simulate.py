"""The simulate use case: bundled scenario library, loading by name or path, outputs written, explanations."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from chainleader.analysis.simulation import ScenarioError, build_network, resolve
from chainleader.model.errors import NotFoundError
from chainleader.services.datasets import load_dataset
from chainleader.services.simulate import (
    NO_PLAN,
    WITH_PLAN,
    default_scenario,
    list_scenarios,
    load_scenario,
    run_scenario,
)
from chainleader.store import io as store_io

GOOD = Path(__file__).resolve().parents[1] / "data" / "good" / "csv"


def test_library_lists_the_seed_scenarios() -> None:
    ids = {i.id for i in list_scenarios("nev-jjj")}
    assert {"cobalt-cd-cut", "tangshan-earthquake", "auto-chip-shortage"} <= ids
    assert {i.id for i in list_scenarios("ic-yrd")} == {"advanced-equipment-controls"}
    assert default_scenario("nev-jjj").id == "auto-chip-shortage"
    with pytest.raises(NotFoundError):
        default_scenario("no-such-dataset")


@pytest.mark.parametrize("info", list_scenarios(), ids=lambda i: f"{i.dataset}/{i.id}")
def test_every_bundled_scenario_resolves_against_its_dataset(info) -> None:  # type: ignore[no-untyped-def]
    s = load_scenario(info.id, info.dataset)
    net = build_network(load_dataset(info.dataset))
    plan = resolve(net, s)  # raises on any unknown id
    assert len(plan.shocked_sites) > 0 and not [w for w in plan.warnings if w.code == "shock_hits_nothing"]
    if s.backup_plan is not None:
        assert len(plan.backup_sites) > 0


def test_unknown_scenario_name_suggests_close_ones() -> None:
    with pytest.raises(NotFoundError) as info:
        load_scenario("cobalt-cd-cutt", "nev-jjj")
    assert "cobalt-cd-cut" in str(info.value) and "没有名为" in str(info.value)


def test_bad_file_gives_located_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("horizon_days: 30\nshocks:\n  - type: demand\n    change: 0.1\n    start_day: 9\n"
                    "    end_day: 3\n", encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        run_scenario(store_io.load_path(GOOD), path)
    p = info.value.report.errors[0]
    assert (p.file, p.row, p.column, p.code) == (str(path), 6, "shocks[0].end_day", "window_end_before_start")


def test_run_with_plan_writes_tables_chart_and_summary(tmp_path: Path) -> None:
    path = tmp_path / "cobalt.yaml"
    path.write_text(
        "id: cobalt\nname_zh: 钴断供\nname_en: Cobalt cut\nhorizon_days: 200\n"
        "shocks:\n  - {type: export_control, by: [CD], products: [P_COBALT], end_day: 120}\n"
        "backup_plan: {mode: auto}\n"
        "uncertain:\n  - {param: inventory_days, dist: {type: uniform, low: 0.5, high: 1.5}}\n",
        encoding="utf-8",
    )
    seen: list[str] = []
    rep = run_scenario(store_io.load_path(GOOD), path, runs=4, seed=1, workers=1, out=tmp_path / "out",
                       progress=lambda stage, done, total: seen.append(stage))
    assert set(rep.results) == {NO_PLAN, WITH_PLAN} and "monte_carlo" in seen
    assert rep.explanation_zh.startswith("钴断供：") and "亿元" in rep.explanation_zh and "P5/P50/P95" in rep.explanation_en
    names = {f.name for f in rep.files}
    assert {"series.csv", "series.parquet", "products.csv", "binding.csv", "comparison.csv", "mc_bands.csv",
            "chart.png", "summary.json"} <= names
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["runs"][NO_PLAN]["lost_value"] == pytest.approx(rep.results[NO_PLAN].lost_value())
    assert summary["monte_carlo"]["runs"] == 4
    for run in (NO_PLAN, WITH_PLAN):  # three loss measures, the shortfall never negative
        got = summary["runs"][run]
        assert got["output_shortfall_value"] >= 0.0 and "output_loss_value" not in got
        assert got["output_shortfall_value"] == pytest.approx(rep.results[run].output_shortfall_value())
        assert got["net_output_change_value"] == pytest.approx(rep.results[run].net_output_change_value())
        assert got["final_demand_lost_value"] == pytest.approx(rep.results[run].final_loss_value())
    products = pd.read_csv(tmp_path / "out" / "products.csv")
    assert {"output_shortfall_value", "net_output_change_value", "final_demand_lost_value"} <= set(products.columns)
    assert (products["output_shortfall_value"] >= 0).all()
    series = pd.read_parquet(tmp_path / "out" / "series.parquet")
    assert set(series["run"]) == {NO_PLAN, WITH_PLAN} and (tmp_path / "out" / "chart.png").stat().st_size > 1000
    cmp = rep.comparison.set_index("key")
    assert cmp.loc["lost_value_yi", WITH_PLAN] <= cmp.loc["lost_value_yi", NO_PLAN] + 1e-12
    assert cmp.loc["output_shortfall_value", "metric"].startswith("各环节减产合计")
    assert "net output change" in cmp.loc["net_output_change_value", "metric"]


def test_bundled_default_scenario_runs_by_name() -> None:
    rep = run_scenario("nev-jjj", default_scenario("nev-jjj").id)
    r0, r1 = rep.results[NO_PLAN], rep.results[WITH_PLAN]
    assert r0.lost_value() > 0 and r1.lost_value() <= r0.lost_value()
    assert "车规级" in rep.explanation_zh and rep.as_dict()["scenario"] == "auto-chip-shortage"
