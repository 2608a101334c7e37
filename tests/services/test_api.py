"""The Python API in one line, the bundled datasets through the real validator, assessment runs recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

import chainleader as cl
from chainleader.services.assess import assess_dataset
from chainleader.services.datasets import import_into_store, validate_source
from chainleader.store import db as store_db


def test_load_dataset_in_one_line() -> None:
    ds = cl.load_dataset("nev-jjj")
    assert isinstance(ds, cl.Dataset)
    assert len(ds.products) >= 80 and len(ds.enterprises) >= 400
    assert ds.meta["illustrative"] == "true"
    # Callers get their own copy: mutating it does not leak into the next load.
    ds.products.loc[0, "name_zh"] = "改动"
    assert cl.load_dataset("nev-jjj").products.loc[0, "name_zh"] != "改动"


@pytest.mark.parametrize("name", ["nev-jjj", "ic-yrd", "display-js"])
def test_bundled_datasets_pass_the_real_validator(name: str) -> None:
    report, encodings = validate_source(name)
    assert report.errors == [], report.format("en", limit=10)
    assert report.warnings == [], report.format("en", limit=10)
    assert set(encodings.values()) <= {"utf-8", "ascii", "utf-8-sig"}


def test_unknown_dataset_is_a_clean_error() -> None:
    with pytest.raises(cl.NotFoundError, match="nev-jjj"):
        cl.load_dataset("nev-xyz")


def test_assessment_of_a_stored_version_is_recorded(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    imported = import_into_store("display-js", url)
    result = assess_dataset("display-js", db_url=url, with_lp=False)
    assert result.run_id is not None
    runs = store_db.list_runs(store_db.make_engine(url), imported.version.id)
    assert [r["kind"] for r in runs] == ["risk_register"]
    assert runs[0]["summary"]["severity_counts"] == result.register.severity_counts()
    assert runs[0]["params"]["with_lp"] is False


def test_top_import_dependence_without_a_source_country() -> None:
    """Trade rows with no partner give no main source country: shown as '-', not a crash."""
    import pandas as pd

    from chainleader.services.summary import top_import_dependence

    ds = cl.load_dataset("nev-jjj")
    trade = ds.trade.copy()
    trade["partner"] = pd.Series([None] * len(trade), dtype=trade["partner"].dtype)
    top = top_import_dependence(ds.with_tables(trade=trade), n=5)
    assert len(top) == 5
    assert set(top["top_source"]) == {"-"}
