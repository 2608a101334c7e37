"""Every fixed text of the chain report in Chinese and English (中文在前, English available).

报告中的固定文字（标题、表头、说明）集中于此，PDF 与 Excel 共用，保证两种格式措辞一致。
"""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["zh", "en"]
_CJK = re.compile(r"[\u3400-\u9fff\uff08\uff09\u3001-\u303f]")
_SLASH = re.compile(r"\s*/\s*")

SEVERITIES: tuple[str, ...] = ("red", "yellow", "blue")
SEVERITY_LABELS: dict[str, tuple[str, str]] = {
    "red": ("红色预警", "Red"), "yellow": ("黄色预警", "Yellow"), "blue": ("蓝色预警", "Blue"),
}
# Strong colour (the severity cell, the map node) and a light tint (table rows).
SEVERITY_COLOURS: dict[str, tuple[str, str]] = {
    "red": ("#d62728", "#fbe3e3"), "yellow": ("#e6b800", "#fdf5d6"), "blue": ("#1f6fb4", "#e1ecf7"),
}
NO_RISK_COLOUR = "#c8ccd2"

STAGE_LABELS: dict[str, tuple[str, str]] = {
    "upstream": ("上游", "upstream"), "midstream": ("中游", "midstream"), "downstream": ("下游", "downstream"),
}
CONFIDENCE_LABELS: dict[str, tuple[str, str]] = {
    "observed": ("实测", "observed"), "inferred": ("推断", "inferred"), "self_reported": ("自报", "self-reported"),
}
STANDARD_LABELS: dict[str, tuple[str, str]] = {"same": ("同准", "same-standard"), "reduced": ("降准", "reduced-standard")}

