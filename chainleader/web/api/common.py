"""Helpers shared by the routers: the signed-in user, role checks that are audited when denied."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from chainleader.governance.access import Action, Principal, can
from chainleader.model.errors import PermissionDenied
from chainleader.services.workspace import Workspace
from chainleader.web.deps import client_ip, get_workspace, require_principal

__all__ = ["Ws", "User", "require_action"]

User = Annotated[Principal, Depends(require_principal)]
Ws = Annotated[Workspace, Depends(get_workspace)]

_ACTION_TEXT = {
    Action.MANAGE_USERS: ("管理用户", "manage users"),
    Action.VIEW_AUDIT: ("查看审计日志", "view the audit log"),
    Action.MANAGE_GRANTS: ("管理数据共享授权", "manage data-sharing grants"),
    Action.UPLOAD_DATA: ("上传数据", "upload data"),
    Action.RUN_SCENARIO: ("运行情景", "run scenarios"),
}


def require_action(request: Request, p: Principal, action: Action, target: str) -> None:
    """PermissionDenied (403, audited as denied) unless ``p``'s role allows ``action`` at all."""
    if can(p, action):
        return
    get_workspace(request).accounts.audit(p.username, str(action), target, outcome="denied",
                                          ip=client_ip(request))
    zh, en = _ACTION_TEXT.get(action, (action.value, action.value))
    raise PermissionDenied(
        f"您的角色（{p.role.label_zh}）无权{zh}；如确需此权限，请联系系统管理员。 / "
        f"your role ({p.role.label_en}) may not {en}; ask a system administrator if you need to."
    )
