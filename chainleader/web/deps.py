"""Request dependencies: the workspace, who is asking (session cookie or API token), client address.

The principal is resolved once per request and kept on ``request.state`` (the security middleware
may already have resolved it to check the CSRF token of an unsafe request).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from fastapi import Request

from chainleader.governance.access import Principal
from chainleader.model.errors import AuthError
from chainleader.services.workspace import Workspace

__all__ = [
    "SESSION_COOKIE",
    "Auth",
    "client_ip",
    "csrf_token",
    "current_principal",
    "get_workspace",
    "require_principal",
    "resolve_auth",
]

SESSION_COOKIE = "cl_session"
TOKEN_PREFIX = "clt_"
_MAX_CREDENTIAL = 512  # longer cookies/tokens are not ours: refused without a database lookup


@dataclass(frozen=True)
class Auth:
    """How the request is authenticated: ``via`` is "cookie", "token" or "" (anonymous)."""

    principal: Principal | None
    via: str = ""
    csrf: str | None = None
    session_token: str | None = None


ANONYMOUS = Auth(None)


def get_workspace(request: Request) -> Workspace:
    ws = getattr(request.app.state, "workspace", None)
    if ws is None:
        raise RuntimeError("app.state.workspace is not set; build the app with chainleader.web.app.create_app")
    return ws  # type: ignore[no-any-return]


def client_ip(request: Request) -> str:
    """The client's address as the server saw it (a reverse proxy should pass it via uvicorn --proxy-headers)."""
    return request.client.host if request.client else ""


def bearer_token(request: Request) -> str | None:
    """The token of ``Authorization: Bearer <token>``, None without such a header."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def resolve_auth(request: Request) -> Auth:
    """Who is asking, resolved once per request (blocking: runs a database lookup).

    An ``Authorization: Bearer`` header wins over a session cookie; a wrong or revoked token is an
    error (401), a stale session cookie is simply anonymous (the user signs in again).
    """
    cached = getattr(request.state, "auth", None)
    if isinstance(cached, Auth):
        return cached
    auth = _resolve(request)
    request.state.auth = auth
    return auth


def _resolve(request: Request) -> Auth:
    accounts = get_workspace(request).accounts
    token = bearer_token(request)
    if token is not None:
        if not token.startswith(TOKEN_PREFIX) or len(token) > _MAX_CREDENTIAL:
            raise AuthError(
                "API 令牌格式不正确：应为 Authorization: Bearer clt_…（在“我的令牌”中创建）。 / "
                "malformed API token: send Authorization: Bearer clt_… (create one under your tokens)."
            )
        principal = accounts.token_principal(token)
        if principal is None:
            raise AuthError(
                "API 令牌无效或已撤销，请创建新的令牌。 / the API token is invalid or revoked; create a new one."
            )
        return Auth(dataclasses.replace(principal, ip=client_ip(request)), "token")
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie and len(cookie) <= _MAX_CREDENTIAL:
        found = accounts.session(cookie)
        if found is not None:
            principal, csrf = found
            return Auth(dataclasses.replace(principal, ip=client_ip(request)), "cookie", csrf, cookie)
    return ANONYMOUS


def current_principal(request: Request) -> Principal | None:
    """The signed-in user, or None for an anonymous request."""
    return resolve_auth(request).principal


def require_principal(request: Request) -> Principal:
    """The signed-in user; 401 when nobody is signed in."""
    principal = current_principal(request)
    if principal is None:
        had_cookie = SESSION_COOKIE in request.cookies
        raise AuthError(
            ("会话已过期或已退出，请重新登录。 / the session has expired or was closed; sign in again.")
            if had_cookie else
            ("请先登录（POST /api/v1/auth/login），或使用 Authorization: Bearer 令牌。 / "
             "sign in first (POST /api/v1/auth/login) or send an Authorization: Bearer token.")
        )
    return principal


def csrf_token(request: Request) -> str | None:
    """The CSRF token of the request's session (None for anonymous and token-authenticated requests)."""
    return resolve_auth(request).csrf
