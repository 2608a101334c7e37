"""Session cookies, CSRF, body limits and security headers (web/security.py, docs/web.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from chainleader.web.app import create_app
from chainleader.web.security import CONTENT_SECURITY_POLICY, JSON_BODY_LIMIT, UPLOAD_BODY_LIMIT


def _error(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["status"] == status and err["code"] == code
    return dict(err)


# --- cookies ----------------------------------------------------------------------------------------

def _set_cookie(r: Any) -> str:
    cookies = [v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("cl_session=")]
    assert len(cookies) == 1, r.headers
    return cookies[0]


def test_session_cookie_flags(client: TestClient, passwords: dict[str, str]) -> None:
    r = client.post("/api/v1/auth/login", json={"username": "observer", "password": passwords["observer"]})
    cookie = _set_cookie(r)
    flags = {part.strip().split("=")[0].lower(): part.strip() for part in cookie.split(";")}
    assert "httponly" in flags and flags["samesite"].lower() == "samesite=strict" and flags["path"] == "Path=/"
    assert "max-age" not in flags and "expires" not in flags  # browser-session cookie; 8 h idle expiry on the server
    assert "secure" not in flags  # plain http (development); see the next test for https
    assert r.json()["csrf_token"] not in cookie


def test_secure_cookie_when_configured(workspace: Any, passwords: dict[str, str]) -> None:
    c = TestClient(create_app(workspace, secure_cookies=True), base_url="https://testserver",
                   raise_server_exceptions=False)
    r = c.post("/api/v1/auth/login", json={"username": "observer", "password": passwords["observer"]})
    cookie = _set_cookie(r)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    out = c.post("/api/v1/auth/logout", headers={"X-CSRF-Token": r.json()["csrf_token"]})
    assert out.status_code == 200 and "Secure" in _set_cookie(out)


# --- CSRF ---------------------------------------------------------------------------------------------

def test_cookie_post_without_csrf_token_is_403(client: TestClient, login: Any) -> None:
    login(client, "hebei-office")
    err = _error(client.post("/api/v1/auth/tokens", json={"name": "t"}), 403, "csrf_failed")
    assert "X-CSRF-Token" in err["message_zh"] and "csrf_token" in err["message_en"]
    _error(client.post("/api/v1/auth/tokens", json={"name": "t"}, headers={"X-CSRF-Token": "wrong"}), 403,
           "csrf_failed")
    _error(client.delete("/api/v1/auth/tokens/1"), 403, "csrf_failed")
    _error(client.patch("/api/v1/admin/users/1", json={}), 403, "csrf_failed")
    _error(client.post("/api/v1/auth/logout"), 403, "csrf_failed")
    assert client.get("/api/v1/auth/me").json()["auth"] == "cookie"  # the session survived the refusals


def test_cookie_post_with_csrf_token_is_accepted(client: TestClient, login: Any) -> None:
    csrf = login(client, "hebei-office")
    r = client.post("/api/v1/auth/tokens", json={"name": "with csrf"}, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201


def test_csrf_token_in_a_form_field(client: TestClient, login: Any) -> None:
    csrf = login(client, "observer")
    _error(client.post("/api/v1/auth/logout", data={"csrf_token": "wrong"}), 403, "csrf_failed")
    r = client.post("/api/v1/auth/logout", data={"csrf_token": csrf})
    assert r.status_code == 200 and r.json() == {"ok": True}


def test_csrf_token_in_a_multipart_form_field(client: TestClient, login: Any) -> None:
    csrf = login(client, "tianjin-analyst")
    files = {"file": ("x.csv", b"id\n", "text/csv")}
    _error(client.post("/api/v1/datasets/upload", files=files, data={"csrf_token": "wrong"}), 403, "csrf_failed")
    # the right token passes the CSRF check; the body is replayed to the route, which decides (analyst: 403)
    r = client.post("/api/v1/datasets/upload", files=files, data={"csrf_token": csrf})
    assert _error(r, 403, "forbidden")["message_en"].startswith("your role (Analyst)")


def test_bearer_requests_need_no_csrf_token(client: TestClient, login: Any, bearer: Any) -> None:
    r = client.post("/api/v1/auth/tokens", json={"name": "script"}, headers=bearer("hebei-office"))
    assert r.status_code == 201
    login(client, "observer")  # a session cookie is present too: the token decides who is asking
    r = client.post("/api/v1/auth/tokens", json={"name": "script 2"}, headers=bearer("hebei-office"))
    assert r.status_code == 201
    me = client.get("/api/v1/auth/me", headers=bearer("hebei-office")).json()
    assert me["auth"] == "token" and me["user"]["username"] == "hebei-office"


def test_login_is_exempt_from_csrf(client: TestClient, login: Any, passwords: dict[str, str]) -> None:
    login(client, "observer")
    r = client.post("/api/v1/auth/login", json={"username": "admin", "password": passwords["admin"]})
    assert r.status_code == 200 and r.json()["user"]["username"] == "admin"


def test_stale_cookie_post_is_anonymous_not_csrf(client: TestClient) -> None:
    client.cookies.set("cl_session", "expired-or-forged")
    _error(client.post("/api/v1/auth/tokens", json={"name": "t"}), 401, "unauthenticated")


# --- body limits ---------------------------------------------------------------------------------------

def test_json_body_limit_on_content_length(client: TestClient, bearer: Any) -> None:
    r = client.post("/api/v1/runs", content=b"x" * (JSON_BODY_LIMIT + 1),
                    headers={"Content-Type": "application/json", **bearer("hebei-office")})
    err = _error(r, 413, "payload_too_large")
    assert "256 KB" in err["message_zh"] and err["details"][0]["limit_bytes"] == JSON_BODY_LIMIT


def test_upload_limit_on_content_length(client: TestClient, bearer: Any) -> None:
    big = b"0" * (UPLOAD_BODY_LIMIT + 1)
    r = client.post("/api/v1/datasets/upload", files={"file": ("big.csv", big, "text/csv")},
                    headers=bearer("hebei-office"))
    err = _error(r, 413, "payload_too_large")
    assert "20 MB" in err["message_zh"] and "20 MB" in err["message_en"]


def test_body_limit_while_streaming_without_content_length(client: TestClient, bearer: Any) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"x" * 10_000  # 400 KB in all, no Content-Length (chunked)

    r = client.post("/api/v1/auth/tokens", content=chunks(),
                    headers={"Content-Type": "application/json", **bearer("hebei-office")})
    assert "content-length" not in r.request.headers
    _error(r, 413, "payload_too_large")


def test_small_bodies_pass(client: TestClient, bearer: Any) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"name": '
        yield b'"streamed"}'

    r = client.post("/api/v1/auth/tokens", content=chunks(),
                    headers={"Content-Type": "application/json", **bearer("hebei-office")})
    assert r.status_code == 201 and r.json()["name"] == "streamed"


def test_bad_content_length(client: TestClient) -> None:
    r = client.post("/api/v1/auth/login", content=b"{}",
                    headers={"Content-Type": "application/json", "Content-Length": "abc"})
    _error(r, 400, "bad_request")


# --- headers ----------------------------------------------------------------------------------------------

def test_security_headers(client: TestClient, bearer: Any) -> None:
    for r in (client.get("/api/v1/health"), client.get("/api/v1/nope"),
              client.get("/api/v1/datasets", headers=bearer("observer")), client.get("/api/v1/docs")):
        assert r.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "same-origin"
        assert r.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY


def test_static_assets_are_served_locally(client: TestClient) -> None:
    r = client.get("/static/vendor/echarts.min.js")
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    assert "cache-control" not in r.headers or r.headers["cache-control"] != "no-store"


def test_csrf_failures_are_audited(client: TestClient, login: Any, workspace: Any) -> None:
    login(client, "beijing-office")
    _error(client.post("/api/v1/grants", json={"grantor_region": "110000", "grantee_region": "130000"}), 403,
           "csrf_failed")
    rows, _ = workspace.accounts.list_audit(1, 20, actor="beijing-office", action="csrf", outcome="denied")
    assert rows and rows[0]["target"] == "POST /api/v1/grants"
