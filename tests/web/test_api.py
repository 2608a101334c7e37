"""Every API route: happy path for a user allowed to use it, and refusal without sign-in (docs/web.md)."""

from __future__ import annotations

import io
import re
import time
import zipfile
from typing import Any

import pytest
from fastapi.testclient import TestClient

from chainleader.services.datasets import bundled_path
from chainleader.web.api import PUBLIC_API_ROUTES, api_routes

DS, CHAIN = "nev-jjj", "nev"
HEBEI_FIRM = "E0006"  # region 130600 (Hebei)
BEIJING_FIRM = "E0001"  # region 110115 (Beijing)

SAMPLE_PATH_VALUES = {
    "ds": DS, "chain": CHAIN, "product": "P_COBALT_RAW", "eid": HEBEI_FIRM, "name": "cobalt-cd-cut",
    "run_id": "r00001-deadbeef", "user_id": "1", "token_id": "1", "grant_id": "1",
}


def fill(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: SAMPLE_PATH_VALUES[m.group(1)], path)


def assert_envelope(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"status", "code", "message_zh", "message_en", "details"}
    assert err["status"] == status and err["code"] == code
    assert err["message_zh"] and err["message_en"] and isinstance(err["details"], list)
    return dict(err)


# --- every route ----------------------------------------------------------------------------------

PRIVATE = [mp for mp in api_routes() if mp not in PUBLIC_API_ROUTES]


@pytest.mark.parametrize(("method", "path"), PRIVATE, ids=[f"{m} {p}" for m, p in PRIVATE])
def test_every_private_route_refuses_anonymous_requests(client: TestClient, method: str, path: str) -> None:
    r = client.request(method, fill(path))
    err = assert_envelope(r, 401, "unauthenticated")
    assert "登录" in err["message_zh"] and "sign in" in err["message_en"]
    assert r.headers["www-authenticate"].startswith("Bearer")


def test_public_routes_answer_without_sign_in(client: TestClient) -> None:
    assert client.get("/api/v1/health").json() == {"status": "ok", "version": "0.1.0"}
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200
    assert ("POST", "/api/v1/auth/login") in PUBLIC_API_ROUTES


def test_api_routes_lists_exactly_what_the_app_serves(client: TestClient) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    served = {(m.upper(), p) for p, item in schema["paths"].items() for m in item}
    served |= {("GET", "/api/v1/openapi.json"), ("GET", "/api/v1/docs")}  # not operations of the schema
    assert set(api_routes()) == served
    assert len(api_routes()) == len(set(api_routes())) == 34


# --- auth -------------------------------------------------------------------------------------------

