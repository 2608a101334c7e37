"""Persistence of accounts: users, sessions, API tokens, login attempts, grants, the audit log, settings.

Plain functions on an SQLAlchemy ``Connection`` so that a use case (``services.accounts``) writes a
change and its audit row in one transaction. Rows come back as plain dicts with aware UTC datetimes.
Secrets never reach these functions in the clear except ``password_hash`` (an argon2id hash) and
the CSRF token of a session: session ids and API tokens are stored as SHA-256 hex digests.

The tables are defined in ``chainleader.store.db.tables`` (migration 0002); ``audit_log`` is
append-only at the database level (triggers refuse UPDATE and DELETE), so there is no function
here that changes or removes audit rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from chainleader.store.db.tables import (
    api_tokens,
    audit_log,
    grants,
    login_attempts,
    sessions,
    settings,
    users,
)
from chainleader.store.db.versions import new_row_id, utc

Row = dict[str, Any]

USER_COLUMNS = ("id", "username", "display_name", "role", "regions", "chains", "enterprise", "active",
                "created_at", "updated_at")  # every column but password_hash


def sha256_hex(secret: str) -> str:
    """The SHA-256 hex digest under which a session id or API token is stored."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _utc_or_none(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else utc(value)


def _row(row: sa.Row[Any], datetimes: Sequence[str]) -> Row:
    out = dict(row._mapping)
    for name in datetimes:
        if name in out:
            out[name] = _utc_or_none(out[name])
    return out


def _page(offset: int, limit: int) -> tuple[int, int]:
    return max(0, int(offset)), max(0, int(limit))


# --- users ---------------------------------------------------------------------------------------


def insert_user(conn: sa.Connection, *, username: str, password_hash: str, role: str, regions: Sequence[str],
                chains: Sequence[str], enterprise: str | None, display_name: str, active: bool,
                now: dt.datetime) -> int:
    """Insert a user; returns the new id (the unique ``username`` constraint refuses duplicates)."""
    at = utc(now)
    result = conn.execute(users.insert().values(
        username=username, password_hash=password_hash, role=role, regions=list(regions), chains=list(chains),
        enterprise=enterprise, display_name=display_name, active=bool(active), created_at=at, updated_at=at,
    ))
    return new_row_id(result)


def get_user(conn: sa.Connection, user_id: int) -> Row | None:
    """The user row without ``password_hash``; None when there is no such user."""
    cols = [users.c[name] for name in USER_COLUMNS]
    row = conn.execute(sa.select(*cols).where(users.c.id == int(user_id))).first()
    return None if row is None else _row(row, ("created_at", "updated_at"))


def get_user_by_username(conn: sa.Connection, username: str) -> Row | None:
    """The user row *with* ``password_hash`` (for authentication only); None when unknown."""
    row = conn.execute(sa.select(users).where(users.c.username == username)).first()
    return None if row is None else _row(row, ("created_at", "updated_at"))


def user_id_by_username(conn: sa.Connection, username: str) -> int | None:
    found = conn.execute(sa.select(users.c.id).where(users.c.username == username)).scalar_one_or_none()
    return None if found is None else int(found)


def update_user(conn: sa.Connection, user_id: int, values: Mapping[str, Any], now: dt.datetime) -> None:
    """Set the given columns (any of role, regions, chains, enterprise, active, display_name, password_hash)."""
    allowed = {"role", "regions", "chains", "enterprise", "active", "display_name", "password_hash"}
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"cannot update user columns {sorted(unknown)}")
    data = dict(values)
    for key in ("regions", "chains"):
        if key in data:
            data[key] = list(data[key])
    conn.execute(users.update().where(users.c.id == int(user_id)).values(**data, updated_at=utc(now)))


def count_active_users(conn: sa.Connection, role: str) -> int:
    q = sa.select(sa.func.count()).select_from(users).where(users.c.role == role, users.c.active.is_(True))
    return int(conn.execute(q).scalar_one())


def list_users(conn: sa.Connection, *, offset: int = 0, limit: int = 50) -> tuple[list[Row], int]:
    """One page of users ordered by id (without password hashes), and the total count."""
    off, lim = _page(offset, limit)
    total = int(conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())
    cols = [users.c[name] for name in USER_COLUMNS]
    rows = conn.execute(sa.select(*cols).order_by(users.c.id).offset(off).limit(lim))
    return [_row(r, ("created_at", "updated_at")) for r in rows], total


# --- sessions ------------------------------------------------------------------------------------


def insert_session(conn: sa.Connection, *, token_hash: str, user_id: int, csrf_token: str, ip: str | None,
                   now: dt.datetime) -> None:
    at = utc(now)
    conn.execute(sessions.insert().values(token_hash=token_hash, user_id=int(user_id), csrf_token=csrf_token,
                                          created_at=at, last_seen=at, ip=ip))


