"""Role x route x region isolation matrix (issue #5, docs/web.md "Confidential enterprise-level data").

``MATRIX`` names, for EVERY route the app serves (JSON API and pages; ``app.routes`` is the truth), how
to call it and the status each user must get. A route missing from the table fails
``test_matrix_covers_every_route``, so a new route forces a decision here.

For every route and every user that must not see Beijing's confidential enterprise data (Hebei,
Tianjin, observer, the Hebei firm's user, anonymous), the response body — JSON, HTML (unescaped,
``\\uXXXX`` in JSON blocks decoded), CSV, the XML parts of an xlsx, the text of a PDF — contains none
of the Beijing enterprises' ids, USCCs, names (zh/en) and capacity/output figures, nor the volumes of
Beijing-to-Beijing supply links, all read from the raw bundled dataset.

Then: Beijing's office shares with Hebei through the API and the data become visible to Hebei (a
field-level grant reveals only those fields); after revocation they are hidden again. Observers and
enterprise users see no other firm's rows; province tiles over fewer than 3 unseen firms are suppressed;
denied accesses are in the audit log.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import json
import re
import time
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.routing import Mount, Route

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

from chainleader.services.datasets import bundled_path
from chainleader.web.api import api_routes

DS, CHAIN = "nev-jjj", "nev"
BEIJING, HEBEI = "110000", "130000"
BEIJING_FIRM = "E0001"  # region 110115
HEBEI_FIRM = "E0006"  # region 130600, the firm of "firm-user"
BEIJING_PRODUCT = "P_ADAS_DCU"  # made by 3 Beijing firms (and others)
ROLES = ("admin", "hebei-office", "beijing-office", "tianjin-analyst", "observer", "firm-user", "anon")
#: users who must never see Beijing's confidential enterprise data without a grant
OUTSIDERS = ("hebei-office", "tianjin-analyst", "observer", "firm-user", "anon")
_seq = itertools.count(1)


# --- what Beijing owns, from the raw dataset ----------------------------------------------------------

def _rows(table: str) -> list[dict[str, str]]:
    with (bundled_path(DS) / f"{table}.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _province(region: str) -> str:
    return region[:2] + "0000" if region else ""


@dataclass(frozen=True)
class Secrets:
    ids: frozenset[str]
    usccs: frozenset[str]
    names: frozenset[str]
    numbers: frozenset[str]  # capacity/output figures and Beijing-only link volumes, as printed in a CSV
    capacity: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)


def _number_forms(raw: str) -> set[str]:
    """The ways a figure from the CSV may be written out: 73933.9, 73,933.9; 131325, 131325.0, 131,325."""
    x = float(raw)
    out = {repr(x)}
    if x.is_integer():
        out |= {str(int(x)), f"{int(x):,}"}
    else:
        out.add(f"{x:,}")
    return out


@cache
def beijing() -> Secrets:
    ents = _rows("enterprises")
    owner = {e["id"]: _province(e["region"]) if e["country"] == "CN" else "" for e in ents}
    bj = [e for e in ents if owner[e["id"]] == BEIJING]
    assert len(bj) >= 40, "the dataset no longer has Beijing firms to protect"
    bj_ids = {e["id"] for e in bj}
    other_names = {e[k] for e in ents if e["id"] not in bj_ids for k in ("name_zh", "name_en")}
    names = {e[k] for e in bj for k in ("name_zh", "name_en") if e[k] and e[k] not in other_names}
    caps = _rows("capacities")
    capacity = {(c["enterprise"], c["product"]): (float(c["capacity"]), float(c["output"] or "nan"))
                for c in caps if c["enterprise"] in bj_ids}
    bj_figures = {c[k] for c in caps if c["enterprise"] in bj_ids for k in ("capacity", "output") if c[k]}
    links = _rows("supply_links")
    bj_figures |= {s["volume"] for s in links
                   if s["supplier"] in bj_ids and s["customer"] in bj_ids and s["volume"]}
    # figures that are also someone else's (visible) figure, or too short to be specific, prove nothing
    other = {c[k] for c in caps if c["enterprise"] not in bj_ids for k in ("capacity", "output") if c[k]}
    other |= {s["volume"] for s in links if not (s["supplier"] in bj_ids and s["customer"] in bj_ids)}
    other_forms = set().union(*(_number_forms(v) for v in other))
    numbers: set[str] = set()
    for v in bj_figures - other:
        forms = {f for f in _number_forms(v) if len(f.replace(",", "").replace(".", "")) >= 5} - other_forms
        numbers |= forms
    assert len(numbers) > 100
    return Secrets(frozenset(bj_ids), frozenset(e["uscc"] for e in bj if e["uscc"]), frozenset(names),
                   frozenset(numbers), capacity)


@cache
def _secret_patterns() -> list[tuple[str, re.Pattern[str]]]:
    s = beijing()
    out = [("id", re.compile(r"(?<![A-Za-z0-9_])(?:" + "|".join(sorted(s.ids)) + r")(?![0-9])"))]
    out.append(("uscc", re.compile("|".join(sorted(s.usccs)))))
    out.append(("name", re.compile("|".join(re.escape(n) for n in sorted(s.names, key=len, reverse=True)))))
    out.append(("figure", re.compile(r"(?<![\d.,])(?:" + "|".join(re.escape(n) for n in sorted(s.numbers, key=len, reverse=True))
                                     + r")(?![\d]|[.,]\d)")))
    return out


def body_text(content: bytes, content_type: str) -> str:
    """The text a reader of the response gets: decoded JSON/HTML, the XML of an xlsx, the text of a PDF."""
    if content[:4] == b"%PDF":
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as z:
            parts = [z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels"))]
        assert any("sharedStrings" in n for n in z.namelist()) or parts, "empty workbook"
        return html.unescape("\n".join(parts))
    text = content.decode("utf-8", "replace")
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return html.unescape(text)


def leaks(content: bytes, content_type: str = "", *, echo: str = "", ids: bool = True) -> list[str]:
    """Beijing's confidential values found in a response body (empty list: none).

    ``echo``: the request's own URL — an id the client sent (a 404 naming it) is not a leak;
    ``ids=False`` for documents written by hand (API docs, the import template use "E0001" as an example).
    """
    text = body_text(content, content_type)
    found = []
    for kind, pattern in _secret_patterns():
        if kind == "id" and not ids:
            continue
        hits = (m.group(0) for m in pattern.finditer(text))
        found += [f"{kind}:{h}" for h in itertools.islice((h for h in hits if not (kind == "id" and h in echo)), 5)]
    return found


# --- clients and fixtures --------------------------------------------------------------------------------

@dataclass
class Ctx:
    app: FastAPI
    workspace: Any
    clients: dict[str, TestClient]
    csrf: dict[str, str]
    login: Callable[[TestClient, str], str]
    admin_user_id: int
    hebei_run: str
    passwords: dict[str, str]

    def call(self, role: str, method: str, url: str, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}) or {})
        if method not in ("GET", "HEAD") and role in self.csrf and url.startswith("/api/"):
            headers.setdefault("X-CSRF-Token", self.csrf[role])
        return self.clients[role].request(method, url, headers=headers, follow_redirects=False, **kw)

    def form(self, role: str, url: str, data: dict[str, Any]) -> Any:
        body = {**data, "csrf_token": self.csrf.get(role, "")}
        return self.clients[role].post(url, data=body, follow_redirects=False)

    def fresh(self, role: str) -> tuple[TestClient, str]:
        """A client with its own session of ``role`` (for sign-out routes)."""
        c = TestClient(self.app, raise_server_exceptions=False)
        return c, ("" if role == "anon" else self.login(c, role))

    def grant(self, actor: str = "beijing-office", **body: Any) -> int:
        payload = {"grantor_region": BEIJING, "grantee_region": HEBEI, "dataset": DS, **body}
        r = self.call(actor, "POST", "/api/v1/grants", json=payload)
        assert r.status_code == 201, r.text
        return int(r.json()["id"])

    def active_grants(self) -> list[dict[str, Any]]:
        r = self.call("admin", "GET", f"{A}/grants?page_size=200")
        assert r.status_code == 200, r.text
        return [g for g in r.json()["items"] if g["revoked_at"] is None]

    def revoke_if_active(self, grant_id: int) -> None:
        """Leave no grant behind (the matrix calls must not change what later calls see)."""
        if any(int(g["id"]) == grant_id for g in self.active_grants()):
            self.revoke(grant_id, actor="admin")

    def revoke(self, grant_id: int, actor: str = "beijing-office") -> None:
        r = self.call(actor, "DELETE", f"/api/v1/grants/{grant_id}")
        assert r.status_code == 200, r.text


@pytest.fixture(scope="module")
def ctx(app: FastAPI, workspace: Any, login: Callable[[TestClient, str], str],
        passwords: dict[str, str]) -> Iterator[Ctx]:
    clients: dict[str, TestClient] = {}
    csrf: dict[str, str] = {}
    for role in ROLES:
        clients[role] = TestClient(app, raise_server_exceptions=False)
        if role != "anon":
            csrf[role] = login(clients[role], role)
    admin_id = clients["admin"].get("/api/v1/auth/me").json()["user"]["id"]
    r = clients["hebei-office"].post("/api/v1/runs", json={"dataset": DS, "scenario": "cobalt-cd-cut", "runs": 1},
                                     headers={"X-CSRF-Token": csrf["hebei-office"]})
    assert r.status_code == 202, r.text
    c = Ctx(app, workspace, clients, csrf, login, admin_id, str(r.json()["id"]), passwords)
    yield c
    for cl in clients.values():
        cl.close()


def _wait_run(c: Ctx, run_id: str, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        r = c.call("hebei-office", "GET", f"/api/v1/runs/{run_id}")
        assert r.status_code == 200, r.text
        body = dict(r.json())
        if body["status"] in ("done", "failed", "cancelled"):
            return body
        assert time.monotonic() < deadline, f"run {run_id} still {body['status']} after {timeout} s"
        time.sleep(0.3)


# --- the matrix ------------------------------------------------------------------------------------------

Call = Callable[[Ctx, str], Any]


def get(url: str) -> Call:
    return lambda c, role: c.call(role, "GET", url)


def S(admin: int, hebei: int, beijing: int, tianjin: int, observer: int, firm: int, anon: int) -> dict[str, int]:
    return dict(zip(ROLES, (admin, hebei, beijing, tianjin, observer, firm, anon), strict=True))


def same(status: int, anon: int = 401) -> dict[str, int]:
    return S(status, status, status, status, status, status, anon)


PAGE = 303  # a signed-out visitor of a page is sent to /login
A = "/api/v1"
C = f"{A}/chains/{DS}/{CHAIN}"
P = f"/chains/{DS}/{CHAIN}"
ADMIN_ONLY = S(200, 403, 403, 403, 403, 403, 401)


def login_api(c: Ctx, role: str) -> Any:
    user, password = ("hebei-office", "wrong-password-x") if role == "anon" else (role, c.passwords[role])
    return TestClient(c.app, raise_server_exceptions=False).post(f"{A}/auth/login",
                                                                 json={"username": user, "password": password})




def logout_api(c: Ctx, role: str) -> Any:
    client, csrf = c.fresh(role)
    return client.post(f"{A}/auth/logout", headers={"X-CSRF-Token": csrf} if csrf else {})


def create_token(c: Ctx, role: str) -> Any:
    return c.call(role, "POST", f"{A}/auth/tokens", json={"name": "matrix"})


def revoke_own_token(c: Ctx, role: str) -> Any:
    tid = 1
    if role != "anon":
        made = c.call(role, "POST", f"{A}/auth/tokens", json={"name": "matrix-revoke"})
        assert made.status_code == 201, made.text
        tid = made.json()["id"]
    return c.call(role, "DELETE", f"{A}/auth/tokens/{tid}")


def create_user(c: Ctx, role: str) -> Any:
    return c.call(role, "POST", f"{A}/admin/users", json={
        "username": f"matrix-{next(_seq)}-{role.split('-')[0]}", "password": "matrix-password-1",
        "role": "analyst", "regions": [HEBEI]})


def patch_user(c: Ctx, role: str) -> Any:
    return c.call(role, "PATCH", f"{A}/admin/users/{c.admin_user_id}", json={"display_name": "admin"})


def create_grant(c: Ctx, role: str) -> Any:
    """Beijing's data to Hebei: only Beijing's office and administrators may; revoked at once."""
    r = c.call(role, "POST", f"{A}/grants", json={"grantor_region": BEIJING, "grantee_region": HEBEI,
                                                  "dataset": DS, "tables": ["capacities"]})
    if r.status_code == 201:
        c.revoke(int(r.json()["id"]), actor="admin")
    return r


def revoke_grant(c: Ctx, role: str) -> Any:
    gid = c.grant("admin", tables=["capacities"], note="matrix")
    r = c.call(role, "DELETE", f"{A}/grants/{gid}")
    c.revoke_if_active(gid)
    return r


def start_run(c: Ctx, role: str) -> Any:
    return c.call(role, "POST", f"{A}/runs", json={"dataset": DS, "scenario": "cobalt-cd-cut", "runs": 1})


def upload(c: Ctx, role: str) -> Any:
    """A file with errors: allowed roles get the 422 validation report, nothing is written."""
    return c.call(role, "POST", f"{A}/datasets/upload", files={"file": ("bad.csv", b"a,b\n1,2\n", "text/csv")})


def run_detail(api: bool) -> Call:
    return lambda c, role: c.call(role, "GET", (f"{A}/runs/" if api else "/runs/") + c.hebei_run)


def page_login(c: Ctx, role: str) -> Any:
    user, password = ("hebei-office", "wrong-password-x") if role == "anon" else (role, c.passwords[role])
    return TestClient(c.app, raise_server_exceptions=False).post(
        "/login", data={"username": user, "password": password, "next": "/"}, follow_redirects=False)


def page_logout(c: Ctx, role: str) -> Any:
    client, csrf = c.fresh(role)
    return client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)


def page_create_user(c: Ctx, role: str) -> Any:
    return c.form(role, "/admin/users", {"username": f"matrix-page-{next(_seq)}", "password": "matrix-password-1",
                                         "role": "observer", "regions": "", "chains": "*"})


def page_update_user(c: Ctx, role: str) -> Any:
    return c.form(role, f"/admin/users/{c.admin_user_id}", {"role": "admin", "display_name": "admin",
                                                             "regions": "", "chains": "*", "active": "1"})


def page_create_grant(c: Ctx, role: str) -> Any:
    r = c.form(role, "/admin/grants", {"grantor_region": BEIJING, "grantee_region": HEBEI, "dataset": DS,
                                       "tables": "capacities", "note": "matrix-page"})
    for g in c.active_grants():
        if g["note"] == "matrix-page":
            c.revoke(int(g["id"]), actor="admin")
    return r


def page_revoke_grant(c: Ctx, role: str) -> Any:
    gid = c.grant("admin", tables=["capacities"], note="matrix")
    r = c.form(role, f"/admin/grants/{gid}/revoke", {})
    c.revoke_if_active(gid)
    return r


@dataclass(frozen=True)
class Case:
    call: Call
    expect: dict[str, int]
    scan: bool = True  # check the body for Beijing's confidential data
    ids: bool = True  # False: a hand-written document (examples name "E0001"); still scanned for the rest


MATRIX: dict[tuple[str, str], list[Case]] = {
    # --- API: meta and auth
    ("GET", f"{A}/health"): [Case(get(f"{A}/health"), same(200, anon=200))],
    ("GET", f"{A}/openapi.json"): [Case(get(f"{A}/openapi.json"), same(200, anon=200), ids=False)],
    ("GET", f"{A}/docs"): [Case(get(f"{A}/docs"), same(200, anon=200), ids=False)],
    ("POST", f"{A}/auth/login"): [Case(login_api, same(200))],
    ("POST", f"{A}/auth/logout"): [Case(logout_api, same(200))],
    ("GET", f"{A}/auth/me"): [Case(get(f"{A}/auth/me"), same(200))],
    ("GET", f"{A}/auth/tokens"): [Case(get(f"{A}/auth/tokens"), same(200))],
    ("POST", f"{A}/auth/tokens"): [Case(create_token, same(201))],
    ("DELETE", f"{A}/auth/tokens/{{token_id}}"): [Case(revoke_own_token, same(200))],
    # --- API: datasets and enterprises
    ("GET", f"{A}/datasets"): [Case(get(f"{A}/datasets"), same(200))],
    ("GET", f"{A}/datasets/{{ds}}/versions"): [Case(get(f"{A}/datasets/{DS}/versions"), same(200))],
    ("GET", f"{A}/datasets/{{ds}}/enterprises"): [
        Case(get(f"{A}/datasets/{DS}/enterprises?page_size=200"), S(200, 200, 200, 200, 403, 200, 401)),
        Case(get(f"{A}/datasets/{DS}/enterprises?region={BEIJING}&page_size=200"), S(200, 200, 200, 200, 403, 200, 401)),
        Case(get(f"{A}/datasets/{DS}/enterprises?q=汽车&page_size=200"), S(200, 200, 200, 200, 403, 200, 401)),
        Case(get(f"{A}/datasets/{DS}/enterprises?product={BEIJING_PRODUCT}"), S(200, 200, 200, 200, 403, 200, 401)),
    ],
    ("GET", f"{A}/datasets/{{ds}}/enterprises/{{eid}}"): [
        Case(get(f"{A}/datasets/{DS}/enterprises/{BEIJING_FIRM}"), S(200, 404, 200, 404, 403, 404, 401)),
        Case(get(f"{A}/datasets/{DS}/enterprises/{HEBEI_FIRM}"), S(200, 200, 404, 404, 403, 200, 401)),
    ],
    ("POST", f"{A}/datasets/upload"): [Case(upload, S(422, 422, 422, 403, 403, 403, 401))],
    ("GET", f"{A}/template.xlsx"): [Case(get(f"{A}/template.xlsx"), same(200), ids=False)],
    # --- API: one chain
    ("GET", f"{A}/chains/{{ds}}/{{chain}}/overview"): [Case(get(f"{C}/overview"), same(200))],
    ("GET", f"{A}/chains/{{ds}}/{{chain}}/map"): [
        Case(get(f"{C}/map"), same(200)), Case(get(f"{C}/map?region={BEIJING}"), same(200))],
    ("GET", f"{A}/chains/{{ds}}/{{chain}}/nodes/{{product}}"): [
        Case(get(f"{C}/nodes/{BEIJING_PRODUCT}"), same(200)), Case(get(f"{C}/nodes/P_PHEV_ENGINE"), same(200)),
        Case(get(f"{C}/nodes/P_NO_SUCH_PRODUCT"), same(404))],
    ("GET", f"{A}/chains/{{ds}}/{{chain}}/provinces"): [Case(get(f"{C}/provinces"), same(200))],
    ("GET", f"{A}/chains/{{ds}}/{{chain}}/register"): [
        Case(get(f"{C}/register?page_size=200"), same(200)),
        Case(get(f"{C}/register?q=%E6%99%BA%E8%83%BD%E9%A9%BE%E9%A9%B6&page_size=200"), same(200))],
    ("GET", f"{A}/chains/{{ds}}/{{chain}}/register/export"): [
        Case(get(f"{C}/register/export?format={f}"), same(200)) for f in ("xlsx", "csv", "json")],
    ("GET", f"{A}/chains/{{ds}}/{{chain}}/report"): [
        Case(get(f"{C}/report?format=pdf&scenarios=cobalt-cd-cut"), same(200)),
        Case(get(f"{C}/report?format=xlsx"), same(200))],
    # --- API: scenarios and runs
    ("GET", f"{A}/scenarios"): [Case(get(f"{A}/scenarios"), same(200))],
    ("GET", f"{A}/scenarios/{{ds}}/{{name}}"): [Case(get(f"{A}/scenarios/{DS}/cobalt-cd-cut"), same(200))],
    ("POST", f"{A}/runs"): [Case(start_run, S(202, 202, 202, 202, 403, 403, 401))],
    ("GET", f"{A}/runs"): [Case(get(f"{A}/runs"), same(200))],
    ("GET", f"{A}/runs/{{run_id}}"): [Case(run_detail(api=True), S(200, 200, 404, 404, 404, 404, 401))],
    # --- API: administration
    ("GET", f"{A}/admin/users"): [Case(get(f"{A}/admin/users"), ADMIN_ONLY)],
    ("POST", f"{A}/admin/users"): [Case(create_user, S(201, 403, 403, 403, 403, 403, 401))],
    ("PATCH", f"{A}/admin/users/{{user_id}}"): [Case(patch_user, ADMIN_ONLY)],
    ("GET", f"{A}/grants"): [Case(get(f"{A}/grants"), same(200))],
    ("POST", f"{A}/grants"): [Case(create_grant, S(201, 403, 201, 403, 403, 403, 401))],
    ("DELETE", f"{A}/grants/{{grant_id}}"): [Case(revoke_grant, S(200, 403, 200, 403, 403, 403, 401))],
    ("GET", f"{A}/admin/audit"): [Case(get(f"{A}/admin/audit"), ADMIN_ONLY)],
    # --- pages
    ("GET", "/login"): [Case(get("/login"), S(303, 303, 303, 303, 303, 303, 200))],
    ("POST", "/login"): [Case(page_login, S(303, 303, 303, 303, 303, 303, 401))],
    ("POST", "/logout"): [Case(page_logout, S(303, 303, 303, 303, 303, 303, 303))],
    ("GET", "/"): [Case(get("/"), same(200, anon=PAGE))],
    ("GET", "/chains/{ds}/{chain}"): [Case(get(P), same(200, anon=PAGE))],
    ("GET", "/chains/{ds}/{chain}/map"): [
        Case(get(f"{P}/map"), same(200, anon=PAGE)), Case(get(f"{P}/map?node={BEIJING_PRODUCT}"), same(200, anon=PAGE))],
    ("GET", "/chains/{ds}/{chain}/provinces"): [Case(get(f"{P}/provinces"), same(200, anon=PAGE))],
    ("GET", "/chains/{ds}/{chain}/register"): [
        Case(get(f"{P}/register"), same(200, anon=PAGE)),
        Case(get(f"{P}/register?q=%E6%99%BA%E8%83%BD%E9%A9%BE%E9%A9%B6"), same(200, anon=PAGE))],
    ("GET", "/scenarios"): [Case(get("/scenarios"), same(200, anon=PAGE))],
    ("GET", "/scenarios/compare"): [Case(get("/scenarios/compare"), same(200, anon=PAGE))],
    ("GET", "/scenarios/{ds}/{name}"): [Case(get(f"/scenarios/{DS}/cobalt-cd-cut"), same(200, anon=PAGE))],
    ("GET", "/runs/{run_id}"): [Case(run_detail(api=False), S(200, 200, 404, 404, 404, 404, PAGE))],
    ("GET", "/data"): [Case(get("/data"), same(200, anon=PAGE))],
    ("GET", "/admin"): [Case(get("/admin"), S(200, 303, 303, 403, 403, 403, PAGE))],
    ("POST", "/admin/users"): [Case(page_create_user, S(303, 403, 403, 403, 403, 403, PAGE))],
    ("POST", "/admin/users/{user_id}"): [Case(page_update_user, S(303, 403, 403, 403, 403, 403, PAGE))],
    ("GET", "/admin/grants"): [Case(get("/admin/grants"), S(200, 200, 200, 403, 403, 403, PAGE))],
    ("POST", "/admin/grants"): [Case(page_create_grant, S(303, 403, 303, 403, 403, 403, PAGE))],
    ("POST", "/admin/grants/{grant_id}/revoke"): [Case(page_revoke_grant, S(303, 403, 303, 403, 403, 403, PAGE))],
    ("GET", "/admin/audit"): [Case(get("/admin/audit"), S(200, 403, 403, 403, 403, 403, PAGE))],
    ("GET", "/static"): [Case(get("/static/js/map.js"), same(200, anon=200), scan=False)],
}


def served_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app answers, from ``app.routes`` (mounts as ("GET", prefix))."""
    out: set[tuple[str, str]] = set()
    for r in app.routes:
        if isinstance(r, Mount):
            out.add(("GET", r.path))
        elif isinstance(r, APIRoute | Route):
            out.update((m, r.path) for m in (r.methods or ()) if m != "HEAD")
        elif hasattr(r, "effective_route_contexts"):  # FastAPI >= 0.165: an included router, resolved lazily
            for ctx in r.effective_route_contexts():
                out.update((m, ctx.path) for m in (ctx.methods or ()) if m != "HEAD")
        else:  # pragma: no cover - a new kind of route needs a decision here
            raise AssertionError(f"unknown route type {r!r}")
    return out


