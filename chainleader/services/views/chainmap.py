"""Chain facts computed once per (dataset version, chain), and the chain map / node / tile / overview payloads.

产业链视图：每个（数据集版本，产业链）预先计算一次的产品层级、BOM 连线、各产品的生产企业与产值、
省份汇总；再按用户可见范围生成图谱、节点详情、省份方块图与概览。Aggregates over enterprises the
viewer cannot see are withheld when fewer than ``MIN_GROUP`` firms stand behind them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.explain import PROVINCE_EN
from chainleader.analysis.register import RiskRegister
from chainleader.governance.access import MIN_GROUP, province_of
from chainleader.model.dataset import Dataset, split_list
from chainleader.model.reference import country as country_ref
from chainleader.model.reference import division
from chainleader.services.jsonready import json_ready
from chainleader.services.views.scope import RedactedRegister, Scope

# schematic tile grid of China's 34 provincial divisions: code -> (row, col); north at the top
TILE_GRID: dict[str, tuple[int, int]] = {
    "230000": (0, 8),                                                                   # 黑龙江
    "150000": (1, 5), "220000": (1, 8),                                                 # 内蒙古 吉林
    "650000": (2, 1), "620000": (2, 3), "110000": (2, 6), "210000": (2, 8),             # 新疆 甘肃 北京 辽宁
    "630000": (3, 2), "640000": (3, 3), "140000": (3, 4), "130000": (3, 5), "120000": (3, 6),
    "540000": (4, 1), "510000": (4, 2), "610000": (4, 3), "410000": (4, 4), "370000": (4, 5),
    "500000": (5, 3), "420000": (5, 4), "340000": (5, 5), "320000": (5, 6), "310000": (5, 7),
    "530000": (6, 2), "520000": (6, 3), "430000": (6, 4), "360000": (6, 5), "330000": (6, 6),
    "450000": (7, 3), "440000": (7, 4), "350000": (7, 5), "710000": (7, 7),             # 广西 广东 福建 台湾
    "460000": (8, 3), "820000": (8, 4), "810000": (8, 5),                               # 海南 澳门 香港
}


def province_names(code: str) -> tuple[str, str]:
    d = division(code)
    return (d.name_zh if d else code), PROVINCE_EN.get(code, code)


def country_names(code: str) -> tuple[str, str]:
    c = country_ref(code)
    return (c.name_zh, c.name_en) if c else (code, code)


@dataclass
class ChainFacts:
    """Per (version, chain): products with tiers, BOM edges, producing sites (full data), risk per product."""

    chain: str
    name_zh: str
    name_en: str
    finals: list[str]
    products: pd.DataFrame  # chain products, indexed by id, with tier
    edges: pd.DataFrame  # source (input), target (product), group, quantity
    sites: pd.DataFrame  # capacities of chain products: row (in full capacities), enterprise, product, province, country, value
    risk: dict[str, dict[str, Any]]  # product id -> severity, score, rules
    import_dependence: list[dict[str, Any]]
    producers: dict[str, frozenset[str]] = field(default_factory=dict)  # product -> enterprises with a site
    output_value: dict[str, float] = field(default_factory=dict)  # product -> Σ site output value (known values)
    province_sites: dict[str, pd.DataFrame] = field(default_factory=dict)  # province -> its sites

    def __post_init__(self) -> None:
        s = self.sites
        self.producers = {str(k): frozenset(g) for k, g in s.groupby("product")["enterprise"]}
        valued = s[s["value"].notna()]
        self.output_value = {str(k): float(v) for k, v in valued.groupby("product")["value"].sum().items()}
        dom = s[s["province"] != ""]
        self.province_sites = {str(k): g for k, g in dom.groupby("province")}


def _tiers(products: list[str], edges: pd.DataFrame, finals: list[str]) -> dict[str, int]:
    """Column of each product: finals rightmost; an input sits left of every product it feeds (longest path)."""
    dist = dict.fromkeys(products, 0)
    src, dst = edges["source"].tolist(), edges["target"].tolist()
    for _ in range(len(products) + 1):  # longest path to a final; bounded so a BOM cycle cannot loop
        changed = False
        for s, t in zip(src, dst, strict=True):
            if dist[t] + 1 > dist[s]:
                dist[s] = dist[t] + 1
                changed = True
        if not changed:
            break
    top = max(dist.values(), default=0)
    out = {p: top - d for p, d in dist.items()}
    for f in finals:
        out[f] = top
    return out


def chain_facts(ds: Dataset, reg: RiskRegister, chain: str) -> ChainFacts:
    row = ds.chains[ds.chains["id"] == chain].iloc[0]
    finals = split_list(row["final_products"])
    members = ds.chain_products(chain)
    prods = ds.products[ds.products["id"].isin(set(members))].set_index("id", drop=False)
    bom = ds.bom[ds.bom["product"].isin(set(members)) & ds.bom["input"].isin(set(members))]
    edges = pd.DataFrame({"source": bom["input"].astype(str).to_numpy(), "target": bom["product"].astype(str).to_numpy(),
                          "group": bom["input_group"].to_numpy(), "quantity": bom["quantity"].to_numpy()})
    edges = edges.sort_values(["target", "group", "source"], kind="stable", ignore_index=True)
    tiers = _tiers([str(p) for p in prods.index], edges, finals)
    prods = prods.assign(tier=[tiers[str(p)] for p in prods.index])
    caps = ds.capacities.reset_index(drop=True)
    ent = ds.enterprises.set_index("id")
    sel = caps["product"].isin(set(members)).to_numpy()
    c = caps[sel]
    e_region = c["enterprise"].map(ent["region"])
    e_country = c["enterprise"].map(ent["country"])
    region = c["facility_region"].where(c["facility_region"].notna(), e_region)
    country = c["facility_country"].where(c["facility_country"].notna(), e_country).fillna("CN")
    qty = c["output"].where(c["output"].notna(), c["capacity"]).astype(float)
    price = c["product"].map(prods["unit_price"]).astype(float)
    sites = pd.DataFrame({
        "row": np.flatnonzero(sel), "enterprise": c["enterprise"].astype(str).to_numpy(),
        "product": c["product"].astype(str).to_numpy(),
        "province": [province_of(r) if isinstance(r, str) else "" for r in region],
        "region": [r if isinstance(r, str) else "" for r in region],
        "country": country.astype(str).to_numpy(), "value": (qty * price).to_numpy(),
    })
    sites.loc[sites["country"] != "CN", "province"] = ""
    risk: dict[str, dict[str, Any]] = {}
    e = reg.entries
    for kind, id_, sev, score, rules in zip(e["kind"], e["id"], e["severity"], e["score"], e["rules"], strict=True):
        if kind == "product":
            risk[str(id_)] = {"severity": sev, "score": float(score), "rules": str(rules).split(";")}
    dep_rows = _dependence(ds, set(members), prods)
    return ChainFacts(chain, str(row["name_zh"]), str(row["name_en"] or row["name_zh"]), finals, prods, edges, sites,
                      risk, dep_rows)


def _dependence(ds: Dataset, members: set[str], prods: pd.DataFrame, n: int = 10) -> list[dict[str, Any]]:
    """The chain's n products with the highest gross import dependence M/(Q+M−X), with the main source country."""
    from chainleader.analysis import import_dependence

    t = import_dependence(ds).table
    t = t[t["has_trade"] & t["gross"].notna() & t["product"].isin(members)]
    t = t.sort_values(["gross", "product"], ascending=[False, True], kind="stable").head(n)
    out = []
    for r in t.to_dict(orient="records"):
        src = r["top_source"] if isinstance(r["top_source"], str) and r["top_source"] else None
        szh, sen = country_names(src) if src else (None, None)
        out.append(json_ready({
            "product": r["product"], "name_zh": r["name_zh"], "name_en": prods.loc[r["product"], "name_en"] or r["product"],
            "gross_dependence": r["gross"], "net_dependence": r["net"], "top_source": src,
            "top_source_name_zh": szh, "top_source_name_en": sen, "top_source_share": r["top_source_share"],
            "year": r["year"],
        }))
    return out


