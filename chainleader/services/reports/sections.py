"""The report's content, section by section, in the report language — shared by the PDF and the workbook.

各章节内容（摘要、风险清单、备份候选、情景、方法、数据来源）只在此计算一次，PDF 与 Excel 呈现同样的内容。
"""

from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.explain import KIND_LABELS, PROVINCE_EN, RULE_LABELS
from chainleader.model.reference import countries, divisions
from chainleader.model.schema import TABLE_NAMES
from chainleader.services.jsonready import json_ready
from chainleader.services.reports.labels import (
    CONFIDENCE_LABELS,
    SEVERITY_LABELS,
    STAGE_LABELS,
    STANDARD_LABELS,
    TABLE_LABELS,
    Lang,
    bilingual_part,
    pick,
    t,
)
from chainleader.services.reports.model import ChainReport
from chainleader.services.simulate import NO_PLAN, WITH_PLAN, SimulationReport

YI = 1e8  # 亿元


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))


def province_name(code: object, lang: Lang) -> str:
    if _missing(code) or str(code) in ("", "0"):
        return ""
    key = str(code).split(".")[0].zfill(6)
    if lang == "en":
        return PROVINCE_EN.get(key, key)
    d = divisions().get(key)
    return d.name_zh if d else key


def country_name(code: object, lang: Lang) -> str:
    if _missing(code) or not str(code):
        return ""
    c = countries().get(str(code))
    if c is None:
        return str(code)
    return c.name_zh if lang == "zh" else c.name_en


def severity_label(sev: str, lang: Lang) -> str:
    return pick(SEVERITY_LABELS[sev], lang) if sev in SEVERITY_LABELS else sev


def stages_label(stages: object, lang: Lang) -> str:
    if _missing(stages):
        return ""
    return "、".join(pick(STAGE_LABELS.get(s, (s, s)), lang) for s in str(stages).split(";") if s) if lang == "zh" \
        else ", ".join(pick(STAGE_LABELS.get(s, (s, s)), lang) for s in str(stages).split(";") if s)


def rules_label(rules: object, lang: Lang) -> str:
    if _missing(rules):
        return ""
    sep = "、" if lang == "zh" else "; "
    return sep.join(pick(RULE_LABELS.get(r, (r, r)), lang) for r in str(rules).split(";")
                    if r and r != "critical_input")


# --- summary -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Summary:
    severity_counts: dict[str, int]
    kind_counts: list[tuple[str, int]]
    n_entries: int
    n_products: int
    n_finals: int
    final_value_yi: float
    lp_status: str
    top: list[dict[str, Any]]
    scenario_titles: list[str]


def summary(r: ChainReport, top_n: int = 10) -> Summary:
    reg, lang = r.register, r.lang
    kinds = Counter(str(k) for k in reg.entries["kind"]) if len(reg.entries) else Counter()
    meta = reg.metadata
    return Summary(
        severity_counts=reg.severity_counts(),
        kind_counts=[(pick(KIND_LABELS.get(k, (k, k)), lang), n) for k, n in kinds.most_common()],
        n_entries=len(reg.entries),
        n_products=int(meta.get("n_products_in_scope", 0)),
        n_finals=int(meta.get("n_final_products", 0)),
        final_value_yi=float(meta.get("total_final_value") or 0.0) / YI,
        lp_status=str(meta.get("lp_status", "")),
        top=register_rows(r)[:top_n],
        scenario_titles=[s.scenario.title_zh if lang == "zh" else s.scenario.title_en for s in r.simulations],
    )


