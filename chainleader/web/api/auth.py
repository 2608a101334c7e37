"""Sign in and out, who am I, API tokens (docs/web.md: sessions, CSRF, tokens, throttling)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from chainleader.web.api.common import User, Ws
from chainleader.web.api.params import IntIdPath, PageQ, PageSizeQ, as_page
from chainleader.web.api.schemas import LoginIn, LoginOut, MeOut, Ok, Page, TokenCreated, TokenIn, UserOut
from chainleader.web.deps import SESSION_COOKIE, client_ip, resolve_auth
from chainleader.web.security import clear_session_cookie, set_session_cookie

__all__ = ["router"]

router = APIRouter(prefix="/auth", tags=["auth 登录与令牌"])


@router.post("/login", response_model=LoginOut, summary="登录 / sign in")
def login(body: LoginIn, request: Request, response: Response, ws: Ws) -> LoginOut:
    """Checks the password (5 failures per user or address in 15 min → 429), opens a session, sets the
    ``cl_session`` cookie and returns the session's CSRF token."""
    ip = client_ip(request)
    principal = ws.accounts.authenticate(body.username, body.password, ip)
    token, csrf = ws.accounts.open_session(principal, ip)
    set_session_cookie(response, token, secure=request.app.state.secure_cookies)
    return LoginOut(user=UserOut.of(principal), csrf_token=csrf)


@router.post("/logout", response_model=Ok, summary="退出登录 / sign out")
def logout(request: Request, response: Response, user: User, ws: Ws) -> Ok:
    auth = resolve_auth(request)
    if auth.via == "cookie" and auth.session_token:
        ws.accounts.close_session(auth.session_token)
    if SESSION_COOKIE in request.cookies:
        clear_session_cookie(response, secure=request.app.state.secure_cookies)
    return Ok()


@router.get("/me", response_model=MeOut, summary="当前用户 / who am I")
def me(request: Request, user: User) -> MeOut:
    auth = resolve_auth(request)
    return MeOut(user=UserOut.of(user), csrf_token=auth.csrf, auth=auth.via)


@router.get("/tokens", response_model=Page, summary="我的 API 令牌 / my API tokens")
def list_tokens(user: User, ws: Ws, page: PageQ = 1, page_size: PageSizeQ = 50) -> dict[str, object]:
    return as_page(ws.accounts.list_tokens(user), page, page_size)


@router.post("/tokens", response_model=TokenCreated, status_code=201, summary="创建 API 令牌 / create an API token")
def create_token(body: TokenIn, user: User, ws: Ws) -> TokenCreated:
    token_id, plaintext = ws.accounts.create_token(user, body.name)
    return TokenCreated(id=token_id, name=body.name, token=plaintext)


@router.delete("/tokens/{token_id}", response_model=Ok, summary="撤销 API 令牌 / revoke an API token")
def revoke_token(token_id: IntIdPath, user: User, ws: Ws) -> Ok:
    ws.accounts.revoke_token(user, token_id)
    return Ok()

