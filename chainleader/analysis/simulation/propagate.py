"""The time-step engine: capacity loss and recovery, inventories, AND/OR production, rationing, backups.

冲击传导引擎（按日，可选按周）：产能损失与恢复、成品库存与投入库存的消耗、与-或物料清单约束下的生产、
按比例（或链主优先）配给、或组内替代与备份供应（爬坡与认证延迟）、积压订单。

Per step t (every array operation is vectorised over sites, site-slots, links; no loop over firms):

1. **Receipts.** A shipment made in step t−1 arrives in step t (one step of transit). Slot k of site s
   receives base deliveries x̄_s λ(t−1) · (1 − dev_k) in "units of s's product enabled", where the slot
   deficit dev = op @ (1 − fill ratios) (see ``network``), plus extra deliveries ordered in t−1.
2. **Production** x_s = min(want_s, min_k U_k) with want = min(κ_s (x̄_s + ρ_s h_s), target_s): capacity κ
   from the shocks; output above baseline uses spare capacity h = c − x̄ only as the ramp ρ grows linearly
   to 1 over ramp_up_days after the site first needs it; target = x̄λ + (F̄ − F) + surge order (order-up-to
   finished goods F̄ = inventory_days × daily output). AND over slots is the min. Inside an OR slot each
   alternative e is a *line* holding stock + receipts a_e (in units of output enabled) that can make at most
   r_e + σ(want − r_e), r_e = w_e min(want, T) its regular share (w: baseline mix, T = x̄λ the site's
   regular claims, σ: substitution readiness, below; σ = 1 for a slot with one alternative), and
   U_k = min(want, Σ_e min(a_e, r_e + σ(want − r_e))): before substitution a short alternative (NCM cathode) cannot be
   replaced by another one's stock (LFP), after it the alternatives add up (U = Σ a_e when every line is
   free). U_k = want exactly when no line is short of w_e · want (a single alternative: U = min(want, a)).
3. **Input stocks** per alternative keep what is left after use (use = w_e x when no line is short, else
   each line's share of its limit), up to input_stock_days of use (the rest is not taken).
4. **Base shipping.** Site s holds F + x and faces claims C = x̄_s λ_i: it ships min(F + x, η C) (η: the
   share not blocked by export controls); fill ratio φ = shipped / C. Every claim on a site gets the same
   ratio (proportional rationing); with ``priority="chain_master"`` chain-master customers' share of claims
   is served first. The pool of product i serves pooled claims and outside claims at
   α_i = (Σ shipped + ε X_i λ_i) / (D̄_i λ_i), external supply X cut by export controls through ε.
5. **Extra claims.** A site-slot short of what it needs (target + stock refill − expected base receipts)
   claims the rest from the slot's alternatives. *Like-for-like* first: each alternative is asked for what
   it failed to deliver (its own deficit, from the per-alternative rows of ``op``) plus its baseline mix
   share of the remaining need, so the site keeps its baseline mix. *Substitution* (shifting the mix
   towards alternatives with spare supply, split by mix x spare) needs a redesign and re-approval: the
   share σ of the claim split that way is 0 until ``substitution_days`` after the first step in which
   like-for-like claims left more than ``recovery_tolerance`` of the slot's baseline receipts unmet, then
   grows linearly to 1 over ``substitution_ramp_days``; slots whose
   alternatives include a backup of an active plan are pre-qualified (σ = 1). Claims
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
from typing import Literal

import numpy as np

from chainleader.analysis.compiled import expand_ranges
from chainleader.analysis.simulation.demand import demand_schedule
from chainleader.analysis.simulation.network import SimNetwork
from chainleader.analysis.simulation.results import Recorder, SimulationResult
from chainleader.analysis.simulation.shocks import ShockPlan

Progress = Callable[[str, int, int | None], None]
SimEngine = Literal["numba", "numpy"]
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


class _Prepared:
    """Per-run constants and the shock schedule shared by both engines (numpy reference and numba)."""

    def __init__(self, net: SimNetwork, plan: ShockPlan) -> None:
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
        SE, se_ss = len(net.se_entry), net.se_ss
        w_se = net.se_mix
        b_bar = (stock_days * plan.inventory_factor * (net.site_base / 365.0)[ss_site])[se_ss] * w_se  # per alternative
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
        tol = p.recovery_tolerance
        qual_steps = p.qualification_days / dt
        sub_steps = p.substitution_days / dt
        sub_ramp = max(p.substitution_ramp_days / dt, 1.0)
        t_sub = np.full(SK, np.inf)
        single = np.diff(net.se_ptr) == 1
        prequal = np.zeros(SK, dtype=bool)
        if len(plan.backup_sites):
            bprod = np.zeros(P, dtype=bool)
            bprod[sp_[plan.backup_sites]] = True
            prequal = (np.bincount(se_ss, bprod[net.se_input], SK) > 0) & (np.diff(net.se_ptr) > 1)
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

        (self.p, self.dt, self.k, self.S, self.P, self.FP, self.SK, self.sp_, self.ss_site, self.xb, self.head,
         self.inv_days, self.f_bar, self.stock_days, self.SE, self.se_ss, self.w_se, self.b_bar, self.ramp_days,
         self.ramp_steps, self.ext_bar, self.out_bar, self.claims_bar, self.has_slots, self.ss_starts,
         self.fp_starts, self.prio, self.pi, self.beta, self.tol, self.qual_steps, self.sub_steps, self.sub_ramp,
         self.t_sub, self.single, self.prequal, self.derate, self.is_backup, self.reduced, self.cap_runs,
         self.ship_runs, self.n, self.cap_loss, self.ship_on, self.ext_on, self.demand, self.ones_p) = (
            p, dt, k, S, P, FP, SK, sp_, ss_site, xb, head, inv_days, f_bar, stock_days, SE, se_ss, w_se, b_bar,
            ramp_days, ramp_steps, ext_bar, out_bar, claims_bar, has_slots, ss_starts, fp_starts, prio, pi, beta,
            tol, qual_steps, sub_steps, sub_ramp, t_sub, single, prequal, derate, is_backup, reduced, cap_runs,
            ship_runs, n, cap_loss, ship_on, ext_on, demand, ones_p)

    def step_shocks(self, t: int, plan: ShockPlan, kap: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray, np.ndarray | None]:
        """Set capacity factors κ and shipping factors η for step t (in place); return (days, ε, λ, λ or 1, outside mult)."""
        days = plan.days_of(t)
        if self.cap_loss is not None:
            kap[self.cap_runs.targets] = self.cap_runs.product(1.0 - self.cap_loss[t])
        if self.ship_on is not None:
            eta[self.ship_runs.targets] = self.ship_runs.product(1.0 - plan.ship.value * self.ship_on[t])
        eps = self.ones_p
        if self.ext_on is not None:
            cut = np.bincount(plan.external.target, plan.external.value * self.ext_on[t], self.P)
            eps = np.clip(1.0 - cut, 0.0, 1.0)
        lam = self.demand.lam[t]
        lam_p = lam if lam is not None else self.ones_p
        return days, eps, lam, lam_p, self.demand.outside[t]



def simulate(net: SimNetwork, plan: ShockPlan, *, detail: bool = True, progress: Progress | None = None,
             engine: SimEngine = "numba") -> SimulationResult:
    """Run one scenario (already resolved into ``plan``) on ``net``; deterministic.

    ``detail=False`` (Monte Carlo) skips the province, chain-master, enterprise and binding records; the
    product series, losses, time to recover and peak loss are the same. ``engine="numba"`` (default) runs the
    fused kernels of ``fast``; ``"numpy"`` runs this module's vectorised reference, the documented fallback
    (same results to rounding; slower at scale, no compilation)."""
    if engine == "numba":
        from chainleader.analysis.simulation.fast import simulate_fast

        return simulate_fast(net, plan, detail=detail, progress=progress)
    if engine != "numpy":
        from chainleader.model.errors import ConfigError

        raise ConfigError(f"未知引擎 / unknown engine {engine!r}; 可用 / accepted: numba, numpy")
    return simulate_numpy(net, plan, detail=detail, progress=progress)


def simulate_numpy(net: SimNetwork, plan: ShockPlan, *, detail: bool = True, progress: Progress | None = None
                   ) -> SimulationResult:
    """The numpy reference engine (the steps in the module docstring, vectorised over sites, slots, links)."""
    c = _Prepared(net, plan)
    (S, P, FP, SK, sp_, ss_site, xb, head, f_bar, SE, se_ss, w_se, b_bar, ramp_steps, ext_bar, out_bar, claims_bar,
     has_slots, ss_starts, fp_starts, prio, pi, beta, tol, qual_steps, sub_steps, sub_ramp, t_sub, single, prequal,
     derate, is_backup, reduced, demand) = (
        c.S, c.P, c.FP, c.SK, c.sp_, c.ss_site, c.xb, c.head, c.f_bar, c.SE, c.se_ss, c.w_se, c.b_bar,
        c.ramp_steps, c.ext_bar, c.out_bar, c.claims_bar, c.has_slots, c.ss_starts, c.fp_starts, c.prio, c.pi,
        c.beta, c.tol, c.qual_steps, c.sub_steps, c.sub_ramp, c.t_sub, c.single, c.prequal, c.derate, c.is_backup,
        c.reduced, c.demand)
    F, B = f_bar.copy(), b_bar.copy()
    dev, dev_se, xd = np.zeros(SK), np.zeros(SE), np.zeros(SE)
    surge = np.zeros(S)
    t_need = np.full(S, np.inf)
    t_short = np.full(P, np.inf)
    kap, eta = np.ones(S), np.ones(S)
    backlog = np.zeros(P)
    t_prev_ss = xb[ss_site]
    rec = Recorder(net, plan, xb, demand.converged, detail)
    zeros_p = np.zeros(P)

    for t in range(plan.n_steps):
        days, eps, lam, lam_p, out_mult = c.step_shocks(t, plan, kap, eta)
        T = xb * lam_p[sp_] if lam is not None else xb

        # 1-2. receipts and production
        plan_on = days[0] >= plan.backup_start_day
        sigma = np.clip((t - t_sub - sub_steps + 1.0) / sub_ramp, 0.0, 1.0)
        sigma[single] = 1.0  # one alternative: nothing to substitute
        if plan_on:
            sigma[prequal] = 1.0
        recv = t_prev_ss[se_ss] * np.maximum(w_se - dev_se, 0.0) + xd
        target = np.maximum(T + (f_bar - F) + surge, 0.0)
        start = (target > xb * (1.0 + 1e-9) + TOL) & np.isinf(t_need)
        t_need[start] = t
        rho = np.clip((t - t_need + 1.0) / ramp_steps, 0.0, 1.0)
        ceiling = kap * (xb + rho * head)
        want = np.minimum(ceiling, target)
        x = want.copy()
        avail = B + recv
        want_se = want[ss_site][se_ss]
        short0 = np.bincount(se_ss, np.maximum(w_se * want_se - avail, 0.0), SK) > 0
        reg = w_se * np.minimum(want, T)[ss_site][se_ss]  # the line's regular share
        line = np.minimum(avail, reg + sigma[se_ss] * (want_se - reg))
        M = np.bincount(se_ss, line, SK)
        want_ss = want[ss_site]
        usable = np.where(short0, np.minimum(want_ss, M), want_ss)
        if len(has_slots):
            xin = np.minimum.reduceat(usable, ss_starts)
            x[has_slots] = np.minimum(x[has_slots], xin)
            rec.binding(t, has_slots, xin, x, want, usable)
        np.maximum(x, 0.0, out=x)
        rec.capacity_bound(T, ceiling, target)
        # 3. input stocks, per alternative
        x_ss = x[ss_site]
        use = np.where(short0[se_ss], line * _ratio0(x_ss, M)[se_ss], w_se * x_ss[se_ss])
        B = np.clip(B + (recv - use), 0.0, b_bar)  # recv − use first: exact at baseline
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
        dev_se = net.op @ vec if vec.any() else np.zeros(SE)
        if plan.logistics:
            dev_se = dev_se + _logistics(plan, days, sp_, y, dem_lam, phi_non, phi_pri, a_non, a_pri, SE)
        dev = np.minimum(np.bincount(se_ss, dev_se, SK), 1.0)  # every term is >= 0
        t_prev_ss = T[ss_site]

        # 6. outside claims
        o_t = out_bar * out_mult if out_mult is not None else out_bar
        delivered = o_t * a_non
        short = o_t - delivered

        # 5. extra claims: needs for next step, split over OR alternatives
        target_next = np.minimum(ceiling, T + np.maximum(f_bar - F, 0.0) + surge)
        need = (target_next[ss_site] - t_prev_ss * (1.0 - dev)) + np.bincount(se_ss, b_bar - B, SK)
        idx = np.flatnonzero(need > TOL * (1.0 + t_prev_ss))
        ec_o, ec_r = backlog.copy(), np.zeros(P)
        # surplus open to extra claims; an export-controlled site ships no more than its quota η·C in total
        blocked = eta < 1.0
        U = np.where(blocked, np.minimum(F, np.maximum(eta * T - y, 0.0)), F)
        pot = np.where(blocked, 0.0, kap * head * derate)
        claims: _Claims | None = None
        if len(idx):
            spare = np.bincount(sp_, U + pot, P)
            claims = _split_needs(net, idx, need, spare, P, dev_se, dev, t_prev_ss, sigma[idx])
            ec_o += claims.open_q
            ec_r = claims.restricted_q
        t_short[(ec_r > 0) & np.isinf(t_short)] = t
        backups_on = is_backup & plan_on
        elig_r = backups_on | (t >= t_short + qual_steps)[sp_]
        # open claims first, then restricted ones from what the eligible makers have left: a backup plan only
        # adds supply to tied customers, it never takes it from anyone else
        served_o, take_o = _serve(ec_o, U, sp_, P)
        U = U - take_o
        served_r, take_r = _serve(ec_r, U * elig_r, sp_, P)
        F = F - take_r - take_o
        psi_r = _ratio0(served_r, ec_r)
        psi_o = _ratio0(served_o, ec_o)
        xd = claims.delivered(psi_r, psi_o, SE) if claims is not None else np.zeros(SE)
        if len(idx):  # substitution starts once like-for-like claims leave more than the tolerance unmet
            gap = need[idx] - np.bincount(se_ss, xd, SK)[idx] > tol * t_prev_ss[idx]
            t_sub[idx[gap & np.isinf(t_sub[idx])]] = t
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

    def delivered(self, psi_r: np.ndarray, psi_o: np.ndarray, n_se: int) -> np.ndarray:
        """Extra deliveries per site-entry (enabled units) given each product's served ratios."""
        out = np.zeros(n_se)
        out[self.ents] = self.claim_en * np.where(self.restricted, psi_r[self.inp], psi_o[self.inp])
        return out