def test_matrix_covers_every_route(app: FastAPI) -> None:
    served = served_routes(app)
    assert set(api_routes()) <= served
    missing = served - set(MATRIX)
    assert not missing, f"routes without an isolation decision in MATRIX: {sorted(missing)}"
    stale = set(MATRIX) - served
    assert not stale, f"MATRIX lists routes the app does not serve: {sorted(stale)}"


CASES = [(mp, i, role) for mp, cases in MATRIX.items() for i in range(len(cases)) for role in ROLES]


@pytest.mark.parametrize(("route", "i", "role"), CASES, ids=[f"{m} {p} #{i} {r}" for (m, p), i, r in CASES])
def test_matrix(ctx: Ctx, route: tuple[str, str], i: int, role: str) -> None:
    case = MATRIX[route][i]
    r = case.call(ctx, role)
    assert r.status_code == case.expect[role], f"{route} as {role}: {r.status_code} {r.text[:300]}"
    if r.status_code >= 400 and route[1].startswith(A):
        assert set(r.json()) == {"error"}, r.text[:300]
    if case.scan and role in OUTSIDERS:
        found = leaks(r.content, r.headers.get("content-type", ""), echo=str(r.request.url), ids=case.ids)
        assert not found, f"{route} as {role} shows Beijing's confidential data: {found}"


