"""Who may do and see what: roles, regional scopes, data-sharing grants (docs/web.md).

权限模型：角色、地区范围、跨地区数据共享授权。Pure: no IO; the store persists users and grants,
services apply these rules to data, the web maps their verdicts to HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

import numpy as np
import pandas as pd

from chainleader.model.dataset import Dataset, conform
from chainleader.model.schema import table

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
    ip: str | None = field(default=None, compare=False)  # where the request came from, for the audit log


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


# --------------------------------------------------------------------------------------------
# What each role may do
# --------------------------------------------------------------------------------------------

_ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.OFFICE: frozenset({Action.VIEW_CHAIN, Action.VIEW_ENTERPRISE_DATA, Action.RUN_SCENARIO,
                            Action.UPLOAD_DATA, Action.MANAGE_GRANTS}),
    Role.ANALYST: frozenset({Action.VIEW_CHAIN, Action.VIEW_ENTERPRISE_DATA, Action.RUN_SCENARIO}),
    Role.ENTERPRISE: frozenset({Action.VIEW_CHAIN, Action.VIEW_ENTERPRISE_DATA}),
    Role.OBSERVER: frozenset({Action.VIEW_CHAIN}),
}

# Actions whose ``region=`` argument must be one of the principal's own regions.
_REGIONAL_ACTIONS = frozenset({Action.VIEW_ENTERPRISE_DATA, Action.RUN_SCENARIO, Action.UPLOAD_DATA,
                               Action.MANAGE_GRANTS})


def province_of(region_code: str | None) -> str:
    """The province (GB/T 2260, ``xx0000``) of a division code: ``"130203"`` -> ``"130000"``.

    ``""`` for a missing or malformed code (foreign enterprises have none).
    """
    if region_code is None:
        return ""
    text = str(region_code).strip()
    if len(text) != 6 or not text.isdigit():
        return ""
    return text[:2] + "0000"


def chain_allowed(p: Principal, dataset: str, chain: str) -> bool:
    """Whether the chain ``dataset/chain`` is in the principal's chain scope.

    Scope entries are ``"*"`` (every chain), ``"<dataset>/*"`` (every chain of a dataset) or
    ``"<dataset>/<chain>"``. Administrators see every chain.
    """
    if p.role is Role.ADMIN:
        return True
    return bool({"*", f"{dataset}/*", f"{dataset}/{chain}"} & p.chains)


def can(p: Principal, action: Action, *, dataset: str | None = None, chain: str | None = None,
        region: str | None = None) -> bool:
    """Whether ``p`` may perform ``action`` (docs/web.md, "Roles and scopes").

    ``dataset`` + ``chain`` restrict the question to one chain (checked against ``p.chains``);
    ``region`` to one region (its province must be one of ``p.regions`` for the regional actions
    view enterprise data, run scenarios, upload data and grant data). Data shared by grants is
    decided by :class:`Visibility`, not here; enterprise users' own firm likewise.
    """
    if p.role is Role.ADMIN:
        return True
    if action not in _ROLE_ACTIONS[p.role]:
        return False
    if dataset is not None and chain is not None and not chain_allowed(p, dataset, chain):
        return False
    if dataset is not None and chain is None and not _dataset_in_scope(p, dataset):
        return False
    if region is not None and action in _REGIONAL_ACTIONS:
        if p.role is Role.ENTERPRISE:
            return False  # an enterprise user's scope is its firm, not a region
        prov = province_of(region)
        if not prov or prov not in p.regions:
            return False
    return True


def _dataset_in_scope(p: Principal, dataset: str) -> bool:
    return "*" in p.chains or any(c.split("/", 1)[0] == dataset for c in p.chains)


def grant_is_active(g: Grant, now: datetime) -> bool:
    """A grant counts until its ``expires_at`` (exclusive); naive datetimes are taken as UTC."""
    return g.expires_at is None or _utc(g.expires_at) > _utc(now)


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


# --------------------------------------------------------------------------------------------
# Which enterprise-level rows and fields a principal sees
# --------------------------------------------------------------------------------------------

# Fields of a visible row that are never masked: the keys that give the row its structure and, for
# enterprises, the public identity (name, country, size; the region is cut to its province).
ALWAYS_VISIBLE: dict[str, frozenset[str]] = {
    "enterprises": frozenset({"id", "name_zh", "name_en", "country", "size"}),
    "capacities": frozenset(table("capacities").key),
    "supply_links": frozenset(table("supply_links").key),
    "trade": frozenset(table("trade").key),
}
ALL_FIELDS: dict[str, frozenset[str]] = {t: frozenset(table(t).column_names) for t in CONFIDENTIAL_TABLES}

PSEUDONYM_NAME_ZH = "其他地区企业（未授权）"
PSEUDONYM_NAME_EN = "Enterprise of another region (not authorised)"
PSEUDONYM_PREFIX = "X-"

_FOREIGN = ""  # owner key of enterprises that belong to no region (country != CN)
_UNKNOWN = "?"  # owner key of an id missing from the enterprises table, or of a Chinese firm without a
#                 valid region: no region can claim it, so only administrators see its rows


@dataclass(frozen=True)
class RowAccess:
    """Rows of one confidential table a principal sees, aligned with the table's rows.

    ``rows[i]``: row ``i`` is visible; ``fields[c][i]``: column ``c`` of row ``i`` is visible
    (False for every column of an invisible row).
    """

    rows: np.ndarray
    fields: dict[str, np.ndarray]

    @property
    def count(self) -> int:
        return int(self.rows.sum())


@dataclass(frozen=True)
class Visibility:
    """What one principal sees of the confidential tables of one dataset at one moment.

    Build with :func:`visibility`. Row ownership: an enterprise, its capacities and its identity
    belong to the province of its ``region``; a supply link to both ends (visible when either end
    is; a foreign end does not count when the other end is domestic); a trade row whose
    ``reporter`` is a division code to that province (``CN`` rows are national statistics,
    public). Foreign enterprises (``country != CN``) belong to no region: whoever may see
    enterprise data of a region sees them (enterprise users only their own firm).
    """

    principal: Principal
    dataset: str
    grants: tuple[Grant, ...]  # the active grants that reach this principal for this dataset
    owner: Mapping[str, str]  # enterprise id -> owning province ("" foreign, "?" no valid region)
    access: Mapping[str, RowAccess]  # per confidential table, aligned with the dataset's rows

    @property
    def sees_enterprise_data(self) -> bool:
        return can(self.principal, Action.VIEW_ENTERPRISE_DATA)

    def region_fields(self, table_name: str, region: str) -> frozenset[str] | None:
        """Fields of ``table_name`` the principal sees for rows owned by ``region`` (None: no rows).

        ``region`` is any division code (its province counts) or ``""`` for foreign enterprises.
        Not meaningful for enterprise users, whose scope is one firm: use :meth:`enterprise_fields`.
        """
        key = (province_of(region) or _UNKNOWN) if region else _FOREIGN
        return _region_fields(self.principal, self.grants, table_name, key)

    def enterprise_fields(self, table_name: str, enterprise_id: str) -> frozenset[str] | None:
        """Fields of ``table_name`` the principal sees for rows of enterprise ``enterprise_id``."""
        return _key_fields(self.principal, self.grants, table_name, self._key(enterprise_id))

    def identified(self, enterprise_id: str) -> bool:
        """Whether the enterprise's identity (its ``enterprises`` row) is visible."""
        return self.enterprise_fields("enterprises", enterprise_id) is not None

    def visible_enterprises(self, table_name: str = "enterprises") -> frozenset[str]:
        """Ids of the enterprises whose rows of ``table_name`` the principal sees (some fields at least)."""
        if self.principal.role is Role.ENTERPRISE:
            own = self.principal.enterprise
            return frozenset({own}) if own is not None and own in self.owner else frozenset()
        cache: dict[str, bool] = {}
        out = []
        for eid, key in self.owner.items():
            if key not in cache:
                cache[key] = _region_fields(self.principal, self.grants, table_name, key) is not None
            if cache[key]:
                out.append(eid)
        return frozenset(out)

    def sees_all(self, enterprise_ids: Iterable[str], table_name: str = "capacities",
                 field_name: str | None = None) -> bool:
        """Whether every listed enterprise's rows of ``table_name`` (and ``field_name``) are visible.

        Feed it the enterprises behind an aggregate, then :func:`suppress_small`.
        """
        for eid in set(enterprise_ids):
            f = self.enterprise_fields(table_name, eid)
            if f is None or (field_name is not None and field_name not in f):
                return False
        return True

    def _key(self, enterprise_id: str) -> str:
        if self.principal.role is Role.ENTERPRISE:
            return "@" + enterprise_id
        return self.owner.get(enterprise_id, _UNKNOWN)


