"""The SQL tables: bookkeeping (datasets, versions, analysis runs) and one data table per schema table.

Data tables are derived from ``chainleader.model.schema``: table ``products`` is stored as
``d_products`` with an integer ``version_id`` (FK to ``dataset_versions``) followed by every
schema column. SQL types follow the canonical dtypes of ``chainleader.model.dataset``:
text-like columns -> TEXT, ``int`` -> BIGINT, ``float`` -> DOUBLE PRECISION, ``bool`` -> BOOLEAN.
Data tables carry no unique constraints (the validator guarantees key uniqueness and unique
indexes would slow 10^7-row imports); only an index on ``version_id``.

The Alembic migrations under ``chainleader/store/migrations`` must produce exactly this
metadata; ``tests/store/db/test_db_migrations.py`` checks it on SQLite and PostgreSQL.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from chainleader.model.schema import TABLES, Column, Table

# Deterministic constraint/index names, identical on every backend (Alembic needs names to
# compare and to drop constraints in later migrations).
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

DATA_PREFIX = "d_"

datasets = sa.Table(
    "datasets",
    metadata,
    sa.Column("name", sa.Text(), primary_key=True),
    sa.Column("title_zh", sa.Text(), nullable=False, default=""),
    sa.Column("title_en", sa.Text(), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

dataset_versions = sa.Table(
    "dataset_versions",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column(
        "dataset",
        sa.Text(),
        sa.ForeignKey("datasets.name", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("number", sa.Integer(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("content_hash", sa.Text(), nullable=False),
    sa.Column("source", sa.Text(), nullable=False, default=""),
    sa.Column("note", sa.Text(), nullable=False, default=""),
    sa.Column("row_counts", sa.JSON(), nullable=False),
    sa.UniqueConstraint("dataset", "number"),
)

analysis_runs = sa.Table(
    "analysis_runs",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column(
        "version_id",
        sa.Integer(),
        sa.ForeignKey("dataset_versions.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    sa.Column("kind", sa.Text(), nullable=False),
    sa.Column("params", sa.JSON(), nullable=False),
    sa.Column("summary", sa.JSON(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)


def sql_type(col: Column) -> sa.types.TypeEngine[Any]:
    """The SQL type storing a schema column's canonical dtype."""
    if col.type == "int":
        return sa.BigInteger()
    if col.type == "float":
        return sa.Double()
    if col.type == "bool":
        return sa.Boolean()
    return sa.Text()


def data_table_name(table_name: str) -> str:
    return f"{DATA_PREFIX}{table_name}"


def _data_table(t: Table) -> sa.Table:
    return sa.Table(
        data_table_name(t.name),
        metadata,
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey("dataset_versions.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        *(sa.Column(c.name, sql_type(c), nullable=not c.required) for c in t.columns),
    )


DATA_TABLES: dict[str, sa.Table] = {t.name: _data_table(t) for t in TABLES}
