"""Accounts use cases: users (argon2id), login with throttling, sessions with CSRF tokens, API tokens,
data-sharing grants, the audit log and the demo accounts (docs/web.md).

``Accounts(engine)`` is the one object the web layer and the CLI talk to. Every write it makes
(users, grants, tokens, sessions, logins — successful, failed and throttled) is appended to the
audit log in the same transaction as the change; before/after never contain password hashes,
passwords, tokens or CSRF tokens. Time comes from ``clock`` (injectable for tests).
"""

from __future__ import annotations

import contextlib
import math
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.engine import Engine

from chainleader.governance.access import (
    ALL_FIELDS,
    CONFIDENTIAL_TABLES,
    Action,
    Grant,
    Principal,
    Role,
    can,
)
from chainleader.model import reference
from chainleader.model.errors import (
    AuthError,
    ConfigError,
    LimitError,
    NotFoundError,
    PermissionDenied,
    StoreError,
    ThrottledError,
)
from chainleader.store.db import accounts as store
from chainleader.store.db.guard import db_errors

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,31}$")
CHAIN_SCOPE_RE = re.compile(r"^(\*|[A-Za-z0-9][A-Za-z0-9._-]*/(\*|[A-Za-z0-9][A-Za-z0-9._-]*))$")
PASSWORD_MIN = 10
PASSWORD_MAX = 1024
TOKEN_PREFIX = "clt_"
TOKEN_NAME_MAX = 100
MAX_FAILURES = 5
THROTTLE_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=1)
PAGE_SIZE_MAX = 200
OUTCOMES = ("ok", "denied", "failed")
PSEUDONYM_SECRET_KEY = "pseudonym_secret"
DEMO_DATASET = "nev-jjj"

# Keys never written to the audit log, at any depth of before/after.
_SECRET_KEYS = frozenset({"password", "password_hash", "token", "token_hash", "csrf_token", "secret",
                          "plaintext", "session", "session_token"})

_BAD_LOGIN = ("用户名或密码错误。请检查后重试；同一账号或地址 15 分钟内连续失败 5 次将被暂停登录 15 分钟。",
              "wrong username or password; check them and retry. After 5 failures within 15 minutes "
              "for an account or address, logins are paused for 15 minutes.")


def _msg(zh: str, en: str) -> str:
    return f"{zh} / {en}"


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def _system_clock() -> datetime:
    return datetime.now(UTC)


def _clean(value: Any) -> Any:
    """before/after for the audit log: secret keys dropped, sets as sorted lists, datetimes as ISO text."""
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items() if str(k) not in _SECRET_KEYS}
    if isinstance(value, set | frozenset):
        return sorted(_clean(v) for v in value)
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if isinstance(value, datetime):
        return _utc(value).isoformat()
    return value


def _principal(row: Mapping[str, Any]) -> Principal:
    return Principal(
        user_id=int(row["id"]),
        username=str(row["username"]),
        role=Role(str(row["role"])),
        regions=frozenset(str(r) for r in row["regions"] or ()),
        chains=frozenset(str(c) for c in row["chains"] or ()),
        enterprise=None if row["enterprise"] is None else str(row["enterprise"]),
        display_name=str(row["display_name"] or ""),
    )


def _public_user(row: Mapping[str, Any]) -> dict[str, Any]:
    """A user as shown to administrators and written to the audit log (no password hash)."""
    return {
        "id": int(row["id"]),
        "username": str(row["username"]),
        "display_name": str(row["display_name"] or ""),
        "role": str(row["role"]),
        "regions": sorted(str(r) for r in row["regions"] or ()),
        "chains": sorted(str(c) for c in row["chains"] or ()),
        "enterprise": row["enterprise"],
        "active": bool(row["active"]),
        "created_at": row.get("created_at"),
        "updated_at": row.get("updated_at"),
    }


def _grant(row: Mapping[str, Any]) -> Grant:
    fields = row["fields"]
    return Grant(
        id=int(row["id"]),
        grantor_region=str(row["grantor_region"]),
        grantee_region=str(row["grantee_region"]),
        dataset=str(row["dataset"]),
        tables=frozenset(str(t) for t in row["tables"]),
        fields=None if fields is None else frozenset(str(f) for f in fields),
        expires_at=row["expires_at"],
        created_by=str(row["created_by"]),
        note=str(row["note"] or ""),
    )


def _grant_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": int(row["id"]),
        "grantor_region": str(row["grantor_region"]),
        "grantee_region": str(row["grantee_region"]),
        "dataset": str(row["dataset"]),
        "tables": sorted(row["tables"]),
        "fields": None if row["fields"] is None else sorted(row["fields"]),
        "expires_at": row["expires_at"],
        "created_by": str(row["created_by"]),
        "created_at": row["created_at"],
        "revoked_at": row["revoked_at"],
        "note": str(row["note"] or ""),
    }


