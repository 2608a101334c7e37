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


# --- accounts (docs/web.md): users, sessions, API tokens, login attempts, grants, audit log -----------
# Written by chainleader.store.db.accounts; tokens and session ids are stored only as SHA-256 hex
# digests, passwords only as argon2id hashes. audit_log is append-only: migration 0002 installs
# triggers that refuse UPDATE and DELETE on both backends.

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("username", sa.Text(), nullable=False, unique=True),
    sa.Column("display_name", sa.Text(), nullable=False, default=""),
    sa.Column("password_hash", sa.Text(), nullable=False),
    sa.Column("role", sa.Text(), nullable=False),
    sa.Column("regions", sa.JSON(), nullable=False),  # list of 6-digit province codes
    sa.Column("chains", sa.JSON(), nullable=False),  # list of "<dataset>/<chain>" or "*"
    sa.Column("enterprise", sa.Text(), nullable=True),
    sa.Column("active", sa.Boolean(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.Text(), primary_key=True),
    sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("csrf_token", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
    sa.Column("ip", sa.Text(), nullable=True),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    sa.Column("name", sa.Text(), nullable=False),
    sa.Column("token_hash", sa.Text(), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("last_used", sa.DateTime(timezone=True), nullable=True),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

login_attempts = sa.Table(
    "login_attempts",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("username", sa.Text(), nullable=False, index=True),
    sa.Column("ip", sa.Text(), nullable=True, index=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("ok", sa.Boolean(), nullable=False),
)

grants = sa.Table(
    "grants",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("grantor_region", sa.Text(), nullable=False),
    sa.Column("grantee_region", sa.Text(), nullable=False),
    sa.Column("dataset", sa.Text(), nullable=False),
    sa.Column("tables", sa.JSON(), nullable=False),
    sa.Column("fields", sa.JSON(), nullable=True),  # null: every field of the tables
    sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("created_by", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("note", sa.Text(), nullable=False, default=""),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.Text(), nullable=True),
    sa.Column("action", sa.Text(), nullable=False, index=True),
    sa.Column("target", sa.Text(), nullable=False),
    sa.Column("outcome", sa.Text(), nullable=False),
    sa.Column("ip", sa.Text(), nullable=True),
    sa.Column("before", sa.JSON(), nullable=True),
    sa.Column("after", sa.JSON(), nullable=True),
)

settings = sa.Table(
    "settings",
    metadata,
    sa.Column("key", sa.Text(), primary_key=True),
    sa.Column("value", sa.Text(), nullable=False),
)

ACCOUNT_TABLES = (users, sessions, api_tokens, login_attempts, grants, audit_log, settings)
