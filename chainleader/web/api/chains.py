"""One chain: overview, chain map, node detail, province tiles, risk register and its export, report."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import StringConstraints

from chainleader.web.api.common import User, Ws
from chainleader.web.api.files import download
from chainleader.web.api.params import ChainPath, DatasetPath, Lang, PageQ, PageSizeQ, ProductPath
from chainleader.web.api.schemas import Page

__all__ = ["router"]

router = APIRouter(prefix="/chains/{ds}/{chain}", tags=["chains 产业链"])

Severity = Literal["red", "yellow", "blue"]
Stage = Literal["upstream", "midstream", "downstream"]
Sort = Literal["score", "severity", "name", "id", "value_at_risk"]  # services.views.pages.SORTS
ScenarioId = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")]


@router.get("/overview", summary="产业链概览 / chain overview")
def overview(ds: DatasetPath, chain: ChainPath, user: User, ws: Ws) -> dict[str, Any]:
    return dict(ws.chain_overview(user, ds, chain))


@router.get("/map", summary="产业链图谱 / chain map")
def chain_map(
    ds: DatasetPath, chain: ChainPath, user: User, ws: Ws,
    region: Annotated[str | None, Query(pattern=r"^\d{6}$", min_length=6, max_length=6,
                                        description="只看该省 / only this province, e.g. 130000")] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Z]{2}$", min_length=2, max_length=2,
                                         description="只看该国 / only this country (ISO 3166), e.g. CD")] = None,
) -> dict[str, Any]:
    """Tiers left to right; nodes with risk grade and value; edges of the AND/OR bill of materials."""
    return dict(ws.chain_map(user, ds, chain, region=region, country=country))


@router.get("/nodes/{product}", summary="环节详情 / node detail")
def node_detail(ds: DatasetPath, chain: ChainPath, product: ProductPath, user: User, ws: Ws) -> dict[str, Any]:
    """A product node: enterprises and capacities the user may see, evidence, backups."""
    return dict(ws.node_detail(user, ds, chain, product))


@router.get("/provinces", summary="省域分布 / province tiles")
def provinces(ds: DatasetPath, chain: ChainPath, user: User, ws: Ws) -> dict[str, Any]:
    """Capacity and risk by province (aggregates behind fewer than 3 unseen firms are suppressed)."""
    return dict(ws.province_tiles(user, ds, chain))


@router.get("/register", response_model=Page, summary="风险清单 / risk register",
            responses={304: {"description": "未变化（If-None-Match 与 ETag 相同） / not modified"}})
def register(
    request: Request, ds: DatasetPath, chain: ChainPath, user: User, ws: Ws,
    severity: Annotated[Severity | None, Query(description="红/黄/蓝 / red, yellow or blue")] = None,
    stage: Annotated[Stage | None, Query(description="上游/中游/下游 / stage")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="检索 / search")] = None,
    sort: Annotated[Sort, Query(description="排序字段 / sort key")] = "score",
    descending: bool = True,
    page: PageQ = 1, page_size: PageSizeQ = 50,
) -> Response:
    """Risk points with explanation and backup candidates, filtered, sorted and paginated.

    The answer carries an ``ETag``; send it back in ``If-None-Match`` to get ``304`` while nothing changed
    (the dataset version and your visibility are part of it, so a new grant or import changes it).
    """
    body, etag = ws.register_json(user, ds, chain, severity=severity, stage=stage, q=q, sort=sort,
                                  descending=descending, page=page, page_size=page_size)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Authorization, Cookie"}
    if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get("/register/export", summary="导出风险清单 / export the risk register", response_class=Response,
            responses={200: {"content": {"text/csv": {}, "application/json": {},
                                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def register_export(ds: DatasetPath, chain: ChainPath, user: User, ws: Ws,
                    format: Literal["xlsx", "csv", "json"] = "xlsx") -> Response:
    content, media_type, filename = ws.register_export(user, ds, chain, format)
    return download(content, media_type, filename)


@router.get("/report", summary="评估报告（PDF/Excel） / assessment report", response_class=Response,
            responses={200: {"content": {"application/pdf": {},
                                         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}}})
def report(
    ds: DatasetPath, chain: ChainPath, user: User, ws: Ws,
    format: Literal["pdf", "xlsx"] = "pdf",
    lang: Lang = "zh",
    scenarios: Annotated[list[ScenarioId] | None, Query(max_length=10, description="纳入报告的情景 / scenarios to include")] = None,
) -> Response:
    """Cover, summary, chain map, risk register, scenario results, methodology, data provenance."""
    content, media_type, filename = ws.report(user, ds, chain, format, lang=lang, scenarios=list(scenarios or []))
    return download(content, media_type, filename)