def test_scanner_finds_what_it_looks_for(ctx: Ctx) -> None:
    """The leak check is not vacuous: where Beijing's data are allowed, it finds them in every form scanned."""
    r = ctx.call("beijing-office", "GET", f"{A}/datasets/{DS}/enterprises/{BEIJING_FIRM}")
    assert r.status_code == 200
    assert {"id", "uscc", "name", "figure"} <= {f.split(":")[0] for f in leaks(r.content)}
    node = ctx.call("beijing-office", "GET", f"{C}/nodes/{BEIJING_PRODUCT}")
    assert {"id", "name", "figure"} <= {f.split(":")[0] for f in leaks(node.content)}
    listed = ctx.call("admin", "GET", f"{A}/datasets/{DS}/enterprises?region={BEIJING}&page_size=200")
    assert {"id", "name"} <= {f.split(":")[0] for f in leaks(listed.content)}
    # HTML with escaped text and JSON data blocks; a PDF's text; an xlsx's XML
    page = ctx.call("beijing-office", "GET", f"{P}/register")
    assert page.status_code == 200
    pdf = ctx.call("admin", "GET", f"{C}/report?format=pdf")
    xlsx = ctx.call("admin", "GET", f"{C}/report?format=xlsx")
    for resp in (page, pdf, xlsx):
        assert resp.status_code == 200
        assert leaks(resp.content) or not beijing_mentioned(resp.content), resp.headers.get("content-type")
    name = sorted(beijing().names)[0]
    assert leaks(("<p>" + html.escape(name) + "</p>").encode())
    assert leaks(json.dumps({"n": name}).encode())  # ensure_ascii: \uXXXX escapes
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("xl/sharedStrings.xml", f"<sst><si><t>{html.escape(name)}</t></si></sst>")
    assert leaks(buf.getvalue())


