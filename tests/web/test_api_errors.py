"""The one error envelope, pinned for every status the platform answers with (docs/web.md)."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from chainleader.model.errors import AuthError, LimitError, NotFoundError, StoreError, ThrottledError
from chainleader.web.app import create_app
from chainleader.web.errors import split_message, wants_html

ENVELOPE_KEYS = {"status", "code", "message_zh", "message_en", "details"}


def envelope(r: Any, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert list(body) == ["error"] and set(body["error"]) == ENVELOPE_KEYS
    err = body["error"]
    assert err["status"] == status and err["code"] == code and isinstance(err["details"], list)
    assert err["message_zh"] and err["message_en"]
    return dict(err)


def test_401_anonymous(client: TestClient) -> None:
    err = envelope(client.get("/api/v1/auth/me"), 401, "unauthenticated")
    assert err == {"status": 401, "code": "unauthenticated",
                   "message_zh": "请先登录（POST /api/v1/auth/login），或使用 Authorization: Bearer 令牌。",
                   "message_en": "sign in first (POST /api/v1/auth/login) or send an Authorization: Bearer token.",
                   "details": []}


def test_401_malformed_and_unknown_tokens(client: TestClient) -> None:
    err = envelope(client.get("/api/v1/datasets", headers={"Authorization": "Bearer nonsense"}), 401,
                   "unauthenticated")
    assert "clt_" in err["message_zh"]
    envelope(client.get("/api/v1/datasets", headers={"Authorization": "Bearer clt_unknown"}), 401, "unauthenticated")
    envelope(client.get("/api/v1/datasets", headers={"Authorization": "Bearer " + "clt_" + "x" * 600}), 401,
             "unauthenticated")


def test_403_role(client: TestClient, bearer: Any) -> None:
    err = envelope(client.get("/api/v1/admin/audit", headers=bearer("observer")), 403, "forbidden")
    assert "只读观察员" in err["message_zh"] and "Read-only observer" in err["message_en"]


def test_404_unknown_route(client: TestClient) -> None:
    err = envelope(client.get("/api/v1/no/such/route"), 404, "not_found")
    assert "/api/v1/no/such/route" in err["message_zh"] and "/api/v1/docs" in err["message_en"]


def test_404_unknown_id(client: TestClient, bearer: Any) -> None:
    err = envelope(client.get("/api/v1/chains/nev-jjj/nev/nodes/P_NOT_THERE", headers=bearer("observer")), 404,
                   "not_found")
    assert err["message_zh"].startswith("产品 'P_NOT_THERE' 不在产业链")
    assert err["message_en"].startswith("product 'P_NOT_THERE' is not in chain")


def test_405_wrong_method(client: TestClient) -> None:
    r = client.delete("/api/v1/health")
    err = envelope(r, 405, "method_not_allowed")
    assert "GET" in r.headers["allow"] and "DELETE" in err["message_en"] and "GET" in err["message_zh"]


def test_413_body_too_large(client: TestClient) -> None:
    r = client.post("/api/v1/auth/login", content=b"{" + b" " * (300 * 1024) + b"}",
                    headers={"Content-Type": "application/json"})
    err = envelope(r, 413, "payload_too_large")
    assert "256 KB" in err["message_zh"] and "256 KB" in err["message_en"]
    assert err["details"] == [{"limit": "256 KB", "limit_bytes": 256 * 1024}]


def test_422_request_validation(client: TestClient, bearer: Any) -> None:
    r = client.get("/api/v1/datasets", params={"page_size": 201, "page": 0}, headers=bearer("observer"))
    err = envelope(r, 422, "invalid_request")
    by_field = {d["field"]: d for d in err["details"]}
    assert by_field["page_size"]["message_zh"] == "须不大于 200"
    assert by_field["page_size"]["constraints"] == {"le": 200}
    assert by_field["page_size"]["location"] == ["query", "page_size"]
    assert by_field["page"]["message_zh"] == "须不小于 1"
    assert "2 处" in err["message_zh"] and "2 request parameter(s)" in err["message_en"]


def test_422_malformed_json(client: TestClient) -> None:
    r = client.post("/api/v1/auth/login", content=b'{"username": ', headers={"Content-Type": "application/json"})
    err = envelope(r, 422, "invalid_request")
    assert err["details"][0]["type"] == "json_invalid" and err["details"][0]["message_zh"] == "不是有效的 JSON"


def test_429_throttled_login(client_at: Any, workspace: Any) -> None:
    workspace.accounts.create_user("throttled-user", "throttle-password-1", "observer")
    c = client_at()
    for _ in range(5):
        envelope(c.post("/api/v1/auth/login", json={"username": "throttled-user", "password": "wrong-password"}),
                 401, "unauthenticated")
    # from now on even the right password is refused, without checking it, until the window passes
    r = c.post("/api/v1/auth/login", json={"username": "throttled-user", "password": "throttle-password-1"})
    err = envelope(r, 429, "throttled")
    retry = int(r.headers["retry-after"])
    assert 0 < retry <= 15 * 60
    assert err["details"] == [{"retry_after": retry}]
    assert "分钟后再试" in err["message_zh"] and "retry in" in err["message_en"]
    # another address is throttled for this username too (per-username counter)
    envelope(client_at().post("/api/v1/auth/login", json={"username": "throttled-user",
                                                          "password": "throttle-password-1"}), 429, "throttled")


@pytest.fixture(scope="module")
def raising_app(workspace: Any) -> FastAPI:
    """The real app plus test-only routes that raise."""
    app = create_app(workspace)

    @app.get("/api/v1/test-only/boom")
    def boom() -> None:
        raise RuntimeError("secret internals: password=hunter2 at /srv/db")

    @app.get("/api/v1/test-only/limit")
    def limit() -> None:
        raise LimitError("模拟规模超过上限 1000 / simulation size exceeds the limit of 1000", limit="sites", status=413)

    @app.get("/api/v1/test-only/throttled")
    def throttled() -> None:
        raise ThrottledError("稍后再试 / try again later", retry_after=7)

    @app.get("/api/v1/test-only/store")
    def store() -> None:
        raise StoreError("数据库连接失败 postgresql://u:pw@db / cannot reach postgresql://u:pw@db")

    @app.get("/api/v1/test-only/not-found")
    def not_found() -> None:
        raise NotFoundError("没有这个 / no such thing")

    @app.get("/test-only/page-auth")
    def page_auth() -> None:
        raise AuthError("请登录 / sign in")

    return app


def test_500_unexpected_error_is_logged_and_answered_without_internals(
        raising_app: FastAPI, caplog: pytest.LogCaptureFixture) -> None:
    c = TestClient(raising_app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="chainleader.web"):
        r = c.get("/api/v1/test-only/boom")
    err = envelope(r, 500, "internal_error")
    assert "hunter2" not in r.text and "secret" not in r.text and "RuntimeError" not in r.text
    assert "服务器内部错误" in err["message_zh"] and "server log" in err["message_en"]
    assert r.headers["x-content-type-options"] == "nosniff"  # security headers on 500s too
    logged = [rec for rec in caplog.records if rec.name == "chainleader.web"]
    assert logged and logged[0].exc_info and "hunter2" in str(logged[0].exc_info[1])


def test_library_errors_map_to_statuses(raising_app: FastAPI) -> None:
    c = TestClient(raising_app, raise_server_exceptions=False)
    err = envelope(c.get("/api/v1/test-only/limit"), 413, "limit_exceeded")
    assert err["details"] == [{"limit": "sites"}] and err["message_en"] == "simulation size exceeds the limit of 1000"
    r = c.get("/api/v1/test-only/throttled")
    envelope(r, 429, "throttled")
    assert r.headers["retry-after"] == "7"
    r = c.get("/api/v1/test-only/store")
    err = envelope(r, 503, "store_unavailable")
    assert "pw@db" not in r.text and r.headers["retry-after"] == "30"
    assert envelope(c.get("/api/v1/test-only/not-found"), 404, "not_found")["message_zh"] == "没有这个"


def test_page_requests_get_the_html_error_page(raising_app: FastAPI) -> None:
    c = TestClient(raising_app, raise_server_exceptions=False)
    r = c.get("/no/such/page", headers={"Accept": "text/html,application/xhtml+xml"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    r = c.get("/test-only/page-auth", headers={"Accept": "text/html"})
    assert r.status_code == 401 and r.headers["content-type"].startswith("text/html")
    # the API answers JSON even to a browser
    envelope(c.get("/api/v1/no/such", headers={"Accept": "text/html"}), 404, "not_found")
    # and a non-browser client of a page path gets JSON
    envelope(c.get("/no/such/page", headers={"Accept": "application/json"}), 404, "not_found")


def test_wants_html() -> None:
    from starlette.requests import Request

    def req(path: str, accept: str) -> Request:
        return Request({"type": "http", "method": "GET", "path": path, "query_string": b"",
                        "headers": [(b"accept", accept.encode())]})

    assert wants_html(req("/chains/x", "text/html,*/*"))
    assert not wants_html(req("/api/v1/x", "text/html"))
    assert not wants_html(req("/api", "text/html"))
    assert not wants_html(req("/chains/x", "application/json"))


@pytest.mark.parametrize(("text", "zh", "en"), [
    ("中文说明 / English text", "中文说明", "English text"),
    ("产业链（a / b）不存在 / chain (a / b) does not exist", "产业链（a / b）不存在", "chain (a / b) does not exist"),
    ("数据集 nev-jjj / 京津冀 不存在 / dataset nev-jjj does not exist", "数据集 nev-jjj / 京津冀 不存在",
     "dataset nev-jjj does not exist"),
    ("only English", "only English", "only English"),
    ("只有中文", "只有中文", "只有中文"),
])
def test_split_message(text: str, zh: str, en: str) -> None:
    assert split_message(text) == (zh, en)
