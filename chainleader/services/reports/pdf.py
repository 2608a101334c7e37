"""The chain report as PDF: Jinja2 HTML + CSS rendered by WeasyPrint with Noto Sans CJK SC (fonts-noto-cjk).

PDF 报告：A4，页脚页码，封面目录带页码；产业链图谱单独一页横版。章节：封面、摘要、产业链图谱、风险清单、
备份候选、情景模拟、方法说明、数据来源。
"""

from __future__ import annotations

import base64
import warnings
from functools import cache
from importlib.resources import files
from typing import Any

from chainleader.model.errors import ConfigError
from chainleader.services.reports.chain_map import chain_map_png
from chainleader.services.reports.charts import scenario_chart_png
from chainleader.services.reports.labels import SEVERITY_LABELS, TEXT, pick, t
from chainleader.services.reports.model import ChainReport
from chainleader.services.reports.sections import (
    candidate_rows,
    dataset_facts,
    format_figure,
    methodology,
    parameter_rows,
    register_rows,
    scenario_sections,
    summary,
    table_provenance,
)

PDF_BACKUPS_PER_POINT = 3
PDF_TOP_RISKS = 8  # keeps the summary on one page
PDF_BACKUP_POINTS = 150  # the PDF lists backups of the most severe points; the workbook lists all
SECTIONS = ("summary", "map", "register", "backups", "scenarios", "methods", "provenance")


@cache
def _template_text(name: str) -> str:
    return (files("chainleader.services.reports") / "templates" / name).read_text(encoding="utf-8")


def _environment() -> Any:
    import jinja2

    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                              lstrip_blocks=True)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _num(v: object, digits: int = 0) -> str:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "–"
    return "–" if f != f else f"{f:,.{digits}f}"


def report_html(r: ChainReport) -> str:
    """The report as one self-contained HTML document (images inlined as data URIs)."""
    lang = r.lang
    zh = lang == "zh"
    s = summary(r, top_n=PDF_TOP_RISKS)
    backups: list[dict[str, Any]] = []
    for c in candidate_rows(r, top_per_point=PDF_BACKUPS_PER_POINT):
        if not backups or backups[-1]["point"] != c["point"]:
            if len(backups) == PDF_BACKUP_POINTS:
                break
            backups.append({"point": c["point"], "point_name": c["point_name"], "incumbent": c["incumbent"],
                            "rows": []})
        backups[-1]["rows"].append(c | {"headroom_text": _num(c["headroom"]), "ramp_text": _num(c["ramp_up_days"])})
    scenarios = []
    for sec, sim in zip(scenario_sections(r), r.simulations, strict=True):
        scenarios.append({
            "title": sec.title, "description": sec.description, "explanation": sec.explanation,
            "horizon_days": sec.horizon_days, "run_labels": sec.run_labels,
            "figures": [(label, [format_figure(k, v) for v in values])
                        for k, (label, values) in zip(sec.figure_keys, sec.figures, strict=True)],
            "chart_uri": _data_uri(scenario_chart_png(sim, lang)),
        })
    page_label = ('"第 " counter(page) " 页 / 共 " counter(pages) " 页"' if zh
                  else '"Page " counter(page) " of " counter(pages)')
    context = {
        "T": {k: t(k, lang) for k in TEXT if "{" not in TEXT[k][0]},
        "html_lang": "zh-CN" if zh else "en",
        "css": _template_text("report.css"),
        "page_label": page_label,
        "software_version": r.register.metadata.get("chainleader_version", ""),
        "chain_name": r.chain_name, "dataset_name": r.dataset.name, "dataset_title": r.dataset_title,
        "version": str(r.dataset_version) if r.dataset_version is not None else t("not_stored", lang),
        "generated_at": r.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip(),
        "reader": r.reader, "illustrative": r.illustrative, "confidential_note": r.confidential_note,
        "toc": [(sec, t(f"sec_{sec}", lang)) for sec in SECTIONS],
        "summary": s, "sep": "、" if zh else ", ",
        "severity_labels": [(sev, pick(SEVERITY_LABELS[sev], lang)) for sev in ("red", "yellow", "blue")],
        "map_uri": _data_uri(chain_map_png(r.dataset, r.chain, r.register, lang=lang)),
        "register": register_rows(r),
        "backups": backups,
        "backups_note": t("backups_note_pdf", lang, n=PDF_BACKUPS_PER_POINT)
        + (t("backups_capped", lang, n=PDF_BACKUP_POINTS) if len(backups) == PDF_BACKUP_POINTS else ""),
        "scenarios": scenarios,
        "methods": methodology(lang),
        "provenance": table_provenance(r),
        "more_sources_text": lambda n: t("more_sources", lang, n=n),
        "facts": dataset_facts(r),
        "params": parameter_rows(r),
    }
    template = _environment().from_string(_template_text("report.html"))
    return str(template.render(**context))


def render_pdf(r: ChainReport) -> bytes:
    """The report as PDF bytes (A4, page numbers in the footer)."""
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango/HarfBuzz system libraries missing
        raise ConfigError(
            "无法加载 WeasyPrint（需安装 weasyprint 及 Pango，字体 fonts-noto-cjk）；可先导出 Excel（--format xlsx） / "
            f"WeasyPrint is unavailable ({exc}); install weasyprint with Pango and fonts-noto-cjk, or export Excel"
        ) from exc
    html = report_html(r)
    # fontTools (used by WeasyPrint to subset fonts) may warn about harmless table quirks of the Noto CJK
    # collections; those are not the caller's concern (filtered here only, not globally).
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"fontTools\..*")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"(weasyprint|fontTools|tinycss2)\b.*")
        doc = weasyprint.HTML(string=html, base_url=None)
        pdf = doc.write_pdf()
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when no target is given
        raise ConfigError("PDF 生成失败 / PDF rendering produced nothing")
    return bytes(pdf)