def beijing_mentioned(content: bytes) -> bool:
    """Whether a body mentions a Beijing firm by id in any form (used to tell an empty report from a blind scan)."""
    return any(i in body_text(content, "") for i in beijing().ids)


def test_hebei_sees_its_own_firms_but_not_beijings(ctx: Ctx) -> None:
    items = ctx.call("hebei-office", "GET", f"{A}/datasets/{DS}/enterprises?page_size=200").json()
    provinces = {e.get("province") for e in items["items"]}
    assert HEBEI in provinces and BEIJING not in provinces
    only_bj = ctx.call("hebei-office", "GET", f"{A}/datasets/{DS}/enterprises?region={BEIJING}").json()
    assert only_bj["total"] == 0 and only_bj["items"] == []
    name = next(iter(sorted(n for n in beijing().names if "（虚构）" in n)))
    search = ctx.call("hebei-office", "GET", f"{A}/datasets/{DS}/enterprises", params={"q": name[:4]}).json()
    assert all(e["id"] not in beijing().ids for e in search["items"])
    err = ctx.call("hebei-office", "GET", f"{A}/datasets/{DS}/enterprises/{BEIJING_FIRM}")
    assert err.status_code == 404 and err.json()["error"]["code"] == "not_found"
    # the 404 of an existing Beijing firm reads like the 404 of an id that does not exist at all
    none = ctx.call("hebei-office", "GET", f"{A}/datasets/{DS}/enterprises/E9999")
    assert none.status_code == 404
    assert err.json()["error"]["message_en"].replace(BEIJING_FIRM, "?") == \
        none.json()["error"]["message_en"].replace("E9999", "?")
    node = ctx.call("hebei-office", "GET", f"{C}/nodes/{BEIJING_PRODUCT}").json()
    assert node["enterprises"] and all(e["id"] not in beijing().ids for e in node["enterprises"])
    assert node["hidden"]["n_hidden"] >= 3


