"""The time-step engine: capacity loss and recovery, inventories, AND/OR production, rationing, backups.

冲击传导引擎（按日，可选按周）：产能损失与恢复、成品库存与投入库存的消耗、与-或物料清单约束下的生产、
按比例（或链主优先）配给、或组内替代与备份供应（爬坡与认证延迟）、积压订单。

Per step t (every array operation is vectorised over sites, site-slots, links; no loop over firms):

1. **Receipts.** A shipment made in step t−1 arrives in step t (one step of transit). Slot k of site s
   receives base deliveries x̄_s λ(t−1) · (1 − dev_k) in "units of s's product enabled", where the slot
   deficit dev = op @ (1 − fill ratios) (see ``network``), plus extra deliveries ordered in t−1.
2. **Production** x_s = min(κ_s (x̄_s + ρ_s h_s), target_s, min_k (stock_k + receipts_k)): capacity κ from
   the shocks; output above baseline uses spare capacity h = c − x̄ only as the ramp ρ grows linearly to 1
   over ramp_up_days after the site first needs it; target = x̄λ + (F̄ − F) + surge order (order-up-to
   finished goods F̄ = inventory_days × daily output). AND over slots is the min; OR inside a slot is the sum.
3. **Input stocks** keep what is left, up to input_stock_days of use (the rest is not taken).
4. **Base shipping.** Site s holds F + x and faces claims C = x̄_s λ_i: it ships min(F + x, η C) (η: the
   share not blocked by export controls); fill ratio φ = shipped / C. Every claim on a site gets the same
   ratio (proportional rationing); with ``priority="chain_master"`` chain-master customers' share of claims
   is served first. The pool of product i serves pooled claims and outside claims at
   α_i = (Σ shipped + ε X_i λ_i) / (D̄_i λ_i), external supply X cut by export controls through ε.
5. **Extra claims.** A site-slot short of what it needs (target + stock refill − expected base receipts)
   claims the rest from the slot's alternatives (OR substitution), split by their spare supply. Claims
   from customers tied by supply links ("restricted") are served by backups of the plan at once and by
   other makers only after ``qualification_days``; pooled ("open") claims and final-demand backlog by any
   maker. Served from makers' stock left after base shipping, proportionally, open claims first (so a backup
   plan only adds supply); what stays unmet becomes surge orders for the eligible makers' spare capacity.
6. **Outside (final) demand** O_i(t) is met at α_i; the shortfall is lost, or kept as backlog with
   ``backlog_share`` and served later through the extra channel.

No shock ⇒ every fill ratio is exactly 1, every deficit exactly 0, output = baseline exactly.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from chainleader.analysis.compiled import expand_ranges
from chainleader.analysis.simulation.demand import demand_schedule
from chainleader.analysis.simulation.network import SimNetwork
from chainleader.analysis.simulation.results import Recorder, SimulationResult
from chainleader.analysis.simulation.shocks import ShockPlan

Progress = Callable[[str, int, int | None], None]
TOL = 1e-12


class _Runs:
    """Events sorted by target: unique targets and the run starts for multiply.reduceat."""

    def __init__(self, target: np.ndarray) -> None:
        self.n = len(target)
        if self.n:
            new = np.ones(self.n, dtype=bool)
            new[1:] = target[1:] != target[:-1]
            self.starts = np.flatnonzero(new)
            self.targets = target[self.starts]
        else:
            self.starts = self.targets = np.zeros(0, dtype=np.int64)

    def product(self, factors: np.ndarray) -> np.ndarray:
        return np.multiply.reduceat(factors, self.starts) if self.n else factors


def simulate(net: SimNetwork, plan: ShockPlan, *, detail: bool = True, progress: Progress | None = None
             ) -> SimulationResult:
    """Run one scenario (already resolved into ``plan``) on ``net``; deterministic.

    ``detail=False`` (Monte Carlo) skips the province, chain-master, enterprise and binding records; the
    product series, losses, time to recover and peak loss are the same."""
    p = plan.scenario.params
    dt = float(plan.step_days)
    k = dt / 365.0
    S, P, FP, SK = net.n_sites, net.n_products, net.n_fp, net.n_site_slots
    sp_, ss_site = net.site_product, net.ss_site
    xb = net.site_base * k
    head = np.maximum(net.site_cap * k - xb, 0.0)
    inv_days = np.where(np.isnan(net.site_inv_days), p.default_inventory_days, net.site_inv_days)
    f_bar = inv_days * plan.inventory_factor * net.site_base / 365.0
    stock_days = np.full(SK, p.input_stock_days)
    if p.equipment_stock_days is not None:
        stock_days[net.slot_is_equipment[net.ss_slot]] = p.equipment_stock_days
    b_bar = stock_days * plan.inventory_factor * (net.site_base / 365.0)[ss_site]
    ramp_days = np.where(np.isnan(net.site_ramp_days), p.default_ramp_up_days, net.site_ramp_days)
    ramp_steps = np.maximum(ramp_days * plan.ramp_factor / dt, 1.0)
    ext_bar, out_bar = net.external * k, net.outside * k
    claims_bar = np.bincount(sp_, xb, P) + ext_bar  # summed like the shipments: exactly met at baseline
    has_slots = np.flatnonzero(np.diff(net.ss_ptr) > 0)
    ss_starts = net.ss_ptr[has_slots]
    fp_starts = net.fp_ptr[:-1]
    prio = p.priority == "chain_master" and bool((net.priority_share > 0).any())
    pi = net.priority_share if prio else np.zeros(P)
    beta = p.backlog_share
    qual_steps = p.qualification_days / dt
    derate = np.ones(S)
    derate[plan.backup_sites[plan.backup_reduced]] = p.reduced_capacity_factor
    is_backup = np.zeros(S, dtype=bool)
    is_backup[plan.backup_sites] = True
    reduced = np.zeros(S, dtype=bool)
    reduced[plan.backup_sites[plan.backup_reduced]] = True
    cap_runs, ship_runs = _Runs(plan.capacity.site), _Runs(plan.ship.target)
    n = plan.n_steps
    cap_loss = plan.capacity.loss_by_step(n, plan.step_days) if cap_runs.n else None
    ship_on = plan.ship.active_by_step(n, plan.step_days) if ship_runs.n else None
    ext_on = plan.external.active_by_step(n, plan.step_days) if len(plan.external.target) else None
    demand = demand_schedule(net, plan)
    ones_p = np.ones(P)

    F, B = f_bar.copy(), b_bar.copy()
    dev, xd = np.zeros(SK), np.zeros(SK)
    surge = np.zeros(S)
    t_need = np.full(S, np.inf)
    t_short = np.full(P, np.inf)
    kap, eta = np.ones(S), np.ones(S)
    backlog = np.zeros(P)
    t_prev_ss = xb[ss_site]
    rec = Recorder(net, plan, xb, demand.converged, detail)
    zeros_p = np.zeros(P)

    for t in range(plan.n_steps):
        days = plan.days_of(t)
        if cap_loss is not None:
            kap[cap_runs.targets] = cap_runs.product(1.0 - cap_loss[t])
        if ship_on is not None:
            eta[ship_runs.targets] = ship_runs.product(1.0 - plan.ship.value * ship_on[t])
        eps = ones_p
        if ext_on is not None:
            cut = np.bincount(plan.external.target, plan.external.value * ext_on[t], P)
            eps = np.clip(1.0 - cut, 0.0, 1.0)
        lam = demand.lam[t]
        lam_p = lam if lam is not None else ones_p
        out_mult = demand.outside[t]
        T = xb * lam_p[sp_] if lam is not None else xb

        # 1-2. receipts and production
        recv = t_prev_ss * (1.0 - dev) + xd
        target = np.maximum(T + (f_bar - F) + surge, 0.0)
        start = (target > xb * (1.0 + 1e-9) + TOL) & np.isinf(t_need)
        t_need[start] = t
        rho = np.clip((t - t_need + 1.0) / ramp_steps, 0.0, 1.0)
        ceiling = kap * (xb + rho * head)
        want = np.minimum(ceiling, target)
        x = want.copy()
        avail = B + recv
        if len(has_slots):
            xin = np.minimum.reduceat(avail, ss_starts)
            x[has_slots] = np.minimum(x[has_slots], xin)
            rec.binding(t, has_slots, xin, x, want, avail)
        np.maximum(x, 0.0, out=x)
        rec.capacity_bound(T, ceiling, target)
        # 3. input stocks
        B = np.clip(B + (recv - x[ss_site]), 0.0, b_bar)  # recv − x first: exact at baseline
        # 4. base shipping
        A = F + x
        if prio:
            cp = T * pi[sp_]
            y_pri = np.minimum(A, cp * eta)
            y_non = np.minimum(A - y_pri, (T - cp) * eta)
            y = y_pri + y_non
        else:
            y = np.minimum(A, T * eta)
        F = F + (x - y)  # not (F + x) − y: no rounding drift at baseline
        dem_lam = claims_bar * lam_p
        if prio:
            phi_pri = _ratio(np.add.reduceat(y_pri, fp_starts), np.add.reduceat(cp, fp_starts)) if FP else zeros_p[:0]
            phi_non = _ratio(np.add.reduceat(y_non, fp_starts), np.add.reduceat(T - cp, fp_starts)) if FP else phi_pri
            ext_av = eps * ext_bar * lam_p
            a_pri = _ratio(np.bincount(sp_, y_pri, P) + ext_av * pi, dem_lam * pi)
            a_non = _ratio(np.bincount(sp_, y_non, P) + ext_av * (1.0 - pi), dem_lam * (1.0 - pi))
        else:
            phi_non = _ratio(np.add.reduceat(y, fp_starts), np.add.reduceat(T, fp_starts)) if FP else zeros_p[:0]
            phi_pri = phi_non
            a_non = _ratio(np.bincount(sp_, y, P) + eps * ext_bar * lam_p, dem_lam)
            a_pri = a_non
        # deficits of next step's receipts
        vec = np.concatenate([1.0 - phi_non, 1.0 - phi_pri, 1.0 - a_non, 1.0 - a_pri])
        dev = net.op @ vec if vec.any() else np.zeros(SK)
        if plan.logistics:
            dev = dev + _logistics(plan, days, sp_, y, dem_lam, phi_non, phi_pri, a_non, a_pri, SK)
        np.minimum(dev, 1.0, out=dev)  # every term is >= 0
        t_prev_ss = T[ss_site]

        # 6. outside claims
        o_t = out_bar * out_mult if out_mult is not None else out_bar
        delivered = o_t * a_non
        short = o_t - delivered

        # 5. extra claims: needs for next step, split over OR alternatives
        target_next = np.minimum(ceiling, T + np.maximum(f_bar - F, 0.0) + surge)
        need = (target_next[ss_site] - t_prev_ss * (1.0 - dev)) + (b_bar - B)
        idx = np.flatnonzero(need > TOL * (1.0 + t_prev_ss))
        ec_o, ec_r = backlog.copy(), np.zeros(P)
        # surplus open to extra claims; an export-controlled site ships no more than its quota η·C in total
        blocked = eta < 1.0
        U = np.where(blocked, np.minimum(F, np.maximum(eta * T - y, 0.0)), F)
        pot = np.where(blocked, 0.0, kap * head * derate)
        claims: _Claims | None = None
        if len(idx):
            spare = np.bincount(sp_, U + pot, P)
            claims = _split_needs(net, idx, need, spare, P)
            ec_o += claims.open_q
            ec_r = claims.restricted_q
        t_short[(ec_r > 0) & np.isinf(t_short)] = t
        backups_on = is_backup & (days[0] >= plan.backup_start_day)
        elig_r = backups_on | (t >= t_short + qual_steps)[sp_]
        # open claims first, then restricted ones from what the eligible makers have left: a backup plan only
        # adds supply to tied customers, it never takes it from anyone else
        served_o, take_o = _serve(ec_o, U, sp_, P)
        U = U - take_o
        served_r, take_r = _serve(ec_r, U * elig_r, sp_, P)
        F = F - take_r - take_o
        psi_r = _ratio0(served_r, ec_r)
        psi_o = _ratio0(served_o, ec_o)
        xd = claims.delivered(psi_r, psi_o, SK) if claims is not None else np.zeros(SK)
        backlog_served = backlog * psi_o
        backlog = backlog - backlog_served + beta * short
        # surge orders: expect this step's extra claims again next step; what the stock left after serving
        # cannot cover goes to the eligible makers' spare capacity (proportionally)
        left = U - take_r
        short_r = np.maximum(ec_r - np.bincount(sp_, left * elig_r, P), 0.0)
        short_o = np.maximum(ec_o - np.bincount(sp_, left, P), 0.0)
        u_r = np.minimum(_ratio0(short_r, np.bincount(sp_, pot * elig_r, P)), 1.0)
        u_o = np.minimum(_ratio0(short_o, np.bincount(sp_, pot, P)), 1.0)
        surge = np.minimum(pot, pot * elig_r * u_r[sp_] + pot * u_o[sp_])
        rec.step(t, x, short, backlog, backlog_served, delivered, o_t, take_r + take_o, reduced)
        if progress is not None and (t % 30 == 0 or t == plan.n_steps - 1):
            progress("simulate", t + 1, plan.n_steps)
    return rec.result()


class _Claims:
    """Extra claims of the site-slots ``idx``, split over their OR alternatives (``idx`` sorted)."""

    def __init__(self, idx: np.ndarray, starts: np.ndarray, ents: np.ndarray, claim_en: np.ndarray,
                 inp: np.ndarray, restricted: np.ndarray, open_q: np.ndarray, restricted_q: np.ndarray) -> None:
        self.idx, self.starts, self.ents, self.claim_en = idx, starts, ents, claim_en
        self.inp, self.restricted = inp, restricted
        self.open_q, self.restricted_q = open_q, restricted_q

    def delivered(self, psi_r: np.ndarray, psi_o: np.ndarray, n_ss: int) -> np.ndarray:
        """Extra deliveries per site-slot (enabled units) given each product's served ratios."""
        got = self.claim_en * np.where(self.restricted, psi_r[self.inp], psi_o[self.inp])
        out = np.zeros(n_ss)
        out[self.idx] = np.add.reduceat(got, self.starts)
        return out


