"""One principal's view of one dataset version: visible enterprises, pseudonyms, redacted register.

用户可见范围：一个用户对一个数据集版本能看到哪些企业（身份、产能），看不到的企业以稳定假名
``X-<8 位十六进制>``（"其他地区企业（未授权）"）出现；风险清单中的企业编号、名称（含说明文字中的名称）、
产能数字按此替换或隐去。A ``Scope`` is computed once per visibility signature (role, regions, enterprise,
grants fingerprint) and dataset version, then reused by every request of every principal with that signature.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.register import RiskRegister
from chainleader.governance.access import (
    PSEUDONYM_NAME_EN,
    PSEUDONYM_NAME_ZH,
    Action,
    Grant,
    Principal,
    can,
    pseudonym,
    redact_dataset,
    suppress_small,
    visibility,
)
from chainleader.model.dataset import Dataset
from chainleader.services.jsonready import json_ready

# candidate columns that are a firm's own (confidential) figures: withheld for pseudonymised firms
_CANDIDATE_FIGURES = ("capacity", "output", "headroom", "ramp_up_days", "grade", "grade_gap")


def signature(p: Principal, grants: Iterable[Grant], dataset: str, now: datetime) -> tuple[Any, ...]:
    """What decides a principal's view of ``dataset``: role, regions, enterprise and the grants reaching them.

    Two principals with the same signature see exactly the same rows and fields, so views are cached by it.
    """
    from chainleader.governance.access import grant_is_active

    fp = tuple(sorted(
        (g.grantor_region, g.grantee_region, g.dataset, tuple(sorted(g.tables)),
         None if g.fields is None else tuple(sorted(g.fields)))
        for g in grants
        if grant_is_active(g, now) and g.dataset in ("*", dataset) and g.grantee_region in p.regions
    ))
    return (str(p.role), tuple(sorted(p.regions)), p.enterprise, fp)


@dataclass
class Scope:
    """What one visibility signature sees of one dataset version."""

    key: tuple[Any, ...]
    sees_enterprise_data: bool
    full: Dataset  # the stored version, unredacted (for aggregates and analysis only)
    redacted: Dataset  # what the principal may see (redact_dataset)
    identified: frozenset[str]  # enterprise ids whose identity row is visible
    capacity_visible: np.ndarray  # aligned with full.capacities: row visible
    pseudonyms: dict[str, str]  # every enterprise id whose identity is hidden -> X-…
    owner: Mapping[str, str]  # enterprise id -> owning province ("" foreign)
    fully_visible: frozenset[str] = frozenset()  # enterprises none of whose capacity rows is hidden
    registers: dict[str, RedactedRegister] = field(default_factory=dict)
    views: dict[tuple[Any, ...], Any] = field(default_factory=dict)  # memoised read-only payloads

    def memo(self, key: tuple[Any, ...], make: Callable[[], Any], limit: int = 256) -> Any:
        """``make()`` once per key for this scope (payloads are shared: callers must not mutate them)."""
        hit = self.views.get(key)
        if hit is None:
            hit = make()
            if len(self.views) >= limit:
                self.views.pop(next(iter(self.views)), None)
            self.views[key] = hit
        return hit

    @property
    def hides_any(self) -> bool:
        return bool(self.pseudonyms)

    def label(self, eid: str) -> tuple[str, str, str]:
        """(shown id, name_zh, name_en) of an enterprise as this scope shows it."""
        pid = self.pseudonyms.get(eid)
        if pid is None:
            return eid, "", ""
        return pid, PSEUDONYM_NAME_ZH, PSEUDONYM_NAME_EN

    def all_visible(self, enterprise_ids: Iterable[str]) -> bool:
        """Whether every listed enterprise's capacity rows are visible (aggregates over them need no suppression)."""
        return set(enterprise_ids) <= self.fully_visible

    def suppress(self, enterprise_ids: Iterable[str]) -> bool:
        ids = set(enterprise_ids)
        return suppress_small(len(ids), self.all_visible(ids))


