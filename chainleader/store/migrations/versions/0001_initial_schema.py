"""Initial schema: datasets, dataset_versions, analysis_runs and one d_<table> per schema table.

Revision ID: 0001
Revises:
Create Date: 2026-11-22

Generated with Alembic autogenerate against chainleader.store.db.tables.metadata, then
tidied: data tables are created through one helper; their columns are frozen here exactly
as schema.py defined them at this revision (later schema changes need a new revision).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EVIDENCE = ("source", "as_of", "confidence")


def _text(name: str, required: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.Text(), nullable=not required)


def _evidence() -> list[sa.Column[Any]]:
    return [_text(name) for name in EVIDENCE]


def _create_data_table(name: str, *columns: sa.Column[Any]) -> None:
    table = f"d_{name}"
    op.create_table(
        table,
        sa.Column("version_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["dataset_versions.id"],
            name=op.f(f"fk_{table}_version_id_dataset_versions"),
            ondelete="CASCADE",
        ),
    )
    op.create_index(op.f(f"ix_{table}_version_id"), table, ["version_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("title_zh", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_datasets")),
    )
    op.create_table(
        "dataset_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dataset", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("row_counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset"], ["datasets.name"], name=op.f("fk_dataset_versions_dataset_datasets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_versions")),
        sa.UniqueConstraint("dataset", "number", name=op.f("uq_dataset_versions_dataset_number")),
    )
    op.create_table(
        "analysis_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["dataset_versions.id"],
            name=op.f("fk_analysis_runs_version_id_dataset_versions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_analysis_runs")),
    )
    op.create_index(op.f("ix_analysis_runs_version_id"), "analysis_runs", ["version_id"], unique=False)

    _create_data_table(
        "meta",
        _text("key", required=True),
        _text("value"),
    )
    _create_data_table(
        "region_groups",
        _text("id", required=True),
        _text("name_zh", required=True),
        _text("name_en"),
        _text("kind", required=True),
        _text("parent_region"),
        _text("members"),
        *_evidence(),
    )
    _create_data_table(
        "country_groups",
        _text("id", required=True),
        _text("name_zh", required=True),
        _text("name_en"),
        _text("members", required=True),
        *_evidence(),
    )
    _create_data_table(
        "products",
        _text("id", required=True),
        _text("name_zh", required=True),
        _text("name_en"),
        _text("stage", required=True),
        _text("kind", required=True),
        _text("grade"),
        sa.Column("key_link", sa.Boolean(), nullable=True),
        _text("hs_codes"),
        _text("industry_code"),
        _text("unit", required=True),
        sa.Column("unit_price", sa.Double(), nullable=True),
        sa.Column("annual_demand", sa.Double(), nullable=True),
        *_evidence(),
    )
    _create_data_table(
        "bom",
        _text("product", required=True),
        _text("input_group", required=True),
        _text("input", required=True),
        sa.Column("quantity", sa.Double(), nullable=False),
        *_evidence(),
    )
    _create_data_table(
        "chains",
        _text("id", required=True),
        _text("name_zh", required=True),
        _text("name_en"),
        _text("final_products", required=True),
        _text("lead_regions"),
        _text("description"),
        *_evidence(),
    )
    _create_data_table(
        "enterprises",
        _text("id", required=True),
        _text("uscc"),
        _text("foreign_id"),
        _text("name_zh", required=True),
        _text("name_en"),
        _text("country", required=True),
        _text("region"),
        _text("zone"),
        _text("tags"),
        _text("size"),
        sa.Column("employees", sa.BigInteger(), nullable=True),
        *_evidence(),
    )
    _create_data_table(
        "capacities",
        _text("enterprise", required=True),
        _text("product", required=True),
        sa.Column("capacity", sa.Double(), nullable=False),
        sa.Column("output", sa.Double(), nullable=True),
        sa.Column("standard_grade", sa.BigInteger(), nullable=True),
        sa.Column("inventory_days", sa.Double(), nullable=True),
        sa.Column("ttr_days", sa.Double(), nullable=True),
        sa.Column("ramp_up_days", sa.Double(), nullable=True),
        _text("facility_region"),
        _text("facility_country"),
        *_evidence(),
    )
    _create_data_table(
        "supply_links",
        _text("supplier", required=True),
        _text("customer", required=True),
        _text("product", required=True),
        sa.Column("volume", sa.Double(), nullable=True),
        sa.Column("share", sa.Double(), nullable=True),
        *_evidence(),
    )
    _create_data_table(
        "trade",
        _text("product", required=True),
        _text("reporter", required=True),
        _text("partner"),
        sa.Column("year", sa.BigInteger(), nullable=False),
        _text("flow", required=True),
        sa.Column("quantity", sa.Double(), nullable=True),
        sa.Column("value_usd", sa.Double(), nullable=True),
        *_evidence(),
    )


DATA_TABLES = (
    "meta",
    "region_groups",
    "country_groups",
    "products",
    "bom",
    "chains",
    "enterprises",
    "capacities",
    "supply_links",
    "trade",
)


def downgrade() -> None:
    for name in reversed(DATA_TABLES):
        op.drop_index(op.f(f"ix_d_{name}_version_id"), table_name=f"d_{name}")
        op.drop_table(f"d_{name}")
    op.drop_index(op.f("ix_analysis_runs_version_id"), table_name="analysis_runs")
    op.drop_table("analysis_runs")
    op.drop_table("dataset_versions")
    op.drop_table("datasets")
