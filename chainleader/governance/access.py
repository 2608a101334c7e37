"""Who may do and see what: roles, regional scopes, data-sharing grants (docs/web.md).

权限模型：角色、地区范围、跨地区数据共享授权。Pure: no IO; the store persists users and grants,
services apply these rules to data, the web maps their verdicts to HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

MIN_GROUP = 3  # aggregates over unseen enterprises are published only with at least this many behind them

CONFIDENTIAL_TABLES = frozenset({"enterprises", "capacities", "supply_links", "trade"})


class Role(StrEnum):
    ADMIN = "admin"
    OFFICE = "office"
    ANALYST = "analyst"
    ENTERPRISE = "enterprise"
    OBSERVER = "observer"

    @property
    def label_zh(self) -> str:
        return _ROLE_ZH[self]

    @property
    def label_en(self) -> str:
        return _ROLE_EN[self]


_ROLE_ZH = {Role.ADMIN: "系统管理员", Role.OFFICE: "链长办", Role.ANALYST: "分析员",
            Role.ENTERPRISE: "企业用户", Role.OBSERVER: "只读观察员"}
_ROLE_EN = {Role.ADMIN: "System administrator", Role.OFFICE: "Chain-leader office", Role.ANALYST: "Analyst",
            Role.ENTERPRISE: "Enterprise user", Role.OBSERVER: "Read-only observer"}


class Action(StrEnum):
    VIEW_CHAIN = "view_chain"  # chain aggregates: overview, map, province tiles, register, reports
    VIEW_ENTERPRISE_DATA = "view_enterprise_data"  # enterprise-level rows (subject to regions and grants)
    RUN_SCENARIO = "run_scenario"
    UPLOAD_DATA = "upload_data"
    MANAGE_GRANTS = "manage_grants"  # grant one's own region's data to another region
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT = "view_audit"


@dataclass(frozen=True)
class Principal:
    """A signed-in user as the rules see them."""

    user_id: int
    username: str
    role: Role
    regions: frozenset[str] = frozenset()  # 6-digit province codes, e.g. "130000"
    chains: frozenset[str] = frozenset({"*"})  # "<dataset>/<chain>" or "*"
    enterprise: str | None = None  # enterprise id, for Role.ENTERPRISE
    display_name: str = ""


@dataclass(frozen=True)
class Grant:
    """Region ``grantor_region`` shares its enterprise-level data with ``grantee_region``."""

    id: int
    grantor_region: str
    grantee_region: str
    dataset: str  # dataset name or "*"
    tables: frozenset[str] = CONFIDENTIAL_TABLES
    fields: frozenset[str] | None = None  # None: every field of the tables; else only these column names
    expires_at: datetime | None = None
    created_by: str = ""
    note: str = field(default="", compare=False)