def _product_ref(prods: pd.DataFrame, pid: str) -> dict[str, Any]:
    r = prods.loc[pid]
    return {"id": pid, "name_zh": r["name_zh"], "name_en": r["name_en"] or pid}


def _node_value(facts: ChainFacts, scope: Scope, pid: str, prod: pd.Series) -> tuple[float | None, str | None]:
    ents = facts.producers.get(pid, frozenset())
    if pid in facts.output_value and not scope.suppress(ents):
        return facts.output_value[pid], "output"
    price, demand = prod["unit_price"], prod["annual_demand"]
    if pd.notna(price) and pd.notna(demand):
        return float(price) * float(demand), "demand"
    return None, None


def map_payload(facts: ChainFacts, scope: Scope, *, region: str | None, country: str | None) -> dict[str, Any]:
    keep = set(facts.products.index.astype(str))
    sites = facts.sites
    if region is not None:  # a division-code prefix (views.pages.region_prefix)
        keep &= set(sites.loc[sites["region"].str.startswith(region) & (sites["region"] != ""), "product"])
    if country is not None:
        keep &= set(sites.loc[sites["country"] == country.upper(), "product"])
    nodes = []
    for pid, prod in facts.products.iterrows():
        pid = str(pid)
        if pid not in keep:
            continue
        value, basis = _node_value(facts, scope, pid, prod)
        risk = facts.risk.get(pid, {})
        nodes.append({
            "id": pid, "name_zh": prod["name_zh"], "name_en": prod["name_en"] or pid, "stage": prod["stage"],
            "kind": prod["kind"], "tier": int(prod["tier"]), "grade": prod["grade"], "level": prod["grade"],
            "value": value, "value_basis": basis, "risk": risk.get("severity", "none"),
            "score": risk.get("score", 0.0), "key_link": bool(prod["key_link"]) if pd.notna(prod["key_link"]) else False,
            "chokepoint": "chokepoint" in risk.get("rules", []), "final": pid in facts.finals,
        })
    nodes.sort(key=lambda n: (n["tier"], n["id"]))
    edges = facts.edges[facts.edges["source"].isin(keep) & facts.edges["target"].isin(keep)]
    provs = sorted({p for p in sites["province"] if p})
    ctys = sorted(set(sites["country"]))
    return json_ready({
        "chain": {"id": facts.chain, "name_zh": facts.name_zh, "name_en": facts.name_en},
        "nodes": nodes,
        "edges": [{"source": s, "target": t, "group": g, "quantity": q}
                  for s, t, g, q in edges.itertuples(index=False, name=None)],
        "filters": {
            "region": region, "country": country,
            "regions": [{"code": c, "name_zh": province_names(c)[0], "name_en": province_names(c)[1]} for c in provs],
            "countries": [{"code": c, "name_zh": country_names(c)[0], "name_en": country_names(c)[1]} for c in ctys],
        },
        "n_tiers": (max(n["tier"] for n in nodes) + 1) if nodes else 0,
    })


