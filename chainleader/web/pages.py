"""Server-rendered pages (Jinja) over the same Workspace payloads as the JSON API.

页面：产业链概览、图谱、省域分布、风险清单、情景模拟、数据、管理。Each page is a thin mapping from the
request to one or a few ``Workspace`` payloads; permissions are decided by the services (errors become
the HTML error page through ``render_error``), signed-out visitors are sent to ``/login``. No inline
script or style: data reach the page scripts in ``<script type="application/json">`` blocks.
"""

from __future__ import annotations

import hmac
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from chainleader.analysis.explain import PROVINCE_EN, RULE_LABELS
from chainleader.governance.access import Action, Principal, Role, can
from chainleader.model.errors import AuthError, ChainleaderError, PermissionDenied, ThrottledError
from chainleader.model.reference import country, division
from chainleader.web import i18n
from chainleader.web.deps import client_ip, csrf_token, current_principal, get_workspace
from chainleader.web.security import clear_session_cookie, set_session_cookie

__all__ = ["TEMPLATES", "render_error", "router"]

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
router = APIRouter(include_in_schema=False)

LANG_COOKIE_AGE = 365 * 24 * 3600
SEVERITIES = ("red", "yellow", "blue")
STAGES = ("upstream", "midstream", "downstream")
REGISTER_SORTS = ("severity", "score", "name", "kind", "value_at_risk", "stage")
AUDIT_OUTCOMES = ("ok", "denied", "failed")


# ---------------------------------------------------------------------------------------------
# rendering helpers
# ---------------------------------------------------------------------------------------------

def region_name(code: str, lang: str) -> str:
    """``"河北"`` / ``"Hebei"`` for ``"130000"``; the code itself when unknown."""
    code = str(code)
    if lang == "en" and code in PROVINCE_EN:
        return PROVINCE_EN[code]
    d = division(code)
    return d.name_zh if d else code


def country_name(code: Any, lang: str) -> str:
    """``"日本"`` / ``"Japan"`` for ``"JP"``; the text itself when it is not a known ISO code."""
    if not isinstance(code, str) or not code:
        return "–"
    c = country(code)
    if c is None:
        return code
    return c.name_en if lang == "en" else c.name_zh


def _url_with(request: Request, **changes: Any) -> str:
    """The current path with query parameters changed (None removes one)."""
    params = dict(request.query_params)
    for k, v in changes.items():
        if v is None or v == "":
            params.pop(k, None)
        else:
            params[k] = str(v)
    query = urlencode(params)
    return request.url.path + ("?" + query if query else "")


def _first_chain(request: Request, p: Principal) -> dict[str, str] | None:
    """The chain the top navigation links to: the last chain opened (cookie), else the first visible one."""
    ws = get_workspace(request)
    try:
        datasets = ws.datasets(p)
    except ChainleaderError:
        return None
    visible = [(str(d["name"]), str(c["id"])) for d in _items(datasets) for c in d.get("chains", [])]
    last = request.cookies.get("cl_chain", "")
    if "/" in last:
        ds, _, chain = last.partition("/")
        if (ds, chain) in visible:
            return {"dataset": ds, "chain": chain}
    if visible:
        return {"dataset": visible[0][0], "chain": visible[0][1]}
    return None


def _items(payload: Any) -> list[Any]:
    """The list inside a payload that is either a list or ``{"items": [...]}``."""
    if isinstance(payload, Mapping):
        for key in ("items", "datasets", "scenarios", "runs", "versions", "users", "grants"):
            if key in payload and isinstance(payload[key], list):
                return list(payload[key])
        return []
    return list(payload or [])


