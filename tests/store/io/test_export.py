"""write_dataset / write_batches: read back with pandas, openpyxl and json (not the importer)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from chainleader.model.dataset import Dataset, conform
from chainleader.model.errors import ChainleaderError, ConfigError
from chainleader.model.ids import make_uscc
from chainleader.model.schema import TABLE_NAMES, TABLES, Table, table
from chainleader.store.io import export
from chainleader.store.io.export import ExportError, write_batches, write_dataset

TRICKY_FLOATS = [
    0.1 + 0.2,  # needs 17 significant digits
    1e-300,
    1.7976931348623157e308,
    123456789012345678.0,
    1 / 3,
    3.2e9,
    250000.0,
    2.5,
]


def _frame(name: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    t = table(name)
    return conform(t, pd.DataFrame.from_records(rows, columns=list(t.column_names)))


@pytest.fixture
def dataset() -> Dataset:
    """Small hand-made dataset: every dtype, NULLs, Chinese text, bools, big and small floats."""
    products = _frame(
        "products",
        [
            {"id": "P_COBALT", "name_zh": "钴", "name_en": "Cobalt", "stage": "upstream", "kind": "resource",
             "grade": "mid", "key_link": True, "hs_codes": "260500;810520", "industry_code": "0913",
             "unit": "t", "unit_price": TRICKY_FLOATS[0], "annual_demand": TRICKY_FLOATS[1],
             "source": "年报, \"第 3 页\"\n第二行", "as_of": "2024-12-31", "confidence": "observed"},
            {"id": "000123", "name_zh": "=SUM(A1)", "name_en": "#N/A", "stage": "midstream",
             "kind": "material", "grade": None, "key_link": False, "hs_codes": None, "industry_code": None,
             "unit": "NA", "unit_price": TRICKY_FLOATS[2], "annual_demand": None,
             "source": None, "as_of": None, "confidence": None},
            {"id": "P_X", "name_zh": "三元正极材料（测试）", "name_en": None, "stage": "downstream",
             "kind": "final_product", "grade": "high", "key_link": None, "unit": "件",
             "unit_price": TRICKY_FLOATS[3], "annual_demand": TRICKY_FLOATS[4]},
            {"id": "P_Y", "name_zh": "  前后空格  ", "stage": "upstream", "kind": "service", "unit": "t",
             "unit_price": TRICKY_FLOATS[5], "annual_demand": TRICKY_FLOATS[6]},
            {"id": "P_Z", "name_zh": "零", "stage": "upstream", "kind": "software", "unit": "套",
             "unit_price": 0.0, "annual_demand": TRICKY_FLOATS[7]},
        ],
    )
    enterprises = _frame(
        "enterprises",
        [
            {"id": "E0001", "uscc": make_uscc("91130100MA01ABCD1"), "name_zh": "燕新钴业（虚构）",
             "country": "CN", "region": "130100", "tags": "chain_master;listed", "size": "large",
             "employees": 1200, "as_of": "2024-01-01", "confidence": "self_reported"},
            {"id": "E0002", "uscc": make_uscc("91110101000000001"), "name_zh": "全数字代码企业",
             "country": "CN", "region": "110101", "employees": None},
            {"id": "E0003", "foreign_id": "LEI:5493001KJTIIGC8Y1R12", "name_zh": "外企", "name_en": "Foreign AG",
             "country": "DE", "employees": 2**31 + 5},
        ],
    )
    capacities = _frame(
        "capacities",
        [
            {"enterprise": "E0001", "product": "P_COBALT", "capacity": 5000.0, "output": None,
             "standard_grade": 4, "facility_region": "130200", "facility_country": "CN"},
            {"enterprise": "E0002", "product": "000123", "capacity": 1e-9, "output": 7.0, "standard_grade": None},
        ],
    )
    trade = _frame(
        "trade",
        [{"product": "P_COBALT", "reporter": "CN", "partner": "CD", "year": 2023, "flow": "import",
          "quantity": 95000.0, "value_usd": 3200000000.0}],
    )
    meta = _frame("meta", [{"key": "title_zh", "value": "测试数据集"}, {"key": "empty", "value": None}])
    chains = _frame("chains", [{"id": "c1", "name_zh": "测试链", "final_products": "P_X;P_Y"}])
    return Dataset("测试 test", {"products": products, "enterprises": enterprises, "capacities": capacities,
                                "trade": trade, "meta": meta, "chains": chains})


# --- reading back without the importer ---------------------------------------------------------


def _labels(t: Table, headers: str) -> dict[str, str]:
    """label -> column name."""
    return {(c.zh if headers == "zh" else c.name): c.name for c in t.columns}


def _from_python(t: Table, records: list[dict[str, object]]) -> pd.DataFrame:
    return conform(t, pd.DataFrame.from_records(records, columns=list(t.column_names)))


def _from_text(t: Table, df: pd.DataFrame) -> pd.DataFrame:
    """Cells as text (missing = NaN) -> canonical frame."""
    records: list[dict[str, object]] = []
    for raw in df.to_dict("records"):
        rec: dict[str, object] = {}
        for c in t.columns:
            v = raw[c.name]
            if v is None or (isinstance(v, float) and math.isnan(v)):
                rec[c.name] = None
            elif c.type == "float":
                rec[c.name] = float(v)
            elif c.type == "int":
                rec[c.name] = int(v)
            elif c.type == "bool":
                assert v in ("true", "false"), v
                rec[c.name] = v == "true"
            else:
                rec[c.name] = v
        records.append(rec)
    return _from_python(t, records)


def read_csv_folder(path: Path, headers: str) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        f = path / f"{t.zh if headers == 'zh' else t.name}.csv"
        df = pd.read_csv(f, encoding="utf-8-sig", dtype=object, keep_default_na=False, na_values=[""])
        assert list(df.columns) == list(_labels(t, headers))
        out[t.name] = _from_text(t, df.rename(columns=_labels(t, headers)))
    return out


def read_xlsx(path: Path, headers: str) -> dict[str, pd.DataFrame]:
    wb = load_workbook(path)
    out: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        ws = wb[t.zh if headers == "zh" else t.name]
        rows = list(ws.iter_rows(values_only=True))
        labels = _labels(t, headers)
        assert list(rows[0]) == list(labels)
        names = [labels[h] for h in rows[0]]
        out[t.name] = _from_python(t, [dict(zip(names, r, strict=True)) for r in rows[1:]])
    wb.close()
    return out


def read_json(path: Path, headers: str) -> dict[str, pd.DataFrame]:
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "chainleader" and doc["format_version"] == 1
    out: dict[str, pd.DataFrame] = {}
    for t in TABLES:
        rows = doc["tables"][t.zh if headers == "zh" else t.name]
        labels = _labels(t, headers)
        for r in rows:
            assert None not in r.values()  # missing values are omitted, not null
            assert set(r) <= set(labels)
        out[t.name] = _from_python(t, [{labels[k]: v for k, v in r.items()} for r in rows])
    return out


READERS = {"csv": read_csv_folder, "xlsx": read_xlsx, "json": read_json}
TARGET = {"csv": "out", "xlsx": "out.xlsx", "json": "out.json"}


def assert_same_tables(got: dict[str, pd.DataFrame], ds: Dataset) -> None:
    assert set(got) == set(TABLE_NAMES)
    for t in TABLES:
        expected = conform(t, ds.tables[t.name])
        pd.testing.assert_frame_equal(got[t.name], expected, check_exact=True)


# --- round trips ---------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", ["en", "zh"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_round_trip_is_exact(tmp_path: Path, dataset: Dataset, fmt: str, headers: str) -> None:
    out = write_dataset(dataset, tmp_path / TARGET[fmt], headers=headers)  # type: ignore[arg-type]
    assert out == tmp_path / TARGET[fmt]
    got = READERS[fmt](out, headers)
    assert_same_tables(got, dataset)
    floats = got["products"]["unit_price"].tolist() + got["products"]["annual_demand"].dropna().tolist()
    for x in TRICKY_FLOATS:
        assert any(v == x for v in floats), x  # bit-exact, not approximately


def test_nothing_left_behind(tmp_path: Path, dataset: Dataset) -> None:
    for fmt in ("csv", "xlsx", "json"):
        write_dataset(dataset, tmp_path / fmt / TARGET[fmt])
    leftovers = [p for p in tmp_path.rglob("*") if "partial" in p.name]
    assert leftovers == []


def test_csv_has_bom_true_false_and_repr_floats(tmp_path: Path, dataset: Dataset) -> None:
    out = write_dataset(dataset, tmp_path / "csv", "csv")
    raw = (out / "products.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header = text.split("\n", 1)[0]
    assert header == ",".join(table("products").column_names)
    assert "0.30000000000000004" in text
    assert ",true," in text and ",false," in text
    assert "钴" in text


def test_csv_chinese_file_names_and_headers(tmp_path: Path, dataset: Dataset) -> None:
    out = write_dataset(dataset, tmp_path / "zh", headers="zh")
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t.zh}.csv" for t in TABLES)
    header = (out / "企业.csv").read_text(encoding="utf-8-sig").split("\n", 1)[0]
    assert header.split(",") == [c.zh for c in table("enterprises").columns]


def test_xlsx_cells_are_typed(tmp_path: Path, dataset: Dataset) -> None:
    out = write_dataset(dataset, tmp_path / "d.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == list(TABLE_NAMES)
    ws = wb["enterprises"]
    assert ws.freeze_panes == "A2"
    assert all(c.font.b for c in ws[1])
    cols = {c.value: i for i, c in enumerate(ws[1])}
    row3 = ws[3]  # E0002: an all-digit USCC and region code must stay text
    uscc = row3[cols["uscc"]]
    assert uscc.data_type == "s" and uscc.value == dataset.enterprises.loc[1, "uscc"]
    assert uscc.value.isdigit()
    region = row3[cols["region"]]
    assert region.data_type == "s" and region.value == "110101"
    assert ws.column_dimensions["B"].number_format == "@"  # typed-in codes stay text too
    assert ws.column_dimensions["B"].width >= 18  # wide enough for an 18-character USCC
    emp = ws[2][cols["employees"]]
    assert emp.data_type == "n" and emp.value == 1200
    products = wb["products"]
    pcols = {c.value: i for i, c in enumerate(products[1])}
    tricky = products[3]
    assert tricky[pcols["id"]].value == "000123" and tricky[pcols["id"]].data_type == "s"
    assert tricky[pcols["name_zh"]].data_type == "s" and tricky[pcols["name_zh"]].value == "=SUM(A1)"
    assert tricky[pcols["name_en"]].data_type == "s" and tricky[pcols["name_en"]].value == "#N/A"
    assert products[2][pcols["key_link"]].data_type == "b"
    assert products[2][pcols["unit_price"]].data_type == "n"
    assert products[2][pcols["as_of"]].data_type == "s"  # ISO date text, not an Excel date
    wb.close()


def test_xlsx_chinese_sheet_names(tmp_path: Path, dataset: Dataset) -> None:
    wb = load_workbook(write_dataset(dataset, tmp_path / "d.xlsx", headers="zh"))
    assert wb.sheetnames == [t.zh for t in TABLES]
    assert [c.value for c in wb["产品环节"][1]] == [c.zh for c in table("products").columns]
    wb.close()


def test_json_layout(tmp_path: Path, dataset: Dataset) -> None:
    out = write_dataset(dataset, tmp_path / "d.json")
    text = out.read_text(encoding="utf-8")
    assert "钴" in text  # ensure_ascii=False
    doc = json.loads(text)
    assert list(doc) == ["format", "format_version", "name", "tables"]
    assert doc["name"] == "测试 test"
    assert list(doc["tables"]) == list(TABLE_NAMES)
    assert doc["tables"]["region_groups"] == []
    assert doc["tables"]["meta"][1] == {"key": "empty"}
    assert doc["tables"]["products"][0]["key_link"] is True
    assert doc["tables"]["enterprises"][2]["employees"] == 2**31 + 5


# --- streaming -----------------------------------------------------------------------------------


def _batches(ds: Dataset, size: int, *, skip_empty: bool = False) -> list[tuple[str, pd.DataFrame]]:
    out: list[tuple[str, pd.DataFrame]] = []
    for name in TABLE_NAMES:
        df = ds.tables[name]
        if not len(df) and not skip_empty:
            out.append((name, df))
        for start in range(0, len(df), size):
            out.append((name, df.iloc[start : start + size]))
    return out


def _xlsx_cells(path: Path) -> dict[str, list[list[tuple[object, str]]]]:
    wb = load_workbook(path)
    out = {ws.title: [[(c.value, c.data_type) for c in row] for row in ws.iter_rows()] for ws in wb}
    wb.close()
    return out


@pytest.mark.parametrize("headers", ["en", "zh"])
def test_write_batches_equals_write_dataset(tmp_path: Path, dataset: Dataset, headers: str) -> None:
    for fmt in ("csv", "json", "xlsx"):
        a = write_dataset(dataset, tmp_path / "a" / TARGET[fmt], headers=headers)  # type: ignore[arg-type]
        b = write_batches(iter(_batches(dataset, 2)), tmp_path / "b" / TARGET[fmt], headers=headers,  # type: ignore[arg-type]
                          name=dataset.name)
        if fmt == "csv":
            files = sorted(p.name for p in a.iterdir())
            assert files == sorted(p.name for p in b.iterdir())
            for f in files:
                assert (a / f).read_bytes() == (b / f).read_bytes(), f
        elif fmt == "json":
            assert a.read_bytes() == b.read_bytes()
        else:
            assert _xlsx_cells(a) == _xlsx_cells(b)


def test_write_batches_without_empty_tables_has_same_content(tmp_path: Path, dataset: Dataset) -> None:
    """A store that yields nothing for empty tables: same content, and xlsx keeps the schema sheet order."""
    batches = _batches(dataset, 3, skip_empty=True)
    a = write_dataset(dataset, tmp_path / "a.json")
    b = write_batches(iter(batches), tmp_path / "b.json", name=dataset.name)
    assert json.loads(a.read_text(encoding="utf-8")) == json.loads(b.read_text(encoding="utf-8"))
    x = write_dataset(dataset, tmp_path / "a.xlsx")
    y = write_batches(iter(batches), tmp_path / "b.xlsx")
    assert _xlsx_cells(x) == _xlsx_cells(y)
    assert list(_xlsx_cells(y)) == list(TABLE_NAMES)


def test_internal_chunking_does_not_change_output(tmp_path: Path, dataset: Dataset,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    a = write_dataset(dataset, tmp_path / "a.json")
    b_csv_ref = write_dataset(dataset, tmp_path / "ref")
    monkeypatch.setattr(export, "CHUNK_ROWS", 2)
    b = write_dataset(dataset, tmp_path / "b.json")
    b_csv = write_dataset(dataset, tmp_path / "chunked")
    assert a.read_bytes() == b.read_bytes()
    assert (b_csv_ref / "products.csv").read_bytes() == (b_csv / "products.csv").read_bytes()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_tables_never_seen_get_headers_only(tmp_path: Path, dataset: Dataset, fmt: str) -> None:
    out = write_batches([("products", dataset.products)], tmp_path / TARGET[fmt])
    got = READERS[fmt](out, "en")
    pd.testing.assert_frame_equal(got["products"], dataset.products, check_exact=True)
    for name in TABLE_NAMES:
        if name != "products":
            assert len(got[name]) == 0
            assert list(got[name].columns) == list(table(name).column_names)


def test_batches_may_use_chinese_table_names(tmp_path: Path, dataset: Dataset) -> None:
    out = write_batches([("产品环节", dataset.products)], tmp_path / "d.json")
    assert len(json.loads(out.read_text(encoding="utf-8"))["tables"]["products"]) == len(dataset.products)


def test_interleaved_batches_are_refused_and_nothing_written(tmp_path: Path, dataset: Dataset) -> None:
    batches = [("products", dataset.products.iloc[:2]), ("enterprises", dataset.enterprises),
               ("products", dataset.products.iloc[2:])]
    for fmt in ("csv", "xlsx", "json"):
        target = tmp_path / TARGET[fmt]
        with pytest.raises(ExportError, match="consecutive") as info:
            write_batches(iter(batches), target)
        assert "连续" in str(info.value)
        assert not target.exists() or list(target.iterdir()) == []


def test_unknown_table_is_refused(tmp_path: Path, dataset: Dataset) -> None:
    with pytest.raises(ExportError, match="unknown table") as info:
        write_batches([("widgets", dataset.products)], tmp_path / "d.json")
    assert "未知的表" in str(info.value)
    assert not (tmp_path / "d.json").exists()


def test_failure_midway_leaves_previous_file_untouched(tmp_path: Path, dataset: Dataset) -> None:
    target = tmp_path / "d.json"
    target.write_text("previous", encoding="utf-8")

    def broken() -> object:
        yield "products", dataset.products
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        write_batches(broken(), target)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]


# --- Excel limits ---------------------------------------------------------------------------------


def test_xlsx_row_limit_refused_with_advice(tmp_path: Path, dataset: Dataset,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "EXCEL_MAX_DATA_ROWS", 4)
    target = tmp_path / "big.xlsx"
    with pytest.raises(ExportError) as info:
        write_batches(iter(_batches(dataset, 2)), target)  # products has 5 rows
    msg = str(info.value)
    assert "CSV" in msg and "products" in msg and "修正" in msg and "fix" in msg
    assert msg.index("超过") < msg.index("more than")  # Chinese first
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    # exactly at the limit is fine, and CSV has no limit
    monkeypatch.setattr(export, "EXCEL_MAX_DATA_ROWS", 5)
    assert write_dataset(dataset, target).exists()
    monkeypatch.setattr(export, "EXCEL_MAX_DATA_ROWS", 1)
    assert (write_dataset(dataset, tmp_path / "csv") / "products.csv").exists()


def test_xlsx_refuses_control_characters_and_infinity(tmp_path: Path, dataset: Dataset) -> None:
    bad_text = dataset.products.copy()
    bad_text.loc[1, "name_en"] = "bell\x07"
    with pytest.raises(ExportError, match="control characters") as info:
        write_dataset(dataset.with_tables(products=bad_text), tmp_path / "a.xlsx")
    assert "第 3 行" in str(info.value)  # data row 2 = Excel row 3
    inf = dataset.products.copy()
    inf.loc[0, "unit_price"] = np.inf
    with pytest.raises(ExportError, match="infinite"):
        write_dataset(dataset.with_tables(products=inf), tmp_path / "b.xlsx")
    with pytest.raises(ExportError, match="infinite"):
        write_dataset(dataset.with_tables(products=inf), tmp_path / "c.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


# --- paths and options -----------------------------------------------------------------------------


def test_format_inference(tmp_path: Path) -> None:
    assert export.infer_format(tmp_path / "a.XLSX") == "xlsx"
    assert export.infer_format(tmp_path / "a.json") == "json"
    assert export.infer_format(tmp_path / "folder") == "csv"
    assert export.infer_format(tmp_path / "a.csv", "csv") == "csv"
    for bad in ("a.csv", "a.xls"):
        with pytest.raises(ConfigError) as info:
            export.infer_format(tmp_path / bad)
        assert "修正" in str(info.value) and "fix" in str(info.value)
    with pytest.raises(ConfigError):
        export.infer_format(tmp_path / "a", "parquet")


def test_bad_options_and_targets(tmp_path: Path, dataset: Dataset) -> None:
    with pytest.raises(ConfigError, match="header language"):
        write_dataset(dataset, tmp_path / "a.json", headers="fr")  # type: ignore[arg-type]
    (tmp_path / "dir.json").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        write_dataset(dataset, tmp_path / "dir.json")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="needs a folder"):
        write_dataset(dataset, tmp_path / "file", "csv")
    assert issubclass(ExportError, ChainleaderError)