def hidden_note(n_hidden: int) -> dict[str, Any]:
    """How many producers are not shown, itself an aggregate: the number only when >= MIN_GROUP."""
    if n_hidden <= 0:
        return {"n_hidden": 0, "suppressed": False, "note_zh": "", "note_en": ""}
    if n_hidden >= MIN_GROUP:
        return {"n_hidden": n_hidden, "suppressed": False,
                "note_zh": f"另有 {n_hidden} 家其他地区企业未授权显示",
                "note_en": f"{n_hidden} more enterprises of other regions are not shown (no data-sharing grant)"}
    return {"n_hidden": None, "suppressed": True, "note_zh": "部分企业未授权显示",
            "note_en": "some enterprises of other regions are not shown (no data-sharing grant)"}


def _evidence(r: pd.Series) -> dict[str, Any]:
    return {"source": r.get("source"), "as_of": r.get("as_of"), "confidence": r.get("confidence")}


def node_payload(facts: ChainFacts, scope: Scope, rreg: RedactedRegister, pid: str) -> dict[str, Any]:
    prods = facts.products
    prod = prods.loc[pid]
    inputs = facts.edges[facts.edges["target"] == pid]
    used_in = facts.edges[facts.edges["source"] == pid]
    item = next((it for it in rreg.items if it["point"] == f"product:{pid}"), None)
    red = scope.redacted
    rcaps = red.capacities[red.capacities["product"] == pid]
    rcaps = rcaps[rcaps["enterprise"].astype(str).isin(scope.identified)]
    rent = red.enterprises.set_index("id")
    rows = []
    for r in rcaps.to_dict(orient="records"):
        eid = str(r["enterprise"])
        er = rent.loc[eid]
        prov = province_of(er["region"]) if isinstance(er["region"], str) else ""
        rows.append({
            "id": eid, "name_zh": er["name_zh"], "name_en": er["name_en"] or eid, "country": er["country"],
            "province": prov or None, "province_name_zh": province_names(prov)[0] if prov else None,
            "capacity": r["capacity"], "output": r["output"], "standard_grade": r["standard_grade"],
            "inventory_days": r["inventory_days"], "ttr_days": r["ttr_days"], "ramp_up_days": r["ramp_up_days"],
            "evidence": {"source": r["source"], "as_of": r["as_of"], "confidence": r["confidence"]},
        })
    rows.sort(key=lambda x: (-(x["capacity"] or 0.0), x["id"]))
    producers = facts.producers.get(pid, frozenset())
    n_hidden = len(producers - {x["id"] for x in rows})
    return json_ready({
        "chain": {"id": facts.chain, "name_zh": facts.name_zh, "name_en": facts.name_en},
        "product": {
            "id": pid, "name_zh": prod["name_zh"], "name_en": prod["name_en"] or pid, "stage": prod["stage"],
            "kind": prod["kind"], "grade": prod["grade"], "key_link": prod["key_link"], "tier": int(prod["tier"]),
            "hs_codes": split_list(prod["hs_codes"]), "industry_code": prod["industry_code"], "unit": prod["unit"],
            "unit_price": prod["unit_price"], "annual_demand": prod["annual_demand"], "final": pid in facts.finals,
            "evidence": _evidence(prod),
        },
        "inputs": [dict(_product_ref(prods, s), group=g, quantity=q)
                   for s, g, q in zip(inputs["source"], inputs["group"], inputs["quantity"], strict=True)],
        "used_in": [dict(_product_ref(prods, t), group=g, quantity=q)
                    for t, g, q in zip(used_in["target"], used_in["group"], used_in["quantity"], strict=True)],
        "risk": item,
        "candidates": item["candidates"] if item else [],
        "enterprises": rows,
        "hidden": hidden_note(n_hidden),
    })


