"""Fixtures for the database store tests: a migrated engine and a small hand-made dataset."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from chainleader.model.dataset import Dataset, conform
from chainleader.store.db import make_engine, upgrade


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def row_counts(engine: Engine) -> Callable[[], dict[str, int]]:
    """A function returning the rows in every table of the store (bookkeeping and data tables)."""

    def count() -> dict[str, int]:
        names = sorted(sa.inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {n: int(conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{n}"').scalar_one()) for n in names}

    return count


def _frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    return conform(table, pd.DataFrame(rows))


@pytest.fixture
def sample() -> Dataset:
    """Every table, every dtype, NULLs, Chinese text, bools, a 2**40 integer and 0.1 + 0.2."""
    na = None
    tables = {
        "meta": _frame(
            "meta",
            [
                {"key": "title_zh", "value": "京津冀新能源汽车产业链（示意）"},
                {"key": "title_en", "value": "BTH new-energy vehicles (illustrative)"},
                {"key": "description", "value": na},
            ],
        ),
        "region_groups": _frame(
            "region_groups",
            [
                {"id": "jjj", "name_zh": "京津冀", "name_en": "Beijing-Tianjin-Hebei", "kind": "cluster",
                 "parent_region": na, "members": "110000;120000;130000", "source": "规划纲要",
                 "as_of": "2024-12-31", "confidence": "observed"},
                {"id": "tj_ftz", "name_zh": "天津自贸试验区", "name_en": na, "kind": "ftz",
                 "parent_region": "120000", "members": na},
            ],
        ),
        "country_groups": _frame(
            "country_groups",
            [{"id": "bloc", "name_zh": "出口管制集团（示意）", "members": "JP;NL;US", "confidence": "inferred"}],
        ),
        "products": _frame(
            "products",
            [
                {"id": "P_COBALT", "name_zh": "钴", "name_en": "Cobalt", "stage": "upstream", "kind": "resource",
                 "grade": "mid", "key_link": True, "hs_codes": "260500;810520", "industry_code": "0913",
                 "unit": "t", "unit_price": 250000.0, "annual_demand": 12000.0},
                {"id": "P_CATHODE", "name_zh": "三元正极材料", "name_en": na, "stage": "midstream",
                 "kind": "material", "grade": na, "key_link": False, "unit": "t", "unit_price": 0.1 + 0.2,
                 "annual_demand": np.nan},
                {"id": "P_CAR", "name_zh": "纯电动汽车", "name_en": "BEV", "stage": "downstream",
                 "kind": "final_product", "key_link": na, "unit": "辆", "unit_price": np.nan},
            ],
        ),
        "bom": _frame(
            "bom",
            [
                {"product": "P_CATHODE", "input_group": "cobalt", "input": "P_COBALT", "quantity": 0.12},
                {"product": "P_CAR", "input_group": "cathode", "input": "P_CATHODE", "quantity": 60.0,
                 "source": "拆解调研", "as_of": "2023-06-30", "confidence": "self_reported"},
            ],
        ),
        "chains": _frame(
            "chains",
            [{"id": "nev", "name_zh": "新能源汽车产业链", "final_products": "P_CAR",
              "lead_regions": "110000;jjj", "description": "含“引号”与换行\n第二行\t制表符\\反斜杠"}],
        ),
        "enterprises": _frame(
            "enterprises",
            [
                {"id": "E0001", "uscc": "91110000MA01ABCD1X", "name_zh": "燕新动力电池有限公司（虚构）",
                 "country": "CN", "region": "130100", "zone": "tj_ftz", "tags": "chain_master;listed",
                 "size": "large", "employees": 2**40},
                {"id": "E0002", "foreign_id": "LEI:5493001KJTIIGC8Y1R12", "name_zh": "海外钴业",
                 "name_en": "Overseas Cobalt", "country": "CD", "employees": na},
            ],
        ),
        "capacities": _frame(
            "capacities",
            [
                {"enterprise": "E0001", "product": "P_CATHODE", "capacity": 5000.0, "output": 4200.0,
                 "standard_grade": 5, "inventory_days": 30.0, "ttr_days": na, "facility_region": "130200",
                 "facility_country": "CN"},
                {"enterprise": "E0002", "product": "P_COBALT", "capacity": 1e-300, "output": np.nan,
                 "standard_grade": na, "ramp_up_days": 90.0},
            ],
        ),
        "supply_links": _frame(
            "supply_links",
            [
                {"supplier": "E0002", "customer": "E0001", "product": "P_COBALT", "volume": 800.0, "share": 0.6},
                {"supplier": "E0001", "customer": "E0002", "product": "P_CATHODE", "volume": na, "share": 1.0},
            ],
        ),
        "trade": _frame(
            "trade",
            [
                {"product": "P_COBALT", "reporter": "CN", "partner": "CD", "year": 2023, "flow": "import",
                 "quantity": 95000.0, "value_usd": 3.2e9},
                {"product": "P_COBALT", "reporter": "CN", "partner": na, "year": 2023, "flow": "production",
                 "quantity": 2000.0, "value_usd": np.nan},
            ],
        ),
    }
    return Dataset("sample", tables)
