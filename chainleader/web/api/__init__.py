"""The JSON API under /api/v1 (docs/web.md): one router per area, one error envelope, bounded parameters."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute

import chainleader
from chainleader.web.api import admin, auth, chains, datasets, docs, scenarios
from chainleader.web.api.schemas import Health
from chainleader.web.errors import ERROR_RESPONSES

__all__ = ["API_PREFIX", "OPENAPI_URL", "PUBLIC_API_ROUTES", "api_routes", "build_router"]

API_PREFIX = "/api/v1"
OPENAPI_URL = f"{API_PREFIX}/openapi.json"
DOCS_URL = f"{API_PREFIX}/docs"

#: Routes answered without signing in: health, login, and the API's own description (no data).
PUBLIC_API_ROUTES: frozenset[tuple[str, str]] = frozenset({
    ("GET", f"{API_PREFIX}/health"),
    ("POST", f"{API_PREFIX}/auth/login"),
    ("GET", OPENAPI_URL),
    ("GET", DOCS_URL),
})

health_router = APIRouter(tags=["meta"])


@health_router.get("/health", response_model=Health, summary="健康检查 / health check")
def health() -> Health:
    """Liveness for load balancers and monitoring; no sign-in, no data."""
    return Health(status="ok", version=chainleader.__version__)


#: The area routers (leaf routers: their routes carry their full path below ``API_PREFIX``).
ROUTERS: tuple[APIRouter, ...] = (health_router, auth.router, datasets.router, chains.router, scenarios.router,
                                  admin.router, docs.router)


def build_router() -> APIRouter:
    """All API routes, to be included under ``API_PREFIX``."""
    router = APIRouter(responses=ERROR_RESPONSES)
    for area in ROUTERS:
        router.include_router(area)
    return router


def api_routes() -> list[tuple[str, str]]:
    """Every (method, path) the API answers, sorted by path — the isolation matrix test checks it covers them all.

    Includes the public ones (``PUBLIC_API_ROUTES``: health, login, openapi.json, docs).
    """
    out = {("GET", OPENAPI_URL)}
    for area in ROUTERS:
        for route in area.routes:
            if not isinstance(route, APIRoute):
                raise TypeError(f"unexpected route type in the API routers: {route!r}")
            out.update((method, API_PREFIX + route.path) for method in route.methods or () if method != "HEAD")
    return sorted(out, key=lambda mp: (mp[1], mp[0]))
