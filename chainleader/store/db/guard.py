"""Turn database exceptions into bilingual ``StoreError``s that say how to fix the problem."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from chainleader.model.errors import ChainleaderError, StoreError
from chainleader.store.db.migrate import current_revision, head_revision


def _detail(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _schema_hint(engine: Engine) -> tuple[str, str] | None:
    try:
        rev = current_revision(engine)
    except ChainleaderError:
        return None
    head = head_revision()
    if rev == head:
        return None
    state_zh = "尚未初始化" if rev is None else f"结构版本为 {rev}，而当前程序需要 {head}"
    state_en = "has not been initialised" if rev is None else f"is at schema revision {rev}, this program needs {head}"
    return (
        f"数据库{state_zh}。请先运行数据库升级（Python：chainleader.store.db.upgrade(engine)）。",
        f"the database {state_en}; upgrade it first (Python: chainleader.store.db.upgrade(engine)).",
    )


def store_error(engine: Engine, exc: BaseException, what_zh: str, what_en: str) -> StoreError:
    detail = _detail(exc)
    hint = _schema_hint(engine)
    if hint is not None:
        fix_zh, fix_en = hint
    elif "locked" in detail.lower() or "busy" in detail.lower():
        fix_zh = "另一个程序正在写入该数据库，请稍后重试。"
        fix_en = "another program is writing to the database; retry later."
    else:
        fix_zh = "请检查数据库连接与磁盘空间后重试；数据库内容未被修改。"
        fix_en = "check the database connection and free disk space, then retry; the database content is unchanged."
    return StoreError(f"{what_zh}失败：{detail}。{fix_zh} / failed to {what_en}: {detail}; {fix_en}")


@contextmanager
def db_errors(engine: Engine, what_zh: str, what_en: str) -> Iterator[None]:
    """Re-raise SQLAlchemy and raw DBAPI errors inside the block as ``StoreError``."""
    dbapi = getattr(engine.dialect, "loaded_dbapi", None)
    raw_error: type[BaseException] = getattr(dbapi, "Error", sa.exc.SQLAlchemyError)
    try:
        yield
    except ChainleaderError:
        raise
    except (sa.exc.SQLAlchemyError, raw_error) as exc:
        raise store_error(engine, exc, what_zh, what_en) from exc
