"""Alembic environment for chainleader (configured in code by chainleader.store.db.migrate).

``config.attributes["connection"]`` is the SQLAlchemy Connection to migrate; without one
(e.g. the ``alembic`` command line with ``sqlalchemy.url`` set) an engine is made from the
URL, or from ``default_url()``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from chainleader.store.db.tables import metadata

config = context.config


def _run(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite ALTER goes through batch copies
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from chainleader.store.db.engine import default_url, make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or default_url())
    try:
        with engine.begin() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=metadata,
                      literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
