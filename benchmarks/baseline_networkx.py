"""A straightforward networkx / pure-Python implementation of the risk metrics, for benchmarking.

朴素基线：用 networkx 图与 Python 字典循环实现同样的指标（集中度、对外依存度、卡脖子、国内备份、
与-或结构性断链风险点），供 ``bench_assess.py`` 比较速度并交叉核对结果。

Same definitions as ``chainleader.analysis`` (METHODS.md §1–§2): shares on output (capacity when output is
missing), working sites = capacity > 0, facility location else the enterprise's, trade reporter CN and the
latest year per product, imports as sources sited in the partner country, pooled AND/OR producibility by
least-fixed-point propagation, one propagation per loss scenario. Written the way a careful analyst would
write it with networkx: a graph built row by row, dicts and loops, no vectorisation.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import pandas as pd

from chainleader.model.dataset import Dataset, split_list

HOME = "CN"


def _s(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return str(v)


def _f(v: Any) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return math.nan
    return x


@dataclass
class BaselineResult:
    hhi: dict[str, float] = field(default_factory=dict)
    n_suppliers: dict[str, int] = field(default_factory=dict)
    dependence: dict[str, float] = field(default_factory=dict)
    chokepoints: set[str] = field(default_factory=set)
    product_violations: set[str] = field(default_factory=set)
    link_violations: int = 0
    link_groups: int = 0
    scenarios: dict[tuple[str, str], tuple[int, float]] = field(default_factory=dict)  # -> (finals lost, value)


def build_graph(ds: Dataset) -> nx.MultiDiGraph:
    """Products, enterprises, sites and links as one networkx graph."""
    g = nx.MultiDiGraph()
    for r in ds.products.itertuples(index=False):
        g.add_node(("p", r.id), kind="product", price=_f(r.unit_price), demand=_f(r.annual_demand), stage=r.stage)
    for r in ds.enterprises.itertuples(index=False):
        g.add_node(("e", r.id), kind="enterprise", country=_s(r.country), region=_s(r.region), zone=_s(r.zone))
    for r in ds.bom.itertuples(index=False):
        g.add_edge(("p", r.input), ("p", r.product), kind="bom", group=r.input_group, qty=_f(r.quantity))
    for r in ds.capacities.itertuples(index=False):
        e = g.nodes[("e", r.enterprise)]
        country = _s(r.facility_country) or e["country"]
        region = _s(r.facility_region) or (e["region"] if country == e["country"] else None)
        if country != "CN":
            region = None
        g.add_edge(("e", r.enterprise), ("p", r.product), kind="site", capacity=_f(r.capacity),
                   output=_f(r.output), grade=0 if pd.isna(r.standard_grade) else int(r.standard_grade),
                   country=country, region=region, province=(region[:2] + "0000") if region else None)
    for r in ds.supply_links.itertuples(index=False):
        g.add_edge(("e", r.supplier), ("e", r.customer), kind="link", product=r.product, volume=_f(r.volume))
    return g


def assess_baseline(ds: Dataset) -> BaselineResult:
    g = build_graph(ds)
    res = BaselineResult()
    products = [n[1] for n, d in g.nodes(data=True) if d["kind"] == "product"]
    # --- sites per product -----------------------------------------------------------------------------
    sites: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for u, v, d in g.edges(data=True):
        if d["kind"] == "site" and d["capacity"] > 0:
            sites[v[1]].append({"enterprise": u[1], **d})
    # --- concentration ---------------------------------------------------------------------------------
    for p in products:
        w: dict[str, float] = defaultdict(float)
        for s in sites[p]:
            w[s["enterprise"]] += s["capacity"] if math.isnan(s["output"]) else s["output"]
        tot = sum(w.values())
        res.n_suppliers[p] = len(w)
        res.hhi[p] = sum((x / tot) ** 2 for x in w.values()) if tot > 0 else math.nan
    # --- trade: latest year per product, reporter CN ------------------------------------------------------
    latest: dict[str, int] = {}
    rows = [r for r in ds.trade.itertuples(index=False) if r.reporter == HOME]
    for r in rows:
        latest[r.product] = max(latest.get(r.product, 0), int(r.year))
    q: dict[str, float] = defaultdict(float)
    m: dict[str, float] = defaultdict(float)
    x: dict[str, float] = defaultdict(float)
    has_q: set[str] = set()
    imports: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    import_any: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if int(r.year) != latest[r.product]:
            continue
        amount = 0.0 if math.isnan(_f(r.quantity)) else _f(r.quantity)
        if r.flow == "production":
            q[r.product] += amount
            has_q.add(r.product)
        elif r.flow == "import":
            m[r.product] += amount
            if _s(r.partner):
                if amount > 0:
                    imports[r.product][r.partner] += amount
                if amount > 0 or _f(r.value_usd) > 0:
                    import_any[r.product].add(r.partner)
        elif r.flow == "export":
            x[r.product] += amount
    for p in products:
        if p not in latest:
            res.dependence[p] = math.nan
            continue
        qq = q[p]
        dom = [s for s in sites[p] if s["country"] == HOME]
        if p not in has_q and dom:
            qq = sum(s["capacity"] if math.isnan(s["output"]) else s["output"] for s in dom)
        c = qq + m[p] - x[p]
        res.dependence[p] = (m[p] - x[p]) / c if c > 0 else math.nan
    # --- chokepoints -----------------------------------------------------------------------------------
    for p in products:
        live = sites[p]
        d = res.dependence[p]
        if math.isnan(d):
            tot = sum(s["capacity"] if math.isnan(s["output"]) else s["output"] for s in live)
            fw = sum(s["capacity"] if math.isnan(s["output"]) else s["output"] for s in live if s["country"] != HOME)
            d = fw / tot if tot > 0 else math.nan
            by_c: dict[str, float] = defaultdict(float)
            for s in live:
                if s["country"] != HOME:
                    by_c[s["country"]] += s["capacity"] if math.isnan(s["output"]) else s["output"]
            ftot = sum(by_c.values())
            n_src = len(by_c)
            hh = sum((v / ftot) ** 2 for v in by_c.values()) if ftot > 0 else 0.0
        else:
            src = imports[p]
            n_src = len(src)
            mt = sum(src.values())
            hh = sum((v / mt) ** 2 for v in src.values()) if mt > 0 else 0.0
        if math.isnan(d) or d < 0.7 or n_src < 1 or not (n_src <= 3 or hh >= 0.25):
            continue
        req = max([s["grade"] for s in live if s["country"] != HOME], default=0)
        if not any(s["grade"] >= req for s in live if s["country"] == HOME):
            res.chokepoints.add(p)
    # --- product backups -------------------------------------------------------------------------------
    pair: dict[tuple[str, str], dict[str, Any]] = {}
    for p in products:
        for s in sites[p]:
            k = (p, s["enterprise"])
            cur = pair.setdefault(k, {"grade": 0, "weight": 0.0, "domestic": False})
            cur["grade"] = max(cur["grade"], s["grade"])
            cur["weight"] += s["capacity"] if math.isnan(s["output"]) else s["output"]
            cur["domestic"] |= s["country"] == HOME
    by_product: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for (p, e), v in sorted(pair.items()):
        by_product[p].append((e, v))
    for p in products:
        ps = by_product[p]
        if ps:
            lead_e = min(ps, key=lambda ev: (-ev[1]["weight"], ev[0]))[0]
        elif import_any[p]:
            lead_e = ""  # imported only: every domestic maker is a backup
        else:
            continue
        # rule "any": a violation when no domestic maker other than the leader exists (grade irrelevant)
        n = sum(1 for e, info in ps if info["domestic"] and e != lead_e)
        if n == 0:
            res.product_violations.add(p)
    # --- link backups (θ = 0) -----------------------------------------------------------------------------
    dom_grades: dict[str, Counter[int]] = defaultdict(Counter)
    for (p, _e), v in pair.items():
        if v["domestic"]:
            dom_grades[p][v["grade"]] += 1
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for u, v, d in g.edges(data=True):
        if d["kind"] == "link" and g.nodes[v]["country"] == HOME:
            groups[(v[1], d["product"])].append(u[1])
    for (_cust, prod), sups in groups.items():
        grades = [pair[(prod, sup)]["grade"] if (prod, sup) in pair else 0 for sup in sups]
        req = max(grades)
        same = sum(c for gr, c in dom_grades[prod].items() if gr >= req)
        red = sum(c for gr, c in dom_grades[prod].items() if gr < req)
        for sup, gr in zip(sups, grades, strict=True):
            if (prod, sup) in pair and pair[(prod, sup)]["domestic"]:
                if gr >= req:
                    same -= 1
                else:
                    red -= 1
        res.link_groups += 1
        if same + red == 0:
            res.link_violations += 1
    # --- AND/OR structural criticality, one propagation per scenario -----------------------------------------
    res.scenarios = _spof(ds, g, products, sites, import_any)
    return res


def _spof(ds: Dataset, g: nx.MultiDiGraph, products: list[str], sites: dict[str, list[dict[str, Any]]],
          import_any: dict[str, set[str]]) -> dict[tuple[str, str], tuple[int, float]]:
    slots: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for u, v, d in g.edges(data=True):
        if d["kind"] == "bom":
            slots[v[1]][d["group"]].append(u[1])
    consumers: dict[str, set[str]] = defaultdict(set)
    for p, ss in slots.items():
        for inputs in ss.values():
            for i in inputs:
                consumers[i].add(p)
    finals = sorted({f for cell in ds.chains["final_products"] for f in split_list(cell)})
    scope: set[str] = set()
    stack = list(finals)
    while stack:
        p = stack.pop()
        if p in scope:
            continue
        scope.add(p)
        stack.extend(i for inputs in slots[p].values() for i in inputs)
    imported = {p: bool(import_any[p]) for p in products}
    has_rows = {p for _u, v, d in g.edges(data=True) if d["kind"] == "site" for p in [v[1]]}
    made = {p: bool(sites[p]) or (p not in has_rows and not imported[p]) for p in products}
    final_set = set(finals)  # a final product's own imports do not count as making it
    free = {p: imported[p] and p not in final_set for p in products}

    def producible(free_: dict[str, bool], made_: dict[str, bool]) -> set[str]:
        avail: set[str] = set()
        work = [p for p in products if free_[p] or (made_[p] and not slots[p])]
        while work:
            p = work.pop()
            if p in avail:
                continue
            avail.add(p)
            for c in consumers[p]:
                if c not in avail and made_[c] and all(any(i in avail for i in inputs) for inputs in slots[c].values()):
                    work.append(c)
        return avail

    base = producible(free, made)
    value = {f: (0.0 if math.isnan(g.nodes[("p", f)]["price"] * g.nodes[("p", f)]["demand"])
                 else g.nodes[("p", f)]["price"] * g.nodes[("p", f)]["demand"]) for f in finals}
    scen: dict[tuple[str, str], tuple[set[str], set[str]]] = {}  # -> (made cleared, free cleared)
    for p in sorted(scope):
        scen[("product", p)] = ({p}, {p})
    keyed: dict[str, dict[str, set[str]]] = {"enterprise": defaultdict(set), "province": defaultdict(set),
                                             "country": defaultdict(set)}
    for p in scope:
        if not sites[p]:
            continue
        for kind, key in (("enterprise", "enterprise"), ("province", "province"), ("country", "country")):
            vals = {s[key] for s in sites[p]}
            if len(vals) == 1 and None not in vals:
                keyed[kind][vals.pop()].add(p)
    imp_keyed: dict[str, set[str]] = defaultdict(set)
    for p in scope:
        if len(import_any[p]) == 1 and p not in final_set:
            imp_keyed[next(iter(import_any[p]))].add(p)
    for kind in ("enterprise", "province"):
        for k, ps in keyed[kind].items():
            scen[(kind, k)] = (ps, set())
    for c in set(keyed["country"]) | set(imp_keyed):
        if c != HOME:
            scen[("country", c)] = (keyed["country"].get(c, set()), imp_keyed.get(c, set()))
    out: dict[tuple[str, str], tuple[int, float]] = {}
    for skey, (mk, fk) in scen.items():
        avail = producible({p: free[p] and p not in fk for p in products},
                           {p: made[p] and p not in mk for p in products})
        lost = [f for f in finals if f in base and f not in avail]
        out[skey] = (len(lost), sum(value[f] for f in lost))
    return out
