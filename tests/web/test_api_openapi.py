"""The OpenAPI document: it loads, every parameter is bounded, the docs page needs no CDN, and
schemathesis finds no server error (docs/web.md, "API discipline")."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    import schemathesis
    from schemathesis.checks import not_a_server_error

from chainleader.services.datasets import bundled_path, import_into_store
from chainleader.services.views.pages import SORTS
from chainleader.services.workspace import Workspace
from chainleader.web.api import api_routes


@pytest.fixture(scope="module")
def openapi(app: FastAPI) -> dict[str, Any]:
    r = TestClient(app).get("/api/v1/openapi.json")
    assert r.status_code == 200
    return dict(r.json())


def _bounded(schema: dict[str, Any], where: str) -> list[str]:
    """Problems: integers without minimum and maximum, strings without maxLength/enum/format."""
    problems: list[str] = []
    if "anyOf" in schema:
        for sub in schema["anyOf"]:
            problems += _bounded(sub, where)
        return problems
    typ = schema.get("type")
    if typ == "integer" and not ({"minimum", "exclusiveMinimum"} & set(schema)
                                 and {"maximum", "exclusiveMaximum"} & set(schema)):
        problems.append(f"{where}: integer without bounds")
    # a file part (contentMediaType / format binary) is bounded by the 20 MB body limit of the middleware
    if typ == "string" and not ({"maxLength", "enum", "const", "contentMediaType"} & set(schema)
                                or schema.get("format") in ("date-time", "binary")):
        problems.append(f"{where}: string without maxLength")
    if typ == "array":
        if "maxItems" not in schema:
            problems.append(f"{where}: array without maxItems")
        problems += _bounded(schema.get("items", {}), f"{where}[]")
    return problems


def test_openapi_loads(openapi: dict[str, Any]) -> None:
    assert openapi["openapi"].startswith("3.")
    assert openapi["info"]["title"].startswith("chainleader")
    assert "/api/v1/chains/{ds}/{chain}/register" in openapi["paths"]
    assert not any(p.startswith("/api/v1/docs") or not p.startswith("/api/v1/") for p in openapi["paths"])
    assert "ErrorEnvelope" in openapi["components"]["schemas"]


def test_every_parameter_is_bounded(openapi: dict[str, Any]) -> None:
    problems = []
    n = 0
    for path, item in openapi["paths"].items():
        for method, op in item.items():
            for prm in op.get("parameters", []):
                n += 1
                problems += _bounded(prm["schema"], f"{method.upper()} {path} {prm['name']}")
    assert n > 50 and problems == []


def test_every_request_body_field_is_bounded(openapi: dict[str, Any]) -> None:
    schemas = openapi["components"]["schemas"]
    bodies = set()
    for item in openapi["paths"].values():
        for op in item.values():
            for content in op.get("requestBody", {}).get("content", {}).values():
                bodies.add(content["schema"]["$ref"].rsplit("/", 1)[-1])
    assert {"LoginIn", "TokenIn", "RunIn", "UserIn", "UserPatch", "GrantIn"} <= bodies
    problems = []
    for name in bodies:
        for field, spec in schemas[name].get("properties", {}).items():
            problems += _bounded(spec, f"{name}.{field}")
    assert problems == []


def test_every_operation_documents_the_error_envelope(openapi: dict[str, Any]) -> None:
    for path, item in openapi["paths"].items():
        for method, op in item.items():
            for status in ("401", "403", "404", "422", "500"):
                ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                assert ref.endswith("/ErrorEnvelope"), (method, path, status)


def test_register_sort_keys_are_the_services(openapi: dict[str, Any]) -> None:
    params = openapi["paths"]["/api/v1/chains/{ds}/{chain}/register"]["get"]["parameters"]
    sort = next(p for p in params if p["name"] == "sort")
    assert tuple(sort["schema"]["enum"]) == SORTS


def test_docs_page_is_self_contained(client: TestClient, openapi: dict[str, Any]) -> None:
    r = client.get("/api/v1/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert "<script" not in html and "<style" not in html and "style=" not in html
    assert "http://" not in html and "https://" not in html and "cdn" not in html.lower()
    for method, path in api_routes():
        if path not in ("/api/v1/docs", "/api/v1/openapi.json"):
            assert f"{method} {path}" in html, (method, path)
    assert "maximum=200" in html and "ErrorEnvelope" in html


# --- schemathesis ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, str]]]:
    """An app on its own database (fuzzing creates users, tokens and grants, and fails logins)."""
    from chainleader.web.app import create_app

    url = f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite'}"
    import_into_store(bundled_path("nev-jjj"), url, name="nev-jjj")
    ws = Workspace(url, with_lp=False)
    admin = ws.accounts.create_user("fuzz-admin", "fuzz-admin-password", "admin")
    ws.accounts.create_user("fuzz-office", "fuzz-office-password", "office", regions=["130000"])
    for i in range(20):  # low token ids belong to decoys: fuzzed DELETE /auth/tokens/1 revokes a decoy
        ws.accounts.create_token(admin, f"decoy {i}")
    _, token = ws.accounts.create_token(admin, "schemathesis")
    try:
        yield create_app(ws), {"Authorization": f"Bearer {token}"}
    finally:
        ws.close()


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_target: tuple[FastAPI, dict[str, str]]) -> Any:
    app, _ = fuzz_target
    return schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)


# Every operation of the schema (the docs page and openapi.json itself are not operations).
OPERATIONS = [mp for mp in api_routes() if mp[1] not in ("/api/v1/docs", "/api/v1/openapi.json")]
# Slow operations (PDF rendering ~6 s a call, background Monte Carlo runs) are fuzzed by the slow variant only.
SLOW_OPERATIONS = {("GET", "/api/v1/chains/{ds}/{chain}/report"), ("POST", "/api/v1/runs")}
QUICK = [mp for mp in OPERATIONS if mp not in SLOW_OPERATIONS]


def _fuzz(schema: Any, method: str, path: str, headers: dict[str, str], max_examples: int) -> None:
    operation = schema[path][method]

    @settings(max_examples=max_examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    run()


@pytest.mark.parametrize(("method", "path"), QUICK, ids=[f"{m} {p}" for m, p in QUICK])
def test_no_server_errors(fuzz_schema: Any, fuzz_target: tuple[FastAPI, dict[str, str]], method: str,
                          path: str) -> None:
    """schemathesis-generated requests (authenticated as an administrator) never get a 5xx."""
    _fuzz(fuzz_schema, method, path, fuzz_target[1], max_examples=10)


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_errors_exhaustive(fuzz_schema: Any, fuzz_target: tuple[FastAPI, dict[str, str]], method: str,
                                     path: str) -> None:
    _fuzz(fuzz_schema, method, path, fuzz_target[1], max_examples=100)
