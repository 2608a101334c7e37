"""write_version / load_version / list_*: round trip, idempotence, versions, all-or-nothing."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator

import pandas as pd
import pytest
from sqlalchemy.engine import Engine

from chainleader.model.dataset import Dataset, frames_equal
from chainleader.model.errors import (
    ConfigError,
    NotFoundError,
    Problem,
    StoreError,
    ValidationError,
    ValidationReport,
)
from chainleader.model.schema import TABLE_NAMES
from chainleader.store.db import (
    VersionInfo,
    get_version,
    list_datasets,
    list_versions,
    load_version,
    write_version,
)


def write(engine: Engine, ds: Dataset, name: str = "demo", note: str = "", title_zh: str = "",
          title_en: str = "") -> VersionInfo:
    return write_version(engine, name, ds.tables.items(), content_hash=ds.content_hash(), note=note,
                         title_zh=title_zh, title_en=title_en)


def test_round_trip_every_table_and_dtype(engine: Engine, sample: Dataset) -> None:
    info = write_version(engine, "demo", sample.tables.items(), content_hash=sample.content_hash(), source="demo.xlsx")
    assert info.created is True
    assert info.number == 1
    assert info.counts == {"meta": 3, "region_groups": 2, "country_groups": 1, "products": 3, "bom": 2,
                           "chains": 1, "enterprises": 2, "capacities": 2, "supply_links": 2, "trade": 2}

    back = load_version(engine, "demo")
    assert frames_equal(sample.tables, back.tables)
    assert back.name == "demo"
    assert back.version == 1
    assert back.version_id == info.id
    assert back.content_hash() == sample.content_hash()
    for name in TABLE_NAMES:  # canonical layout: schema columns, schema order, canonical dtypes
        assert list(back[name].columns) == list(sample[name].columns)
        assert back[name].dtypes.astype(str).tolist() == sample[name].dtypes.astype(str).tolist()
    p = back.products.set_index("id")
    assert p.loc["P_CATHODE", "unit_price"] == 0.1 + 0.2  # exact double, not 0.3
    assert p["key_link"].tolist()[:2] == [True, False]
    assert p["key_link"].isna().tolist() == [False, False, True]
    assert p.loc["P_CATHODE", "name_en"] is None
    assert p.loc["P_CAR", "unit"] == "辆"
    e = back.enterprises.set_index("id")
    assert e.loc["E0001", "employees"] == 2**40
    assert e["employees"].isna().tolist() == [False, True]
    assert back.capacities["capacity"].min() == 1e-300
    assert back.chains.loc[0, "description"] == "含“引号”与换行\n第二行\t制表符\\反斜杠"


def test_sqlite_keeps_write_order(tmp_path: object, sample: Dataset) -> None:
    from chainleader.store.db import make_engine, upgrade

    eng = make_engine(f"sqlite:///{tmp_path}/order.sqlite")
    try:
        upgrade(eng)
        write(eng, sample)
        back = load_version(eng, "demo")
        assert back.products["id"].tolist() == ["P_COBALT", "P_CATHODE", "P_CAR"]
    finally:
        eng.dispose()


def test_same_hash_is_idempotent_and_does_not_consume_batches(engine: Engine, sample: Dataset) -> None:
    first = write(engine, sample)
    consumed: list[str] = []

    def batches() -> Iterator[tuple[str, pd.DataFrame]]:
        for name, df in sample.tables.items():
            consumed.append(name)
            yield name, df

    again = write_version(engine, "demo", batches(), content_hash=sample.content_hash())
    assert again.created is False
    assert again.number == 1
    assert again.id == first.id
    assert consumed == []
    assert [v.number for v in list_versions(engine, "demo")] == [1]


def test_new_hash_makes_version_two_and_old_version_stays(engine: Engine, sample: Dataset) -> None:
    write(engine, sample)
    products = sample.products.copy()
    products.loc[0, "annual_demand"] = 13000.0
    changed = sample.with_tables(products=products)
    assert changed.content_hash() != sample.content_hash()

    v2 = write(engine, changed, note="需求更新")
    assert v2.number == 2
    assert [v.number for v in list_versions(engine, "demo")] == [1, 2]

    latest = load_version(engine, "demo")
    old = load_version(engine, "demo", number=1)
    assert latest.version == 2
    assert old.version == 1
    assert latest.products.set_index("id").loc["P_COBALT", "annual_demand"] == 13000.0
    assert old.products.set_index("id").loc["P_COBALT", "annual_demand"] == 12000.0
    assert frames_equal(old.tables, sample.tables)
    assert frames_equal(latest.tables, changed.tables)
    assert get_version(engine, "demo").note == "需求更新"

    # Re-importing the OLD content is a new version (only the latest hash is compared).
    v3 = write(engine, sample)
    assert v3.number == 3
    assert v3.created is True


def _failing(sample: Dataset, exc: Exception) -> Iterator[tuple[str, pd.DataFrame]]:
    yield "products", sample.products
    yield "enterprises", sample.enterprises
    yield "supply_links", sample.supply_links
    raise exc


def _late_validation_error() -> ValidationError:
    report = ValidationReport([Problem("error", "links.csv", "supply_links", 9, "share", "range",
                                       "份额超出 0–1", "share outside 0-1")])
    return ValidationError(report, "links.csv")


def test_iterator_error_midway_writes_nothing_for_a_new_dataset(
    engine: Engine, sample: Dataset, row_counts: Callable[[], dict[str, int]]
) -> None:
    before = row_counts()
    assert before["datasets"] == 0
    with pytest.raises(ValidationError):
        write_version(engine, "demo", _failing(sample, _late_validation_error()), content_hash="h1")
    assert row_counts() == before
    assert list_datasets(engine) == []


def test_iterator_error_midway_leaves_existing_versions_unchanged(
    engine: Engine, sample: Dataset, row_counts: Callable[[], dict[str, int]]
) -> None:
    write(engine, sample)
    before = row_counts()
    assert before["d_products"] == 3
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_version(engine, "demo", _failing(sample, RuntimeError("disk on fire")), content_hash="h2",
                      title_zh="不应写入")
    assert row_counts() == before
    assert [v.number for v in list_versions(engine, "demo")] == [1]
    assert list_datasets(engine)[0].title_zh == "京津冀新能源汽车产业链（示意）"


def test_database_error_midway_is_store_error_and_rolls_back(
    engine: Engine, sample: Dataset, row_counts: Callable[[], dict[str, int]]
) -> None:
    before = row_counts()
    bad = sample.products.copy()
    bad.loc[1, "name_zh"] = None  # NOT NULL column: the database refuses the row
    batches = [("enterprises", sample.enterprises), ("products", bad)]
    with pytest.raises(StoreError) as info:
        write_version(engine, "demo", batches, content_hash="h3")
    assert "内容未被修改" in str(info.value) and "unchanged" in str(info.value)
    assert row_counts() == before


def test_unknown_table_or_column_is_config_error_and_rolls_back(
    engine: Engine, sample: Dataset, row_counts: Callable[[], dict[str, int]]
) -> None:
    before = row_counts()
    with pytest.raises(ConfigError, match="unknown table 'suppliers'"):
        write_version(engine, "demo", [("products", sample.products), ("suppliers", sample.products)],
                      content_hash="h4")
    extra = sample.products.assign(colour="red")
    with pytest.raises(ConfigError, match="colour"):
        write_version(engine, "demo", [("products", extra)], content_hash="h5")
    assert row_counts() == before


def test_batches_of_one_table_accumulate_and_report_progress(engine: Engine, sample: Dataset) -> None:
    seen: list[tuple[str, int]] = []
    links = sample.supply_links
    batches = [("products", sample.products), ("supply_links", links.iloc[:1]), ("supply_links", links.iloc[1:])]
    info = write_version(engine, "demo", batches, content_hash="h6", progress=lambda t, n: seen.append((t, n)))
    assert seen == [("products", 3), ("supply_links", 1), ("supply_links", 2)]
    assert info.counts["supply_links"] == 2
    assert info.counts["enterprises"] == 0
    assert len(load_version(engine, "demo").supply_links) == 2


def test_list_datasets_titles_and_counts(engine: Engine, sample: Dataset) -> None:
    write(engine, sample, name="b_set", title_zh="乙", title_en="B")
    write(engine, sample, name="a_set")  # titles from the meta table
    write(engine, sample.with_tables(meta=sample["meta"].iloc[:0]), name="a_set")
    infos = list_datasets(engine)
    assert [(d.name, d.title_zh, d.title_en, d.versions, d.latest) for d in infos] == [
        ("a_set", "京津冀新能源汽车产业链（示意）", "BTH new-energy vehicles (illustrative)", 2, 2),
        ("b_set", "乙", "B", 1, 1),
    ]
    assert infos[0].created_at.tzinfo is not None


def test_missing_dataset_and_version_are_not_found_with_what_exists(engine: Engine, sample: Dataset) -> None:
    with pytest.raises(NotFoundError, match=r"（无）.*\(none\)"):
        load_version(engine, "demo")
    write(engine, sample)
    with pytest.raises(NotFoundError) as missing_ds:
        load_version(engine, "demo2")
    assert "数据集 'demo2' 不存在" in str(missing_ds.value) and "available: demo" in str(missing_ds.value)
    with pytest.raises(NotFoundError) as missing_v:
        load_version(engine, "demo", number=7)
    assert "没有第 7 版" in str(missing_v.value) and "available versions: 1" in str(missing_v.value)
    with pytest.raises(NotFoundError):
        list_versions(engine, "nope")


def test_empty_name_or_hash_is_config_error(engine: Engine, sample: Dataset) -> None:
    with pytest.raises(ConfigError):
        write_version(engine, "  ", [], content_hash="h")
    with pytest.raises(ConfigError):
        write_version(engine, "demo", [], content_hash="")


def test_concurrent_writers_get_consecutive_numbers(engine: Engine, sample: Dataset) -> None:
    started = threading.Event()
    errors: list[BaseException] = []

    def slow_batches() -> Iterator[tuple[str, pd.DataFrame]]:
        yield "products", sample.products
        started.set()
        time.sleep(0.5)  # the second writer starts while this transaction is open
        yield "enterprises", sample.enterprises

    def run(hash_: str, batches: Iterable[tuple[str, pd.DataFrame]]) -> None:
        try:
            write_version(engine, "demo", batches, content_hash=hash_)
        except BaseException as exc:  # reported below
            errors.append(exc)

    first = threading.Thread(target=run, args=("first", slow_batches()))
    first.start()
    assert started.wait(10)
    second = threading.Thread(target=run, args=("second", sample.tables.items()))
    second.start()
    first.join(30)
    second.join(30)
    assert errors == []
    versions = list_versions(engine, "demo")
    assert [(v.number, v.content_hash) for v in versions] == [(1, "first"), (2, "second")]
    assert versions[0].counts["products"] == 3 and versions[0].counts["enterprises"] == 2
