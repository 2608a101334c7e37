"""Shared fixtures: the throwaway PostgreSQL server and fresh database URLs.

``pg_url``: a fresh, empty PostgreSQL database per test on this worker's session server.
``db_url``: parametrized over ["sqlite", "postgres"] (the postgres case is marked
``postgres``), a fresh empty database URL per test.

When the PostgreSQL binaries are missing, postgres tests FAIL with a message saying to run
``./scripts/setup --test``; set ``CHAINLEADER_SKIP_PG=1`` to skip them instead.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

if str(Path(__file__).parent) not in sys.path:  # also when tests/ becomes a package
    sys.path.insert(0, str(Path(__file__).parent))

from pgserver import PgServer, PgServerError, start_server

# Property tests are reproducible and never flaky on a loaded 2-core CI machine: fixed example
# sequence (derandomize) and no per-example deadline. Individual tests may ask for more examples.
settings.register_profile(
    "chainleader", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "chainleader"))

SKIP_PG_ENV = "CHAINLEADER_SKIP_PG"


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if os.environ.get(SKIP_PG_ENV) == "1":
        pytest.skip(f"{SKIP_PG_ENV}=1: PostgreSQL 测试已跳过 / PostgreSQL tests skipped")
    server: PgServer | None = None
    try:
        server = start_server()
    except PgServerError as exc:
        problem = str(exc)
    if server is None:
        pytest.fail(problem, pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    name = pg_server.create_database()
    try:
        yield pg_server.url(name)
    finally:
        pg_server.drop_database(name)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.sqlite'}"
    return str(request.getfixturevalue("pg_url"))
