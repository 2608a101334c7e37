"""Chain reports: PDF text and headings, workbook structure, the chain-map image, redaction.

The nev-jjj report is built once per module without the TTR/TTS LPs (they are not the point here) and
with one short scenario; each PDF is rendered once and its text extracted with pypdf.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import numpy as np
import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from chainleader.model.dataset import Dataset
from chainleader.model.errors import ConfigError
from chainleader.services.reports import (
    ChainReport,
    build_chain_report,
    chain_map_png,
    default_filename,
    render,
    render_pdf,
    render_xlsx,
    write_report,
)
from chainleader.services.reports.chain_map import layout, longest_path_depth, short_name
from chainleader.services.reports.labels import bilingual_part
from chainleader.services.reports.sections import format_figure, table_provenance

ZH_HEADINGS = ("摘要", "产业链图谱", "风险清单", "备份候选", "情景模拟", "方法说明", "数据来源")
EN_HEADINGS = ("Summary", "Chain map", "Risk register", "Backup candidates", "Scenario simulation", "Methodology",
               "Data provenance")
ZH_SHEETS = ["封面", "摘要", "产业链图谱", "风险清单", "备份候选", "情景结果", "方法说明", "数据来源"]
EN_SHEETS = ["Cover", "Summary", "Chain map", "Risk register", "Backup candidates", "Scenario results",
             "Methodology", "Data provenance"]


def squash(text: str) -> str:
    """Text without whitespace: table cells wrap names over lines."""
    return re.sub(r"\s+", "", text)


def pdf_text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(p.extract_text() or "" for p in reader.pages), reader


def workbook_text(xlsx: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


@pytest.fixture(scope="module")
def report() -> ChainReport:
    return build_chain_report("nev-jjj", "nev", scenarios=["cobalt-cd-cut"], with_lp=False,
                              reader="测试用户（河北省链长办）", confidential_note="部分企业数据因权限未显示")


@pytest.fixture(scope="module")
def pdf_zh(report: ChainReport) -> bytes:
    return render_pdf(report)


@pytest.fixture(scope="module")
def xlsx_zh(report: ChainReport) -> bytes:
    return render_xlsx(report)


def english(r: ChainReport) -> ChainReport:
    return ChainReport(r.dataset, r.chain, r.register, r.simulations, reader=r.reader, lang="en",
                       generated_at=r.generated_at, dataset_version=r.dataset_version)


# --- PDF -------------------------------------------------------------------------------------------------------
def test_pdf_chinese_headings_cover_and_top_risks(report: ChainReport, pdf_zh: bytes) -> None:
    text, reader = pdf_text(pdf_zh)
    flat = squash(text)
    for heading in ZH_HEADINGS:
        assert heading in text, heading
    assert "产业链韧性评估报告" in flat
    assert "京津冀新能源汽车产业链" in flat
    assert "示意数据" in flat  # nev-jjj meta says illustrative
    assert "测试用户（河北省链长办）" in flat
    assert "部分企业数据因权限未显示" in flat
    assert "第1页/共" in flat  # page numbers in the footer
    top = report.register.entries
    top_products = top[top["kind"] == "product"]["name_zh"].head(5).tolist()
    assert top_products  # nev-jjj has product risk points
    for name in top_products:
        assert squash(name) in flat, name
    # methodology cites its references
    for ref in ("Simchi-Levi", "DOJ", "M−X", "与-或", "TTS"):
        assert squash(ref) in flat, ref
    # every register entry is listed: its explanation's opening words appear
    for expl in report.register.entries["explanation_zh"]:
        assert squash(expl)[:12] in flat
    # A4 portrait, and the chain map on an A4 landscape page
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(595, 842), (842, 595)}
    assert len(reader.pages) >= 8


def test_pdf_english(report: ChainReport) -> None:
    text, _ = pdf_text(render_pdf(english(report)))
    for heading in EN_HEADINGS:
        assert heading in text, heading
    assert "Industrial-chain resilience assessment" in text
    assert "Illustrative data" in text
    for chinese in ("摘要", "风险清单", "方法说明"):
        assert chinese not in text
    first = report.register.entries["name_en"].iloc[0]
    assert squash(first) in squash(text)


def test_pdf_scenario_section(report: ChainReport, pdf_zh: bytes) -> None:
    flat = squash(pdf_text(pdf_zh)[0])
    sim = report.simulations[0]
    assert squash(sim.scenario.title_zh) in flat
    assert "无备份方案" in flat and "启用备份方案" in flat  # with/without the plan


# --- workbook --------------------------------------------------------------------------------------------------
def test_xlsx_sheets_and_register(report: ChainReport, xlsx_zh: bytes) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_zh))
    assert wb.sheetnames == ZH_SHEETS
    ws = wb["风险清单"]
    assert ws.max_row - 1 == len(report.register.entries)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:P{len(report.register.entries) + 1}"
    assert ws.cell(1, 5).value == "名称"
    first = report.register.entries.iloc[0]
    assert ws.cell(2, 5).value == first["name_zh"]
    assert ws.cell(2, 4).value == first["point"]
    colours = {"red": "FFD62728", "yellow": "FFE6B800", "blue": "FF1F6FB4"}
    for i, sev in enumerate(report.register.entries["severity"], start=2):
        assert ws.cell(i, 2).fill.fgColor.rgb == colours[sev]
    assert ws.column_dimensions["P"].width >= 60  # explanation column is wide
    assert len(wb["产业链图谱"]._images) == 1
    assert len(wb["情景结果"]._images) == len(report.simulations)
    backups = wb["备份候选"]
    assert backups.max_row - 1 == len(report.register.candidates)
    # the daily series: one row per simulated day under three header rows
    sc = wb["情景结果"]
    days = [c.value for c in sc["A"] if isinstance(c.value, int)]
    assert len(days) >= report.simulations[0].scenario.horizon_days
    cover = workbook_text(xlsx_zh)
    assert "示意数据" in cover and "测试用户（河北省链长办）" in cover
    assert str(report.register.metadata["content_key"]) in cover  # provenance: content hash


def test_xlsx_english_sheet_names(report: ChainReport) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(english(report))))
    assert wb.sheetnames == EN_SHEETS
    assert wb["Risk register"].cell(1, 5).value == "Name"
    assert wb["Risk register"].cell(2, 5).value == report.register.entries["name_en"].iloc[0]


# --- chain map -------------------------------------------------------------------------------------------------
def test_chain_map_png_is_a_real_picture(report: ChainReport) -> None:
    png = chain_map_png(report.dataset, "nev", report.register, lang="zh")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(float)
    h, w, _ = img.shape
    assert w >= 1500 and h >= 900
    assert img.std() > 20  # not blank
    # red and yellow risk nodes are drawn (the register has both)
    red = (np.abs(img - (214, 39, 40)).sum(axis=2) < 30).sum()
    yellow = (np.abs(img - (230, 184, 0)).sum(axis=2) < 30).sum()
    assert red > 200 and yellow > 200


def test_chain_map_layout_helpers_on_a_hand_graph() -> None:
    # a -> c <- b, c -> d: depths 0, 0, 1, 2 (longest path from a source)
    src, dst = np.array([0, 1, 2]), np.array([2, 2, 3])
    assert longest_path_depth(4, src, dst).tolist() == [0, 0, 1, 2]
    # column 0 holds x, y; column 1 holds p (input y) and q (input x): barycentres put q above p
    column = np.array([0, 0, 1, 1])
    pos = layout(4, column, np.array([0, 1]), np.array([3, 2]), key=np.zeros(4))
    assert pos[3] < pos[2]
    assert short_name("锂矿原料（锂辉石、锂云母、盐湖卤水，按锂金属量）", "zh") == "锂矿原料"
    assert short_name("Lithium raw materials (spodumene; Li content)", "en") == "Lithium raw materials"


# --- redaction: the report shows only what it is given ---------------------------------------------------------
def without_enterprises(ds: Dataset, hidden: set[str]) -> Dataset:
    e, cap, links = ds.enterprises, ds.capacities, ds.supply_links
    return ds.with_tables(
        enterprises=e[~e["id"].isin(hidden)].reset_index(drop=True),
        capacities=cap[~cap["enterprise"].isin(hidden)].reset_index(drop=True),
        supply_links=links[~links["supplier"].isin(hidden) & ~links["customer"].isin(hidden)].reset_index(drop=True),
    )


def test_redacted_report_does_not_name_hidden_enterprises(report: ChainReport, xlsx_zh: bytes) -> None:
    ds = report.dataset
    beijing = ds.enterprises[ds.enterprises["region"].astype(str).str.startswith("11")]
    hidden = set(beijing["id"])
    names = [squash(n) for n in beijing["name_zh"]]
    full_text = squash(workbook_text(xlsx_zh))
    assert any(n in full_text for n in names)  # the unredacted report does name Beijing firms

    redacted = build_chain_report(without_enterprises(ds, hidden), "nev", scenarios=(), with_lp=False,
                                  confidential_note="部分企业数据因权限未显示")
    assert not set(redacted.register.candidates["candidate"]) & hidden
    texts = {"pdf": squash(pdf_text(render_pdf(redacted))[0]), "xlsx": squash(workbook_text(render_xlsx(redacted)))}
    for fmt, text in texts.items():
        leaked = [n for n in names if n in text]
        assert not leaked, (fmt, leaked)
    visible = squash(str(redacted.register.candidates["candidate_name_zh"].iloc[0]))
    assert visible in texts["xlsx"]  # names that may be seen are still shown


# --- small pieces ----------------------------------------------------------------------------------------------
def test_report_validation_errors_are_bilingual(report: ChainReport) -> None:
    with pytest.raises(ConfigError, match="zh 或 en.*zh or en"):
        ChainReport(report.dataset, "nev", report.register, lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="不在数据集.*not in dataset"):
        ChainReport(report.dataset, "no-such-chain", report.register)
    with pytest.raises(ConfigError, match="pdf 或 xlsx.*pdf or xlsx"):
        render(report, "docx")


def test_write_report_and_default_filename(report: ChainReport, tmp_path) -> None:  # type: ignore[no-untyped-def]
    r = ChainReport(report.dataset, "nev", report.register, generated_at=datetime(2026, 1, 2, 3, 4))
    assert default_filename(r, "xlsx") == "nev-jjj_nev_产业链评估报告_20260102.xlsx"
    path = write_report(r, tmp_path / "sub" / "r.xlsx")
    assert openpyxl.load_workbook(path).sheetnames == ZH_SHEETS


def test_provenance_and_figures(report: ChainReport) -> None:
    prov = {p.table: p for p in table_provenance(report)}
    assert prov["products"].rows == len(report.dataset.products)
    assert prov["products"].as_of == "2024-12-31"
    assert "实测" in prov["products"].confidence and "推断" in prov["products"].confidence
    assert format_figure("peak_loss", 0.381) == "38.1%"
    assert format_figure("backup_sites", 271.0) == "271"
    assert format_figure("lost_value_yi", 5.2951) == "5.30"
    assert format_figure("x", float("nan")) == "–"


def test_bilingual_part_splits_at_the_language_boundary() -> None:
    metric = "损失（亿元，未满足终端需求+降准质量损失）/ lost value (100M CNY: unmet final demand)"
    assert bilingual_part(metric, "zh") == "损失（亿元，未满足终端需求+降准质量损失）"
    assert bilingual_part(metric, "en") == "lost value (100M CNY: unmet final demand)"
    assert bilingual_part("出口管制/禁运 / export control", "zh") == "出口管制/禁运"
    assert bilingual_part("only one language", "en") == "only one language"


def test_empty_register_whole_dataset_workbook(report: ChainReport) -> None:
    empty = report.register.filter(kind="no-such-kind")
    r = ChainReport(report.dataset, "", empty, lang="en")
    assert r.chain_name == report.dataset.meta["title_en"]
    wb = openpyxl.load_workbook(io.BytesIO(render_xlsx(r)))
    assert wb["Risk register"].max_row == 1
    assert wb["Backup candidates"]["A2"].value == "No backup candidates."
    assert wb["Scenario results"]["A3"].value.startswith("This report includes no scenario")


def test_report_from_a_stored_version(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from chainleader.services.datasets import import_into_store

    url = f"sqlite:///{tmp_path / 'store.sqlite'}"
    import_into_store("nev-jjj", url)
    r = build_chain_report("nev-jjj", db_url=url, scenarios=(), with_lp=False)
    assert r.dataset_version == 1 and r.chain == "nev"
    assert default_filename(r, "pdf").startswith("nev-jjj_nev_v1_产业链评估报告_")
    cover = openpyxl.load_workbook(io.BytesIO(render_xlsx(r)))["封面"]
    assert [c.value for c in cover["B"]][5] == 1  # the version on the cover