def _base_context(request: Request, p: Principal | None, page_id: str, section: str,
                  nav_chain: Mapping[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    lang = i18n.request_lang(request)

    def t(key: str, **values: Any) -> str:
        return i18n.text(key, lang, **values)

    def L(obj: Mapping[str, Any] | None, field: str = "name") -> str:
        return i18n.pick(obj, field, lang)

    def fmt(x: Any, digits: int | None = None) -> str:
        return format_number(x, lang, digits)

    role_label = region_label = ""
    if p is not None:
        role_label = p.role.label_en if lang == "en" else p.role.label_zh
        if p.role is Role.ADMIN:
            region_label = i18n.text("user.all_regions", lang)
        elif p.regions:
            region_label = "、".join(region_name(r, lang) for r in sorted(p.regions)) if lang == "zh" else \
                ", ".join(region_name(r, lang) for r in sorted(p.regions))
        if nav_chain is None:
            nav_chain = _first_chain(request, p)
    other = "en" if lang == "zh" else "zh"
    ctx: dict[str, Any] = {
        "request": request, "lang": lang, "t": t, "L": L, "fmt": fmt, "pct": lambda x: format_pct(x, lang),
        "principal": p, "csrf": csrf_token(request) if p is not None else None,
        "page_id": page_id, "section": section, "nav_chain": nav_chain,
        "is_admin": p is not None and p.role is Role.ADMIN,
        "can_grant": p is not None and can(p, Action.MANAGE_GRANTS),
        "role_label": role_label, "region_label": region_label,
        "region_name": lambda code: region_name(code, lang),
        "country_name": lambda code: country_name(code, lang),
        "rule_label": lambda r: rule_label(r, lang),
        "label": lambda prefix, key: i18n.text(f"{prefix}.{key}", lang) if f"{prefix}.{key}" in i18n.STRINGS else key,
        "other_lang_url": _url_with(request, lang=other),
        "url_with": lambda **kw: _url_with(request, **kw),
        "js_strings": i18n.js_strings(lang),
        "page_meta": {"lang": lang, "page": page_id},
    }
    ctx.update(extra)
    ctx["page_meta"].update(extra.pop("meta", {}) if "meta" in extra else {})
    return ctx


def render(request: Request, template: str, ctx: dict[str, Any], status: int = 200) -> HTMLResponse:
    """Render ``template``; ``?lang=`` is remembered in the ``cl_lang`` cookie."""
    response = TEMPLATES.TemplateResponse(request, template, ctx, status_code=status)
    _remember_lang(request, response)
    response.headers["Cache-Control"] = "no-store"
    return response


def _remember_lang(request: Request, response: Response) -> None:
    lang = i18n.normalise(request.query_params.get("lang"))
    if lang and request.cookies.get(i18n.COOKIE) != lang:
        response.set_cookie(i18n.COOKIE, lang, max_age=LANG_COOKIE_AGE, samesite="lax", path="/")


def format_number(x: Any, lang: str = "zh", digits: int | None = None) -> str:
    """Numbers for people: thousands separators; large values in 万/亿 (zh) or k/M/B (en)."""
    if x is None or x == "":
        return "–"
    if isinstance(x, bool) or not isinstance(x, int | float):
        return str(x)
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return "–"
    v = float(x)
    a = abs(v)
    if lang == "zh":
        if a >= 1e8:
            return f"{v / 1e8:,.2f}亿"
        if a >= 1e4:
            return f"{v / 1e4:,.1f}万"
    else:
        if a >= 1e9:
            return f"{v / 1e9:,.2f} B"
        if a >= 1e6:
            return f"{v / 1e6:,.2f} M"
    if digits is None:
        digits = 0 if (a >= 100 or float(v).is_integer()) else 2
    return f"{v:,.{digits}f}"


def format_pct(x: Any, lang: str = "zh") -> str:
    if x is None or isinstance(x, bool) or not isinstance(x, int | float) or math.isnan(float(x)):
        return "–"
    return f"{float(x) * 100:.1f}%"


def rule_label(rule: str, lang: str) -> str:
    zh, en = RULE_LABELS.get(rule, (rule, rule))
    return en if lang == "en" else zh


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (("?" + request.url.query) if request.url.query else "")
    return RedirectResponse("/login?" + urlencode({"next": target}), status_code=303)


def _safe_next(target: str | None) -> str:
    """Only same-site paths (``/…`` but not ``//host``) are followed after signing in."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _check_csrf(request: Request, token: str) -> None:
    expected = csrf_token(request)
    if not expected or not hmac.compare_digest(str(token), expected):
        raise PermissionDenied(
            "表单已过期或缺少 CSRF 令牌，请刷新页面后重试。 / the form has expired or lacks its CSRF token; "
            "reload the page and try again."
        )


def render_error(request: Request, status: int, code: str, message_zh: str, message_en: str) -> Response:
    """The HTML error page (the JSON API answers with the error envelope instead)."""
    try:
        p = current_principal(request)
    except ChainleaderError:
        p = None
    ctx = _base_context(request, p, "error", "", nav_chain=None if p is None else {})
    ctx.update({"status": status, "code": code, "message": message_en if ctx["lang"] == "en" else message_zh,
                "signed_in": p is not None})
    response = TEMPLATES.TemplateResponse(request, "error.html", ctx, status_code=status)
    response.headers["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------
# sign in / out
# ---------------------------------------------------------------------------------------------

@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> Response:
    if current_principal(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    ctx = _base_context(request, None, "login", "")
    ctx.update({"next": _safe_next(next), "username": "", "error": None,
                "signed_out": request.query_params.get("signed_out") == "1"})
    return render(request, "login.html", ctx)


@router.post("/login", response_class=HTMLResponse)
def login_submit(request: Request, username: str = Form("", max_length=200),
                 password: str = Form("", max_length=1000), next: str = Form("/", max_length=2000)) -> Response:
    ws = get_workspace(request)
    ip = client_ip(request)
    lang = i18n.request_lang(request)
    error: str | None = None
    status = 200
    principal: Principal | None = None
    retry_after = 0
    try:
        principal = ws.accounts.authenticate(username.strip(), password, ip)
    except ThrottledError as exc:
        retry_after = max(1, int(exc.retry_after))
        minutes = max(1, math.ceil(retry_after / 60))
        error, status = i18n.text("login.throttled", lang, minutes=minutes), 429
    except AuthError:
        error, status = i18n.text("login.failed", lang), 401
    if principal is None and error is None:
        error, status = i18n.text("login.failed", lang), 401
    if error is not None or principal is None:
        ctx = _base_context(request, None, "login", "")
        ctx.update({"next": _safe_next(next), "username": username, "error": error, "signed_out": False})
        page = render(request, "login.html", ctx, status=status)
        if status == 429:
            page.headers["Retry-After"] = str(retry_after)
        return page
    token, _csrf = ws.accounts.open_session(principal, ip)
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, token, secure=_secure(request))
    return response


def _secure(request: Request) -> bool:
    flag = getattr(request.app.state, "secure_cookies", None)
    return bool(flag) if flag is not None else request.url.scheme == "https"


@router.post("/logout")
def logout(request: Request, csrf_token_field: str = Form("", alias="csrf_token", max_length=200)) -> Response:
    from chainleader.web.deps import resolve_auth

    auth = resolve_auth(request)
    if auth.principal is not None and auth.session_token:
        _check_csrf(request, csrf_token_field)
        get_workspace(request).accounts.close_session(auth.session_token)
    response = RedirectResponse("/login?signed_out=1", status_code=303)
    clear_session_cookie(response)
    return response


# ---------------------------------------------------------------------------------------------
# chains
# ---------------------------------------------------------------------------------------------

KIND_LABELS = {"product": ("产品", "product"), "enterprise": ("企业", "enterprise"), "province": ("省份", "province"),
               "country": ("国家", "country"), "country_group": ("国家分组", "country group"),
               "region_group": ("区域分组", "region group")}


def _chain_context(request: Request, p: Principal, ds: str, chain: str, page_id: str,
                   chain_ref: Mapping[str, Any] | None) -> dict[str, Any]:
    ctx = _base_context(request, p, page_id, page_id if page_id in ("provinces", "register") else "chains",
                        nav_chain={"dataset": ds, "chain": chain})
    lang = ctx["lang"]
    ctx.update({"ds": ds, "chain": chain, "chain_title": i18n.pick(chain_ref, "name", lang) or chain,
                "kind_label": lambda k: KIND_LABELS.get(k, (k, k))[1 if lang == "en" else 0]})
    ctx["page_meta"].update({"dataset": ds, "chain": chain})
    return ctx


def _remember_chain(response: Response, ds: str, chain: str) -> Response:
    response.set_cookie("cl_chain", f"{ds}/{chain}", max_age=LANG_COOKIE_AGE, samesite="lax", path="/",
                        httponly=True)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    ws = get_workspace(request)
    cards = []
    for d in ws.datasets(p):
        for c in d.get("chains", []):
            reg = ws.register(p, d["name"], c["id"], page=1, page_size=1)
            cards.append({"dataset": d, "chain": c, "url": f"/chains/{d['name']}/{c['id']}",
                          "version": d.get("version"), "illustrative": d.get("illustrative"),
                          "severity_counts": reg.get("counts", {})})
    ctx = _base_context(request, p, "home", "chains")
    ctx["cards"] = cards
    return render(request, "home.html", ctx)


@router.get("/chains/{ds}/{chain}", response_class=HTMLResponse)
def chain_overview(request: Request, ds: str, chain: str) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    ov = get_workspace(request).chain_overview(p, ds, chain)
    ctx = _chain_context(request, p, ds, chain, "overview", ov.get("chain"))
    lang = ctx["lang"]
    ctx.update({"ov": ov, "figure_labels": [(k, i18n.text(f"fig.{k}", lang)) for k in
                                            ("products", "final_products", "enterprises", "provinces", "countries")]})
    return _remember_chain(render(request, "overview.html", ctx), ds, chain)


@router.get("/chains/{ds}/{chain}/map", response_class=HTMLResponse)
def chain_map(request: Request, ds: str, chain: str, region: str | None = None,
              country: str | None = None) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    data = get_workspace(request).chain_map(p, ds, chain, region=region or None, country=country or None)
    ctx = _chain_context(request, p, ds, chain, "map", data.get("chain"))
    lang = ctx["lang"]
    rank = {"red": 0, "yellow": 1, "blue": 2}
    top = sorted((n for n in data.get("nodes", []) if n.get("risk") in rank),
                 key=lambda n: (rank[n["risk"]], -(n.get("score") or 0.0), n["id"]))[:12]
    provinces = {r["code"]: i18n.pick(r, "name", lang) for r in data.get("filters", {}).get("regions", [])}
    ctx.update({
        "mapdata": data, "top_nodes": top,
        "map_config": {"dataset": ds, "chain": chain, "province_names": provinces,
                       "country_names": {c["code"]: i18n.pick(c, "name", lang)
                                         for c in data.get("filters", {}).get("countries", [])},
                       "rule_labels": {k: rule_label(k, lang) for k in RULE_LABELS}},
    })
    return _remember_chain(render(request, "map.html", ctx), ds, chain)


def _value_bins(values: Sequence[float | None], n_bins: int = 5) -> list[int]:
    """0 for no value, else 1..n_bins on a square-root scale of value / max (large spreads stay readable)."""
    top = max((v for v in values if v), default=0.0)
    out = []
    for v in values:
        if not v or top <= 0:
            out.append(0)
        else:
            out.append(max(1, min(n_bins, math.ceil(math.sqrt(v / top) * n_bins))))
    return out


@router.get("/chains/{ds}/{chain}/provinces", response_class=HTMLResponse)
def chain_provinces(request: Request, ds: str, chain: str) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    data = get_workspace(request).province_tiles(p, ds, chain)
    ctx = _chain_context(request, p, ds, chain, "provinces", data.get("chain"))
    tiles = [dict(t) for t in data.get("tiles", [])]
    for tile, b in zip(tiles, _value_bins([t.get("capacity_value") for t in tiles]), strict=True):
        tile["bin"] = b
    rows = sorted((t for t in tiles if t.get("suppressed") or t.get("capacity_value") or
                   any(t.get(s) for s in SEVERITIES)),
                  key=lambda t: (t.get("suppressed", False), -(t.get("capacity_value") or 0.0), t["code"]))
    # the grid starts at the first used row and column (no empty margin)
    row0 = min((int(t["row"]) for t in tiles), default=0)
    col0 = min((int(t["col"]) for t in tiles), default=0)
    for tile in tiles:
        tile["grid_row"], tile["grid_col"] = int(tile["row"]) - row0 + 1, int(tile["col"]) - col0 + 1
    grid_cols = max((t["grid_col"] for t in tiles), default=8)
    ctx.update({"tiles": tiles, "table_rows": rows, "grid_cols": min(14, max(8, grid_cols)),
                "lead_regions": set(p.regions)})
    return _remember_chain(render(request, "provinces.html", ctx), ds, chain)


@router.get("/chains/{ds}/{chain}/register", response_class=HTMLResponse)
def chain_register(request: Request, ds: str, chain: str, severity: str = "", stage: str = "", q: str = "",
                   sort: str = "", desc: str = "1", page: int = 1) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    severity = severity if severity in SEVERITIES else ""
    stage = stage if stage in STAGES else ""
    q = q.strip()[:100]
    sort_key = sort if sort in ("score", "severity", "name", "id", "value_at_risk") else ""
    descending = desc != "0"
    page = max(1, min(int(page), 100_000))
    page_size = 50
    ws = get_workspace(request)
    data = ws.register(p, ds, chain, severity=severity or None, stage=stage or None, q=q or None,
                       sort=sort_key or "severity", descending=descending if sort_key else True,
                       page=page, page_size=page_size)
    total = int(data.get("total", 0))
    pages_n = max(1, math.ceil(total / page_size))
    if page > pages_n:
        data = ws.register(p, ds, chain, severity=severity or None, stage=stage or None, q=q or None,
                           sort=sort_key or "severity", descending=descending if sort_key else True,
                           page=pages_n, page_size=page_size)
        page = pages_n
    chain_ref = next((c for d in ws.datasets(p) if d["name"] == ds for c in d.get("chains", []) if c["id"] == chain),
                     None)
    ctx = _chain_context(request, p, ds, chain, "register", chain_ref)
    ctx.update({"items": data.get("items", []), "total": total, "counts": data.get("counts", {}),
                "page": page, "pages": pages_n, "severity": severity, "stage": stage, "q": q,
                "sort": sort_key, "descending": descending})
    return _remember_chain(render(request, "register.html", ctx), ds, chain)


# ---------------------------------------------------------------------------------------------
# scenarios and runs
# ---------------------------------------------------------------------------------------------

SUMMARY_FIGURES = ("lost_value_yi", "time_to_recover_days", "peak_loss", "peak_day", "backup_sites", "shocked_sites")


def _run_figures(result: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """Rows ``{key, values: {run key: value}}`` of the headline figures of a finished run."""
    if not result:
        return []
    runs = result.get("runs") or {}
    rows = []
    for key in SUMMARY_FIGURES:
        values = {k: (r.get("summary") or {}).get(key) for k, r in runs.items()}
        if any(v is not None for v in values.values()):
            rows.append({"key": key, "values": values})
    return rows


@router.get("/scenarios", response_class=HTMLResponse)
def scenarios_page(request: Request, dataset: str = "", page: int = 1) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    ws = get_workspace(request)
    datasets = ws.datasets(p)
    names = [d["name"] for d in datasets]
    chosen = dataset if dataset in names else ""
    groups = []
    for d in datasets:
        if chosen and d["name"] != chosen:
            continue
        groups.append({"dataset": d, "scenarios": ws.scenarios(p, d["name"])})
    page = max(1, min(int(page), 10_000))
    runs = ws.runs(p, page, 20)
    ctx = _base_context(request, p, "scenarios", "scenarios")
    ctx.update({"groups": groups, "datasets": datasets, "chosen": chosen, "runs": runs.get("items", []),
                "page": page, "pages": max(1, math.ceil(int(runs.get("total", 0)) / 20)),
                "can_run": can(p, Action.RUN_SCENARIO)})
    return render(request, "scenarios.html", ctx)


@router.get("/scenarios/compare", response_class=HTMLResponse)
def compare_runs(request: Request, run: Annotated[list[str] | None, Query(max_length=2)] = None) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    ids = [r for r in (run or []) if r][:2]
    ws = get_workspace(request)
    runs = [ws.run(p, rid) for rid in ids]
    ctx = _base_context(request, p, "compare", "scenarios")
    ctx.update({"runs": runs, "figures": [_run_figures(r.get("result")) for r in runs],
                "figure_label": lambda k: _figure_label(k, ctx["lang"]),
                "figure_labels": {k: _figure_label(k, ctx["lang"]) for k in SUMMARY_FIGURES}})
    ctx["page_meta"].update({"runs": [r["id"] for r in runs]})
    return render(request, "compare.html", ctx)


@router.get("/scenarios/{ds}/{name}", response_class=HTMLResponse)
def scenario_page(request: Request, ds: str, name: str) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    ws = get_workspace(request)
    sc = ws.scenario(p, ds, name)
    mine = [r for r in ws.runs(p, 1, 200).get("items", []) if r.get("dataset") == ds and r.get("scenario") == name]
    ctx = _base_context(request, p, "scenario", "scenarios")
    ctx.update({"sc": sc, "ds": ds, "can_run": can(p, Action.RUN_SCENARIO, dataset=ds), "runs": mine[:10],
                "figure_label": lambda k: _figure_label(k, ctx["lang"]),
                "figure_labels": {k: _figure_label(k, ctx["lang"]) for k in SUMMARY_FIGURES}})
    ctx["page_meta"].update({"dataset": ds, "scenario": name})
    return render(request, "scenario.html", ctx)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: str) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    run = get_workspace(request).run(p, run_id)
    ctx = _base_context(request, p, "run", "scenarios")
    ctx.update({"run": run, "figures": _run_figures(run.get("result")),
                "figure_label": lambda k: _figure_label(k, ctx["lang"]),
                "figure_labels": {k: _figure_label(k, ctx["lang"]) for k in SUMMARY_FIGURES}})
    ctx["page_meta"].update({"run": run["id"], "dataset": run.get("dataset"), "scenario": run.get("scenario")})
    return render(request, "run.html", ctx)


_FIGURE_LABELS = {
    "lost_value_yi": ("损失（亿元）", "Lost value (100M CNY)"),
    "time_to_recover_days": ("恢复时间（天）", "Time to recover (days)"),
    "peak_loss": ("最大减产", "Peak loss"),
    "peak_day": ("最大减产日", "Peak day"),
    "backup_sites": ("备份站点数", "Backup sites"),
    "shocked_sites": ("受冲击站点数", "Shocked sites"),
}


def _figure_label(key: str, lang: str) -> str:
    zh, en = _FIGURE_LABELS.get(key, (key, key))
    return en if lang == "en" else zh


# ---------------------------------------------------------------------------------------------
# data
# ---------------------------------------------------------------------------------------------

@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    ws = get_workspace(request)
    groups = [{"dataset": d, "versions": ws.versions(p, d["name"])} for d in ws.datasets(p)]
    ctx = _base_context(request, p, "data", "data")
    ctx.update({"groups": groups, "can_upload": can(p, Action.UPLOAD_DATA)})
    return render(request, "data.html", ctx)


# ---------------------------------------------------------------------------------------------
# administration: users, grants, audit log
# ---------------------------------------------------------------------------------------------

TABLE_LABELS = {"enterprises": ("企业", "enterprises"), "capacities": ("产能", "capacities"),
                "supply_links": ("供应关系", "supply links"), "trade": ("贸易", "trade")}


def _deny_page(request: Request, p: Principal, target: str) -> PermissionDenied:
    get_workspace(request).accounts.audit(p, "page.admin", target, outcome="denied", ip=client_ip(request))
    return PermissionDenied(
        f"您的角色（{p.role.label_zh}）无权访问此管理页面；如确需此权限，请联系系统管理员。 / "
        f"your role ({p.role.label_en}) may not open this administration page; ask a system administrator."
    )


def _split_list(text: str) -> list[str]:
    """``"130000, 110000；120000"`` -> ["130000", "110000", "120000"] (commas, semicolons, spaces)."""
    for sep in ("，", "；", ";", "\n", " "):
        text = text.replace(sep, ",")
    return [x.strip() for x in text.split(",") if x.strip()]


def _admin_context(request: Request, p: Principal, tab: str, **extra: Any) -> dict[str, Any]:
    ctx = _base_context(request, p, "admin-" + tab, "admin")
    lang = ctx["lang"]
    ctx.update({"tab": tab, "roles": [(r.value, r.label_en if lang == "en" else r.label_zh) for r in Role],
                "role_name": lambda v: _role_name(v, lang),
                "table_labels": {k: (en if lang == "en" else zh) for k, (zh, en) in TABLE_LABELS.items()},
                "saved": request.query_params.get("saved") == "1", "error": None})
    ctx.update(extra)
    return ctx


def _role_name(value: str, lang: str) -> str:
    try:
        r = Role(value)
    except ValueError:
        return value
    return r.label_en if lang == "en" else r.label_zh


def _users_page(request: Request, p: Principal, page: int, *, error: str | None = None,
                status: int = 200, form: Mapping[str, Any] | None = None) -> Response:
    ws = get_workspace(request)
    page = max(1, min(int(page), 10_000))
    users, total = ws.accounts.list_users(page, 50)
    ctx = _admin_context(request, p, "users", users=users, page=page, pages=max(1, math.ceil(total / 50)),
                         total=total, error=error, form=form or {})
    return render(request, "admin_users.html", ctx, status=status)


@router.get("/admin", response_class=HTMLResponse)
def admin_users(request: Request, page: int = 1) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    if not can(p, Action.MANAGE_USERS):
        if can(p, Action.MANAGE_GRANTS):
            return RedirectResponse("/admin/grants", status_code=303)
        raise _deny_page(request, p, "users")
    return _users_page(request, p, page)


def _form_error(request: Request, exc: ChainleaderError) -> str:
    from chainleader.web.errors import split_message

    zh, en = split_message(str(exc))
    return en if i18n.request_lang(request) == "en" else zh


@router.post("/admin/users", response_class=HTMLResponse)
def admin_create_user(request: Request, csrf: str = Form("", alias="csrf_token", max_length=200),
                      username: str = Form("", max_length=64), password: str = Form("", max_length=256),
                      role: str = Form("", max_length=20), display_name: str = Form("", max_length=100),
                      regions: str = Form("", max_length=2000), chains: str = Form("*", max_length=4000),
                      enterprise: str = Form("", max_length=64)) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    _check_csrf(request, csrf)
    if not can(p, Action.MANAGE_USERS):
        raise _deny_page(request, p, "users.create")
    form = {"username": username, "role": role, "display_name": display_name, "regions": regions,
            "chains": chains, "enterprise": enterprise}
    try:
        get_workspace(request).accounts.create_user(
            username, password, role, regions=_split_list(regions), chains=_split_list(chains) or ["*"],
            enterprise=enterprise.strip() or None, display_name=display_name.strip(), actor=p)
    except PermissionDenied:
        raise
    except (ChainleaderError, ValueError) as exc:
        msg = _form_error(request, exc) if isinstance(exc, ChainleaderError) else str(exc)
        return _users_page(request, p, 1, error=msg, status=422, form=form)
    return RedirectResponse("/admin?saved=1", status_code=303)


@router.post("/admin/users/{user_id}", response_class=HTMLResponse)
def admin_update_user(request: Request, user_id: int, csrf: str = Form("", alias="csrf_token", max_length=200),
                      role: str = Form("", max_length=20), display_name: str = Form("", max_length=100),
                      regions: str = Form("", max_length=2000), chains: str = Form("*", max_length=4000),
                      enterprise: str = Form("", max_length=64), active: str = Form("", max_length=5),
                      password: str = Form("", max_length=256)) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    _check_csrf(request, csrf)
    if not can(p, Action.MANAGE_USERS):
        raise _deny_page(request, p, f"users.update:{user_id}")
    try:
        get_workspace(request).accounts.update_user(
            user_id, actor=p, role=role or None, display_name=display_name.strip(), regions=_split_list(regions),
            chains=_split_list(chains) or ["*"], enterprise=enterprise.strip() or None, active=active == "1",
            password=password or None)
    except PermissionDenied:
        raise
    except (ChainleaderError, ValueError) as exc:
        msg = _form_error(request, exc) if isinstance(exc, ChainleaderError) else str(exc)
        return _users_page(request, p, 1, error=msg, status=422)
    return RedirectResponse("/admin?saved=1", status_code=303)


def _grants_page(request: Request, p: Principal, *, error: str | None = None, status: int = 200,
                 form: Mapping[str, Any] | None = None) -> Response:
    ws = get_workspace(request)
    grants = ws.accounts.list_grants(p)
    lang = i18n.request_lang(request)
    own = sorted(p.regions)
    ctx = _admin_context(request, p, "grants", grants=grants, own_regions=own, error=error, form=form or {},
                         own_regions_label=("、" if lang == "zh" else ", ").join(region_name(r, lang) for r in own),
                         datasets=[d["name"] for d in ws.datasets(p)],
                         may_revoke=lambda g: p.role is Role.ADMIN or g["grantor_region"] in p.regions)
    return render(request, "admin_grants.html", ctx, status=status)


@router.get("/admin/grants", response_class=HTMLResponse)
def admin_grants(request: Request) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    if not can(p, Action.MANAGE_GRANTS):
        raise _deny_page(request, p, "grants")
    return _grants_page(request, p)


@router.post("/admin/grants", response_class=HTMLResponse)
def admin_create_grant(request: Request, csrf: str = Form("", alias="csrf_token", max_length=200),
                       grantor_region: str = Form("", max_length=6), grantee_region: str = Form("", max_length=6),
                       dataset: str = Form("*", max_length=64), tables: Annotated[list[str] | None, Form()] = None,
                       fields: str = Form("", max_length=4000), expires_at: str = Form("", max_length=10),
                       note: str = Form("", max_length=500)) -> Response:
    from datetime import UTC, datetime

    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    _check_csrf(request, csrf)
    if not can(p, Action.MANAGE_GRANTS):
        raise _deny_page(request, p, "grants.create")
    form = {"grantor_region": grantor_region, "grantee_region": grantee_region, "dataset": dataset,
            "tables": tables, "fields": fields, "expires_at": expires_at, "note": note}
    try:
        expires = None
        if expires_at.strip():
            try:
                expires = datetime.strptime(expires_at.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
            except ValueError as exc:
                raise ValueError(i18n.text("admin.bad_date", i18n.request_lang(request))) from exc
        get_workspace(request).accounts.create_grant(
            p, grantor_region.strip(), grantee_region.strip(), dataset=dataset.strip() or "*",
            tables=tables or sorted(TABLE_LABELS), fields=_split_list(fields) or None, expires_at=expires,
            note=note.strip())
    except PermissionDenied:
        raise
    except (ChainleaderError, ValueError) as exc:
        msg = _form_error(request, exc) if isinstance(exc, ChainleaderError) else str(exc)
        return _grants_page(request, p, error=msg, status=422, form=form)
    return RedirectResponse("/admin/grants?saved=1", status_code=303)


@router.post("/admin/grants/{grant_id}/revoke", response_class=HTMLResponse)
def admin_revoke_grant(request: Request, grant_id: int,
                       csrf: str = Form("", alias="csrf_token", max_length=200)) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    _check_csrf(request, csrf)
    if not can(p, Action.MANAGE_GRANTS):
        raise _deny_page(request, p, f"grants.revoke:{grant_id}")
    get_workspace(request).accounts.revoke_grant(p, grant_id)
    return RedirectResponse("/admin/grants?saved=1", status_code=303)


@router.get("/admin/audit", response_class=HTMLResponse)
def admin_audit(request: Request, outcome: str = "", actor: str = "", action: str = "", page: int = 1) -> Response:
    p = current_principal(request)
    if p is None:
        return _login_redirect(request)
    if not can(p, Action.VIEW_AUDIT):
        raise _deny_page(request, p, "audit")
    outcome = outcome if outcome in AUDIT_OUTCOMES else ""
    actor, action = actor.strip()[:64], action.strip()[:64]
    page = max(1, min(int(page), 100_000))
    rows, total = get_workspace(request).accounts.list_audit(page, 50, actor=actor or None, action=action or None,
                                                             outcome=outcome or None)
    ctx = _admin_context(request, p, "audit", rows=rows, total=total, page=page,
                         pages=max(1, math.ceil(total / 50)), outcome=outcome, actor=actor, action=action,
                         outcomes=AUDIT_OUTCOMES, change=_change_text)
    return render(request, "admin_audit.html", ctx)


def _change_text(before: Any, after: Any) -> str:
    """A compact ``key: old → new`` text of an audit row's before/after."""
    import json

    def dump(x: Any) -> str:
        return json.dumps(x, ensure_ascii=False, sort_keys=True, default=str)

    if isinstance(before, Mapping) and isinstance(after, Mapping):
        parts = [f"{k}: {dump(before.get(k))} → {dump(after.get(k))}" for k in sorted(set(before) | set(after))
                 if before.get(k) != after.get(k)]
        return "; ".join(parts)
    if before is None and after is None:
        return ""
    if before is None:
        return dump(after)
    return f"{dump(before)} → {dump(after)}"
