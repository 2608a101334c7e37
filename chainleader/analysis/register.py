"""The risk register (断链风险点清单): every risk point with severity, score, rules, numbers and explanations.

风险清单：每个风险点（产品；相关时附企业/省份；企业、省份、国家及分组的断链风险点）给出红/黄/蓝预警等级
（工信部惯例）、数值得分、触发的规则及其数值、中英文说明和排序后的备份候选。

Severity of an entry = the highest severity among its rules (rule table in ``RULES``). One escalation: a
yellow product with a single-point rule (single source, or no domestic backup) whose loss puts >=
``value_share_bands[2]`` of the final output value at risk becomes red.
Score = Σ_rules weight(rule) x intensity(rule) with intensities in [0, 1] (``RiskParams.rule_weights``);
entries are sorted by severity, then score, then id.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.backups import (
    incumbents,
    link_backups,
    product_backups,
    supplier_pairs,
)
from chainleader.analysis.chokepoints import chokepoint_arrays
from chainleader.analysis.compiled import CompiledDataset, compile_dataset
from chainleader.analysis.concentration import concentration_arrays
from chainleader.analysis.dependence import import_dependence_arrays, source_breakdown
from chainleader.analysis.entries import RULES, EntryBuilder, to_json_ready
from chainleader.analysis.params import RiskParams
from chainleader.analysis.single_points import single_points_of_failure, supply_model
from chainleader.analysis.stress import StressOutcome, run_stress
from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError


@dataclass
class RiskRegister:
    """The register: ``entries`` (one row per risk point), ``candidates`` (ranked backups per point),
    ``violations`` (links without a domestic backup), ``metadata`` (dataset, hash, every parameter)."""

    entries: pd.DataFrame
    candidates: pd.DataFrame
    violations: pd.DataFrame
    metadata: dict[str, Any]
    results: dict[str, Any] = field(default_factory=dict, repr=False)
    timings: dict[str, float] = field(default_factory=dict, repr=False)
    _compiled: CompiledDataset | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.entries)

    def to_frame(self) -> pd.DataFrame:
        """Entries as a flat frame (facts as JSON text)."""
        df = self.entries.copy()
        df["facts"] = [json.dumps(to_json_ready(f), ensure_ascii=False, sort_keys=True) for f in df["facts"]]
        return df.reset_index(drop=True)

    def severity_counts(self) -> dict[str, int]:
        vc = self.entries["severity"].value_counts()
        return {s: int(vc.get(s, 0)) for s in ("red", "yellow", "blue")}

    def filter(self, *, chain: str | None = None, region: str | None = None, stage: str | None = None,
               severity: str | Iterable[str] | None = None, kind: str | Iterable[str] | None = None) -> RiskRegister:
        """Entries of one chain / region / tier (stage) / severity / kind.

        region: a division code (province, prefecture or county; 2/4/6 digits) or a region_groups id; keeps
        products made in the region and their upstream, enterprises and provinces located there, and every
        country / country-group entry.
        """
        e = self.entries
        keep = np.ones(len(e), dtype=bool)
        if chain is not None:
            keep &= np.asarray([chain in str(c).split(";") for c in e["chains"]], dtype=bool)
        if stage is not None:
            st = {"上游": "upstream", "中游": "midstream", "下游": "downstream"}.get(stage, stage)
            keep &= np.asarray([st in str(s).split(";") for s in e["stages"]], dtype=bool)
        if severity is not None:
            sev = {severity} if isinstance(severity, str) else set(severity)
            sev = {{"红": "red", "黄": "yellow", "蓝": "blue"}.get(s, s) for s in sev}
            keep &= e["severity"].isin(sev).to_numpy()
        if kind is not None:
            kinds = {kind} if isinstance(kind, str) else set(kind)
            keep &= e["kind"].isin(kinds).to_numpy()
        if region is not None:
            if self._compiled is None:
                raise ConfigError("region filter needs the compiled dataset / 区域筛选需要编译后的数据集")
            keep &= region_mask(self._compiled, e, region)
        sub = e[keep].reset_index(drop=True)
        points = set(sub["point"])
        cand = self.candidates[self.candidates["point"].isin(points)].reset_index(drop=True)
        meta = dict(self.metadata)
        meta["filter"] = {"chain": chain, "region": region, "stage": stage,
                          "severity": severity if severity is None or isinstance(severity, str) else sorted(severity),
                          "kind": kind if kind is None or isinstance(kind, str) else sorted(kind)}
        return RiskRegister(sub, cand, self.violations, meta, self.results, self.timings, self._compiled)

    # --- export ------------------------------------------------------------------------------------
    def to_csv(self, path: str | Path) -> Path:
        """UTF-8 with BOM, so Excel opens the Chinese text correctly."""
        p = Path(path)
        self.to_frame().to_csv(p, index=False, encoding="utf-8-sig")
        return p

    def to_json(self, path: str | Path | None = None) -> str:
        payload = {
            "metadata": to_json_ready(self.metadata),
            "entries": [to_json_ready(r) for r in self.entries.to_dict(orient="records")],
            "candidates": [to_json_ready(r) for r in self.candidates.to_dict(orient="records")],
        }
        text = json.dumps(payload, ensure_ascii=False, indent=1, sort_keys=True)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_xlsx(self, path: str | Path, max_rows: int = 1_000_000) -> Path:
        """Sheets: 风险清单 register, 备份候选 candidates, 备份缺口 link violations, 元数据 metadata."""
        p = Path(path)
        meta_rows = [(k, json.dumps(to_json_ready(v), ensure_ascii=False, sort_keys=True)) for k, v in self.metadata.items()]
        viol = self.violations.head(max_rows).astype({c: str for c in ("customer", "product")
                                                     if c in self.violations.columns})
        if len(self.violations) > max_rows:
            meta_rows.append(("violations_truncated", f"{len(self.violations)} rows, first {max_rows} written"))
        with pd.ExcelWriter(p, engine="openpyxl") as xw:
            self.to_frame().to_excel(xw, sheet_name="风险清单 register", index=False)
            self.candidates.to_excel(xw, sheet_name="备份候选 candidates", index=False)
            viol.to_excel(xw, sheet_name="备份缺口 links", index=False)
            pd.DataFrame(meta_rows, columns=["key", "value"]).to_excel(xw, sheet_name="元数据 metadata", index=False)
        return p


# --------------------------------------------------------------------------------------------------
# region relevance
# --------------------------------------------------------------------------------------------------
def _region_predicate(comp: CompiledDataset, region: str) -> list[tuple[int, int]]:
    """[(code // div, div)] pairs describing the region (division prefixes)."""
    codes: list[str] = []
    for g in comp.region_groups:
        if g.id == region:
            codes = list(g.members)
    if not codes:
        r = region.strip()
        if not r.isdigit() or len(r) not in (2, 4, 6):
            raise ConfigError(f"region {region!r}: 需为行政区划代码或区域分组编号 / expected a division code or "
                              f"a region_groups id ({[g.id for g in comp.region_groups]})")
        codes = [r.ljust(6, "0")]
    out = []
    for c in codes:
        v = int(c)
        div = 10000 if v % 10000 == 0 else (100 if v % 100 == 0 else 1)
        out.append((v // div, div))
    return out


def _in_region(codes: np.ndarray, pred: list[tuple[int, int]]) -> np.ndarray:
    codes = codes.astype(np.int64)
    m = np.zeros(len(codes), dtype=bool)
    for v, div in pred:
        m |= (codes > 0) & (codes // div == v)
    return m


def region_mask(comp: CompiledDataset, entries: pd.DataFrame, region: str) -> np.ndarray:
    pred = _region_predicate(comp, region)
    site_in = _in_region(comp.site_region, pred) & comp.site_live
    made_here = np.unique(comp.site_product[site_in])
    relevant = comp.upstream_mask(made_here) if len(made_here) else np.zeros(comp.n_products, dtype=bool)
    rel_ids = set(comp.product_ids[relevant].tolist())
    ent_in = set(comp.enterprise_ids[_in_region(comp.enterprise_region, pred)].tolist())
    prov_in = {str(c) for c in comp.province_codes[_in_region(comp.province_codes, pred)]}
    grp = {g.id for g in comp.region_groups if g.id == region}
    keep = []
    for kind, id_ in zip(entries["kind"], entries["id"], strict=True):
        if kind == "product":
            keep.append(id_ in rel_ids)
        elif kind == "enterprise":
            keep.append(id_ in ent_in)
        elif kind == "province":
            keep.append(id_ in prov_in)
        elif kind == "region_group":
            keep.append(id_ in grp)
        else:
            keep.append(True)
    return np.asarray(keep, dtype=bool)


# --------------------------------------------------------------------------------------------------
# assess
# --------------------------------------------------------------------------------------------------
def assess(
    ds: Dataset | CompiledDataset,
    *,
    chain: str | None = None,
    region: str | None = None,
    params: RiskParams | None = None,
    with_lp: bool = True,
) -> RiskRegister:
    """Assess chain-break risk: the full risk register of a dataset (optionally one chain / region).

    断链风险评估：对数据集（可限定产业链、区域）生成完整风险清单。``with_lp`` 时对每个产品节点、企业和省份
    运行 TTR/TTS 线性规划（METHODS §3）；该模块不可用时在 metadata 中注明。
    """
    params = params or RiskParams()
    timings: dict[str, float] = {}
    t = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal t
        now = time.perf_counter()
        timings[name] = now - t
        t = now

    comp = compile_dataset(ds)
    lap("compile")
    finals = comp.finals(chain)
    scope = comp.upstream_mask(finals) if len(finals) else comp.scope(chain)
    dep = import_dependence_arrays(comp, params)
    _, src = source_breakdown(comp, params)
    lap("import_dependence")
    conc = concentration_arrays(comp, params, np.where(dep["q_source"] == "trade", dep["q"], np.nan))
    lap("concentration")
    choke = chokepoint_arrays(comp, params)
    lap("chokepoints")
    sm = supply_model(comp, params)
    pairs = supplier_pairs(comp, params)
    inc = incumbents(comp, pairs, sm.free)
    pb = product_backups(comp, params, pairs, inc)
    lb = link_backups(comp, params, pairs)
    lap("backups")
    spof = single_points_of_failure(comp, chain=chain, params=params)
    lap("single_points")
    stress: StressOutcome | None = None
    if with_lp:
        stress = run_stress(comp, params, chain)
        lap("stress_test")
    builder = EntryBuilder(comp, params, chain, scope, dep, src, conc, choke, sm, pairs, inc, pb, lb, spof, stress)
    entries, candidates = builder.build()
    lap("register")
    v = lb["violation"] & scope[lb["product"]]
    violations = pd.DataFrame({
        "customer": pd.Categorical.from_codes(lb["customer"][v], categories=pd.Index(comp.enterprise_ids)),
        "product": pd.Categorical.from_codes(lb["product"][v], categories=pd.Index(comp.product_ids)),
        "n_incumbents": lb["n_incumbents"][v], "required_grade": lb["required_grade"][v],
        "volume": lb["volume"][v], "b_same": lb["b_same"][v], "b_red": lb["b_red"][v],
    })
    from importlib.metadata import PackageNotFoundError, version

    try:
        pkg_version = version("chainleader")
    except PackageNotFoundError:  # pragma: no cover - only when not installed
        pkg_version = "unknown"
    meta: dict[str, Any] = {
        "dataset": comp.name, "version": comp.version, "version_id": comp.version_id,
        "content_key": comp.content_key if not comp.content_key.startswith("id:") else
        "not hashed: > 2.5e5 rows and no store version id",
        "chain": chain, "region": region, "with_lp": with_lp,
        "lp_status": stress.status if stress is not None else "skipped (with_lp=False)",
        "params": params.as_dict(), "rules": RULES, "chainleader_version": pkg_version,
        "n_products_in_scope": int(scope.sum()), "n_final_products": len(finals),
        "total_final_value": spof.metadata["total_final_value"],
        "finals_not_producible": spof.metadata["finals_not_producible"],
        "supply_unknown_products": [str(x) for x in comp.product_ids[scope & sm.supply_unknown]],
        "n_link_groups": int(len(lb["product"])), "n_link_violations": int(v.sum()),
        "severity_counts": {},
    }
    reg = RiskRegister(entries, candidates, violations, meta, {"single_points": spof, "stress": stress}, timings,
                       comp)
    if region is not None:
        reg = reg.filter(region=region)
        reg.metadata.pop("filter", None)
    reg.metadata["severity_counts"] = reg.severity_counts()
    return reg