def _region_fields(p: Principal, grants: Sequence[Grant], table_name: str, owner: str) -> frozenset[str] | None:
    """Fields of ``table_name`` visible to ``p`` in rows owned by province ``owner`` ("" foreign)."""
    if p.role is Role.ADMIN:
        return ALL_FIELDS[table_name]
    if p.role not in (Role.OFFICE, Role.ANALYST) or owner == _UNKNOWN:
        return None
    if owner == _FOREIGN or owner in p.regions:
        return ALL_FIELDS[table_name]
    out: set[str] | None = None
    for g in grants:
        if g.grantor_region != owner or g.grantee_region not in p.regions or table_name not in g.tables:
            continue
        if g.fields is None:
            return ALL_FIELDS[table_name]
        out = (out or set()) | (g.fields & ALL_FIELDS[table_name]) | ALWAYS_VISIBLE[table_name]
    return frozenset(out) if out is not None else None


def _key_fields(p: Principal, grants: Sequence[Grant], table_name: str, key: str) -> frozenset[str] | None:
    if key.startswith("@"):  # enterprise users: their own firm only
        return ALL_FIELDS[table_name] if p.enterprise is not None and key[1:] == p.enterprise else None
    return _region_fields(p, grants, table_name, key)


def visibility(ds: Dataset, p: Principal, grants: Iterable[Grant], *, dataset: str | None = None,
               now: datetime | None = None) -> Visibility:
    """Compute what ``p`` sees of ``ds``'s confidential tables, given the grants on record.

    Only grants active at ``now`` (default: the current UTC time), reaching one of ``p``'s
    regions and covering ``dataset`` (default ``ds.name``) or ``"*"`` count.
    """
    name = dataset if dataset is not None else ds.name
    at = now if now is not None else datetime.now(UTC)
    relevant = tuple(
        g for g in grants
        if grant_is_active(g, at) and g.dataset in ("*", name) and g.grantee_region in p.regions
    )
    ent = ds.enterprises
    ent_ids = ent["id"].to_numpy(dtype=object)
    foreign = (ent["country"].fillna("CN") != "CN").to_numpy(dtype=bool)
    prov = _provinces(ent["region"])
    # a Chinese firm without a (valid) region is owned by no one we can name: administrators only
    owner_arr = np.where(foreign, _FOREIGN, np.where(prov == "", _UNKNOWN, prov)).astype(object)
    owner = dict(zip(ent_ids.tolist(), owner_arr.tolist(), strict=True))
    links = ds.supply_links
    # One factorisation of every enterprise reference, then owner keys by array indexing.
    parts = [ent_ids, ds.capacities["enterprise"].to_numpy(dtype=object),
             links["supplier"].to_numpy(dtype=object), links["customer"].to_numpy(dtype=object)]
    codes, uniques = pd.factorize(np.concatenate(parts), use_na_sentinel=True)
    if p.role is Role.ENTERPRISE:
        key_of_code = np.where(uniques.astype(object) == p.enterprise, f"@{p.enterprise}", "@").astype(object)
    else:
        key_of_code = np.full(len(uniques), _UNKNOWN, dtype=object)
        key_of_code[codes[: len(ent_ids)]] = owner_arr
    key_of_code = np.append(key_of_code, _UNKNOWN)  # code -1 (a missing id)
    bounds = np.cumsum([0] + [len(x) for x in parts])
    ent_keys, cap_keys, sup, cus = (key_of_code[codes[bounds[i]:bounds[i + 1]]] for i in range(4))

    access: dict[str, RowAccess] = {}
    access["enterprises"] = _row_access(p, relevant, "enterprises", [ent_keys])
    access["capacities"] = _row_access(p, relevant, "capacities", [cap_keys])
    # A link between a foreign and a domestic firm is the domestic region's data: the foreign end
    # (which belongs to no region) does not make it visible on its own.
    sup = np.where(sup == _FOREIGN, cus, sup)
    cus = np.where(cus == _FOREIGN, sup, cus)
    access["supply_links"] = _row_access(p, relevant, "supply_links", [sup, cus])
    trade_prov = _provinces(ds.trade["reporter"])
    trade_keys = np.where(trade_prov == "", _PUBLIC, trade_prov).astype(object)
    if p.role is Role.ENTERPRISE:  # an enterprise user's scope is its firm; provinces' trade is not its data
        trade_keys = np.where(trade_keys == _PUBLIC, _PUBLIC, "@").astype(object)
    access["trade"] = _row_access(p, relevant, "trade", [trade_keys])
    return Visibility(principal=p, dataset=name, grants=relevant, owner=owner, access=access)


