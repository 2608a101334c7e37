"""The chain report as an Excel workbook (openpyxl): the same sections as the PDF, as sheets.

Excel 报告：工作表 封面、摘要、产业链图谱（嵌入图片）、风险清单（冻结表头、自动筛选、按等级着色、列宽）、
备份候选（全部候选）、情景结果（关键指标与逐日时间序列）、方法说明、数据来源。英文报告使用英文工作表名。
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.drawing.image import Image as XlImage
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from chainleader.services.reports.chain_map import chain_map_png
from chainleader.services.reports.charts import scenario_chart_png
from chainleader.services.reports.labels import SEVERITY_COLOURS, SEVERITY_LABELS, SHEETS, pick, t
from chainleader.services.reports.model import ChainReport
from chainleader.services.reports.sections import (
    candidate_rows,
    dataset_facts,
    methodology,
    parameter_rows,
    register_rows,
    scenario_sections,
    scenario_series,
    summary,
    table_provenance,
)

HEADER_FILL = PatternFill("solid", fgColor="FF1F4E8C")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=16, color="10233F")
H2_FONT = Font(bold=True, size=12, color="10233F")
WRAP = Alignment(wrap_text=True, vertical="top")
THIN = Border(bottom=Side(style="thin", color="D5DAE2"))


def _fill(colour: str) -> PatternFill:
    return PatternFill("solid", fgColor="FF" + colour.lstrip("#").upper())  # opaque ARGB


def _clean(v: Any) -> Any:
    """A value openpyxl can write: NaN/None -> empty, numpy scalars -> Python numbers."""
    if v is None:
        return None
    if hasattr(v, "item") and not isinstance(v, str | bytes):
        v = v.item()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _header(ws: Worksheet, row: int, labels: Sequence[str]) -> None:
    for j, label in enumerate(labels, start=1):
        c = ws.cell(row=row, column=j, value=label)
        c.fill, c.font, c.alignment = HEADER_FILL, HEADER_FONT, Alignment(wrap_text=True, vertical="center")


def _widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for j, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = w


def _kv(ws: Worksheet, start: int, rows: Sequence[tuple[str, Any]]) -> int:
    r = start
    for k, v in rows:
        ws.cell(row=r, column=1, value=k).font = Font(bold=True)
        c = ws.cell(row=r, column=2, value=_clean(v))
        c.alignment = WRAP
        r += 1
    return r


def _png(png: bytes, width_px: int) -> XlImage:
    img = XlImage(io.BytesIO(png))
    scale = width_px / img.width
    img.width, img.height = width_px, int(img.height * scale)
    return img


# --- sheets --------------------------------------------------------------------------------------------------
def _cover(ws: Worksheet, r: ChainReport) -> None:
    lang = r.lang
    ws["A1"] = t("title", lang)
    ws["A1"].font = TITLE_FONT
    ws["A2"] = t("subtitle", lang)
    ws["A3"] = r.chain_name
    ws["A3"].font = Font(bold=True, size=14, color="1F4E8C")
    rows: list[tuple[str, Any]] = [
        (t("dataset", lang), f"{r.dataset.name} — {r.dataset_title}"),
        (t("version", lang), r.dataset_version if r.dataset_version is not None else t("not_stored", lang)),
        (t("generated_at", lang), r.generated_at.strftime("%Y-%m-%d %H:%M %Z").strip()),
    ]
    if r.reader:
        rows.append((t("reader", lang), r.reader))
    end = _kv(ws, 5, rows)
    if r.illustrative:
        c = ws.cell(row=end + 1, column=1, value=t("illustrative", lang))
        c.font = Font(bold=True, color="C0392B", size=13)
        ws.cell(row=end + 1, column=2, value=t("illustrative_note", lang)).alignment = WRAP
        end += 2
    if r.confidential_note:
        ws.cell(row=end + 1, column=1, value=t("confidential", lang)).font = Font(bold=True, color="B07D00")
        ws.cell(row=end + 1, column=2, value=r.confidential_note).alignment = WRAP
    _widths(ws, (22, 100))


def _summary(ws: Worksheet, r: ChainReport) -> None:
    lang, s = r.lang, summary(r)
    ws["A1"] = t("sec_summary", lang)
    ws["A1"].font = TITLE_FONT
    rows: list[tuple[str, Any]] = [(t("n_entries", lang), s.n_entries)]
    rows += [(pick(SEVERITY_LABELS[sev], lang), s.severity_counts[sev]) for sev in ("red", "yellow", "blue")]
    rows += [(k, n) for k, n in s.kind_counts]
    rows += [(t("n_products", lang), s.n_products), (t("n_finals", lang), s.n_finals),
             (t("final_value", lang), round(s.final_value_yi, 2)), (t("lp_status", lang), s.lp_status)]
    if s.scenario_titles:
        rows.append((t("scenarios_run", lang), ("、" if lang == "zh" else "; ").join(s.scenario_titles)))
    end = _kv(ws, 3, rows)
    for i, sev in enumerate(("red", "yellow", "blue")):
        ws.cell(row=4 + i, column=1).fill = _fill(SEVERITY_COLOURS[sev][1])
    ws.cell(row=end + 1, column=1, value=t("top_risks", lang)).font = H2_FONT
    _header(ws, end + 2, [t("col_rank", lang), t("col_severity", lang), t("col_name", lang),
                          t("col_explanation", lang)])
    for i, row in enumerate(s.top, start=end + 3):
        ws.cell(row=i, column=1, value=row["rank"])
        c = ws.cell(row=i, column=2, value=row["severity_label"])
        c.fill, c.font = _fill(SEVERITY_COLOURS[row["severity"]][0]), Font(bold=True, color="FFFFFF")
        ws.cell(row=i, column=3, value=row["name"]).alignment = WRAP
        ws.cell(row=i, column=4, value=row["explanation"]).alignment = WRAP
    _widths(ws, (26, 14, 30, 110))


def _map(ws: Worksheet, r: ChainReport, png: bytes) -> None:
    ws["A1"] = t("sec_map", r.lang)
    ws["A1"].font = TITLE_FONT
    ws["A2"] = t("map_note", r.lang)
    ws.add_image(_png(png, 1400), "A4")


REGISTER_COLUMNS = (
    ("col_rank", "rank", 6), ("col_severity", "severity_label", 10), ("col_kind", "kind", 10),
    ("col_point", "point", 26), ("col_name", "name", 30), ("col_score", "score", 8),
    ("col_stages", "stages", 12), ("col_chains", "chains", 10), ("col_rules", "rules", 30),
    ("col_products", "products", 22), ("col_enterprise", "enterprise", 12), ("col_province", "province", 12),
    ("col_country", "country", 12), ("col_var", "value_at_risk_yi", 14), ("col_n_finals", "n_finals", 10),
    ("col_explanation", "explanation", 100),
)


def _register(ws: Worksheet, r: ChainReport) -> int:
    lang = r.lang
    _header(ws, 1, [t(k, lang) for k, _, _ in REGISTER_COLUMNS])
    rows = register_rows(r)
    for i, row in enumerate(rows, start=2):
        tint = _fill(SEVERITY_COLOURS[row["severity"]][1]) if row["severity"] in SEVERITY_COLOURS else None
        for j, (_, key, _) in enumerate(REGISTER_COLUMNS, start=1):
            c = ws.cell(row=i, column=j, value=_clean(row[key]))
            if tint is not None:
                c.fill = tint
            if key == "explanation":
                c.alignment = WRAP
        sev = ws.cell(row=i, column=2)
        if row["severity"] in SEVERITY_COLOURS:
            sev.fill, sev.font = _fill(SEVERITY_COLOURS[row["severity"]][0]), Font(bold=True, color="FFFFFF")
        ws.cell(row=i, column=6).number_format = "0.00"
        ws.cell(row=i, column=14).number_format = "#,##0.00"
    ws.freeze_panes = "A2"
    last = get_column_letter(len(REGISTER_COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{max(1, len(rows)) + 1}"
    _widths(ws, [w for _, _, w in REGISTER_COLUMNS])
    ws.row_dimensions[1].height = 32
    return len(rows)


BACKUP_COLUMNS = (
    ("col_name", "point_name", 28), ("col_products", "product", 22), ("col_incumbent", "incumbent", 24),
    ("col_backup_rank", "rank", 6), ("col_candidate", "candidate_name", 30), ("col_domestic", "domestic", 7),
    ("col_province", "province", 12), ("col_country", "country", 14), ("col_standard", "standard", 12),
    ("col_grade", "grade_value", 8), ("col_grade", "grade_gap", 8), ("col_capacity", "capacity", 12),
    ("col_output", "output", 12), ("col_headroom", "headroom", 12), ("col_ramp", "ramp_up_days", 10),
)


def _backups(ws: Worksheet, r: ChainReport) -> None:
    lang = r.lang
    labels = [t(k, lang) for k, _, _ in BACKUP_COLUMNS]
    labels[10] = "等级差" if lang == "zh" else "Grade gap"
    labels[9] = "等级" if lang == "zh" else "Grade"
    _header(ws, 1, labels)
    rows = candidate_rows(r)
    for i, row in enumerate(rows, start=2):
        for j, (_, key, _) in enumerate(BACKUP_COLUMNS, start=1):
            c = ws.cell(row=i, column=j, value=_clean(row[key]))
            if key in ("capacity", "output", "headroom"):
                c.number_format = "#,##0"
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(BACKUP_COLUMNS))}{max(1, len(rows)) + 1}"
    _widths(ws, [w for _, _, w in BACKUP_COLUMNS])
    if not rows:
        ws.cell(row=2, column=1, value=t("no_candidates", lang))


def _scenarios(ws: Worksheet, r: ChainReport) -> None:
    lang = r.lang
    ws["A1"] = t("sec_scenarios", lang)
    ws["A1"].font = TITLE_FONT
    if not r.simulations:
        ws["A3"] = t("no_scenarios", lang)
        return
    row = 3
    for sec in scenario_sections(r):
        ws.cell(row=row, column=1, value=sec.title).font = H2_FONT
        ws.cell(row=row + 1, column=1, value=sec.description).alignment = WRAP
        _header(ws, row + 2, [t("col_metric", lang), *sec.run_labels])
        for i, (label, values) in enumerate(sec.figures, start=row + 3):
            ws.cell(row=i, column=1, value=label)
            for j, v in enumerate(values, start=2):
                c = ws.cell(row=i, column=j, value=_clean(v))
                c.number_format = "0.0%" if sec.figure_keys[i - row - 3] == "peak_loss" else "#,##0.00"
        row += 3 + len(sec.figures)
        ws.cell(row=row, column=1, value=t("horizon", lang))
        ws.cell(row=row, column=2, value=sec.horizon_days)
        ws.cell(row=row + 1, column=1, value=sec.explanation).alignment = WRAP
        ws.merge_cells(start_row=row + 1, start_column=1, end_row=row + 1, end_column=8)
        ws.row_dimensions[row + 1].height = 60
        row += 3
    # daily series of every scenario side by side: three header rows (scenario, run, series), one row a day
    ws.cell(row=row, column=1, value=t("col_series", lang)).font = H2_FONT
    top = row + 1
    ws.cell(row=top, column=1, value=t("col_scenario", lang)).font = Font(bold=True)
    ws.cell(row=top + 1, column=1, value=t("col_run", lang)).font = Font(bold=True)
    _header(ws, top + 2, [t("col_day", lang)])
    col = 2
    day_rows: dict[int, int] = {}
    for sim, sec in zip(r.simulations, scenario_sections(r), strict=True):
        df = scenario_series(sim, lang)
        for (run, name), values in df.items():
            ws.cell(row=top, column=col, value=sec.title)
            ws.cell(row=top + 1, column=col, value=run)
            c = ws.cell(row=top + 2, column=col, value=name)
            c.fill, c.font, c.alignment = HEADER_FILL, HEADER_FONT, Alignment(wrap_text=True, vertical="center")
            for day, v in zip(df.index.tolist(), values.tolist(), strict=True):
                rr = day_rows.setdefault(int(day), top + 3 + len(day_rows))
                ws.cell(row=rr, column=1, value=int(day))
                cell = ws.cell(row=rr, column=col, value=_clean(round(float(v), 3)))
                cell.number_format = "0.0"
            ws.column_dimensions[get_column_letter(col)].width = 16
            col += 1
    ws.row_dimensions[top + 2].height = 45
    ws.column_dimensions["A"].width = 28
    # charts to the right of the key figures
    anchor_col = get_column_letter(max(col + 1, 10))
    r0 = 3
    for sim in r.simulations:
        ws.add_image(_png(scenario_chart_png(sim, lang), 640), f"{anchor_col}{r0}")
        r0 += 25


def _methods(ws: Worksheet, r: ChainReport) -> None:
    ws["A1"] = t("sec_methods", r.lang)
    ws["A1"].font = TITLE_FONT
    row = 3
    for heading, body, refs in methodology(r.lang):
        ws.cell(row=row, column=1, value=heading).font = H2_FONT
        c = ws.cell(row=row + 1, column=1, value=body)
        c.alignment = WRAP
        ws.row_dimensions[row + 1].height = 75
        row += 2
        for ref in refs:
            ws.cell(row=row, column=1, value="· " + ref).font = Font(italic=True, color="445566")
            row += 1
        row += 1
    _widths(ws, (130,))


def _provenance(ws: Worksheet, r: ChainReport) -> None:
    lang = r.lang
    ws["A1"] = t("sec_provenance", lang)
    ws["A1"].font = TITLE_FONT
    ws["A2"] = t("provenance_note", lang)
    _header(ws, 4, [t("col_table", lang), t("col_rows", lang), t("col_sources", lang), t("col_as_of", lang),
                    t("col_confidence", lang)])
    row = 5
    for p in table_provenance(r, max_sources=20):
        sources = "\n".join(f"{s}（{n:,}）" for s, n in p.sources)
        if p.more_sources:
            sources += "\n" + t("more_sources", lang, n=p.more_sources)
        for j, v in enumerate((p.label, p.rows, sources, p.as_of, p.confidence), start=1):
            c = ws.cell(row=row, column=j, value=v)
            c.alignment, c.border = WRAP, THIN
        row += 1
    row += 1
    ws.cell(row=row, column=1, value=t("dataset_facts", lang)).font = H2_FONT
    row = _kv(ws, row + 1, dataset_facts(r)) + 1
    ws.cell(row=row, column=1, value=t("parameters", lang)).font = H2_FONT
    _kv(ws, row + 1, parameter_rows(r))
    _widths(ws, (26, 60, 90, 24, 30))


def render_xlsx(r: ChainReport) -> bytes:
    """The report as an .xlsx workbook (bytes)."""
    lang = r.lang
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    sheets = {key: wb.create_sheet(pick(SHEETS[key], lang)) for key in SHEETS}
    _cover(sheets["cover"], r)
    _summary(sheets["summary"], r)
    _map(sheets["map"], r, chain_map_png(r.dataset, r.chain, r.register, lang=lang))
    _register(sheets["register"], r)
    _backups(sheets["backups"], r)
    _scenarios(sheets["scenarios"], r)
    _methods(sheets["methods"], r)
    _provenance(sheets["provenance"], r)
    wb.properties.title = f"{t('title', lang)} — {r.chain_name}"
    wb.properties.creator = "chainleader"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
