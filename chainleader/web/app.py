"""The FastAPI application: JSON API under /api/v1, the Jinja pages, static assets (docs/web.md).

    >>> from chainleader.web.app import create_app
    >>> app = create_app(db_url="sqlite:///chainleader.sqlite")   # uvicorn.run(app)

The app only maps HTTP to ``services``: the ``Workspace`` (payloads, redacted per principal) lives on
``app.state.workspace``; errors become one envelope (``web.errors``); cookies, CSRF, body limits and
security headers are ``web.security``'s, applied outermost so every answer — 500s included — gets them.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp

import chainleader
from chainleader.services.workspace import Workspace
from chainleader.web.api import API_PREFIX, OPENAPI_URL, build_router
from chainleader.web.errors import install_error_handlers
from chainleader.web.pages import render_error
from chainleader.web.pages import router as pages_router
from chainleader.web.security import SecurityMiddleware

__all__ = ["ENV_SECURE_COOKIES", "ENV_WARM", "STATIC_DIR", "app_from_env", "create_app"]

STATIC_DIR = Path(__file__).parent / "static"
ENV_DB = "CHAINLEADER_DB"
ENV_SECURE_COOKIES = "CHAINLEADER_SECURE_COOKIES"
ENV_WARM = "CHAINLEADER_WARM"
ENV_LP = "CHAINLEADER_LP"
log = logging.getLogger("chainleader.web")

DESCRIPTION = (
    "产业链供应链韧性平台（链长制）的 JSON 接口：产业链概览、图谱、省域分布、风险清单、情景模拟、数据与管理。"
    "企业级数据按地区与共享授权脱敏；列表分页（page_size ≤ 200）；所有错误使用同一 error 信封。\n\n"
    "JSON API of the chain-leader resilience platform: chain overview, chain map, province tiles, risk register, "
    "scenarios, data and administration. Enterprise-level data are redacted by region and sharing grants; lists "
    "are paginated (page_size ≤ 200); every error uses one error envelope."
)


class ChainleaderApp(FastAPI):
    """FastAPI with the security middleware outside Starlette's error middleware."""

    def build_middleware_stack(self) -> ASGIApp:
        return SecurityMiddleware(super().build_middleware_stack())


def create_app(workspace: Workspace | None = None, *, db_url: str | None = None,
               secure_cookies: bool = False, warm: bool = False, with_lp: bool = True) -> FastAPI:
    """The web application over ``workspace`` (or a new ``Workspace(db_url)``, closed on shutdown).

    ``secure_cookies``: mark the session cookie Secure (serve over https, or behind a TLS proxy).
    ``warm``: assess every stored chain at startup, before the first request is answered.
    ``with_lp``: include the TTR/TTS stress-test LPs in the assessments of a new workspace (one LP per product,
    enterprise and province: minutes on datasets of 10⁴ firms and more; the other metrics are unaffected).
    """
    owned = workspace is None
    ws = Workspace(db_url, with_lp=with_lp) if workspace is None else workspace

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if warm:
            started = time.monotonic()
            await run_in_threadpool(ws.warm)
            log.info("assessed every stored chain in %.1f s", time.monotonic() - started)
        try:
            yield
        finally:
            if owned:
                ws.close()

    app = ChainleaderApp(
        title="chainleader 链长制产业链韧性平台",
        version=chainleader.__version__,
        description=DESCRIPTION,
        openapi_url=OPENAPI_URL,
        docs_url=None,  # served by web.api.docs without CDN assets or inline script
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    app.state.workspace = ws
    app.state.secure_cookies = secure_cookies
    app.state.render_html_error = render_error
    install_error_handlers(app)
    app.include_router(build_router(), prefix=API_PREFIX)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages_router)
    return app


def app_from_env() -> FastAPI:
    """The app configured from the environment — the factory ``chainleader serve`` hands to uvicorn, and the
    one to deploy with ``uvicorn --factory chainleader.web.app:app_from_env``.

    ``CHAINLEADER_DB`` (database URL; default the embedded SQLite in ``CHAINLEADER_HOME``),
    ``CHAINLEADER_SECURE_COOKIES=1`` (behind https), ``CHAINLEADER_WARM=1`` (assess every chain at startup),
    ``CHAINLEADER_LP=0`` (skip the stress-test LPs on very large datasets; default on).
    """
    lp = os.environ.get(ENV_LP, "1").strip().lower() not in ("0", "false", "no", "off")
    return create_app(db_url=os.environ.get(ENV_DB) or None,
                      secure_cookies=_flag(ENV_SECURE_COOKIES), warm=_flag(ENV_WARM), with_lp=lp)


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")
