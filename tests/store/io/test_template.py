"""Blank templates: every table and column, header notes, and a consistent, valid example dataset."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from chainleader.model.dataset import Dataset, split_list
from chainleader.model.errors import ConfigError
from chainleader.model.ids import is_valid_id, is_valid_uscc
from chainleader.model.reference import country, division, hs_codes
from chainleader.model.schema import LIST_SEPARATORS, TABLES, enum_aliases, table
from chainleader.store.io import template
from chainleader.store.io.template import README_FILE, README_SHEET, example_dataset, write_template


@pytest.fixture(scope="module")
def xlsx_zh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl") / "模板.xlsx")


def test_xlsx_has_readme_first_then_every_table(xlsx_zh: Path) -> None:
    wb = load_workbook(xlsx_zh)
    assert wb.sheetnames == [README_SHEET] + [t.zh for t in TABLES]
    for t in TABLES:
        ws = wb[t.zh]
        assert [c.value for c in ws[1]] == [c.zh for c in t.columns]
        assert ws.freeze_panes == "A2"
        assert ws.max_row >= 2, f"{t.name} has no example row"
    wb.close()


def test_xlsx_headers_have_comments_and_required_highlight(xlsx_zh: Path) -> None:
    wb = load_workbook(xlsx_zh)
    for t in TABLES:
        for cell, c in zip(wb[t.zh][1], t.columns, strict=True):
            assert cell.comment is not None, f"{t.name}.{c.name} has no comment"
            text = cell.comment.text
            assert text.startswith(f"{c.zh} / {c.name}")
            assert "类型 type" in text
            assert ("必填 required: 是 yes" in text) == c.required
            for value, zh in c.enum:
                assert f"{value} {zh}" in text
            if c.ref:
                assert f"{c.ref[0]}.{c.ref[1]}" in text and table(c.ref[0]).zh in text
            if c.min is not None:
                assert "范围 range" in text
            if c.unit:
                assert c.unit in text
            assert cell.font.b
            rgb = cell.fill.fgColor.rgb
            assert rgb.endswith("FFE699" if c.required else "EDEDED"), (t.name, c.name)
    wb.close()


def test_xlsx_readme_explains_the_format(xlsx_zh: Path) -> None:
    wb = load_workbook(xlsx_zh)
    text = "\n".join(str(r[0]) for r in wb[README_SHEET].iter_rows(values_only=True) if r and r[0])
    wb.close()
    for needle in ("分号", "';'", "GBK", "GB18030", "UTF-8", "--encoding", "统一社会信用代码", "USCC",
                   "GB/T 2260", "ISO 3166", "source", "as_of", "confidence", "chainleader import",
                   "选择性粘贴", "Paste Special"):
        assert needle in text, needle
    for t in TABLES:
        assert t.zh in text and t.name in text
    # Chinese before English in the README's heading
    assert text.index("说明") < text.index("README")


def test_example_cells_of_codes_are_text(xlsx_zh: Path) -> None:
    wb = load_workbook(xlsx_zh)
    ws = wb["企业"]
    cols = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        assert row[cols.index("统一社会信用代码")].data_type == "s"
        assert row[cols.index("所在地区")].data_type == "s"
        assert row[cols.index("从业人数")].data_type == "n"
    wb.close()


def _read_xlsx_template(path: Path, lang: str) -> dict[str, list[dict[str, object]]]:
    wb = load_workbook(path)
    out: dict[str, list[dict[str, object]]] = {}
    for t in TABLES:
        ws = wb[t.zh if lang == "zh" else t.name]
        rows = list(ws.iter_rows(values_only=True))
        label = {(c.zh if lang == "zh" else c.name): c.name for c in t.columns}
        names = [label[h] for h in rows[0]]
        out[t.name] = [{n: v for n, v in zip(names, r, strict=True) if v is not None} for r in rows[1:]]
    wb.close()
    return out


def _read_csv_template(path: Path, lang: str) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    for t in TABLES:
        f = path / f"{t.zh if lang == 'zh' else t.name}.csv"
        assert f.read_bytes().startswith(b"\xef\xbb\xbf")
        df = pd.read_csv(f, encoding="utf-8-sig", dtype=object, keep_default_na=False, na_values=[""])
        label = {(c.zh if lang == "zh" else c.name): c.name for c in t.columns}
        assert list(df.columns) == list(label)
        out[t.name] = [{label[str(k)]: v for k, v in r.items() if isinstance(v, str)} for r in df.to_dict("records")]
    return out


def _canonical_enum(table_name: str, column: str, value: str) -> str:
    c = table(table_name).column(column)
    aliases = enum_aliases(c)
    assert value in aliases or value.lower() in aliases, (table_name, column, value)
    return aliases.get(value) or aliases[value.lower()]


def assert_consistent(rows: dict[str, list[dict[str, object]]], lang: str) -> None:
    """The example rows form a small valid dataset, checked with the reference lists (not the importer)."""
    for t in TABLES:
        assert rows[t.name], f"{t.name}: no example row"
        keys = [tuple(r.get(k) for k in t.key) for r in rows[t.name]]
        assert len(set(keys)) == len(keys), f"{t.name}: duplicate keys"
        for r in rows[t.name]:
            for c in t.columns:
                v = r.get(c.name)
                if c.required:
                    assert v not in (None, ""), f"{t.name}.{c.name} required but empty"
                if v is None:
                    continue
                if c.type in ("float", "int"):
                    x = float(v)  # type: ignore[arg-type]
                    assert c.min is None or x >= c.min
                    assert c.max is None or x <= c.max
                    if c.type == "int":
                        assert x.is_integer()
                elif c.type == "bool":
                    assert v in (True, False, "true", "false")
                elif c.type == "enum":
                    value = str(v)
                    if lang == "zh":
                        assert value in {zh for _, zh in c.enum}, (t.name, c.name, value)
                    else:
                        assert value in c.enum_values, (t.name, c.name, value)
                    _canonical_enum(t.name, c.name, value)
                elif c.type == "list":
                    items = split_list(v)
                    assert items and all(s not in item for item in items for s in LIST_SEPARATORS)
                    for item in items:
                        if c.enum:
                            _canonical_enum(t.name, c.name, item)
                elif c.type == "date":
                    dt.date.fromisoformat(str(v))
                elif c.type == "region":
                    assert len(str(v)) == 6 and division(str(v)) is not None, (t.name, c.name, v)
                elif c.type == "country":
                    assert country(str(v)) is not None
                elif c.type == "uscc":
                    assert is_valid_uscc(str(v))
                elif c.type == "hs_list":
                    assert all(h in hs_codes() for h in split_list(v))
                elif c.type == "id":
                    assert is_valid_id(str(v))
    product_ids = {r["id"] for r in rows["products"]}
    enterprise_ids = {r["id"] for r in rows["enterprises"]}
    for r in rows["bom"]:
        assert r["product"] in product_ids and r["input"] in product_ids and r["product"] != r["input"]
    for r in rows["capacities"]:
        assert r["enterprise"] in enterprise_ids and r["product"] in product_ids
    assert len(enterprise_ids) >= 2
    for r in rows["supply_links"]:
        assert r["supplier"] in enterprise_ids and r["customer"] in enterprise_ids
        assert r["supplier"] != r["customer"] and r["product"] in product_ids
    for r in rows["trade"]:
        assert r["product"] in product_ids
    for r in rows["chains"]:
        assert set(split_list(r["final_products"])) <= product_ids
    for r in rows["enterprises"]:
        if r.get("uscc"):
            assert str(r["uscc"])[2:8] == r["region"]  # registration division inside the USCC
        if r["country"] == "CN":
            assert r.get("region")
    for r in rows["region_groups"]:
        for code in split_list(r.get("members")):
            assert division(code) is not None
    for r in rows["country_groups"]:
        members = split_list(r["members"])
        assert members == sorted(members)  # canonical order, so export -> import is identical
        assert all(country(m) is not None for m in members)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_xlsx_example_rows_are_consistent(tmp_path: Path, lang: str) -> None:
    path = write_template(tmp_path / "t.xlsx", lang=lang)  # type: ignore[arg-type]
    assert_consistent(_read_xlsx_template(path, lang), lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_csv_template(tmp_path: Path, lang: str) -> None:
    out = write_template(tmp_path / "tpl", lang=lang)  # type: ignore[arg-type]
    assert out.is_dir()
    names = {t.zh if lang == "zh" else t.name for t in TABLES}
    assert {p.name for p in out.iterdir()} == {f"{n}.csv" for n in names} | {README_FILE}
    assert_consistent(_read_csv_template(out, lang), lang)
    raw = (out / README_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    readme = raw.decode("utf-8-sig")
    for t in TABLES:
        for c in t.columns:
            assert f"{c.zh} / {c.name}" in readme
    assert "GB18030" in readme and "--encoding" in readme


def test_english_template_uses_english_names_and_values(tmp_path: Path) -> None:
    rows = _read_xlsx_template(write_template(tmp_path / "t.xlsx", "xlsx", lang="en"), "en")
    assert {r["stage"] for r in rows["products"]} <= {"upstream", "midstream", "downstream"}
    assert rows["enterprises"][0]["confidence"] == "self_reported"


def test_example_dataset_is_canonical() -> None:
    en = example_dataset("en")
    zh = example_dataset("zh")
    assert isinstance(en, Dataset)
    assert list(en.products["stage"]) == ["upstream", "midstream"]
    assert list(zh.products["stage"]) == ["上游", "中游"]
    assert str(en.products["unit_price"].dtype) == "float64"
    assert str(en.enterprises["employees"].dtype) == "Int64"
    assert str(en.products["key_link"].dtype) == "boolean"
    assert en.counts() == {t.name: (2 if t.name in ("products", "enterprises") else 1) for t in TABLES}


def test_column_note_example_is_the_templates_valid_value() -> None:
    t = table("enterprises")
    note = template.column_note(t, t.column("uscc"))
    example = note.rsplit("示例 example: ", 1)[1]
    assert is_valid_uscc(example)


def test_bad_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="template language"):
        write_template(tmp_path / "t.xlsx", lang="fr")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="xlsx or a CSV folder"):
        write_template(tmp_path / "t.json")
    with pytest.raises(ConfigError, match="template format"):
        write_template(tmp_path / "t", "json")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []
