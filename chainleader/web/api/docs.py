"""The API reference page at /api/v1/docs, rendered on the server from the OpenAPI document.

FastAPI's default docs page loads Swagger UI from a CDN and configures it with an inline script:
government intranets cannot reach the CDN and our Content-Security-Policy forbids inline script.
This page needs neither: plain HTML (no script, no style) listing every operation with its
parameters and their bounds, request body, responses and the error envelope; the machine-readable
schema is at /api/v1/openapi.json for clients and generators.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

__all__ = ["router", "render_docs"]

router = APIRouter(include_in_schema=False)

_BOUNDS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern",
           "minItems", "maxItems", "enum", "default", "format")


def _schema_text(schema: dict[str, Any], components: dict[str, Any]) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return " | ".join(_schema_text(s, components) for s in schema[key])
    typ = str(schema.get("type", "any"))
    if typ == "array" and isinstance(schema.get("items"), dict):
        typ = f"array[{_schema_text(schema['items'], components)}]"
    bounds = [f"{k}={json.dumps(schema[k], ensure_ascii=False)}" for k in _BOUNDS if k in schema]
    return typ + (f" ({', '.join(bounds)})" if bounds else "")


def _params_table(params: list[dict[str, Any]], components: dict[str, Any]) -> str:
    if not params:
        return ""
    rows = "".join(
        f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p.get('in', ''))}</td>"
        f"<td>{'是 yes' if p.get('required') else '否 no'}</td>"
        f"<td><code>{escape(_schema_text(p.get('schema', {}), components))}</code></td>"
        f"<td>{escape(p.get('description', '') or p.get('schema', {}).get('description', ''))}</td></tr>"
        for p in params
    )
    return ("<table><thead><tr><th>参数 parameter</th><th>位置 in</th><th>必填 required</th>"
            f"<th>类型与界限 type and bounds</th><th>说明 description</th></tr></thead><tbody>{rows}</tbody></table>")


def _model_section(name: str, schema: dict[str, Any], components: dict[str, Any]) -> str:
    props = schema.get("properties", {})
    required = set(schema.get("required", []))
    rows = "".join(
        f"<tr><td><code>{escape(k)}</code></td><td>{'是 yes' if k in required else '否 no'}</td>"
        f"<td><code>{escape(_schema_text(v, components))}</code></td>"
        f"<td>{escape(str(v.get('description', '')))}</td></tr>"
        for k, v in props.items()
    )
    table = (f"<table><thead><tr><th>字段 field</th><th>必填 required</th><th>类型与界限 type and bounds</th>"
             f"<th>说明 description</th></tr></thead><tbody>{rows}</tbody></table>") if rows else ""
    return f'<section id="model-{escape(name)}"><h3>{escape(name)}</h3>{table}</section>'


def render_docs(openapi: dict[str, Any]) -> str:
    info = openapi.get("info", {})
    components = openapi.get("components", {}).get("schemas", {})
    ops = []
    toc = []
    for path, item in openapi.get("paths", {}).items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            anchor = f"{method}-{path}".replace("/", "_").replace("{", "").replace("}", "")
            summary = op.get("summary", "")
            toc.append(f'<li><a href="#{escape(anchor)}"><code>{method.upper()} {escape(path)}</code></a> '
                       f"{escape(summary)}</li>")
            body = ""
            content = op.get("requestBody", {}).get("content", {})
            for media, spec in content.items():
                body += (f"<p>请求体 request body ({escape(media)}): "
                         f"<code>{escape(_schema_text(spec.get('schema', {}), components))}</code></p>")
            responses = "".join(
                f"<li><code>{escape(code)}</code> {escape(resp.get('description', ''))}"
                + "".join(f" <code>{escape(_schema_text(c.get('schema', {}), components))}</code>"
                          for c in resp.get("content", {}).values() if c.get("schema")) + "</li>"
                for code, resp in op.get("responses", {}).items()
            )
            ops.append(
                f'<section id="{escape(anchor)}"><h3><code>{method.upper()} {escape(path)}</code></h3>'
                f"<p>{escape(summary)}</p><p>{escape(op.get('description', ''))}</p>"
                f"{_params_table(op.get('parameters', []), components)}{body}"
                f"<p>应答 responses:</p><ul>{responses}</ul></section>"
            )
    models = "".join(_model_section(name, schema, components) for name, schema in sorted(components.items()))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(info.get('title', 'API'))} — API 文档</title></head>
<body>
<h1>{escape(info.get('title', 'API'))} <small>{escape(str(info.get('version', '')))}</small></h1>
<p>{escape(info.get('description', ''))}</p>
<p>机器可读的接口描述 / machine-readable schema: <a href="openapi.json"><code>/api/v1/openapi.json</code></a></p>
<h2>认证 Authentication</h2>
<p>登录：<code>POST /api/v1/auth/login</code>（设置 HttpOnly 会话 Cookie，返回 csrf_token；使用 Cookie 的修改请求须带
<code>X-CSRF-Token</code> 头）。脚本：<code>Authorization: Bearer clt_…</code>（在 <code>POST /api/v1/auth/tokens</code> 创建，无需 CSRF）。<br>
Sign in with <code>POST /api/v1/auth/login</code> (sets the HttpOnly session cookie and returns csrf_token; modifying
requests with the cookie must send <code>X-CSRF-Token</code>). Scripts send <code>Authorization: Bearer clt_…</code>
(created with <code>POST /api/v1/auth/tokens</code>; no CSRF needed).</p>
<h2>错误 Errors</h2>
<p>所有错误使用同一格式 / every error has one envelope:
<code>{{"error": {{"status", "code", "message_zh", "message_en", "details": [...]}}}}</code>.
列表分页 / lists: <code>page</code> ≥ 1, <code>page_size</code> 1–200 → <code>{{"items", "page", "page_size", "total"}}</code>.
请求体上限 / body limits: 256 KB (JSON), 20 MB (uploads).</p>
<h2>接口 Operations</h2>
<ul>{''.join(toc)}</ul>
{''.join(ops)}
<h2>数据结构 Schemas</h2>
{models}
</body></html>"""


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    return HTMLResponse(render_docs(request.app.openapi()))