# --- register ----------------------------------------------------------------------------------------------
def register_rows(r: ChainReport) -> list[dict[str, Any]]:
    """One dict per register entry, in register order, with labels in the report language."""
    lang, e = r.lang, r.register.entries
    zh = lang == "zh"
    rows = []
    for i, rec in enumerate(e.to_dict(orient="records"), start=1):
        kind = str(rec["kind"])
        rows.append({
            "rank": i, "point": rec["point"], "severity": rec["severity"],
            "severity_label": severity_label(str(rec["severity"]), lang),
            "kind": pick(KIND_LABELS.get(kind, (kind, kind)), lang),
            "name": rec["name_zh"] if zh else rec["name_en"],
            "score": float(rec["score"]),
            "stages": stages_label(rec["stages"], lang),
            "chains": "" if _missing(rec["chains"]) else str(rec["chains"]).replace(";", ", "),
            "rules": rules_label(rec["rules"], lang),
            "products": "" if _missing(rec["product"]) else str(rec["product"]).replace(";", ", "),
            "enterprise": "" if _missing(rec["enterprise"]) else str(rec["enterprise"]),
            "province": province_name(rec["province"], lang),
            "country": country_name(rec["country"], lang),
            "value_at_risk_yi": float(rec["value_at_risk"] or 0.0) / YI,
            "n_finals": int(rec["n_finals_affected"] or 0),
            "explanation": rec["explanation_zh"] if zh else rec["explanation_en"],
        })
    return rows


# --- backups -----------------------------------------------------------------------------------------------
def candidate_rows(r: ChainReport, top_per_point: int | None = None) -> list[dict[str, Any]]:
    """Backup candidates, grouped by risk point in register order (``top_per_point`` best of each)."""
    lang, reg = r.lang, r.register
    cand = reg.candidates
    if not len(cand):
        return []
    zh = lang == "zh"
    order = {p: i for i, p in enumerate(reg.entries["point"])}
    names = dict(zip(reg.entries["point"], reg.entries["name_zh" if zh else "name_en"], strict=True))
    ents = r.dataset.enterprises
    ent_name = dict(zip(ents["id"], ents["name_zh"] if zh else ents["name_en"].where(ents["name_en"].notna(),
                                                                                     ents["name_zh"]), strict=True))
    prods = r.dataset.products
    prod_name = dict(zip(prods["id"], prods["name_zh" if zh else "name_en"], strict=True))
    c = cand.assign(_o=cand["point"].map(order).fillna(len(order))).sort_values(["_o", "rank"], kind="stable")
    if top_per_point is not None:
        c = c[c["rank"] <= top_per_point]
    rows = []
    for rec in c.to_dict(orient="records"):
        cname = rec["candidate_name_zh"] if zh else (rec["candidate_name_en"] if not _missing(rec["candidate_name_en"])
                                                     else rec["candidate_name_zh"])
        inc = rec["incumbent"]
        inc_name = ent_name.get(inc) if not _missing(inc) else None
        loc = province_name(rec["province"], lang) if bool(rec["domestic"]) else country_name(rec["country"], lang)
        std = str(rec["standard"])
        gap = int(rec["grade_gap"]) if not _missing(rec["grade_gap"]) else 0
        rows.append({
            "point": rec["point"], "point_name": names.get(rec["point"], rec["point"]),
            "product": prod_name.get(rec["product"], rec["product"]),
            "incumbent": "" if _missing(inc) else (inc_name or str(inc)),
            "candidate": rec["candidate"], "candidate_name": cname, "location": loc,
            "country": country_name(rec["country"], lang), "province": province_name(rec["province"], lang),
            "domestic": t("yes", lang) if bool(rec["domestic"]) else t("no", lang),
            "standard": pick(STANDARD_LABELS.get(std, (std, std)), lang),
            "grade": "" if _missing(rec["grade"]) else (f"{int(rec['grade'])}" + (f"（−{gap}）" if zh and gap else
                                                                                   f" (−{gap})" if gap else "")),
            "grade_value": None if _missing(rec["grade"]) else int(rec["grade"]), "grade_gap": gap,
            "capacity": rec["capacity"], "output": rec["output"], "headroom": rec["headroom"],
            "ramp_up_days": rec["ramp_up_days"], "rank": int(rec["rank"]),
        })
    return rows


