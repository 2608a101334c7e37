"""The bad-input corpus: one small file per rule, with the exact (code, file, row, column) expected.

Each case folder in tests/data/bad/ holds the table file(s) that replace the good dataset's
(tests/data/good/csv); everything else stays good, so the listed errors are ALL the errors.
Rows are as the user sees them: header = row 1.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from store.io.io_helpers import BAD, copy_good, errors, read_table, warnings, write_table

from chainleader.model.errors import ValidationReport
from chainleader.store.io import open_source
from chainleader.store.io.problems import CAP

Key = tuple[str, str, int | None, str | None]

# case -> (expected errors, expected warnings, (code, text that message or fix must contain))
CASES: dict[str, tuple[set[Key], set[Key], tuple[str, str] | None]] = {
    "unknown_column": (set(), {("unknown_column", "products.csv", None, "colour")}, ("unknown_column", "colour")),
    "missing_column": ({("missing_column", "products.csv", None, "unit")}, set(), ("missing_column", "计量单位")),
    "required": ({("required", "products.csv", 3, "name_zh")}, set(), ("required", "name_zh")),
    "type_int": ({("type_int", "enterprises.csv", 3, "employees")}, set(), ("type_int", "八百")),
    "type_float": ({("type_float", "products.csv", 2, "unit_price")}, set(), ("type_float", "abc")),
    "type_bool": ({("type_bool", "products.csv", 4, "key_link")}, set(), ("type_bool", "是/否")),
    "type_date": ({("type_date", "products.csv", 5, "as_of")}, set(), ("type_date", "2024-02-30")),
    "unit_in_number": ({("unit_in_number", "capacities.csv", 3, "capacity")}, set(),
                       ("unit_in_number", "products.unit")),
    "enum": ({("enum", "products.csv", 2, "stage")}, set(), ("enum", "upstream 上游")),
    "id_format": ({("id_format", "products.csv", 7, "id")}, set(), ("id_format", "P/EXTRA")),
    "uscc": ({("uscc", "enterprises.csv", 3, "uscc")}, set(), ("uscc", "校验位应为 G")),
    "region_unknown": ({("region_unknown", "enterprises.csv", 4, "region")}, set(), ("region_unknown", "GB/T 2260")),
    "region_name": ({("region_unknown", "enterprises.csv", 4, "region")}, set(), ("region_unknown", "120116")),
    "country_unknown": ({("country_unknown", "enterprises.csv", 5, "country")}, set(), ("country_unknown", "CD")),
    "region_required": ({("region_required", "enterprises.csv", 4, "region")}, set(), ("region_required", "E003")),
    "ref_missing": ({("ref_missing", "supply_links.csv", 2, "supplier")}, set(), ("ref_missing", "enterprises")),
    "duplicate_key": ({("duplicate_key", "products.csv", 7, "id")}, set(), ("duplicate_key", "第 2 行")),
    "bom_cycle": ({("bom_cycle", "bom.csv", 7, "input")}, set(),
                  ("bom_cycle", "P_BATTERY_CELL -> P_NCM_CATHODE -> P_COBALT -> P_BATTERY_CELL")),
    "share_over_100": ({("share_over_100", "supply_links.csv", 3, "share")}, set(), ("share_over_100", "第 3、4 行")),
    "share_ambiguous": ({("share_ambiguous", "supply_links.csv", 2, "share")}, set(), ("share_ambiguous", "60%")),
    "negative": ({("negative", "capacities.csv", 2, "capacity")}, set(), ("negative", "-5")),
    "above_max": ({("above_max", "capacities.csv", 2, "standard_grade")}, set(), ("above_max", "5")),
    "output_over_capacity": (set(), {("output_over_capacity", "capacities.csv", 3, "output")},
                             ("output_over_capacity", "50000 > 40000")),
    "hs_unknown": (set(), {("hs_unknown", "products.csv", 2, "hs_codes")}, ("hs_unknown", "260590")),
    "hs_format": ({("hs_format", "products.csv", 2, "hs_codes")}, set(), ("hs_format", "260500")),
    "no_source": (set(), {("no_source", "products.csv", None, "source")}, ("no_source", "3")),
    "csv_columns": ({("csv_columns", "products.csv", 7, None)}, set(), ("csv_columns", "16")),
    "reporter": ({("region_unknown", "trade.csv", 5, "reporter")}, set(), ("region_unknown", "CN")),
    "unknown_table": (set(), {("unknown_table", "colours.csv", None, None)}, ("unknown_table", "products.csv")),
    "three_errors": ({("country_unknown", "enterprises.csv", 2, "country"),
                      ("negative", "enterprises.csv", 3, "employees"),
                      ("uscc", "enterprises.csv", 6, "uscc")}, set(), ("uscc", "长度为 17")),
}


def _validate_case(tmp_path: Path, case: str) -> ValidationReport:
    folder = copy_good(tmp_path)
    for f in (BAD / case).iterdir():
        shutil.copy(f, folder / f.name)
    return open_source(folder).validate()


def test_every_case_folder_is_listed() -> None:
    assert {d.name for d in BAD.iterdir() if d.is_dir()} == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_case(tmp_path: Path, case: str) -> None:
    want_errors, want_warnings, text = CASES[case]
    report = _validate_case(tmp_path, case)
    assert errors(report) == want_errors
    assert want_warnings <= warnings(report)
    assert report.ok == (not want_errors)
    if text is not None:
        code, needle = text
        hits = [p for p in report.problems if p.code == code]
        assert hits, code
        p = hits[0]
        assert needle in " ".join([p.message_zh, p.message_en, p.fix_zh, p.fix_en, p.value or ""])
        assert p.message_zh and p.message_en and p.fix_zh and p.fix_en  # bilingual, with a fix


def test_three_different_errors_are_all_reported_at_once(tmp_path: Path) -> None:
    report = _validate_case(tmp_path, "three_errors")
    assert len(report.errors) == 3
    assert len({p.code for p in report.errors}) == 3


def test_missing_required_table(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    (folder / "chains.csv").unlink()
    report = open_source(folder).validate()
    assert errors(report) == {("missing_table", "dataset", None, None)}
    assert report.errors[0].table == "chains"


def test_table_with_header_only_counts_as_missing(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    headers, _ = read_table(folder / "chains.csv")
    write_table(folder / "chains.csv", headers, [])
    report = open_source(folder).validate()
    assert errors(report) == {("missing_table", "chains.csv", None, None)}


def test_ref_to_a_missing_optional_table_is_reported_per_row(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    (folder / "region_groups.csv").unlink()
    report = open_source(folder).validate()
    assert errors(report) == {("ref_missing", "enterprises.csv", 2, "zone"),
                              ("ref_missing", "chains.csv", 2, "lead_regions")}


def test_problems_per_column_and_code_are_capped_with_one_summary(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    headers, rows = read_table(folder / "trade.csv")
    base = rows[0]
    many = []
    for k in range(CAP + 500):
        r = base[:]
        r[headers.index("year")] = str(1991 + k % 100)
        r[headers.index("partner")] = f"P{k}"  # 1500 bad country codes, all distinct
        r[headers.index("value_usd")] = str(k)
        many.append(r)
    write_table(folder / "trade.csv", headers, many)
    report = open_source(folder).validate()
    bad = [p for p in report.errors if p.code == "country_unknown"]
    assert len(bad) == CAP + 1
    summary = [p for p in bad if p.row is None]
    assert len(summary) == 1 and summary[0].value == str(CAP + 500)
    assert "500" in summary[0].message_zh and "500" in summary[0].message_en
    assert [p.row for p in bad if p.row is not None] == list(range(2, CAP + 2))


def test_duplicate_share_and_cycle_checks_only_flag_real_problems(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    headers, rows = read_table(folder / "supply_links.csv")
    r = rows[1][:]
    r[headers.index("supplier")] = "E003"
    r[headers.index("share")] = "30%"  # 0.7 + 0.3 = 1.0: exactly full, allowed
    write_table(folder / "supply_links.csv", headers, [*rows, r])
    assert open_source(folder).validate().ok
