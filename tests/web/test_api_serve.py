"""``chainleader serve`` (cli/serve.py) and the app factory it hands to uvicorn (web/app.py)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from chainleader.cli import serve
from chainleader.services.workspace import Workspace
from chainleader.web.app import app_from_env


@pytest.fixture
def serve_cli() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:  # a group, so the command is invoked by name as in the real CLI
        pass

    serve.register(app)
    return app


def test_serve_demo_prints_accounts_and_starts_uvicorn(serve_cli: typer.Typer, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    home = tmp_path / "home"
    monkeypatch.setenv("CHAINLEADER_HOME", str(home))
    db = f"sqlite:///{tmp_path / 'serve.sqlite'}"
    calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append((a, k)))
    for key in ("CHAINLEADER_DB", "CHAINLEADER_SECURE_COOKIES", "CHAINLEADER_WARM"):
        monkeypatch.delenv(key, raising=False)

    result = CliRunner().invoke(serve_cli, ["serve", "--db", db, "--demo", "--port", "8123"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "http://127.0.0.1:8123/" in out and "演示账号" in out and "demo accounts" in out
    for username in ("admin", "hebei-office", "beijing-office", "tianjin-analyst", "observer", "enterprise-demo"):
        assert username in out
    assert calls == [((serve.APP_FACTORY,), {"factory": True, "host": "127.0.0.1", "port": 8123,
                                               "log_level": "info", "server_header": False})]
    assert os.environ["CHAINLEADER_DB"] == db and os.environ["CHAINLEADER_WARM"] == "1"
    assert os.environ["CHAINLEADER_SECURE_COOKIES"] == "0"

    path = home / "demo-accounts.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = dict(line.split("\t")[:2] for line in path.read_text(encoding="utf-8").splitlines()[3:])
    assert set(written) >= {"admin", "hebei-office"} and all(written.values())

    # The printed passwords work, also after a second start (kept from the file, not regenerated)
    again = CliRunner().invoke(serve_cli, ["serve", "--db", db, "--demo", "--port", "8123"])
    assert again.exit_code == 0, again.output
    assert dict(line.split("\t")[:2] for line in path.read_text(encoding="utf-8").splitlines()[3:]) == written
    with Workspace(db, with_lp=False) as ws:
        p = ws.accounts.authenticate("hebei-office", written["hebei-office"], "203.0.113.9")
        assert p.regions == frozenset({"130000"})
        assert {"nev-jjj", "ic-yrd"} <= {d["name"] for d in ws.datasets(p)}


def test_demo_passwords_lost_from_the_file_are_reset(tmp_path: Path) -> None:
    with Workspace(f"sqlite:///{tmp_path / 'reset.sqlite'}", with_lp=False) as ws:
        first = serve.demo_accounts(ws.accounts, {})
        again = serve.demo_accounts(ws.accounts, {})  # the file is gone: passwords are reset, audited
        by_name = {a["username"]: a["password"] for a in again}
        assert all(by_name.values())
        assert by_name["observer"] != {a["username"]: a["password"] for a in first}["observer"]
        ws.accounts.authenticate("observer", by_name["observer"], "203.0.113.10")
        rows, _ = ws.accounts.list_audit(1, 50, actor="admin", action="user.update")
        assert rows


def test_serve_without_demo_skips_demo_accounts(serve_cli: typer.Typer, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    monkeypatch.setenv("CHAINLEADER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: None)
    for key in ("CHAINLEADER_DB", "CHAINLEADER_SECURE_COOKIES", "CHAINLEADER_WARM"):
        monkeypatch.delenv(key, raising=False)
    db = f"sqlite:///{tmp_path / 'plain.sqlite'}"
    result = CliRunner().invoke(serve_cli, ["serve", "--db", db, "--secure-cookies"])
    assert result.exit_code == 0, result.output
    assert "演示账号" not in result.output and not (tmp_path / "home" / "demo-accounts.txt").exists()
    assert os.environ["CHAINLEADER_WARM"] == "0" and os.environ["CHAINLEADER_SECURE_COOKIES"] == "1"


def test_app_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, web_db_url: str) -> None:
    monkeypatch.setenv("CHAINLEADER_DB", web_db_url)
    monkeypatch.setenv("CHAINLEADER_WARM", "1")
    monkeypatch.setenv("CHAINLEADER_SECURE_COOKIES", "1")
    app = app_from_env()
    assert app.state.secure_cookies is True
    with TestClient(app) as c:  # runs the lifespan: assesses every chain, then closes the workspace it owns
        assert c.get("/api/v1/health").status_code == 200
