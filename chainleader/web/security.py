"""Session cookies, CSRF enforcement, request body limits and security headers (docs/web.md).

``SecurityMiddleware`` is a plain ASGI middleware, outermost in the app, so it guards every route
(API and pages) the same way:

* **body limits** — 20 MB for ``multipart/form-data`` (uploads), 256 KB for everything else;
  checked on ``Content-Length`` before the app runs and again while the body streams in (a chunked
  request without a length is counted); an oversized request gets the 413 envelope naming the limit;
* **CSRF** — an unsafe request (POST/PUT/PATCH/DELETE) authenticated by the session cookie must carry
  the session's CSRF token in ``X-CSRF-Token`` or a ``csrf_token`` form field, else 403. Requests with
  an ``Authorization: Bearer`` token are exempt (browsers never attach that header on their own), as
  are the login endpoints (they are throttled instead);
* **headers** — a Content-Security-Policy allowing only same-origin scripts and styles (no inline
  script: pages put data in ``<script type="application/json">`` blocks), ``X-Content-Type-Options``,
  ``X-Frame-Options: DENY``, ``Referrer-Policy``; API answers are ``Cache-Control: no-store``.
"""

from __future__ import annotations

import hmac
import urllib.parse
from collections.abc import Iterable

from fastapi import Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from chainleader.model.errors import ChainleaderError
from chainleader.web.deps import SESSION_COOKIE, bearer_token, client_ip, get_workspace, resolve_auth
from chainleader.web.errors import INTERNAL_ERROR, error_response, library_error, log

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "CSRF_FORM_FIELD",
    "CSRF_HEADER",
    "JSON_BODY_LIMIT",
    "UPLOAD_BODY_LIMIT",
    "SecurityMiddleware",
    "clear_session_cookie",
    "set_session_cookie",
]

JSON_BODY_LIMIT = 256 * 1024
UPLOAD_BODY_LIMIT = 20 * 1024 * 1024
CSRF_HEADER = "x-csrf-token"
CSRF_FORM_FIELD = "csrf_token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_EXEMPT_PATHS = frozenset({"/api/v1/auth/login", "/login"})

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    ("cross-origin-opener-policy", "same-origin"),
)


# ---------------------------------------------------------------------------------------------
# cookies
# ---------------------------------------------------------------------------------------------

def set_session_cookie(response: Response, token: str, *, secure: bool) -> None:
    """Put the session token in ``cl_session``: HttpOnly, SameSite=Strict, Path=/, Secure over https.

    A browser-session cookie (no Max-Age): the server ends the session after 8 h idle
    (``services.accounts``), so an active user is not signed out 8 h after signing in, and closing the
    browser drops the cookie.
    """
    response.set_cookie(SESSION_COOKIE, token, path="/", secure=secure, httponly=True, samesite="strict")


def clear_session_cookie(response: Response, *, secure: bool = False) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure, httponly=True, samesite="strict")


# ---------------------------------------------------------------------------------------------
# the middleware
# ---------------------------------------------------------------------------------------------

def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


class _TooLarge(Exception):
    pass


def _content_type(scope: Scope) -> str:
    for k, v in scope.get("headers", ()):
        if k == b"content-type":
            return v.decode("latin-1").split(";", 1)[0].strip().lower()
    return ""


