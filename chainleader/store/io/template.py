"""Blank data templates (xlsx or a CSV folder) and the column notes shared with the docs.

A template has every table with its header row (Chinese aliases by default), one example
row per table (two for ``products`` and ``enterprises``) forming a small *consistent*
dataset, and notes on every column: in xlsx as header comments plus a first sheet
"说明 README"; in CSV mode as ``说明README.txt`` next to the files.

The example rows are built from the schema's ``Column.example`` values, overridden where
the dataset must hang together (every referenced product / enterprise exists, the USCCs
carry valid check digits and the enterprise's region code).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Literal, cast

import pandas as pd

from chainleader.model.dataset import Dataset, conform
from chainleader.model.errors import ConfigError
from chainleader.model.ids import make_uscc
from chainleader.model.schema import CONFIDENCE, EVIDENCE, LIST_SEPARATORS, TABLES, Column, Table, table
from chainleader.store.io import export
from chainleader.store.io.export import CSV_ENCODING, HeaderLang, csv_file_name, table_label

TemplateFormat = Literal["xlsx", "csv"]

README_SHEET = "说明 README"
README_FILE = "说明README.txt"

__all__ = [
    "README_FILE",
    "README_SHEET",
    "column_note",
    "column_notes",
    "example_dataset",
    "example_rows",
    "example_value",
    "readme_lines",
    "schema_reference_markdown",
    "update_data_format_doc",
    "write_template",
]

# --- column notes ---------------------------------------------------------------------------

TYPE_TEXT: dict[str, tuple[str, str]] = {
    "str": ("文本", "text"),
    "id": ("编号：字母、数字、- _ .，不含空格", "identifier: letters, digits, - _ . and no spaces"),
    "int": ("整数", "integer"),
    "float": ("数值（可带千分位逗号，如 1,234.5）", "number (thousands separators allowed, e.g. 1,234.5)"),
    "bool": ("是否：true / false", "boolean: true / false"),
    "date": ("日期 YYYY-MM-DD（也接受 Excel 日期单元格）", "date YYYY-MM-DD (Excel date cells accepted)"),
    "enum": ("枚举：只能填允许值之一", "enumeration: one of the allowed values"),
    "list": ("列表：多个值用分号 ; 分隔", "list: values separated by ';'"),
    "region": (
        "行政区划代码 GB/T 2260，6 位（也接受 2/4 位前缀，如 13 → 130000）",
        "GB/T 2260 division code, 6 digits (2/4-digit prefixes accepted, e.g. 13 -> 130000)",
    ),
    "country": ("国家代码 ISO 3166-1 两位字母，如 CN、US、DE", "ISO 3166-1 alpha-2 country code, e.g. CN, US, DE"),
    "uscc": (
        "统一社会信用代码：18 位，校验位按 GB 32100-2015 检查，第 3–8 位为行政区划代码",
        "unified social credit code: 18 characters, GB 32100-2015 check digit, positions 3-8 = division code",
    ),
    "hs_list": (
        "HS 2022 编码（4 或 6 位），分号分隔；未知编码只给警告",
        "HS 2022 codes (4 or 6 digits), ';'-separated; unknown codes are warnings",
    ),
    "industry": (
        "国民经济行业代码 GB/T 4754-2017：门类字母或 2/3/4 位数字",
        "GB/T 4754-2017 industry code: section letter or 2/3/4 digits",
    ),
}


def _fmt_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(x)


def _range_text(c: Column) -> tuple[str, str] | None:
    if c.min is None and c.max is None:
        return None
    if c.min is not None and c.max is not None:
        r = f"{_fmt_number(c.min)} – {_fmt_number(c.max)}"
        return r, r
    if c.min is not None:
        return f"≥ {_fmt_number(c.min)}", f">= {_fmt_number(c.min)}"
    assert c.max is not None
    return f"≤ {_fmt_number(c.max)}", f"<= {_fmt_number(c.max)}"


def _ref_text(c: Column) -> tuple[str, str] | None:
    if c.ref is None:
        return None
    rt = table(c.ref[0])
    rc = rt.column(c.ref[1])
    return (
        f"必须是「{rt.zh}」表“{rc.zh}”列中已有的值",
        f"must be a value of {rt.name}.{rc.name}",
    )


def _enum_text(c: Column) -> str:
    return "，".join(f"{v} {zh}" for v, zh in c.enum)


def column_note(t: Table, c: Column) -> str:
    """The bilingual note on one column (header comment in xlsx, README entry in CSV)."""
    lines = [f"{c.zh} / {c.name}"]
    if c.doc_zh:
        lines.append(c.doc_zh)
    if c.doc_en:
        lines.append(c.doc_en)
    tz, te = TYPE_TEXT[c.type]
    lines.append(f"类型 type: {tz} / {te}")
    lines.append("必填 required: 是 yes" if c.required else "必填 required: 否 no（可留空 / may be empty）")
    if c.name in t.key:
        lines.append("键 key: 属于本表的唯一键 / part of the table's unique key")
    if c.enum:
        lines.append(f"允许值 allowed: {_enum_text(c)}")
        lines.append("（英文值或中文别名均可 / English value or Chinese alias）")
        if c.type == "list":
            lines.append("可填多个，分号 ; 分隔 / several allowed, ';'-separated")
    if c.unit:
        lines.append(f"单位 unit: {c.unit}")
    rng = _range_text(c)
    if rng:
        lines.append(f"范围 range: {rng[0]}")
    ref = _ref_text(c)
    if ref:
        lines.append(f"引用 reference: {ref[0]} / {ref[1]}")
    if c.default is not None:
        lines.append(f"默认 default: {c.default}")
    example = example_value(t, c)
    if example:
        lines.append(f"示例 example: {example}")
    return "\n".join(lines)


def example_value(t: Table, c: Column) -> str:
    """The example shown for a column: the template's own (consistent, valid) value, else the schema's."""
    for row in _example_rows("en")[t.name]:
        if c.name in row:
            return row[c.name]
    return c.example


def column_notes(t: Table) -> dict[str, str]:
    return {c.name: column_note(t, c) for c in t.columns}


# --- the example dataset ----------------------------------------------------------------------

_SOURCE = "示例数据（虚构），请替换"
_AS_OF = "2024-12-31"
_USCC_E1 = make_uscc("91130100MA01ABCD1")  # registered in 130100 石家庄市
_USCC_E2 = make_uscc("91120116MA01ABCD2")  # registered in 120116 天津市滨海新区

# Per table: the rows as overrides of the schema examples (None = leave the cell empty).
_OVERRIDES: dict[str, list[dict[str, str | None]]] = {
    "meta": [{}],
    "region_groups": [{"parent_region": None, "confidence": "observed"}],  # a cluster lies in no one division
    "country_groups": [{"members": "JP;NL;US", "confidence": "inferred"}],  # lists in canonical (sorted) order
    "products": [
        {"confidence": "observed"},
        {
            "id": "P_NCM_CATHODE",
            "name_zh": "三元正极材料",
            "name_en": "NCM cathode material",
            "stage": "midstream",
            "kind": "material",
            "grade": "high",
            "key_link": "true",
            "hs_codes": "284190",
            "industry_code": "3985",
            "unit": "t",
            "unit_price": "150000",
            "annual_demand": "80000",
            "confidence": "inferred",
        },
    ],
    "bom": [{"confidence": "observed"}],
    "chains": [
        {
            "id": "battery_materials",
            "name_zh": "动力电池材料产业链（示例）",
            "name_en": "Battery materials (example)",
            "final_products": "P_NCM_CATHODE",
            "description": "示例行，导入前请删除或替换 / example row, delete or replace before importing",
            "confidence": "observed",
        }
    ],
    "enterprises": [
        {
            "uscc": _USCC_E1,
            "foreign_id": None,  # Chinese firm: the USCC identifies it
            "name_zh": "燕新钴业有限公司（虚构）",
            "name_en": "Yanxin Cobalt Co., Ltd. (fictional)",
            "tags": "member;specialised",
            "size": "medium",
            "employees": "850",
            "confidence": "self_reported",
        },
        {
            "id": "E0002",
            "uscc": _USCC_E2,
            "foreign_id": None,
            "name_zh": "津海正极材料有限公司（虚构）",
            "name_en": "Jinhai Cathode Materials Co., Ltd. (fictional)",
            "country": "CN",
            "region": "120116",
            "tags": "chain_master;listed",
            "size": "large",
            "employees": "3200",
            "confidence": "self_reported",
        },
    ],
    "capacities": [{"confidence": "self_reported"}],
    "supply_links": [{"confidence": "inferred"}],
    "trade": [{"confidence": "observed"}],
}

_EVIDENCE_NAMES = tuple(c.name for c in EVIDENCE)


def _translate(c: Column, value: str, lang: HeaderLang) -> str:
    """Enum values in Chinese for a Chinese template (the importer accepts both)."""
    if lang != "zh" or not c.enum:
        return value
    zh = dict(c.enum)
    if c.type == "list":
        return ";".join(zh.get(v, v) for v in value.split(";"))
    return zh.get(value, value)


def example_rows(lang: HeaderLang = "en") -> dict[str, list[dict[str, str]]]:
    """The example rows of every table as cell text keyed by column name (empty cells left out)."""
    return {name: [dict(row) for row in rows] for name, rows in _example_rows(lang).items()}


@cache
def _example_rows(lang: HeaderLang) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    for t in TABLES:
        has_evidence = all(n in t.column_names for n in _EVIDENCE_NAMES)
        rows: list[dict[str, str]] = []
        for override in _OVERRIDES[t.name]:
            base: dict[str, str | None] = {c.name: c.example for c in t.columns if c.example}
            if has_evidence:
                base["source"] = _SOURCE
                base["as_of"] = _AS_OF
            base.update(override)
            rows.append(
                {c.name: _translate(c, v, lang) for c in t.columns if (v := base.get(c.name)) not in (None, "")}
            )
        out[t.name] = rows
    return out


def _typed(c: Column, text: str) -> object:
    if c.type == "float":
        return float(text)
    if c.type == "int":
        return int(text)
    if c.type == "bool":
        return text.lower() == "true"
    return text


def example_dataset(lang: HeaderLang = "en") -> Dataset:
    """The example rows as a Dataset (enum values in Chinese when ``lang='zh'``)."""
    frames: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        records = [{c.name: _typed(c, row[c.name]) for c in t.columns if c.name in row}
                   for row in example_rows(lang)[t.name]]
        frames[t.name] = conform(t, pd.DataFrame.from_records(records, columns=list(t.column_names)))
    return Dataset("template", frames)


# --- README ---------------------------------------------------------------------------------


def _evidence_tables() -> list[str]:
    return [t.name for t in TABLES if all(n in t.column_names for n in _EVIDENCE_NAMES)]


def readme_lines(lang: HeaderLang = "zh", *, csv_mode: bool = False) -> list[str]:
    """The README of a template (Chinese first, then English); '#' lines are headings."""
    sep = "、".join(f"“{s}”" for s in LIST_SEPARATORS[1:])
    where = " CSV 文件" if csv_mode else "工作表"
    where_en = "CSV file" if csv_mode else "sheet"
    lines = [
        "# chainleader 数据模板说明 / chainleader data template — README",
        f"每张数据表一个{where}：第 1 行是表头，第 2 行起是数据。示例行组成一个小而自洽的示例数据集"
        "（引用的产品、企业都存在），用来说明怎么填写；导入自己的数据前请删除或替换示例行。",
        f"One {where_en} per data table: row 1 is the header, data starts on row 2. The example rows form a "
        "small consistent dataset (every referenced product and enterprise exists) showing how to fill "
        "each column; delete or replace them before importing your own data.",
        "",
        "# 数据表 / Tables",
    ]
    label_kind = "文件 file" if csv_mode else "工作表 sheet"
    for t in TABLES:
        label = csv_file_name(t, lang) if csv_mode else table_label(t, lang)
        need = "必需，至少一行 / required, at least one row" if t.required else "可选 / optional"
        lines.append(f"{t.zh} / {t.name}（{label_kind}：{label}）— {need}；唯一键 key: {', '.join(t.key)}")
        if t.doc_zh:
            lines.append(f"    {t.doc_zh}")
        if t.doc_en:
            lines.append(f"    {t.doc_en}")
    lines += [
        "",
        "# 表头 / Headers",
        "表头可以用中文或英文列名（不区分大小写和空格），表名（工作表名、CSV 文件名）也可以用中文或英文；列的顺序不限，"
        "选填列可以整列删除。" + ("" if csv_mode else "橙色表头为必填列，灰色为选填列；鼠标停在表头上可看到该列说明。"),
        "Headers may be the Chinese or the English column names (case and spaces ignored); table names "
        "(sheet names, CSV file names) may be Chinese or English; column order is free and optional columns "
        "may be dropped." + ("" if csv_mode else " Amber headers are required, grey ones optional; hover "
                            "over a header to read its note."),
        "",
        "# 填写规则 / How to fill in",
        f"空单元格 = 缺失。列表：多个值用英文分号 ; 分隔（也接受 {sep}）。",
        "Empty cell = missing. Lists: separate values with ';' (full-width ；, commas and 、 are accepted too).",
        "数值：可带千分位逗号（1,234.5）；供应份额 share 可写 0.6 或 60%。日期：YYYY-MM-DD，Excel 日期单元格也接受。"
        "是否：true / false。枚举：英文值或中文别名均可（如 upstream 或 上游）。",
        "Numbers: thousands separators allowed (1,234.5); share may be 0.6 or 60%. Dates: YYYY-MM-DD, Excel "
        "date cells accepted. Booleans: true / false. Enumerations: the English value or its Chinese alias "
        "(e.g. upstream or 上游).",
        "公式单元格会被拒绝：请复制后“选择性粘贴 → 数值”再导入。",
        "Cells holding formulas are refused: copy them and Paste Special -> Values before importing.",
        "证据列 source 来源、as_of 日期、confidence 可信度（"
        + "，".join(f"{v} {zh}" for v, zh in CONFIDENCE)
        + f"）出现在这些表中：{', '.join(_evidence_tables())}。说明每条事实从哪里来、是哪天的、有多可信。",
        "Evidence columns source, as_of and confidence (observed / inferred / self_reported) appear in "
        f"{', '.join(_evidence_tables())}: where each fact comes from, the date it refers to and how sure it is.",
        "",
        "# 代码规则 / Codes",
        "统一社会信用代码（USCC）：18 位，校验位按 GB 32100-2015 检查，第 3–8 位是登记机关的行政区划代码；"
        "境外企业不填，改填境外编号。",
        "USCC (统一社会信用代码): 18 characters with the GB 32100-2015 check digit; positions 3-8 are the "
        "registering authority's division code. Foreign firms leave it empty and give a foreign id.",
        "行政区划：GB/T 2260 六位代码（如 130100 石家庄市），也接受 2/4 位前缀；中国企业必填所在地区。"
        "国家：ISO 3166-1 两位字母代码（CN、US、CD……）。HS：HS 2022 的 4 或 6 位编码。"
        "行业：GB/T 4754-2017 代码。",
        "Regions: GB/T 2260 six-digit codes (e.g. 130100 Shijiazhuang), 2/4-digit prefixes accepted; Chinese "
        "firms must give one. Countries: ISO 3166-1 alpha-2 (CN, US, CD ...). HS: HS 2022 4- or 6-digit codes. "
        "Industry: GB/T 4754-2017 codes.",
        "",
        "# 文件与编码 / Files and encodings",
        "可导入三种形式：一个 .xlsx 工作簿（每表一个工作表）、一个 CSV 文件夹（每表一个 .csv）或一个 .json 文件。"
        "CSV 可为 UTF-8、带 BOM 的 UTF-8、GBK 或 GB18030（Excel “另存为 CSV” 常见）；无法确定编码的文件会被拒绝"
        "并给出建议，可用 --encoding gbk 等强制指定。",
        "Three input forms are read: an .xlsx workbook (one sheet per table), a folder of CSV files (one per "
        "table) or a .json file. CSV may be UTF-8, UTF-8 with BOM, GBK or GB18030 (what Excel's Save as CSV "
        "writes); a file whose encoding is ambiguous is refused with advice; force one with --encoding gbk etc.",
        "",
        "# 导入 / How to import",
        "1. 填好数据，删除示例行。 Fill in your data and delete the example rows.",
        "2. 校验（不写入）/ validate (writes nothing):  chainleader validate <文件或文件夹 file or folder>",
        "3. 导入 / import:  chainleader import <文件或文件夹 file or folder> --name <数据集名称 dataset name>",
        "每次导入生成数据集的一个新版本；内容完全相同的重复导入不产生新版本。只要有一个错误就整体拒绝、不写入任何数据，"
        "并逐条列出：文件:表:row N:列: 错误 [代码] 说明 —— 修正：怎么改。",
        "Every import creates a new dataset version; re-importing identical content changes nothing. One error "
        "refuses the whole import and nothing is written; every problem is listed as "
        "file:table:row N:column: error [code] message — fix: what to change.",
        "完整说明见 docs/data-format.md。 Full reference: docs/data-format.md.",
    ]
    return lines


def _csv_readme_text(lang: HeaderLang) -> str:
    lines = readme_lines(lang, csv_mode=True)
    lines += ["", "# 各列说明 / Column notes"]
    for t in TABLES:
        lines += ["", f"## {csv_file_name(t, lang)} — {t.zh} / {t.name}"]
        for c in t.columns:
            note = column_note(t, c).split("\n")
            lines.append(f"- {note[0]}")
            lines += [f"    {line}" for line in note[1:]]
    text = "\n".join(line.lstrip("#").strip() if line.startswith("#") else line for line in lines)
    return text + "\n"


# --- writing --------------------------------------------------------------------------------


def _template_format(path: Path, fmt: str | None) -> TemplateFormat:
    if fmt is not None and fmt not in ("xlsx", "csv"):
        raise ConfigError(
            f"模板格式 {fmt!r} 无效 —— 修正：使用 xlsx 或 csv / "
            f"template format {fmt!r} is invalid — fix: use xlsx or csv"
        )
    kind = export.infer_format(path, fmt)
    if kind == "json":
        raise ConfigError(
            "模板只提供 xlsx 或 CSV 文件夹两种形式 —— 修正：输出路径用 .xlsx 后缀或一个文件夹 / "
            "templates come as xlsx or a CSV folder — fix: give a path ending in .xlsx, or a folder"
        )
    return cast(TemplateFormat, kind)


def _check_lang(lang: str) -> HeaderLang:
    if lang not in ("zh", "en"):
        raise ConfigError(
            f"模板语言 {lang!r} 无效 —— 修正：使用 zh（中文表头）或 en（英文表头） / "
            f"template language {lang!r} is invalid — fix: use zh (Chinese headers) or en (English headers)"
        )
    return cast(HeaderLang, lang)


def write_template(
    path: str | os.PathLike[str], fmt: TemplateFormat | None = None, *, lang: Literal["zh", "en"] = "zh"
) -> Path:
    """Write a blank template with example rows and column notes; returns the path written.

    ``fmt`` is inferred from the suffix (.xlsx, otherwise a CSV folder). ``lang='zh'``
    gives Chinese sheet / file names, headers and enum values; ``'en'`` English ones.
    """
    p = Path(path)
    kind = _template_format(p, fmt)
    hl = _check_lang(lang)
    ds = example_dataset(hl)
    batches = ((t.name, ds.tables[t.name]) for t in TABLES)
    if kind == "xlsx":
        sink = export._XlsxSink(
            p, hl, notes=column_notes, highlight_required=True, readme=(README_SHEET, readme_lines(hl))
        )
        return export._drive(sink, batches)
    out = export._drive(export._CsvSink(p, hl), batches)
    (out / README_FILE).write_text(_csv_readme_text(hl), encoding=CSV_ENCODING, newline="\n")
    return out


# --- documentation --------------------------------------------------------------------------


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def schema_reference_markdown() -> str:
    """The per-table / per-column reference section of docs/data-format.md, generated from the schema."""
    out: list[str] = []
    for t in TABLES:
        out += [
            f"### {t.zh} `{t.name}`",
            "",
            f"{t.doc_zh}",
            "",
            f"{t.doc_en}",
            "",
            f"- 唯一键 key: {', '.join(f'`{k}`' for k in t.key)}",
            "- 必需表 required table: " + ("是，至少一行 / yes, at least one row" if t.required else "否 / no"),
            f"- 工作表 / CSV 文件名 sheet / file name: `{t.name}` 或 or `{t.zh}`",
            "",
            "| 列 column | 中文表头 header | 类型 type | 必填 required | 单位 unit | 允许值 allowed values | "
            "引用 reference | 范围 min–max | 示例 example | 说明 description |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for c in t.columns:
            rng = _range_text(c)
            ref = f"`{c.ref[0]}.{c.ref[1]}`" if c.ref else ""
            allowed = "<br>".join(f"`{v}` {zh}" for v, zh in c.enum)
            desc = " / ".join(x for x in (c.doc_zh, c.doc_en) if x)
            cells = [
                f"`{c.name}`",
                c.zh,
                f"`{c.type}`",
                "是 yes" if c.required else "否 no",
                c.unit,
                allowed,
                ref,
                rng[1] if rng else "",
                f"`{ex}`" if (ex := example_value(t, c)) else "",
                desc,
            ]
            out.append("| " + " | ".join(_md(x) for x in cells) + " |")
        out.append("")
    return "\n".join(out)



DOC_BEGIN = "<!-- BEGIN GENERATED: schema reference — do not edit by hand -->"
DOC_END = "<!-- END GENERATED: schema reference -->"


def update_data_format_doc(path: str | os.PathLike[str]) -> bool:
    """Regenerate the schema reference section of docs/data-format.md in place; True if it changed.

    Run after changing ``chainleader/model/schema.py``::

        .venv/bin/python -c "from chainleader.store.io.template import update_data_format_doc as u; \\
u('docs/data-format.md')"
    """
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    if DOC_BEGIN not in text or DOC_END not in text:
        raise ConfigError(
            f"{p} 中缺少生成区的起止标记 —— 修正：加入两行 {DOC_BEGIN} 和 {DOC_END} / "
            f"{p} lacks the generated-section markers — fix: add the lines {DOC_BEGIN} and {DOC_END}"
        )
    head, rest = text.split(DOC_BEGIN, 1)
    _, tail = rest.split(DOC_END, 1)
    new = f"{head}{DOC_BEGIN}\n\n{schema_reference_markdown()}\n{DOC_END}{tail}"
    if new == text:
        return False
    p.write_text(new, encoding="utf-8")
    return True