# --- scenarios ---------------------------------------------------------------------------------------------
def run_label(key: str, lang: Lang) -> str:
    return t("run_no_plan", lang) if key == NO_PLAN else t("run_with_plan", lang) if key == WITH_PLAN else key


@dataclass(frozen=True)
class ScenarioSection:
    id: str
    title: str
    description: str
    explanation: str
    horizon_days: int
    runs: list[str]  # run keys, in order
    run_labels: list[str]
    figures: list[tuple[str, list[float]]]  # metric label, value per run
    figure_keys: list[str]


def scenario_sections(r: ChainReport) -> list[ScenarioSection]:
    out = []
    for s in r.simulations:
        sc, zh = s.scenario, r.lang == "zh"
        runs = list(s.results)
        comp = s.comparison
        figures = [(bilingual_part(str(m), r.lang), [float(row[k]) for k in runs])
                   for m, row in zip(comp["metric"], comp.to_dict(orient="records"), strict=True)]
        out.append(ScenarioSection(
            id=sc.id, title=sc.title_zh if zh else sc.title_en,
            description=(sc.description_zh if zh else sc.description_en) or sc.description_zh,
            explanation=s.explanation_zh if zh else s.explanation_en, horizon_days=int(sc.horizon_days),
            runs=runs, run_labels=[run_label(k, r.lang) for k in runs], figures=figures,
            figure_keys=[str(k) for k in comp["key"]],
        ))
    return out


def format_figure(key: str, v: float) -> str:
    if math.isnan(v):
        return "–"
    if key == "peak_loss":
        return f"{v:.1%}"
    if key.endswith(("_days", "_day", "_sites")) or abs(v) >= 1e4:
        return f"{v:,.0f}"  # counts, days and amounts in CNY (the metric label states the unit)
    return f"{v:,.2f}"


def scenario_series(s: SimulationReport, lang: Lang, top_products: int = 5) -> pd.DataFrame:
    """Daily output as % of baseline: all final products for every run, and the ``top_products`` products that
    lose most output without the plan, for every run. Columns are (run label, series name)."""
    cols: dict[tuple[str, str], np.ndarray] = {}
    primary = s.primary
    pf = primary.product_frame()
    if len(pf):
        pf = pf[pf["lost_output_value"] > 0].sort_values("lost_output_value", ascending=False).head(top_products)
    ids = list(primary.net.product_ids)
    for key, res in s.results.items():
        label = run_label(key, lang)
        cols[(label, t("series_all", lang))] = res.output_ratio() * 100
        for rec in pf.to_dict(orient="records"):
            i = ids.index(rec["product"])
            base = res.base_out[i]
            ratio = res.out[:, i] / base * 100 if base > 0 else np.full(len(res.days), 100.0)
            cols[(label, str(rec["name_zh"] if lang == "zh" else rec["name_en"]))] = ratio
    df = pd.DataFrame(cols, index=pd.Index(primary.days, name=t("col_day", lang)))
    return df


