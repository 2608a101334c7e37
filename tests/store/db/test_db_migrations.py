"""The Alembic migrations build exactly the metadata; upgrade is idempotent."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from chainleader.model.errors import StoreError
from chainleader.model.schema import TABLE_NAMES
from chainleader.store.db import current_revision, head_revision, list_datasets, make_engine, migrate, upgrade
from chainleader.store.db.tables import DATA_TABLES, metadata


def test_migrated_schema_matches_metadata(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        assert current_revision(engine) is None
        upgrade(engine)
        assert current_revision(engine) == head_revision() == "0002"
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
            assert compare_metadata(ctx, metadata) == []
        names = set(sa.inspect(engine).get_table_names())
        assert {f"d_{t}" for t in TABLE_NAMES} <= names
        assert {"datasets", "dataset_versions", "analysis_runs", "alembic_version"} <= names
        assert {"users", "sessions", "api_tokens", "login_attempts", "grants", "audit_log", "settings"} <= names
    finally:
        engine.dispose()


def test_data_tables_have_version_index_and_no_unique_constraints(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        insp = sa.inspect(engine)
        for t in TABLE_NAMES:
            name = f"d_{t}"
            assert [i["column_names"] for i in insp.get_indexes(name)] == [["version_id"]]
            assert all(not i["unique"] for i in insp.get_indexes(name))
            assert insp.get_unique_constraints(name) == []
            assert [c["name"] for c in insp.get_columns(name)] == [c.name for c in DATA_TABLES[t].columns]
        assert insp.get_unique_constraints("dataset_versions")[0]["column_names"] == ["dataset", "number"]
    finally:
        engine.dispose()


def test_upgrade_twice_is_a_no_op(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        upgrade(engine)
        tables_before = sorted(sa.inspect(engine).get_table_names())
        upgrade(engine)
        assert sorted(sa.inspect(engine).get_table_names()) == tables_before
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() == ["0002"]
        assert list_datasets(engine) == []
    finally:
        engine.dispose()


def test_using_a_database_before_upgrade_says_to_upgrade(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        with pytest.raises(StoreError) as info:
            list_datasets(engine)
        text = str(info.value)
        assert "尚未初始化" in text and "upgrade(engine)" in text and "has not been initialised" in text
    finally:
        engine.dispose()


def test_autogenerate_finds_nothing_to_migrate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The developer command makes an empty revision when tables.py and the migrations agree."""
    shipped = migrate.MIGRATIONS_DIR / "versions"
    shipped_before = sorted(p.name for p in shipped.glob("*.py"))
    copy = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", copy)
    assert migrate.main(["revision", "no changes"]) == 0
    new = [p for p in (copy / "versions").glob("*.py") if not p.name.startswith(("0001_", "0002_"))]
    assert len(new) == 1
    text = new[0].read_text()
    assert "down_revision: str | None = '0002'" in text
    body = text.split("def upgrade() -> None:")[1].split("def downgrade")[0]
    assert "pass" in body and "op." not in body  # autogenerate found no difference
    assert sorted(p.name for p in shipped.glob("*.py")) == shipped_before  # only the copy was written
    assert migrate.main(["bogus"]) == 2