_PUBLIC = "*"  # owner key of rows no region owns (national trade statistics)


def _provinces(codes: pd.Series) -> np.ndarray:
    """Province of each division code ("" for missing or malformed), computed once per distinct code."""
    uniq_codes, uniques = pd.factorize(codes.to_numpy(dtype=object), use_na_sentinel=True)
    provs = np.array([province_of(u) for u in uniques] + [""], dtype=object)
    return provs[uniq_codes]  # the sentinel -1 picks the trailing ""


def _row_access(p: Principal, grants: Sequence[Grant], table_name: str, key_columns: list[np.ndarray]) -> RowAccess:
    cols = table(table_name).column_names
    n = len(key_columns[0])
    rows = np.zeros(n, dtype=bool)
    fields = {c: np.zeros(n, dtype=bool) for c in cols}
    cache: dict[str, frozenset[str] | None] = {}

    def fields_of(key: str) -> frozenset[str] | None:
        if key not in cache:
            cache[key] = ALL_FIELDS[table_name] if key == _PUBLIC else _key_fields(p, grants, table_name, key)
        return cache[key]

    for keys in key_columns:
        codes, uniques = pd.factorize(keys, sort=False)
        per_key = [fields_of(str(k)) for k in uniques]
        seen = np.array([f is not None for f in per_key], dtype=bool)
        if len(uniques):
            rows |= seen[codes]
            for c in cols:
                has = np.array([f is not None and c in f for f in per_key], dtype=bool)
                fields[c] |= has[codes]
    return RowAccess(rows=rows, fields=fields)