# --- methodology -------------------------------------------------------------------------------------------
METHODS: tuple[tuple[tuple[str, str], tuple[str, str], tuple[str, ...]], ...] = (
    (("集中度（HHI）与单点布局", "Concentration (HHI) and single-region layout"),
     ("按企业、来源国与省份的份额计算赫芬达尔—赫希曼指数 HHI = Σsᵢ²（份额取小数，0–1；×10 000 即反垄断惯例口径）、"
      "前 k 家份额 CR_k 与等效供应商数 1/HHI。阈值参照美国司法部与联邦贸易委员会并购指南（HHI 1 500 / 2 500，"
      "2023 年版 1 800），类比使用且可配置。国内产能全部位于一个省份即为单点布局。",
      "Herfindahl–Hirschman index HHI = Σsᵢ² over enterprise, source-country and province shares (fractions, 0–1; "
      "× 10,000 for the antitrust convention), top-k share CR_k and effective number of suppliers 1/HHI. "
      "Bands follow the US DOJ & FTC merger guidelines (HHI 1,500 / 2,500; 1,800 in 2023), used by analogy and "
      "configurable. All domestic capacity in one province is a single-region layout."),
     ("US DOJ & FTC, Horizontal Merger Guidelines (1997; 2010); Merger Guidelines (2023)",
      "Hill (1973), Diversity and evenness, Ecology 54(2)")),
    (("进口依赖度与卡脖子", "Import dependence and chokepoints"),
     ("表观消费量 C = Q + M − X（产量 + 进口 − 出口）；净依赖度 (M − X)/C，总依赖度 M/C（报告注明所用口径）。"
      "依赖度高、来源国少且集中、国内无同准产能的产品判为卡脖子。",
      "Apparent consumption C = Q + M − X (output + imports − exports); net dependence (M − X)/C, gross "
      "dependence M/C (the variant used is stated). A highly import-dependent product with few, concentrated "
      "source countries and no domestic same-standard capacity is a chokepoint."),
     ("EU Critical Raw Materials import reliance (net form)",)),
    (("与-或物料清单上的断链风险点", "Single points of failure on the AND/OR bill of materials"),
     ("物料清单组间为\u201c与\u201d、组内为\u201c或\u201d：节点可生产当且仅当未被移除且每个投入组至少有一个可用供应者。"
      "以最小不动点（Horn-SAT 线性算法）逐一移除节点，判断终端产品是否仍可生产；仅依赖支配树的方法会漏掉此类风险点。"
      "\u201c国内至少一个备份\u201d规则分别统计同准（B_same）与降准（B_red）备份。",
      "Bill of materials: AND across input groups, OR within a group; a node works iff it is not removed and "
      "every group has a working supplier. Each node is removed in turn and final-product producibility is "
      "recomputed as a least fixed point (linear-time Horn-SAT); OR-graph dominators miss such points. The "
      "\"at least one domestic backup\" rule counts same-standard (B_same) and reduced-standard (B_red) backups."),
     ("Dowling & Gallier (1984), J. Logic Programming 1(3)", "Vesely et al. (1981), Fault Tree Handbook, NUREG-0492")),
    (("恢复时间与生存时间（TTR/TTS）", "Time to recover and time to survive (TTR/TTS)"),
     ("TTR 为节点完全恢复所需时间（输入数据）；TTS 为节点失效后供应仍能满足需求的最长时间，由线性规划求得"
      "（上限 T_max）。TTS < TTR 的节点须采取缓解措施，其绩效影响 PI 由损失最小化线性规划求得，风险暴露指数 "
      "REI = PI / max PI。",
      "TTR is the time a node needs to recover fully (an input); TTS, from a linear program capped at T_max, is "
      "the longest time supply still meets demand after the node fails. Nodes with TTS < TTR need mitigation; "
      "their performance impact PI comes from a loss-minimising LP, and the risk exposure index is "
      "REI = PI / max PI."),
     ("Simchi-Levi, Schmidt & Wei (2014), HBR 92(1/2)", "Simchi-Levi et al. (2015), Interfaces 45(5)",
      "Simchi-Levi (2015), HBR", "Gao, Simchi-Levi, Teo & Yan (2019), Operations Research 67(3)")),
    (("冲击传导模拟", "Shock propagation"),
     ("按日模拟：冲击削减产能，沿与-或物料清单传导；计入成品与投入库存、按比例配给、或组内替代、备份供应的爬坡与"
      "认证延迟。对有备份方案的情景，同时给出\u201c无方案/有方案\u201d两次运行的损失、恢复时间与最大减产。",
      "Daily simulation: shocks cut capacity, which propagates over the AND/OR bill of materials, with "
      "finished-goods and input stocks, proportional rationing, substitution within OR groups, and backup "
      "supply with ramp-up and qualification delays. Scenarios with a backup plan are run with and without it "
      "(loss, time to recover, peak loss)."),
     ("Hallegatte (2008), Risk Analysis 28(3)", "Guan et al. (2020), Nature Human Behaviour 4")),
    (("预警等级", "Risk levels"),
     ("风险点等级取其触发规则中的最高等级（红/黄/蓝，工信部惯例）；单一来源或无国内备份、且失效将使终端产值损失"
      "达到阈值的黄色产品升为红色。分值为各规则权重与强度乘积之和。",
      "An entry's level is the highest among its rules (red/yellow/blue, MIIT convention); a yellow single "
      "source or missing domestic backup whose loss puts at least the threshold share of final output value at "
      "risk becomes red. The score sums weight × intensity over the rules."),
     ()),
)


