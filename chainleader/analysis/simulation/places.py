"""Resolve the ids a scenario names (products, enterprises, chains, places) against a network.

把情景中的编号解析为网络下标：产品、企业、产业链，以及地点——行政区划代码（省/市/县任意级别，
也接受中文名称如"唐山市"）、区域分组、ISO 国家代码、国家分组。找不到时给出带行号的错误与相近编号。
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from chainleader.analysis.compiled import index_of
from chainleader.analysis.simulation.errors import problem, suggest, suggestion_text
from chainleader.analysis.simulation.network import SimNetwork
from chainleader.analysis.simulation.scenario import Scenario
from chainleader.model.errors import Problem
from chainleader.model.ids import normalise_region_code, region_level
from chainleader.model.reference import country, division, division_by_name


@dataclass
class Resolver:
    """Looks ids up in ``net``; every miss becomes a located Problem in ``problems``."""

    net: SimNetwork
    scenario: Scenario
    problems: list[Problem] = field(default_factory=list)

    def err(self, path: str, code: str, zh: str, en: str, fzh: str = "", fen: str = "", value: object = None,
            severity: str = "error") -> None:
        s = self.scenario
        self.problems.append(problem(s.source, s.line_of(path), path, code, zh, en, fzh, fen, value, severity))

    def _missing(self, path: str, what_zh: str, what_en: str, value: str, hits: list[str], fix_zh: str,
                 fix_en: str) -> None:
        szh, sen = suggestion_text(hits)
        self.err(path, f"unknown_{what_en.replace(' ', '_')}", f"{what_zh} {value!r} 不存在{szh}",
                 f"unknown {what_en} {value!r}{sen}", fix_zh, fix_en, value)

    # --- products, enterprises, chains --------------------------------------------------------------------
    def products(self, ids: tuple[str, ...], path: str) -> np.ndarray:
        return self._lookup(ids, path, self.net.product_ids, self.net.product_name_zh, "产品", "product",
                            "使用数据集 products 表中的编号", "use an id from the dataset's products table")

    def enterprises(self, ids: tuple[str, ...], path: str) -> np.ndarray:
        return self._lookup(ids, path, self.net.enterprise_ids, self.net.enterprise_name_zh, "企业", "enterprise",
                            "使用数据集 enterprises 表中的编号", "use an id from the dataset's enterprises table")

    def _lookup(self, ids: tuple[str, ...], path: str, keys: np.ndarray, names: np.ndarray, what_zh: str,
                what_en: str, fix_zh: str, fix_en: str) -> np.ndarray:
        if not ids:
            return np.zeros(0, dtype=np.int64)
        idx = index_of(np.asarray(ids, dtype=object), keys)
        for k in np.flatnonzero(idx < 0):
            value = ids[k]
            by_name = np.flatnonzero(names == value)
            if len(by_name) == 1:  # a unique Chinese name is accepted
                idx[k] = by_name[0]
                continue
            labels = {str(n): str(i) for n, i in zip(names, keys, strict=True) if n is not None}
            self._missing(f"{path}[{k}]", what_zh, what_en, value, suggest(value, keys.tolist(), labels),
                          fix_zh, fix_en)
        return np.unique(idx[idx >= 0])

    def chain(self, chain: str | None, path: str) -> np.ndarray | None:
        if chain is None:
            return None
        if chain in self.net.chain_ids:
            return self.net.chain_finals[self.net.chain_ids.index(chain)]
        self._missing(path, "产业链", "chain", chain, suggest(chain, self.net.chain_ids),
                      f"可选：{', '.join(self.net.chain_ids)}", f"available: {', '.join(self.net.chain_ids)}")
        return np.zeros(0, dtype=np.int64)

    # --- places ------------------------------------------------------------------------------------------
    def countries(self, specs: tuple[str, ...], path: str) -> np.ndarray:
        """Country indices of ISO codes and country-group ids."""
        out: list[int] = []
        for k, spec in enumerate(specs):
            out.extend(self._country(spec, f"{path}[{k}]"))
        return np.unique(np.asarray(out, dtype=np.int64))

    def _country(self, spec: str, p: str) -> list[int]:
        groups = {g.id: g for g in self.net.country_groups}
        if spec in groups:
            return [int(i) for i in groups[spec].members]
        code = spec.strip().upper()
        if len(code) == 2 and country(code) is not None:
            hit = np.flatnonzero(self.net.country_codes == code)
            if len(hit):
                return [int(hit[0])]
            self.err(p, "no_sites_in_country", f"数据集中没有位于 {code} 的站点，该项不起作用",
                     f"no site of the dataset is in {code}; this entry has no effect", "", "", spec, "warning")
            return []
        hits = suggest(spec, [*groups, *self.net.country_codes.tolist()])
        self._missing(p, "国家或国家分组", "country or country group", spec, hits,
                      "使用 ISO 3166 两位代码（如 CD、US）或 country_groups 中的编号",
                      "use an ISO 3166 alpha-2 code (e.g. CD, US) or a country_groups id")
        return []

    def region_codes(self, specs: tuple[str, ...], path: str) -> list[str]:
        """6-digit division codes of codes, Chinese names and region-group ids."""
        out: list[str] = []
        for k, spec in enumerate(specs):
            out.extend(self._region(spec, f"{path}[{k}]"))
        return out

    def _region(self, spec: str, p: str) -> list[str]:
        groups = {g.id: g for g in self.net.region_groups}
        if spec in groups:
            return [c for m in groups[spec].members if (c := normalise_region_code(m))]
        code = normalise_region_code(spec)
        if code is not None and division(code) is not None:
            return [code]
        named = division_by_name().get(spec) or division_by_name().get(spec + "市") or []
        top = [c for c in named if all(o[: len(c.rstrip("0"))] == c.rstrip("0") for o in named)]
        if len(named) == 1 or len(top) == 1:  # 北京市 names 110000 and its 市辖区 110100: take the province
            return [top[0] if top else named[0]]
        names = {name: codes[0] for name, codes in division_by_name().items() if len(codes) == 1}
        hits = suggest(spec, list(groups), names)
        fix_zh = "使用 GB/T 2260 行政区划代码（如唐山市 130200、河北省 130000）或 region_groups 中的编号"
        fix_en = "use a GB/T 2260 division code (e.g. Tangshan 130200, Hebei 130000) or a region_groups id"
        if len(named) > 1:
            fix_zh += f"；{spec} 有多个同名地区：{', '.join(named)}"
            fix_en += f"; {spec} names several divisions: {', '.join(named)}"
        self._missing(p, "地区", "region", spec, hits, fix_zh, fix_en)
        return []

    def region_mask(self, codes: list[str]) -> np.ndarray:
        """Sites whose facility lies in any of the division codes (province, prefecture or county level)."""
        reg = self.net.site_region.astype(np.int64)
        mask = np.zeros(self.net.n_sites, dtype=bool)
        for code in codes:
            level = region_level(code)
            c = int(code)
            if level == "province":
                mask |= (reg // 10000 == c // 10000) & (reg > 0)
            elif level == "prefecture":
                mask |= (reg // 100 == c // 100) & (reg > 0)
            else:
                mask |= reg == c
        return mask

    def place_mask(self, specs: tuple[str, ...], path: str) -> np.ndarray:
        """Sites located in any of ``specs``: countries, country groups, regions or region groups."""
        mask = np.zeros(self.net.n_sites, dtype=bool)
        cgroups = {g.id for g in self.net.country_groups}
        for k, spec in enumerate(specs):
            p = f"{path}[{k}]"
            if spec in cgroups or (len(spec.strip()) == 2 and spec.strip().isalpha()):
                mask |= np.isin(self.net.site_country, np.asarray(self._country(spec, p), dtype=np.int64))
            else:
                mask |= self.region_mask(self._region(spec, p))
        return mask