def get_session(conn: sa.Connection, token_hash: str) -> Row | None:
    row = conn.execute(sa.select(sessions).where(sessions.c.token_hash == token_hash)).first()
    return None if row is None else _row(row, ("created_at", "last_seen"))


def touch_session(conn: sa.Connection, token_hash: str, now: dt.datetime) -> None:
    conn.execute(sessions.update().where(sessions.c.token_hash == token_hash).values(last_seen=utc(now)))


def delete_session(conn: sa.Connection, token_hash: str) -> int:
    return int(conn.execute(sessions.delete().where(sessions.c.token_hash == token_hash)).rowcount)


def delete_user_sessions(conn: sa.Connection, user_id: int) -> int:
    """End every session of a user (after a password change, deactivation or role change)."""
    return int(conn.execute(sessions.delete().where(sessions.c.user_id == int(user_id))).rowcount)


def delete_idle_sessions(conn: sa.Connection, last_seen_by: dt.datetime) -> int:
    """Delete sessions last seen at or before ``last_seen_by``; returns how many."""
    return int(conn.execute(sessions.delete().where(sessions.c.last_seen <= utc(last_seen_by))).rowcount)


# --- API tokens ----------------------------------------------------------------------------------

TOKEN_COLUMNS = ("id", "user_id", "name", "created_at", "last_used", "revoked_at")  # all but token_hash
_TOKEN_TIMES = ("created_at", "last_used", "revoked_at")


def insert_token(conn: sa.Connection, *, user_id: int, name: str, token_hash: str, now: dt.datetime) -> int:
    result = conn.execute(api_tokens.insert().values(user_id=int(user_id), name=name, token_hash=token_hash,
                                                     created_at=utc(now)))
    return new_row_id(result)


def get_token_by_hash(conn: sa.Connection, token_hash: str) -> Row | None:
    cols = [api_tokens.c[name] for name in TOKEN_COLUMNS]
    row = conn.execute(sa.select(*cols).where(api_tokens.c.token_hash == token_hash)).first()
    return None if row is None else _row(row, _TOKEN_TIMES)


def get_token(conn: sa.Connection, token_id: int) -> Row | None:
    cols = [api_tokens.c[name] for name in TOKEN_COLUMNS]
    row = conn.execute(sa.select(*cols).where(api_tokens.c.id == int(token_id))).first()
    return None if row is None else _row(row, _TOKEN_TIMES)


def list_tokens(conn: sa.Connection, user_id: int | None = None) -> list[Row]:
    """Tokens (of one user, or all) ordered by id, without their hashes."""
    cols = [api_tokens.c[name] for name in TOKEN_COLUMNS]
    q = sa.select(*cols).order_by(api_tokens.c.id)
    if user_id is not None:
        q = q.where(api_tokens.c.user_id == int(user_id))
    return [_row(r, _TOKEN_TIMES) for r in conn.execute(q)]


def touch_token(conn: sa.Connection, token_id: int, now: dt.datetime) -> None:
    conn.execute(api_tokens.update().where(api_tokens.c.id == int(token_id)).values(last_used=utc(now)))


def revoke_token(conn: sa.Connection, token_id: int, now: dt.datetime) -> None:
    conn.execute(api_tokens.update().where(api_tokens.c.id == int(token_id), api_tokens.c.revoked_at.is_(None))
                 .values(revoked_at=utc(now)))


# --- login attempts ------------------------------------------------------------------------------


def record_login_attempt(conn: sa.Connection, *, username: str, ip: str | None, ok: bool, now: dt.datetime) -> None:
    conn.execute(login_attempts.insert().values(username=username, ip=ip, ok=bool(ok), at=utc(now)))


def recent_failures(conn: sa.Connection, *, since: dt.datetime, username: str | None = None,
                    ip: str | None = None, limit: int = 100) -> list[dt.datetime]:
    """Times of failed attempts after ``since`` for ``username`` or ``ip``, newest first.

    For a username, failures before its latest successful login do not count (a success resets
    the username's counter); the counter of an address is not reset by successes.
    """
    if (username is None) == (ip is None):
        raise ValueError("give exactly one of username and ip")
    la = login_attempts
    start = utc(since)
    if username is not None:
        last_ok = conn.execute(
            sa.select(sa.func.max(la.c.at)).where(la.c.username == username, la.c.ok.is_(True))
        ).scalar_one_or_none()
        if last_ok is not None and utc(last_ok) > start:
            start = utc(last_ok)
        cond = la.c.username == username
    else:
        cond = la.c.ip == ip
    q = (sa.select(la.c.at).where(cond, la.c.ok.is_(False), la.c.at > start)
         .order_by(la.c.at.desc(), la.c.id.desc()).limit(int(limit)))
    return [utc(t) for t in conn.execute(q).scalars()]


