"""Resolve a scenario against a network into per-step shock schedules (a ``ShockPlan``).

把情景解析为按时间步的冲击安排：站点产能（灾害/企业停产，含恢复曲线）、出口管制（站点停止向外发运，
以及按贸易来源份额削减数据集外供给）、终端需求变化、物流中断、备份站点。

Day sampling: step t covers days tΔ … tΔ+Δ−1 (Δ = step_days); each shock's value is averaged over
those days. Capacity loss at day d of an event with loss L, full-loss window [start, end) and recovery
over R days: L for start ≤ d < end; then linear L(1 − (d − end)/R), exponential L·tail^((d − end)/R) or
step L, for end ≤ d < end + R; 0 otherwise. Several events on one site multiply: κ = Π(1 − loss).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from chainleader.analysis.simulation.checks import check_scenario
from chainleader.analysis.simulation.errors import raise_if
from chainleader.analysis.simulation.network import SimNetwork
from chainleader.analysis.simulation.places import Resolver
from chainleader.analysis.simulation.scenario import (
    DemandShock,
    Disaster,
    EnterpriseFailure,
    ExportControl,
    Logistics,
    Scenario,
)
from chainleader.model.errors import Problem

CURVE_CODE = {"linear": 0, "exponential": 1, "step": 2}


def _f(x: object) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def _i(x: object) -> np.ndarray:
    return np.asarray(x, dtype=np.int64)


@dataclass(frozen=True)
class CapacityEvents:
    """Capacity-loss events, one per (shock, site), sorted by site."""

    site: np.ndarray
    loss: np.ndarray
    start: np.ndarray
    end: np.ndarray  # end of the full-loss window
    recovery: np.ndarray  # days
    curve: np.ndarray  # CURVE_CODE
    shock: np.ndarray
    tail: float = 0.01

    @classmethod
    def empty(cls) -> CapacityEvents:
        return cls(_i([]), _f([]), _f([]), _f([]), _f([]), _i([]), _i([]))

    def loss_by_step(self, n_steps: int, step_days: int) -> np.ndarray:
        """(steps, events) average loss of every event over each step's days."""
        days = np.arange(n_steps * step_days, dtype=np.float64)
        vals = self.loss_on(days, average=False)  # (events, days)
        return np.ascontiguousarray(vals.reshape(len(self.site), n_steps, step_days).mean(axis=2).T)

    def loss_on(self, days: np.ndarray, average: bool = True) -> np.ndarray:
        """Average loss of every event over ``days`` (or the (events, days) matrix)."""
        if not len(self.site):
            return _f([]) if average else np.zeros((0, len(days)))
        d = days[None, :]
        start, end, rec, loss = (a[:, None] for a in (self.start, self.end, self.recovery, self.loss))
        since = d - end
        frac = np.where(rec > 0, since / np.where(rec > 0, rec, 1.0), 1.0)
        lin = loss * (1.0 - frac)
        expo = loss * np.power(self.tail, frac)
        rec_val = np.select([self.curve[:, None] == 0, self.curve[:, None] == 1], [lin, expo], loss)
        val = np.where((d >= start) & (d < end), loss, np.where((since >= 0) & (since < rec), rec_val, 0.0))
        return np.asarray(val.mean(axis=1)) if average else np.asarray(val)


@dataclass(frozen=True)
class WindowEvents:
    """Events active in ``[start, end)`` with a value (a share cut or a demand change), on ``target``."""

    target: np.ndarray
    value: np.ndarray
    start: np.ndarray
    end: np.ndarray
    shock: np.ndarray

    @classmethod
    def empty(cls) -> WindowEvents:
        return cls(_i([]), _f([]), _f([]), _f([]), _i([]))

    def active_on(self, days: np.ndarray) -> np.ndarray:
        if not len(self.target):
            return _f([])
        d = days[None, :]
        on = (d >= self.start[:, None]) & (d < self.end[:, None])
        return np.asarray(on.mean(axis=1))

    def active_by_step(self, n_steps: int, step_days: int) -> np.ndarray:
        """(steps, events): the share of each step's days on which each event is active."""
        days = np.arange(n_steps * step_days, dtype=np.float64)
        on = (days[None, :] >= self.start[:, None]) & (days[None, :] < self.end[:, None])
        return np.ascontiguousarray(on.reshape(len(self.target), n_steps, step_days).mean(axis=2).T)

    def changed(self, **arrays: np.ndarray) -> WindowEvents:
        from dataclasses import replace

        return replace(self, **arrays)