def build_scope(key: tuple[Any, ...], ds: Dataset, p: Principal, grants: list[Grant], now: datetime,
                secret: bytes | str) -> Scope:
    vis = visibility(ds, p, grants, now=now)
    red = redact_dataset(ds, p, grants, now, secret=secret)
    ids = ds.enterprises["id"].astype(str).to_numpy()
    shown = vis.access["enterprises"].rows
    identified = frozenset(ids[shown].tolist())
    hidden = sorted(set(ids.tolist()) - identified)
    # the same pseudonyms redact_dataset gives the firms it shows; colliding short ones get 16 digits
    short = {e: pseudonym(e, secret) for e in hidden}
    counts: dict[str, int] = {}
    for v in short.values():
        counts[v] = counts.get(v, 0) + 1
    names = {e: (v if counts[v] == 1 else pseudonym(e, secret, length=16)) for e, v in short.items()}
    cap_visible = np.asarray(vis.access["capacities"].rows, dtype=bool)
    cap_ent = ds.capacities["enterprise"].astype(str).to_numpy()
    fully = frozenset(set(ids.tolist()) | set(cap_ent.tolist())) - frozenset(cap_ent[~cap_visible].tolist())
    return Scope(key=key, sees_enterprise_data=can(p, Action.VIEW_ENTERPRISE_DATA), full=ds, redacted=red,
                 identified=identified, capacity_visible=cap_visible,
                 pseudonyms=names, owner=dict(vis.owner), fully_visible=fully)


# --------------------------------------------------------------------------------------------------
# the register, redacted
# --------------------------------------------------------------------------------------------------
@dataclass
class RedactedRegister:
    """Register entries and candidates as one scope sees them: JSON-ready items and the frames (for exports)."""

    items: list[dict[str, Any]]  # sorted as the register (severity, score, point), candidates attached
    entries: pd.DataFrame
    candidates: pd.DataFrame
    violations: pd.DataFrame
    metadata: dict[str, Any]

    def as_register(self) -> RiskRegister:
        return RiskRegister(self.entries, self.candidates, self.violations, self.metadata)


class _Replacer:
    """Replaces hidden firms' ids and names in text and in nested facts."""

    def __init__(self, scope: Scope, referenced: set[str]) -> None:
        ent = scope.full.enterprises
        hidden = sorted(e for e in referenced if e in scope.pseudonyms)
        self.ids = {e: scope.pseudonyms[e] for e in hidden}
        rows = ent[ent["id"].astype(str).isin(set(hidden))]
        self.zh: dict[str, str] = {}
        self.en: dict[str, str] = {}
        for eid, nzh, nen in zip(rows["id"].astype(str), rows["name_zh"], rows["name_en"], strict=True):
            pid = self.ids[eid]
            if isinstance(nzh, str) and nzh.strip():
                self.zh[nzh] = f"{PSEUDONYM_NAME_ZH}{pid}"
                self.en.setdefault(nzh, f"{PSEUDONYM_NAME_EN} {pid}")
            if isinstance(nen, str) and nen.strip():
                self.en[nen] = f"{PSEUDONYM_NAME_EN} {pid}"
                self.zh.setdefault(nen, f"{PSEUDONYM_NAME_ZH}{pid}")
        self.rx_zh = _pattern(self.zh, self.ids)
        self.rx_en = _pattern(self.en, self.ids)

    def text(self, s: Any, lang: str) -> Any:
        if not isinstance(s, str) or not self.ids:
            return s
        table = self.zh if lang == "zh" else self.en
        rx = self.rx_zh if lang == "zh" else self.rx_en
        if rx is None:
            return s

        def sub(m: re.Match[str]) -> str:
            name = m.group("name")
            label = table.get(name) or self.ids.get(name, name)
            par = m.group("par")
            return label + (_strip_figures(par) if par else "")

        return rx.sub(sub, s)

    def value(self, v: Any, key: str = "") -> Any:
        if isinstance(v, dict):
            return {k: self.value(x, str(k)) for k, x in v.items()}
        if isinstance(v, list | tuple):
            return [self.value(x, key) for x in v]
        if isinstance(v, str):
            if v in self.ids:
                return self.ids[v]
            return self.text(v, "en" if key.endswith("_en") else "zh")
        return v