def _detail(ctx: Ctx, role: str, eid: str = BEIJING_FIRM) -> Any:
    return ctx.call(role, "GET", f"{A}/datasets/{DS}/enterprises/{eid}")


def test_grant_reveals_then_revocation_hides(ctx: Ctx) -> None:
    assert not ctx.active_grants(), "a test left a grant behind"
    assert _detail(ctx, "hebei-office").status_code == 404
    gid = ctx.grant(tables=["enterprises", "capacities", "supply_links", "trade"])
    try:
        r = _detail(ctx, "hebei-office")
        assert r.status_code == 200, r.text
        body = r.json()
        raw = next(e for e in _rows("enterprises") if e["id"] == BEIJING_FIRM)
        assert body["uscc"] == raw["uscc"] and body["name_zh"] == raw["name_zh"]
        caps = {c["product"]: c for c in body["capacities"]}
        for (eid, product), (cap, out) in beijing().capacity.items():
            if eid == BEIJING_FIRM:
                assert caps[product]["capacity"] == pytest.approx(cap)
                assert caps[product]["output"] == pytest.approx(out)
        listed = ctx.call("hebei-office", "GET", f"{A}/datasets/{DS}/enterprises?region={BEIJING}&page_size=200")
        assert {e["id"] for e in listed.json()["items"]} == beijing().ids
        node = ctx.call("hebei-office", "GET", f"{C}/nodes/{BEIJING_PRODUCT}").json()
        assert any(e["id"] in beijing().ids for e in node["enterprises"])
        # the grant is to Hebei only: Tianjin still sees nothing of Beijing
        assert _detail(ctx, "tianjin-analyst").status_code == 404
        assert not leaks(ctx.call("tianjin-analyst", "GET", f"{C}/nodes/{BEIJING_PRODUCT}").content)
    finally:
        ctx.revoke(gid)
    # revoked: hidden again on the very next request
    assert _detail(ctx, "hebei-office").status_code == 404
    for url in (f"{A}/datasets/{DS}/enterprises?region={BEIJING}&page_size=200", f"{C}/nodes/{BEIJING_PRODUCT}",
                f"{C}/register/export?format=csv"):
        r = ctx.call("hebei-office", "GET", url)
        assert r.status_code == 200 and not leaks(r.content), (url, leaks(r.content))