def prune_login_attempts(conn: sa.Connection, before: dt.datetime) -> int:
    """Forget attempts older than ``before`` (they no longer count for throttling)."""
    return int(conn.execute(login_attempts.delete().where(login_attempts.c.at < utc(before))).rowcount)


# --- grants --------------------------------------------------------------------------------------

_GRANT_TIMES = ("expires_at", "created_at", "revoked_at")


def insert_grant(conn: sa.Connection, *, grantor_region: str, grantee_region: str, dataset: str,
                 tables: Sequence[str], fields: Sequence[str] | None, expires_at: dt.datetime | None,
                 created_by: str, note: str, now: dt.datetime) -> int:
    result = conn.execute(grants.insert().values(
        grantor_region=grantor_region, grantee_region=grantee_region, dataset=dataset, tables=sorted(tables),
        fields=None if fields is None else sorted(fields), expires_at=_utc_or_none(expires_at),
        created_by=created_by, created_at=utc(now), note=note,
    ))
    return new_row_id(result)


def get_grant(conn: sa.Connection, grant_id: int) -> Row | None:
    row = conn.execute(sa.select(grants).where(grants.c.id == int(grant_id))).first()
    return None if row is None else _row(row, _GRANT_TIMES)


def revoke_grant(conn: sa.Connection, grant_id: int, now: dt.datetime) -> None:
    conn.execute(grants.update().where(grants.c.id == int(grant_id), grants.c.revoked_at.is_(None))
                 .values(revoked_at=utc(now)))


def list_grants(conn: sa.Connection, regions: Sequence[str] | None = None) -> list[Row]:
    """Grants ordered by id: all, or those where one of ``regions`` is the grantor or the grantee."""
    q = sa.select(grants).order_by(grants.c.id)
    if regions is not None:
        regs = list(regions)
        q = q.where(sa.or_(grants.c.grantor_region.in_(regs), grants.c.grantee_region.in_(regs)))
    return [_row(r, _GRANT_TIMES) for r in conn.execute(q)]


def active_grants(conn: sa.Connection, now: dt.datetime) -> list[Row]:
    """Grants not revoked and not expired at ``now``, ordered by id."""
    at = utc(now)
    q = (sa.select(grants)
         .where(grants.c.revoked_at.is_(None), sa.or_(grants.c.expires_at.is_(None), grants.c.expires_at > at))
         .order_by(grants.c.id))
    return [_row(r, _GRANT_TIMES) for r in conn.execute(q)]


# --- audit log -----------------------------------------------------------------------------------


def insert_audit(conn: sa.Connection, *, actor: str | None, action: str, target: str, outcome: str,
                 ip: str | None, before: Any, after: Any, now: dt.datetime) -> int:
    """Append one audit row (the only write the audit log accepts)."""
    result = conn.execute(audit_log.insert().values(at=utc(now), actor=actor, action=action, target=target,
                                                    outcome=outcome, ip=ip, before=before, after=after))
    return new_row_id(result)


def list_audit(conn: sa.Connection, *, offset: int = 0, limit: int = 50, actor: str | None = None,
               action: str | None = None, outcome: str | None = None) -> tuple[list[Row], int]:
    """One page of audit rows, newest first, filtered by exact actor/action/outcome; and the total."""
    conds = []
    if actor is not None:
        conds.append(audit_log.c.actor == actor)
    if action is not None:
        conds.append(audit_log.c.action == action)
    if outcome is not None:
        conds.append(audit_log.c.outcome == outcome)
    off, lim = _page(offset, limit)
    total = int(conn.execute(sa.select(sa.func.count()).select_from(audit_log).where(*conds)).scalar_one())
    rows = conn.execute(sa.select(audit_log).where(*conds).order_by(audit_log.c.id.desc()).offset(off).limit(lim))
    return [_row(r, ("at",)) for r in rows], total


# --- settings ------------------------------------------------------------------------------------


def get_setting(conn: sa.Connection, key: str) -> str | None:
    value = conn.execute(sa.select(settings.c.value).where(settings.c.key == key)).scalar_one_or_none()
    return None if value is None else str(value)


def setting_or_insert(conn: sa.Connection, key: str, value: str) -> str:
    """The stored value of ``key``; stores ``value`` first when there is none (first writer wins)."""
    found = get_setting(conn, key)
    if found is not None:
        return found
    conn.execute(settings.insert().values(key=key, value=value))
    return value
