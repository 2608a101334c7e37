"""The HTML pages (web.pages): sign-in, every page in Chinese and English, permissions, no inline code.

Pages render the same Workspace payloads as the JSON API; these tests check what a user sees: the
headings, the language switch, redirects to /login, 403 pages, the embedded chain-map payload, and
that the Content-Security-Policy rule holds (scripts only from /static or JSON data blocks).
"""

from __future__ import annotations

import json
import time

import pytest
from web.pages_fixtures import assert_no_inline_code, h1, page_login, parse

from chainleader.web import i18n

DATASET, CHAIN = "nev-jjj", "nev"  # the dataset the web fixtures import (tests/web/conftest.py)
BASE = f"/chains/{DATASET}/{CHAIN}"
HTML = {"accept": "text/html"}

# path -> (Chinese h1 fragment, English h1 fragment)
PAGES = {
    "/": ("我可查看的产业链", "Chains I may see"),
    BASE: ("京津冀新能源汽车产业链", "Beijing-Tianjin-Hebei new-energy vehicle chain"),
    f"{BASE}/map": ("产业链图谱", "Chain map"),
    f"{BASE}/provinces": ("省域分布", "Distribution by province"),
    f"{BASE}/register": ("断链风险点清单", "Supply-risk register"),
    "/scenarios": ("情景模拟", "Scenario simulation"),
    f"/scenarios/{DATASET}/cobalt-cd-cut": ("钴", "Cobalt"),
    "/data": ("数据管理", "Data"),
    "/admin/grants": ("数据共享授权", "Data-sharing grants"),
}


@pytest.fixture
def signin(client, passwords):
    """``signin(username)``: sign the test's client in through the login form."""

    def go(username: str) -> None:
        page_login(client, username, passwords[username])

    return go


# --- signing in and out ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [*PAGES, "/admin", "/admin/audit", "/scenarios/compare"])
def test_signed_out_visitors_are_sent_to_login(client, path):
    r = client.get(path, headers=HTML, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].startswith("/login?next=")


def test_login_page_in_both_languages(client):
    r = client.get("/login")
    assert r.status_code == 200
    assert h1(r.text) == "登录产业链韧性平台"
    assert_no_inline_code(r.text)
    r = client.get("/login?lang=en")
    assert h1(r.text) == "Sign in to the Chain Resilience Platform"
    assert r.cookies.get(i18n.COOKIE) == "en"


def test_login_failure_is_shown_and_throttled(client_at):
    c = client_at()
    for _ in range(5):
        r = c.post("/login", data={"username": "nobody-pages", "password": "wrong-password"})
        assert r.status_code == 401
        assert "用户名或密码错误" in r.text
    r = c.post("/login", data={"username": "nobody-pages", "password": "wrong-password"})
    assert r.status_code == 429
    assert "尝试过多，请 15 分钟后再试" in r.text
    assert int(r.headers["retry-after"]) > 0
    r = c.post("/login?lang=en", data={"username": "nobody-pages", "password": "wrong-password"})
    assert "Too many attempts; try again in 15 minutes" in r.text


