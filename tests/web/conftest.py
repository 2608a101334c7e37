"""Fixtures of the web tests: one app over a Workspace on a temporary SQLite with nev-jjj imported.

Users of every role exist with KNOWN passwords (``PASSWORDS``). ``client`` is a fresh TestClient
(own cookie jar) per test; the ``login`` fixture, ``login(client, user)``, signs in through the API and
returns the CSRF token; ``bearer(user)`` the ``Authorization`` header of a session-wide API token of that user.

Login throttling counts failures per username AND per client address (5 in 15 min): tests that
send wrong passwords use their own address (``client_at``) so they never lock the others out.
"""

from __future__ import annotations

import itertools
import warnings
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI

# starlette.testclient warns (a UserWarning) when it runs on httpx instead of httpx2; the warning is
# about the test client's transport, not about chainleader, and filterwarnings=error would turn it
# into a collection error.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message=r"Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

from chainleader.services.datasets import bundled_path, import_into_store
from chainleader.services.workspace import Workspace

DATASET = "nev-jjj"
CHAIN = "nev"

# username -> (password, role, regions, enterprise)
USERS: dict[str, tuple[str, str, list[str], str | None]] = {
    "admin": ("admin-password-1", "admin", [], None),
    "hebei-office": ("hebei-password-1", "office", ["130000"], None),
    "beijing-office": ("beijing-password-1", "office", ["110000"], None),
    "tianjin-analyst": ("tianjin-password-1", "analyst", ["120000"], None),
    "observer": ("observer-password-1", "observer", [], None),
    "firm-user": ("firm-password-123", "enterprise", [], "E0006"),  # E0006: a Hebei firm of nev-jjj
}
PASSWORDS = {u: spec[0] for u, spec in USERS.items()}

_addresses = itertools.count(10)


@pytest.fixture(scope="session")
def web_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.sqlite'}"
    import_into_store(bundled_path(DATASET), url, name=DATASET)
    return url


@pytest.fixture(scope="session")
def workspace(web_db_url: str) -> Iterator[Workspace]:
    ws = Workspace(web_db_url, with_lp=False)
    for username, (password, role, regions, enterprise) in USERS.items():
        ws.accounts.create_user(username, password, role, regions=regions, enterprise=enterprise,
                                display_name=username)
    try:
        yield ws
    finally:
        ws.close()


@pytest.fixture(scope="session")
def app(workspace: Workspace) -> FastAPI:
    from chainleader.web.app import create_app

    return create_app(workspace)


@pytest.fixture
def client(app: FastAPI) -> TestClient:
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture
def client_at(app: FastAPI) -> Callable[[], TestClient]:
    """A TestClient seen by the server from an address no other test uses (for throttling-sensitive tests)."""

    def make() -> TestClient:
        return TestClient(app, raise_server_exceptions=False, client=(f"192.0.2.{next(_addresses)}", 50000))

    return make


def _login(client: TestClient, username: str) -> str:
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORDS[username]})
    assert r.status_code == 200, r.text
    return str(r.json()["csrf_token"])


@pytest.fixture(scope="session")
def login() -> Callable[[TestClient, str], str]:
    """``login(client, username)``: sign ``client`` in (cookie kept by the client); the session's CSRF token."""
    return _login


@pytest.fixture(scope="session")
def passwords() -> dict[str, str]:
    return dict(PASSWORDS)


@pytest.fixture(scope="session")
def bearer(workspace: Workspace) -> Callable[[str], dict[str, str]]:
    """``bearer(username)``: the Authorization header of an API token of that user (one per user)."""
    cache: dict[str, dict[str, str]] = {}

    def header(username: str) -> dict[str, str]:
        if username not in cache:
            p = workspace.accounts.authenticate(username, PASSWORDS[username], "203.0.113.1")
            _, plaintext = workspace.accounts.create_token(p, "tests")
            cache[username] = {"Authorization": f"Bearer {plaintext}"}
        return cache[username]

    return header
