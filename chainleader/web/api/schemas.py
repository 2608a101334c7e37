"""Request and response models of the JSON API (what makes the OpenAPI document meaningful)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chainleader.governance.access import CONFIDENTIAL_TABLES, Grant, Principal, Role
from chainleader.services.accounts import PASSWORD_MAX, PASSWORD_MIN, TOKEN_NAME_MAX, USERNAME_RE
from chainleader.services.views.simview import MAX_RUNS

RegionCode = Annotated[str, StringConstraints(pattern=r"^\d{6}$", min_length=6, max_length=6)]
ChainScope = Annotated[str, StringConstraints(min_length=1, max_length=130,
                                              pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9_.\-]*/(\*|[A-Za-z0-9][A-Za-z0-9_.\-]*))$")]
ShortText = Annotated[str, StringConstraints(max_length=200)]
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")]
TableName = Annotated[str, StringConstraints(min_length=1, max_length=32, pattern=r"^[a-z_]+$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(BaseModel):
    """One page of a list (some lists add summary fields, e.g. the register's ``counts``)."""

    model_config = ConfigDict(extra="allow")

    items: list[dict[str, Any]]
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=200)
    total: int = Field(ge=0)


class Health(BaseModel):
    status: str
    version: str


class UserOut(BaseModel):
    id: int
    username: str
    display_name: str
    role: Role
    role_zh: str
    role_en: str
    regions: list[str]
    chains: list[str]
    enterprise: str | None

    @classmethod
    def of(cls, p: Principal) -> UserOut:
        return cls(id=p.user_id, username=p.username, display_name=p.display_name or p.username, role=p.role,
                   role_zh=p.role.label_zh, role_en=p.role.label_en, regions=sorted(p.regions),
                   chains=sorted(p.chains), enterprise=p.enterprise)


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=64, description="用户名 / user name")
    password: str = Field(min_length=1, max_length=PASSWORD_MAX, description="密码 / password")


class LoginOut(BaseModel):
    user: UserOut
    csrf_token: str = Field(description="本会话的 CSRF 令牌：修改请求放在 X-CSRF-Token 头中 / send in X-CSRF-Token")


class MeOut(BaseModel):
    user: UserOut
    csrf_token: str | None = Field(description="会话登录时的 CSRF 令牌；令牌认证时为 null / null for API tokens")
    auth: str = Field(description="cookie | token")


class Ok(BaseModel):
    ok: bool = True


class TokenIn(Strict):
    name: str = Field(min_length=1, max_length=TOKEN_NAME_MAX, description="令牌用途 / what the token is for")


class TokenCreated(BaseModel):
    id: int
    name: str
    token: str = Field(description="明文令牌，仅显示这一次 / the plaintext token, shown only once")


class UserIn(Strict):
    username: str = Field(min_length=3, max_length=32, pattern=USERNAME_RE.pattern,
                          description="3–32 位小写字母、数字或 . _ - / 3-32 lower-case letters, digits or . _ -")
    password: str = Field(min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    role: Role
    display_name: str = Field("", max_length=100)
    regions: list[RegionCode] = Field(default_factory=list, max_length=40)
    chains: list[ChainScope] = Field(default_factory=lambda: ["*"], max_length=100)
    enterprise: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")


class UserPatch(Strict):
    password: str | None = Field(None, min_length=PASSWORD_MIN, max_length=PASSWORD_MAX)
    role: Role | None = None
    display_name: str | None = Field(None, max_length=100)
    regions: list[RegionCode] | None = Field(None, max_length=40)
    chains: list[ChainScope] | None = Field(None, max_length=100)
    enterprise: str | None = Field(None, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    active: bool | None = None


class GrantOut(BaseModel):
    id: int
    grantor_region: str
    grantee_region: str
    dataset: str
    tables: list[str]
    fields: list[str] | None
    expires_at: datetime | None
    created_by: str
    note: str

    @classmethod
    def of(cls, g: Grant) -> GrantOut:
        return cls(id=g.id, grantor_region=g.grantor_region, grantee_region=g.grantee_region, dataset=g.dataset,
                   tables=sorted(g.tables), fields=None if g.fields is None else sorted(g.fields),
                   expires_at=g.expires_at, created_by=g.created_by, note=g.note)


class GrantIn(Strict):
    grantor_region: RegionCode = Field(description="共享数据的地区 / region sharing its data")
    grantee_region: RegionCode = Field(description="获得数据的地区 / region receiving access")
    dataset: str = Field("*", min_length=1, max_length=64, pattern=r"^(\*|[A-Za-z0-9][A-Za-z0-9_.\-]*)$")
    tables: list[TableName] = Field(default_factory=lambda: sorted(CONFIDENTIAL_TABLES), min_length=1, max_length=4)
    fields: list[FieldName] | None = Field(None, max_length=100)
    expires_at: datetime | None = None
    note: str = Field("", max_length=500)


class RunIn(Strict):
    dataset: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    scenario: str | None = Field(None, min_length=1, max_length=128, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
                                 description="内置情景 id / bundled scenario id")
    scenario_yaml: str | None = Field(None, min_length=1, max_length=100_000,
                                      description="情景 YAML 文本（编辑后的情景） / an edited scenario as YAML")
    runs: int = Field(1, ge=1, le=MAX_RUNS, description="蒙特卡罗次数 / Monte Carlo runs")