def test_login_follows_only_local_next(client):
    r = client.post("/login", data={"username": "hebei-office", "password": "hebei-password-1",
                                    "next": "//evil.example/x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    r = client.get("/login?next=/data", follow_redirects=False)  # signed in already: straight on
    assert r.status_code == 303 and r.headers["location"] == "/data"


def test_login_then_next_page(client):
    r = client.post("/login", data={"username": "tianjin-analyst", "password": "tianjin-password-1",
                                    "next": f"{BASE}/register"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"{BASE}/register"
    assert "cl_session" in r.cookies


def test_logout_needs_the_csrf_token(client, signin):
    signin("observer")
    r = client.post("/logout", data={}, follow_redirects=False)
    assert r.status_code == 403
    csrf = parse(client.get("/", headers=HTML).text).meta["csrf-token"]
    r = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = client.get("/", headers=HTML, follow_redirects=False)
    assert r.status_code == 303  # the session is closed on the server


# --- every page, both languages ----------------------------------------------------------------------

@pytest.mark.parametrize("path", list(PAGES))
def test_pages_render_in_chinese_and_english(client, path, signin):
    signin("hebei-office")
    zh, en = PAGES[path]
    r = client.get(path, headers=HTML)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert zh in h1(r.text)
    p = assert_no_inline_code(r.text)
    assert p.meta.get("csrf-token")
    assert "hebei-office" in r.text and "链长办" in r.text and "河北" in r.text  # user menu: role and region
    r = client.get(path + ("&" if "?" in path else "?") + "lang=en", headers=HTML)
    assert r.status_code == 200
    assert en in h1(r.text)
    assert_no_inline_code(r.text)
    assert r.cookies.get(i18n.COOKIE) == "en"
    r = client.get(path, headers=HTML)  # the cookie keeps English
    assert en in h1(r.text)


def test_layout_navigation(client, signin):
    signin("hebei-office")
    html = client.get("/", headers=HTML).text
    for label in ("产业链", "省域分布", "风险清单", "情景模拟", "数据", "数据授权", "退出登录", "English"):
        assert label in html
    assert 'href="/admin"' not in html  # the administration entry is the admin's
    signin("admin")
    html = client.get("/", headers=HTML).text
    assert 'href="/admin"' in html and "系统管理员" in html


# --- permissions ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("user", ["tianjin-analyst", "observer", "firm-user"])
@pytest.mark.parametrize("path", ["/admin", "/admin/grants", "/admin/audit"])
def test_admin_pages_are_forbidden_for_non_admins(client, signin, user, path):
    signin(user)
    r = client.get(path, headers=HTML, follow_redirects=False)
    assert r.status_code == 403
    assert "无权" in r.text and r.headers["content-type"].startswith("text/html")
    assert_no_inline_code(r.text)


def test_office_sees_the_grants_of_its_region_but_not_users_or_audit(client, signin):
    signin("hebei-office")
    r = client.get("/admin", headers=HTML, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/admin/grants"
    r = client.get("/admin/grants", headers=HTML)
    assert r.status_code == 200 and "河北省" in r.text
    assert client.get("/admin/audit", headers=HTML).status_code == 403


def test_admin_pages_for_the_admin(client, signin):
    signin("admin")
    r = client.get("/admin", headers=HTML)
    assert r.status_code == 200 and h1(r.text) == "用户"
    assert "hebei-office" in r.text
    r = client.get("/admin/audit", headers=HTML)
    assert r.status_code == 200 and h1(r.text) == "审计日志"
    assert "login" in r.text
    r = client.get("/admin/audit?outcome=denied&lang=en", headers=HTML)
    assert r.status_code == 200 and h1(r.text) == "Audit log"
    assert_no_inline_code(r.text)


def test_admin_forms_create_and_change_users_and_grants(client, signin, workspace):
    signin("admin")
    csrf = parse(client.get("/admin", headers=HTML).text).meta["csrf-token"]
    form = {"csrf_token": csrf, "username": "pages-new-user", "password": "pages-password-1", "role": "analyst",
            "display_name": "页面测试", "regions": "130000", "chains": "*", "enterprise": ""}
    r = client.post("/admin/users", data={**form, "csrf_token": ""}, follow_redirects=False)
    assert r.status_code == 403  # no CSRF token, no change
    r = client.post("/admin/users", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text[:400]
    html = client.get("/admin?saved=1", headers=HTML).text
    assert "pages-new-user" in html and "已保存" in html
    r = client.post("/admin/users", data=form)  # the same name again: shown on the page, nothing created
    assert r.status_code == 422 and "已存在" in r.text
    users, _ = workspace.accounts.list_users(1, 200)
    uid = next(u["id"] for u in users if u["username"] == "pages-new-user")
    r = client.post(f"/admin/users/{uid}", data={"csrf_token": csrf, "role": "office", "display_name": "页面测试",
                                                 "regions": "130000, 120000", "chains": "*", "active": "1"},
                    follow_redirects=False)
    assert r.status_code == 303
    changed = workspace.accounts.get_user(uid)
    assert changed["role"] == "office" and changed["regions"] == ["120000", "130000"]

    r = client.post("/admin/grants", data={"csrf_token": csrf, "grantor_region": "110000",
                                           "grantee_region": "130000", "dataset": DATASET,
                                           "tables": ["capacities"], "fields": "", "expires_at": "2099-12-31",
                                           "note": "页面测试"}, follow_redirects=False)
    assert r.status_code == 303, r.text[:400]
    grants = client.get("/api/v1/grants?page_size=200").json()["items"]
    g = next(x for x in grants if x["note"] == "页面测试")
    assert g["tables"] == ["capacities"] and g["grantor_region"] == "110000"
    r = client.post("/admin/grants", data={"csrf_token": csrf, "grantor_region": "110000",
                                           "grantee_region": "110000", "dataset": "*"})
    assert r.status_code == 422 and "相同" in r.text
    r = client.post(f"/admin/grants/{g['id']}/revoke", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    html = client.get("/admin/grants", headers=HTML).text
    assert "已撤销" in html
    audit = client.get("/admin/audit?action=grant.revoke", headers=HTML).text
    assert f"grant:{g['id']}" in audit


# --- page contents -----------------------------------------------------------------------------------------

def test_map_page_embeds_its_payload(client, signin):
    signin("hebei-office")
    r = client.get(f"{BASE}/map", headers=HTML)
    p = assert_no_inline_code(r.text)
    data = json.loads(p.json_blocks["map-data"])
    api = client.get(f"/api/v1{BASE}/map").json()
    assert len(data["nodes"]) == len(api["nodes"]) > 50
    assert {"id", "name_zh", "tier", "grade", "value", "risk", "chokepoint", "key_link"} <= set(data["nodes"][0])
    assert {n["risk"] for n in data["nodes"]} <= {"red", "yellow", "blue", "none"}
    assert any(n["chokepoint"] for n in data["nodes"])
    cfg = json.loads(p.json_blocks["map-config"])
    assert cfg["dataset"] == DATASET and cfg["chain"] == CHAIN
    srcs = [s["src"] for s in p.scripts if s.get("src")]
    assert "/static/vendor/cytoscape.min.js" in srcs and "/static/js/map.js" in srcs
    assert json.loads(p.json_blocks["cl-i18n"])["node.backups"] == "备份候选"


def test_map_page_filters_by_region(client, signin):
    signin("hebei-office")
    full = json.loads(parse(client.get(f"{BASE}/map", headers=HTML).text).json_blocks["map-data"])
    sub = json.loads(parse(client.get(f"{BASE}/map?region=130000", headers=HTML).text).json_blocks["map-data"])
    assert 0 < len(sub["nodes"]) < len(full["nodes"])
    assert sub["filters"]["region"] == "130000"


def test_static_assets_are_served(client):
    for path in ("/static/css/app.css", "/static/css/print.css", "/static/js/common.js", "/static/js/map.js",
                 "/static/js/scenario.js", "/static/js/data.js", "/static/img/favicon.svg",
                 "/static/vendor/cytoscape.min.js", "/static/vendor/echarts.min.js"):
        assert client.get(path).status_code == 200, path
    css = client.get("/static/css/app.css").text
    for colour in ("#d64541", "#f0ad4e", "#3a7bd5"):
        assert colour in css
    assert "@import" not in css and "http" not in css  # offline: no web fonts or remote assets


def test_register_page_filters_sorts_and_explains(client, signin):
    signin("hebei-office")
    r = client.get(f"{BASE}/register?severity=red", headers=HTML)
    assert r.status_code == 200
    assert 'sev sev-red">红' in r.text and 'sev sev-yellow">黄</span></td>' not in r.text
    assert "备份候选" in r.text and "说明" in r.text
    assert "/register/export?format=xlsx" in r.text and "/report?format=pdf" in r.text
    r = client.get(f"{BASE}/register?sort=name&desc=0&q=芯片", headers=HTML)
    assert r.status_code == 200 and "芯片" in r.text
    r = client.get(f"{BASE}/register?q=zzzz-no-such-thing", headers=HTML)
    assert "没有符合条件的风险点" in r.text
    r = client.get(f"{BASE}/register?page=999", headers=HTML)  # past the end: the last page
    assert r.status_code == 200


def test_province_page_shows_tiles_and_withholds_small_groups(client, signin):
    signin("observer")
    r = client.get(f"{BASE}/provinces", headers=HTML)
    assert r.status_code == 200
    for name in ("北京市", "天津市", "河北省", "新疆维吾尔自治区", "台湾省"):
        assert name in r.text
    tiles = client.get(f"/api/v1{BASE}/provinces").json()["tiles"]
    assert len(tiles) == 34
    if any(t["suppressed"] for t in tiles):
        assert "数据不足3家，不予显示" in r.text


def test_overview_lists_top_risks_with_explanations(client, signin):
    signin("tianjin-analyst")
    r = client.get(BASE, headers=HTML)
    ov = client.get(f"/api/v1{BASE}/overview").json()
    top = ov["top_risks"][0]
    assert top["name_zh"] in r.text and top["explanation_zh"][:20] in r.text
    assert "主要断链风险点" in r.text and "关键数据" in r.text


def test_unknown_chain_is_an_html_404(client, signin):
    signin("hebei-office")
    r = client.get(f"/chains/{DATASET}/no-such-chain", headers=HTML)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "出错了" in r.text
    assert_no_inline_code(r.text)


def test_scenario_run_page_and_comparison(client, signin, login):
    csrf = login(client, "hebei-office")
    ids = []
    for _ in range(2):
        r = client.post("/api/v1/runs", json={"dataset": DATASET, "scenario": "tangshan-earthquake", "runs": 1},
                        headers={"X-CSRF-Token": csrf})
        assert r.status_code == 202, r.text
        ids.append(r.json()["id"])
    deadline = time.monotonic() + 120
    for rid in ids:
        while client.get(f"/api/v1/runs/{rid}").json()["status"] not in ("done", "failed"):
            assert time.monotonic() < deadline
            time.sleep(0.2)
    r = client.get(f"/runs/{ids[0]}", headers=HTML)
    assert r.status_code == 200 and "模拟结果" in h1(r.text)
    p = assert_no_inline_code(r.text)
    run = json.loads(p.json_blocks["run-data"])
    assert run["status"] == "done" and run["result"]["runs"]
    assert "无备份方案" in r.text  # key figures rendered on the server
    html = client.get("/scenarios", headers=HTML).text
    assert ids[0] in html and ids[1] in html
    r = client.get(f"/scenarios/compare?run={ids[0]}&run={ids[1]}", headers=HTML)
    assert r.status_code == 200 and h1(r.text) == "运行对比"
    assert len(json.loads(assert_no_inline_code(r.text).json_blocks["compare-data"])) == 2
    signin("observer")  # another user's run is not found
    assert client.get(f"/runs/{ids[0]}", headers=HTML).status_code == 404


def test_data_page_for_uploaders_and_viewers(client, signin):
    signin("hebei-office")
    r = client.get("/data", headers=HTML)
    assert 'id="upload-form"' in r.text and "/api/v1/template.xlsx" in r.text and "v1" in r.text
    signin("observer")
    r = client.get("/data", headers=HTML)
    assert 'id="upload-form"' not in r.text and "不能上传" in r.text


# --- strings ----------------------------------------------------------------------------------------------

def test_every_string_has_both_languages():
    for key, (zh, en) in i18n.STRINGS.items():
        assert zh.strip() and en.strip(), key
        assert zh.count("{") == en.count("{"), key  # same placeholders


def test_language_resolution_order():
    class Req:
        def __init__(self, query, cookies):
            self.query_params, self.cookies = query, cookies

    assert i18n.request_lang(Req({}, {})) == "zh"  # type: ignore[arg-type]
    assert i18n.request_lang(Req({}, {"cl_lang": "en"})) == "en"  # type: ignore[arg-type]
    assert i18n.request_lang(Req({"lang": "zh-CN"}, {"cl_lang": "en"})) == "zh"  # type: ignore[arg-type]
    assert i18n.request_lang(Req({"lang": "fr"}, {"cl_lang": "en"})) == "en"  # type: ignore[arg-type]
    assert i18n.pick({"name_zh": "钴", "name_en": ""}, "name", "en") == "钴"
