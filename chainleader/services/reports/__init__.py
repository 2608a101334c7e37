"""Chain assessment reports (issue #5): one call makes a PDF or an Excel workbook of a chain's assessment.

产业链评估报告：封面、摘要、产业链图谱、风险清单、备份候选、情景模拟、方法说明、数据来源；
PDF（WeasyPrint + Noto Sans CJK）与 Excel 工作簿（openpyxl），中文为默认，可切换英文。

    report = build_chain_report("nev-jjj", "nev", scenarios=["cobalt-cd-cut"])
    Path("报告.pdf").write_bytes(render_pdf(report))
    Path("报告.xlsx").write_bytes(render_xlsx(report))

The web layer builds a ``ChainReport`` from a dataset and register already redacted for the reader;
the renderers show exactly what they are given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from chainleader.model.errors import ConfigError
from chainleader.services.reports.chain_map import chain_map_png
from chainleader.services.reports.charts import scenario_chart_png
from chainleader.services.reports.model import ChainReport, build_chain_report
from chainleader.services.reports.pdf import render_pdf, report_html
from chainleader.services.reports.xlsx import render_xlsx

ReportFormat = Literal["pdf", "xlsx"]
MEDIA_TYPES: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render(r: ChainReport, fmt: str) -> bytes:
    """``render_pdf`` or ``render_xlsx`` by name."""
    if fmt == "pdf":
        return render_pdf(r)
    if fmt == "xlsx":
        return render_xlsx(r)
    raise ConfigError(f"报告格式须为 pdf 或 xlsx，收到 {fmt!r} / report format must be pdf or xlsx, got {fmt!r}")


def default_filename(r: ChainReport, fmt: str) -> str:
    """E.g. ``nev-jjj_nev_v3_产业链评估报告_20261206.pdf`` (version when stored; English title in English)."""
    title = "产业链评估报告" if r.lang == "zh" else "chain-report"
    parts = [r.dataset.name, r.chain] if r.chain else [r.dataset.name]
    if r.dataset_version is not None:
        parts.append(f"v{r.dataset_version}")
    return "_".join([*parts, title, r.generated_at.strftime("%Y%m%d")]) + f".{fmt}"


def write_report(r: ChainReport, path: str | Path, fmt: str | None = None) -> Path:
    """Render ``r`` and write it to ``path`` (format from ``fmt`` or the suffix); returns the path."""
    p = Path(path)
    fmt_ = fmt or p.suffix.lower().lstrip(".")
    data = render(r, fmt_)
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


__all__ = [
    "MEDIA_TYPES",
    "ChainReport",
    "ReportFormat",
    "build_chain_report",
    "chain_map_png",
    "default_filename",
    "render",
    "render_pdf",
    "render_xlsx",
    "report_html",
    "scenario_chart_png",
    "write_report",
]
