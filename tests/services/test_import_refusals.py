"""Every refusal of the bad-input corpus leaves the database exactly as it was, on SQLite and PostgreSQL.

The corpus (tests/data/bad, one case per validation rule) replaces table files of the good dataset;
tests/store/io/test_io_bad.py pins the located messages, this file pins "nothing is written".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from chainleader.model.errors import ValidationError
from chainleader.services.datasets import export_from_store, import_into_store
from chainleader.store import db as store_db
from chainleader.store.db.tables import metadata

DATA = Path(__file__).resolve().parents[1] / "data"
GOOD = DATA / "good" / "csv"
BAD_CASES = sorted(p.name for p in (DATA / "bad").iterdir() if p.is_dir())


def _snapshot(url: str) -> dict[str, int]:
    engine = store_db.make_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in metadata.sorted_tables}
    finally:
        engine.dispose()


def _case_folder(tmp_path: Path, case: str) -> Path:
    folder = tmp_path / case
    shutil.copytree(GOOD, folder)
    for f in (DATA / "bad" / case).iterdir():
        if f.suffix == ".csv":
            shutil.copy(f, folder / f.name)
    return folder


@pytest.mark.parametrize("case", BAD_CASES)
def test_refused_import_changes_nothing(case: str, db_url: str, tmp_path: Path) -> None:
    import_into_store(GOOD, db_url, name="good")
    before = _snapshot(db_url)
    folder = _case_folder(tmp_path, case)
    try:
        result = import_into_store(folder, db_url, name="good")
    except ValidationError as exc:
        assert exc.report.errors, case
        assert _snapshot(db_url) == before  # all or nothing: not a single row written
        return
    # Warning-only cases (an unknown column, an unknown HS code, ...) import: a new version when the
    # canonical content differs, else the existing one (an ignored unknown column changes nothing).
    assert result.report.ok and result.report.warnings, case
    assert result.version.number == (2 if result.version.created else 1)


def test_export_import_round_trip_on_both_backends(db_url: str, tmp_path: Path) -> None:
    first = import_into_store("display-js", db_url)
    for fmt, path in (("csv", tmp_path / "out"), ("xlsx", tmp_path / "out.xlsx"), ("json", tmp_path / "out.json")):
        export_from_store(db_url, "display-js", path, fmt=fmt)
        again = import_into_store(path, db_url, name="display-js")
        assert not again.version.created, fmt  # identical content hash -> the same version
        assert again.version.number == first.version.number
