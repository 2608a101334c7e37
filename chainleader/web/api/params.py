"""Bounded request parameters shared by the API routers (every integer and string has limits)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Path, Query

__all__ = [
    "ID_PATTERN",
    "ChainPath",
    "DatasetPath",
    "EnterprisePath",
    "IntIdPath",
    "Lang",
    "PageQ",
    "PageSizeQ",
    "ProductPath",
    "RunIdPath",
    "ScenarioPath",
    "paginate",
]

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"  # model.ids: the identifier rule of the data format
MAX_PAGE = 100_000
MAX_PAGE_SIZE = 200

DatasetPath = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN,
                                  description="数据集名称 / dataset name, e.g. nev-jjj")]
ChainPath = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN,
                                description="产业链 id / chain id, e.g. nev")]
ProductPath = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN,
                                  description="产品（环节）id / product id, e.g. P_COBALT_RAW")]
EnterprisePath = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN,
                                     description="企业 id / enterprise id, e.g. E0001")]
ScenarioPath = Annotated[str, Path(min_length=1, max_length=128, pattern=ID_PATTERN,
                                   description="情景 id / scenario id, e.g. cobalt-cd-cut")]
RunIdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$",
                                description="运行 id / run id")]
IntIdPath = Annotated[int, Path(ge=1, le=2**31 - 1, description="记录 id / record id")]

PageQ = Annotated[int, Query(ge=1, le=MAX_PAGE, description="页码，从 1 开始 / page number, from 1")]
PageSizeQ = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="每页条数 1–200 / items per page 1–200")]
Lang = Literal["zh", "en"]


def paginate(items: list[Any], page: int, page_size: int) -> dict[str, Any]:
    """One page of an in-memory list as the API's list shape ``{items, page, page_size, total}``."""
    start = (page - 1) * page_size
    return {"items": items[start : start + page_size], "page": page, "page_size": page_size, "total": len(items)}


def as_page(result: Any, page: int, page_size: int) -> dict[str, Any]:
    """A service result as the list shape: a page dict passes through, a plain list is paginated here."""
    if isinstance(result, dict) and "items" in result and "total" in result:
        return {"page": page, "page_size": page_size, **result}
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[1], int):
        items, total = result  # (one page of items, total) from the accounts store
        return {"items": list(items), "page": page, "page_size": page_size, "total": total}
    if isinstance(result, list | tuple):
        return paginate(list(result), page, page_size)
    raise TypeError(f"expected a list or a page dict from the service, got {type(result).__name__}")