def body_limit(scope: Scope) -> int:
    return UPLOAD_BODY_LIMIT if _content_type(scope) == "multipart/form-data" else JSON_BODY_LIMIT


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, *, exempt_paths: Iterable[str] = CSRF_EXEMPT_PATHS) -> None:
        self.app = app
        self.exempt_paths = frozenset(exempt_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        is_api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS:
                    if k not in headers:
                        headers[k] = v
                if is_api and "cache-control" not in headers:
                    headers["cache-control"] = "no-store"
            await send(message)

        limit = body_limit(scope)
        length = request.headers.get("content-length")
        if length is not None:
            if not length.isdigit():
                await self._reject(request, send_with_headers, 400, "bad_request",
                                   "Content-Length 请求头不是有效数字。", "The Content-Length header is not a number.")
                return
            if int(length) > limit:
                await self._too_large(request, send_with_headers, limit)
                return

        state = {"received": 0, "too_large": False, "started": False}

        async def counted_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["too_large"] = True
                    raise _TooLarge()
            return message

        app_receive: Receive = counted_receive
        if scope["method"] in UNSAFE_METHODS and scope["path"] not in self.exempt_paths:
            try:
                replay = await self._check_csrf(request, counted_receive)
            except _TooLarge:
                await self._too_large(request, send_with_headers, limit)
                return
            except ChainleaderError as exc:  # e.g. the database is down: answered here with the envelope
                status, code, zh, en, details, headers = library_error(exc)
                await self._reject(request, send_with_headers, status, code, zh, en, details, headers)
                return
            except Exception:
                log.exception("CSRF check failed on %s %s", scope["method"], scope["path"])
                await self._reject(request, send_with_headers, 500, "internal_error", *INTERNAL_ERROR)
                return
            if replay is False:
                await self._reject(
                    request, send_with_headers, 403, "csrf_failed",
                    "缺少或错误的 CSRF 令牌：使用会话 Cookie 的修改请求必须在 X-CSRF-Token 请求头或表单字段 "
                    "csrf_token 中带上本会话的令牌（登录或 GET /api/v1/auth/me 时返回）。请刷新页面后重试。",
                    "Missing or wrong CSRF token: a modifying request authenticated by the session cookie must "
                    "carry the session's token in the X-CSRF-Token header or the csrf_token form field (returned "
                    "by login and GET /api/v1/auth/me). Reload the page and try again.")
                return
            if isinstance(replay, bytes):
                app_receive = _replaying(replay, counted_receive)

        async def guarded_send(message: Message) -> None:
            if state["too_large"]:
                return  # the app's own answer to the cut-off body is replaced by the 413 below
            if message["type"] == "http.response.start":
                state["started"] = True
            await send_with_headers(message)

        try:
            await self.app(scope, app_receive, guarded_send)
        except _TooLarge:
            pass
        except Exception:
            # Starlette's ServerErrorMiddleware re-raises after it sent the 500 envelope (our handler
            # logged it with the request); anything raised before an answer was sent gets one here.
            if not state["started"] and not state["too_large"]:
                log.exception("unexpected error on %s %s", scope["method"], scope["path"])
                await self._reject(request, send_with_headers, 500, "internal_error", *INTERNAL_ERROR)
            elif not state["too_large"]:
                raise
        if state["too_large"] and not state["started"]:
            await self._too_large(request, send_with_headers, limit)

    async def _check_csrf(self, request: Request, receive: Receive) -> bytes | bool | None:
        """False: refuse. True/None: go on (None: nothing to check). bytes: go on, replaying this body."""
        if bearer_token(request) is not None or SESSION_COOKIE not in request.cookies:
            return None
        auth = await run_in_threadpool(resolve_auth, request)
        if auth.via != "cookie" or not auth.csrf:
            return None  # a stale cookie: the request is anonymous and the route answers 401 if it must
        sent = request.headers.get(CSRF_HEADER)
        ctype = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        body: bytes | None = None
        if sent is not None:
            ok = _same(sent, auth.csrf)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            body = await _read_body(receive)  # read here (counted against the limit), replayed to the app
            field = await _form_field(request, body, ctype)
            ok = field is not None and _same(field, auth.csrf)
        else:
            ok = False
        if not ok:  # audited: a forged or stale form is a denied access of a signed-in user
            assert auth.principal is not None
            await run_in_threadpool(
                get_workspace(request).accounts.audit, auth.principal.username, "csrf",
                f"{request.method} {request.url.path}", "denied", client_ip(request))
            return False
        return body if body is not None else True

    async def _too_large(self, request: Request, send: Send, limit: int) -> None:
        kind_zh, kind_en = (("上传文件", "uploads") if limit == UPLOAD_BODY_LIMIT else ("请求体", "request bodies"))
        await self._reject(
            request, send, 413, "payload_too_large",
            f"请求体过大：{kind_zh}不得超过 {_mb(limit)}。请缩小文件（如拆分数据、去掉无关工作表）后重试。",
            f"Request body too large: {kind_en} are limited to {_mb(limit)}. Make the file smaller (split the "
            "data, drop unrelated sheets) and try again.",
            [{"limit": f"{_mb(limit)}", "limit_bytes": limit}])

    async def _reject(self, request: Request, send: Send, status: int, code: str, zh: str, en: str,
                      details: list[dict[str, object]] | None = None,
                      headers: dict[str, str] | None = None) -> None:
        response = error_response(request, status, code, zh, en, details or [], headers)
        response.headers["connection"] = "close"  # the rest of the body is not read

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(request.scope, no_body, send)


def _same(sent: str, expected: str) -> bool:
    return hmac.compare_digest(sent.encode("utf-8", "replace"), expected.encode("utf-8", "replace"))


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _form_field(request: Request, body: bytes, ctype: str) -> str | None:
    if ctype == "application/x-www-form-urlencoded":
        values = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).get(CSRF_FORM_FIELD)
        return values[0] if values else None
    form_request = Request(request.scope, _replaying(body, _disconnected))
    try:
        async with form_request.form(max_files=10, max_fields=200) as form:
            value = form.get(CSRF_FORM_FIELD)
            return value if isinstance(value, str) else None
    except Exception:  # malformed multipart: no readable token, refused as a CSRF failure
        return None


async def _disconnected() -> Message:
    return {"type": "http.disconnect"}
