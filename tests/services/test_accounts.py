"""Accounts use cases on SQLite and PostgreSQL: argon2id, throttling, sessions, tokens, grants, audit, demo seeding.

Time is injected through a settable clock (no sleeping); argon2id runs with small cost
parameters so the suite stays fast (a separate test checks the production defaults are argon2id).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2 import Type as Argon2Type
from sqlalchemy.engine import Engine

from chainleader.governance.access import Grant, Principal, Role
from chainleader.model.errors import (
    AuthError,
    ConfigError,
    LimitError,
    NotFoundError,
    PermissionDenied,
    ThrottledError,
)
from chainleader.services.accounts import Accounts
from chainleader.store.db import make_engine, upgrade
from chainleader.store.db.tables import api_tokens, audit_log, sessions, users

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
PW = "correct-horse-battery"
FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def acc(engine: Engine, clock: Clock) -> Accounts:
    return Accounts(engine, clock=clock, hasher=FAST)


@pytest.fixture
def admin(acc: Accounts) -> Principal:
    return acc.create_user("admin", PW, Role.ADMIN)


@pytest.fixture
def hebei(acc: Accounts, admin: Principal) -> Principal:
    return acc.create_user("hebei-office", PW, Role.OFFICE, regions=["130000"], actor=admin)


@pytest.fixture
def beijing(acc: Accounts, admin: Principal) -> Principal:
    return acc.create_user("beijing-office", PW, "office", regions=["110000"], actor=admin)


def audit_rows(acc: Accounts) -> list[dict[str, Any]]:
    rows, total = acc.list_audit(page_size=200)
    assert len(rows) == total
    return list(reversed(rows))  # oldest first


def all_text(engine: Engine) -> str:
    """Every value in every table, as one string (to prove secrets are not stored in the clear)."""
    parts = []
    with engine.connect() as conn:
        for name in sa.inspect(engine).get_table_names():
            for row in conn.exec_driver_sql(f'SELECT * FROM "{name}"'):
                parts.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(parts)


# --- users and passwords ---------------------------------------------------------------------------


def test_password_is_stored_as_argon2id_and_verified(acc: Accounts, engine: Engine, admin: Principal) -> None:
    assert admin.role is Role.ADMIN and admin.username == "admin"
    with engine.connect() as conn:
        stored = conn.execute(sa.select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert acc.authenticate("admin", PW, "10.0.0.1") == admin
    assert acc.authenticate(" Admin ", PW) == admin  # usernames are case-insensitive
    with pytest.raises(AuthError) as wrong:
        acc.authenticate("admin", PW + "x", "10.0.0.1")
    with pytest.raises(AuthError) as unknown:
        acc.authenticate("nobody", PW, "10.0.0.1")
    assert str(wrong.value) == str(unknown.value)  # unknown user and wrong password look the same
    assert "用户名或密码错误" in str(wrong.value) and "wrong username or password" in str(wrong.value)


def test_default_hasher_is_argon2id_with_rfc9106_parameters(engine: Engine) -> None:
    acc = Accounts(engine)  # production defaults
    acc.create_user("alice", PW, Role.OBSERVER)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")  # RFC 9106 low-memory profile
    assert PasswordHasher().type is Argon2Type.ID
    assert acc.authenticate("alice", PW).username == "alice"


def test_outdated_hash_is_rehashed_on_login(engine: Engine, clock: Clock) -> None:
    Accounts(engine, clock=clock, hasher=FAST).create_user("alice", PW, Role.OBSERVER)
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    acc = Accounts(engine, clock=clock, hasher=stronger)
    acc.authenticate("alice", PW)
    with engine.connect() as conn:
        stored = conn.execute(sa.select(users.c.password_hash)).scalar_one()
    assert "m=2048,t=2,p=1" in stored and not stronger.check_needs_rehash(stored)
    assert acc.list_audit(action="login")[0][0]["after"] == {"rehashed": True}
    assert acc.authenticate("alice", PW).username == "alice"


def test_inactive_user_cannot_sign_in(acc: Accounts, admin: Principal, hebei: Principal) -> None:
    acc.update_user(hebei.user_id, actor=admin, active=False)
    with pytest.raises(AuthError) as info:
        acc.authenticate("hebei-office", PW)
    assert "停用" in str(info.value) and "deactivated" in str(info.value)
    assert acc.principal(hebei.user_id) is None and acc.principal(admin.user_id) == admin


def test_create_user_lists_every_problem(acc: Accounts, admin: Principal) -> None:
    with pytest.raises(ConfigError) as info:
        acc.create_user("X", "short", Role.OFFICE, regions=["130100", "999999"], chains=["bad chain"])
    text = str(info.value)
    for part in ("用户名 'X' 不合规", "at least 10 characters", "'130100' is not a province code", "'999999'",
                 "chain scope 'bad chain'"):
        assert part in text
    with pytest.raises(ConfigError, match="needs its enterprise id"):
        acc.create_user("firm", PW, Role.ENTERPRISE)
    with pytest.raises(ConfigError, match="needs at least one region"):
        acc.create_user("analyst", PW, Role.ANALYST)
    with pytest.raises(ConfigError, match="leave regions empty"):
        acc.create_user("watcher", PW, Role.OBSERVER, regions=["130000"])
    with pytest.raises(ConfigError, match="unknown role"):
        acc.create_user("boss", PW, "boss")
    with pytest.raises(ConfigError, match="already exists"):
        acc.create_user("admin", PW, Role.ADMIN)
    p = acc.create_user("firm", PW, Role.ENTERPRISE, enterprise="E0006", chains=["nev-jjj/nev", "ic/*"])
    assert p.enterprise == "E0006" and p.chains == frozenset({"nev-jjj/nev", "ic/*"}) and p.regions == frozenset()


def test_only_admins_manage_users(acc: Accounts, admin: Principal, hebei: Principal) -> None:
    with pytest.raises(PermissionDenied):
        acc.create_user("mallory", PW, Role.ADMIN, actor=hebei)
    with pytest.raises(PermissionDenied):
        acc.update_user(hebei.user_id, actor=hebei, regions=["110000", "130000"])
    p = acc.update_user(hebei.user_id, actor=admin, role=Role.ANALYST, regions=["110000", "130000"],
                        chains=["nev-jjj/nev"])
    assert p.role is Role.ANALYST and p.regions == frozenset({"110000", "130000"})
    assert acc.get_user(hebei.user_id)["chains"] == ["nev-jjj/nev"]
    p = acc.update_user(hebei.user_id, actor=admin, role=Role.OBSERVER)
    assert p.regions == frozenset()  # leaving a regional role drops the regions
    denied = acc.list_audit(outcome="denied")[0]
    assert [(r["actor"], r["action"]) for r in denied] == [("hebei-office", "user.update"),
                                                          ("hebei-office", "user.create")]
    with pytest.raises(NotFoundError):
        acc.update_user(999, actor=admin, active=False)
    with pytest.raises(NotFoundError):
        acc.get_user(999)


def test_own_password_change_ends_sessions(acc: Accounts, hebei: Principal) -> None:
    token, _ = acc.open_session(hebei)
    acc.update_user(hebei.user_id, actor=hebei, password="a-new-password-1")
    assert acc.session(token) is None
    with pytest.raises(AuthError):
        acc.authenticate("hebei-office", PW)
    assert acc.authenticate("hebei-office", "a-new-password-1") == hebei
    with pytest.raises(ConfigError, match="at least 10"):
        acc.update_user(hebei.user_id, actor=hebei, password="short")


def test_last_admin_cannot_be_removed(acc: Accounts, admin: Principal) -> None:
    with pytest.raises(ConfigError, match="last active administrator"):
        acc.update_user(admin.user_id, actor=admin, active=False)
    with pytest.raises(ConfigError, match="last active administrator"):
        acc.update_user(admin.user_id, actor=admin, role=Role.OBSERVER)
    second = acc.create_user("admin2", PW, Role.ADMIN, actor=admin)
    acc.update_user(admin.user_id, actor=second, active=False)
    assert acc.get_user(admin.user_id)["active"] is False


def test_list_users_pages(acc: Accounts, admin: Principal) -> None:
    for i in range(4):
        acc.create_user(f"user{i}", PW, Role.OBSERVER, actor=admin)
    items, total = acc.list_users(page=2, page_size=2)
    assert total == 5 and [u["username"] for u in items] == ["user1", "user2"]
    assert all("password_hash" not in u for u in items)
    for bad in ({"page": 0}, {"page_size": 0}, {"page_size": 201}):
        with pytest.raises(LimitError):
            acc.list_users(**bad)


# --- throttling ------------------------------------------------------------------------------------


def test_five_failures_throttle_the_username_for_15_minutes(acc: Accounts, clock: Clock, hebei: Principal) -> None:
    for i in range(5):
        with pytest.raises(AuthError):
            acc.authenticate("hebei-office", "wrong-password", f"10.0.0.{i}")
        clock.advance(seconds=1)
    with pytest.raises(ThrottledError) as info:  # even the right password is not checked now
        acc.authenticate("hebei-office", PW, "10.9.9.9")
    assert info.value.retry_after == 15 * 60 - 5  # first failure at T0, now T0 + 5 s
    assert "请 15 分钟后再试" in str(info.value) and "retry in 15 min" in str(info.value)
    clock.advance(seconds=15 * 60 - 5 - 1)
    with pytest.raises(ThrottledError) as info:
        acc.authenticate("hebei-office", PW, "10.9.9.9")
    assert info.value.retry_after == 1
    clock.advance(seconds=1)  # the oldest failure has left the 15-minute window: 4 remain
    assert acc.authenticate("hebei-office", PW, "10.9.9.9") == hebei


def test_success_resets_the_username_counter(acc: Accounts, clock: Clock, hebei: Principal) -> None:
    for _ in range(4):
        with pytest.raises(AuthError):
            acc.authenticate("hebei-office", "wrong-password")
    acc.authenticate("hebei-office", PW)
    for _ in range(4):
        with pytest.raises(AuthError):
            acc.authenticate("hebei-office", "wrong-password")
    assert acc.authenticate("hebei-office", PW) == hebei  # 4 + 4 failures, but never 5 since a success


def test_failures_spread_over_time(acc: Accounts, clock: Clock, hebei: Principal) -> None:
    for _ in range(5):  # one failure a minute: at the 5th, the first is 4 minutes old
        with pytest.raises(AuthError):
            acc.authenticate("hebei-office", "wrong-password")
        clock.advance(minutes=1)
    with pytest.raises(ThrottledError) as info:
        acc.authenticate("hebei-office", PW)
    assert info.value.retry_after == (15 - 5) * 60


def test_five_failures_from_one_address_throttle_it(acc: Accounts, hebei: Principal, beijing: Principal) -> None:
    for i in range(5):  # password spraying: one try per (unknown) user, all from one address
        with pytest.raises(AuthError):
            acc.authenticate(f"guess{i}", "wrong-password", "203.0.113.7")
    with pytest.raises(ThrottledError) as info:
        acc.authenticate("beijing-office", PW, "203.0.113.7")
    assert info.value.retry_after == 15 * 60
    assert acc.authenticate("beijing-office", PW, "198.51.100.1") == beijing  # other addresses are fine
    throttled = acc.list_audit(outcome="denied", action="login")[0]
    assert throttled[0]["after"] == {"reason": "throttled", "retry_after": 900}
    assert throttled[0]["ip"] == "203.0.113.7"


# --- sessions ----------------------------------------------------------------------------------------


def test_session_lifecycle_and_idle_expiry(acc: Accounts, engine: Engine, clock: Clock, hebei: Principal) -> None:
    token, csrf = acc.open_session(hebei, "10.0.0.1")
    assert len(token) >= 43 and len(csrf) >= 43 and token != csrf
    with engine.connect() as conn:
        (stored,) = conn.execute(sa.select(sessions.c.token_hash)).scalars().all()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert acc.session(token) == (hebei, csrf)

    def last_seen() -> datetime:
        with engine.connect() as conn:
            value = conn.execute(sa.select(sessions.c.last_seen)).scalar_one()
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    clock.advance(seconds=59)
    assert acc.session(token) is not None and last_seen() == T0  # not rewritten within a minute
    clock.advance(seconds=1)
    assert acc.session(token) is not None and last_seen() == T0 + timedelta(minutes=1)
    clock.advance(hours=8, seconds=-1)
    assert acc.session(token) is not None  # 7:59:59 idle: still alive, and touched
    clock.advance(hours=8)
    assert acc.session(token) is None  # 8 h idle: expired and removed
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(sessions)).scalar_one() == 0
    assert acc.session("") is None and acc.session("not-a-token") is None


def test_close_session_and_deactivation(acc: Accounts, admin: Principal, hebei: Principal) -> None:
    t1, _ = acc.open_session(hebei)
    t2, _ = acc.open_session(hebei)
    acc.close_session(t1, "10.0.0.1")
    acc.close_session(t1)  # twice is harmless
    assert acc.session(t1) is None and acc.session(t2) is not None
    acc.update_user(hebei.user_id, actor=admin, active=False)
    assert acc.session(t2) is None
    logout = acc.list_audit(action="logout")[0]
    assert [(r["actor"], r["ip"]) for r in logout] == [("hebei-office", "10.0.0.1")]


def test_purge_idle_sessions(acc: Accounts, clock: Clock, hebei: Principal) -> None:
    acc.open_session(hebei)
    clock.advance(hours=7)
    acc.open_session(hebei)
    clock.advance(hours=1)
    assert acc.purge_idle_sessions() == 1


# --- API tokens -------------------------------------------------------------------------------------


def test_token_create_use_revoke(acc: Accounts, engine: Engine, clock: Clock, admin: Principal,
                                 hebei: Principal, beijing: Principal) -> None:
    tid, plaintext = acc.create_token(hebei, "同步脚本")
    assert plaintext.startswith("clt_") and len(plaintext) >= 4 + 43
    assert acc.token_principal(plaintext) == hebei
    assert acc.token_principal(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert acc.token_principal("Bearer " + plaintext) is None and acc.token_principal("") is None
    listed = acc.list_tokens(hebei)
    assert [(t["id"], t["name"]) for t in listed] == [(tid, "同步脚本")]
    assert listed[0]["last_used"] == T0 and set(listed[0]) == {"id", "user_id", "name", "created_at",
                                                              "last_used", "revoked_at"}
    assert acc.list_tokens(beijing) == []
    with engine.connect() as conn:
        assert conn.execute(sa.select(api_tokens.c.token_hash)).scalar_one() == \
            hashlib.sha256(plaintext.encode()).hexdigest()
    with pytest.raises(PermissionDenied):
        acc.revoke_token(beijing, tid)
    assert acc.token_principal(plaintext) == hebei
    acc.revoke_token(hebei, tid)
    assert acc.token_principal(plaintext) is None
    assert acc.list_tokens(hebei)[0]["revoked_at"] == T0
    tid2, plain2 = acc.create_token(hebei, "second")
    acc.revoke_token(admin, tid2)  # administrators may revoke anyone's token
    assert acc.token_principal(plain2) is None
    with pytest.raises(NotFoundError):
        acc.revoke_token(hebei, 999)
    with pytest.raises(ConfigError):
        acc.create_token(hebei, "  ")
    _, plain3 = acc.create_token(hebei, "third")
    acc.update_user(hebei.user_id, actor=admin, active=False)
    assert acc.token_principal(plain3) is None  # tokens die with the account


# --- grants -----------------------------------------------------------------------------------------


def test_grant_permission_rules(acc: Accounts, clock: Clock, admin: Principal, hebei: Principal,
                                beijing: Principal) -> None:
    g = acc.create_grant(hebei, "130000", "110000", "nev-jjj", tables=["capacities"], fields=["capacity"],
                         expires_at=T0 + timedelta(days=30), note="联席会议")
    assert g == Grant(g.id, "130000", "110000", "nev-jjj", frozenset({"capacities"}), frozenset({"capacity"}),
                      T0 + timedelta(days=30), "hebei-office", "联席会议")
    with pytest.raises(PermissionDenied):  # Hebei cannot give away Beijing's data
        acc.create_grant(hebei, "110000", "130000")
    analyst = acc.create_user("tj-analyst", PW, Role.ANALYST, regions=["120000"], actor=admin)
    with pytest.raises(PermissionDenied):  # analysts do not grant, even their own region
        acc.create_grant(analyst, "120000", "130000")
    full = acc.create_grant(admin, "120000", "130000")  # administrators grant any region
    assert full.tables == frozenset({"enterprises", "capacities", "supply_links", "trade"}) and full.fields is None
    with pytest.raises(PermissionDenied):
        acc.revoke_grant(beijing, g.id)  # the grantee cannot revoke
    assert [x.id for x in acc.active_grants()] == [g.id, full.id]
    acc.revoke_grant(hebei, g.id)
    assert [x.id for x in acc.active_grants()] == [full.id]
    with pytest.raises(NotFoundError):
        acc.revoke_grant(admin, 999)
    # visibility of the grant list
    assert [x["id"] for x in acc.list_grants(admin)] == [g.id, full.id]
    assert [x["id"] for x in acc.list_grants(beijing)] == [g.id]
    assert [x["id"] for x in acc.list_grants(analyst)] == [full.id]
    assert acc.list_grants(acc.create_user("obs", PW, Role.OBSERVER, actor=admin)) == []
    assert acc.list_grants(hebei)[0]["revoked_at"] == T0
    denied = [(r["actor"], r["action"]) for r in acc.list_audit(outcome="denied")[0]]
    assert denied == [("beijing-office", "grant.revoke"), ("tj-analyst", "grant.create"), ("hebei-office", "grant.create")]


def test_grant_expiry(acc: Accounts, clock: Clock, hebei: Principal) -> None:
    g = acc.create_grant(hebei, "130000", "110000", expires_at=T0 + timedelta(hours=1))
    assert [x.id for x in acc.active_grants()] == [g.id]
    assert acc.active_grants(T0 + timedelta(hours=1)) == []
    clock.advance(hours=2)
    assert acc.active_grants() == []


def test_grant_validation(acc: Accounts, hebei: Principal) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"grantee_region": "130000"}, "same region"),
        ({"grantee_region": "110100"}, "'110100' is not a province code"),
        ({"tables": ["products"]}, "tables must be one or more of"),
        ({"tables": []}, "tables must be one or more of"),
        ({"tables": ["capacities"], "fields": ["uscc"]}, "are not columns of the chosen tables"),
        ({"expires_at": T0 - timedelta(seconds=1)}, "expires_at is in the past"),
        ({"dataset": ""}, "dataset name is empty"),
    ]
    for kwargs, message in cases:
        args: dict[str, Any] = {"grantee_region": "110000", **kwargs}
        with pytest.raises(ConfigError, match=message):
            acc.create_grant(hebei, "130000", **args)
    assert acc.list_grants(hebei) == []


# --- audit and secrets ------------------------------------------------------------------------------


def test_every_write_is_audited_without_secrets(acc: Accounts, engine: Engine, admin: Principal) -> None:
    office = acc.create_user("hebei-office", PW, Role.OFFICE, regions=["130000"], actor=admin)
    with pytest.raises(AuthError):
        acc.authenticate("hebei-office", "wrong-password-1", "10.0.0.2")
    p = acc.authenticate("hebei-office", PW, "10.0.0.2")
    token, csrf = acc.open_session(p, "10.0.0.2")
    tid, plaintext = acc.create_token(p, "script")
    acc.revoke_token(p, tid)
    g = acc.create_grant(p, "130000", "110000")
    acc.revoke_grant(p, g.id)
    acc.update_user(office.user_id, actor=admin, chains=["nev-jjj/nev"])
    acc.update_user(office.user_id, actor=office, password="another-password")
    acc.close_session(token)
    acc.audit(p, "export.pdf", "nev-jjj/nev", ip="10.0.0.2", after={"pages": 12, "token": "leak"})
    rows = audit_rows(acc)
    assert [(r["actor"], r["action"], r["outcome"]) for r in rows] == [
        (None, "user.create", "ok"),  # the bootstrap administrator, created without an actor
        ("admin", "user.create", "ok"),
        ("hebei-office", "login", "failed"),
        ("hebei-office", "login", "ok"),
        ("hebei-office", "session.open", "ok"),
        ("hebei-office", "token.create", "ok"),
        ("hebei-office", "token.revoke", "ok"),
        ("hebei-office", "grant.create", "ok"),
        ("hebei-office", "grant.revoke", "ok"),
        ("admin", "user.update", "ok"),
        ("hebei-office", "user.update", "ok"),
        # the password change ended the session: close_session finds nothing and writes nothing
        ("hebei-office", "export.pdf", "ok"),
    ]
    assert rows[2]["ip"] == "10.0.0.2" and rows[2]["after"] == {"reason": "bad_credentials"}
    assert rows[1]["after"]["regions"] == ["130000"] and "password_hash" not in rows[1]["after"]
    assert rows[9]["before"]["chains"] == ["*"] and rows[9]["after"]["chains"] == ["nev-jjj/nev"]
    assert rows[10]["after"]["password_changed"] is True
    assert rows[8]["before"]["revoked_at"] is None and rows[8]["after"]["revoked_at"] == T0.isoformat()
    assert rows[-1]["after"] == {"pages": 12}  # secret-named keys are dropped
    everything = all_text(engine)
    for secret in (PW, "wrong-password-1", "another-password", token, csrf, plaintext):
        assert secret not in everything
    audit_text = json.dumps([r for r in rows], default=str, ensure_ascii=False)
    assert "argon2" not in audit_text and "token_hash" not in audit_text
    assert PW not in repr(acc) and PW not in repr(p)
    with pytest.raises(ConfigError):
        acc.audit(p, "x", "y", outcome="maybe")


def test_audit_rows_cannot_be_changed(acc: Accounts, engine: Engine, admin: Principal) -> None:
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
        conn.execute(audit_log.update().values(actor="nobody"))
    with pytest.raises(sa.exc.DBAPIError), engine.begin() as conn:
        conn.execute(audit_log.delete())
    assert [r["actor"] for r in audit_rows(acc)] == [None]


def test_list_audit_filters_and_pages(acc: Accounts, admin: Principal) -> None:
    for _ in range(3):
        with pytest.raises(AuthError):
            acc.authenticate("admin", "wrong-password")
    rows, total = acc.list_audit(page=1, page_size=2, action="login", outcome="failed")
    assert total == 3 and len(rows) == 2 and rows[0]["id"] > rows[1]["id"]
    assert acc.list_audit(actor="admin")[1] == 3
    with pytest.raises(LimitError):
        acc.list_audit(page_size=500)


# --- deployment secret and demo accounts -------------------------------------------------------------


def test_pseudonym_secret_is_stable_per_deployment(engine: Engine, acc: Accounts) -> None:
    s = acc.pseudonym_secret()
    assert len(s) == 64 and int(s, 16) >= 0
    assert Accounts(engine).pseudonym_secret() == s == acc.pseudonym_secret()


def test_demo_accounts_are_seeded_once(acc: Accounts) -> None:
    first = acc.seed_demo_accounts()
    assert [(a["username"], a["role"], a["regions"]) for a in first] == [
        ("admin", "admin", []), ("hebei-office", "office", ["130000"]), ("beijing-office", "office", ["110000"]),
        ("tianjin-analyst", "analyst", ["120000"]), ("observer", "observer", []), ("enterprise-demo", "enterprise", []),
    ]
    assert all(a["created"] and len(a["password"]) >= 10 and a["description_zh"] for a in first)
    assert first[-1]["enterprise"] == "E0006"  # the first Hebei chain-master firm of nev-jjj by id (130600 保定)
    p = acc.authenticate("hebei-office", first[1]["password"])
    assert p.role is Role.OFFICE and p.regions == frozenset({"130000"}) and p.chains == frozenset({"*"})
    assert acc.authenticate("enterprise-demo", first[-1]["password"]).enterprise == "E0006"
    second = acc.seed_demo_accounts()
    assert [a["username"] for a in second] == [a["username"] for a in first]
    assert all(a["password"] is None and not a["created"] for a in second)
    assert acc.list_users()[1] == 6
    assert acc.authenticate("admin", first[0]["password"]).role is Role.ADMIN  # passwords unchanged


class _Ticking:
    """A clock that moves past the touch interval on every read (every call wants to record its use)."""

    def __init__(self) -> None:
        self.now = T0
        self.lock = threading.Lock()

    def __call__(self) -> datetime:
        with self.lock:
            self.now += timedelta(minutes=2)
            return self.now


def test_concurrent_requests_of_one_token_and_session_never_fail_on_the_bookkeeping_write(engine: Engine) -> None:
    """A request reads its token or session and, once a minute, records its last use. Done as a read transaction
    that upgrades to a write, concurrent requests failed at once with "database is locked" on SQLite (a snapshot
    that is no longer the latest cannot be upgraded, whatever busy_timeout says); the write now takes its own
    immediate transaction, which waits for the lock."""
    from concurrent.futures import ThreadPoolExecutor

    acc = Accounts(engine, clock=_Ticking(), hasher=FAST)
    user = acc.create_user("script", PW, Role.ANALYST, regions=["130000"])
    _, token = acc.create_token(user, "load")
    cookie, _ = acc.open_session(user)

    def hit(i: int) -> bool:
        if i % 2:
            return acc.token_principal(token) is not None
        return acc.session(cookie) is not None

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(hit, range(400)))
    assert all(results)
    (token_row,) = acc.list_tokens(user)
    assert token_row["last_used"] is not None and token_row["last_used"] > T0
