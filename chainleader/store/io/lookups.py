"""Reference look-ups used by the validator, with suggestions for what the user probably meant."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from chainleader.model import reference
from chainleader.model.ids import normalise_region_code

_REGION_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "地区", "省", "市",
                    "区", "县", "盟", "旗")
_INDUSTRY_RE = re.compile(r"^(?:[A-T]|\d{2}|\d{3}|\d{4})$")


@cache
def region_codes() -> frozenset[str]:
    return frozenset(reference.divisions())


def region_code(text: str) -> str | None:
    """Canonical 6-digit code for a typed code ('13', '1301', '130100', '130100.0'); None if unknown."""
    code = normalise_region_code(text)
    return code if code is not None and code in region_codes() else None


@cache
def _region_names() -> dict[str, tuple[str, ...]]:
    """Division name (full, and without its 省/市/区/县 suffix) -> codes."""
    out: dict[str, set[str]] = {}
    for name, codes in reference.division_by_name().items():
        out.setdefault(name, set()).update(codes)
        for suffix in _REGION_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                out.setdefault(name[: -len(suffix)], set()).update(codes)
                break
    return {k: tuple(sorted(v)) for k, v in out.items()}


def region_candidates(name: str) -> tuple[str, ...]:
    """Codes whose division is called ``name`` (e.g. '石家庄市' or '石家庄' -> ('130100',))."""
    return _region_names().get(unicodedata.normalize("NFKC", name).strip(), ())


def region_label(code: str) -> str:
    """'130100 石家庄市（河北省）' for messages."""
    divs = reference.divisions()
    d = divs.get(code)
    if d is None:
        return code
    prov = divs.get(d.province)
    where = f"（{prov.name_zh}）" if prov is not None and prov.code != code else ""
    return f"{code} {d.name_zh}{where}"


@cache
def country_codes() -> frozenset[str]:
    return frozenset(reference.countries())


@cache
def _country_names() -> dict[str, str]:
    out = dict(reference.country_by_name())
    for c in reference.countries().values():
        out.setdefault(c.name_zh.lower(), c.code)
    extra = {"中华人民共和国": "CN", "中国大陆": "CN", "china": "CN", "prc": "CN", "usa": "US",
             "united states of america": "US", "uk": "GB", "英国": "GB", "台湾": "TW", "香港": "HK",
             "澳门": "MO", "刚果金": "CD", "刚果布": "CG", "south korea": "KR", "korea": "KR",
             "russia": "RU", "日本国": "JP", "vietnam": "VN"}
    out.update(extra)
    for name, code in list(out.items()):
        out.setdefault(unicodedata.normalize("NFKC", name), code)
    return out


def country_candidate(text: str) -> str | None:
    """ISO code for a country typed as a name ('德国', 'Germany', 'DEU', '刚果(金)'), else None."""
    names = _country_names()
    for t in (text.strip(), unicodedata.normalize("NFKC", text).strip()):
        hit = names.get(t) or names.get(t.lower()) or names.get(t.upper())
        if hit:
            return hit
    return None


def country_name(code: str) -> str:
    c = reference.countries().get(code)
    return f"{c.name_zh} {c.name_en}" if c is not None else code


@cache
def hs_codes() -> frozenset[str]:
    return reference.hs_codes()


@cache
def industry_codes() -> frozenset[str] | None:
    """GB/T 4754-2017 codes, or None when the curated list is not installed (format check only)."""
    try:
        return frozenset(reference.industry_classes())
    except (OSError, KeyError, ValueError):
        return None


def industry_format_ok(code: str) -> bool:
    return bool(_INDUSTRY_RE.match(code))
