"""JSON envelope, CSV dialects and Chinese-Excel realities that must import like the clean data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from store.io.io_helpers import GOOD, GOOD_CSV, copy_good, errors, read_table, warnings, write_table

from chainleader.store.io import lookups, open_source


@pytest.fixture(scope="module")
def good_hash() -> str:
    src = open_source(GOOD_CSV)
    src.validate()
    return src.content_hash()


def _json(tmp_path: Path, doc: object, text: str | None = None) -> Path:
    f = tmp_path / "data.json"
    f.write_text(text if text is not None else json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return f


def test_json_envelope_problems(tmp_path: Path) -> None:
    good = json.loads((GOOD / "dataset.json").read_text(encoding="utf-8"))
    report = open_source(_json(tmp_path, None, '{"format": "chainleader",\n "tables": [}')).validate()
    assert errors(report) >= {("json_syntax", "data.json", 2, None)}
    report = open_source(_json(tmp_path, {**good, "format": "other"})).validate()
    assert ("json_format", "data.json", None, None) in errors(report)
    report = open_source(_json(tmp_path, {**good, "format_version": 2})).validate()
    assert "format_version" in report.errors[0].message_en


def test_json_records_rows_and_chinese_keys(tmp_path: Path, good_hash: str) -> None:
    doc = json.loads((GOOD / "dataset.json").read_text(encoding="utf-8"))
    doc["tables"]["企业"] = doc["tables"].pop("enterprises")
    doc["tables"]["企业"][1]["employees"] = "很多"  # record 2
    doc["tables"]["colours"] = [{"id": 1}]
    report = open_source(_json(tmp_path, doc)).validate()
    assert errors(report) == {("type_int", "data.json", 2, "employees")}
    assert ("unknown_table", "data.json", None, None) in warnings(report)
    doc["tables"]["企业"][1]["employees"] = 800
    src = open_source(_json(tmp_path, doc))
    assert src.validate().ok and src.content_hash() == good_hash


def test_chinese_excel_realities_import_like_clean_data(tmp_path: Path, good_hash: str) -> None:
    folder = copy_good(tmp_path)
    h, rows = read_table(folder / "enterprises.csv")
    rows[0][h.index("id")] = "Ｅ００１"  # full-width id
    rows[0][h.index("region")] = "130100.0"  # code typed in a number cell
    rows[0][h.index("tags")] = "上市、链主"  # Chinese enum values, 、 separator, other order
    rows[0][h.index("employees")] = "5,200"
    rows[0][h.index("as_of")] = "2024年12月31日"
    rows[1][h.index("uscc")] = "９１１３０２００ＭＡ０ＢＣＤＥＦ２Ｇ"  # full-width USCC
    rows[1][h.index("size")] = "中型"
    rows[2][h.index("country")] = " cn "
    rows[2][h.index("as_of")] = "2024/12/31"
    write_table(folder / "enterprises.csv", [f"  {x.upper()} " for x in h], rows)  # headers: case and spaces
    h, rows = read_table(folder / "supply_links.csv")
    rows[0][h.index("share")] = "60%"
    write_table(folder / "supply_links.csv", h, [*rows, [""] * len(h)])  # a trailing blank Excel row
    h, rows = read_table(folder / "products.csv")
    rows[0][h.index("key_link")] = "是"
    rows[0][h.index("hs_codes")] = "810520，260500"
    rows[0][h.index("stage")] = "上游"
    write_table(folder / "products.csv", [f"{x}" if x != "name_zh" else "中文名称" for x in h], rows)
    src = open_source(folder)
    assert src.validate().problems == []
    assert src.content_hash() == good_hash


def test_tab_separated_utf16_unicode_text_from_excel(tmp_path: Path, good_hash: str) -> None:
    folder = copy_good(tmp_path)
    h, rows = read_table(folder / "products.csv")
    text = "\n".join("\t".join(r) for r in [h, *rows]) + "\n"
    (folder / "products.csv").write_bytes(text.encode("utf-16"))
    src = open_source(folder)
    assert src.validate().problems == []
    assert src.encodings["products.csv"] == "utf-16"
    assert src.content_hash() == good_hash


def test_csv_row_numbers_count_blank_lines_and_multiline_cells(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    h, rows = read_table(folder / "chains.csv")
    rows[0][h.index("description")] = "第一行\n第二行"  # a cell with a line break (Alt+Enter)
    bad = rows[0][:]
    bad[h.index("id")] = "chain two"
    write_table(folder / "chains.csv", h, [rows[0], [""] * len(h), bad])
    report = open_source(folder).validate()
    # row 1 header, row 2 the chain (two physical lines), row 3 blank, row 4 the bad id
    assert errors(report) == {("id_format", "chains.csv", 4, "id")}


def test_title_row_above_the_csv_header(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    h, rows = read_table(folder / "products.csv")
    rows[1][h.index("unit")] = ""
    write_table(folder / "products.csv", ["产品环节清单（2024）"] + [""] * (len(h) - 1), [h, *rows])
    assert errors(open_source(folder).validate()) == {("required", "products.csv", 4, "unit")}


def test_industry_codes_checked_against_the_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lookups, "industry_codes", lambda: frozenset({"0913", "2613", "3985"}))
    report = open_source(GOOD_CSV).validate()
    assert report.ok
    assert warnings(report) == {("industry_unknown", "products.csv", 6, "industry_code")}  # 3841 not listed
    folder = copy_good(tmp_path)
    h, rows = read_table(folder / "products.csv")
    rows[0][h.index("industry_code")] = "09A9"
    write_table(folder / "products.csv", h, rows)
    assert ("industry_format", "products.csv", 2, "industry_code") in errors(open_source(folder).validate())


def test_duplicate_files_and_columns(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    write_table(folder / "产品环节.csv", *read_table(folder / "products.csv"))
    h, rows = read_table(folder / "chains.csv")
    write_table(folder / "chains.csv", [*h, "中文名称"], [[*r, "重复"] for r in rows])
    got = errors(open_source(folder).validate())
    assert ("duplicate_table", "产品环节.csv", None, None) in got
    assert ("duplicate_column", "chains.csv", None, "name_zh") in got


def test_json_empty_table_lists_are_empty_tables(tmp_path: Path, good_hash: str) -> None:
    doc = json.loads((GOOD / "dataset.json").read_text(encoding="utf-8"))
    doc["tables"]["country_groups"] = []
    src = open_source(_json(tmp_path, doc))
    assert src.validate().problems == [] and src.content_hash() == good_hash
    doc["tables"]["chains"] = []
    assert errors(open_source(_json(tmp_path, doc)).validate()) == {("missing_table", "data.json", None, None)}


def test_empty_csv_file_is_a_warning(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    (folder / "trade.csv").write_bytes(b"")
    report = open_source(folder).validate()
    assert report.ok and ("empty_file", "trade.csv", None, None) in warnings(report)


def test_folder_without_csv_files_points_to_its_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "数据.xlsx").write_bytes(b"")
    (folder / "._products.csv").write_bytes(b"\x00\x05\x16\x07")  # macOS AppleDouble: skipped
    report = open_source(folder).validate()
    first = report.errors[0]
    assert (first.code, first.file) == ("no_csv_files", "empty") and "数据.xlsx" in first.fix_zh
    assert not report.warnings