def _pattern(names: Mapping[str, str], ids: Mapping[str, str]) -> re.Pattern[str] | None:
    """Any hidden name or id, with the parenthetical that may follow it (a backup's figures)."""
    alts = [re.escape(n) for n in sorted(names, key=len, reverse=True)]
    alts += [rf"(?<![A-Za-z0-9_]){re.escape(i)}(?![A-Za-z0-9_])" for i in sorted(ids, key=len, reverse=True)]
    if not alts:
        return None
    return re.compile(rf"(?P<name>{'|'.join(alts)})(?P<par>（[^（）]*）| \((?:[^()]|\([^()]*\))*\))?")


# a hidden firm's own figures in explanation text: spare capacity, ramp-up, grade gap (zh and en)
_NUM = r"(?:-?\d{1,3}(?:,\d{3})*(?:\.\d+)?|—)"
_FIGURES = re.compile(rf"，富余产能 {_NUM}|，爬坡 {_NUM} 天|，差 \d+ 级|, headroom {_NUM}|, ramp-up {_NUM} d"
                      r"|, \d+ grade\(s\) lower")


def _strip_figures(par: str) -> str:
    return _FIGURES.sub("", par)


def _strings(x: Any, out: set[str]) -> None:
    if isinstance(x, dict):
        for v in x.values():
            _strings(v, out)
    elif isinstance(x, list | tuple):
        for v in x:
            _strings(v, out)
    elif isinstance(x, str):
        out.add(x)


def redact_register(scope: Scope, reg: RiskRegister, *, top_candidates: int = 5) -> RedactedRegister:
    """The register with every hidden firm pseudonymised: ids, names (also inside explanations and facts)
    and its own figures (capacity, output, headroom, ramp-up, grade) withheld in backup candidates."""
    e = reg.entries
    c = reg.candidates
    all_ids = set(scope.full.enterprises["id"].astype(str))
    referenced: set[str] = set()
    if scope.hides_any:
        strings: set[str] = set()
        for f in e["facts"]:
            _strings(f, strings)
        strings.update(str(x) for x in e["enterprise"].dropna())
        strings.update(str(x) for x in e.loc[e["kind"] == "enterprise", "id"])
        strings.update(str(x) for x in c["candidate"])
        strings.update(str(x) for x in c["incumbent"])
        referenced = strings & all_ids & set(scope.pseudonyms)
    rep = _Replacer(scope, referenced)
    entries = e.copy()
    cand = c.copy()
    viol = reg.violations.copy()
    if referenced:
        is_ent = (entries["kind"] == "enterprise").to_numpy()
        hid = is_ent & entries["id"].astype(str).isin(referenced).to_numpy()
        if hid.any():
            new_ids = [scope.pseudonyms[str(i)] for i in entries.loc[hid, "id"]]
            entries.loc[hid, "id"] = new_ids
            entries.loc[hid, "point"] = [f"enterprise:{i}" for i in new_ids]
            entries.loc[hid, "name_zh"] = f"{PSEUDONYM_NAME_ZH}（企业）"
            entries.loc[hid, "name_en"] = f"{PSEUDONYM_NAME_EN} (enterprise)"
        entries["enterprise"] = [scope.pseudonyms.get(str(x), x) if isinstance(x, str) else x
                                 for x in entries["enterprise"]]
        entries["explanation_zh"] = [rep.text(s, "zh") for s in entries["explanation_zh"]]
        entries["explanation_en"] = [rep.text(s, "en") for s in entries["explanation_en"]]
        entries["facts"] = [rep.value(f) for f in entries["facts"]]
        point_map = {f"enterprise:{k}": f"enterprise:{v}" for k, v in rep.ids.items()}
        cand["point"] = cand["point"].map(lambda x: point_map.get(x, x))
        hidden_c = cand["candidate"].astype(str).isin(referenced).to_numpy()
        if hidden_c.any():
            cand["candidate"] = cand["candidate"].astype(str).map(lambda x: scope.pseudonyms.get(x, x))
            cand["candidate_name_zh"] = np.where(hidden_c, PSEUDONYM_NAME_ZH, cand["candidate_name_zh"].astype(object))
            cand["candidate_name_en"] = np.where(hidden_c, PSEUDONYM_NAME_EN, cand["candidate_name_en"].astype(object))
            for col in _CANDIDATE_FIGURES:
                cand[col] = cand[col].astype(object).where(~hidden_c, None)
        cand["incumbent"] = cand["incumbent"].astype(str).map(lambda x: scope.pseudonyms.get(x, x))
    if scope.hides_any and len(viol):
        viol = viol.astype({"customer": str})
        viol["customer"] = viol["customer"].map(lambda x: scope.pseudonyms.get(x, x))
    by_point: dict[str, list[dict[str, Any]]] = {}
    for row in cand.to_dict(orient="records"):
        lst = by_point.setdefault(str(row["point"]), [])
        if len(lst) < top_candidates:
            lst.append(json_ready(_candidate(row)))
    items = []
    for row in entries.to_dict(orient="records"):
        items.append(json_ready(_item(row, by_point.get(str(row["point"]), []))))
    meta = {k: v for k, v in reg.metadata.items() if k not in ("supply_unknown_products",)}
    return RedactedRegister(items, entries, cand, viol, meta)