def methodology(lang: Lang) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(pick(h, lang), pick(body, lang), refs) for h, body, refs in METHODS]


# --- provenance --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableProvenance:
    table: str
    label: str
    rows: int
    sources: list[tuple[str, int]]
    more_sources: int
    as_of: str
    confidence: str


def table_provenance(r: ChainReport, max_sources: int = 4) -> list[TableProvenance]:
    out = []
    for name in TABLE_NAMES:
        df = r.dataset.tables[name]
        if name == "meta" or not len(df):
            continue
        src: list[tuple[str, int]] = []
        more = 0
        if "source" in df.columns:
            vc = df["source"].dropna().astype(str).value_counts()
            src = [(str(k), int(v)) for k, v in vc.head(max_sources).items()]
            more = max(0, len(vc) - max_sources)
        as_of = ""
        if "as_of" in df.columns:
            d = df["as_of"].dropna().astype(str)
            if len(d):
                lo, hi = d.min(), d.max()
                as_of = lo if lo == hi else f"{lo} – {hi}"
        conf = ""
        if "confidence" in df.columns:
            vc = df["confidence"].dropna().astype(str).value_counts()
            conf = ", ".join(f"{pick(CONFIDENCE_LABELS.get(k, (k, k)), r.lang)} {v:,}" for k, v in vc.items())
        out.append(TableProvenance(name, pick(TABLE_LABELS.get(name, (name, name)), r.lang), len(df), src, more,
                                   as_of, conf))
    return out


def dataset_facts(r: ChainReport) -> list[tuple[str, str]]:
    lang, meta, rmeta = r.lang, r.dataset.meta, r.register.metadata
    rows = [
        (t("dataset", lang), f"{r.dataset.name} — {r.dataset_title}"),
        (t("version", lang), str(r.dataset_version) if r.dataset_version is not None else t("not_stored", lang)),
        (t("content_hash", lang), str(rmeta.get("content_key", ""))),
        (t("chain", lang), f"{r.chain} — {r.chain_name}" if r.chain else r.chain_name),
        (t("lp_status", lang), str(rmeta.get("lp_status", ""))),
        (t("software", lang), f"chainleader {rmeta.get('chainleader_version', '')}"),
        (t("generated_at", lang), r.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
    ]
    for key, label in (("as_of", t("col_as_of", lang)), ("generator", "生成程序" if lang == "zh" else "Generator"),
                       ("description", "说明" if lang == "zh" else "Description"),
                       ("illustrative_parts", t("illustrative_parts", lang)),
                       ("published_figures", "公开数字" if lang == "zh" else "Published figures")):
        if meta.get(key):
            rows.append((label, bilingual_part(meta[key], lang)))
    if meta.get("sources"):
        rows.append((t("meta_sources", lang), meta["sources"]))
    return rows


def parameter_rows(r: ChainReport) -> list[tuple[str, str]]:
    """Every assessment parameter from ``register.metadata["params"]``, one per row, JSON values."""
    params = r.register.metadata.get("params", {})
    return [(str(k), json.dumps(json_ready(v), ensure_ascii=False)) for k, v in sorted(params.items())]