def _page(page: int, page_size: int) -> tuple[int, int]:
    if not isinstance(page, int) or page < 1:
        raise LimitError(_msg(f"页码 page 必须是不小于 1 的整数（当前 {page!r}）。",
                              f"page must be an integer >= 1 (got {page!r})."), limit="page >= 1")
    if not isinstance(page_size, int) or not 1 <= page_size <= PAGE_SIZE_MAX:
        raise LimitError(_msg(f"每页条数 page_size 必须在 1–{PAGE_SIZE_MAX} 之间（当前 {page_size!r}）。",
                              f"page_size must be between 1 and {PAGE_SIZE_MAX} (got {page_size!r})."),
                         limit=f"page_size <= {PAGE_SIZE_MAX}")
    return (page - 1) * page_size, page_size


@cache
def _province_codes() -> frozenset[str]:
    return frozenset(d.code for d in reference.provinces())


def _region_problems(regions: Iterable[str], label: str) -> list[tuple[str, str]]:
    valid = _province_codes()
    out = []
    for r in regions:
        if not isinstance(r, str) or r not in valid:
            out.append((f"{label} {r!r} 不是省级行政区划代码；请填 6 位、以 0000 结尾的 GB/T 2260 代码，如 130000（河北）",
                        f"{label} {r!r} is not a province code; give a 6-digit GB/T 2260 code ending in 0000, "
                        f"e.g. 130000 (Hebei)"))
    return out


def _refuse(problems: Sequence[tuple[str, str]]) -> None:
    if problems:
        raise ConfigError(_msg("；".join(p[0] for p in problems) + "。", "; ".join(p[1] for p in problems) + "."))


def _user_problems(role: Role, regions: Sequence[str], chains: Sequence[str],
                   enterprise: str | None) -> list[tuple[str, str]]:
    problems = _region_problems(regions, "地区 / region")
    if role in (Role.OFFICE, Role.ANALYST) and not regions:
        problems.append((f"角色 {role.label_zh} 至少需要一个地区（regions），如 130000",
                         f"role {role.value} needs at least one region (regions), e.g. 130000"))
    if role not in (Role.OFFICE, Role.ANALYST) and regions:
        problems.append((f"角色 {role.label_zh} 不按地区授权，请不要填写 regions",
                         f"role {role.value} is not scoped by region; leave regions empty"))
    for c in chains:
        if not isinstance(c, str) or not CHAIN_SCOPE_RE.match(c):
            problems.append((f"产业链范围 {c!r} 格式不对；请写 *、数据集/* 或 数据集/产业链，如 nev-jjj/nev",
                             f"chain scope {c!r} is malformed; write *, <dataset>/* or <dataset>/<chain>, "
                             f"e.g. nev-jjj/nev"))
    if role is Role.ENTERPRISE and not (isinstance(enterprise, str) and enterprise.strip()):
        problems.append(("企业用户必须指定所属企业编号（enterprise），如 E0006",
                         "an enterprise user needs its enterprise id (enterprise), e.g. E0006"))
    if role is not Role.ENTERPRISE and enterprise is not None:
        problems.append((f"只有企业用户才能指定所属企业；角色 {role.label_zh} 请不要填写 enterprise",
                         f"only enterprise users belong to an enterprise; leave enterprise empty for {role.value}"))
    return problems


def _password_problems(password: object) -> list[tuple[str, str]]:
    if not isinstance(password, str) or len(password) < PASSWORD_MIN:
        return [(f"密码至少需要 {PASSWORD_MIN} 个字符", f"the password needs at least {PASSWORD_MIN} characters")]
    if len(password) > PASSWORD_MAX:
        return [(f"密码不能超过 {PASSWORD_MAX} 个字符", f"the password must not exceed {PASSWORD_MAX} characters")]
    return []


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ConfigError(_msg(f"未知角色 {role!r}；可选：{', '.join(r.value for r in Role)}",
                               f"unknown role {role!r}; choose one of {', '.join(r.value for r in Role)}")) from None