def tiles_payload(facts: ChainFacts, scope: Scope) -> dict[str, Any]:
    by_prov = facts.province_sites
    tiles = []
    for code, (row, col) in TILE_GRID.items():
        g = by_prov.get(code)
        nzh, nen = province_names(code)
        counts = {"red": 0, "yellow": 0, "blue": 0}
        cap_value: float | None = 0.0
        n_ent: int | None = 0
        suppressed = False
        if g is not None:
            ents = set(g["enterprise"])
            for pid in set(g["product"]):
                sev = facts.risk.get(pid, {}).get("severity")
                if sev in counts:
                    counts[sev] += 1
            if scope.suppress(ents):
                cap_value, n_ent, suppressed = None, None, True
            else:
                cap_value = float(g["value"].sum(skipna=True))
                n_ent = len(ents)
        tiles.append({"code": code, "name_zh": nzh, "name_en": nen, "row": row, "col": col,
                      "capacity_value": cap_value, "n_enterprises": n_ent, **counts, "suppressed": suppressed})
    tiles.sort(key=lambda t: (t["row"], t["col"]))
    return json_ready({"chain": {"id": facts.chain, "name_zh": facts.name_zh, "name_en": facts.name_en},
                       "rows": 1 + max(r for r, _ in TILE_GRID.values()),
                       "cols": 1 + max(c for _, c in TILE_GRID.values()), "min_group": MIN_GROUP,
                       "tiles": tiles})


def _count(scope: Scope, ents: set[str], n: int) -> dict[str, Any]:
    if scope.suppress(ents):
        return {"value": None, "suppressed": True}
    return {"value": n, "suppressed": False}


def overview_payload(facts: ChainFacts, scope: Scope, rreg: RedactedRegister, meta: dict[str, Any]) -> dict[str, Any]:
    sites = facts.sites
    ents = set(sites["enterprise"])
    provs = sites[sites["province"] != ""]
    counts = {
        "products": {"value": len(facts.products), "suppressed": False},
        "final_products": {"value": len(facts.finals), "suppressed": False},
        "enterprises": _count(scope, ents, len(ents)),
        "provinces": _count(scope, set(provs["enterprise"]), provs["province"].nunique()),
        "countries": _count(scope, ents, sites["country"].nunique()),
    }
    sev = {"red": 0, "yellow": 0, "blue": 0}
    for it in rreg.items:
        sev[it["severity"]] = sev.get(it["severity"], 0) + 1
    top = [{k: it[k] for k in ("point", "kind", "id", "name_zh", "name_en", "severity", "score", "rules",
                               "explanation_zh", "explanation_en")} for it in rreg.items[:10]]
    return json_ready({
        "dataset": meta,
        "chain": {"id": facts.chain, "name_zh": facts.name_zh, "name_en": facts.name_en},
        "final_products": [_product_ref(facts.products, f) for f in facts.finals if f in facts.products.index],
        "counts": counts, "severity_counts": sev, "top_risks": top,
        "import_dependence": facts.import_dependence, "min_group": MIN_GROUP,
    })
