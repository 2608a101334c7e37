"""Simulation results: time series, losses, time to recover, peak loss, binding inputs, comparisons.

仿真结果：产品/省份/产业链/链主企业的产出与缺口时间序列，损失（亿元），恢复时间，最大减产，
卡住生产的投入（何时、损失多少），以及多个情景并排比较。

Conventions (three loss measures, never to be added together):
* **Lost value** (损失, the headline and welfare-relevant figure) of a chain = value of its final products'
  outside (final) demand not delivered within the horizon (shortfall minus backlog served later) plus the
  quality penalty of reduced-standard backup supply — counted once, at the end of the chain.
* **Output shortfall** (减产损失) = Σ_t Σ_p max(0, baseline − output) valued at ``unit_price``: every step's
  output below baseline, never netted against output above baseline, so it is ≥ 0 and 0 only when no
  product ever falls. It is gross across tiers (a cathode not made and the car it would have gone into are
  both counted): a measure of disruption, not of welfare. Per enterprise and province the max is taken per
  site (per province) and step.
* **Net output change** (产出净变化) = Σ_t Σ_p (output − baseline) valued at price: negative for a net loss;
  output above baseline after recovery (refilling stocks, serving backlog) offsets the earlier shortfall,
  so it can be positive and is reported only beside the shortfall.
* Output ratio of a chain = value of its final products' output / baseline value (units when no price).
  Time to recover = days from the first shock day until the ratio is back within ``recovery_tolerance``
  for good (None when not recovered within the horizon); peak loss = 1 − the minimum ratio.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from chainleader.analysis.compiled import expand_ranges
from chainleader.analysis.simulation.network import SimNetwork
from chainleader.analysis.simulation.shocks import ShockPlan

YI = 1e8  # 亿元


class Recorder:
    """Accumulates what the engine reports step by step (vectorised bincounts)."""

    def __init__(self, net: SimNetwork, plan: ShockPlan, xb: np.ndarray, demand_converged: bool,
                 detail: bool = True) -> None:
        T, P, S = plan.n_steps, net.n_products, net.n_sites
        self.net, self.plan, self.xb, self.detail = net, plan, xb, detail
        self.demand_converged = demand_converged
        self.out = np.zeros((T, P))
        self.short = np.zeros((T, P))
        self.backlog = np.zeros((T, P))
        self.backlog_served = np.zeros((T, P))
        self.delivered = np.zeros((T, P))
        self.claim = np.zeros((T, P))
        self.site_value = net.price[net.site_product]
        dom = (net.site_province >= 0) & (net.site_country == net.home_country)
        self.prov_sites = np.flatnonzero(dom)
        self.prov_idx = net.site_province[dom]
        self.prov = np.zeros((T, len(net.province_codes)))
        masters = np.flatnonzero(net.enterprise_chain_master)
        pos = np.full(len(net.enterprise_ids), -1, dtype=np.int64)
        pos[masters] = np.arange(len(masters))
        self.cm_ent = masters
        self.cm_sites = np.flatnonzero(pos[net.site_enterprise] >= 0)
        self.cm_idx = pos[net.site_enterprise[self.cm_sites]]
        self.cm = np.zeros((T, len(masters)))
        self.site_lost = np.zeros(S)
        self.penalty = np.zeros(P)
        K = len(net.slot_product)
        self.bind_site_steps = np.zeros(K)
        self.bind_units = np.zeros(K)
        self.bind_first = np.full(K, -1, dtype=np.int64)
        self.bind_last = np.full(K, -1, dtype=np.int64)
        self.cap_units = np.zeros(P)

    def binding(self, t: int, has_slots: np.ndarray, xin: np.ndarray, x: np.ndarray, want: np.ndarray,
                avail: np.ndarray) -> None:
        """Which slot limited each input-bound site (the first slot at the minimum)."""
        if not self.detail:
            return
        w = want[has_slots]
        bound = np.flatnonzero(xin < w - 1e-9 * (1.0 + w))
        if not len(bound):
            return
        sites = has_slots[bound]
        ptr = self.net.ss_ptr
        cnt = ptr[sites + 1] - ptr[sites]
        rows = expand_ranges(ptr[sites], ptr[sites + 1])
        starts = np.zeros(len(sites), dtype=np.int64)
        np.cumsum(cnt[:-1], out=starts[1:])
        at_min = avail[rows] <= np.repeat(xin[bound], cnt) * (1.0 + 1e-12) + 1e-300
        pos = np.where(at_min, np.arange(len(rows)), len(rows))
        first = np.minimum.reduceat(pos, starts)  # the first slot at the minimum, per site
        slot = self.net.ss_slot[rows[first]]
        lost = w[bound] - xin[bound]
        K = len(self.bind_units)
        self.bind_units += np.bincount(slot, lost, K)
        self.bind_site_steps += np.bincount(slot, minlength=K)
        self.bind_first[slot] = np.where(self.bind_first[slot] < 0, t, self.bind_first[slot])
        self.bind_last[slot] = t

    def capacity_bound(self, T: np.ndarray, ceiling: np.ndarray, target: np.ndarray) -> None:
        if not self.detail:
            return
        short = np.maximum(np.minimum(T, target) - ceiling, 0.0)
        if short.any():
            self.cap_units += np.bincount(self.net.site_product, short, self.net.n_products)

    def step(self, t: int, x: np.ndarray, short: np.ndarray, backlog: np.ndarray, served: np.ndarray,
             delivered: np.ndarray, claim: np.ndarray, extra_take: np.ndarray, reduced: np.ndarray) -> None:
        net = self.net
        self.out[t] = np.bincount(net.site_product, x, net.n_products)
        self.short[t], self.backlog[t], self.backlog_served[t] = short, backlog, served
        self.delivered[t], self.claim[t] = delivered + served, claim
        if reduced.any():
            self.penalty += np.bincount(net.site_product[reduced], extra_take[reduced], net.n_products) * \
                net.price * self.plan.scenario.params.reduced_value_penalty
        if not self.detail:
            return
        val = x * self.site_value
        if len(self.prov_sites):
            self.prov[t] = np.bincount(self.prov_idx, val[self.prov_sites], self.prov.shape[1])
        if len(self.cm_sites):
            self.cm[t] = np.bincount(self.cm_idx, val[self.cm_sites], self.cm.shape[1])
        self.site_lost += np.maximum(self.xb - x, 0.0)

    def binding_sums(self, t: int, units: np.ndarray, counts: np.ndarray) -> None:
        """The numba engine's form of ``binding``: per slot, this step's lost units and input-bound site count."""
        slot = np.flatnonzero(counts)
        if not len(slot):
            return
        self.bind_units += units
        self.bind_site_steps += counts
        self.bind_first[slot] = np.where(self.bind_first[slot] < 0, t, self.bind_first[slot])
        self.bind_last[slot] = t

    def step_sums(self, t: int, out_p: np.ndarray, prov_t: np.ndarray, cm_t: np.ndarray, short: np.ndarray,
                  backlog: np.ndarray, served: np.ndarray, delivered: np.ndarray, claim: np.ndarray,
                  extra_take: np.ndarray | None, reduced: np.ndarray) -> None:
        """The numba engine's form of ``step``: per-product output and per-province/chain-master values summed in
        the kernel (same order as the bincounts of ``step``; ``site_lost`` updated there too)."""
        net = self.net
        self.out[t] = out_p
        self.short[t], self.backlog[t], self.backlog_served[t] = short, backlog, served
        self.delivered[t], self.claim[t] = delivered + served, claim
        if extra_take is not None and reduced.any():
            self.penalty += np.bincount(net.site_product[reduced], extra_take[reduced], net.n_products) * \
                net.price * self.plan.scenario.params.reduced_value_penalty
        if self.detail:
            self.prov[t] = prov_t
            self.cm[t] = cm_t

    def result(self) -> SimulationResult:
        net, plan = self.net, self.plan
        s = plan.scenario
        return SimulationResult(
            scenario_id=s.id, title_zh=s.title_zh, title_en=s.title_en, dataset=net.name,
            with_plan=s.backup_plan is not None, step_days=plan.step_days,
            days=np.arange(plan.n_steps, dtype=np.int64) * plan.step_days, first_day=plan.first_day,
            net=net, base_out=np.bincount(net.site_product, self.xb, net.n_products), out=self.out,
            short=self.short, backlog=self.backlog, backlog_served=self.backlog_served, delivered=self.delivered,
            claim=self.claim,
            province_base=np.bincount(self.prov_idx, (self.xb * self.site_value)[self.prov_sites],
                                      self.prov.shape[1]),
            province_out=self.prov, cm_ent=self.cm_ent,
            cm_base=np.bincount(self.cm_idx, (self.xb * self.site_value)[self.cm_sites], self.cm.shape[1]),
            cm_out=self.cm, site_lost=self.site_lost, penalty=self.penalty,
            bind_site_steps=self.bind_site_steps, bind_units=self.bind_units, bind_first=self.bind_first,
            bind_last=self.bind_last, cap_units=self.cap_units,
            meta={
                "scenario": s.id, "source": s.source, "horizon_days": s.horizon_days, "params": s.params.as_dict(),
                "backup_sites": int(len(plan.backup_sites)),
                "reduced_standard_backups": int(plan.backup_reduced.sum()),
                "shocked_sites": int(len(plan.shocked_sites)), "sites": net.n_sites, "products": net.n_products,
                "links": dict(net.link_counts), "demand_converged": self.demand_converged,
                "inventory_factor": plan.inventory_factor, "ramp_factor": plan.ramp_factor,
                "warnings": [w.as_dict() for w in plan.warnings],
            },
        )


@dataclass(eq=False)
class SimulationResult:
    """One run. Arrays are per step (``days`` = first day of each step); values in CNY."""

    scenario_id: str
    title_zh: str
    title_en: str
    dataset: str
    with_plan: bool
    step_days: int
    days: np.ndarray
    first_day: float
    net: SimNetwork = field(repr=False)
    base_out: np.ndarray = field(repr=False)  # (P,) units per step
    out: np.ndarray = field(repr=False)  # (T, P)
    short: np.ndarray = field(repr=False)  # (T, P) outside claims not met when due
    backlog: np.ndarray = field(repr=False)
    backlog_served: np.ndarray = field(repr=False)
    delivered: np.ndarray = field(repr=False)
    claim: np.ndarray = field(repr=False)
    province_base: np.ndarray = field(repr=False)  # (R,) value per step
    province_out: np.ndarray = field(repr=False)  # (T, R)
    cm_ent: np.ndarray = field(repr=False)
    cm_base: np.ndarray = field(repr=False)
    cm_out: np.ndarray = field(repr=False)
    site_lost: np.ndarray = field(repr=False)  # (S,) units: Σ_t max(0, baseline − output) per site
    penalty: np.ndarray = field(repr=False)  # (P,) CNY
    bind_site_steps: np.ndarray = field(repr=False)
    bind_units: np.ndarray = field(repr=False)
    bind_first: np.ndarray = field(repr=False)
    bind_last: np.ndarray = field(repr=False)
    cap_units: np.ndarray = field(repr=False)
    meta: dict[str, Any] = field(default_factory=dict)

    # --- chain-level series and metrics -----------------------------------------------------------------
    def _finals(self, chain: str | None) -> np.ndarray:
        net = self.net
        if chain is None:
            return np.flatnonzero(net.final_mask)
        if chain not in net.chain_ids:
            from chainleader.model.errors import NotFoundError

            raise NotFoundError(f"产业链 {chain!r} 不存在 / chain {chain!r} not found; available: {net.chain_ids}")
        return net.chain_finals[net.chain_ids.index(chain)]

    def _weights(self, idx: np.ndarray) -> np.ndarray:
        w = self.net.price[idx]
        return w if (w > 0).any() else np.ones(len(idx))

    def output_ratio(self, chain: str | None = None) -> np.ndarray:
        """Value of the final products' output / baseline, per step."""
        f = self._finals(chain)
        w = self._weights(f)
        base = float(self.base_out[f] @ w)
        return self.out[:, f] @ w / base if base > 0 else np.ones(len(self.days))

    def time_to_recover(self, chain: str | None = None) -> float | None:
        """Days from the first shock day until output is back within tolerance for good; 0 if never hit."""
        r = self.output_ratio(chain)
        below = np.flatnonzero(r < 1.0 - self.meta["params"]["recovery_tolerance"])
        if not len(below):
            return 0.0
        if below[-1] == len(r) - 1:
            return None
        return float(self.days[below[-1]] + self.step_days - self.first_day)

    def peak_loss(self, chain: str | None = None) -> tuple[float, int]:
        """(largest relative output drop, its day)."""
        r = self.output_ratio(chain)
        k = int(np.argmin(r)) if len(r) else 0
        return (float(max(0.0, 1.0 - r[k])) if len(r) else 0.0), int(self.days[k]) if len(r) else 0

    def final_loss_value(self, chain: str | None = None) -> float:
        f = self._finals(chain)
        unmet = self.short[:, f].sum(axis=0) - self.backlog_served[:, f].sum(axis=0)
        return float(np.maximum(unmet, 0.0) @ self.net.price[f])

    def penalty_value(self, chain: str | None = None) -> float:
        if chain is None:
            return float(self.penalty.sum())
        return float(self.penalty[self.net.chain_scope[self.net.chain_ids.index(chain)]].sum())

    def lost_value(self, chain: str | None = None) -> float:
        """Final loss of the chain (or of every chain's finals): unmet final demand + reduced-standard penalty."""
        return self.final_loss_value(chain) + self.penalty_value(chain)

    def final_demand_lost_value(self, chain: str | None = None) -> float:
        """Value of final demand for the chain's final products not delivered within the horizon (≥ 0)."""
        return self.final_loss_value(chain)

    def output_shortfall_value(self) -> float:
        """Σ_t Σ_p max(0, baseline − output) x price over every product (gross across tiers; ≥ 0)."""
        return float(np.maximum(self.base_out - self.out, 0.0).sum(axis=0) @ self.net.price)

    def net_output_change_value(self) -> float:
        """Σ_t Σ_p (output − baseline) x price: negative for a net loss, offset by catch-up output above baseline."""
        return float((self.out - self.base_out).sum(axis=0) @ self.net.price)

    # --- tables -------------------------------------------------------------------------------------------
    def product_frame(self) -> pd.DataFrame:
        """Per product with any change: output shortfall (≥ 0) and net output change (units and CNY), final demand
        lost, onset, peak reduction, recovery day. ``lost_output_value`` repeats ``output_shortfall_value`` under
        the name the CLI table reads."""
        net = self.net
        base = self.base_out
        ratio = np.divide(self.out, base, out=np.ones_like(self.out), where=base > 0)
        tol = self.meta["params"]["recovery_tolerance"]
        below = ratio < 1.0 - tol
        moved = (np.abs(self.out - base) > 1e-12 * (1.0 + base)).any(axis=0)
        hit = moved | below.any(axis=0) | (self.short.sum(axis=0) > 0)
        rows = []
        for p in np.flatnonzero(hit):
            b = np.flatnonzero(below[:, p])
            k = int(np.argmin(ratio[:, p]))
            lost = float(np.maximum(base[p] - self.out[:, p], 0.0).sum())
            change = float((self.out[:, p] - base[p]).sum())
            short = float(self.short[:, p].sum() - self.backlog_served[:, p].sum())
            rows.append({
                "product": str(net.product_ids[p]), "name_zh": str(net.product_name_zh[p]),
                "name_en": str(net.product_name_en[p]), "final": bool(net.final_mask[p]),
                "baseline_per_day": float(base[p] / self.step_days), "output_shortfall": lost,
                "output_shortfall_value": lost * float(net.price[p]), "lost_output_value": lost * float(net.price[p]),
                "net_output_change": change, "net_output_change_value": change * float(net.price[p]),
                "final_demand_lost": max(short, 0.0), "final_demand_lost_value": max(short, 0.0) * float(net.price[p]),
                "onset_day": int(self.days[b[0]]) if len(b) else None,
                "peak_reduction": float(max(0.0, 1.0 - ratio[k, p])), "peak_day": int(self.days[k]),
                "recovered_day": (int(self.days[b[-1]] + self.step_days) if len(b) and b[-1] < len(self.days) - 1
                                  else None),
            })
        cols = ["product", "name_zh", "name_en", "final", "baseline_per_day", "output_shortfall",
                "output_shortfall_value", "lost_output_value", "net_output_change", "net_output_change_value",
                "final_demand_lost", "final_demand_lost_value", "onset_day", "peak_reduction", "peak_day",
                "recovered_day"]
        df = pd.DataFrame(rows, columns=cols)
        return df.sort_values(["output_shortfall_value", "product"], ascending=[False, True], kind="stable").reset_index(
            drop=True)

    def province_frame(self) -> pd.DataFrame:
        from chainleader.analysis.compiled import province_label

        codes = self.net.province_codes
        lost = np.maximum(self.province_base - self.province_out, 0.0).sum(axis=0)
        ratio = np.divide(self.province_out, self.province_base, out=np.ones_like(self.province_out),
                          where=self.province_base > 0)
        df = pd.DataFrame({
            "province": [f"{int(c):06d}" for c in codes],
            "name_zh": [province_label(int(c)) for c in codes],
            "baseline_value_per_day": self.province_base / self.step_days,
            "output_shortfall_value": lost,
            "peak_reduction": np.maximum(0.0, 1.0 - ratio.min(axis=0)) if len(self.days) else 0.0,
        })
        return df.sort_values(["output_shortfall_value", "province"], ascending=[False, True], kind="stable").reset_index(
            drop=True)

    def enterprise_frame(self, top: int | None = None) -> pd.DataFrame:
        net = self.net
        val = self.site_lost * net.price[net.site_product]
        n = len(net.enterprise_ids)
        lost = np.bincount(net.site_enterprise, val, n)
        idx = np.flatnonzero(np.abs(lost) > 1e-9)
        df = pd.DataFrame({
            "enterprise": net.enterprise_ids[idx].astype(str), "name_zh": net.enterprise_name_zh[idx].astype(str),
            "chain_master": net.enterprise_chain_master[idx], "output_shortfall_value": lost[idx],
        })
        df = df.sort_values(["output_shortfall_value", "enterprise"], ascending=[False, True], kind="stable")
        return (df.head(top) if top else df).reset_index(drop=True)

    def binding_frame(self) -> pd.DataFrame:
        """Which inputs limited production (slot = an AND group), when, and the output they cost."""
        net = self.net
        rows = []
        for k in np.flatnonzero(self.bind_site_steps > 0):
            p = int(net.slot_product[k])
            ins = net.entry_input[net.slot_ptr[k]:net.slot_ptr[k + 1]]
            rows.append({
                "product": str(net.product_ids[p]), "name_zh": str(net.product_name_zh[p]),
                "limited_by": str(net.slot_group[k]), "inputs": ";".join(str(net.product_ids[i]) for i in ins),
                "inputs_zh": "、".join(str(net.product_name_zh[i]) for i in ins),
                "site_days": float(self.bind_site_steps[k] * self.step_days),
                "lost_output": float(self.bind_units[k]), "lost_output_value": float(self.bind_units[k] * net.price[p]),
                "first_day": int(self.days[self.bind_first[k]]), "last_day": int(self.days[self.bind_last[k]]),
            })
        for q in np.flatnonzero(self.cap_units > 1e-12):
            rows.append({
                "product": str(net.product_ids[q]), "name_zh": str(net.product_name_zh[q]), "limited_by": "capacity",
                "inputs": "", "inputs_zh": "产能", "site_days": float("nan"), "lost_output": float(self.cap_units[q]),
                "lost_output_value": float(self.cap_units[q] * net.price[q]), "first_day": None, "last_day": None,
            })
        cols = ["product", "name_zh", "limited_by", "inputs", "inputs_zh", "site_days", "lost_output",
                "lost_output_value", "first_day", "last_day"]
        df = pd.DataFrame(rows, columns=cols)
        return df.sort_values(["lost_output_value", "product", "limited_by"], ascending=[False, True, True],
                              kind="stable").reset_index(drop=True)

    def series_frame(self) -> pd.DataFrame:
        """Long table: day, level (chain / product / province / chain_master), id, name, baseline, value, ratio."""
        net = self.net
        parts = []
        chains = [(None, "all", "全部终端产品")] + [(c, c, net.chain_names[i][0]) for i, c in enumerate(net.chain_ids)]
        for chain, cid, name in chains:
            f = self._finals(chain)
            if not len(f):
                continue
            w = self._weights(f)
            base = float(self.base_out[f] @ w)
            parts.append(_long(self.days, "chain", [cid], [name], np.array([base]), (self.out[:, f] @ w)[:, None]))
        moved = np.flatnonzero((np.abs(self.out - self.base_out) > 1e-12 * (1 + self.base_out)).any(axis=0)
                               | net.final_mask)
        parts.append(_long(self.days, "product", net.product_ids[moved].astype(str).tolist(),
                           net.product_name_zh[moved].astype(str).tolist(), self.base_out[moved], self.out[:, moved]))
        parts.append(_long(self.days, "province", [f"{int(c):06d}" for c in net.province_codes],
                           _province_names(net.province_codes), self.province_base, self.province_out))
        if len(self.cm_ent):
            parts.append(_long(self.days, "chain_master", net.enterprise_ids[self.cm_ent].astype(str).tolist(),
                               net.enterprise_name_zh[self.cm_ent].astype(str).tolist(), self.cm_base, self.cm_out))
        return pd.concat(parts, ignore_index=True)

    def summary(self, chain: str | None = None) -> dict[str, Any]:
        peak, peak_day = self.peak_loss(chain)
        return {
            "scenario": self.scenario_id, "title_zh": self.title_zh, "title_en": self.title_en,
            "dataset": self.dataset, "with_backup_plan": self.with_plan, "chain": chain,
            "horizon_days": int(self.meta["horizon_days"]), "step_days": self.step_days,
            "lost_value": self.lost_value(chain), "lost_value_yi": self.lost_value(chain) / YI,
            "final_demand_lost_value": self.final_loss_value(chain), "penalty_value": self.penalty_value(chain),
            "output_shortfall_value": self.output_shortfall_value(),
            "net_output_change_value": self.net_output_change_value(),
            "time_to_recover_days": self.time_to_recover(chain),
            "peak_loss": peak, "peak_day": peak_day, "backup_sites": self.meta["backup_sites"],
            "shocked_sites": self.meta["shocked_sites"],
        }


