"""Read a stored dataset version back as canonical frames (``iter_version``) or a ``Dataset``.

Frames have exactly the schema's columns in schema order with the canonical dtypes of
``chainleader.model.dataset`` (object str/None, Int64, float64, boolean). Row order: on
SQLite the order rows were written; on PostgreSQL storage order (not guaranteed) — use the
table keys when order matters.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy.engine import Engine

from chainleader.model.dataset import Dataset, dtype_for, empty_frame
from chainleader.model.errors import ConfigError
from chainleader.model.schema import TABLES, Table
from chainleader.store.db.bulk import quote
from chainleader.store.db.guard import db_errors
from chainleader.store.db.tables import DATA_TABLES
from chainleader.store.db.versions import check_name, version_row

DEFAULT_BATCH_ROWS = 200_000
_cursor_ids = itertools.count(1)


def frame_from_rows(t: Table, rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    """A canonical frame from DBAPI rows holding ``t``'s columns in schema order."""
    if not rows:
        return empty_frame(t)
    grid = np.array(rows, dtype=object)  # (rows, columns); one C-level transposition
    data: dict[str, Any] = {}
    for i, c in enumerate(t.columns):
        col = grid[:, i]
        kind = dtype_for(c)
        if kind == "float64":
            data[c.name] = col.astype(np.float64)  # None -> NaN
        elif kind in ("Int64", "boolean"):
            data[c.name] = pd.Series(col, dtype=kind)  # SQLite booleans arrive as 0/1
        else:
            data[c.name] = pd.Series(np.ascontiguousarray(col), dtype=object, copy=False)
    return pd.DataFrame(data)


def iter_version(
    engine: Engine, dataset: str, number: int | None = None, batch_rows: int = DEFAULT_BATCH_ROWS
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Stream a version (latest when ``number`` is None) as ``(table, frame)`` batches.

    Tables come in schema order; every table yields at least one frame (an empty canonical
    frame when it has no rows), then further frames of at most ``batch_rows`` rows. The
    database is read through a server-side cursor on PostgreSQL, so memory stays bounded.
    A missing dataset/version raises ``NotFoundError`` here, before iteration starts.
    """
    if isinstance(batch_rows, bool) or not isinstance(batch_rows, int) or batch_rows < 1:
        raise ConfigError(
            f"batch_rows 必须是正整数（当前 {batch_rows!r}），例如 200000。 / "
            f"batch_rows must be a positive integer (got {batch_rows!r}), e.g. 200000."
        )
    name = check_name(dataset)
    with db_errors(engine, f"读取数据集 {name!r}", f"read dataset {name!r}"), engine.connect() as conn:
        version_id = int(version_row(conn, name, number).id)
    return _stream(engine, name, version_id, batch_rows)


def _stream(engine: Engine, name: str, version_id: int, batch_rows: int) -> Iterator[tuple[str, pd.DataFrame]]:
    with db_errors(engine, f"读取数据集 {name!r}", f"read dataset {name!r}"), engine.connect() as conn, conn.begin():
        raw: Any = conn.connection.dbapi_connection
        sqlite = conn.dialect.name == "sqlite"
        for t in TABLES:
            target = DATA_TABLES[t.name]
            cols = ", ".join(quote(c.name) for c in t.columns)
            if sqlite:
                sql = f"SELECT {cols} FROM {quote(target.name)} WHERE version_id = ? ORDER BY rowid"
                cur = raw.cursor()
            else:
                sql = f"SELECT {cols} FROM {quote(target.name)} WHERE version_id = %s"
                cur = raw.cursor(name=f"chainleader_read_{next(_cursor_ids)}")
                cur.itersize = batch_rows
            try:
                cur.execute(sql, (version_id,))
                rows = cur.fetchmany(batch_rows)
                yield t.name, frame_from_rows(t, rows)
                while len(rows) == batch_rows:
                    rows = cur.fetchmany(batch_rows)
                    if not rows:
                        break
                    yield t.name, frame_from_rows(t, rows)
            finally:
                cur.close()


def load_version(engine: Engine, dataset: str, number: int | None = None) -> Dataset:
    """The whole version (latest when ``number`` is None) as a ``Dataset`` with canonical dtypes.

    ``Dataset.version`` / ``Dataset.version_id`` are set; ``NotFoundError`` (listing what is
    available) when the dataset or version does not exist.
    """
    name = check_name(dataset)
    parts: dict[str, list[pd.DataFrame]] = {t.name: [] for t in TABLES}
    with db_errors(engine, f"读取数据集 {name!r}", f"read dataset {name!r}"), engine.connect() as conn:
        row = version_row(conn, name, number)
    version_id, version_number = int(row.id), int(row.number)
    for table_name, frame in _stream(engine, name, version_id, DEFAULT_BATCH_ROWS):
        parts[table_name].append(frame)
    tables = {
        t.name: (parts[t.name][0] if len(parts[t.name]) == 1 else pd.concat(parts[t.name], ignore_index=True))
        for t in TABLES
    }
    return Dataset(name, tables, version=version_number, version_id=version_id)
