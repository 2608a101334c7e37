"""Workspace: payload shapes, each role's view, regional isolation, grants, suppression, audit (docs/web.md).

The bundled nev-jjj dataset is the fixture: its Beijing (110000) firms are confidential to a Hebei (130000)
office unless Beijing grants; expected figures are recomputed here directly from the dataset tables.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from chainleader.governance.access import MIN_GROUP, Principal, Role
from chainleader.model.errors import ConfigError, LimitError, NotFoundError, PermissionDenied
from chainleader.services.workspace import Workspace

DS, CHAIN = "nev-jjj", "nev"
ADMIN = Principal(1, "admin", Role.ADMIN)
HEBEI = Principal(2, "hebei", Role.OFFICE, regions=frozenset({"130000"}), chains=frozenset({"nev-jjj/*"}))
TIANJIN = Principal(3, "tianjin", Role.ANALYST, regions=frozenset({"120000"}), chains=frozenset({"*"}))
OBSERVER = Principal(4, "observer", Role.OBSERVER, chains=frozenset({"nev-jjj/nev"}))
FIRM = Principal(5, "firm", Role.ENTERPRISE, chains=frozenset({"nev-jjj/nev"}), enterprise="E0006")
OUTSIDER = Principal(6, "outsider", Role.OBSERVER, chains=frozenset({"ic-yrd/*"}))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ws(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('ws') / 'ws.sqlite'}"
        name = None
    else:
        server = request.getfixturevalue("pg_server")
        name = server.create_database()
        url = server.url(name)
    w = Workspace(url, with_lp=False)
    try:
        assert DS in w.ensure_bundled()
        assert w.ensure_bundled() == []  # idempotent
        w.warm()
        yield w
    finally:
        w.close()
        if name is not None:
            request.getfixturevalue("pg_server").drop_database(name)


@pytest.fixture(scope="module")
def sites(ws: Workspace) -> pd.DataFrame:
    """Chain capacities with the province and country of each site (facility location, else the firm's)."""
    ds = ws._dataset(DS)
    caps = ds.capacities.merge(ds.enterprises[["id", "region", "country", "name_zh", "name_en", "uscc"]],
                               left_on="enterprise", right_on="id")
    region = caps["facility_region"].where(caps["facility_region"].notna(), caps["region"])
    caps["site_country"] = caps["facility_country"].where(caps["facility_country"].notna(), caps["country"])
    caps["site_province"] = region.fillna("").str[:2] + "0000"
    return caps[caps["product"].isin(set(ds.chain_products(CHAIN)))]


def beijing_firms(ws: Workspace) -> pd.DataFrame:
    e = ws._dataset(DS).enterprises
    return e[e["region"].fillna("").str.startswith("11")]


def leaks(text: str, firms: pd.DataFrame) -> list[str]:
    """Every id, name or USCC of ``firms`` found in ``text`` (ids as whole tokens)."""
    found = []
    for r in firms.itertuples():
        if re.search(rf"(?<![A-Za-z0-9]){re.escape(r.id)}(?![0-9])", text):
            found.append(r.id)
        for v in (r.name_zh, r.name_en, r.uscc):
            if isinstance(v, str) and v and v in text:
                found.append(v)
    return found


def dump(x: Any) -> str:
    return json.dumps(x, ensure_ascii=False)


def xlsx_text(content: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(c) for ws_ in wb.worksheets for row in ws_.iter_rows(values_only=True) for c in row
                     if c is not None)


def audit_rows(ws: Workspace, **kw: Any) -> list[dict[str, Any]]:
    rows, _ = ws.accounts.list_audit(1, 200, **kw)
    return rows


# --- datasets and chain payloads ---------------------------------------------------------------------------
def test_datasets_lists_visible_chains(ws: Workspace) -> None:
    names = {d["name"]: d for d in ws.datasets(ADMIN)}
    assert {"nev-jjj", "ic-yrd", "display-js"} <= set(names)
    d = names[DS]
    assert d["version"] == 1 and d["illustrative"] is True and d["title_zh"] and d["title_en"]
    assert d["chains"] == [{"id": "nev", "name_zh": "京津冀新能源汽车产业链",
                            "name_en": "Beijing-Tianjin-Hebei new-energy vehicle chain"}]
    assert [d["name"] for d in ws.datasets(HEBEI)] == [DS]
    assert [d["name"] for d in ws.datasets(OUTSIDER)] == ["ic-yrd"]


def test_chain_outside_scope_is_denied_and_audited(ws: Workspace) -> None:
    with pytest.raises(PermissionDenied, match="无权查看产业链.*may not view chain"):
        ws.chain_overview(OUTSIDER, DS, CHAIN)
    rows = audit_rows(ws, actor="outsider", outcome="denied")
    assert rows and rows[0]["action"] == "view_chain" and rows[0]["target"] == "nev-jjj/nev"
    with pytest.raises(NotFoundError):
        ws.chain_overview(ADMIN, DS, "no-such-chain")


def test_overview_shape(ws: Workspace, sites: pd.DataFrame) -> None:
    ov = ws.chain_overview(HEBEI, DS, CHAIN)
    assert ov["chain"]["id"] == CHAIN and ov["dataset"]["version"] == 1
    assert [f["id"] for f in ov["final_products"]] == ["P_BEV_CAR", "P_E_CV", "P_PHEV_CAR"]
    assert ov["counts"]["enterprises"] == {"value": sites["enterprise"].nunique(), "suppressed": False}
    assert ov["counts"]["products"]["value"] == len(ws._dataset(DS).chain_products(CHAIN))
    reg = ws.register(ADMIN, DS, CHAIN, sort="severity", page_size=200)  # the register's own order
    assert ov["severity_counts"] == reg["counts"]
    assert len(ov["top_risks"]) == 10 and all(r["explanation_zh"] and r["explanation_en"] for r in ov["top_risks"])
    assert [r["point"] for r in ov["top_risks"]] == [r["point"] for r in reg["items"][:10]]
    dep = ov["import_dependence"]
    assert dep and all(0 <= d["gross_dependence"] <= 1 for d in dep)
    assert [d["gross_dependence"] for d in dep] == sorted((d["gross_dependence"] for d in dep), reverse=True)
    json.dumps(ov)  # JSON-ready


def test_chain_map_tiers_and_filters(ws: Workspace, sites: pd.DataFrame) -> None:
    m = ws.chain_map(HEBEI, DS, CHAIN)
    tier = {n["id"]: n["tier"] for n in m["nodes"]}
    assert len(tier) == len(ws._dataset(DS).chain_products(CHAIN)) and len(m["edges"]) > 0
    top = max(tier.values())
    assert {n["id"] for n in m["nodes"] if n["tier"] == top} >= {"P_BEV_CAR", "P_E_CV", "P_PHEV_CAR"}
    assert all(tier[e["source"]] < tier[e["target"]] for e in m["edges"])  # inputs left of what they feed
    node = next(n for n in m["nodes"] if n["id"] == "P_RADAR_CHIP")
    assert node["risk"] == "red" and node["chokepoint"] is True and node["grade"] in ("low", "mid", "high")
    assert set(m["nodes"][0]) >= {"id", "name_zh", "name_en", "stage", "tier", "grade", "level", "value", "risk",
                                  "score", "key_link", "chokepoint"}
    hebei = ws.chain_map(HEBEI, DS, CHAIN, region="130000")
    expected = set(sites.loc[sites["site_province"] == "130000", "product"])
    assert {n["id"] for n in hebei["nodes"]} == expected and hebei["filters"]["region"] == "130000"
    assert all(e["source"] in expected and e["target"] in expected for e in hebei["edges"])
    jp = ws.chain_map(HEBEI, DS, CHAIN, country="JP")
    assert {n["id"] for n in jp["nodes"]} == set(sites.loc[sites["site_country"] == "JP", "product"])
    assert {"code": "130000", "name_zh": "河北省", "name_en": "Hebei"} in m["filters"]["regions"]
    with pytest.raises(ConfigError, match="region"):
        ws.chain_map(HEBEI, DS, CHAIN, region="Hebei")


def test_province_tiles_grid_and_suppression(ws: Workspace, sites: pd.DataFrame) -> None:
    tiles = {t["code"]: t for t in ws.province_tiles(HEBEI, DS, CHAIN)["tiles"]}
    assert len(tiles) == 34 and len({(t["row"], t["col"]) for t in tiles.values()}) == 34
    assert {"710000", "810000", "820000"} <= set(tiles)
    assert tiles["230000"]["row"] == 0 and tiles["650000"]["col"] < tiles["110000"]["col"]  # 黑龙江 top, 新疆 west
    assert tiles["460000"]["row"] == max(t["row"] for t in tiles.values())  # 海南 bottom
    n_by_prov = sites.groupby("site_province")["enterprise"].nunique()
    assert n_by_prov["220000"] < MIN_GROUP  # 吉林: one firm, not Hebei's
    jilin = tiles["220000"]
    assert jilin["suppressed"] is True and jilin["capacity_value"] is None and jilin["n_enterprises"] is None
    hebei = tiles["130000"]  # own region: every firm visible, no suppression
    assert hebei["suppressed"] is False and hebei["n_enterprises"] == n_by_prov["130000"]
    assert tiles["460000"] == {**tiles["460000"], "n_enterprises": 0, "suppressed": False, "red": 0}  # no sites
    admin = {t["code"]: t for t in ws.province_tiles(ADMIN, DS, CHAIN)["tiles"]}
    assert admin["220000"]["suppressed"] is False and admin["220000"]["n_enterprises"] == n_by_prov["220000"]
    assert admin["110000"]["n_enterprises"] == n_by_prov["110000"] >= MIN_GROUP
    assert tiles["110000"]["n_enterprises"] == n_by_prov["110000"]  # >= 3 firms: published to Hebei too


# --- register ----------------------------------------------------------------------------------------------
def test_register_filters_sorting_paging(ws: Workspace) -> None:
    full = ws.register(HEBEI, DS, CHAIN, page_size=200)
    assert full["total"] == len(full["items"]) == sum(full["counts"].values())
    red = ws.register(HEBEI, DS, CHAIN, severity="red", page_size=200)
    assert red["total"] == full["counts"]["red"] and {i["severity"] for i in red["items"]} == {"red"}
    asc = ws.register(HEBEI, DS, CHAIN, sort="score", descending=False, page_size=200)["items"]
    assert [i["score"] for i in asc] == sorted(i["score"] for i in asc)
    p1 = ws.register(HEBEI, DS, CHAIN, page=1, page_size=5)
    p2 = ws.register(HEBEI, DS, CHAIN, page=2, page_size=5)
    assert p1["total"] == full["total"] and len(p1["items"]) == 5
    assert {i["point"] for i in p1["items"]}.isdisjoint(i["point"] for i in p2["items"])
    q = ws.register(HEBEI, DS, CHAIN, q="钴")
    assert q["total"] >= 1 and all("钴" in i["name_zh"] for i in q["items"])
    up = ws.register(HEBEI, DS, CHAIN, stage="上游", page_size=200)
    assert up["total"] >= 1 and all("upstream" in i["stages"] for i in up["items"])
    item = full["items"][0]
    assert item["explanation_zh"] and item["explanation_en"] and isinstance(item["candidates"], list)
    with pytest.raises(LimitError, match="page_size"):
        ws.register(HEBEI, DS, CHAIN, page_size=201)
    with pytest.raises(ConfigError, match="sort"):
        ws.register(HEBEI, DS, CHAIN, sort="bogus")


def test_register_export_formats_are_audited(ws: Workspace) -> None:
    for fmt, media in (("csv", "text/csv"), ("json", "application/json"), ("xlsx", "spreadsheetml")):
        body, mt, name = ws.register_export(HEBEI, DS, CHAIN, fmt)
        assert body and media in mt and name == f"nev-jjj-nev-register.{fmt}"
    rows = audit_rows(ws, actor="hebei", action="export_register")
    assert {r["after"]["format"] for r in rows} >= {"csv", "json", "xlsx"}
    with pytest.raises(ConfigError, match="xlsx"):
        ws.register_export(HEBEI, DS, CHAIN, "pdf")


# --- regional isolation ------------------------------------------------------------------------------------
def test_hebei_never_sees_beijing_confidential_firms(ws: Workspace) -> None:
    firms = beijing_firms(ws)
    assert len(firms) >= MIN_GROUP
    payloads: list[Any] = [ws.chain_overview(HEBEI, DS, CHAIN), ws.chain_map(HEBEI, DS, CHAIN),
                           ws.province_tiles(HEBEI, DS, CHAIN), ws.register(HEBEI, DS, CHAIN, page_size=200)]
    payloads += [ws.node_detail(HEBEI, DS, CHAIN, p) for p in ws._dataset(DS).chain_products(CHAIN)]
    ents = ws.enterprises(HEBEI, DS, page_size=200)
    payloads.append(ents)
    for page in range(2, -(-ents["total"] // 200) + 1):
        payloads.append(ws.enterprises(HEBEI, DS, page=page, page_size=200))
    text = dump(payloads)
    text += ws.register_export(HEBEI, DS, CHAIN, "csv")[0].decode("utf-8-sig")
    text += ws.register_export(HEBEI, DS, CHAIN, "json")[0].decode("utf-8")
    text += xlsx_text(ws.register_export(HEBEI, DS, CHAIN, "xlsx")[0])
    assert leaks(text, firms) == []
    assert "其他地区企业（未授权）X-" in text  # pseudonyms stand in where the structure needs a firm
    # the pseudonymised best backup keeps its standard but not its own figures
    assert not re.search(r"其他地区企业（未授权）X-[0-9a-f]{8}（[^）]*(富余产能|爬坡)", text)
    # searching for a hidden firm finds nothing; its detail is a 404 (not 403), and the denial is audited
    r = firms.iloc[0]
    for needle in (r["id"], r["name_zh"], r["uscc"]):
        assert ws.enterprises(HEBEI, DS, q=needle)["total"] == 0
    with pytest.raises(NotFoundError) as exc:
        ws.enterprise(HEBEI, DS, r["id"])
    assert leaks(str(exc.value), firms.iloc[1:]) == []
    assert audit_rows(ws, actor="hebei", action="view_enterprise", outcome="denied")
    # Hebei's own firms are there, with their confidential fields
    own = ws.enterprises(HEBEI, DS, region="130000", page_size=200)["items"]
    assert own and all(e["province"] == "130000" and e["uscc"] for e in own)


def test_node_detail_rows_and_hidden_note(ws: Workspace, sites: pd.DataFrame) -> None:
    nd = ws.node_detail(HEBEI, DS, CHAIN, "P_BEV_CAR")
    assert nd["product"]["id"] == "P_BEV_CAR" and nd["product"]["evidence"]["as_of"] == "2024-12-31"
    assert nd["risk"] is None or nd["risk"]["point"] == "product:P_BEV_CAR"
    prod = sites[sites["product"] == "P_BEV_CAR"]
    visible = prod[(prod["region"].fillna("").str[:2] == "13") | (prod["country"] != "CN")]
    assert sorted(e["id"] for e in nd["enterprises"]) == sorted(visible["enterprise"].unique())
    assert all(e["capacity"] is not None for e in nd["enterprises"])
    hidden = prod["enterprise"].nunique() - visible["enterprise"].nunique()
    assert hidden >= MIN_GROUP
    assert nd["hidden"] == {"n_hidden": hidden, "suppressed": False, "note_zh": f"另有 {hidden} 家其他地区企业未授权显示",
                            "note_en": nd["hidden"]["note_en"]}
    assert {i["id"] for i in nd["inputs"]} >= {"P_PACK_BEV", "P_DRIVE_MOTOR"}
    # a product with one or two hidden producers: the count itself is withheld
    few = sites[~sites["region"].fillna("").str.startswith("13") & (sites["country"] == "CN")]
    n = few.groupby("product")["enterprise"].nunique()
    pid = sorted(p for p in n.index if 0 < n[p] < MIN_GROUP)[0]
    note = ws.node_detail(HEBEI, DS, CHAIN, pid)["hidden"]
    assert note["suppressed"] is True and note["n_hidden"] is None and note["note_zh"] == "部分企业未授权显示"
    with pytest.raises(NotFoundError):
        ws.node_detail(HEBEI, DS, CHAIN, "P_NOT_THERE")


def test_grants_open_beijing_data_then_revoke(ws: Workspace) -> None:
    """Grant changes act on the next request: Accounts tells the workspace to drop its cached grants."""
    firms = beijing_firms(ws)
    grant = ws.accounts.create_grant(ADMIN, "110000", "130000", DS)
    try:
        ids = {e["id"] for e in ws.node_detail(HEBEI, DS, CHAIN, "P_BEV_CAR")["enterprises"]}
        assert {"E0001", "E0002", "E0003"} <= ids
        e1 = ws.enterprise(HEBEI, DS, "E0001")
        assert e1["uscc"] == firms.set_index("id").loc["E0001", "uscc"] and e1["capacities"]
    finally:
        ws.accounts.revoke_grant(ADMIN, grant.id)
    assert "E0001" not in {e["id"] for e in ws.node_detail(HEBEI, DS, CHAIN, "P_BEV_CAR")["enterprises"]}
    # field-level: only the identity table and the employees field beyond the always-visible ones
    grant = ws.accounts.create_grant(ADMIN, "110000", "130000", DS, tables=["enterprises"], fields=["employees"])
    try:
        e1 = ws.enterprise(HEBEI, DS, "E0001")
        assert e1["name_zh"] == firms.set_index("id").loc["E0001", "name_zh"]
        assert e1["employees"] is not None and e1["uscc"] is None and e1["tags"] == [] and e1["capacities"] == []
        assert e1["province"] == "110000"
        assert "E0001" not in {e["id"] for e in ws.node_detail(HEBEI, DS, CHAIN, "P_BEV_CAR")["enterprises"]}
    finally:
        ws.accounts.revoke_grant(ADMIN, grant.id)
    with pytest.raises(NotFoundError):
        ws.enterprise(HEBEI, DS, "E0001")


def test_observer_and_enterprise_user_views(ws: Workspace) -> None:
    nd = ws.node_detail(OBSERVER, DS, CHAIN, "P_BEV_CAR")
    assert nd["enterprises"] == [] and nd["hidden"]["n_hidden"] >= MIN_GROUP
    for c in ws.register(OBSERVER, DS, CHAIN, page_size=200)["items"]:
        for cand in c["candidates"]:
            assert cand["candidate"].startswith("X-") and cand["capacity"] is None
    seen = dump([ws.register(OBSERVER, DS, CHAIN, page_size=200), ws.chain_overview(OBSERVER, DS, CHAIN)]
                + [ws.node_detail(OBSERVER, DS, CHAIN, p) for p in ("P_BEV_CAR", "P_CNT", "P_RADAR_CHIP")])
    assert leaks(seen, ws._dataset(DS).enterprises) == []  # no firm at all, domestic or foreign
    with pytest.raises(PermissionDenied):
        ws.enterprises(OBSERVER, DS)
    with pytest.raises(PermissionDenied):
        ws.enterprise(OBSERVER, DS, "E0006")
    assert audit_rows(ws, actor="observer", outcome="denied")
    firm = ws.enterprises(FIRM, DS)
    assert [e["id"] for e in firm["items"]] == ["E0006"] and firm["total"] == 1
    assert ws.enterprise(FIRM, DS, "E0006")["capacities"]
    with pytest.raises(NotFoundError):
        ws.enterprise(FIRM, DS, "E0007")
    ids = {e["id"] for e in ws.node_detail(FIRM, DS, CHAIN, "P_BEV_CAR")["enterprises"]}
    assert ids == {"E0006"}


def test_scope_is_computed_once_under_concurrency(ws: Workspace) -> None:
    p = Principal(7, "tj2", Role.ANALYST, regions=frozenset({"120000"}), chains=frozenset({"*"}))
    with ThreadPoolExecutor(8) as ex:
        pages = list(ex.map(lambda _: ws.register(p, DS, CHAIN, page_size=200), range(16)))
    assert all(pg == pages[0] for pg in pages)
    keys = [k for k in ws._scopes if k[0][1] == ("120000",) and k[1] == DS]
    assert len(keys) == 1
    assert ws.register(TIANJIN, DS, CHAIN, page_size=200) == pages[0]  # same signature, same view


# --- scenarios, versions, uploads --------------------------------------------------------------------------
def test_scenarios_and_versions(ws: Workspace) -> None:
    ids = {s["id"] for s in ws.scenarios(HEBEI)}
    assert {"cobalt-cd-cut", "auto-chip-shortage"} <= ids and "advanced-equipment-controls" not in ids
    s = ws.scenario(HEBEI, DS, "cobalt-cd-cut")
    assert f"horizon_days: {s['horizon_days']}" in s["yaml"] and s["has_backup_plan"] is True
    assert s["name_zh"] and s["name_en"] and "cobalt_cd" in s["yaml"]
    with pytest.raises(NotFoundError):
        ws.scenario(HEBEI, DS, "nope")
    v = ws.versions(HEBEI, DS)
    assert [x["number"] for x in v] == [1] and v[0]["counts"]["enterprises"] == 826
    with pytest.raises(PermissionDenied):
        ws.versions(OUTSIDER, DS)


def test_upload_refuses_bad_rows_then_imports_good_file(ws: Workspace) -> None:
    data = Path(__file__).resolve().parents[1] / "data"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted((data / "good" / "csv").glob("*.csv")):
            bad = data / "bad" / "three_errors" / f.name
            zf.writestr(f.name, (bad if bad.exists() else f).read_bytes())
    out = ws.upload(HEBEI, "tables.zip", buf.getvalue(), dataset_name="upload-test")
    assert out["ok"] is False and out["version"] is None
    errors = [p for p in out["problems"] if p["severity"] == "error"]
    assert len(errors) == 3 and all(p["row"] and p["message_zh"] and p["message_en"] for p in errors)
    assert all(p["file"].endswith("enterprises.csv") for p in errors)
    assert "upload-test" not in {d["name"] for d in ws.datasets(ADMIN)}  # all or nothing
    assert audit_rows(ws, actor="hebei", action="upload", outcome="failed")

    content = (data / "good" / "dataset.json").read_bytes()
    out = ws.upload(HEBEI, "dataset.json", content, dataset_name="upload-test")
    assert out["ok"] is True and out["version"]["dataset"] == "upload-test" and out["version"]["number"] == 1
    assert [v["number"] for v in ws.versions(ADMIN, "upload-test")] == [1]
    again = ws.upload(HEBEI, "dataset.json", content, dataset_name="upload-test")
    assert again["version"]["number"] == 1 and again["version"]["created"] is False  # idempotent
    ok = audit_rows(ws, actor="hebei", action="upload", outcome="ok")
    assert ok[-1]["before"] == {"version": None} and ok[-1]["after"]["version"] == 1
    with pytest.raises(PermissionDenied):
        ws.upload(TIANJIN, "dataset.json", content, dataset_name="upload-test")  # analysts may not upload
    with pytest.raises(ConfigError, match=r"\.xlsx"):
        ws.upload(HEBEI, "notes.txt", b"hello")