def _split_needs(net: SimNetwork, idx: np.ndarray, need: np.ndarray, spare: np.ndarray, P: int) -> _Claims:
    """Split each needing slot's shortfall over its alternatives in proportion to mix x spare supply
    (mix alone when no alternative has spare). Streams each chosen (site-slot, alternative) once."""
    ptr = net.se_ptr
    if len(idx) * 2 > net.n_site_slots:  # dense: no index expansion
        mask = np.zeros(net.n_site_slots, dtype=bool)
        mask[idx] = True
        ents = np.flatnonzero(mask[net.se_ss])
    else:
        ents = expand_ranges(ptr[idx], ptr[idx + 1])
    cnt = ptr[idx + 1] - ptr[idx]
    starts = np.zeros(len(idx), dtype=np.int64)
    np.cumsum(cnt[:-1], out=starts[1:])
    inp, q, w = net.se_input[ents], net.se_qty[ents], net.se_mix[ents]
    sw = w * np.where(q > 0, spare[inp] / np.where(q > 0, q, 1.0), 1.0)
    tot = np.add.reduceat(sw, starts)
    none = tot <= 0
    if none.any():
        use_mix = np.repeat(none, cnt)
        sw = np.where(use_mix, w, sw)
        tot = np.add.reduceat(sw, starts)
    claim_en = np.repeat(need[idx] / np.where(tot > 0, tot, 1.0), cnt) * sw
    claim_q = claim_en * q
    restricted = net.se_restricted[ents]
    open_q = np.bincount(inp, np.where(restricted, 0.0, claim_q), P)
    restricted_q = np.bincount(inp, np.where(restricted, claim_q, 0.0), P)
    return _Claims(idx, starts, ents, claim_en, inp, restricted, open_q, restricted_q)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den (num >= 0) capped at 1, and 1 where den = 0 (nothing claimed: fully served)."""
    out = np.ones(len(den))
    np.divide(num, den, out=out, where=den > 0)
    return np.minimum(out, 1.0, out=out)


def _ratio0(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    return np.divide(num, den, out=np.zeros(len(den)), where=den > 0)


def _serve(claims: np.ndarray, surplus: np.ndarray, sp_: np.ndarray, P: int) -> tuple[np.ndarray, np.ndarray]:
    """Serve product-level claims from site surpluses, proportionally; returns (served per product, take per site)."""
    if not claims.any():
        return np.zeros(P), np.zeros(len(surplus))
    avail = np.bincount(sp_, surplus, P)
    served = np.minimum(claims, avail)
    frac = _ratio0(served, avail)
    return served, surplus * frac[sp_]


def _logistics(plan: ShockPlan, days: np.ndarray, sp_: np.ndarray, y: np.ndarray, dem_lam: np.ndarray,
               phi_non: np.ndarray, phi_pri: np.ndarray, a_non: np.ndarray, a_pri: np.ndarray, SK: int) -> np.ndarray:
    """Extra deficit from blocked flows: linked flows w·φ and the origin's share of pooled supply."""
    P = len(dem_lam)
    out = np.zeros(SK)
    zeros = np.zeros(2 * P)
    for ev in plan.logistics:
        f = ev.factor_on(days)
        if f <= 0:
            continue
        if ev.link_op.nnz:
            out = out + f * (ev.link_op @ np.concatenate([phi_non, phi_pri, zeros]))
        for m, origin in ev.pool_ops:
            if not m.nnz:
                continue
            share = _ratio0(np.bincount(sp_[origin], y[origin], P), dem_lam)
            out = out + f * (m @ np.concatenate([share, share]))
    return out