TEXT: dict[str, tuple[str, str]] = {
    # cover
    "title": ("产业链韧性评估报告", "Industrial-chain resilience assessment"),
    "subtitle": ("断链风险点清单 · 产业链图谱 · 冲击情景模拟", "Risk register · chain map · shock scenarios"),
    "chain": ("产业链", "Chain"),
    "dataset": ("数据集", "Dataset"),
    "version": ("版本", "Version"),
    "not_stored": ("未入库（文件或内置数据）", "not stored (file or bundled data)"),
    "generated_at": ("生成时间", "Generated"),
    "reader": ("阅读人", "Reader"),
    "illustrative": ("示意数据", "Illustrative data"),
    "illustrative_note": (
        "本报告所用数据为示意数据：地区、国家、产品结构与公开汇总数据真实，企业为虚构，结论不代表任何真实企业。",
        "This report uses illustrative data: regions, countries, product structures and published aggregates are "
        "real; enterprises are fictional, and no finding refers to a real firm.",
    ),
    "confidential": ("权限说明", "Access note"),
    "software": ("生成软件", "Software"),
    # section headings
    "toc": ("目录", "Contents"),
    "sec_summary": ("摘要", "Summary"),
    "sec_map": ("产业链图谱", "Chain map"),
    "sec_register": ("风险清单", "Risk register"),
    "sec_backups": ("备份候选", "Backup candidates"),
    "sec_scenarios": ("情景模拟", "Scenario simulation"),
    "sec_methods": ("方法说明", "Methodology"),
    "sec_provenance": ("数据来源", "Data provenance"),
    "sec_cover": ("封面", "Cover"),
    # summary
    "severity_counts": ("预警等级分布", "Risk points by severity"),
    "kind_counts": ("风险点类型", "Risk points by kind"),
    "n_entries": ("风险点总数", "Risk points"),
    "n_products": ("链上产品数", "Products in the chain"),
    "n_finals": ("终端产品数", "Final products"),
    "final_value": ("终端产品年产值（亿元）", "Final output value (100M CNY a year)"),
    "lp_status": ("TTR/TTS 线性规划", "TTR/TTS linear programs"),
    "top_risks": ("首要风险点", "Top risk points"),
    "no_entries": ("未发现风险点。", "No risk points found."),
    "scenarios_run": ("已模拟情景", "Scenarios simulated"),
    # register
    "col_rank": ("序号", "#"),
    "col_severity": ("等级", "Level"),
    "col_kind": ("类型", "Kind"),
    "col_point": ("风险点编号", "Risk point id"),
    "col_name": ("名称", "Name"),
    "col_score": ("分值", "Score"),
    "col_stages": ("链位", "Stage"),
    "col_chains": ("产业链", "Chains"),
    "col_rules": ("触发规则", "Rules"),
    "col_products": ("涉及产品", "Products"),
    "col_enterprise": ("企业", "Enterprise"),
    "col_province": ("省份", "Province"),
    "col_country": ("国家", "Country"),
    "col_var": ("风险产值（亿元）", "Value at risk (100M CNY)"),
    "col_n_finals": ("受影响终端产品", "Finals affected"),
    "col_explanation": ("说明", "Explanation"),
    "register_note": (
        "按等级、分值排序；等级为所触发规则中的最高等级。说明列给出触发规则及其数值和首选备份。",
        "Sorted by severity, then score; an entry's severity is the highest among its rules. The explanation "
        "lists the rules with their numbers and the best backup.",
    ),
    # backups
    "col_candidate": ("备份候选企业", "Candidate"),
    "col_location": ("所在地", "Location"),
    "col_standard": ("标准", "Standard"),
    "col_grade": ("等级（差距）", "Grade (gap)"),
    "col_headroom": ("富余产能", "Spare capacity"),
    "col_ramp": ("爬坡天数", "Ramp-up days"),
    "col_backup_rank": ("排名", "Rank"),
    "col_incumbent": ("现供应商", "Incumbent"),
    "col_domestic": ("国内", "Domestic"),
    "col_capacity": ("产能", "Capacity"),
    "col_output": ("产量", "Output"),
    "backups_note_pdf": (
        "每个风险点列出排名前 {n} 的备份候选（同准优先，其次等级差距小、富余产能大、爬坡快）；完整列表见 Excel 工作簿。",
        "The top {n} backup candidates per risk point (same-standard first, then smaller grade gap, more spare "
        "capacity, faster ramp-up); the Excel workbook lists all of them.",
    ),
    "backups_capped": ("本节只列出最严重的 {n} 个风险点。", " This section lists the {n} most severe risk points only."),
    "no_candidates": ("无备份候选。", "No backup candidates."),
    "abroad": ("境外", "abroad"),
    # scenarios
    "no_scenarios": ("本报告未包含情景模拟。可用 --scenario 指定情景。",
                     "This report includes no scenario simulation; add one with --scenario."),
    "key_figures": ("关键指标", "Key figures"),
    "col_metric": ("指标", "Metric"),
    "run_no_plan": ("无备份方案", "No backup plan"),
    "run_with_plan": ("启用备份方案", "With backup plan"),
    "horizon": ("模拟期（天）", "Horizon (days)"),
    "chart": ("图", "Chart"),
    "series_all": ("全部终端产品", "All final products"),
    "col_day": ("天", "Day"),
    "col_scenario": ("情景", "Scenario"),
    "col_run": ("方案", "Run"),
    "col_series": ("序列（产出，% 基线）", "Series (output, % of baseline)"),
    "output_pct": ("终端产品产出（% 基线）", "Final-product output (% of baseline)"),
    "product_pct": ("产品产出（% 基线）", "Product output (% of baseline)"),
    "mc_band": ("蒙特卡洛 P5–P95", "Monte Carlo P5–P95"),
    # map
    "map_note": (
        "从左到右：上游 → 中游 → 下游，同一链位内按物料清单层级排列；节点颜色为预警等级，大小为年产值；"
        "连线由投入指向产品，虚线为可相互替代的投入（或关系）。",
        "Left to right: upstream → midstream → downstream, and bill-of-materials depth within a stage; node "
        "colour is the risk level, size the annual output value; edges run from inputs to products, dashed "
        "edges are interchangeable inputs (OR).",
    ),
    "legend_none": ("无预警", "no risk point"),
    "map_title": ("产业链图谱", "Chain map"),
    # provenance
    "col_table": ("数据表", "Table"),
    "col_rows": ("行数", "Rows"),
    "col_sources": ("主要来源", "Main sources"),
    "col_as_of": ("数据日期", "As of"),
    "col_confidence": ("可信度", "Confidence"),
    "more_sources": ("另有 {n} 个来源", "{n} more sources"),
    "dataset_facts": ("数据集与版本", "Dataset and version"),
    "content_hash": ("内容哈希", "Content hash"),
    "parameters": ("评估参数", "Assessment parameters"),
    "col_key": ("项目", "Item"),
    "col_value": ("内容", "Value"),
    "meta_sources": ("数据集来源说明", "Dataset sources"),
    "illustrative_parts": ("示意部分", "Illustrative parts"),
    "provenance_note": (
        "各表的来源（source）、数据日期（as_of）与可信度（confidence）按表汇总；参数为生成本报告风险清单时的全部设置。",
        "Sources, dates (as_of) and confidence are aggregated per table; the parameters are every setting used "
        "to produce this report's risk register.",
    ),
    "page": ("第 {p} 页", "Page {p}"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
}

TABLE_LABELS: dict[str, tuple[str, str]] = {
    "meta": ("元数据", "meta"), "region_groups": ("区域分组", "region groups"),
    "country_groups": ("国家分组", "country groups"), "products": ("产品", "products"),
    "bom": ("物料清单", "bill of materials"), "chains": ("产业链", "chains"),
    "enterprises": ("企业", "enterprises"), "capacities": ("产能", "capacities"),
    "supply_links": ("供应关系", "supply links"), "trade": ("贸易与产量", "trade and production"),
}

# Sheet names (Excel: at most 31 characters, no []:*?/\).
SHEETS: dict[str, tuple[str, str]] = {
    "cover": ("封面", "Cover"), "summary": ("摘要", "Summary"), "map": ("产业链图谱", "Chain map"),
    "register": ("风险清单", "Risk register"), "backups": ("备份候选", "Backup candidates"),
    "scenarios": ("情景结果", "Scenario results"), "methods": ("方法说明", "Methodology"),
    "provenance": ("数据来源", "Data provenance"),
}


def t(key: str, lang: Lang, **fmt: object) -> str:
    """The text ``key`` in ``lang`` (``str.format`` fields filled from ``fmt``)."""
    zh, en = TEXT[key]
    s = zh if lang == "zh" else en
    return s.format(**fmt) if fmt else s


def pick(pair: tuple[str, str], lang: Lang) -> str:
    return pair[0] if lang == "zh" else pair[1]


def bilingual_part(text: str, lang: Lang) -> str:
    """The Chinese or English half of a ``"中文 / English"`` text (the whole text when it has no such split).

    The split is at the first "/" whose left side holds Chinese and whose right side holds none, so a "/" inside
    either half (e.g. "出口管制/禁运") is kept.
    """
    for m in _SLASH.finditer(text):
        left, right = text[: m.start()], text[m.end():]
        if _CJK.search(left) and not _CJK.search(right) and right.strip():
            return left.strip() if lang == "zh" else right.strip()
    return text
