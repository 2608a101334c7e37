"""Fast bulk insert of canonical DataFrame batches into the ``d_<table>`` tables.

SQLite: the raw ``sqlite3`` connection's ``executemany`` over an iterator of tuples.
PostgreSQL: psycopg 3 ``COPY ... FROM STDIN`` with ``write_row``. Both run inside the
caller's transaction (the SQLAlchemy connection's DBAPI connection), so a failure anywhere
rolls back every batch. Columns are converted to Python lists column-wise with numpy
(NaN / NA -> None); rows are never built through pandas row iteration.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd
import sqlalchemy as sa

from chainleader.model.dataset import dtype_for
from chainleader.model.errors import ConfigError
from chainleader.model.schema import Column, Table
from chainleader.store.db.tables import DATA_TABLES


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_values(col: Column, s: pd.Series) -> list[Any]:
    """One column as a list of Python values (str/int/float/bool/None) for the DBAPI."""
    kind = dtype_for(col)
    if kind == "float64":
        arr = s.to_numpy(dtype=np.float64, na_value=np.nan)
        nan = np.isnan(arr)
        if not nan.any():
            return arr.tolist()
        obj = arr.astype(object)
        obj[nan] = None
        return obj.tolist()
    if kind in ("Int64", "boolean"):
        masked: Any = s.astype("Int64") if kind == "Int64" else s.astype("boolean")
        return masked.to_numpy(dtype=object, na_value=None).tolist()  # Python int/bool, NA -> None
    obj = s.to_numpy(dtype=object)
    missing = pd.isna(obj)
    if missing.any():
        obj = obj.copy()
        obj[missing] = None
    return obj.tolist()


def frame_columns(t: Table, df: pd.DataFrame) -> list[list[Any]]:
    """The frame's schema columns, in schema order, as Python lists; absent optional columns are None."""
    unknown = [str(c) for c in df.columns if c not in t.column_names]
    if unknown:
        raise ConfigError(
            f"表 {t.name}（{t.zh}）中有数据格式未定义的列：{', '.join(unknown)}。请删除这些列或改用规定列名："
            f"{', '.join(t.column_names)}。 / table {t.name} has columns the data format does not define: "
            f"{', '.join(unknown)}; drop them or use the defined names: {', '.join(t.column_names)}."
        )
    n = len(df)
    out: list[list[Any]] = []
    for c in t.columns:
        if c.name not in df.columns:
            out.append([None] * n)
            continue
        try:
            out.append(column_values(c, df[c.name]))
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"表 {t.name} 的列 {c.name}（{c.zh}）无法转换为 {c.type} 类型：{exc}。请先用校验器导入，"
                f"使数据为规范类型。 / column {t.name}.{c.name} cannot be converted to {c.type}: {exc}; "
                f"import through the validator so the data has canonical types."
            ) from exc
    return out


def _rows(version_id: int, columns: list[list[Any]], n: int) -> Iterator[tuple[Any, ...]]:
    return zip(repeat(version_id, n), *columns, strict=False)


def insert_frame(conn: sa.Connection, t: Table, version_id: int, df: pd.DataFrame) -> int:
    """Insert one batch of table ``t`` for ``version_id`` in the connection's transaction; rows written."""
    n = len(df)
    if n == 0:
        return 0
    columns = frame_columns(t, df)
    target = DATA_TABLES[t.name]
    names = ", ".join(quote(c.name) for c in target.columns)
    raw: Any = conn.connection.dbapi_connection
    if conn.dialect.name == "sqlite":
        marks = ", ".join("?" * len(target.columns))
        cur = raw.cursor()
        try:
            cur.executemany(f"INSERT INTO {quote(target.name)} ({names}) VALUES ({marks})", _rows(version_id, columns, n))
        finally:
            cur.close()
    else:
        with raw.cursor() as cur, cur.copy(f"COPY {quote(target.name)} ({names}) FROM STDIN") as copy:
            for row in _rows(version_id, columns, n):
                copy.write_row(row)
    return n


class SqliteImportTuning:
    """Bigger page cache and in-memory temp store for the duration of one import.

    Durability is unchanged: the connection keeps WAL with ``synchronous=FULL``, so the
    commit is synced; only the cache size (a per-connection setting) is raised and restored.
    PRAGMAs go through the raw DBAPI cursor so they do not start a SQLAlchemy transaction.
    """

    CACHE_KIB = 64 * 1024

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.active = conn.dialect.name == "sqlite"
        self.saved: tuple[int, int] | None = None

    def _pragma(self, sql: str) -> Any:
        raw: Any = self.conn.connection.dbapi_connection
        cur = raw.cursor()
        try:
            row = cur.execute(sql).fetchone()
        finally:
            cur.close()
        return None if row is None else row[0]

    def __enter__(self) -> SqliteImportTuning:
        if self.active:
            self.saved = (int(self._pragma("PRAGMA cache_size")), int(self._pragma("PRAGMA temp_store")))
            self._pragma(f"PRAGMA cache_size=-{self.CACHE_KIB}")
            self._pragma("PRAGMA temp_store=MEMORY")
        return self

    def __exit__(self, *exc: object) -> None:
        if self.active and self.saved is not None:
            cache, temp = self.saved
            self._pragma(f"PRAGMA cache_size={cache}")
            self._pragma(f"PRAGMA temp_store={temp}")
