"""Dataset versions: write a new version in one transaction, list datasets and versions.

Each import of a dataset becomes version 1, 2, 3 ... of that dataset. A version is
immutable once committed. Re-importing content whose hash equals the latest version's
writes nothing (``VersionInfo.created`` is False).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from chainleader.model.errors import ConfigError, NotFoundError
from chainleader.model.schema import TABLE_NAMES, table
from chainleader.store.db.bulk import SqliteImportTuning, insert_frame
from chainleader.store.db.guard import db_errors
from chainleader.store.db.tables import dataset_versions, datasets

Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class VersionInfo:
    id: int
    dataset: str
    number: int
    created_at: dt.datetime  # UTC
    content_hash: str
    source: str
    note: str
    counts: dict[str, int] = field(default_factory=dict)
    created: bool = False  # True when write_version wrote this version now


@dataclass(frozen=True)
class DatasetInfo:
    name: str
    title_zh: str
    title_en: str
    created_at: dt.datetime  # UTC
    versions: int  # how many versions are stored
    latest: int | None  # number of the latest version


def new_row_id(result: sa.CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None or key[0] is None:  # pragma: no cover - both backends report the new id
        raise RuntimeError("the database did not report the new row id")
    return int(key[0])


def utc(value: dt.datetime) -> dt.datetime:
    """Aware UTC datetime (SQLite returns naive values that were written as UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _info(row: sa.Row[Any], created: bool = False) -> VersionInfo:
    counts = row.row_counts or {}
    return VersionInfo(
        id=int(row.id),
        dataset=str(row.dataset),
        number=int(row.number),
        created_at=utc(row.created_at),
        content_hash=str(row.content_hash),
        source=str(row.source or ""),
        note=str(row.note or ""),
        counts={name: int(counts.get(name, 0)) for name in TABLE_NAMES},
        created=created,
    )


def check_name(dataset: str) -> str:
    name = dataset.strip() if isinstance(dataset, str) else ""
    if not name:
        raise ConfigError("数据集名称不能为空，请指定一个名称（如 demo）。 / the dataset name is empty; give one (e.g. demo).")
    return name


def _dataset_names(conn: sa.Connection) -> list[str]:
    return [str(n) for n in conn.execute(sa.select(datasets.c.name).order_by(datasets.c.name)).scalars()]


def _missing_dataset(conn: sa.Connection, name: str) -> NotFoundError:
    names = _dataset_names(conn)
    avail = ", ".join(names) if names else "（无）"
    avail_en = ", ".join(names) if names else "(none)"
    return NotFoundError(
        f"数据集 {name!r} 不存在，已有：{avail}。请先导入该数据集或检查名称。 / "
        f"dataset {name!r} not found; available: {avail_en}. Import it first or check the name."
    )


def _latest(conn: sa.Connection, name: str) -> sa.Row[Any] | None:
    q = (
        sa.select(dataset_versions)
        .where(dataset_versions.c.dataset == name)
        .order_by(dataset_versions.c.number.desc())
        .limit(1)
    )
    return conn.execute(q).first()


def version_row(conn: sa.Connection, dataset: str, number: int | None) -> sa.Row[Any]:
    """The version row (latest when ``number`` is None); NotFoundError listing what exists."""
    name = check_name(dataset)
    if number is None:
        row = _latest(conn, name)
    else:
        q = sa.select(dataset_versions).where(
            dataset_versions.c.dataset == name, dataset_versions.c.number == int(number)
        )
        row = conn.execute(q).first()
    if row is not None:
        return row
    exists = conn.execute(sa.select(datasets.c.name).where(datasets.c.name == name)).first()
    if exists is None:
        raise _missing_dataset(conn, name)
    numbers = [
        int(n)
        for n in conn.execute(
            sa.select(dataset_versions.c.number)
            .where(dataset_versions.c.dataset == name)
            .order_by(dataset_versions.c.number)
        ).scalars()
    ]
    avail = ", ".join(map(str, numbers)) if numbers else "（无）"
    avail_en = ", ".join(map(str, numbers)) if numbers else "(none)"
    raise NotFoundError(
        f"数据集 {name!r} 没有第 {number} 版，已有版本：{avail}。请选择已有版本。 / "
        f"dataset {name!r} has no version {number}; available versions: {avail_en}. Pick one of them."
    )


def get_version(engine: Engine, dataset: str, number: int | None = None) -> VersionInfo:
    """One version's bookkeeping (latest when ``number`` is None)."""
    with db_errors(engine, "读取数据集版本", "read the dataset version"), engine.connect() as conn:
        return _info(version_row(conn, dataset, number))


def _lock_dataset(conn: sa.Connection, name: str) -> None:
    """Serialise writers of one dataset so version numbers never collide.

    SQLite: the transaction already holds the database write lock (BEGIN IMMEDIATE).
    PostgreSQL: a transaction-scoped advisory lock keyed by the dataset name.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(name, 0))))


def _titles_from_meta(df: pd.DataFrame) -> dict[str, str]:
    if "key" not in df.columns or "value" not in df.columns:
        return {}
    out: dict[str, str] = {}
    for key, value in zip(df["key"], df["value"], strict=True):
        if key in ("title_zh", "title_en") and isinstance(value, str) and value.strip():
            out[str(key)] = value.strip()
    return out


def write_version(
    engine: Engine,
    dataset: str,
    batches: Iterable[tuple[str, pd.DataFrame]],
    *,
    content_hash: str,
    source: str = "",
    note: str = "",
    title_zh: str = "",
    title_en: str = "",
    progress: Progress | None = None,
) -> VersionInfo:
    """Store ``batches`` (table name, canonical frame) as the dataset's next version.

    When the latest version already has ``content_hash`` nothing is written (the batches are
    not consumed) and that version is returned with ``created=False``. Otherwise the version
    row and every batch are written in ONE transaction: any exception, including one raised
    by the ``batches`` iterator itself, rolls everything back and is re-raised (database
    errors as ``StoreError``). ``progress(table, rows_so_far_in_table)`` is called after each
    batch. Dataset titles default to the ``title_zh`` / ``title_en`` rows of table ``meta``.
    """
    name = check_name(dataset)
    if not isinstance(content_hash, str) or not content_hash.strip():
        raise ConfigError(
            "content_hash 不能为空，请传入 Dataset.content_hash() 或 ContentHasher 的结果。 / "
            "content_hash is empty; pass Dataset.content_hash() or a ContentHasher digest."
        )
    with db_errors(engine, f"写入数据集 {name!r}", f"write dataset {name!r}"), engine.connect() as base:
        conn = base.execution_options(sqlite_immediate=True)
        with SqliteImportTuning(conn), conn.begin():
            _lock_dataset(conn, name)
            latest = _latest(conn, name)
            if latest is not None and latest.content_hash == content_hash:
                return _info(latest, created=False)
            now = dt.datetime.now(dt.UTC)
            ds = conn.execute(sa.select(datasets).where(datasets.c.name == name)).first()
            if ds is None:
                conn.execute(datasets.insert().values(name=name, title_zh=title_zh, title_en=title_en, created_at=now))
            number = 1 if latest is None else int(latest.number) + 1
            result = conn.execute(
                dataset_versions.insert().values(
                    dataset=name,
                    number=number,
                    created_at=now,
                    content_hash=content_hash,
                    source=source,
                    note=note,
                    row_counts={},
                )
            )
            version_id = new_row_id(result)
            counts = dict.fromkeys(TABLE_NAMES, 0)
            meta_titles: dict[str, str] = {}
            for table_name, frame in batches:
                if table_name not in counts:
                    raise ConfigError(
                        f"未知的表 {table_name!r}，可用：{', '.join(TABLE_NAMES)}。请使用数据格式中的表名。 / "
                        f"unknown table {table_name!r}; use one of: {', '.join(TABLE_NAMES)}."
                    )
                counts[table_name] += insert_frame(conn, table(table_name), version_id, frame)
                if table_name == "meta":
                    meta_titles.update(_titles_from_meta(frame))
                if progress is not None:
                    progress(table_name, counts[table_name])
                del frame  # let the batch be freed while the iterator builds the next one
            conn.execute(
                dataset_versions.update().where(dataset_versions.c.id == version_id).values(row_counts=counts)
            )
            titles = {"title_zh": title_zh or meta_titles.get("title_zh", ""),
                      "title_en": title_en or meta_titles.get("title_en", "")}
            titles = {k: v for k, v in titles.items() if v}
            if titles:
                conn.execute(datasets.update().where(datasets.c.name == name).values(**titles))
        return VersionInfo(
            id=version_id,
            dataset=name,
            number=number,
            created_at=now,
            content_hash=content_hash,
            source=source,
            note=note,
            counts=counts,
            created=True,
        )


def list_datasets(engine: Engine) -> list[DatasetInfo]:
    """Every dataset with its version count and latest version number, by name."""
    v = dataset_versions
    q = (
        sa.select(
            datasets,
            sa.func.count(v.c.id).label("n_versions"),
            sa.func.max(v.c.number).label("latest"),
        )
        .select_from(datasets.outerjoin(v, v.c.dataset == datasets.c.name))
        .group_by(datasets.c.name, datasets.c.title_zh, datasets.c.title_en, datasets.c.created_at)
        .order_by(datasets.c.name)
    )
    with db_errors(engine, "列出数据集", "list datasets"), engine.connect() as conn:
        return [
            DatasetInfo(
                name=str(r.name),
                title_zh=str(r.title_zh or ""),
                title_en=str(r.title_en or ""),
                created_at=utc(r.created_at),
                versions=int(r.n_versions),
                latest=None if r.latest is None else int(r.latest),
            )
            for r in conn.execute(q)
        ]


def list_versions(engine: Engine, dataset: str) -> list[VersionInfo]:
    """The dataset's versions, oldest first; NotFoundError when the dataset does not exist."""
    name = check_name(dataset)
    with db_errors(engine, "列出数据集版本", "list dataset versions"), engine.connect() as conn:
        if conn.execute(sa.select(datasets.c.name).where(datasets.c.name == name)).first() is None:
            raise _missing_dataset(conn, name)
        q = sa.select(dataset_versions).where(dataset_versions.c.dataset == name).order_by(dataset_versions.c.number)
        return [_info(r) for r in conn.execute(q)]
