"""default_url / make_engine: where the database is, SQLite settings, clear errors."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pgserver import PgServer, free_port

from chainleader.model.errors import StoreError
from chainleader.store.db import default_url, make_engine


def test_default_url_uses_chainleader_db_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHAINLEADER_DB", "postgresql://u@db.example/cl")
    monkeypatch.setenv("CHAINLEADER_HOME", str(tmp_path / "home"))
    assert default_url() == "postgresql://u@db.example/cl"
    assert not (tmp_path / "home").exists()


def test_default_url_is_sqlite_in_home_which_is_created(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHAINLEADER_DB", raising=False)
    home = tmp_path / "a" / "b"
    monkeypatch.setenv("CHAINLEADER_HOME", str(home))
    assert default_url() == f"sqlite:///{home}/chainleader.sqlite"
    assert home.is_dir()


def test_default_url_falls_back_to_dot_chainleader(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHAINLEADER_DB", raising=False)
    monkeypatch.delenv("CHAINLEADER_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_url() == f"sqlite:///{tmp_path}/.chainleader/chainleader.sqlite"
    assert (tmp_path / ".chainleader").is_dir()


def test_make_engine_without_url_uses_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHAINLEADER_DB", raising=False)
    monkeypatch.setenv("CHAINLEADER_HOME", str(tmp_path))
    engine = make_engine()
    try:
        assert engine.url.database == str(tmp_path / "chainleader.sqlite")
        assert (tmp_path / "chainleader.sqlite").exists()
    finally:
        engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/x.sqlite")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL: commits are durable
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("url", "zh", "en"),
    [
        ("not a url", "数据库地址格式不正确", "malformed database URL"),
        ("mysql://u@localhost/db", "不支持的数据库类型", "unsupported database backend"),
        ("postgresql+nosuchdriver://u@localhost/db", "未知的数据库驱动", "unknown database driver"),
        ("sqlite:////nonexistent-dir-xyz/sub/db.sqlite", "目录不存在", "does not exist"),
    ],
)
def test_bad_urls_are_bilingual_store_errors(url: str, zh: str, en: str) -> None:
    with pytest.raises(StoreError) as info:
        make_engine(url)
    assert zh in str(info.value) and en in str(info.value)


def test_unreachable_server_is_store_error_with_fix() -> None:
    port = free_port()  # nothing listens there
    with pytest.raises(StoreError) as info:
        make_engine(f"postgresql://postgres:secret@127.0.0.1:{port}/nowhere")
    text = str(info.value)
    assert "无法连接 PostgreSQL" in text and "cannot connect to the PostgreSQL database" in text
    assert "pg_isready" in text
    assert "secret" not in text  # the password is masked


def test_missing_driver_is_store_error_saying_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psycopg", None)  # import psycopg now raises ImportError
    with pytest.raises(StoreError) as info:
        make_engine("postgresql://u@127.0.0.1:1/x")
    assert "psycopg[binary]" in str(info.value) and "缺少数据库驱动" in str(info.value)


@pytest.mark.postgres
def test_plain_postgresql_url_uses_psycopg3(pg_server: PgServer, pg_url: str) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://")
    engine = make_engine(plain)
    try:
        assert engine.dialect.driver == "psycopg"
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT 1 + 1").scalar() == 2
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_wrong_database_name_is_store_error(pg_server: PgServer) -> None:
    with pytest.raises(StoreError, match="cannot connect"):
        make_engine(pg_server.url("no_such_database"))