def test_field_level_grant_reveals_only_the_granted_fields(ctx: Ctx) -> None:
    assert not ctx.active_grants(), "a test left a grant behind"
    gid = ctx.grant(tables=["enterprises", "capacities"], fields=["capacity"])
    try:
        r = _detail(ctx, "hebei-office")
        assert r.status_code == 200, r.text
        body = r.json()
        raw = next(e for e in _rows("enterprises") if e["id"] == BEIJING_FIRM)
        assert body["name_zh"] == raw["name_zh"]  # the public identity of a visible row
        assert body["uscc"] is None and body["employees"] is None and not body.get("tags")
        assert raw["uscc"] not in r.text
        caps = body["capacities"]
        assert caps
        for c in caps:
            cap, _out = beijing().capacity[(BEIJING_FIRM, c["product"])]
            assert c["capacity"] == pytest.approx(cap)
            assert c["output"] is None and c["ramp_up_days"] is None and c["standard_grade"] is None
        # supply links were not granted: no Beijing-to-Beijing link volume anywhere
        assert not [f for f in leaks(r.content) if f.startswith("uscc")]
    finally:
        ctx.revoke(gid)
    assert _detail(ctx, "hebei-office").status_code == 404


def test_observer_and_enterprise_user_see_no_other_firms_rows(ctx: Ctx) -> None:
    nodes = ctx.call("observer", "GET", f"{C}/map").json()["nodes"]
    assert len(nodes) > 50
    firm_products = {c["product"] for c in _rows("capacities") if c["enterprise"] == HEBEI_FIRM}
    seen_own = 0
    for n in nodes:
        obs = ctx.call("observer", "GET", f"{C}/nodes/{n['id']}")
        assert obs.status_code == 200
        assert obs.json()["enterprises"] == [], n["id"]
        firm = ctx.call("firm-user", "GET", f"{C}/nodes/{n['id']}").json()
        ids = {e["id"] for e in firm["enterprises"]}
        assert ids <= {HEBEI_FIRM}, (n["id"], ids)
        seen_own += HEBEI_FIRM in ids
        if n["id"] in firm_products:
            assert HEBEI_FIRM in ids
    assert seen_own == len(firm_products)
    listed = ctx.call("firm-user", "GET", f"{A}/datasets/{DS}/enterprises?page_size=200").json()
    assert [e["id"] for e in listed["items"]] == [HEBEI_FIRM]
    assert _detail(ctx, "firm-user", "E0010").status_code == 404  # another Hebei firm
    assert ctx.call("observer", "GET", f"{A}/datasets/{DS}/enterprises").status_code == 403


