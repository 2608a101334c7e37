"""Where the database is and how to connect: ``default_url`` and ``make_engine``.

Supported backends: SQLite (the default, one file under ``~/.chainleader``) and PostgreSQL
through psycopg 3. Every connection problem becomes a bilingual ``StoreError`` that says how
to fix it; callers never see a driver traceback for a bad URL or an unreachable server.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from chainleader.model.errors import StoreError

ENV_DB = "CHAINLEADER_DB"
ENV_HOME = "CHAINLEADER_HOME"
SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_CONNECT_TIMEOUT_S = 10
_PG_DRIVER = "postgresql+psycopg"


def home_dir() -> Path:
    """``$CHAINLEADER_HOME`` or ``~/.chainleader``, created when missing."""
    raw = os.environ.get(ENV_HOME) or str(Path.home() / ".chainleader")
    home = Path(raw).expanduser()
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"无法创建数据目录 {home}（{exc.strerror}）。请设置环境变量 {ENV_HOME} 为一个可写目录。 / "
            f"cannot create the data directory {home} ({exc.strerror}); set {ENV_HOME} to a writable directory."
        ) from exc
    return home


def default_url() -> str:
    """``$CHAINLEADER_DB`` when set, else ``sqlite:///<home>/chainleader.sqlite``."""
    env = os.environ.get(ENV_DB, "").strip()
    if env:
        return env
    return f"sqlite:///{home_dir() / 'chainleader.sqlite'}"


def json_dumps(value: Any) -> str:
    """JSON text for the JSON columns; numpy scalars/arrays, dates and NA become plain JSON."""
    return json.dumps(value, ensure_ascii=False, default=_json_default, allow_nan=False)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, dt.datetime | dt.date):
        return obj.isoformat()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    raise TypeError(f"{type(obj).__name__} is not JSON serialisable")


def _parse(url: str) -> URL:
    try:
        parsed = sa.engine.make_url(url)
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise StoreError(
            f"数据库地址格式不正确：{url!r}。请写成 sqlite:///路径/文件.sqlite 或 "
            f"postgresql://用户:密码@主机:端口/数据库（可通过环境变量 {ENV_DB} 设置）。 / "
            f"malformed database URL {url!r}; write sqlite:///path/file.sqlite or "
            f"postgresql://user:password@host:port/dbname (or set {ENV_DB})."
        ) from exc
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg2", "pgsql"):
        parsed = parsed.set(drivername=_PG_DRIVER)
    return parsed


def make_engine(url: str | None = None) -> Engine:
    """An Engine for ``url`` (default: ``default_url()``), connected once to check it works.

    SQLite connections use WAL, enforce foreign keys and wait ``busy_timeout`` for locks;
    transactions are begun explicitly (``BEGIN``), so a read-then-write runs in one
    transaction. ``postgresql://`` URLs use the psycopg 3 driver.
    """
    parsed = _parse(url if url is not None else default_url())
    shown = parsed.render_as_string(hide_password=True)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        _check_sqlite_path(parsed, shown)
    elif backend != "postgresql":
        raise StoreError(
            f"不支持的数据库类型 {backend!r}（{shown}）。请使用 SQLite（sqlite:///文件）或 PostgreSQL（postgresql://…）。 / "
            f"unsupported database backend {backend!r} ({shown}); use SQLite (sqlite:///file) "
            f"or PostgreSQL (postgresql://...)."
        )
    kwargs: dict[str, Any] = {"json_serializer": json_dumps}
    if backend == "postgresql":
        connect_args: dict[str, Any] = {"application_name": "chainleader"}
        if "connect_timeout" not in parsed.query:
            connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
        kwargs["connect_args"] = connect_args
        kwargs["pool_pre_ping"] = True
    try:
        engine = sa.create_engine(parsed, **kwargs)
    except ImportError as exc:
        raise StoreError(
            f"缺少数据库驱动（{exc}）。PostgreSQL 请安装 psycopg 3：pip install 'psycopg[binary]'"
            f"（或 pip install 'chainleader[postgres]'）。 / missing database driver ({exc}); for PostgreSQL "
            f"install psycopg 3: pip install 'psycopg[binary]' (or pip install 'chainleader[postgres]')."
        ) from exc
    except sa.exc.NoSuchModuleError as exc:
        raise StoreError(
            f"未知的数据库驱动 {parsed.drivername!r}（{shown}）。请使用 sqlite:/// 或 postgresql+psycopg://。 / "
            f"unknown database driver {parsed.drivername!r} ({shown}); use sqlite:/// or postgresql+psycopg://."
        ) from exc
    except sa.exc.ArgumentError as exc:
        raise StoreError(
            f"数据库地址参数不正确（{shown}）：{exc}。请检查地址中的 ?参数。 / "
            f"invalid database URL arguments ({shown}): {exc}; check the ?query options in the URL."
        ) from exc
    if backend == "sqlite":
        _install_sqlite_hooks(engine)
    _ping(engine, shown)
    return engine


def _check_sqlite_path(parsed: URL, shown: str) -> None:
    db = parsed.database or ""
    if not db or db == ":memory:" or db.startswith("file:"):
        return
    parent = Path(db).expanduser().resolve().parent
    if not parent.is_dir():
        raise StoreError(
            f"SQLite 数据库文件所在目录不存在：{parent}（{shown}）。请先创建该目录，或换一个路径。 / "
            f"the directory of the SQLite file does not exist: {parent} ({shown}); create it or use another path."
        )


def _install_sqlite_hooks(engine: Engine) -> None:
    memory = engine.url.database in (None, "", ":memory:")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, record: ConnectionPoolEntry) -> None:
        # Let SQLAlchemy (not the sqlite3 module) decide when transactions begin.
        dbapi_connection.isolation_level = None  # type: ignore[attr-defined]
        cur = dbapi_connection.cursor()
        try:
            if not memory:
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA synchronous=FULL")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # Writers take the write lock up front so check-then-write cannot interleave.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _ping(engine: Engine, shown: str) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.DBAPIError as exc:
        engine.dispose()
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)
        if engine.dialect.name == "sqlite":
            raise StoreError(
                f"无法打开 SQLite 数据库 {shown}：{detail}。请检查文件路径与读写权限，"
                f"或用环境变量 {ENV_DB} 指定其他位置。 / cannot open the SQLite database {shown}: {detail}; "
                f"check the path and file permissions, or point {ENV_DB} elsewhere."
            ) from exc
        raise StoreError(
            f"无法连接 PostgreSQL 数据库 {shown}：{detail}。请确认服务器已启动（pg_isready -h 主机 -p 端口）、"
            f"地址中的用户名/密码/数据库名正确，或用环境变量 {ENV_DB} 改用其他数据库。 / "
            f"cannot connect to the PostgreSQL database {shown}: {detail}; check that the server is running "
            f"(pg_isready -h host -p port), that user, password and database in the URL are right, "
            f"or set {ENV_DB} to another database."
        ) from exc
