"""List cells (``a;b;c``): separators ; ； , ， 、 accepted, canonical form ';'-joined.

Canonical order: enum lists in the schema's enum order, other lists sorted; duplicates dropped.
Items are checked by what the list holds: HS codes, division codes, countries, ids or enums.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from chainleader.model.schema import Column
from chainleader.store.io import lookups
from chainleader.store.io.cells import Converted, header_label
from chainleader.store.io.codes import (
    country_code,
    country_texts,
    enum_texts,
    enum_value,
    id_texts,
    is_id,
    normalise_hs,
    region_texts,
)
from chainleader.store.io.problems import Texts
from chainleader.store.io.text import nfkc, per_unique

_SPLIT = re.compile(r"[;；,，、]")

# What the items of a list column are, beyond plain text.
ITEM_KIND: dict[tuple[str, str], str] = {
    ("region_groups", "members"): "region",
    ("country_groups", "members"): "country",
    ("chains", "final_products"): "id",
    ("chains", "lead_regions"): "region_or_id",
}


def split_items(text: str) -> list[str]:
    return [t.strip() for t in _SPLIT.split(text) if t.strip()]


@dataclass(frozen=True)
class ListCell:
    value: str | None  # canonical ';'-joined, None when an item is bad
    errors: tuple[str, ...] = ()  # bad items
    warnings: tuple[str, ...] = ()  # suspicious items (unknown HS codes)


def _parse(items: list[str], norm: Callable[[str], str | None]) -> tuple[list[str], list[str]]:
    good: list[str] = []
    bad: list[str] = []
    for item in items:
        v = norm(item)
        if v is None:
            bad.append(item)
        elif v not in good:
            good.append(v)
    return good, bad


def _region_or_id(item: str) -> str | None:
    t = item.replace(" ", "")
    if re.fullmatch(r"\d+(\.0)?", t):
        return lookups.region_code(t)
    return t if is_id(t) else None


def parse_list(table: str, col: Column, text: str) -> ListCell:
    items = split_items(text)
    if col.type == "hs_list":
        codes, bad = _parse(items, lambda i: normalise_hs(i) if re.fullmatch(r"\d{4}|\d{6}", normalise_hs(i)) else None)
        unknown = tuple(c for c in codes if c not in lookups.hs_codes())
        return ListCell(";".join(sorted(codes)) if not bad else None, tuple(bad), unknown)
    if col.enum:
        order = {v: i for i, v in enumerate(col.enum_values)}
        values, bad = _parse(items, lambda i: enum_value(col, i))
        values.sort(key=order.__getitem__)
    else:
        kind = ITEM_KIND.get((table, col.name), "text")
        norm: Callable[[str], str | None] = {
            "region": lambda i: lookups.region_code(i.replace(" ", "")),
            "country": country_code,
            "id": lambda i: i if is_id(i) else None,
            "region_or_id": _region_or_id,
            "text": lambda i: i,
        }[kind]
        values, bad = _parse(items, norm)
        values.sort()
    return ListCell(";".join(values) if values and not bad else None, tuple(bad))


def _item_texts(table: str, col: Column, cell: str) -> Texts:
    bad = parse_list(table, col, cell).errors
    first = bad[0] if bad else cell
    if col.type == "hs_list":
        return hs_texts(col, cell, bad)
    if col.enum:
        zh, en, fzh, fen = enum_texts(col, first)
    else:
        kind = ITEM_KIND.get((table, col.name), "text")
        if kind == "region":
            zh, en, fzh, fen = region_texts(col, first)
        elif kind == "country":
            zh, en, fzh, fen = country_texts(col, first)
        elif kind == "region_or_id":
            zh, en, fzh, fen = (
                f"{header_label(col)} 中的“{first}”既不是行政区划代码也不是区域分组编号",
                f"{col.name}: {first!r} is neither a division code nor a region-group id",
                "填写 6 位行政区划代码（如 130000）或 region_groups 表中的编号，用分号分隔",
                "write 6-digit division codes (e.g. 130000) or region_groups ids, separated by ';'")
        else:
            zh, en, fzh, fen = id_texts(col, first)
    return (f"列表“{cell}”中：{zh}", f"in the list {cell!r}: {en}", fzh, fen)


def hs_texts(col: Column, cell: str, bad: tuple[str, ...]) -> Texts:
    item = bad[0] if bad else cell
    digits = normalise_hs(item)
    hint_zh, hint_en = "", ""
    if digits.isdigit() and len(digits) == 5:
        hint_zh, hint_en = f"；若 Excel 去掉了前导 0，应为 0{digits}", f"; if Excel dropped a leading zero write 0{digits}"
    elif digits.isdigit() and len(digits) in (8, 10):
        hint_zh = f"；8/10 位是中国海关商品编码，HS 取前 6 位：{digits[:6]}"
        hint_en = f"; 8/10 digits are a Chinese tariff code, the HS code is its first 6 digits: {digits[:6]}"
    return (f"{header_label(col)} 中的“{item}”不是 4 位或 6 位 HS 编码{hint_zh}",
            f"{col.name}: {item!r} is not a 4- or 6-digit HS code{hint_en}",
            "填写 HS 2022 的 4 位品目或 6 位子目编码，多个用分号分隔；单元格设为文本以保留前导 0",
            "write 4- or 6-digit HS 2022 codes separated by ';'; format the cell as Text to keep leading zeros")


def convert_list(table: str, col: Column, raw: pa.Array) -> Converted:
    cells, index = per_unique(nfkc(raw), lambda v: parse_list(table, col, v))
    values = np.array([c.value for c in cells] + [None], dtype=object)[index]
    has_err = np.array([bool(c.errors) for c in cells] + [False], dtype=bool)[index]
    out = Converted(pa.array(values, type=pa.string()))
    if col.type == "hs_list":
        out.flag("hs_format", has_err, lambda v: hs_texts(col, v, parse_list(table, col, v).errors))
        has_warn = np.array([bool(c.warnings) for c in cells] + [False], dtype=bool)[index]
        out.flag("hs_unknown", has_warn & ~has_err, lambda v: _hs_unknown_texts(table, col, v), "warning")
        return out
    kind = ITEM_KIND.get((table, col.name), "text")
    code = {"region": "region_unknown", "country": "country_unknown", "id": "id_format",
            "region_or_id": "region_unknown"}.get(kind, "enum")
    out.flag(code, has_err, lambda v: _item_texts(table, col, v))
    return out


def _hs_unknown_texts(table: str, col: Column, cell: str) -> Texts:
    unknown = "、".join(parse_list(table, col, cell).warnings)
    return (f"{header_label(col)} 中的 HS 编码 {unknown} 不在 HS 2022 中",
            f"{col.name}: HS code(s) {unknown} are not in HS 2022",
            "核对 HS 2022 编码（旧版 HS 编码可能已调整）", "check the codes against HS 2022 (older HS versions differ)")
