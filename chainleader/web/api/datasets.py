"""Datasets: list, versions, enterprises (redacted per viewer), upload, the import template."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import JSONResponse, Response

from chainleader.services.datasets import write_template
from chainleader.web.api.common import User, Ws
from chainleader.web.api.files import download
from chainleader.web.api.params import (
    ID_PATTERN,
    DatasetPath,
    EnterprisePath,
    Lang,
    PageQ,
    PageSizeQ,
    as_page,
)
from chainleader.web.api.schemas import Page
from chainleader.web.errors import envelope

__all__ = ["router"]

router = APIRouter(tags=["datasets 数据"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/datasets", response_model=Page, summary="数据集 / datasets")
def list_datasets(user: User, ws: Ws, page: PageQ = 1, page_size: PageSizeQ = 50) -> dict[str, Any]:
    """Datasets whose chains the user may see, each with its latest version and chains."""
    return as_page(ws.datasets(user), page, page_size)


@router.get("/datasets/{ds}/versions", response_model=Page, summary="数据集版本 / dataset versions")
def list_versions(ds: DatasetPath, user: User, ws: Ws, page: PageQ = 1,
                  page_size: PageSizeQ = 50) -> dict[str, Any]:
    return as_page(ws.versions(user, ds), page, page_size)


@router.get("/datasets/{ds}/enterprises", response_model=Page, summary="企业 / enterprises")
def list_enterprises(
    ds: DatasetPath, user: User, ws: Ws,
    region: Annotated[str | None, Query(pattern=r"^\d{6}$", min_length=6, max_length=6,
                                        description="省级区划代码 / province code, e.g. 130000")] = None,
    q: Annotated[str | None, Query(min_length=1, max_length=100, description="名称检索 / name search")] = None,
    product: Annotated[str | None, Query(min_length=1, max_length=64, pattern=ID_PATTERN,
                                         description="产品 id / product id")] = None,
    page: PageQ = 1, page_size: PageSizeQ = 50,
) -> dict[str, Any]:
    """Enterprises the user may see (own regions, grants); others are not listed."""
    return as_page(ws.enterprises(user, ds, region=region, q=q, product=product, page=page, page_size=page_size),
                   page, page_size)


@router.get("/datasets/{ds}/enterprises/{eid}", summary="企业详情 / enterprise detail")
def get_enterprise(ds: DatasetPath, eid: EnterprisePath, user: User, ws: Ws) -> dict[str, Any]:
    return dict(ws.enterprise(user, ds, eid))


@router.post("/datasets/upload", summary="上传数据（Excel/CSV） / upload data", status_code=201,
             response_model=None)
def upload(
    user: User, ws: Ws,
    file: Annotated[UploadFile, File(description="Excel 工作簿（.xlsx）或 CSV / ZIP（≤ 20 MB） / workbook or CSV, ≤ 20 MB")],
    dataset_name: Annotated[str | None, Form(min_length=1, max_length=64, pattern=ID_PATTERN,
                                             description="数据集名称（默认取文件中的 meta.name） / dataset name")] = None,
) -> dict[str, Any] | JSONResponse:
    """Validates the whole file (every problem located by sheet, row and column: 422 with details) and
    writes it as a new version only when it has no errors. The first 200 problems are in
    ``details``."""
    filename = Path(file.filename or "upload").name[:200]
    content = file.file.read()
    result = dict(ws.upload(user, filename, content, dataset_name=dataset_name))
    if not result.get("ok", False):
        problems = list(result.get("problems") or [])
        n_err = sum(1 for p in problems if p.get("severity") == "error")
        return JSONResponse(envelope(
            422, "validation_failed",
            f"{filename}：数据被拒绝，发现 {n_err} 个错误，未写入任何数据。请按 details 中每一条（工作表/文件、行、列）"
            "的说明修正后重新上传。",
            f"{filename}: the data was refused, {n_err} error(s); nothing was written. Fix each entry of details "
            "(sheet/file, row, column) and upload again.", problems), status_code=422)
    return result


@router.get("/template.xlsx", summary="数据模板下载 / data template (Excel)",
            response_class=Response, responses={200: {"content": {XLSX: {}}}})
def template(user: User, lang: Lang = "zh") -> Response:
    """The blank import workbook with example rows and column notes (Chinese or English headers)."""
    with tempfile.TemporaryDirectory(prefix="chainleader-template-") as tmp:
        path = write_template(Path(tmp) / "template.xlsx", lang=lang)
        content = path.read_bytes()
    name = "chainleader-数据模板.xlsx" if lang == "zh" else "chainleader-template.xlsx"
    return download(content, XLSX, name)