# --------------------------------------------------------------------------------------------
# Redaction
# --------------------------------------------------------------------------------------------


def pseudonym(enterprise_id: str, secret: bytes | str, *, length: int = 8) -> str:
    """Stable pseudonym ``X-<hex>`` of an enterprise: HMAC-SHA256 keyed by the deployment secret.

    Without the secret the id cannot be recovered or confirmed by trying candidate ids.
    """
    key = secret.encode() if isinstance(secret, str) else secret
    if not key:
        raise ValueError("pseudonym secret must not be empty / 假名密钥不能为空")
    digest = hmac.new(key, str(enterprise_id).encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:length]


def redact_dataset(ds: Dataset, p: Principal, grants: Iterable[Grant], now: datetime | None = None, *,
                   secret: bytes | str, dataset: str | None = None) -> Dataset:
    """A copy of ``ds`` holding only what ``p`` may see (docs/web.md, "Confidential enterprise-level data").

    Invisible rows of ``enterprises``, ``capacities``, ``supply_links`` and ``trade`` are removed;
    fields a field-level grant does not cover are set to null (an enterprise's ``region`` is cut
    to its province instead). An enterprise whose identity is not visible but that a visible row
    refers to (a supply link from a visible firm, a granted capacity) is replaced everywhere by
    its pseudonym :func:`pseudonym` and appears in ``enterprises`` as "其他地区企业（未授权）" with
    only its province (and its country, which the format requires). Other tables are unchanged.
    """
    if p.role is Role.ADMIN:  # administrators see everything, unchanged
        return Dataset(ds.name, {k: v.copy() for k, v in ds.tables.items()}, version=ds.version,
                       version_id=ds.version_id)
    vis = visibility(ds, p, grants, dataset=dataset, now=now)
    ent = ds.enterprises
    identified = vis.access["enterprises"].rows
    known = ent["id"].to_numpy(dtype=object)[identified]

    caps = _apply(ds.capacities, vis.access["capacities"], "capacities")
    links = _apply(ds.supply_links, vis.access["supply_links"], "supply_links")
    trade = _apply(ds.trade, vis.access["trade"], "trade")
    visible_ent = _apply(ent, vis.access["enterprises"], "enterprises")
    if len(visible_ent):
        masked_region = ~vis.access["enterprises"].fields["region"][identified]
        if masked_region.any():
            region = visible_ent["region"].astype(object)
            cut = region.map(province_of, na_action="ignore").replace("", None)
            visible_ent["region"] = region.where(~masked_region, cut)

    referenced = pd.concat([caps["enterprise"], links["supplier"], links["customer"]], ignore_index=True)
    referenced = referenced[~referenced.isin(pd.Index(known, dtype=object))]
    hidden = sorted(str(e) for e in pd.unique(referenced.to_numpy(dtype=object)))
    names = pseudonym_map(hidden, secret)
    if names:
        caps = caps.assign(enterprise=_rename(caps["enterprise"], names))
        links = links.assign(supplier=_rename(links["supplier"], names), customer=_rename(links["customer"], names))
        country = dict(zip(ent["id"].tolist(), ent["country"].tolist(), strict=True))
        pseudo = pd.DataFrame({
            "id": [names[e] for e in hidden],
            "name_zh": PSEUDONYM_NAME_ZH,
            "name_en": PSEUDONYM_NAME_EN,
            "country": [country.get(e) or "CN" for e in hidden],
            "region": [_province_or_none(vis.owner.get(e)) for e in hidden],
        })
        visible_ent = pd.concat([visible_ent, conform("enterprises", pseudo)], ignore_index=True)
        visible_ent = visible_ent.sort_values("id", kind="stable", ignore_index=True)
    tables = dict(ds.tables)
    tables.update(enterprises=conform("enterprises", visible_ent), capacities=caps, supply_links=links, trade=trade)
    return Dataset(ds.name, tables, version=ds.version, version_id=ds.version_id)


