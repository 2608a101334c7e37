"""Administration: users and roles, data-sharing grants, the audit log."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from chainleader.governance.access import Action
from chainleader.web.api.common import User, Ws, require_action
from chainleader.web.api.params import IntIdPath, PageQ, PageSizeQ, as_page
from chainleader.web.api.schemas import GrantIn, GrantOut, Ok, Page, UserIn, UserPatch

__all__ = ["router"]

router = APIRouter(tags=["admin 管理"])


@router.get("/admin/users", response_model=Page, summary="用户 / users")
def list_users(request: Request, user: User, ws: Ws, page: PageQ = 1, page_size: PageSizeQ = 50) -> dict[str, Any]:
    require_action(request, user, Action.MANAGE_USERS, "users")
    return as_page(ws.accounts.list_users(page, page_size), page, page_size)


@router.post("/admin/users", status_code=201, summary="创建用户 / create a user")
def create_user(body: UserIn, user: User, ws: Ws) -> dict[str, Any]:
    """Administrators only (others: 403, audited). Every problem of the request is listed at once (422)."""
    created = ws.accounts.create_user(body.username, body.password, body.role, regions=body.regions,
                                      chains=body.chains, enterprise=body.enterprise,
                                      display_name=body.display_name, actor=user)
    return ws.accounts.get_user(created.user_id)


@router.patch("/admin/users/{user_id}", summary="修改用户 / update a user")
def update_user(user_id: IntIdPath, body: UserPatch, user: User, ws: Ws) -> dict[str, Any]:
    """Administrators change anything (not the last active administrator's role or status); a user may
    change only their own password. A password change or deactivation ends the user's sessions."""
    ws.accounts.update_user(user_id, actor=user, **body.model_dump(exclude_unset=True))
    return ws.accounts.get_user(user_id)


@router.get("/grants", response_model=Page, summary="数据共享授权 / data-sharing grants")
def list_grants(user: User, ws: Ws, page: PageQ = 1, page_size: PageSizeQ = 50) -> dict[str, Any]:
    """Grants given by or to the user's regions (administrators: all)."""
    return as_page(ws.accounts.list_grants(user), page, page_size)


@router.post("/grants", status_code=201, response_model=GrantOut, summary="授予数据共享 / grant data sharing")
def create_grant(body: GrantIn, user: User, ws: Ws) -> GrantOut:
    """A region's chain-leader office shares its enterprise-level data (tables, optionally only some
    fields) with another region; administrators may grant for any region."""
    grant = ws.accounts.create_grant(user, body.grantor_region, body.grantee_region, dataset=body.dataset,
                                     tables=body.tables, fields=body.fields, expires_at=body.expires_at,
                                     note=body.note)
    return GrantOut.of(grant)


@router.delete("/grants/{grant_id}", response_model=Ok, summary="撤销授权 / revoke a grant")
def revoke_grant(grant_id: IntIdPath, user: User, ws: Ws) -> Ok:
    ws.accounts.revoke_grant(user, grant_id)
    return Ok()


@router.get("/admin/audit", response_model=Page, summary="审计日志 / audit log")
def audit_log(
    request: Request, user: User, ws: Ws,
    actor: Annotated[str | None, Query(min_length=1, max_length=64, description="操作人 / actor")] = None,
    action: Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_.:\-]*$",
                                        description="动作 / action, e.g. login, grant.create")] = None,
    outcome: Literal["ok", "denied", "failed"] | None = None,
    page: PageQ = 1, page_size: PageSizeQ = 50,
) -> dict[str, Any]:
    """Append-only log of every write and every denied access, newest first (administrators only)."""
    require_action(request, user, Action.VIEW_AUDIT, "audit_log")
    return as_page(ws.accounts.list_audit(page, page_size, actor=actor, action=action, outcome=outcome),
                   page, page_size)