@dataclass(frozen=True)
class LogisticsEvent:
    """Flows blocked between origin and destination sites: link entries and pooled entries of ``op``."""

    shock: int
    start: float
    end: float  # blocking ends here (closure: window end; lead time: start + added days)
    share: float
    link_op: sp.csr_matrix  # blocked (site-slot, firm-product) entries, values as in the delivery operator
    pool_ops: tuple[tuple[sp.csr_matrix, np.ndarray], ...]  # (site-slot x 2P entries, origin-site mask)

    def factor_on(self, days: np.ndarray) -> float:
        return float(self.share * np.mean((days >= self.start) & (days < self.end)))


@dataclass(frozen=True)
class ShockPlan:
    """Everything the engine needs from a scenario, as arrays over sites, products and steps."""

    scenario: Scenario
    n_steps: int
    step_days: int
    capacity: CapacityEvents
    ship: WindowEvents  # site-level shipment cut (export controls)
    external: WindowEvents  # product-level cut of supply from outside the dataset
    demand: WindowEvents  # product-level change of outside claims
    logistics: tuple[LogisticsEvent, ...]
    backup_sites: np.ndarray
    backup_reduced: np.ndarray
    backup_start_day: float
    shocked_sites: np.ndarray  # sites hit by capacity or shipment events (for reports)
    warnings: tuple[Problem, ...] = ()
    inventory_factor: float = 1.0
    ramp_factor: float = 1.0
    shock_ids: tuple[str, ...] = field(default=())

    def days_of(self, step: int) -> np.ndarray:
        return np.arange(step * self.step_days, (step + 1) * self.step_days, dtype=np.float64)

    @property
    def first_day(self) -> float:
        return self.scenario.first_day


