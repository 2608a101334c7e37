"""Workspace scenario runs (lifecycle, progress, result series, budgets, ownership) and reports (redacted)."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator

import openpyxl
import pytest

from chainleader.governance.access import Principal, Role
from chainleader.model.errors import ConfigError, LimitError, NotFoundError, PermissionDenied
from chainleader.services.simulate import load_scenario
from chainleader.services.workspace import Workspace

DS, CHAIN = "nev-jjj", "nev"
ADMIN = Principal(1, "admin", Role.ADMIN)
HEBEI = Principal(2, "hebei", Role.OFFICE, regions=frozenset({"130000"}), chains=frozenset({"nev-jjj/*"}))
TIANJIN = Principal(3, "tianjin", Role.ANALYST, regions=frozenset({"120000"}), chains=frozenset({"*"}))
OBSERVER = Principal(4, "observer", Role.OBSERVER, chains=frozenset({"nev-jjj/nev"}))


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    w = Workspace(f"sqlite:///{tmp_path_factory.mktemp('wsr') / 'ws.sqlite'}", with_lp=False)
    try:
        w.ensure_bundled()
        yield w
    finally:
        w.close()


def test_run_lifecycle_and_result_series(ws: Workspace) -> None:
    started = ws.start_run(HEBEI, DS, scenario="cobalt-cd-cut", runs=1)
    assert set(started) == {"id", "status"} and started["status"] in ("queued", "running")
    ws.run_manager.wait(started["id"], timeout=120)
    out = ws.run(HEBEI, started["id"])
    assert out["status"] == "done" and out["error_zh"] is None, out
    assert out["progress"]["total"] and out["progress"]["done"] == out["progress"]["total"]
    res = out["result"]
    s = load_scenario("cobalt-cd-cut", DS)
    assert res["scenario"] == "cobalt-cd-cut" and res["horizon_days"] == s.horizon_days
    assert set(res["runs"]) == {"no_plan", "with_plan"} and res["monte_carlo"] is None
    n = len(res["days"])
    assert n > 1 and res["days"][0] == 0 and res["days"] == sorted(res["days"])
    for run in res["runs"].values():
        assert run["label_zh"] and run["label_en"] and len(run["chain_output_pct"]) == n
        assert [p["product"] for p in run["final_products"]] == ["P_BEV_CAR", "P_E_CV", "P_PHEV_CAR"]
        for p in run["final_products"]:
            assert len(p["output_pct"]) == len(p["shortage"]) == n
            assert all(0.0 <= v <= 100.0 + 1e-6 for v in p["output_pct"])
    assert res["runs"]["no_plan"]["chain_output_pct"][0] == pytest.approx(100.0, abs=1e-6)  # day 0: baseline
    lost = {k: r["summary"]["lost_value"] for k, r in res["runs"].items()}
    assert lost["with_plan"] <= lost["no_plan"]  # the backup plan never makes it worse here
    assert res["explanation_zh"] and res["explanation_en"]
    # ownership: another region's analyst cannot see it (404, audited); an administrator can
    with pytest.raises(NotFoundError):
        ws.run(TIANJIN, started["id"])
    assert ws.accounts.list_audit(1, 50, actor="tianjin", outcome="denied")[1] >= 1
    assert ws.run(ADMIN, started["id"])["status"] == "done"
    assert started["id"] in {r["id"] for r in ws.runs(HEBEI)["items"]}
    assert ws.runs(TIANJIN)["total"] == 0
    rows, _ = ws.accounts.list_audit(1, 50, actor="hebei", action="run_scenario")
    assert rows[0]["target"] == "nev-jjj/cobalt-cd-cut" and rows[0]["after"]["run"] == started["id"]


def test_monte_carlo_bands(ws: Workspace) -> None:
    run_id = ws.start_run(TIANJIN, DS, scenario="cobalt-cd-cut", runs=3)["id"]
    ws.run_manager.wait(run_id, timeout=120)
    res = ws.run(TIANJIN, run_id)["result"]
    mc = res["monte_carlo"]
    assert mc["runs"] == 3 and len(mc["days"]) == len(res["days"])
    lo, mid, hi = (mc["bands_pct"][k] for k in ("p5", "p50", "p95"))
    assert all(a <= b + 1e-9 <= c + 2e-9 for a, b, c in zip(lo, mid, hi, strict=True))


def test_budgets_and_permissions(ws: Workspace) -> None:
    with pytest.raises(LimitError) as exc:
        ws.start_run(HEBEI, DS, scenario="cobalt-cd-cut", runs=201)
    assert exc.value.limit == "runs" and "200" in str(exc.value)
    text = ws.scenario(HEBEI, DS, "cobalt-cd-cut")["yaml"]
    long = re.sub(r"horizon_days: \d+", "horizon_days: 800", text)
    with pytest.raises(LimitError) as exc:
        ws.start_run(HEBEI, DS, scenario_yaml=long)
    assert exc.value.limit == "horizon_days" and "730" in str(exc.value)
    ws.max_sites = 10
    try:
        with pytest.raises(LimitError) as exc:
            ws.start_run(HEBEI, DS, scenario="cobalt-cd-cut")
        assert exc.value.limit == "network_sites" and exc.value.status == 413
    finally:
        ws.max_sites = 200_000
    with pytest.raises(ConfigError, match="exactly one"):
        ws.start_run(HEBEI, DS)
    with pytest.raises(PermissionDenied):
        ws.start_run(OBSERVER, DS, scenario="cobalt-cd-cut")
    assert ws.accounts.list_audit(1, 50, actor="observer", action="run_scenario", outcome="denied")[1] == 1
    custom = ws.start_run(HEBEI, DS, scenario_yaml=text.replace("id: cobalt-cd-cut", "id: my-cobalt"))
    assert ws.run_manager.wait(custom["id"], timeout=120).status == "done"
    assert ws.run(HEBEI, custom["id"])["scenario"] == "my-cobalt"


def test_report_xlsx_is_redacted_and_audited(ws: Workspace) -> None:
    e = ws._dataset(DS).enterprises
    beijing = e[e["region"].fillna("").str.startswith("11")]
    body, media, name = ws.report(HEBEI, DS, CHAIN, "xlsx")
    assert "spreadsheetml" in media and name == "nev-jjj-nev-report.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    text = "\n".join(str(c) for sh in wb.worksheets for row in sh.iter_rows(values_only=True) for c in row
                     if c is not None)
    assert "风险" in text
    for r in beijing.itertuples():
        assert r.name_zh not in text and r.uscc not in text
        assert not re.search(rf"(?<![A-Za-z0-9]){r.id}(?![0-9])", text)
    rows, _ = ws.accounts.list_audit(1, 50, actor="hebei", action="report")
    assert rows[0]["after"] == {"format": "xlsx", "lang": "zh"}
    with pytest.raises(ConfigError, match="pdf"):
        ws.report(HEBEI, DS, CHAIN, "docx")


def test_report_pdf_has_chinese_headings_and_no_beijing_firm(ws: Workspace) -> None:
    from pypdf import PdfReader

    e = ws._dataset(DS).enterprises
    beijing = e[e["region"].fillna("").str.startswith("11")]
    body, media, name = ws.report(HEBEI, DS, CHAIN, "pdf", scenarios=("cobalt-cd-cut",))
    assert body.startswith(b"%PDF-") and media == "application/pdf" and name.endswith(".pdf")
    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    assert "风险清单" in text
    for r in beijing.itertuples():
        assert r.name_zh not in text and r.uscc not in text
        assert not re.search(rf"(?<![A-Za-z0-9]){r.id}(?![0-9])", text)


def test_new_version_replaces_cached_assessment(ws: Workspace) -> None:
    """Runs last in this module: uploads version 2 of nev-jjj (a new title) through the workspace."""
    from chainleader.services.datasets import bundled_path

    assert ws.chain_overview(HEBEI, DS, CHAIN)["dataset"]["version"] == 1
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(bundled_path(DS).glob("*.csv")):
            text = f.read_text(encoding="utf-8-sig")
            if f.name == "meta.csv":
                text = text.replace("（示意数据）", "（示意数据，第二版）")
            zf.writestr(f.name, text.encode("utf-8"))
    out = ws.upload(HEBEI, "nev-jjj.zip", buf.getvalue(), dataset_name=DS)
    assert out["ok"] is True and out["version"]["number"] == 2 and out["version"]["created"] is True
    ov = ws.chain_overview(HEBEI, DS, CHAIN)
    assert ov["dataset"]["version"] == 2 and ov["dataset"]["title_zh"].endswith("第二版）")
    assert {k[1] for k in ws._assessed if k[0] == DS} == {2}  # version 1 left the cache
    assert [v["number"] for v in ws.versions(HEBEI, DS)] == [2, 1]


def _failure_yaml(eid: str) -> str:
    return ("id: firm-fire\ndataset: nev-jjj\nhorizon_days: 60\nshocks:\n"
            f"  - {{type: enterprise_failure, enterprises: [{eid}], start_day: 5, end_day: 20}}\n")


def test_custom_scenario_may_name_only_visible_enterprises(ws: Workspace) -> None:
    """A custom scenario naming another region's firm is refused exactly like an unknown firm (no existence leak)."""
    ds = ws._dataset(DS)
    ent = ds.enterprises
    beijing = str(ent.loc[ent["region"].astype(str).str.startswith("11"), "id"].iloc[0])
    hebei = str(ent.loc[ent["region"].astype(str).str.startswith("13"), "id"].iloc[0])
    with pytest.raises(NotFoundError) as hidden:
        ws.start_run(HEBEI, DS, scenario_yaml=_failure_yaml(beijing))
    with pytest.raises(NotFoundError) as unknown:
        ws.start_run(HEBEI, DS, scenario_yaml=_failure_yaml("E9999999"))
    assert str(hidden.value).replace(beijing, "ID") == str(unknown.value).replace("E9999999", "ID")
    assert ws.start_run(HEBEI, DS, scenario_yaml=_failure_yaml(hebei))["status"] in {"queued", "running", "done"}
    assert ws.start_run(ADMIN, DS, scenario_yaml=_failure_yaml(beijing))["status"] in {"queued", "running", "done"}