def test_login_me_logout(client: TestClient, passwords: dict[str, str]) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "hebei-office", "password": passwords["hebei-office"]})
    assert r.status_code == 200
    body = r.json()
    assert body["user"]["username"] == "hebei-office" and body["user"]["regions"] == ["130000"]
    assert body["user"]["role"] == "office" and body["user"]["role_zh"] == "链长办"
    csrf = body["csrf_token"]
    me = client.get("/api/v1/auth/me").json()
    assert me == {"user": body["user"], "csrf_token": csrf, "auth": "cookie"}
    r = client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json() == {"ok": True}
    assert 'cl_session=""' in r.headers["set-cookie"] or "Max-Age=0" in r.headers["set-cookie"]
    client.cookies.set("cl_session", "the-closed-session")  # even a replayed cookie is dead now
    err = assert_envelope(client.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert "过期" in err["message_zh"]


def test_login_with_a_wrong_password_is_401_with_the_same_message_as_an_unknown_user(client_at: Any) -> None:
    c = client_at()
    a = assert_envelope(c.post("/api/v1/auth/login", json={"username": "observer", "password": "wrong-password"}),
                        401, "unauthenticated")
    b = assert_envelope(c.post("/api/v1/auth/login", json={"username": "nobody-here", "password": "wrong"}),
                        401, "unauthenticated")
    assert a["message_zh"] == b["message_zh"] and "用户名或密码错误" in a["message_zh"]


def test_login_body_is_validated(client: TestClient) -> None:
    err = assert_envelope(client.post("/api/v1/auth/login", json={"username": "x"}), 422, "invalid_request")
    assert err["details"][0]["location"] == ["body", "password"]
    assert err["details"][0]["message_zh"] == "缺少必填项"
    assert_envelope(client.post("/api/v1/auth/login", json={"username": "x", "password": "p", "extra": 1}),
                    422, "invalid_request")


def test_api_tokens_create_use_list_revoke(client: TestClient, login: Any, app: Any) -> None:
    csrf = login(client, "tianjin-analyst")
    r = client.post("/api/v1/auth/tokens", json={"name": "同步脚本"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201
    created = r.json()
    assert created["name"] == "同步脚本" and created["token"].startswith("clt_")
    listed = client.get("/api/v1/auth/tokens").json()
    mine = [t for t in listed["items"] if t["id"] == created["id"]]
    assert mine and "token" not in mine[0] and "token_hash" not in mine[0]
    assert listed["page"] == 1 and listed["page_size"] == 50 and listed["total"] >= 1

    script = TestClient(app, raise_server_exceptions=False)
    auth = {"Authorization": f"Bearer {created['token']}"}
    me = script.get("/api/v1/auth/me", headers=auth).json()
    assert me["auth"] == "token" and me["csrf_token"] is None and me["user"]["username"] == "tianjin-analyst"

    r = client.delete(f"/api/v1/auth/tokens/{created['id']}", headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200 and r.json() == {"ok": True}
    err = assert_envelope(script.get("/api/v1/auth/me", headers=auth), 401, "unauthenticated")
    assert "撤销" in err["message_zh"]


def test_revoking_someone_elses_token_is_forbidden(client: TestClient, login: Any, bearer: Any,
                                                   workspace: Any) -> None:
    bearer("observer")  # the observer owns a token
    observer_tokens = [t for t in workspace.accounts.list_tokens(
        workspace.accounts.authenticate("observer", "observer-password-1", "203.0.113.2"))]
    csrf = login(client, "tianjin-analyst")
    r = client.delete(f"/api/v1/auth/tokens/{observer_tokens[0]['id']}", headers={"X-CSRF-Token": csrf})
    assert_envelope(r, 403, "forbidden")
    assert assert_envelope(client.delete("/api/v1/auth/tokens/999999", headers={"X-CSRF-Token": csrf}),
                           404, "not_found")


# --- datasets -------------------------------------------------------------------------------------

def test_datasets_and_versions(client: TestClient, bearer: Any) -> None:
    h = bearer("observer")
    page = client.get("/api/v1/datasets", headers=h).json()
    assert page["total"] == len(page["items"]) >= 1
    nev = next(d for d in page["items"] if d["name"] == DS)
    assert {"id": CHAIN} .items() <= nev["chains"][0].items() and nev["version"] >= 1
    versions = client.get(f"/api/v1/datasets/{DS}/versions", headers=h).json()
    assert versions["items"][0]["number"] >= 1 and versions["total"] >= 1
    assert_envelope(client.get("/api/v1/datasets/no-such-dataset/versions", headers=h), 403, "forbidden")


def test_enterprises_of_own_region_only(client: TestClient, bearer: Any) -> None:
    h = bearer("hebei-office")
    page = client.get(f"/api/v1/datasets/{DS}/enterprises", params={"page_size": 200}, headers=h).json()
    provinces = {e["province"] for e in page["items"]}
    assert "130000" in provinces and "110000" not in provinces
    ids = {e["id"] for e in page["items"]}
    assert HEBEI_FIRM in ids and BEIJING_FIRM not in ids
    one = client.get(f"/api/v1/datasets/{DS}/enterprises", params={"q": HEBEI_FIRM}, headers=h).json()
    assert [e["id"] for e in one["items"]] == [HEBEI_FIRM]
    detail = client.get(f"/api/v1/datasets/{DS}/enterprises/{HEBEI_FIRM}", headers=h).json()
    assert detail["id"] == HEBEI_FIRM and "capacities" in detail
    # Beijing's firm is hidden and answered exactly like a missing one
    hidden = assert_envelope(client.get(f"/api/v1/datasets/{DS}/enterprises/{BEIJING_FIRM}", headers=h),
                             404, "not_found")
    missing = assert_envelope(client.get(f"/api/v1/datasets/{DS}/enterprises/E9999", headers=h), 404, "not_found")
    assert hidden["message_en"].replace(BEIJING_FIRM, "X") == missing["message_en"].replace("E9999", "X")


def test_enterprises_refused_to_observers(client: TestClient, bearer: Any) -> None:
    assert_envelope(client.get(f"/api/v1/datasets/{DS}/enterprises", headers=bearer("observer")), 403, "forbidden")


def _zip_of(folder: Any, broken: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for f in sorted(folder.glob("*.csv")):
            text = f.read_text(encoding="utf-8")
            if broken and f.name == "enterprises.csv":
                lines = text.splitlines()
                lines[1] = lines[1].replace("91110115MAT201HR3F", "NOT-A-USCC")
                text = "\n".join(lines) + "\n"
            zf.writestr(f.name, text)
    return buf.getvalue()


def test_upload_valid_data_is_idempotent(client: TestClient, bearer: Any) -> None:
    content = _zip_of(bundled_path(DS))
    r = client.post("/api/v1/datasets/upload", headers=bearer("hebei-office"), data={"dataset_name": DS},
                    files={"file": ("nev-jjj.zip", content, "application/zip")})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["ok"] is True and body["version"]["dataset"] == DS and body["version"]["created"] is False


def test_upload_with_errors_is_422_with_located_problems(client: TestClient, bearer: Any) -> None:
    content = _zip_of(bundled_path(DS), broken=True)
    r = client.post("/api/v1/datasets/upload", headers=bearer("hebei-office"), data={"dataset_name": "broken-set"},
                    files={"file": ("broken.zip", content, "application/zip")})
    err = assert_envelope(r, 422, "validation_failed")
    located = [p for p in err["details"] if p["severity"] == "error"]
    assert located and located[0]["row"] == 2 and located[0]["column"] == "uscc"
    assert located[0]["message_zh"] and located[0]["message_en"]
    assert client.get("/api/v1/datasets/broken-set/versions", headers=bearer("admin")).status_code == 403


def test_upload_refused_to_analysts(client: TestClient, bearer: Any) -> None:
    r = client.post("/api/v1/datasets/upload", headers=bearer("tianjin-analyst"),
                    files={"file": ("x.csv", b"id\n", "text/csv")})
    assert_envelope(r, 403, "forbidden")


def test_template_download(client: TestClient, bearer: Any) -> None:
    r = client.get("/api/v1/template.xlsx", headers=bearer("observer"))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "filename*=UTF-8''chainleader-%E6%95%B0%E6%8D%AE%E6%A8%A1%E6%9D%BF.xlsx" in r.headers["content-disposition"]
    en = client.get("/api/v1/template.xlsx", params={"lang": "en"}, headers=bearer("observer"))
    assert 'filename="chainleader-template.xlsx"' in en.headers["content-disposition"]
    assert_envelope(client.get("/api/v1/template.xlsx", params={"lang": "fr"}, headers=bearer("observer")),
                    422, "invalid_request")


# --- one chain ------------------------------------------------------------------------------------

def test_chain_views_for_an_observer(client: TestClient, bearer: Any) -> None:
    h = bearer("observer")
    base = f"/api/v1/chains/{DS}/{CHAIN}"
    overview = client.get(f"{base}/overview", headers=h)
    assert overview.status_code == 200 and overview.json()["chain"]["id"] == CHAIN
    cmap = client.get(f"{base}/map", headers=h)
    assert cmap.status_code == 200 and cmap.json()
    assert client.get(f"{base}/map", params={"region": "130000", "country": "CN"}, headers=h).status_code == 200
    node = client.get(f"{base}/nodes/P_COBALT_RAW", headers=h)
    assert node.status_code == 200 and node.json()
    tiles = client.get(f"{base}/provinces", headers=h)
    assert tiles.status_code == 200 and tiles.json()
    assert_envelope(client.get(f"{base}/nodes/P_NO_SUCH", headers=h), 404, "not_found")
    assert_envelope(client.get(f"/api/v1/chains/{DS}/nochain/overview", headers=h), 404, "not_found")
    assert_envelope(client.get(f"{base}/map", params={"region": "13"}, headers=h), 422, "invalid_request")


def test_register_filter_sort_paginate(client: TestClient, bearer: Any) -> None:
    h = bearer("observer")
    url = f"/api/v1/chains/{DS}/{CHAIN}/register"
    full = client.get(url, params={"page_size": 200}, headers=h).json()
    assert full["total"] == len(full["items"]) > 3 and full["page"] == 1 and "counts" in full
    scores = [it["score"] for it in full["items"]]
    assert scores == sorted(scores, reverse=True)
    red = client.get(url, params={"severity": "red", "page_size": 200}, headers=h).json()
    assert red["items"] and {it["severity"] for it in red["items"]} == {"red"}
    page2 = client.get(url, params={"page": 2, "page_size": 2}, headers=h).json()
    assert page2["items"] == full["items"][2:4] and page2["page_size"] == 2
    asc = client.get(url, params={"sort": "name", "descending": False, "page_size": 200}, headers=h).json()
    assert asc["total"] == full["total"]
    assert_envelope(client.get(url, params={"sort": "DROP TABLE"}, headers=h), 422, "invalid_request")
    assert_envelope(client.get(url, params={"severity": "purple"}, headers=h), 422, "invalid_request")


@pytest.mark.parametrize(("fmt", "media", "magic"), [
    ("csv", "text/csv", b"\xef\xbb\xbf"), ("json", "application/json", b"{"), ("xlsx", "application/vnd", b"PK")])
def test_register_export(client: TestClient, bearer: Any, fmt: str, media: str, magic: bytes) -> None:
    r = client.get(f"/api/v1/chains/{DS}/{CHAIN}/register/export", params={"format": fmt},
                   headers=bearer("hebei-office"))
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(media) and r.content.startswith(magic)
    assert r.headers["content-disposition"].startswith("attachment;")
    assert f"{DS}-{CHAIN}-register.{fmt}" in r.headers["content-disposition"]


def test_report_xlsx(client: TestClient, bearer: Any) -> None:
    r = client.get(f"/api/v1/chains/{DS}/{CHAIN}/report", params={"format": "xlsx", "lang": "en"},
                   headers=bearer("hebei-office"))
    assert r.status_code == 200 and r.content[:2] == b"PK"
    assert f"{DS}-{CHAIN}-report.xlsx" in r.headers["content-disposition"]
    assert_envelope(client.get(f"/api/v1/chains/{DS}/{CHAIN}/report", params={"format": "doc"},
                               headers=bearer("hebei-office")), 422, "invalid_request")
    too_many = [("scenarios", "cobalt-cd-cut")] * 11
    assert_envelope(client.get(f"/api/v1/chains/{DS}/{CHAIN}/report", params=too_many,
                               headers=bearer("hebei-office")), 422, "invalid_request")


def test_report_pdf(client: TestClient, bearer: Any) -> None:
    r = client.get(f"/api/v1/chains/{DS}/{CHAIN}/report", params={"format": "pdf"}, headers=bearer("observer"))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"


# --- scenarios and runs -----------------------------------------------------------------------------

def test_scenarios(client: TestClient, bearer: Any) -> None:
    h = bearer("observer")
    page = client.get("/api/v1/scenarios", params={"dataset": DS}, headers=h).json()
    ids = {s["id"] for s in page["items"]}
    assert "cobalt-cd-cut" in ids and page["total"] == len(ids)
    one = client.get(f"/api/v1/scenarios/{DS}/cobalt-cd-cut", headers=h).json()
    assert one["id"] == "cobalt-cd-cut" and "shocks:" in one["yaml"]
    assert_envelope(client.get(f"/api/v1/scenarios/{DS}/no-such-scenario", headers=h), 404, "not_found")


def test_run_a_scenario_and_poll_it(client: TestClient, bearer: Any) -> None:
    h = bearer("hebei-office")
    r = client.post("/api/v1/runs", json={"dataset": DS, "scenario": "cobalt-cd-cut"}, headers=h)
    assert r.status_code == 202, r.text
    run_id = r.json()["id"]
    deadline = time.monotonic() + 120
    while True:
        run = client.get(f"/api/v1/runs/{run_id}", headers=h).json()
        if run["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert run["status"] == "done", run
    assert run["result"] and run["progress"]["fraction"] == 1.0
    listed = client.get("/api/v1/runs", headers=h).json()
    assert run_id in {x["id"] for x in listed["items"]}
    # another user neither sees it listed nor by id
    other = bearer("tianjin-analyst")
    assert run_id not in {x["id"] for x in client.get("/api/v1/runs", headers=other).json()["items"]}
    assert_envelope(client.get(f"/api/v1/runs/{run_id}", headers=other), 404, "not_found")


def test_run_requests_are_checked(client: TestClient, bearer: Any) -> None:
    h = bearer("hebei-office")
    assert_envelope(client.post("/api/v1/runs", json={"dataset": DS, "scenario": "cobalt-cd-cut"},
                                headers=bearer("observer")), 403, "forbidden")
    err = assert_envelope(client.post("/api/v1/runs", json={"dataset": DS, "scenario": "cobalt-cd-cut", "runs": 201},
                                      headers=h), 422, "invalid_request")
    assert err["details"][0]["constraints"] == {"le": 200}
    both = client.post("/api/v1/runs", json={"dataset": DS, "scenario": "cobalt-cd-cut", "scenario_yaml": "id: x"},
                       headers=h)
    assert "scenario_yaml" in assert_envelope(both, 422, "invalid_request")["message_en"]
    assert_envelope(client.get("/api/v1/runs/r99999-00000000", headers=h), 404, "not_found")
    assert_envelope(client.get("/api/v1/runs/bad id!", headers=h), 422, "invalid_request")


# --- administration -------------------------------------------------------------------------------

def test_users_admin(client: TestClient, login: Any) -> None:
    csrf = login(client, "admin")
    h = {"X-CSRF-Token": csrf}
    users = client.get("/api/v1/admin/users", params={"page_size": 200}).json()
    assert {"admin", "hebei-office", "observer"} <= {u["username"] for u in users["items"]}
    assert all("password_hash" not in u for u in users["items"])
    r = client.post("/api/v1/admin/users", headers=h, json={
        "username": "hebei-analyst-2", "password": "a-long-password-1", "role": "analyst",
        "regions": ["130000"], "display_name": "河北分析员"})
    assert r.status_code == 201, r.text
    new = r.json()
    assert new["username"] == "hebei-analyst-2" and new["regions"] == ["130000"] and new["active"] is True
    dup = client.post("/api/v1/admin/users", headers=h, json={
        "username": "hebei-analyst-2", "password": "a-long-password-1", "role": "analyst", "regions": ["130000"]})
    assert "已存在" in assert_envelope(dup, 422, "invalid_request")["message_zh"]
    bad = client.post("/api/v1/admin/users", headers=h, json={
        "username": "x", "password": "short", "role": "king", "regions": ["13"]})
    assert {d["field"] for d in assert_envelope(bad, 422, "invalid_request")["details"]} >= {
        "username", "password", "role"}
    r = client.patch(f"/api/v1/admin/users/{new['id']}", headers=h, json={"display_name": "改名", "active": False})
    assert r.status_code == 200 and r.json()["display_name"] == "改名" and r.json()["active"] is False
    assert_envelope(client.patch("/api/v1/admin/users/999999", headers=h, json={"active": True}), 404, "not_found")


def test_users_admin_refused_to_non_admins(client: TestClient, bearer: Any, workspace: Any) -> None:
    h = bearer("hebei-office")
    assert_envelope(client.get("/api/v1/admin/users", headers=h), 403, "forbidden")
    assert_envelope(client.post("/api/v1/admin/users", headers=h, json={
        "username": "sneaky-admin", "password": "a-long-password-1", "role": "admin"}), 403, "forbidden")
    assert_envelope(client.patch("/api/v1/admin/users/1", headers=h, json={"role": "admin"}), 403, "forbidden")
    assert_envelope(client.get("/api/v1/admin/audit", headers=h), 403, "forbidden")
    rows, _ = workspace.accounts.list_audit(1, 50, actor="hebei-office", outcome="denied")
    assert {"manage_users", "view_audit"} <= {r["action"] for r in rows}


def test_grants_create_list_revoke(client: TestClient, bearer: Any) -> None:
    hebei, beijing = bearer("hebei-office"), bearer("beijing-office")
    r = client.post("/api/v1/grants", headers=hebei, json={
        "grantor_region": "130000", "grantee_region": "110000", "dataset": DS, "tables": ["enterprises"],
        "fields": ["id", "name_zh"], "note": "联席会议共享"})
    assert r.status_code == 201, r.text
    grant = r.json()
    assert grant["tables"] == ["enterprises"] and grant["created_by"] == "hebei-office"
    assert grant["id"] in {g["id"] for g in client.get("/api/v1/grants", headers=beijing).json()["items"]}
    # Beijing may not share Hebei's data, nor revoke Hebei's grant
    assert_envelope(client.post("/api/v1/grants", headers=beijing, json={
        "grantor_region": "130000", "grantee_region": "110000"}), 403, "forbidden")
    assert_envelope(client.delete(f"/api/v1/grants/{grant['id']}", headers=beijing), 403, "forbidden")
    assert client.delete(f"/api/v1/grants/{grant['id']}", headers=hebei).json() == {"ok": True}
    assert_envelope(client.delete("/api/v1/grants/999999", headers=hebei), 404, "not_found")
    assert_envelope(client.post("/api/v1/grants", headers=hebei, json={
        "grantor_region": "130000", "grantee_region": "130000"}), 422, "invalid_request")


def test_audit_log(client: TestClient, bearer: Any, login: Any) -> None:
    login(client, "observer")  # one more audited sign-in
    h = bearer("admin")
    page = client.get("/api/v1/admin/audit", params={"action": "login", "outcome": "ok"}, headers=h).json()
    assert page["total"] >= 1 and {row["action"] for row in page["items"]} == {"login"}
    assert "observer" in {row["actor"] for row in page["items"]}
    assert_envelope(client.get("/api/v1/admin/audit", params={"outcome": "maybe"}, headers=h), 422,
                    "invalid_request")


def test_app_includes_the_pages_and_static_assets(client: TestClient) -> None:
    import chainleader.web.pages as pages

    assert callable(pages.render_error)
    r = client.get("/login", headers={"Accept": "text/html"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert client.get("/static/vendor/cytoscape.min.js").status_code == 200


def test_denials_inside_the_workspace_record_the_client_address(app: Any, bearer: Any, workspace: Any) -> None:
    c = TestClient(app, raise_server_exceptions=False, client=("198.51.100.7", 50000))
    assert_envelope(c.get(f"/api/v1/datasets/{DS}/enterprises/{BEIJING_FIRM}", headers=bearer("hebei-office")),
                    404, "not_found")
    rows, _ = workspace.accounts.list_audit(1, 50, actor="hebei-office", action="view_enterprise", outcome="denied")
    assert [r["ip"] for r in rows if r["target"] == f"{DS}/{BEIJING_FIRM}" and r["ip"] == "198.51.100.7"]


def test_register_etag_revalidates_and_follows_visibility(client: TestClient, bearer: Any) -> None:
    url = f"/api/v1/chains/{DS}/{CHAIN}/register"
    hebei, beijing = bearer("hebei-office"), bearer("beijing-office")
    r = client.get(url, headers=hebei)
    etag = r.headers["etag"]
    assert r.status_code == 200 and r.headers["cache-control"] == "private, no-cache" and r.json()["items"]
    again = client.get(url, headers={**hebei, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(url, headers={**hebei, "If-None-Match": '"stale"'}).status_code == 200
    # Beijing sees its own firms where Hebei sees pseudonyms: another body, another ETag, and Beijing's ETag
    # does not revalidate Hebei's copy
    rb = client.get(url, headers=beijing)
    assert rb.headers["etag"] != etag and rb.content != r.content
    assert client.get(url, headers={**hebei, "If-None-Match": rb.headers["etag"]}).status_code == 200
    # a search (not memoised) answers the same items as filtering the full register by hand
    full = client.get(url, params={"page_size": 200}, headers=hebei).json()["items"]
    found = client.get(url, params={"q": "钴", "page_size": 200}, headers=hebei).json()["items"]
    assert found and found == [it for it in full if "钴" in it["name_zh"] or "钴" in str(it["name_en"]).lower()
                               or "钴" in str(it["id"]).lower()]