def _rename(ids: pd.Series, names: Mapping[str, str]) -> pd.Series:
    mapped = ids.map(names)
    return mapped.where(mapped.notna(), ids).astype(object)


def _province_or_none(owner: str | None) -> str | None:
    return owner if owner and province_of(owner) == owner else None


def _apply(df: pd.DataFrame, acc: RowAccess, table_name: str) -> pd.DataFrame:
    out = df.loc[acc.rows].reset_index(drop=True).copy()
    for col in df.columns:
        masked = ~acc.fields[col][acc.rows]
        if col == "region" and table_name == "enterprises":
            continue  # cut to the province by redact_dataset, not nulled
        if masked.any():
            out[col] = out[col].mask(masked)
            if out[col].dtype == object:
                out[col] = out[col].astype(object).where(out[col].notna(), None)
    return out


def pseudonym_map(ids: Iterable[str], secret: bytes | str) -> dict[str, str]:
    """Pseudonym of each of a set of hidden enterprises, exactly as :func:`redact_dataset` assigns them.

    Ids whose 8-hex pseudonyms collide within the set get 16 hex digits so they stay distinct.
    """
    short = {e: pseudonym(e, secret) for e in sorted(set(ids))}
    counts: dict[str, int] = {}
    for v in short.values():
        counts[v] = counts.get(v, 0) + 1
    return {e: (v if counts[v] == 1 else pseudonym(e, secret, length=16)) for e, v in short.items()}


# --------------------------------------------------------------------------------------------
# Aggregates
# --------------------------------------------------------------------------------------------


def suppress_small(n_contributors: int, all_visible: bool) -> bool:
    """Whether an aggregate must be withheld (``null`` with ``"suppressed": true``).

    An aggregate the viewer could not compute from rows they see (``all_visible`` False) is
    published only when at least ``MIN_GROUP`` (3) enterprises stand behind it, so that no single
    firm's figure can be read off or inferred by difference. An aggregate over no enterprise at all
    (``n_contributors == 0``) reveals nothing about a firm and is published.
    """
    if n_contributors < 0:
        raise ValueError("n_contributors must be >= 0")
    return not all_visible and 0 < n_contributors < MIN_GROUP
