"""Account tables (migration 0002): append-only audit log, hashed secrets, query semantics, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from chainleader.store.db import accounts as store
from chainleader.store.db import make_engine, upgrade
from chainleader.store.db.tables import audit_log

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _audit(engine: Engine, n: int = 2) -> None:
    with engine.begin() as conn:
        for i in range(n):
            store.insert_audit(conn, actor="admin", action="user.create", target=f"user:u{i}", outcome="ok",
                               ip="10.0.0.1", before=None, after={"username": f"u{i}"}, now=T0)


def test_audit_log_refuses_update(engine: Engine) -> None:
    _audit(engine)
    with pytest.raises(sa.exc.DBAPIError) as info, engine.begin() as conn:
        conn.execute(audit_log.update().values(outcome="denied"))
    assert "append-only" in str(info.value)
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit_log SET actor = 'mallory' WHERE id = 1")
    with engine.connect() as conn:
        assert conn.execute(sa.select(audit_log.c.actor, audit_log.c.outcome)).all() == [("admin", "ok")] * 2


def test_audit_log_refuses_delete(engine: Engine) -> None:
    _audit(engine)
    with pytest.raises(sa.exc.DBAPIError) as info, engine.begin() as conn:
        conn.execute(audit_log.delete().where(audit_log.c.id == 1))
    assert "append-only" in str(info.value)
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_log")  # SQLite's truncate optimisation must not bypass it
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one() == 2
    _audit(engine, 1)  # appending still works
    with engine.connect() as conn:
        rows, total = store.list_audit(conn, limit=2)
    assert total == 3 and [r["id"] for r in rows] == [3, 2]
    assert rows[0]["at"] == T0 and rows[0]["after"] == {"username": "u0"}


def test_audit_log_refuses_truncate_on_postgres(pg_url: str) -> None:
    engine = make_engine(pg_url)
    try:
        upgrade(engine)
        _audit(engine, 1)
        with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
            conn.exec_driver_sql("TRUNCATE audit_log")
        with engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one() == 1
    finally:
        engine.dispose()


def test_audit_filters_and_pages(engine: Engine) -> None:
    with engine.begin() as conn:
        for i, (actor, action, outcome) in enumerate([("a", "login", "ok"), ("b", "login", "failed"),
                                                      ("a", "grant.create", "ok"), ("b", "login", "failed")]):
            store.insert_audit(conn, actor=actor, action=action, target=str(i), outcome=outcome, ip=None,
                               before=None, after=None, now=T0 + timedelta(seconds=i))
    with engine.connect() as conn:
        assert [r["target"] for r in store.list_audit(conn, actor="b")[0]] == ["3", "1"]
        assert store.list_audit(conn, action="login", outcome="ok")[1] == 1
        rows, total = store.list_audit(conn, offset=1, limit=2)
        assert total == 4 and [r["target"] for r in rows] == ["2", "1"]


def _user(conn: sa.Connection, name: str = "alice") -> int:
    return store.insert_user(conn, username=name, password_hash="$argon2id$x", role="office", regions=["130000"],
                             chains=["*"], enterprise=None, display_name="爱丽丝", active=True, now=T0)


def test_users_roundtrip_and_unique_username(engine: Engine) -> None:
    with engine.begin() as conn:
        uid = _user(conn)
    with engine.connect() as conn:
        row = store.get_user(conn, uid)
        assert row is not None and "password_hash" not in row
        assert row["regions"] == ["130000"] and row["created_at"] == T0 and row["active"] is True
        assert store.get_user_by_username(conn, "alice")["password_hash"] == "$argon2id$x"  # type: ignore[index]
        assert store.get_user(conn, 999) is None and store.get_user_by_username(conn, "bob") is None
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        _user(conn)
    with engine.begin() as conn:
        store.update_user(conn, uid, {"regions": ("110000", "130000"), "active": False}, T0 + timedelta(hours=1))
        with pytest.raises(ValueError):
            store.update_user(conn, uid, {"username": "eve"}, T0)
    with engine.connect() as conn:
        row = store.get_user(conn, uid)
        assert row is not None and row["regions"] == ["110000", "130000"] and row["active"] is False
        assert row["updated_at"] == T0 + timedelta(hours=1)
        assert store.count_active_users(conn, "office") == 0


def test_sessions_and_tokens_cascade_with_their_user(engine: Engine) -> None:
    with engine.begin() as conn:
        uid = _user(conn)
        store.insert_session(conn, token_hash=store.sha256_hex("s"), user_id=uid, csrf_token="c", ip=None, now=T0)
        tid = store.insert_token(conn, user_id=uid, name="script", token_hash=store.sha256_hex("t"), now=T0)
    with engine.connect() as conn:
        assert store.get_session(conn, store.sha256_hex("s"))["last_seen"] == T0  # type: ignore[index]
        tok = store.get_token_by_hash(conn, store.sha256_hex("t"))
        assert tok is not None and tok["id"] == tid and "token_hash" not in tok
    assert store.sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2
    with engine.begin() as conn:
        assert store.delete_idle_sessions(conn, T0 - timedelta(seconds=1)) == 0
        assert store.delete_idle_sessions(conn, T0) == 1
        store.revoke_token(conn, tid, T0 + timedelta(minutes=1))
        store.revoke_token(conn, tid, T0 + timedelta(minutes=2))  # first revocation time is kept
    with engine.connect() as conn:
        assert store.list_tokens(conn, uid)[0]["revoked_at"] == T0 + timedelta(minutes=1)


def test_recent_failures_reset_by_success_per_username_only(engine: Engine) -> None:
    with engine.begin() as conn:
        for minute, ok in [(0, False), (1, False), (2, True), (3, False), (4, False)]:
            store.record_login_attempt(conn, username="alice", ip="1.2.3.4", ok=ok, now=T0 + timedelta(minutes=minute))
    since = T0 - timedelta(minutes=15)
    with engine.connect() as conn:
        by_user = store.recent_failures(conn, since=since, username="alice")
        assert by_user == [T0 + timedelta(minutes=4), T0 + timedelta(minutes=3)]
        assert len(store.recent_failures(conn, since=since, ip="1.2.3.4")) == 4
        assert store.recent_failures(conn, since=T0 + timedelta(minutes=3), ip="1.2.3.4") == [T0 + timedelta(minutes=4)]
        with pytest.raises(ValueError):
            store.recent_failures(conn, since=since)
    with engine.begin() as conn:
        assert store.prune_login_attempts(conn, T0 + timedelta(minutes=2)) == 2


def test_active_grants_skip_revoked_and_expired(engine: Engine) -> None:
    with engine.begin() as conn:
        args = {"grantee_region": "110000", "dataset": "*", "tables": ["capacities"], "fields": None,
                "created_by": "admin", "note": "", "now": T0}
        g1 = store.insert_grant(conn, grantor_region="130000", expires_at=None, **args)  # type: ignore[arg-type]
        g2 = store.insert_grant(conn, grantor_region="130000", expires_at=T0 + timedelta(days=1), **args)  # type: ignore[arg-type]
        g3 = store.insert_grant(conn, grantor_region="120000", expires_at=None, **args)  # type: ignore[arg-type]
        store.revoke_grant(conn, g3, T0)
    with engine.connect() as conn:
        assert [g["id"] for g in store.active_grants(conn, T0)] == [g1, g2]
        assert [g["id"] for g in store.active_grants(conn, T0 + timedelta(days=1))] == [g1]
        assert store.get_grant(conn, g2)["expires_at"] == T0 + timedelta(days=1)  # type: ignore[index]
        assert [g["id"] for g in store.list_grants(conn, ["120000"])] == [g3]
        assert [g["id"] for g in store.list_grants(conn, ["110000"])] == [g1, g2, g3]
        assert store.list_grants(conn, []) == []


def test_settings_first_writer_wins(engine: Engine) -> None:
    with engine.begin() as conn:
        assert store.get_setting(conn, "k") is None
        assert store.setting_or_insert(conn, "k", "one") == "one"
        assert store.setting_or_insert(conn, "k", "two") == "one"
