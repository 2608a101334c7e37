"""Plain bilingual explanations of risk points (中文在前, English second).

把风险点触发的规则及其数值写成一句中文说明与一句英文说明，例如：
"钴：进口依赖 96%（净），来源国 2 个（HHI 0.71），卡脖子：无国内同准产能，TTS 3 周 < TTR 26 周，
影响终端产品：纯电乘用车、插电混动乘用车（产值 1,234.5 亿元）"。
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

RULE_LABELS: dict[str, tuple[str, str]] = {
    "chokepoint": ("卡脖子", "chokepoint"),
    "import_dependence": ("进口依赖", "import dependence"),
    "single_source": ("单一来源", "single source"),
    "no_domestic_backup": ("无国内备份", "no domestic backup"),
    "reduced_standard_only": ("仅有降准备份", "reduced-standard backups only"),
    "single_region_layout": ("单点布局", "single-region layout"),
    "high_concentration": ("供应高度集中", "highly concentrated supply"),
    "link_backup_gap": ("供应关系缺备份", "links without domestic backup"),
    "tts_below_ttr": ("生存时间短于恢复时间", "time to survive below time to recover"),
    "structural_spof": ("断链风险点", "single point of failure"),
    "critical_input": ("关键投入", "critical input"),
}

VARIANT_LABELS = {"net": ("净", "net"), "gross": ("总", "gross"), "foreign_share": ("境外产能占比", "foreign capacity share")}
KIND_LABELS = {"product": ("产品", "product"), "enterprise": ("企业", "enterprise"), "province": ("省份", "province"),
               "country": ("国家", "country"), "country_group": ("国家分组", "country group"),
               "region_group": ("区域分组", "region group")}

PROVINCE_EN = {
    "110000": "Beijing", "120000": "Tianjin", "130000": "Hebei", "140000": "Shanxi", "150000": "Inner Mongolia",
    "210000": "Liaoning", "220000": "Jilin", "230000": "Heilongjiang", "310000": "Shanghai", "320000": "Jiangsu",
    "330000": "Zhejiang", "340000": "Anhui", "350000": "Fujian", "360000": "Jiangxi", "370000": "Shandong",
    "410000": "Henan", "420000": "Hubei", "430000": "Hunan", "440000": "Guangdong", "450000": "Guangxi",
    "460000": "Hainan", "500000": "Chongqing", "510000": "Sichuan", "520000": "Guizhou", "530000": "Yunnan",
    "540000": "Tibet", "610000": "Shaanxi", "620000": "Gansu", "630000": "Qinghai", "640000": "Ningxia",
    "650000": "Xinjiang", "710000": "Taiwan", "810000": "Hong Kong", "820000": "Macao",
}


def pct(x: float) -> str:
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{100 * x:.0f}%"


def num(x: float, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    return f"{x:,.{digits}f}"


def yi_yuan(v: float) -> str:
    """CNY -> 亿元 (1e8)."""
    return f"{v / 1e8:,.1f} 亿元"


def bn_cny(v: float) -> str:
    return f"CNY {v / 1e9:,.2f} bn"


def listing(names: Sequence[str], limit: int, lang: str) -> str:
    shown = list(names[:limit])
    more = len(names) - len(shown)
    if lang == "zh":
        return "、".join(shown) + (f" 等 {len(names)} 项" if more > 0 else "")
    return ", ".join(shown) + (f" and {more} more" if more > 0 else "")


def _period(period_days: float) -> tuple[str, str]:
    if period_days == 7:
        return "周", "wk"
    if period_days == 1:
        return "天", "d"
    return f"期（{period_days:g} 天）", f"periods of {period_days:g} d"


def rule_phrase(rule: str, f: Mapping[str, Any], *, period_days: float = 7.0,
                max_listed: int = 5) -> tuple[str, str]:
    """One rule's clause in Chinese and English."""
    if rule == "import_dependence":
        vz, ve = VARIANT_LABELS.get(str(f.get("variant")), ("", ""))
        zh = f"进口依赖 {pct(f['dependence'])}（{vz}）"
        en = f"{ve} import dependence {pct(f['dependence'])}"
        if f.get("n_source_countries"):
            zh += f"，来源国 {f['n_source_countries']} 个（HHI {num(f.get('source_hhi', float('nan')))}）"
            noun = "country" if f["n_source_countries"] == 1 else "countries"
            en += f", {f['n_source_countries']} source {noun} (HHI {num(f.get('source_hhi', float('nan')))})"
        if f.get("net_exporter"):
            zh += "，净出口"
            en += ", net exporter"
        return zh, en
    if rule == "chokepoint":
        if not f.get("domestic_capacity"):
            zh, en = "无国内产能", "no domestic capacity"
        else:
            zh = f"无国内同准产能（需等级 {f['required_grade']}，国内最高 {f['best_domestic_grade']}）"
            en = (f"no domestic same-standard capacity (grade {f['required_grade']} needed, best domestic "
                  f"{f['best_domestic_grade']})")
        if f.get("group_share") is not None and not _nan(f.get("group_share")):
            zh += f"，来自{f.get('group_name_zh', '指定国家分组')} {pct(f['group_share'])}"
            en += f", {pct(f['group_share'])} from {f.get('group_name_en', 'the country group')}"
        return "卡脖子：" + zh, "chokepoint: " + en
    if rule == "single_source":
        return f"单一来源：{f['source_zh']}", f"single source: {f['source_en']}"
    if rule == "no_domestic_backup":
        return (f"无国内备份（同准 {f['b_same']}、降准 {f['b_red']}）",
                f"no domestic backup (same-standard {f['b_same']}, reduced-standard {f['b_red']})")
    if rule == "reduced_standard_only":
        return f"仅有降准备份 {f['b_red']} 家", f"only reduced-standard backups ({f['b_red']})"
    if rule == "single_region_layout":
        return (f"单点布局：国内产能全部位于{f['province_zh']}",
                f"single-region layout: all domestic capacity in {f['province_en']}")
    if rule == "high_concentration":
        return (f"供应集中 HHI {num(f['hhi'])}（{num(f['hhi'] * 1e4, 0)}），CR1 {pct(f['cr1'])}",
                f"concentrated supply HHI {num(f['hhi'])} ({num(f['hhi'] * 1e4, 0)}), CR1 {pct(f['cr1'])}")
    if rule == "link_backup_gap":
        noun = "link" if f["n_uncovered"] == 1 else "links"
        return (f"{f['n_uncovered']} 条供应关系无国内备份（占 {pct(f['uncovered_share'])}）",
                f"{f['n_uncovered']} supply {noun} without a domestic backup ({pct(f['uncovered_share'])})")
    if rule == "tts_below_ttr":
        uz, ue = _period(period_days)
        return (f"TTS {num(f['tts'], 1)} {uz} < TTR {num(f['ttr'], 1)} {uz}（REI {num(f.get('rei', float('nan')))}）",
                f"TTS {num(f['tts'], 1)} {ue} < TTR {num(f['ttr'], 1)} {ue} (REI {num(f.get('rei', float('nan')))})")
    if rule in ("structural_spof", "critical_input"):
        zh_names = listing(f.get("finals_zh", []), max_listed, "zh")
        en_names = listing(f.get("finals_en", []), max_listed, "en")
        value = float(f.get("value_at_risk", 0.0) or 0.0)
        zh = f"影响终端产品：{zh_names}"
        en = f"final products affected: {en_names}"
        if f.get("direct_zh"):
            zh = f"直接断供：{listing(f['direct_zh'], max_listed, 'zh')}，" + zh
            en = f"directly cuts: {listing(f['direct_en'], max_listed, 'en')}; " + en
        if value > 0:
            zh += f"（产值 {yi_yuan(value)}，占 {pct(f.get('value_share', float('nan')))}）"
            en += f" (output value {bn_cny(value)}, {pct(f.get('value_share', float('nan')))})"
        return zh, en
    label = RULE_LABELS.get(rule, (rule, rule))
    return label[0], label[1]


