"""Excel realities: formulas (with or without a cached result), date cells, title rows, bad sheets."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
from store.io.io_helpers import GOOD_CSV, errors, good_tables, warnings, write_xlsx

from chainleader.store.io import open_source


def _workbook(tmp_path: Path, name: str = "data.xlsx") -> Path:
    return write_xlsx(tmp_path / name, dict(good_tables().items()))


def _edit(path: Path, sheet: str, cell: str, value: object) -> None:
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def _add_cached_value(path: Path, formula: str, cached: str) -> None:
    """Give a formula cell a cached result, as Excel itself saves it (openpyxl writes none)."""
    with zipfile.ZipFile(path) as z:
        files = {n: z.read(n) for n in z.namelist()}
    for name, data in files.items():
        if name.startswith("xl/worksheets/") and f"<f>{formula}</f>".encode() in data:
            files[name] = data.replace(f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{cached}</v>".encode())
    with zipfile.ZipFile(path, "w") as z:
        for name, data in files.items():
            z.writestr(name, data)


def test_good_workbook_with_english_names_matches_csv(tmp_path: Path) -> None:
    src = open_source(_workbook(tmp_path))
    assert src.validate().problems == []
    assert src.content_hash() == open_source(GOOD_CSV).content_hash()


def test_formula_cell_is_an_error_not_a_value(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    _edit(path, "capacities", "C3", "=20000*2")  # capacity of E002, row 3
    report = open_source(path).validate()
    assert errors(report) == {("excel_formula", "data.xlsx", 3, "capacity")}  # and no 'required' error
    p = report.errors[0]
    assert p.value == "=20000*2" and "没有计算结果" in p.message_zh
    assert "选择性粘贴为数值" in p.fix_zh and "Paste Special" in p.fix_en


def test_formula_with_a_cached_result_is_still_refused(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    _edit(path, "capacities", "C3", "=20000*2")
    _add_cached_value(path, "20000*2", "40000")
    cached = openpyxl.load_workbook(path, data_only=True)["capacities"]["C3"].value
    assert cached == 40000  # the file really carries the cached result
    report = open_source(path).validate()
    assert errors(report) == {("excel_formula", "data.xlsx", 3, "capacity")}
    p = report.errors[0]
    assert "40000" in p.message_zh and "不会被使用" in p.message_zh and "not used" in p.message_en


def test_date_cell_in_a_numeric_column(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    _edit(path, "capacities", "C2", dt.datetime(2024, 3, 1))
    report = open_source(path).validate()
    assert errors(report) == {("excel_date_in_number", "data.xlsx", 2, "capacity")}
    assert "2024-03-01" in report.errors[0].message_zh and "常规" in report.errors[0].fix_zh


def test_date_cells_in_date_columns_become_iso_dates(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        headers = [c.value for c in ws[1]]
        if "as_of" in headers:
            col = headers.index("as_of") + 1
            for r in range(2, ws.max_row + 1):
                ws.cell(r, col).value = dt.datetime(2024, 12, 31)
    wb.save(path)
    src = open_source(path)
    assert src.validate().problems == []
    assert src.content_hash() == open_source(GOOD_CSV).content_hash()


def test_unknown_sheet_is_a_warning_and_ignored(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("说明").append(["这是填表说明"])
    wb.save(path)
    report = open_source(path).validate()
    assert report.ok
    assert warnings(report) == {("unknown_table", "data.xlsx", None, None)}
    assert report.warnings[0].table == "说明"


def test_title_row_and_blank_rows_keep_sheet_row_numbers(tmp_path: Path) -> None:
    headers, rows = good_tables()["products"]
    sheets = dict(good_tables().items())
    rows = [r[:] for r in rows]
    rows[2][headers.index("unit")] = ""  # P_NCM_CATHODE
    sheets["products"] = (headers, rows)
    path = write_xlsx(tmp_path / "data.xlsx", sheets)
    wb = openpyxl.load_workbook(path)
    ws = wb["products"]
    ws.insert_rows(1)  # a title row above the header
    ws["A1"] = "产品环节清单（2024）"
    ws.insert_rows(4)  # a blank row: 1 title, 2 header, 3 P_COBALT, 4 blank, 5 P_LITHIUM, 6 P_NCM_CATHODE
    wb.save(path)
    report = open_source(path).validate()
    assert errors(report) == {("required", "data.xlsx", 6, "unit")}


def test_excel_error_value(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    _edit(path, "capacities", "D4", "#N/A")
    assert openpyxl.load_workbook(path)["capacities"]["D4"].data_type == "e"
    report = open_source(path).validate()
    assert errors(report) == {("excel_error", "data.xlsx", 4, "output")}


def test_old_xls_and_broken_files_are_refused_cleanly(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0 not really")
    report = open_source(tmp_path / "old.xls").validate()
    assert ("unsupported_format", "old.xls", None, None) in errors(report)
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 broken")
    report = open_source(tmp_path / "broken.xlsx").validate()
    assert ("unreadable_file", "broken.xlsx", None, None) in errors(report)
    assert re.search(r"另存为 \.xlsx", report.errors[0].fix_zh)


def test_date_cell_in_a_code_column_and_uscc_typed_as_a_number(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    _edit(path, "bom", "B3", dt.datetime(2024, 3, 1))  # input_group id "3-1" auto-formatted as a date
    _edit(path, "enterprises", "B2", 911301001234567890)  # an 18-digit USCC pasted as a number
    report = open_source(path).validate()
    assert errors(report) == {("excel_date_cell", "data.xlsx", 3, "input_group"),
                              ("uscc", "data.xlsx", 2, "uscc")}
    uscc = next(p for p in report.errors if p.code == "uscc")
    assert "科学计数法" in uscc.message_zh and "lost digits" in uscc.message_en