def _split_needs(net: SimNetwork, idx: np.ndarray, need: np.ndarray, spare: np.ndarray, P: int,
                 dev_se: np.ndarray, dev: np.ndarray, t_prev_ss: np.ndarray, sigma: np.ndarray) -> _Claims:
    """Split each needing slot's shortfall over its alternatives: a share 1 − σ like-for-like (each
    alternative's own deficit, the rest of the need by baseline mix) and a share σ in proportion to mix x
    spare supply (mix alone when no alternative has spare). Streams each chosen (site-slot, alternative) once."""
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
    claim_en = np.repeat(need[idx] / np.where(tot > 0, tot, 1.0) * sigma, cnt) * sw
    lfl = sigma < 1.0
    if lfl.any():
        tp = t_prev_ss[idx]
        rest = np.maximum(need[idx] - tp * dev[idx], 0.0)
        lw = np.repeat(tp, cnt) * dev_se[ents] + w * np.repeat(rest, cnt)
        ltot = np.add.reduceat(lw, starts)
        lw = np.where(np.repeat(ltot > 0, cnt), lw, w)
        ltot = np.where(ltot > 0, ltot, 1.0)
        claim_en = claim_en + np.repeat(need[idx] / ltot * (1.0 - sigma), cnt) * lw
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
               phi_non: np.ndarray, phi_pri: np.ndarray, a_non: np.ndarray, a_pri: np.ndarray, SE: int) -> np.ndarray:
    """Extra deficit per site-entry from blocked flows: linked flows w·φ and the origin's share of pooled supply."""
    P = len(dem_lam)
    out = np.zeros(SE)
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