def _province_names(codes: np.ndarray) -> list[str]:
    from chainleader.analysis.compiled import province_label

    return [province_label(int(c)) for c in codes]


def _long(days: np.ndarray, level: str, ids: list[str], names: list[str], base: np.ndarray,
          values: np.ndarray) -> pd.DataFrame:
    n, m = int(values.shape[0]), int(values.shape[1])
    ratio = np.divide(values, base, out=np.ones_like(values), where=base > 0)
    return pd.DataFrame({
        "day": np.repeat(days, m), "level": level, "id": np.tile(np.asarray(ids, dtype=object), n),
        "name": np.tile(np.asarray(names, dtype=object), n), "baseline": np.tile(base, n),
        "value": values.reshape(-1), "ratio": ratio.reshape(-1),
    })


def compare(results: Mapping[str, SimulationResult], chain: str | None = None) -> pd.DataFrame:
    """Side-by-side headline metrics of several runs (columns = the mapping's labels)."""
    rows = {
        "lost_value_yi": "损失（亿元，未满足终端需求+降准质量损失）/ lost value (100M CNY: unmet final demand + "
                         "reduced-standard penalty)",
        "time_to_recover_days": "恢复时间（天）/ time to recover (days)",
        "peak_loss": "最大减产 / peak loss",
        "peak_day": "最大减产日 / peak day",
        "output_shortfall_value": "各环节减产合计（元，不抵扣超产）/ output shortfall, all tiers (CNY, never netted)",
        "net_output_change_value": "产出净变化（元，含恢复后超产）/ net output change (CNY, incl. catch-up)",
        "backup_sites": "备份站点数 / backup sites",
    }
    data = {label: {k: r.summary(chain)[k] for k in rows} for label, r in results.items()}
    df = pd.DataFrame(data)
    df.insert(0, "metric", [rows[k] for k in df.index])
    return df.reset_index(names="key")
