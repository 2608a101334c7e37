"""One error envelope for every 4xx/5xx the web platform answers (docs/web.md).

``{"error": {"status", "code", "message_zh", "message_en", "details": [...]}}`` — for chainleader's
own exceptions, for FastAPI/Starlette's (unknown route, wrong method, request validation) and for
unexpected ones (500, logged with the traceback, answered without internals). Page requests
(``Accept: text/html`` outside ``/api/``) get the HTML error page of ``web.pages`` instead, through
the renderer ``create_app`` stores on ``app.state.render_html_error``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from chainleader.model.errors import (
    AuthError,
    ChainleaderError,
    ConfigError,
    LimitError,
    NotFoundError,
    PermissionDenied,
    StoreError,
    ThrottledError,
    ValidationError,
)

__all__ = [
    "ErrorBody",
    "ErrorEnvelope",
    "HtmlErrorRenderer",
    "error_response",
    "install_error_handlers",
    "library_error",
    "split_message",
    "wants_html",
]

log = logging.getLogger("chainleader.web")

HtmlErrorRenderer = Callable[[Request, int, str, str, str], Response]

API_PREFIX = "/api/"
MAX_DETAILS = 200  # a validation report can hold many thousand problems; the envelope carries the first ones


class ErrorBody(BaseModel):
    status: int = Field(description="HTTP 状态码 / HTTP status code")
    code: str = Field(description="机器可读的错误代码 / machine-readable error code, e.g. not_found")
    message_zh: str = Field(description="中文说明：哪里错了、如何修正 / what is wrong and how to fix it, in Chinese")
    message_en: str = Field(description="English: what is wrong and how to fix it")
    details: list[dict[str, Any]] = Field(default_factory=list, description="located problems / 定位到的问题")


class ErrorEnvelope(BaseModel):
    error: ErrorBody


# ---------------------------------------------------------------------------------------------
# messages
# ---------------------------------------------------------------------------------------------

_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def split_message(text: str) -> tuple[str, str]:
    """Split a library message written as ``"中文 / English"`` into (zh, en).

    The split is at the first ``" / "`` with Chinese before it and an English-looking part after it
    (starting with an ASCII character, fewer CJK characters than the Chinese part). A message
    without such a separator is returned as both languages.
    """
    text = str(text).strip()
    start = 0
    while True:
        i = text.find(" / ", start)
        if i < 0:
            return text, text
        left, right = text[:i].strip(), text[i + 3 :].strip()
        n_left, n_right = len(_CJK.findall(left)), len(_CJK.findall(right))
        if n_left and right and right[0].isascii() and n_right < n_left:
            return left, right
        start = i + 3


def wants_html(request: Request) -> bool:
    """Whether the client is a browser asking for a page (``Accept: text/html``, not under ``/api/``)."""
    if request.url.path.startswith(API_PREFIX) or request.url.path == API_PREFIX.rstrip("/"):
        return False
    accept = request.headers.get("accept", "")
    return "text/html" in accept.lower()


def envelope(status: int, code: str, message_zh: str, message_en: str,
             details: Sequence[Mapping[str, Any]] = ()) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message_zh": message_zh, "message_en": message_en,
                      "details": [dict(d) for d in details][:MAX_DETAILS]}}


def error_response(request: Request, status: int, code: str, message_zh: str, message_en: str,
                   details: Sequence[Mapping[str, Any]] = (), headers: Mapping[str, str] | None = None) -> Response:
    """The envelope as a JSON response, or the HTML error page for a browser asking for a page."""
    if wants_html(request):
        render: HtmlErrorRenderer | None = getattr(getattr(request.app, "state", None), "render_html_error", None)
        if render is not None:
            try:
                page = render(request, status, code, message_zh, message_en)
            except Exception:  # the error page itself failed: answer with the envelope, never a bare 500
                log.exception("HTML error page failed for %s %s", request.method, request.url.path)
            else:
                page.status_code = status
                for k, v in (headers or {}).items():
                    page.headers[k] = v
                return page
    return JSONResponse(envelope(status, code, message_zh, message_en, details), status_code=status,
                        headers=dict(headers or {}))


# ---------------------------------------------------------------------------------------------
# chainleader exceptions
# ---------------------------------------------------------------------------------------------

def library_error(exc: ChainleaderError) -> tuple[int, str, str, str, list[dict[str, Any]], dict[str, str]]:
    """(status, code, message_zh, message_en, details, headers) of a chainleader exception."""
    zh, en = split_message(str(exc))
    details: list[dict[str, Any]] = []
    headers: dict[str, str] = {}
    if isinstance(exc, ValidationError):
        n_err, n_warn = len(exc.report.errors), len(exc.report.warnings)
        src = f"{exc.source}: " if exc.source else ""
        zh = (f"{src}数据被拒绝：发现 {n_err} 个错误、{n_warn} 个警告，未写入任何数据。"
              "请按 details 中每一行的说明修正文件后重新上传。")
        en = (f"{src}the data was refused: {n_err} error(s), {n_warn} warning(s); nothing was written. "
              "Fix the file as each entry of details says and upload it again.")
        details = [p.as_dict() for p in exc.report.problems]
        return 422, "validation_failed", zh, en, details, headers
    if isinstance(exc, AuthError):
        return 401, "unauthenticated", zh, en, details, {"WWW-Authenticate": 'Bearer realm="chainleader"'}
    if isinstance(exc, PermissionDenied):
        return 403, "forbidden", zh, en, details, headers
    if isinstance(exc, NotFoundError):
        return 404, "not_found", zh, en, details, headers
    if isinstance(exc, ThrottledError):
        headers["Retry-After"] = str(max(1, int(exc.retry_after)))
        details.append({"retry_after": int(exc.retry_after)})
        return 429, "throttled", zh, en, details, headers
    if isinstance(exc, LimitError):
        status = exc.status if 400 <= exc.status < 500 else 422
        if exc.limit:
            details.append({"limit": exc.limit})
        if status == 429:  # e.g. too many queued runs: worth retrying once one has finished
            headers["Retry-After"] = "30"
        return status, "limit_exceeded", zh, en, details, headers
    if isinstance(exc, ConfigError):
        return 422, "invalid_request", zh, en, details, headers
    if isinstance(exc, StoreError):
        log.error("store error: %s", exc)
        return (503, "store_unavailable",
                "数据库暂时不可用，请稍后重试；若持续出现，请管理员检查数据库连接与服务器日志。",
                "The database is not available; try again later. If it persists, an administrator should "
                "check the database connection and the server log.", [], {"Retry-After": "30"})
    return 400, "bad_request", zh, en, details, headers


async def _on_library_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ChainleaderError)
    status, code, zh, en, details, headers = library_error(exc)
    return error_response(request, status, code, zh, en, details, headers)


# ---------------------------------------------------------------------------------------------
# FastAPI / Starlette exceptions
# ---------------------------------------------------------------------------------------------

_HTTP_CODES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "请求格式不正确，请检查请求体与参数。", "The request is malformed; check its body and parameters."),
    401: ("unauthenticated", "请先登录，或在 Authorization 头中提供有效的 API 令牌。",
          "Sign in first, or send a valid API token in the Authorization header."),
    403: ("forbidden", "您的角色或地区范围不允许此操作。", "Your role or regional scope does not allow this."),
    404: ("not_found", "地址不存在：{path}。请检查路径拼写；API 列表见 /api/v1/docs。",
          "No such address: {path}. Check the path; the API is listed at /api/v1/docs."),
    405: ("method_not_allowed", "{path} 不支持 {method} 方法，允许的方法：{allow}。",
          "{path} does not accept {method}; allowed: {allow}."),
    406: ("not_acceptable", "无法以请求的格式回答，请调整 Accept 头。", "Cannot answer in the requested format; adjust the Accept header."),
    413: ("payload_too_large", "请求体过大。", "The request body is too large."),
    415: ("unsupported_media_type", "不支持的请求内容类型，请使用 application/json 或 multipart/form-data。",
          "Unsupported content type; send application/json or multipart/form-data."),
}


async def _on_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    headers = dict(exc.headers or {})
    allow = headers.get("Allow", headers.get("allow", "-"))
    code, zh, en = _HTTP_CODES.get(status, ("http_error", "请求无法处理（HTTP {status}）。",
                                              "The request could not be handled (HTTP {status})."))
    fill = {"path": request.url.path, "method": request.method, "allow": allow, "status": status}
    zh, en = zh.format(**fill), en.format(**fill)
    details: list[dict[str, Any]] = []
    if isinstance(exc.detail, str) and exc.detail and exc.detail not in ("Not Found", "Method Not Allowed"):
        details.append({"detail": exc.detail})
    return error_response(request, status, code, zh, en, details, headers)


_PYDANTIC_ZH: dict[str, str] = {
    "missing": "缺少必填项",
    "less_than_equal": "须不大于 {le}",
    "less_than": "须小于 {lt}",
    "greater_than_equal": "须不小于 {ge}",
    "greater_than": "须大于 {gt}",
    "string_too_long": "长度须不超过 {max_length} 个字符",
    "string_too_short": "长度须不少于 {min_length} 个字符",
    "string_pattern_mismatch": "格式不符合 {pattern}",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "float_parsing": "须为数字",
    "bool_parsing": "须为 true 或 false",
    "string_type": "须为文本",
    "enum": "须为以下之一：{expected}",
    "literal_error": "须为以下之一：{expected}",
    "json_invalid": "不是有效的 JSON",
    "model_attributes_type": "须为 JSON 对象",
    "dict_type": "须为 JSON 对象",
    "list_type": "须为列表",
    "too_long": "项目数须不超过 {max_length}",
    "extra_forbidden": "不允许的字段",
    "value_error": "取值无效",
}


def _jsonable_ctx(ctx: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in (ctx or {}).items():
        out[k] = v if isinstance(v, str | int | float | bool) or v is None else str(v)
    return out


def _validation_details(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    details = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ())]
        ctx = _jsonable_ctx(e.get("ctx"))
        typ = str(e.get("type", ""))
        try:
            zh = _PYDANTIC_ZH[typ].format(**ctx) if typ in _PYDANTIC_ZH else "取值无效"
        except (KeyError, IndexError):
            zh = "取值无效"
        details.append({"location": loc, "field": ".".join(loc[1:]) or ".".join(loc), "type": typ,
                        "message_zh": zh, "message_en": str(e.get("msg", "")), "constraints": ctx})
    return details


async def _on_request_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    details = _validation_details(exc.errors())
    where_zh = "；".join(f"{d['field']}：{d['message_zh']}" for d in details[:5])
    where_en = "; ".join(f"{d['field']}: {d['message_en']}" for d in details[:5])
    zh = f"请求参数有 {len(details)} 处不符合要求（{where_zh}）。请按 details 修正后重试。"
    en = f"{len(details)} request parameter(s) are invalid ({where_en}). Fix them as details says and retry."
    return error_response(request, 422, "invalid_request", zh, en, details)


INTERNAL_ERROR = (
    "服务器内部错误，请求未完成。请稍后重试；若持续出现，请将时间与操作告知管理员查看服务器日志。",
    "Internal server error; the request was not completed. Try again later; if it persists, tell an "
    "administrator the time and what you did so they can check the server log.",
)


async def _on_unexpected(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(request, 500, "internal_error", *INTERNAL_ERROR)


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception the app can raise to the one envelope."""
    app.add_exception_handler(ChainleaderError, _on_library_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(Exception, _on_unexpected)


#: OpenAPI ``responses=`` entry documenting the envelope for the usual error statuses.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorEnvelope, "description": desc}
    for status, desc in (
        (401, "未登录 / not signed in"),
        (403, "无权限或 CSRF 令牌缺失 / not allowed, or CSRF token missing"),
        (404, "不存在 / not found"),
        (413, "请求体过大 / request body too large"),
        (422, "参数或数据不符合要求 / invalid parameters or data"),
        (429, "尝试过多 / too many attempts"),
        (500, "服务器内部错误 / internal server error"),
    )
}