def _split(v: Any) -> list[str]:
    return [s for s in str(v).split(";") if s] if isinstance(v, str) else []


def _item(row: dict[str, Any], candidates: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "point": row["point"], "kind": row["kind"], "id": row["id"], "name_zh": row["name_zh"],
        "name_en": row["name_en"], "severity": row["severity"], "score": row["score"],
        "rules": _split(row["rules"]), "stages": _split(row["stages"]), "chains": _split(row["chains"]),
        "products": _split(row["product"]), "enterprise": row["enterprise"], "province": row["province"],
        "country": row["country"], "value_at_risk": row["value_at_risk"],
        "n_finals_affected": row["n_finals_affected"], "explanation_zh": row["explanation_zh"],
        "explanation_en": row["explanation_en"], "facts": row["facts"], "candidates": candidates,
    }


def _candidate(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "rank": row["rank"], "candidate": row["candidate"], "name_zh": row["candidate_name_zh"],
        "name_en": row["candidate_name_en"], "product": row["product"], "incumbent": row["incumbent"],
        "country": row["country"], "province": row["province"], "domestic": row["domestic"],
        "other_province": row["other_province"], "standard": row["standard"], "grade": row["grade"],
        "grade_gap": row["grade_gap"], "capacity": row["capacity"], "output": row["output"],
        "headroom": row["headroom"], "ramp_up_days": row["ramp_up_days"],
    }


def scrub(scope: Scope, payload: Any) -> Any:
    """``payload`` (JSON-ready) with every hidden firm's id and names replaced by its pseudonym label.

    For free text whose referenced firms are unknown (simulation explanations and warnings): a firm is looked
    for only when its id or one of its names occurs in the text at all.
    """
    if not scope.hides_any:
        return payload
    strings: set[str] = set()
    _strings(payload, strings)
    blob = "\n".join(strings)
    ent = scope.full.enterprises
    referenced = {
        str(e) for e, nzh, nen in zip(ent["id"], ent["name_zh"], ent["name_en"], strict=True)
        if str(e) in scope.pseudonyms and (str(e) in blob or (isinstance(nzh, str) and nzh and nzh in blob)
                                           or (isinstance(nen, str) and nen and nen in blob))
    }
    if not referenced:
        return payload
    return _Replacer(scope, referenced).value(payload)