def _nan(x: object) -> bool:
    return isinstance(x, float) and math.isnan(x)


def explain(name_zh: str, name_en: str, rules: Sequence[tuple[str, Mapping[str, Any]]], *,
            period_days: float = 7.0, max_listed: int = 5,
            backup: Mapping[str, Any] | None = None) -> tuple[str, str]:
    """The entry's explanation: '名称：条款，条款……' and 'Name: clause; clause ...'."""
    zh_parts: list[str] = []
    en_parts: list[str] = []
    for rule, facts in rules:
        z, e = rule_phrase(rule, facts, period_days=period_days, max_listed=max_listed)
        zh_parts.append(z)
        en_parts.append(e)
    if backup is not None:
        if backup.get("candidate"):
            std_zh = "同准" if backup["standard"] == "same" else f"降准，差 {backup['grade_gap']} 级"
            std_en = "same-standard" if backup["standard"] == "same" else f"reduced-standard, {backup['grade_gap']} grade(s) lower"
            head = "" if _nan(backup.get("headroom")) else f"，富余产能 {num(backup['headroom'], 0)}"
            head_en = "" if _nan(backup.get("headroom")) else f", headroom {num(backup['headroom'], 0)}"
            ramp = "" if _nan(backup.get("ramp_up_days")) else f"，爬坡 {num(backup['ramp_up_days'], 0)} 天"
            ramp_en = "" if _nan(backup.get("ramp_up_days")) else f", ramp-up {num(backup['ramp_up_days'], 0)} d"
            foreign = backup.get("domestic") is False or (
                isinstance(backup.get("domestic"), bool | np.bool_) and not bool(backup.get("domestic")))
            where_zh = f"境外 {backup.get('country')}，" if foreign else ""
            where_en = f"abroad, {backup.get('country')}; " if foreign else ""
            zh_parts.append(f"首选备份：{backup['candidate_name_zh']}（{where_zh}{std_zh}{head}{ramp}）")
            en_parts.append(f"best backup: {backup.get('candidate_name_en') or backup['candidate']} "
                            f"({where_en}{std_en}{head_en}{ramp_en})")
        else:
            zh_parts.append("无备份候选，需补链/建链")
            en_parts.append("no backup candidate: fill or build the link")
    return f"{name_zh}：" + "，".join(zh_parts), f"{name_en}: " + "; ".join(en_parts)
