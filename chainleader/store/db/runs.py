"""Analysis runs: which dataset version and which parameters produced a result."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from chainleader.model.errors import ConfigError, NotFoundError
from chainleader.store.db.engine import json_dumps
from chainleader.store.db.guard import db_errors
from chainleader.store.db.tables import analysis_runs, dataset_versions
from chainleader.store.db.versions import new_row_id, utc


def _check_json(label: str, value: Mapping[str, Any]) -> None:
    if not isinstance(value, Mapping):
        raise ConfigError(
            f"{label} 必须是字典（dict），当前为 {type(value).__name__}。 / {label} must be a dict, "
            f"got {type(value).__name__}."
        )
    try:
        json_dumps(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(
            f"{label} 无法保存为 JSON：{exc}。请只使用字符串、数字、布尔、列表和字典（不含 NaN/无穷）。 / "
            f"{label} cannot be stored as JSON: {exc}; use only str, numbers, bools, lists and dicts "
            f"(no NaN/infinity)."
        ) from exc


def record_run(engine: Engine, version_id: int, kind: str, params: dict[str, Any], summary: dict[str, Any]) -> int:
    """Record that analysis ``kind`` ran on ``version_id`` with ``params``; returns the run id."""
    if not isinstance(kind, str) or not kind.strip():
        raise ConfigError("分析类型 kind 不能为空（如 'risk'）。 / the analysis kind is empty (e.g. 'risk').")
    _check_json("params", params)
    _check_json("summary", summary)
    # immediate: the check-then-insert must not upgrade a read snapshot (SQLite would refuse at once when busy)
    with db_errors(engine, "记录分析运行", "record the analysis run"), engine.connect() as base:
        conn = base.execution_options(sqlite_immediate=True)
        with conn.begin():
            return _insert_run(conn, version_id, kind, params, summary)


def _insert_run(conn: sa.Connection, version_id: int, kind: str, params: dict[str, Any],
                summary: dict[str, Any]) -> int:
    found = conn.execute(sa.select(dataset_versions.c.id).where(dataset_versions.c.id == int(version_id))).first()
    if found is None:
        raise NotFoundError(
            f"数据集版本 id={version_id} 不存在。请用 list_versions 查看可用版本的 id。 / "
            f"dataset version id={version_id} does not exist; see list_versions for valid ids."
        )
    result = conn.execute(
        analysis_runs.insert().values(
            version_id=int(version_id),
            kind=kind.strip(),
            params=dict(params),
            summary=dict(summary),
            created_at=dt.datetime.now(dt.UTC),
        )
    )
    return new_row_id(result)


def list_runs(engine: Engine, version_id: int | None = None) -> list[dict[str, Any]]:
    """Recorded runs (all, or of one version), oldest first, each with its dataset and version number."""
    r, v = analysis_runs, dataset_versions
    q = (
        sa.select(r, v.c.dataset, v.c.number)
        .select_from(r.join(v, v.c.id == r.c.version_id))
        .order_by(r.c.id)
    )
    if version_id is not None:
        q = q.where(r.c.version_id == int(version_id))
    with db_errors(engine, "列出分析运行", "list analysis runs"), engine.connect() as conn:
        return [
            {
                "id": int(row.id),
                "version_id": int(row.version_id),
                "dataset": str(row.dataset),
                "number": int(row.number),
                "kind": str(row.kind),
                "params": row.params,
                "summary": row.summary,
                "created_at": utc(row.created_at),
            }
            for row in conn.execute(q)
        ]
