"""Identifiers and codes: ids, enums, GB/T 2260 regions, ISO countries, USCC, HS, GB/T 4754.

Codes are NFKC-normalised (full-width ０-９/Ａ-Ｚ -> ASCII) and spaces inside codes removed.
Low-cardinality columns are checked once per distinct value (``per_unique``); USCC check
characters are verified with numpy over all rows at once.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from chainleader.model.ids import USCC_CHARSET, USCC_WEIGHTS, uscc_problem
from chainleader.model.schema import Column, enum_aliases
from chainleader.store.io import lookups
from chainleader.store.io.cells import Converted, header_label
from chainleader.store.io.problems import Texts
from chainleader.store.io.text import matches, nfkc, per_unique, present, remove_spaces

ID_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.\-]*"
_ID_RE = re.compile("^" + ID_PATTERN + "$")
_USCC_LUT = np.full(256, -1, dtype=np.int64)
for _i, _c in enumerate(USCC_CHARSET):
    _USCC_LUT[ord(_c)] = _i
_USCC_W = np.array(USCC_WEIGHTS, dtype=np.int64)


def _null_where(values: pa.Array, mask: np.ndarray) -> pa.Array:
    if not mask.any():
        return values
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), values)


def _lookup(values: pa.Array, fn: Callable[[str], str | None]) -> tuple[pa.Array, np.ndarray]:
    """Map each distinct value through ``fn``; returns (mapped values, bad mask)."""
    results, index = per_unique(values, fn)
    table = np.asarray([*results, None], dtype=object)
    mapped = table[index]
    failed = np.asarray([r is None for r in results] + [False], dtype=np.bool_)
    bad = (index >= 0) & failed[index]
    return pa.array(mapped, type=pa.string()), bad


def convert_id(col: Column, raw: pa.Array) -> Converted:
    text = nfkc(raw)
    bad = present(text) & ~matches(text, ID_PATTERN)
    out = Converted(_null_where(text, bad))
    out.flag("id_format", bad, lambda v: id_texts(col, v))
    return out


def id_texts(col: Column, value: str) -> Texts:
    return (
        f"{header_label(col)} 的编号“{value}”格式不对：只能用字母、数字和 - _ .，并以字母或数字开头",
        f"{col.name}: id {value!r} is malformed; use letters, digits and - _ . only, starting with a letter or digit",
        f"改为如 {col.example or 'P_COBALT'} 的编号，不用中文、空格或斜杠",
        f"use an id like {col.example or 'P_COBALT'}, without Chinese characters, spaces or slashes",
    )


def enum_value(col: Column, text: str) -> str | None:
    aliases = enum_aliases(col)
    t = text.strip()
    return aliases.get(t) or aliases.get(re.sub(r"[\s\-]+", "_", t.lower()))


def enum_texts(col: Column, value: str) -> Texts:
    allowed = " / ".join(f"{v} {zh}" for v, zh in col.enum)
    return (f"{header_label(col)} 的取值“{value}”不在可选值中", f"{col.name}: {value!r} is not an allowed value",
            f"从以下取值中选一个（英文或中文均可）：{allowed}", f"use one of (English or Chinese): {allowed}")


def convert_enum(col: Column, raw: pa.Array) -> Converted:
    mapped, bad = _lookup(nfkc(raw), lambda v: enum_value(col, v))
    out = Converted(mapped)
    out.flag("enum", bad, lambda v: enum_texts(col, v))
    return out


def region_texts(col: Column, value: str) -> Texts:
    cands = lookups.region_candidates(value)
    if cands:
        labels = "、".join(lookups.region_label(c) for c in cands)
        return (f"{header_label(col)} 应填行政区划代码，“{value}”是地名", f"{col.name} needs a division code; "
                f"{value!r} is a name", f"改填代码：{labels}", f"write the code instead: {', '.join(cands)}")
    return (f"{header_label(col)} 的“{value}”不是 GB/T 2260 行政区划代码",
            f"{col.name}: {value!r} is not a GB/T 2260 administrative division code",
            "填写 6 位行政区划代码，如 130100（石家庄市）；省级可写 2 位如 13",
            "write a 6-digit division code such as 130100 (Shijiazhuang); 2 digits for a province, e.g. 13")


def convert_region(col: Column, raw: pa.Array) -> Converted:
    mapped, bad = _lookup(remove_spaces(nfkc(raw)), lookups.region_code)
    out = Converted(mapped)
    out.flag("region_unknown", bad, lambda v: region_texts(col, v))
    return out


def country_code(text: str) -> str | None:
    t = text.strip().upper()
    return t if t in lookups.country_codes() else None


def country_texts(col: Column, value: str) -> Texts:
    cand = lookups.country_candidate(value)
    if cand:
        return (f"{header_label(col)} 应填 ISO 3166 两位国家代码，“{value}”是国名",
                f"{col.name} needs an ISO 3166 alpha-2 code; {value!r} is a name",
                f"改填 {cand}（{lookups.country_name(cand)}）", f"write {cand} ({lookups.country_name(cand)})")
    return (f"{header_label(col)} 的“{value}”不是 ISO 3166 两位国家代码",
            f"{col.name}: {value!r} is not an ISO 3166 alpha-2 country code",
            "填写两位国家代码，如 CN（中国）、DE（德国）、US（美国）", "write a two-letter code such as CN, DE or US")


def convert_country(col: Column, raw: pa.Array) -> Converted:
    mapped, bad = _lookup(remove_spaces(nfkc(raw)), country_code)
    out = Converted(mapped)
    out.flag("country_unknown", bad, lambda v: country_texts(col, v))
    return out


def uscc_valid(values: pa.Array) -> np.ndarray:
    """Vectorised GB 32100 check: length 18, allowed characters, check character (null -> True)."""
    n = len(values)
    ok = ~present(values)
    cand = present(values) & matches(values, "[0-9A-HJ-NP-RTUW-Y]{18}")
    idx = np.flatnonzero(cand)
    if len(idx):
        sub = values.take(pa.array(idx, type=pa.int64()))
        offsets = np.frombuffer(sub.buffers()[1], dtype=np.int32)[sub.offset: sub.offset + len(idx) + 1]
        data = np.frombuffer(sub.buffers()[2], dtype=np.uint8)[offsets[0]: offsets[-1]]
        digits = _USCC_LUT[data.reshape(len(idx), 18)]
        check = 31 - (digits[:, :17] * _USCC_W).sum(axis=1) % 31
        check[check == 31] = 0
        ok[idx] = digits[:, 17] == check
    return ok if n else np.zeros(0, dtype=bool)


def convert_uscc(col: Column, raw: pa.Array) -> Converted:
    text = pc.utf8_upper(remove_spaces(nfkc(raw)))
    bad = ~uscc_valid(text)
    out = Converted(_null_where(text, bad))

    def describe(v: str) -> Texts:
        why = uscc_problem(re.sub(r"\s+", "", unicodedata.normalize("NFKC", v)).upper()) or ("", "")
        if re.fullmatch(r"[\d.]+[eE]\+?\d+", v.strip()):
            why = ("Excel 把长数字存成了数值（科学计数法），后几位已丢失；请把该列设为文本后重新粘贴",
                   "Excel stored the long number as a number (scientific notation) and lost digits; "
                   "format the column as Text and paste the codes again")
        return (f"统一社会信用代码“{v}”无效：{why[0]}", f"USCC {v!r} is invalid: {why[1]}",
                "核对营业执照上的 18 位统一社会信用代码（可在国家企业信用信息公示系统查询）；境外企业留空并填写境外编号",
                "copy the 18-character code from the business licence (check it in the national enterprise "
                "credit system); leave it empty for foreign firms and fill foreign_id")

    out.flag("uscc", bad, describe)
    return out


def normalise_hs(item: str) -> str:
    t = item.strip()
    if re.fullmatch(r"\d+\.0", t):  # typed in an Excel number cell
        t = t[:-2]
    return t.replace(".", "").replace(" ", "")


def industry_code(text: str) -> str | None:
    t = text.replace(" ", "").upper()
    if re.fullmatch(r"\d+\.0", t):
        t = t[:-2]
    return t if lookups.industry_format_ok(t) else None


def convert_industry(col: Column, raw: pa.Array) -> Converted:
    mapped, bad = _lookup(nfkc(raw), industry_code)
    out = Converted(mapped)
    out.flag("industry_format", bad, lambda v: (
        f"{header_label(col)} 的“{v}”不是 GB/T 4754-2017 行业代码格式",
        f"{col.name}: {v!r} is not in GB/T 4754-2017 code format",
        "填写门类字母（如 C）或 2/3/4 位数字代码（如 3841）；Excel 会去掉前导 0，请把单元格设为文本",
        "write a section letter (e.g. C) or a 2/3/4-digit code (e.g. 3841); format the cell as Text to keep leading zeros"))
    known = lookups.industry_codes()
    if known is not None:
        # The curated list holds every 门类 and 大类 but only the 中类/小类 the bundled data uses, so a
        # finer code is checked exactly when listed and otherwise through its 大类 (first two digits).
        prefix = pc.utf8_slice_codeunits(mapped, 0, 2)
        is_digit_code = pc.fill_null(pc.match_substring_regex(mapped, r"^\d{3,4}$"), False)
        probe = pc.if_else(is_digit_code, prefix, mapped)
        listed = pc.fill_null(pc.is_in(mapped, pa.array(sorted(known))), False)
        listed_division = pc.fill_null(pc.is_in(probe, pa.array(sorted(known))), False)
        ok = pc.or_(listed, listed_division)
        unknown = present(mapped) & ~np.asarray(ok.to_numpy(zero_copy_only=False), dtype=bool)
        out.flag("industry_unknown", unknown, lambda v: (
            f"行业代码“{v}”不在 GB/T 4754-2017 中", f"industry code {v!r} is not in GB/T 4754-2017",
            "核对《国民经济行业分类》(GB/T 4754-2017) 中的代码", "check the code against GB/T 4754-2017"),
            severity="warning")
    return out


def is_id(text: str) -> bool:
    return bool(_ID_RE.match(text))
