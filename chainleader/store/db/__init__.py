"""The database store: SQLAlchemy 2 tables, Alembic migrations, dataset versions, bulk write.

Typical use::

    from chainleader.store import db

    engine = db.make_engine()          # $CHAINLEADER_DB or ~/.chainleader/chainleader.sqlite
    db.upgrade(engine)                 # alembic upgrade head (no-op when current)
    info = db.write_version(engine, "demo", batches, content_hash=h, source="demo.xlsx")
    ds = db.load_version(engine, "demo")            # latest version as a Dataset

``db.accounts`` persists users, sessions, API tokens, login attempts, grants and the append-only
audit log (plain functions on a Connection, used by ``chainleader.services.accounts``).
"""

from chainleader.store.db import accounts
from chainleader.store.db.engine import default_url, make_engine
from chainleader.store.db.migrate import current_revision, head_revision, upgrade
from chainleader.store.db.read import iter_version, load_version
from chainleader.store.db.runs import list_runs, record_run
from chainleader.store.db.versions import (
    DatasetInfo,
    VersionInfo,
    get_version,
    list_datasets,
    list_versions,
    write_version,
)

__all__ = [
    "DatasetInfo",
    "VersionInfo",
    "accounts",
    "current_revision",
    "default_url",
    "get_version",
    "head_revision",
    "iter_version",
    "list_datasets",
    "list_runs",
    "list_versions",
    "load_version",
    "make_engine",
    "record_run",
    "upgrade",
    "write_version",
]