class Accounts:
    """Users, sessions, tokens, grants and the audit log in one database (migrated to head).

    ``clock`` returns the current time (aware UTC); ``hasher`` is the argon2id PasswordHasher
    (default parameters: RFC 9106 low-memory profile as chosen by argon2-cffi).
    """

    def __init__(self, engine: Engine, *, clock: Callable[[], datetime] | None = None,
                 hasher: PasswordHasher | None = None) -> None:
        self.engine = engine
        self._clock = clock or _system_clock
        self._hasher = hasher or PasswordHasher()
        self._dummy_hash: str | None = None
        self._secret: str | None = None
        # called after every grant change (the workspace drops its cached grants, so a revoke acts at once)
        self.on_grants_changed: list[Callable[[], None]] = []

    def _grants_changed(self) -> None:
        for listener in self.on_grants_changed:
            listener()

    def __repr__(self) -> str:
        return f"Accounts({self.engine.url.render_as_string(hide_password=True)!r})"

    def _now(self) -> datetime:
        return _utc(self._clock())

    # --- audit ------------------------------------------------------------------------------------

    def audit(self, actor: Principal | str | None, action: str, target: str, outcome: str = "ok",
              ip: str | None = None, before: Any = None, after: Any = None) -> int:
        """Append one row to the audit log (for writes and denied accesses elsewhere: uploads, runs ...)."""
        with db_errors(self.engine, "写入审计日志", "write the audit log"), self._tx() as conn:
            return self._audit(conn, actor, action, target, outcome, ip, before, after)

    def _audit(self, conn: sa.Connection, actor: Principal | str | None, action: str, target: str,
               outcome: str = "ok", ip: str | None = None, before: Any = None, after: Any = None) -> int:
        if outcome not in OUTCOMES:
            raise ConfigError(_msg(f"审计结果 outcome 必须是 {'/'.join(OUTCOMES)} 之一（当前 {outcome!r}）",
                                   f"audit outcome must be one of {', '.join(OUTCOMES)} (got {outcome!r})"))
        if not isinstance(action, str) or not action.strip():
            raise ConfigError(_msg("审计动作 action 不能为空", "the audit action must not be empty"))
        name = actor.username if isinstance(actor, Principal) else actor
        if ip is None and isinstance(actor, Principal):
            ip = actor.ip
        return store.insert_audit(conn, actor=name, action=action, target=str(target), outcome=outcome, ip=ip,
                                  before=_clean(before), after=_clean(after), now=self._now())

    def list_audit(self, page: int = 1, page_size: int = 50, *, actor: str | None = None,
                   action: str | None = None, outcome: str | None = None) -> tuple[list[dict[str, Any]], int]:
        """One page of the audit log, newest first, and the number of matching rows."""
        offset, limit = _page(page, page_size)
        with db_errors(self.engine, "读取审计日志", "read the audit log"), self.engine.connect() as conn:
            return store.list_audit(conn, offset=offset, limit=limit, actor=actor, action=action, outcome=outcome)

    def _denied(self, actor: Principal | None, action: str, target: str, zh: str, en: str,
                ip: str | None = None) -> PermissionDenied:
        self.audit(actor, action, target, "denied", ip)
        return PermissionDenied(_msg(zh, en))

    # --- users ------------------------------------------------------------------------------------

    def create_user(self, username: str, password: str, role: Role | str, *, regions: Iterable[str] = (),
                    chains: Iterable[str] = ("*",), enterprise: str | None = None, display_name: str = "",
                    actor: Principal | None = None) -> Principal:
        """Create a user; ``actor`` (when given) must be an administrator. Raises ConfigError listing every problem."""
        if actor is not None and not can(actor, Action.MANAGE_USERS):
            raise self._denied(actor, "user.create", str(username),
                               "只有系统管理员可以创建用户。", "only system administrators may create users.")
        r = _role(role)
        regs, chs = sorted(set(regions)), sorted(set(chains))
        name = username.strip() if isinstance(username, str) else ""
        problems: list[tuple[str, str]] = []
        if not USERNAME_RE.match(name):
            problems.append((f"用户名 {username!r} 不合规：需 3–32 位小写字母、数字或 . _ -，以字母或数字开头",
                             f"username {username!r} is invalid: use 3-32 lower-case letters, digits or . _ -, "
                             f"starting with a letter or digit"))
        problems += _password_problems(password)
        problems += _user_problems(r, regs, chs, enterprise)
        _refuse(problems)
        hashed = self._hasher.hash(password)
        with db_errors(self.engine, "创建用户", "create the user"), self._tx() as conn:
            if store.user_id_by_username(conn, name) is not None:
                raise ConfigError(_msg(f"用户名 {name!r} 已存在；请换一个用户名，或修改现有用户。",
                                       f"username {name!r} already exists; choose another or update that user."))
            uid = store.insert_user(conn, username=name, password_hash=hashed, role=r.value, regions=regs,
                                    chains=chs, enterprise=enterprise, display_name=display_name, active=True,
                                    now=self._now())
            row = store.get_user(conn, uid)
            assert row is not None
            self._audit(conn, actor, "user.create", f"user:{name}", after=_public_user(row))
        return _principal(row)

    def get_user(self, user_id: int) -> dict[str, Any]:
        """A user (without password hash); NotFoundError when there is none."""
        with db_errors(self.engine, "读取用户", "read the user"), self.engine.connect() as conn:
            row = store.get_user(conn, user_id)
        if row is None:
            raise NotFoundError(_msg(f"用户 id={user_id} 不存在。", f"user id={user_id} does not exist."))
        return _public_user(row)

    def principal(self, user_id: int) -> Principal | None:
        """The principal of an active user, None when unknown or deactivated."""
        with db_errors(self.engine, "读取用户", "read the user"), self.engine.connect() as conn:
            row = store.get_user(conn, user_id)
        return _principal(row) if row is not None and row["active"] else None

    def list_users(self, page: int = 1, page_size: int = 50) -> tuple[list[dict[str, Any]], int]:
        offset, limit = _page(page, page_size)
        with db_errors(self.engine, "列出用户", "list users"), self.engine.connect() as conn:
            rows, total = store.list_users(conn, offset=offset, limit=limit)
        return [_public_user(r) for r in rows], total

    def update_user(self, user_id: int, *, actor: Principal, role: Role | str | None = None,
                    regions: Iterable[str] | None = None, chains: Iterable[str] | None = None,
                    active: bool | None = None, password: str | None = None, enterprise: str | None = None,
                    display_name: str | None = None) -> Principal:
        """Change a user. Administrators may change anything; a user may change only their own password.

        A password change or deactivation ends the user's sessions. The last active administrator
        cannot be deactivated or demoted.
        """
        own_password_only = (actor.user_id == user_id and password is not None and role is None and regions is None
                             and chains is None and active is None and enterprise is None and display_name is None)
        if not (can(actor, Action.MANAGE_USERS) or own_password_only):
            raise self._denied(actor, "user.update", f"user_id:{user_id}",
                               "只有系统管理员可以修改用户（本人只能修改自己的密码）。",
                               "only system administrators may change users (users may change their own password).")
        if password is not None:
            _refuse(_password_problems(password))
        with db_errors(self.engine, "修改用户", "update the user"), self._tx() as conn:
            row = store.get_user(conn, user_id)
            if row is None:
                raise NotFoundError(_msg(f"用户 id={user_id} 不存在。", f"user id={user_id} does not exist."))
            before = _public_user(row)
            new_role = _role(role) if role is not None else Role(str(row["role"]))
            new_regions = sorted(set(regions)) if regions is not None else list(row["regions"])
            new_chains = sorted(set(chains)) if chains is not None else list(row["chains"])
            new_enterprise = enterprise if enterprise is not None else row["enterprise"]
            if role is not None and new_role is not Role.ENTERPRISE and enterprise is None:
                new_enterprise = None  # leaving the enterprise role drops the firm
            if role is not None and new_role not in (Role.OFFICE, Role.ANALYST) and regions is None:
                new_regions = []
            _refuse(_user_problems(new_role, new_regions, new_chains, new_enterprise))
            values: dict[str, Any] = {"role": new_role.value, "regions": new_regions, "chains": new_chains,
                                      "enterprise": new_enterprise}
            if active is not None:
                values["active"] = bool(active)
            if display_name is not None:
                values["display_name"] = display_name
            still_admin = new_role is Role.ADMIN and values.get("active", row["active"])
            was_admin = row["role"] == Role.ADMIN.value and row["active"]
            if was_admin and not still_admin and store.count_active_users(conn, Role.ADMIN.value) <= 1:
                raise ConfigError(_msg("不能停用或降级最后一个在用的系统管理员；请先创建另一个管理员。",
                                       "cannot deactivate or demote the last active administrator; "
                                       "create another administrator first."))
            if password is not None:
                values["password_hash"] = self._hasher.hash(password)
            store.update_user(conn, user_id, values, self._now())
            if password is not None or values.get("active") is False:
                store.delete_user_sessions(conn, user_id)
            after_row = store.get_user(conn, user_id)
            assert after_row is not None
            after = _public_user(after_row)
            if password is not None:
                after["password_changed"] = True
            self._audit(conn, actor, "user.update", f"user:{row['username']}", before=before, after=after)
        return _principal(after_row)

    # --- login --------------------------------------------------------------------------------------

    def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(24))
        return self._dummy_hash

    def _retry_after(self, failures: Sequence[datetime], now: datetime) -> int:
        if len(failures) < MAX_FAILURES:
            return 0
        until = failures[MAX_FAILURES - 1] + THROTTLE_WINDOW
        return max(1, math.ceil((until - now).total_seconds()))

    def authenticate(self, username: str, password: str, ip: str | None = None) -> Principal:
        """The principal for a correct username and password of an active user.

        Raises AuthError (the same message for an unknown user and a wrong password; a dummy hash
        is verified for unknown users so the time taken does not tell them apart) and
        ThrottledError(retry_after) once the username or the address has 5 failures within 15
        minutes — then for 15 minutes, without checking the password. A success resets the
        username's counter. Every attempt is audited.
        """
        name = (username or "").strip().lower()[:200] if isinstance(username, str) else ""
        now = self._now()
        since = now - THROTTLE_WINDOW
        with db_errors(self.engine, "登录", "sign in"), self._tx() as conn:
            by_user = store.recent_failures(conn, since=since, username=name, limit=MAX_FAILURES)
            by_ip = store.recent_failures(conn, since=since, ip=ip, limit=MAX_FAILURES) if ip else []
            wait = max(self._retry_after(by_user, now), self._retry_after(by_ip, now))
            if wait:
                self._audit(conn, name or None, "login", f"user:{name}", "denied", ip,
                            after={"reason": "throttled", "retry_after": wait})
        if wait:
            minutes = math.ceil(wait / 60)
            raise ThrottledError(_msg(f"登录失败次数过多，已暂停登录；请 {minutes} 分钟后再试。",
                                      f"too many failed sign-ins; signing in is paused, retry in {minutes} min."),
                                 retry_after=wait)
        with db_errors(self.engine, "登录", "sign in"), self.engine.connect() as conn:
            row = store.get_user_by_username(conn, name)
        ok = False
        if row is None:
            with contextlib.suppress(VerificationError):  # same work as for a real user: timing tells nothing
                self._hasher.verify(self._dummy(), password if isinstance(password, str) else "")
        else:
            try:
                ok = self._hasher.verify(str(row["password_hash"]), password if isinstance(password, str) else "")
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
        inactive = ok and row is not None and not row["active"]
        success = ok and not inactive
        rehashed = False
        with db_errors(self.engine, "登录", "sign in"), self._tx() as conn:
            store.record_login_attempt(conn, username=name, ip=ip, ok=success, now=self._now())
            if success and row is not None and self._hasher.check_needs_rehash(str(row["password_hash"])):
                store.update_user(conn, int(row["id"]), {"password_hash": self._hasher.hash(password)}, self._now())
                rehashed = True
            if success:
                self._audit(conn, name, "login", f"user:{name}", "ok", ip, after={"rehashed": rehashed})
            else:
                reason = "inactive" if inactive else "bad_credentials"
                self._audit(conn, name or None, "login", f"user:{name}", "failed", ip, after={"reason": reason})
        if inactive:
            raise AuthError(_msg("该账号已停用；请联系系统管理员恢复。",
                                 "this account is deactivated; ask a system administrator to reactivate it."))
        if not success or row is None:
            raise AuthError(_msg(*_BAD_LOGIN))
        return _principal(row)

    # --- sessions -----------------------------------------------------------------------------------

    def open_session(self, p: Principal, ip: str | None = None) -> tuple[str, str]:
        """Start a session for ``p``: (session token for the cookie, CSRF token). Only SHA-256 of the token is stored."""
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with db_errors(self.engine, "创建会话", "open the session"), self._tx() as conn:
            if store.get_user(conn, p.user_id) is None:
                raise NotFoundError(_msg(f"用户 id={p.user_id} 不存在。", f"user id={p.user_id} does not exist."))
            store.insert_session(conn, token_hash=store.sha256_hex(token), user_id=p.user_id, csrf_token=csrf,
                                 ip=ip, now=self._now())
            self._audit(conn, p, "session.open", f"user:{p.username}", "ok", ip)
        return token, csrf

    def session(self, token: str) -> tuple[Principal, str] | None:
        """(principal, CSRF token) of a live session; None when unknown, idle for 8 h or the user is inactive."""
        if not isinstance(token, str) or not token:
            return None
        digest = store.sha256_hex(token)
        now = self._now()
        with db_errors(self.engine, "读取会话", "read the session"), self.engine.connect() as conn:
            row = store.get_session(conn, digest)
            if row is None:
                return None
            user = store.get_user(conn, int(row["user_id"]))
        if now - row["last_seen"] >= SESSION_IDLE or user is None or not user["active"]:
            self._bookkeeping("结束会话", "end the session", lambda c: store.delete_session(c, digest))
            return None
        if now - row["last_seen"] >= TOUCH_EVERY:
            self._bookkeeping("记录会话时间", "record the session's last use",
                              lambda c: store.touch_session(c, digest, now))
        return _principal(user), str(row["csrf_token"])

    def close_session(self, token: str, ip: str | None = None) -> None:
        """End a session (logout); unknown tokens are ignored."""
        if not isinstance(token, str) or not token:
            return
        digest = store.sha256_hex(token)
        with db_errors(self.engine, "结束会话", "close the session"), self._tx() as conn:
            row = store.get_session(conn, digest)
            if row is None:
                return
            user = store.get_user(conn, int(row["user_id"]))
            store.delete_session(conn, digest)
            name = None if user is None else str(user["username"])
            self._audit(conn, name, "logout", f"user:{name}", "ok", ip)

    def purge_idle_sessions(self) -> int:
        """Delete sessions idle for 8 h or more; returns how many."""
        with db_errors(self.engine, "清理会话", "purge sessions"), self._tx() as conn:
            return store.delete_idle_sessions(conn, self._now() - SESSION_IDLE)

    # --- API tokens ---------------------------------------------------------------------------------

    def create_token(self, p: Principal, name: str) -> tuple[int, str]:
        """A new API token for ``p``: (id, plaintext ``clt_…``). The plaintext is shown once and not stored."""
        label = name.strip() if isinstance(name, str) else ""
        if not label or len(label) > TOKEN_NAME_MAX:
            raise ConfigError(_msg(f"令牌名称不能为空，且不超过 {TOKEN_NAME_MAX} 个字符（如 “数据同步脚本”）。",
                                   f"the token name must be 1-{TOKEN_NAME_MAX} characters (e.g. 'sync script')."))
        plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with db_errors(self.engine, "创建令牌", "create the token"), self._tx() as conn:
            user = store.get_user(conn, p.user_id)
            if user is None or not user["active"]:
                raise AuthError(_msg("账号不存在或已停用，不能创建令牌。",
                                     "the account does not exist or is deactivated; it cannot create tokens."))
            tid = store.insert_token(conn, user_id=p.user_id, name=label, token_hash=store.sha256_hex(plaintext),
                                     now=self._now())
            self._audit(conn, p, "token.create", f"token:{tid}", after={"id": tid, "name": label,
                                                                         "user_id": p.user_id})
        return tid, plaintext

    def token_principal(self, plaintext: str) -> Principal | None:
        """The principal of a valid, unrevoked token of an active user; None otherwise."""
        if not isinstance(plaintext, str) or not plaintext.startswith(TOKEN_PREFIX):
            return None
        now = self._now()
        with db_errors(self.engine, "读取令牌", "read the token"), self.engine.connect() as conn:
            row = store.get_token_by_hash(conn, store.sha256_hex(plaintext))
            if row is None or row["revoked_at"] is not None:
                return None
            user = store.get_user(conn, int(row["user_id"]))
            if user is None or not user["active"]:
                return None
        if row["last_used"] is None or now - row["last_used"] >= TOUCH_EVERY:
            tid = int(row["id"])
            self._bookkeeping("记录令牌使用时间", "record the token's last use", lambda c: store.touch_token(c, tid, now))
        return _principal(user)

    @contextlib.contextmanager
    def _tx(self) -> Iterator[sa.Connection]:
        """A write transaction that takes SQLite's write lock up front (BEGIN IMMEDIATE; plain BEGIN elsewhere).

        On SQLite a read transaction that upgrades to a write fails at once with "database is locked" when another
        connection has written since it began (its snapshot is stale; busy_timeout does not apply); every account
        write reads first (throttling, existence, before/after for the audit log), so each one locks first and
        waits up to busy_timeout for the lock instead."""
        with self.engine.connect() as base:
            conn = base.execution_options(sqlite_immediate=True)
            with conn.begin():
                yield conn

    def _bookkeeping(self, zh: str, en: str, write: Callable[[sa.Connection], Any]) -> None:
        """A write after a read-only check (last use of a session or token, an expired session), in its own
        immediate transaction so the hot read path holds no lock."""
        with db_errors(self.engine, zh, en), self._tx() as conn:
            write(conn)

    def list_tokens(self, p: Principal) -> list[dict[str, Any]]:
        """``p``'s tokens (id, name, created_at, last_used, revoked_at), never their values."""
        with db_errors(self.engine, "列出令牌", "list tokens"), self.engine.connect() as conn:
            return store.list_tokens(conn, p.user_id)

    def revoke_token(self, p: Principal, token_id: int) -> None:
        """Revoke one of ``p``'s tokens (administrators: anyone's)."""
        with db_errors(self.engine, "撤销令牌", "revoke the token"), self._tx() as conn:
            row = store.get_token(conn, token_id)
            if row is None:
                raise NotFoundError(_msg(f"令牌 id={token_id} 不存在。", f"token id={token_id} does not exist."))
            owner = int(row["user_id"]) == p.user_id
            if owner or can(p, Action.MANAGE_USERS):
                store.revoke_token(conn, token_id, self._now())
                after = store.get_token(conn, token_id)
                self._audit(conn, p, "token.revoke", f"token:{token_id}", before=row, after=after)
                return
        raise self._denied(p, "token.revoke", f"token:{token_id}",
                           "只能撤销自己的令牌。", "you may revoke only your own tokens.")

    # --- grants -------------------------------------------------------------------------------------

    def _may_grant(self, actor: Principal, grantor_region: str) -> bool:
        return actor.role is Role.ADMIN or (
            can(actor, Action.MANAGE_GRANTS, region=grantor_region) and grantor_region in actor.regions)

    def create_grant(self, actor: Principal, grantor_region: str, grantee_region: str, dataset: str = "*",
                     tables: Iterable[str] = CONFIDENTIAL_TABLES, fields: Iterable[str] | None = None,
                     expires_at: datetime | None = None, note: str = "") -> Grant:
        """Region ``grantor_region`` shares its enterprise-level data with ``grantee_region``.

        Allowed to administrators and to chain-leader offices whose regions include the grantor.
        ``fields`` (None: every field) are column names of the listed tables.
        """
        target = f"grant:{grantor_region}->{grantee_region}"
        if not self._may_grant(actor, grantor_region):
            raise self._denied(actor, "grant.create", target,
                               f"只有系统管理员或 {grantor_region} 的链长办可以共享该地区的数据。",
                               f"only administrators or the chain-leader office of {grantor_region} may share "
                               f"that region's data.")
        tabs = sorted(set(tables))
        flds = None if fields is None else sorted(set(fields))
        problems = _region_problems([grantor_region], "授权方地区 / grantor region")
        problems += _region_problems([grantee_region], "被授权地区 / grantee region")
        if grantor_region == grantee_region:
            problems.append(("授权方与被授权地区相同，无需授权", "grantor and grantee are the same region; no grant needed"))
        if not isinstance(dataset, str) or not dataset.strip() or len(dataset) > 200:
            problems.append(("数据集名称不能为空（全部数据集请填 *）", "the dataset name is empty (use * for every dataset)"))
        bad_tables = [t for t in tabs if t not in CONFIDENTIAL_TABLES]
        if not tabs or bad_tables:
            problems.append((f"数据表须为 {', '.join(sorted(CONFIDENTIAL_TABLES))} 中的一个或多个（当前 {tabs}）",
                             f"tables must be one or more of {', '.join(sorted(CONFIDENTIAL_TABLES))} (got {tabs})"))
        if flds is not None:
            known = set().union(*(ALL_FIELDS[t] for t in tabs if t in ALL_FIELDS))
            unknown = [f for f in flds if f not in known]
            if not flds or unknown:
                problems.append((f"字段 {unknown or flds} 不属于所选数据表；请填写这些表的列名，或不填表示全部字段",
                                 f"fields {unknown or flds} are not columns of the chosen tables; list their "
                                 f"column names, or leave fields empty for every field"))
        exp = None if expires_at is None else _utc(expires_at)
        if exp is not None and exp <= self._now():
            problems.append(("到期时间已过；请填写将来的时间，或不填表示长期有效",
                             "expires_at is in the past; give a future time, or none for no expiry"))
        _refuse(problems)
        with db_errors(self.engine, "创建授权", "create the grant"), self._tx() as conn:
            gid = store.insert_grant(conn, grantor_region=grantor_region, grantee_region=grantee_region,
                                     dataset=dataset.strip(), tables=tabs, fields=flds, expires_at=exp,
                                     created_by=actor.username, note=note, now=self._now())
            row = store.get_grant(conn, gid)
            assert row is not None
            self._audit(conn, actor, "grant.create", f"grant:{gid}", after=_grant_dict(row))
        self._grants_changed()
        return _grant(row)

    def revoke_grant(self, actor: Principal, grant_id: int) -> None:
        """Revoke a grant (administrators, or the office of the grantor region)."""
        with db_errors(self.engine, "撤销授权", "revoke the grant"), self._tx() as conn:
            row = store.get_grant(conn, grant_id)
            if row is None:
                raise NotFoundError(_msg(f"授权 id={grant_id} 不存在。", f"grant id={grant_id} does not exist."))
            granted = self._may_grant(actor, str(row["grantor_region"]))
            if granted:
                store.revoke_grant(conn, grant_id, self._now())
                after = store.get_grant(conn, grant_id)
                assert after is not None
                self._audit(conn, actor, "grant.revoke", f"grant:{grant_id}", before=_grant_dict(row),
                            after=_grant_dict(after))
        if granted:
            self._grants_changed()
            return
        raise self._denied(actor, "grant.revoke", f"grant:{grant_id}",
                           f"只有系统管理员或 {row['grantor_region']} 的链长办可以撤销该授权。",
                           f"only administrators or the chain-leader office of {row['grantor_region']} may "
                           f"revoke this grant.")

    def list_grants(self, p: Principal) -> list[dict[str, Any]]:
        """Grants ``p`` may see: administrators all; others those where one of their regions is grantor or grantee."""
        with db_errors(self.engine, "列出授权", "list grants"), self.engine.connect() as conn:
            rows = store.list_grants(conn, None if p.role is Role.ADMIN else sorted(p.regions))
        return [_grant_dict(r) for r in rows]

    def active_grants(self, now: datetime | None = None) -> list[Grant]:
        """Grants in force at ``now`` (not revoked, not expired), for :func:`governance.access.visibility`."""
        at = _utc(now) if now is not None else self._now()
        with db_errors(self.engine, "读取授权", "read grants"), self.engine.connect() as conn:
            return [_grant(r) for r in store.active_grants(conn, at)]

    # --- deployment secret and demo accounts --------------------------------------------------------

    def pseudonym_secret(self) -> str:
        """The per-deployment secret keying enterprise pseudonyms (created on first use, kept in the database)."""
        if self._secret is None:
            candidate = secrets.token_hex(32)
            try:
                with db_errors(self.engine, "读取部署密钥", "read the deployment secret"), self._tx() as conn:
                    self._secret = store.setting_or_insert(conn, PSEUDONYM_SECRET_KEY, candidate)
            except StoreError:
                with self.engine.connect() as conn:  # another process stored its secret first: use that one
                    found = store.get_setting(conn, PSEUDONYM_SECRET_KEY)
                if found is None:
                    raise
                self._secret = found
        return self._secret

    def seed_demo_accounts(self) -> list[dict[str, Any]]:
        """Create the demo accounts that do not exist yet (idempotent).

        Returns one entry per demo account: username, password (random, only for accounts created
        by this call; None for ones that already existed), role, regions, enterprise,
        description_zh, created.
        """
        from chainleader.services.datasets import load_dataset

        ent = load_dataset(DEMO_DATASET).enterprises
        hebei = ent[(ent["country"] == "CN") & ent["region"].fillna("").str.startswith("13")]
        masters = hebei[hebei["tags"].fillna("").str.split(";").map(lambda t: "chain_master" in t)]
        firm_row = (masters if len(masters) else hebei).sort_values("id").iloc[0]
        firm = str(firm_row["id"])
        specs: list[dict[str, Any]] = [
            {"username": "admin", "role": Role.ADMIN, "regions": [], "enterprise": None,
             "description_zh": "系统管理员：用户、角色、授权与审计日志"},
            {"username": "hebei-office", "role": Role.OFFICE, "regions": ["130000"], "enterprise": None,
             "description_zh": "河北省链长办：查看全部产业链与河北企业数据，运行情景，上传数据，向其他地区授权"},
            {"username": "beijing-office", "role": Role.OFFICE, "regions": ["110000"], "enterprise": None,
             "description_zh": "北京市链长办：只能看到北京企业数据（及获授权的数据）"},
            {"username": "tianjin-analyst", "role": Role.ANALYST, "regions": ["120000"], "enterprise": None,
             "description_zh": "天津市分析员：查看天津企业数据，运行情景"},
            {"username": "observer", "role": Role.OBSERVER, "regions": [], "enterprise": None,
             "description_zh": "只读观察员：只看产业链汇总，不看企业级数据"},
            {"username": "enterprise-demo", "role": Role.ENTERPRISE, "regions": [], "enterprise": firm,
             "description_zh": f"企业用户：{firm_row['name_zh']}（{firm}，河北），只看本企业数据"},
        ]
        out = []
        for spec in specs:
            with self.engine.connect() as conn:
                exists = store.user_id_by_username(conn, spec["username"]) is not None
            password = None
            if not exists:
                password = secrets.token_urlsafe(12)
                try:
                    self.create_user(spec["username"], password, spec["role"], regions=spec["regions"],
                                     enterprise=spec["enterprise"], display_name=spec["description_zh"].split("：")[0])
                except (ConfigError, StoreError):
                    with self.engine.connect() as conn:
                        if store.user_id_by_username(conn, spec["username"]) is None:
                            raise
                    password = None  # created concurrently by another process
            out.append({"username": spec["username"], "password": password, "role": spec["role"].value,
                        "regions": spec["regions"], "enterprise": spec["enterprise"],
                        "description_zh": spec["description_zh"], "created": password is not None})
        return out
