"""The all-good minimal dataset imports cleanly, identically, in every accepted form."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd
import pytest
from store.io.io_helpers import (
    GOOD,
    GOOD_CSV,
    chinese,
    copy_good,
    good_tables,
    read_table,
    write_table,
    write_xlsx,
)

from chainleader.model.dataset import Dataset
from chainleader.model.errors import ChainleaderError, ConfigError, NotFoundError, ValidationError
from chainleader.model.schema import TABLE_NAMES
from chainleader.store.io import load_path, open_source

EXPECTED_COUNTS = {"meta": 4, "region_groups": 1, "country_groups": 0, "products": 5, "bom": 5, "chains": 1,
                   "enterprises": 5, "capacities": 5, "supply_links": 2, "trade": 4}


@pytest.fixture(scope="module")
def good_hash() -> str:
    src = open_source(GOOD_CSV)
    assert src.validate().problems == []
    return src.content_hash()


def test_good_csv_folder_validates_with_no_problem_at_all() -> None:
    src = open_source(GOOD_CSV)
    report = src.validate()
    assert report.problems == []
    ds = src.load()
    assert ds.counts() == EXPECTED_COUNTS
    assert src.name == "good_minimal"  # from meta key "name"
    assert set(src.encodings.values()) == {"utf-8"}


def test_good_dataset_canonical_values() -> None:
    ds = load_path(GOOD_CSV)
    e = ds.enterprises.set_index("id")
    assert e.loc["E001", "tags"] == "chain_master;listed"  # enum order of the schema
    assert e.loc["E004", "region"] is None and e.loc["E004", "country"] == "CD"
    assert e.loc["E001", "employees"] == 5200 and str(ds.enterprises["employees"].dtype) == "Int64"
    p = ds.products.set_index("id")
    assert p.loc["P_COBALT", "hs_codes"] == "260500;810520"
    assert bool(p.loc["P_LFP_CATHODE", "key_link"]) is False
    assert ds.chains.loc[0, "lead_regions"] == "130000;jjj"  # sorted
    assert ds.bom.groupby("product")["input_group"].nunique().to_dict() == {"P_BATTERY_CELL": 2, "P_NCM_CATHODE": 2}
    assert ds.supply_links["share"].tolist() == [0.6, 0.7]
    assert ds.content_hash() == Dataset(ds.name, dict(ds.tables)).content_hash()


def test_good_json_matches_csv(good_hash: str) -> None:
    src = open_source(GOOD / "dataset.json")
    assert src.validate().problems == []
    assert src.content_hash() == good_hash
    assert src.name == "good_minimal"


def test_good_xlsx_with_chinese_sheets_headers_and_enum_values_matches_csv(tmp_path: Path, good_hash: str) -> None:
    sheets = {}
    for name, (headers, rows) in good_tables().items():
        zh_name, zh_headers, zh_rows = chinese(name, headers, rows)
        sheets[zh_name] = (zh_headers, zh_rows)
    assert "企业" in sheets and "链位" in sheets["产品环节"][0] and "上游" in sheets["产品环节"][1][0]
    path = write_xlsx(tmp_path / "链长制数据.xlsx", sheets)
    src = open_source(path)
    assert src.validate().problems == []
    assert src.content_hash() == good_hash
    assert src.encodings == {}  # .xlsx has no text encoding to choose


def test_content_hash_is_row_order_independent(tmp_path: Path, good_hash: str) -> None:
    folder = copy_good(tmp_path)
    rng = random.Random(7)
    for f in folder.glob("*.csv"):
        headers, rows = read_table(f)
        rng.shuffle(rows)
        cols = list(range(len(headers)))
        rng.shuffle(cols)  # column order does not matter either
        write_table(f, [headers[i] for i in cols], [[r[i] for i in cols] for r in rows])
    src = open_source(folder)
    assert src.validate().ok
    assert src.content_hash() == good_hash


def test_content_hash_changes_when_a_value_changes(tmp_path: Path, good_hash: str) -> None:
    folder = copy_good(tmp_path)
    headers, rows = read_table(folder / "capacities.csv")
    rows[0][headers.index("capacity")] = "31"
    write_table(folder / "capacities.csv", headers, rows)
    src = open_source(folder)
    assert src.validate().ok
    assert src.content_hash() != good_hash


def test_batches_are_bounded_and_add_up_to_load() -> None:
    src = open_source(GOOD_CSV)
    src.validate()
    got: dict[str, list[pd.DataFrame]] = {}
    order = []
    for name, frame in src.batches(batch_rows=2):
        assert 0 < len(frame) <= 2
        got.setdefault(name, []).append(frame)
        if name not in order:
            order.append(name)
    assert order == [t for t in TABLE_NAMES if EXPECTED_COUNTS[t]]  # schema (dependency) order
    ds = src.load()
    for name, frames in got.items():
        pd.testing.assert_frame_equal(pd.concat(frames, ignore_index=True), ds[name])
    with pytest.raises(ConfigError):
        next(src.batches(batch_rows=0))


def test_progress_reports_rows_per_table() -> None:
    calls: list[tuple[str, int, int | None]] = []
    open_source(GOOD_CSV).validate(progress=lambda t, done, total: calls.append((t, done, total)))
    assert ("products", 5, None) in calls and ("enterprises", 5, None) in calls
    assert calls[0] == ("meta", 0, None)


def test_name_precedence(tmp_path: Path) -> None:
    assert open_source(GOOD_CSV, name="given").name == "given"
    folder = copy_good(tmp_path)
    (folder / "meta.csv").unlink()
    assert open_source(folder).name == "dataset"  # the folder's stem


def test_single_csv_file_named_after_a_table(tmp_path: Path) -> None:
    src = open_source(GOOD_CSV / "products.csv")
    report = src.validate()
    assert {(p.code, p.table) for p in report.errors} == {("missing_table", "chains"), ("missing_table", "enterprises")}
    f = write_table(tmp_path / "产品环节.csv", *read_table(GOOD_CSV / "products.csv"))
    assert open_source(f).inputs["products"].place.file == "产品环节.csv"


def test_refused_input_raises_everywhere(tmp_path: Path) -> None:
    folder = copy_good(tmp_path)
    (folder / "enterprises.csv").unlink()
    src = open_source(folder)
    with pytest.raises(ValidationError) as info:
        src.load()
    refused = info.value.report
    assert [(p.code, p.table) for p in refused.errors] == [("missing_table", "enterprises")]  # no cascade
    assert "missing_table" in str(info.value)
    with pytest.raises(ChainleaderError):
        src.content_hash()
    with pytest.raises(ValidationError):
        next(src.batches())


def test_bad_paths_and_options_are_clean_errors(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        open_source(tmp_path / "nope.xlsx")
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(ConfigError):
        open_source(tmp_path / "x.txt")
    with pytest.raises(ConfigError):
        open_source(GOOD_CSV, encoding="klingon")


def test_json_twin_of_the_csv_is_committed_and_current() -> None:
    doc = json.loads((GOOD / "dataset.json").read_text(encoding="utf-8"))
    assert doc["format"] == "chainleader" and doc["format_version"] == 1
    assert set(doc["tables"]) == {f.stem for f in GOOD_CSV.glob("*.csv")}
