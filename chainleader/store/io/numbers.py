"""Numbers, booleans and dates as Chinese Excel users type them, converted vectorised.

Accepted: full-width digits (NFKC), thousands separators ``1,234.5``, a ``%`` suffix on
shares (``60%`` -> 0.6), TRUE/FALSE/是/否/Y/N/1/0, Excel date cells and ``2024/3/1``,
``2024-03-01``, ``2024年3月1日``, ``2024.3.1``, ``20240301`` (all to ISO ``YYYY-MM-DD``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from chainleader.model.schema import Column
from chainleader.store.io.cells import Converted, header_label
from chainleader.store.io.text import contains, matches, nfkc, per_unique, present

NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
_THOUSANDS = r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?"
_DATE_LIKE = (
    r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
    r"|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}-[A-Za-z]{3}(?:-\d{2,4})?|\d{1,2}\s*月\s*\d{1,2}\s*日"
)
_WITH_UNIT = r"[+-]?(?:\d[\d,]*\.?\d*|\.\d+)\s*[^\d\s.,+\-].*"
_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_TRUE = {"true", "t", "yes", "y", "1", "是", "对", "有", "√", "✓"}
_FALSE = {"false", "f", "no", "n", "0", "否", "错", "无", "×", "✗"}


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def convert_number(col: Column, raw: pa.Array) -> Converted:
    """float / int columns: parse, then check type, unit, date, share and range rules."""
    label = header_label(col)
    text = nfkc(raw)
    is_share = col.max == 1
    pct = np.zeros(len(text), dtype=bool)
    if is_share and contains(text, "%"):
        pct = matches(text, NUMBER + r"\s*%")
        text = pc.if_else(pa.array(pct), pc.replace_substring_regex(text, r"\s*%$", ""), text)
    if contains(text, ","):
        thousands = matches(text, _THOUSANDS)
        text = pc.if_else(pa.array(thousands), pc.replace_substring(text, ",", ""), text)
    has = present(text)
    values, ok = _parse_floats(text, has)
    values = np.where(pct, values / 100.0, values)
    out = Converted(values)
    infinite = np.isinf(values)
    if infinite.any():  # '1e400' parses to infinity: not a usable number
        values = np.where(infinite, np.nan, values)
        ok &= ~infinite

    bad = has & ~ok
    date_like = unit = other = np.zeros(len(bad), dtype=bool)
    if bad.any():
        date_like = bad & matches(text, _DATE_LIKE)
        unit = bad & ~date_like & ~infinite & matches(text, _WITH_UNIT)
        other = bad & ~date_like & ~unit
    out.flag("excel_date_in_number", date_like, lambda v: (
        f"数值列 {label} 中出现日期“{v}”，多为 Excel 把数字自动显示成了日期",
        f"a date {v!r} in the numeric column {col.name}, usually Excel auto-formatting a number as a date",
        "把该单元格格式改为“常规”或“数值”，重新输入正确的数值",
        "set the cell format to General or Number and type the number again"))
    unit_hint = "products.unit（产品环节表“计量单位”列）"
    out.flag("unit_in_number", unit, lambda v: (
        f"{label} 应只填数字，“{v}”带有单位或文字",
        f"{col.name} must hold a number only; {v!r} has a unit or text attached",
        f"只填数字（如 {_leading_number(v)}），单位统一写在 {unit_hint}",
        f"write the number only (e.g. {_leading_number(v)}); put the unit in products.unit"))
    kind = "type_int" if col.type == "int" else "type_float"
    what = ("整数", "a whole number") if col.type == "int" else ("数值", "a number")
    out.flag(kind, other, lambda v: (
        f"{label} 应为{what[0]}，“{v}”不是{what[0]}",
        f"{col.name} must be {what[1]}; {v!r} is not",
        f"填写{what[0]}，例如 {col.example or '100'}；不确定时留空",
        f"write {what[1]}, e.g. {col.example or '100'}; leave the cell empty if unknown"))

    valid = ~np.isnan(values)
    if col.type == "int":
        frac = valid & (np.floor(np.where(valid, values, 0.0)) != np.where(valid, values, 0.0))
        huge = valid & (np.abs(np.where(valid, values, 0.0)) > 2.0**53)
        out.flag("type_int", frac | huge, lambda v: (
            f"{label} 应为整数，“{v}”不是整数", f"{col.name} must be a whole number; {v!r} is not",
            "填写不带小数的整数", "write a whole number without decimals"))
        valid &= ~(frac | huge)
    if is_share:
        ambiguous = valid & ~pct & (values > 1) & (values <= 100)
        out.flag("share_ambiguous", ambiguous, lambda v: (
            f"{label} 为比例（0–1），“{v}”大于 1 但没有 %，不能确定是 {v}% 还是写错",
            f"{col.name} is a fraction (0-1); {v!r} is above 1 without %, so it is ambiguous",
            f"写成 {_as_fraction(v)} 或 {v}%", f"write {_as_fraction(v)} or {v}%"))
        valid &= ~ambiguous
    if col.min is not None:
        low = valid & (values < col.min)
        out.flag("negative", low, lambda v: (
            f"{label} 不能小于 {_fmt(col.min or 0)}，实际为 {v}",
            f"{col.name} must not be below {_fmt(col.min or 0)}; found {v}",
            f"填写不小于 {_fmt(col.min or 0)} 的值，或留空", f"write a value of at least {_fmt(col.min or 0)}, or leave it empty"))
    if col.max is not None:
        high = valid & (values > col.max)
        out.flag("above_max", high, lambda v: (
            f"{label} 不能大于 {_fmt(col.max or 0)}，实际为 {v}",
            f"{col.name} must not be above {_fmt(col.max or 0)}; found {v}",
            f"填写不大于 {_fmt(col.max or 0)} 的值", f"write a value of at most {_fmt(col.max or 0)}"))
    bad_any = np.zeros(len(values), dtype=bool)
    for issue in out.issues:
        bad_any |= issue.mask
    values = np.where(bad_any, np.nan, values)
    if col.type == "int":
        missing = np.isnan(values)
        ints = np.where(missing, 0, values).astype(np.int64)
        out.values = pd.arrays.IntegerArray(ints, missing)
    else:
        out.values = values
    return out


def _parse_floats(text: pa.Array, has: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(values with NaN for missing/bad, mask of cells that are plain numbers).

    Fast path: Arrow's cast accepts exactly our number syntax plus nan/inf, which are
    rejected by the finiteness check; anything else falls back to the regex path.
    """
    try:
        parsed = pc.cast(text, pa.float64())
    except pa.ArrowInvalid:
        parsed = None
    if parsed is not None:
        values = np.asarray(pc.fill_null(parsed, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)
        if np.isfinite(values[has]).all():
            return values, has.copy()
    ok = matches(text, NUMBER)
    parsed = pc.cast(pc.if_else(pa.array(ok), text, pa.scalar(None, pa.string())), pa.float64())
    values = np.asarray(pc.fill_null(parsed, np.nan).to_numpy(zero_copy_only=False), dtype=np.float64)
    return values, ok


def _leading_number(text: str) -> str:
    """The number a user meant: '5000吨' -> 5000, '5万' -> 50000, '1.2亿' -> 120000000."""
    m = re.match(r"\s*([+-]?[\d,]*\.?\d+)\s*(万|亿)?", unicodedata.normalize("NFKC", text))
    if not m:
        return "100"
    number = m.group(1).replace(",", "")
    if m.group(2):
        return _fmt(round(float(number) * {"万": 1e4, "亿": 1e8}[m.group(2)], 6))
    return number


def _as_fraction(text: str) -> str:
    try:
        return _fmt(round(float(text.replace(",", "")) / 100.0, 10))
    except ValueError:
        return "0.6"


def parse_bool(text: str) -> bool | None:
    t = text.strip().lower()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    return None


def convert_bool(col: Column, raw: pa.Array) -> Converted:
    text = nfkc(raw)
    results, index = per_unique(text, parse_bool)
    lut = np.array([-1 if r is None else int(r) for r in results] + [-2], dtype=np.int8)
    codes = lut[index]  # index -1 (null) picks the trailing -2
    bad = codes == -1
    out = Converted(pd.arrays.BooleanArray(codes == 1, codes < 0))
    label = header_label(col)
    out.flag("type_bool", bad, lambda v: (
        f"{label} 应为是/否，“{v}”无法识别", f"{col.name} must be yes/no; {v!r} is not recognised",
        "填写 是/否、TRUE/FALSE、Y/N 或 1/0", "write TRUE/FALSE, 是/否, Y/N or 1/0"))
    return out


def parse_date(text: str) -> str | None:
    """ISO date for an accepted spelling, None otherwise (including impossible dates like 2月30日)."""
    m = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def convert_date(col: Column, raw: pa.Array) -> Converted:
    text = nfkc(raw)
    results, index = per_unique(text, parse_date)
    lookup = np.array(results + [None], dtype=object)
    values = lookup[index]
    bad = (index >= 0) & np.array([r is None for r in results] + [False], dtype=bool)[index]
    out = Converted(pa.array(values, type=pa.string()))
    label = header_label(col)
    out.flag("type_date", bad, lambda v: (
        f"{label} 应为日期，“{v}”不是有效日期", f"{col.name} must be a date; {v!r} is not a valid date",
        "写成 2024-12-31、2024/12/31 或 2024年12月31日，或使用 Excel 日期单元格",
        "write 2024-12-31, 2024/12/31 or 2024年12月31日, or use an Excel date cell"))
    return out

