"""Assembling risk-register entries from the metric arrays (one pass per entry kind).

风险清单条目的组装：由各指标数组生成产品、企业、省份、国家及分组条目，附规则、数值、中英文说明与备份候选查询。
Severity of an entry = the highest severity among its rules (``RULES``). One escalation: a yellow product
with a single-point rule (single source, or no domestic backup) whose loss puts >= ``value_share_bands[2]``
of the final output value at risk becomes red. Score = Σ_rules weight(rule) x intensity(rule), intensities
in [0, 1] (``RiskParams.rule_weights``); entries are sorted by severity, then score, then id.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.backups import candidates_for
from chainleader.analysis.compiled import STAGES, CompiledDataset
from chainleader.analysis.explain import KIND_LABELS, PROVINCE_EN, explain
from chainleader.analysis.params import SEVERITY_RANK, RiskParams, band
from chainleader.analysis.single_points import SpofResult
from chainleader.analysis.stress import StressOutcome

RULES: dict[str, str] = {
    "chokepoint": "red",
    "tts_below_ttr": "bands: rei_bands (REI of the exposed scenario)",
    "import_dependence": "bands: dependence_bands",
    "structural_spof": "bands: value_share_bands",
    "single_source": "yellow",
    "no_domestic_backup": "yellow",
    "single_region_layout": "yellow",
    "link_backup_gap": "bands: link_gap_bands",
    "high_concentration": "blue",
    "reduced_standard_only": "blue",
    "critical_input": "context (escalates a yellow single source / missing backup to red)",
}

ESCALATING = ("single_source", "no_domestic_backup")  # a yellow single point on the critical path -> red

ENTRY_COLUMNS = ("point", "kind", "id", "name_zh", "name_en", "severity", "score", "rules", "stages", "chains",
                 "product", "enterprise", "province", "country", "value_at_risk", "n_finals_affected",
                 "explanation_zh", "explanation_en", "facts")



def to_json_ready(x: Any) -> Any:
    """numpy scalars / NaN -> JSON-ready Python values."""
    if isinstance(x, dict):
        return {str(k): to_json_ready(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [to_json_ready(v) for v in x]
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None
    return x


class EntryBuilder:
    """Assembles entries from the metric arrays (one pass per entry kind)."""

    def __init__(self, comp: CompiledDataset, params: RiskParams, chain: str | None, scope: np.ndarray,
                 dep: dict[str, np.ndarray], src: dict[str, np.ndarray], conc: dict[str, Any],
                 choke: dict[str, np.ndarray], sm: Any, pairs: Any, inc: Any, pb: dict[str, np.ndarray],
                 lb: dict[str, np.ndarray], spof: SpofResult, stress: StressOutcome | None) -> None:
        self.comp, self.params, self.chain, self.scope = comp, params, chain, scope
        self.dep, self.src, self.conc, self.choke = dep, src, conc, choke
        self.sm, self.pairs, self.inc, self.pb, self.lb = sm, pairs, inc, pb, lb
        self.spof, self.stress = spof, stress
        self.rows: list[dict[str, Any]] = []
        self.queries: list[tuple[int, int, int, int, str, bool]] = []  # product, enterprise, grade, province,
        # point, province lost (candidates must lie outside it)
        # chain membership of products
        self.chain_sets = [comp.upstream_mask(f) if len(f) else np.zeros(comp.n_products, dtype=bool)
                           for f in comp.chain_finals]
        # lost finals per scenario (first max_listed by value), direct products per scenario
        sc = spof.scenarios
        self.scen_index = {(k, i): n for n, (k, i) in enumerate(zip(sc["kind"], sc["id"], strict=True))}
        self.sc_nfin = sc["n_finals_lost"].to_numpy()
        self.sc_var = sc["value_at_risk"].to_numpy()
        self.sc_share = sc["value_share"].to_numpy()
        self.sc_nprod = sc["n_products_lost"].to_numpy()
        lost = spof.lost
        s = lost["scenario"].to_numpy()
        self.lost_ptr = np.searchsorted(s, np.arange(len(sc) + 1))
        self.lost_final = lost["final_index"].to_numpy()
        d = spof.direct
        ds_ = d["scenario"].to_numpy()
        self.direct_ptr = np.searchsorted(ds_, np.arange(len(sc) + 1))
        self.direct_prod = d["product_index"].to_numpy()
        self.direct_what = d["what"].to_numpy()
        self.stress_rows: dict[tuple[str, str], dict[str, Any]] = {}
        if stress is not None and len(stress.table):
            for r in stress.table.to_dict(orient="records"):
                self.stress_rows[(str(r["kind"]), str(r["id"]))] = r

    # --- helpers -----------------------------------------------------------------------------------
    def names(self, idx: np.ndarray) -> tuple[list[str], list[str]]:
        c = self.comp
        return [str(c.product_name_zh[i]) for i in idx], [str(c.product_name_en[i]) for i in idx]

    def chains_of(self, prods: np.ndarray) -> str:
        return ";".join(cid for cid, m in zip(self.comp.chain_ids, self.chain_sets, strict=True)
                        if len(prods) and m[prods].any())

    def stages_of(self, prods: np.ndarray) -> str:
        st = sorted({int(s) for s in self.comp.product_stage[prods] if s >= 0})
        return ";".join(STAGES[s] for s in st)

    def scenario_facts(self, kind: str, id_: str) -> dict[str, Any] | None:
        n = self.scen_index.get((kind, id_))
        if n is None:
            return None
        if int(self.sc_nfin[n]) == 0:
            return None
        fin = self.lost_final[self.lost_ptr[n]:self.lost_ptr[n + 1]]
        zh, en = self.names(fin)
        direct = self.direct_prod[self.direct_ptr[n]:self.direct_ptr[n + 1]]
        dz, de = self.names(np.unique(direct))
        return {"finals": [str(self.comp.product_ids[i]) for i in fin], "finals_zh": zh, "finals_en": en,
                "value_at_risk": float(self.sc_var[n]), "value_share": float(self.sc_share[n]),
                "n_products_lost": int(self.sc_nprod[n]), "direct": [str(self.comp.product_ids[i])
                                                                           for i in np.unique(direct)],
                "direct_zh": dz, "direct_en": de, "_final_idx": fin, "_direct_idx": np.unique(direct)}

    def stress_facts(self, kind: str, id_: str) -> dict[str, Any] | None:
        r = self.stress_rows.get((kind, id_))
        if r is None:
            return None
        tts, ttr = float(r.get("tts", np.nan)), float(r.get("ttr", np.nan))
        exposed = bool(r.get("exposed")) if r.get("exposed") is not None and not pd.isna(r.get("exposed")) \
            else (tts < ttr)
        return {"tts": tts, "ttr": ttr, "pi": float(r.get("pi", np.nan)), "rei": float(r.get("rei", np.nan)),
                "exposed": exposed, "period_days": self.params.period_days}

    # --- products ----------------------------------------------------------------------------------
    def product_rules(self, p: int) -> list[tuple[str, str, float, dict[str, Any]]]:
        """(rule, severity, intensity, facts) for product p."""
        c, prm = self.comp, self.params
        out: list[tuple[str, str, float, dict[str, Any]]] = []
        d = float(self.dep["dependence"][p])
        b = band(d, prm.dependence_bands)
        src_n = int(self.src["n_source_countries"][p])
        if b:
            out.append(("import_dependence", b, max(0.0, min(1.0, d)), {
                "dependence": d, "variant": prm.dependence_variant, "gross": float(self.dep["gross"][p]),
                "net": float(self.dep["net"][p]), "year": int(self.dep["year"][p]), "measure": prm.trade_measure,
                "n_source_countries": src_n, "source_hhi": float(self.src["source_hhi"][p]),
                "top_source": _code(c.country_codes, self.src["top_source"][p]),
                "top_source_share": float(self.src["top_source_share"][p]),
                "net_exporter": bool(self.dep["net_exporter"][p])}))
        if self.choke["is_chokepoint"][p]:
            f = {"dependence": float(self.choke["dependence"][p]), "basis": str(self.choke["basis"][p]),
                 "n_source_countries": int(self.choke["n_sources"][p]),
                 "source_hhi": float(self.choke["source_hhi"][p]),
                 "required_grade": int(self.choke["required_grade"][p]),
                 "best_domestic_grade": int(self.choke["best_domestic_grade"][p]),
                 "domestic_capacity": bool(self.choke["domestic_any"][p])}
            if prm.country_group is not None:
                g = c.country_group(prm.country_group)
                f.update({"group_share": float(self.choke["group_share"][p]), "group_name_zh": g.name_zh,
                          "group_name_en": g.name_en})
            out.append(("chokepoint", "red", 1.0, f))
        n_sup = int(self.conc["n_suppliers"][p])
        n_src_total = n_sup + int(self.extra_import_sources[p])
        if n_src_total == 1:
            if n_sup == 1:
                e = int(self.conc["enterprise"]["leader"][p])
                e = e if e >= 0 else int(self.inc.enterprise[p])
                zh = str(c.enterprise_name_zh[e])
                en_name = c.enterprise_name_en[e]
                en = str(en_name) if en_name is not None and not pd.isna(en_name) else str(c.enterprise_ids[e])
                f = {"source": str(c.enterprise_ids[e]), "source_zh": zh, "source_en": en, "type": "enterprise"}
            else:
                k = int(self.src["top_source"][p])
                code = str(c.country_codes[k])
                f = {"source": code, "source_zh": f"进口自{self.country_zh.get(code, code)}",
                     "source_en": f"imports from {self.country_en.get(code, code)}", "type": "imports"}
            out.append(("single_source", "yellow", 1.0, f))
        if self.pb["violation"][p]:
            out.append(("no_domestic_backup", "yellow", 1.0, {
                "b_same": int(self.pb["b_same"][p]), "b_red": int(self.pb["b_red"][p]), "rule": prm.backup_rule,
                "incumbent": _code(c.enterprise_ids, self.inc.enterprise[p], "imports"),
                "incumbent_grade": int(self.inc.grade[p])}))
        elif prm.backup_rule == "any" and self.pb["b_same"][p] == 0 and self.pb["b_red"][p] > 0:
            out.append(("reduced_standard_only", "blue", 0.5, {"b_same": 0, "b_red": int(self.pb["b_red"][p]),
                                                                "incumbent_grade": int(self.inc.grade[p])}))
        if self.conc["single_region"][p] and self.conc["n_domestic_suppliers"][p] >= 1:
            r = int(self.conc["province"]["leader"][p])
            code = str(c.province_codes[r])
            out.append(("single_region_layout", "yellow", 1.0, {
                "province": code, "province_zh": c.province_name(r), "province_en": PROVINCE_EN.get(code, code),
                "n_domestic_suppliers": int(self.conc["n_domestic_suppliers"][p])}))
        h = float(self.conc["enterprise"]["hhi"][p])
        if not math.isnan(h) and h >= prm.hhi_bands[1] and n_src_total > 1:
            out.append(("high_concentration", "blue", h, {
                "hhi": h, "cr1": float(self.conc["enterprise"]["cr1"][p]) if "cr1" in self.conc["enterprise"]
                else float("nan"), "n_eff_hhi": float(self.conc["enterprise"]["n_eff_hhi"][p]),
                "basis": prm.share_basis}))
        nl, nu = int(self.n_links[p]), int(self.n_unc[p])
        if nl > 0 and nu > 0:
            share = nu / nl
            sev = "yellow" if share >= prm.link_gap_bands[1] else ("blue" if share > prm.link_gap_bands[0] else "")
            if sev:
                out.append(("link_backup_gap", sev, share, {"n_links": nl, "n_uncovered": nu,
                                                            "uncovered_share": share}))
        sf = self.stress_facts("product", str(c.product_ids[p]))
        if sf is not None and sf["exposed"]:
            out.append(("tts_below_ttr", _rei_severity(sf, prm), _tts_intensity(sf), sf))
        return out

    def build(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        c, prm = self.comp, self.params
        from chainleader.analysis.single_points import _country_names

        zh, en = _country_names(c)
        self.country_zh = dict(zip(c.country_codes.tolist(), zh.tolist(), strict=True))
        self.country_en = dict(zip(c.country_codes.tolist(), en.tolist(), strict=True))
        # import partners not covered by a listed working site in that country
        site_keys = np.unique(c.site_product[c.site_live].astype(np.int64) * c.n_countries
                              + c.site_country[c.site_live])
        imp_keys = self.sm.import_product * c.n_countries + self.sm.import_partner
        extra = ~np.isin(imp_keys, site_keys)
        self.extra_import_sources = np.bincount(self.sm.import_product[extra], minlength=c.n_products)
        self.n_links = np.bincount(self.lb["product"], minlength=c.n_products)
        self.n_unc = np.bincount(self.lb["product"][self.lb["violation"]], minlength=c.n_products)
        for p in np.flatnonzero(self.scope):
            rules = self.product_rules(int(p))
            if not rules:
                continue
            pid = str(c.product_ids[p])
            crit = self.scenario_facts("product", pid)
            sev = max((r[1] for r in rules), key=lambda s: SEVERITY_RANK[s])
            if crit is not None:
                single_point = any(r[0] in ESCALATING for r in rules)
                if sev == "yellow" and single_point and crit["value_share"] >= prm.value_share_bands[2]:
                    sev = "red"
                    crit["escalated"] = True
                rules.append(("critical_input", "", crit["value_share"], crit))
            enterprise = next((r[3]["source"] for r in rules if r[0] == "single_source"
                               and r[3]["type"] == "enterprise"), None)
            province = next((r[3]["province"] for r in rules if r[0] == "single_region_layout"), None)
            point = f"product:{pid}"
            self.queries.append((int(p), int(self.inc.enterprise[p]), int(self.inc.grade[p]),
                                 int(self.inc.province[p]), point, False))
            self.add(point, "product", pid, str(c.product_name_zh[p]), str(c.product_name_en[p]), sev, rules,
                     np.asarray([p]), enterprise, province, None, crit)
        self.entity_entries()
        entries = pd.DataFrame(self.rows, columns=list(ENTRY_COLUMNS))
        cand = self.candidates()
        if len(entries):
            queried = {q[4] for q in self.queries}
            first = cand[cand["rank"] == 1].drop_duplicates("point")
            best = dict(zip(first["point"], first.to_dict(orient="records"), strict=True))
            zh_list, en_list = [], []
            for r in self.rows:
                backup = None
                if r["point"] in queried:
                    backup = best.get(r["point"], {"candidate": None})
                z, e_ = explain(r["name_zh"], r["name_en"], r.pop("_rules"), period_days=prm.period_days,
                                max_listed=prm.max_listed, backup=backup)
                zh_list.append(z)
                en_list.append(e_)
            entries["explanation_zh"] = zh_list
            entries["explanation_en"] = en_list
            entries["_rank"] = entries["severity"].map(SEVERITY_RANK)
            entries = entries.sort_values(["_rank", "score", "point"], ascending=[False, False, True],
                                          kind="stable").drop(columns="_rank").reset_index(drop=True)
        return entries, cand

    def add(self, point: str, kind: str, id_: str, name_zh: str, name_en: str, sev: str,
            rules: list[tuple[str, str, float, dict[str, Any]]], prods: np.ndarray, enterprise: str | None,
            province: str | None, country: str | None, crit: dict[str, Any] | None) -> None:
        prm = self.params
        score = round(sum(prm.weight(r[0]) * float(r[2]) for r in rules), 6)
        facts = {r[0]: {k: v for k, v in r[3].items() if not k.startswith("_")} | ({"severity": r[1]} if r[1] else {})
                 for r in rules}
        rel = prods if crit is None else np.unique(np.concatenate([prods, crit["_final_idx"]]))
        self.rows.append({
            "point": point, "kind": kind, "id": id_, "name_zh": name_zh, "name_en": name_en, "severity": sev,
            "score": score, "rules": ";".join(r[0] for r in rules), "stages": self.stages_of(prods),
            "chains": self.chains_of(rel), "product": ";".join(str(self.comp.product_ids[i]) for i in prods),
            "enterprise": enterprise, "province": province, "country": country,
            "value_at_risk": float(crit["value_at_risk"]) if crit else 0.0,
            "n_finals_affected": len(crit["finals"]) if crit else 0,
            "explanation_zh": "", "explanation_en": "", "facts": to_json_ready(facts),
            "_rules": [(r[0], r[3]) for r in rules],
        })

    # --- enterprises, provinces, countries, groups ------------------------------------------------
    def entity_entries(self) -> None:
        sc = self.spof.scenarios
        kinds = sc["kind"].to_numpy(dtype=object)
        hit = np.flatnonzero((kinds != "product") & (sc["n_finals_lost"].to_numpy() > 0))
        seen: set[tuple[str, str]] = set()
        for kind, id_, nzh, nen in zip(kinds[hit], sc["id"].to_numpy(dtype=object)[hit],
                                       sc["name_zh"].to_numpy(dtype=object)[hit],
                                       sc["name_en"].to_numpy(dtype=object)[hit], strict=True):
            self.entity(str(kind), str(id_), str(nzh), str(nen))
            seen.add((str(kind), str(id_)))
        for kind, id_ in sorted(self.stress_rows):
            if kind == "product" or (kind, id_) in seen:
                continue
            sf = self.stress_facts(kind, id_)
            if sf is not None and sf["exposed"]:
                nzh, nen = self.entity_names(kind, id_)
                self.entity(kind, id_, nzh, nen)

    def entity_names(self, kind: str, id_: str) -> tuple[str, str]:
        c = self.comp
        if kind == "enterprise":
            e = int(c.enterprise_index(id_)[0])
            en = c.enterprise_name_en[e]
            return str(c.enterprise_name_zh[e]), str(en) if en is not None and not pd.isna(en) else id_
        if kind == "province":
            return c.province_name(int(np.flatnonzero(c.province_codes.astype(str) == id_)[0])), PROVINCE_EN.get(id_, id_)
        return self.country_zh.get(id_, id_), self.country_en.get(id_, id_)

    def entity(self, kind: str, id_: str, nzh: str, nen: str) -> None:
        c, prm = self.comp, self.params
        rules: list[tuple[str, str, float, dict[str, Any]]] = []
        crit = self.scenario_facts(kind, id_)
        prods = np.zeros(0, dtype=np.int64)
        if crit is not None:
            sev = band(crit["value_share"], prm.value_share_bands, strict_first=True) or "blue"
            rules.append(("structural_spof", sev, crit["value_share"], crit))
            prods = crit["_direct_idx"]
        sf = self.stress_facts(kind, id_)
        if sf is not None and sf["exposed"]:
            rules.append(("tts_below_ttr", _rei_severity(sf, prm), _tts_intensity(sf), sf))
            if crit is None and kind == "enterprise":  # capacity exposure: back up what the firm makes
                e = int(c.enterprise_index(id_)[0])
                prods = np.unique(c.site_product[(c.site_enterprise == e) & c.site_live])
        if not rules:
            return
        sev = max((r[1] for r in rules), key=lambda s: SEVERITY_RANK[s])
        point = f"{kind}:{id_}"
        enterprise = province = country = None
        if kind == "enterprise":
            e = int(c.enterprise_index(id_)[0])
            enterprise = id_
            country = str(c.country_codes[c.enterprise_country[e]])
            reg = int(c.enterprise_region[e])
            province = f"{(reg // 10000) * 10000:06d}" if reg > 0 else None
            g = self.pairs
            for p in prods:
                lo, hi = g.ptr[p], g.ptr[p + 1]
                hit = np.flatnonzero(g.enterprise[lo:hi] == e)
                if len(hit):
                    self.queries.append((int(p), e, int(g.grade[lo + hit[0]]), int(g.province[lo + hit[0]]), point,
                                         False))
        elif kind == "province":
            province = id_
            country = "CN"
            r = int(np.flatnonzero(c.province_codes.astype(str) == id_)[0])
            for p in prods:
                self.queries.append((int(p), int(self.inc.enterprise[p]), int(self.inc.grade[p]), r, point, True))
        elif kind == "country":
            country = id_
        label = KIND_LABELS.get(kind, (kind, kind))
        self.add(point, kind, id_, f"{nzh}（{label[0]}）", f"{nen} ({label[1]})", sev, rules, prods,
                 enterprise, province, country, crit)

    def candidates(self) -> pd.DataFrame:
        if not self.queries:
            return candidates_for(self.comp, self.params, self.pairs, *(np.zeros(0, dtype=np.int64),) * 4,
                                  np.zeros(0, dtype=object), self.params.backup_top_n)
        q = list(zip(*self.queries, strict=True))
        return candidates_for(self.comp, self.params, self.pairs, np.asarray(q[0], dtype=np.int64),
                              np.asarray(q[1], dtype=np.int64), np.asarray(q[2], dtype=np.int64),
                              np.asarray(q[3], dtype=np.int64), np.asarray(q[4], dtype=object),
                              self.params.backup_top_n, np.asarray(q[5], dtype=bool)).reset_index(drop=True)


def _code(codes: np.ndarray, i: int | np.integer, missing: str | None = None) -> str | None:
    i = int(i)
    return str(codes[i]) if i >= 0 else missing


def _tts_intensity(sf: dict[str, Any]) -> float:
    """The loss share REI in [0, 1] (1 when unknown)."""
    rei = sf.get("rei", float("nan"))
    return 1.0 if rei is None or math.isnan(rei) else float(max(0.0, min(1.0, rei)))


def _rei_severity(sf: dict[str, Any], prm: RiskParams) -> str:
    """An exposure is at least blue; REI >= rei_bands[1] yellow, >= rei_bands[2] red."""
    rei = sf.get("rei", float("nan"))
    if rei is None or math.isnan(rei):
        return "red"
    return band(float(rei), prm.rei_bands) or "blue"