def test_province_tiles_over_fewer_than_three_unseen_firms_are_suppressed(ctx: Ctx) -> None:
    """Outsiders get a province's figures only when at least 3 firms stand behind them (MIN_GROUP = 3).

    The administrator's tiles give every province's full count; the raw dataset proves small provinces exist.
    """
    ents = {e["id"]: e for e in _rows("enterprises")}
    per_province: dict[str, set[str]] = {}  # firms with capacity located in the province (facility or seat)
    for c in _rows("capacities"):
        e = ents[c["enterprise"]]
        where = c["facility_region"] or (e["region"] if e["country"] == "CN" else "")
        if where:
            per_province.setdefault(_province(where), set()).add(e["id"])
    small = {p for p, s in per_province.items() if 0 < len(s) < 3}
    assert small, "the dataset has no small province to test suppression with"
    admin = {t["code"]: t for t in ctx.call("admin", "GET", f"{C}/provinces").json()["tiles"]}
    assert all(not admin[c]["suppressed"] and 0 < admin[c]["n_enterprises"] < 3 for c in small)
    for role, own in (("hebei-office", HEBEI), ("observer", None), ("tianjin-analyst", "120000"), ("firm-user", None)):
        tiles = {t["code"]: t for t in ctx.call(role, "GET", f"{C}/provinces").json()["tiles"]}
        assert set(tiles) == set(admin)
        for code, t in tiles.items():
            full = admin[code]["n_enterprises"]
            if code in small:
                assert t["suppressed"] is True and t["capacity_value"] is None and t["n_enterprises"] is None, \
                    (role, code, t)
            if t["suppressed"]:
                assert t["capacity_value"] is None and t["n_enterprises"] is None and code != own, (role, t)
            else:
                # published: over at least 3 firms, or over firms the viewer may see anyway (own region)
                assert t["n_enterprises"] is not None and t["capacity_value"] is not None, (role, t)
                assert full == 0 or full >= 3 or code == own, (role, code, t, full)
    hebei = {t["code"]: t for t in ctx.call("hebei-office", "GET", f"{C}/provinces").json()["tiles"]}
    assert hebei[HEBEI]["n_enterprises"] == admin[HEBEI]["n_enterprises"] == len(per_province[HEBEI])
    assert hebei[BEIJING]["n_enterprises"] == admin[BEIJING]["n_enterprises"] >= 3