def resolve(net: SimNetwork, scenario: Scenario) -> ShockPlan:
    """Check ``scenario`` (structure and every id) against ``net`` and build its ShockPlan.

    Raises ``ScenarioError`` with every located problem (file, line, field, suggestions)."""
    problems = check_scenario(scenario)
    raise_if(problems, scenario.source)
    r = Resolver(net, scenario)
    p = scenario.params
    cap: list[tuple[np.ndarray, ...]] = []
    ship: list[tuple[np.ndarray, ...]] = []
    ext: list[tuple[np.ndarray, ...]] = []
    dem: list[tuple[np.ndarray, ...]] = []
    logistics: list[LogisticsEvent] = []
    for k, sh in enumerate(scenario.shocks):
        base = f"shocks[{k}]"
        if isinstance(sh, Disaster | EnterpriseFailure):
            if isinstance(sh, Disaster):
                mask = r.region_mask(r.region_codes(sh.regions, f"{base}.regions"))
            else:
                mask = np.isin(net.site_enterprise, r.enterprises(sh.enterprises, f"{base}.enterprises"))
            if sh.products:
                mask &= np.isin(net.site_product, r.products(sh.products, f"{base}.products"))
            sites = np.flatnonzero(mask)
            _warn_empty(r, base, sites, sh.id)
            ttr = np.where(np.isnan(net.site_ttr_days[sites]), p.default_ttr_days, net.site_ttr_days[sites])
            rec = ttr if sh.recovery.days == "ttr" else np.full(len(sites), float(sh.recovery.days))
            n = len(sites)
            cap.append((sites, np.full(n, sh.capacity_loss), np.full(n, sh.start_day), np.full(n, sh.end_day), rec,
                        np.full(n, CURVE_CODE[sh.recovery.curve]), np.full(n, k)))
        elif isinstance(sh, ExportControl):
            countries = r.countries(sh.by, f"{base}.by")
            if net.home_country >= 0 and net.home_country in countries:
                r.err(f"{base}.by", "home_export_control", "出口管制的实施方不能包含本国",
                      "the controlling countries cannot include the home country",
                      "本国产能中断请用 disaster 或 enterprise_failure", "model a home outage as disaster or "
                      "enterprise_failure", p.home_country)
            prods = r.products(sh.products, f"{base}.products")
            sites = np.flatnonzero(np.isin(net.site_product, prods) & np.isin(net.site_country, countries))
            n = len(sites)
            ship.append((sites, np.full(n, sh.share), np.full(n, sh.start_day), np.full(n, sh.end_day), np.full(n, k)))
            rows = np.isin(net.ext_product, prods) & np.isin(net.ext_country, countries)
            cut = np.bincount(net.ext_product[rows], weights=net.ext_share[rows], minlength=net.n_products)
            hit = np.flatnonzero((cut > 0) & (net.external > 0))
            m = len(hit)
            ext.append((hit, sh.share * cut[hit], np.full(m, sh.start_day), np.full(m, sh.end_day), np.full(m, k)))
            if n == 0 and m == 0 and not r.problems:
                r.err(base, "shock_hits_nothing", f"冲击 {sh.id!r} 没有作用对象：这些产品没有位于这些国家的站点或进口",
                      f"shock {sh.id!r} hits nothing: no site or import of these products in these countries",
                      "检查 by 与 products", "check by and products", sh.id, "warning")
        elif isinstance(sh, DemandShock):
            if sh.products:
                prods = r.products(sh.products, f"{base}.products")
            else:
                finals = r.chain(sh.chain, f"{base}.chain")
                prods = finals if finals is not None else np.flatnonzero(net.final_mask)
            n = len(prods)
            dem.append((prods, np.full(n, sh.change), np.full(n, sh.start_day), np.full(n, sh.end_day), np.full(n, k)))
        elif isinstance(sh, Logistics):
            origin = r.place_mask(sh.origins, f"{base}.origins")
            dest = r.place_mask(sh.destinations, f"{base}.destinations")
            end = sh.end_day if sh.mode == "closure" else min(sh.end_day, sh.start_day + sh.added_days)
            logistics.append(_logistics_event(net, k, sh.start_day, end, sh.share, origin, dest, sh.both_directions))
            if not (origin.any() and dest.any()):
                r.err(base, "shock_hits_nothing", f"物流中断 {sh.id!r} 的起点或终点没有站点",
                      f"logistics shock {sh.id!r}: no site at the origins or the destinations", "检查 origins 与 "
                      "destinations", "check origins and destinations", sh.id, "warning")
    capacity = _capacity_events(cap, p.exponential_tail)
    backups, reduced = _backups(net, scenario, r, capacity, ship)
    raise_if(r.problems, scenario.source)
    shocked = np.unique(np.concatenate([capacity.site, *(s[0] for s in ship)])) if ship or len(capacity.site) else _i([])
    step = p.step_days
    return ShockPlan(
        scenario=scenario,
        n_steps=-(-scenario.horizon_days // step),
        step_days=step,
        capacity=capacity,
        ship=_window(ship),
        external=_window(ext),
        demand=_window(dem),
        logistics=tuple(logistics),
        backup_sites=backups,
        backup_reduced=reduced,
        backup_start_day=scenario.backup_plan.activate_day if scenario.backup_plan else 0.0,
        shocked_sites=shocked,
        warnings=tuple(q for q in r.problems if q.severity == "warning"),
        shock_ids=tuple(s.id for s in scenario.shocks),
    )


def _warn_empty(r: Resolver, base: str, sites: np.ndarray, sid: str) -> None:
    if not len(sites) and not [q for q in r.problems if q.severity == "error"]:
        r.err(base, "shock_hits_nothing", f"冲击 {sid!r} 没有命中任何站点（产能行）", f"shock {sid!r} hits no site "
              "(capacity row)", "检查地区、企业与产品", "check regions, enterprises and products", sid, "warning")


def _capacity_events(parts: list[tuple[np.ndarray, ...]], tail: float) -> CapacityEvents:
    if not parts:
        return CapacityEvents.empty()
    cols = [np.concatenate([p[i] for p in parts]) for i in range(7)]
    order = np.argsort(cols[0], kind="stable")
    site, loss, start, end, rec, curve, shock = (c[order] for c in cols)
    return CapacityEvents(_i(site), _f(loss), _f(start), _f(end), _f(rec), _i(curve), _i(shock), tail)


def _window(parts: list[tuple[np.ndarray, ...]]) -> WindowEvents:
    if not parts:
        return WindowEvents.empty()
    cols = [np.concatenate([p[i] for p in parts]) for i in range(5)]
    order = np.argsort(cols[0], kind="stable")
    t, v, s, e, k = (c[order] for c in cols)
    return WindowEvents(_i(t), _f(v), _f(s), _f(e), _i(k))


def _logistics_event(net: SimNetwork, k: int, start: float, end: float, share: float, origin: np.ndarray,
                     dest: np.ndarray, both: bool) -> LogisticsEvent:
    op = net.op.tocoo()
    FP, P = net.n_fp, net.n_products
    cust = net.ss_site[net.se_ss[op.row]]
    is_link = op.col < 2 * FP
    sup = np.where(is_link, net.fp_main_site[np.where(is_link, op.col % max(FP, 1), 0)], 0)
    hit = is_link & origin[sup] & dest[cust]
    if both:
        hit |= is_link & dest[sup] & origin[cust]
    link_op = sp.csr_matrix((op.data[hit], (op.row[hit], op.col[hit])), shape=op.shape)
    pools = []
    pairs = [(origin, dest), (dest, origin)] if both else [(origin, dest)]
    for o, d in pairs:
        sel = ~is_link & d[cust]
        m = sp.csr_matrix((op.data[sel], (op.row[sel], op.col[sel] - 2 * FP)), shape=(op.shape[0], 2 * P))
        pools.append((m, o))
    return LogisticsEvent(k, start, end, share, link_op, tuple(pools))


def _backups(net: SimNetwork, s: Scenario, r: Resolver, capacity: CapacityEvents,
             ship: list[tuple[np.ndarray, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """Backup sites of the plan and whether each is reduced-standard (降准)."""
    plan = s.backup_plan
    if plan is None:
        return _i([]), np.zeros(0, dtype=bool)
    hit = np.zeros(net.n_sites, dtype=bool)
    hit[capacity.site] = True
    for part in ship:
        hit[part[0]] = True
    required = _required_grade(net, hit)
    grade = net.site_grade.astype(np.int64)
    req = required[net.site_product]
    same = (grade == 0) | (req == 0) | (grade >= req)
    prods = r.products(plan.products, "backup_plan.products") if plan.products else None
    in_scope = np.isin(net.site_product, prods) if prods is not None else np.ones(net.n_sites, dtype=bool)
    if plan.mode == "auto":
        head = net.site_cap - net.site_base
        domestic = net.site_country == net.home_country
        cand = in_scope & domestic & (head > 0) & ~hit
        rank_same = np.where(cand & same, 0, np.where(cand & ~same & plan.allow_reduced, 1, 2))
        order = np.lexsort((np.arange(net.n_sites), -head, rank_same, net.site_product))
        ok = rank_same[order] < 2
        order = order[ok]
        prod = net.site_product[order]
        first = np.searchsorted(prod, prod, side="left")
        keep = np.arange(len(order)) - first < plan.top_n
        sites = np.sort(order[keep])
    else:
        mask = np.zeros(net.n_sites, dtype=bool)
        ents = r.enterprises(plan.enterprises, "backup_plan.enterprises")
        mask |= np.isin(net.site_enterprise, ents) & in_scope
        for k, spec in enumerate(plan.sites):
            ent, _, prod_id = spec.partition(":")
            e = r.enterprises((ent,), f"backup_plan.sites[{k}]")
            pr = r.products((prod_id,), f"backup_plan.sites[{k}]")
            m = np.isin(net.site_enterprise, e) & np.isin(net.site_product, pr)
            if len(e) and len(pr) and not m.any():
                r.err(f"backup_plan.sites[{k}]", "no_such_site", f"企业 {ent} 没有产品 {prod_id} 的产能行",
                      f"enterprise {ent} has no capacity row for {prod_id}", "先在 capacities 表中登记该产能",
                      "add the capacity row first", spec)
            mask |= m
        if (mask & hit).any():
            r.err("backup_plan", "backup_also_shocked", "部分备份站点本身受到冲击，其备份能力按冲击后的产能计",
                  "some backup sites are hit by the shocks themselves; they back up with their remaining capacity",
                  "", "", None, "warning")
        sites = np.flatnonzero(mask)
    return _i(sites), ~same[sites]


def _required_grade(net: SimNetwork, hit: np.ndarray) -> np.ndarray:
    """Per product: the highest standard grade among its shocked sites, else among its producing sites."""
    P = net.n_products
    g = net.site_grade.astype(np.int64)
    shocked = np.zeros(P, dtype=np.int64)
    np.maximum.at(shocked, net.site_product[hit], g[hit])
    producing = net.site_base > 0
    allg = np.zeros(P, dtype=np.int64)
    np.maximum.at(allg, net.site_product[producing], g[producing])
    has_hit = np.bincount(net.site_product[hit], minlength=P) > 0
    return np.where(has_hit, shocked, allg)
