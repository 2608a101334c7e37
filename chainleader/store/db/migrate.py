"""Alembic, configured in code: ``upgrade(engine)`` brings a database to the current schema.

No ``alembic.ini`` is needed at run time; ``script_location`` points into the installed
package (``chainleader/store/migrations``). Developers add a revision after changing
``tables.py`` (or ``chainleader.model.schema``) with::

    python -m chainleader.store.db.migrate revision "add column x" [URL]

which autogenerates against a database upgraded to head (a temporary SQLite file by
default); read and tidy the generated file before committing it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from chainleader.model.errors import StoreError

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic Config for the packaged migrations; ``connection`` is used by env.py."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("version_path_separator", "os")
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    """The newest revision shipped with this version of chainleader."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise StoreError("迁移脚本缺失，请重新安装 chainleader。 / migration scripts are missing; reinstall chainleader.")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for a database never upgraded."""
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except sa.exc.DBAPIError as exc:
        raise StoreError(
            f"无法读取数据库结构版本：{exc.orig}。请检查数据库连接。 / "
            f"cannot read the database schema revision: {exc.orig}; check the database connection."
        ) from exc


def upgrade(engine: Engine) -> None:
    """Run every pending migration (``alembic upgrade head``); a no-op when already current."""
    try:
        with engine.begin() as conn:
            command.upgrade(alembic_config(conn), "head")
    except sa.exc.DBAPIError as exc:
        raise StoreError(
            f"数据库结构升级失败：{exc.orig}。请确认账号有建表权限、数据库未被其他程序锁定，然后重试。 / "
            f"database schema upgrade failed: {exc.orig}; make sure the account may create tables and "
            f"the database is not locked by another program, then retry."
        ) from exc


def schema_is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()


def new_revision(message: str, url: str | None = None) -> None:
    """Autogenerate a revision against a database at head (developer tool)."""
    from chainleader.store.db.engine import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(url or f"sqlite:///{Path(tmp) / 'autogen.sqlite'}")
        try:
            upgrade(engine)
            with engine.begin() as conn:
                command.revision(alembic_config(conn), message=message, autogenerate=True)
        finally:
            engine.dispose()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (2, 3) or args[0] != "revision":
        print("用法 / usage: python -m chainleader.store.db.migrate revision MESSAGE [URL]", file=sys.stderr)
        return 2
    new_revision(args[1], args[2] if len(args) == 3 else None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