def test_denied_accesses_are_in_the_audit_log(ctx: Ctx) -> None:
    assert ctx.call("hebei-office", "GET", f"{A}/admin/users").status_code == 403
    assert _detail(ctx, "hebei-office").status_code == 404
    assert ctx.call("observer", "POST", f"{A}/runs", json={"dataset": DS, "scenario": "cobalt-cd-cut"}).status_code == 403
    assert ctx.call("tianjin-analyst", "GET", "/admin/audit").status_code == 403
    rows = ctx.call("admin", "GET", f"{A}/admin/audit?outcome=denied&page_size=200").json()["items"]
    got = {(r["actor"], r["action"], r["target"]) for r in rows}
    assert ("hebei-office", "manage_users", "users") in got, sorted(got)[:20]
    assert ("hebei-office", "view_enterprise", f"{DS}/{BEIJING_FIRM}") in got
    assert ("observer", "run_scenario", f"{DS}/cobalt-cd-cut") in got
    assert ("tianjin-analyst", "page.admin", "audit") in got
    assert all(r["outcome"] == "denied" for r in rows)


def test_scenario_run_results_show_hebei_nothing_of_beijing(ctx: Ctx) -> None:
    run = _wait_run(ctx, ctx.hebei_run)
    assert run["status"] == "done", run
    assert run["result"]
    r = ctx.call("hebei-office", "GET", f"{A}/runs/{ctx.hebei_run}")
    assert not leaks(r.content)
    page = ctx.call("hebei-office", "GET", f"/runs/{ctx.hebei_run}")
    assert page.status_code == 200 and not leaks(page.content)
    json.loads(r.text)
