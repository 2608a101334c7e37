"""The vectorised ARIO step loop (equations and timing: see ``ario.py`` and METHODS.md §5).

Internally industries are sorted by product (sector) so per-product sums are one
``np.add.reduceat``; the state is kept as deviations from the baseline (``dO = O − Z``,
``dS = S − S̄``) so an unshocked run stays exactly at the baseline.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from chainleader.analysis.io_model.ario_params import ARIOParams
from chainleader.analysis.io_model.ario_result import ARIOResult
from chainleader.analysis.io_model.errors import ARIOParameterError, bilingual
from chainleader.analysis.io_model.table import FloatArray, IOTable


def check_sector_names(table: IOTable, names: Mapping[str, object] | list[str], what: str) -> None:
    unknown = sorted(set(names) - set(table.sectors))
    if unknown:
        raise ARIOParameterError(
            bilingual(
                f"{what} 中的部门 {unknown} 不在表中；可用：{list(table.sectors)[:8]}...",
                f"{what} names sectors {unknown} that are not in the table",
            )
        )


def _inventory_steps(table: IOTable, p: ARIOParams, products: tuple[str, ...]) -> FloatArray:
    inv = dict(p.inventory_dict or {})
    inf_list = list(p.infinite_inventories_sect or [])
    check_sector_names(table, inv, "inventory_dict")
    check_sector_names(table, inf_list, "infinite_inventories_sect")
    days = np.array([math.inf if s in inf_list else inv.get(s, p.main_inv_dur) for s in products])
    return days / p.temporal_units_by_step


def _restoration_steps(table: IOTable, p: ARIOParams, products: tuple[str, ...]) -> FloatArray:
    tau = p.inventory_restoration_tau
    if isinstance(tau, Mapping):
        check_sector_names(table, tau, "inventory_restoration_tau")
        return np.array([tau.get(s, 60.0) for s in products], dtype=np.float64) / p.temporal_units_by_step
    return np.full(len(products), float(tau) / p.temporal_units_by_step)


class ARIOEngine:
    def __init__(self, table: IOTable, params: ARIOParams, n_steps: int) -> None:
        self.table, self.p, self.T = table, params, n_steps
        n = table.n
        products = table.sectors
        pidx = {s: k for k, s in enumerate(products)}
        prod_of = np.array([pidx[s] for _, s in table.industries])
        self.perm = np.argsort(prod_of, kind="stable")
        self.inv_perm = np.empty(n, dtype=np.intp)
        self.inv_perm[self.perm] = np.arange(n)
        self.prod = prod_of[self.perm]
        self.starts = np.flatnonzero(np.r_[True, self.prod[1:] != self.prod[:-1]])
        self.products = products
        scale = params.temporal_units_by_step / params.iotable_year_to_temporal_unit_factor
        P = self.perm
        self.Zd = np.ascontiguousarray(table.Z[np.ix_(P, P)] * scale)
        self.FD = table.f[P] * scale
        self.xbar = table.x[P] * scale
        self.Zrow = self.Zd.sum(axis=1)
        self.Zp = np.add.reduceat(self.Zd, self.starts, axis=0)  # (m, n) baseline input of product p by i
        denom = self.Zp[self.prod, :]
        self.share = np.divide(self.Zd, denom, out=np.zeros_like(self.Zd), where=denom > 0)
        self.a = np.divide(
            self.Zp, self.xbar[None, :], out=np.zeros_like(self.Zp), where=self.xbar[None, :] > 0
        )
        n_p = _inventory_steps(table, params, products)
        self.fin = np.flatnonzero(np.isfinite(n_p))
        self.n_p = n_p[self.fin]
        self.tau_inv = _restoration_steps(table, params, products)[self.fin]
        self.psi_eff = np.maximum(params.psi_param, 1.0 / self.n_p)
        self.a_f = self.a[self.fin]
        self.Sbar = self.n_p[:, None] * self.Zp[self.fin]
        self.used = self.Sbar > 0
        self.inv_Sbar = np.divide(1.0, self.Sbar, out=np.zeros_like(self.Sbar), where=self.used)
        self.delta: FloatArray | None = None
        self.damage0: FloatArray | None = None

    def set_capacity_loss(self, delta: FloatArray) -> None:
        self.delta = np.ascontiguousarray(delta[:, self.perm])

    def set_damage(self, damage: FloatArray, K: FloatArray, W: FloatArray, event_step: int) -> None:
        P = self.perm
        self.damage0, self.K = damage[P], K[P]
        self.inv_K = np.divide(1.0, self.K, out=np.zeros_like(self.K), where=self.K > 0)
        Wp = W[np.ix_(P, P)]
        self.rb_rows = np.flatnonzero(Wp.any(axis=1))
        self.W = np.ascontiguousarray(Wp[self.rb_rows])
        self.event_step = event_step
        self.tau_rb = self.p.rebuild_tau / self.p.temporal_units_by_step

    def run(self, record_stocks: bool) -> ARIOResult:
        p, T, n = self.p, self.T, self.table.n
        xbar, FD, Zd, share, prod = self.xbar, self.FD, self.Zd, self.share, self.prod
        m_f = self.fin.size
        alpha = np.full(n, p.alpha_base)
        dS = np.zeros((m_f, n))
        dO = np.zeros((n, n))
        buf = np.empty((n, n))
        dOsum = np.zeros(n)
        xi = np.zeros(n)
        R = np.zeros(n)
        rec = {k: np.zeros((T, n)) for k in ("x", "x_cap", "demand", "unmet", "rebuild", "damage", "alpha")}
        limiting = np.full((T, n), -1, dtype=np.int64)
        stocks = np.zeros((T, m_f, n)) if record_stocks else None
        tau_a = p.alpha_tau / p.temporal_units_by_step
        for t in range(T):
            # 1 capacity (and 8: damage-driven Δ)
            if self.damage0 is not None and t == self.event_step:
                xi = self.damage0.copy()
            rec["damage"][t] = xi
            rec["alpha"][t] = alpha
            if self.delta is not None:
                x_cap = alpha * (1.0 - self.delta[t]) * xbar
            elif self.damage0 is not None:
                x_cap = alpha * (1.0 - xi * self.inv_K) * xbar
            else:
                x_cap = alpha * xbar
            # 2 demand
            R[:] = 0.0
            if self.damage0 is not None and xi.any():
                need = xi / self.tau_rb
                R[self.rb_rows] = self.W @ need
            D = xbar + dOsum + R
            x_opt = np.minimum(D, x_cap)
            # 3 inputs
            x = x_opt
            if m_f:
                ratio = np.where(self.used, 1.0 + dS * self.inv_Sbar, np.inf) / self.psi_eff[:, None]
                arg = np.argmin(ratio, axis=0)
                stock_cap = xbar * ratio[arg, np.arange(n)]
                bound = stock_cap < x_opt
                if bound.any():
                    x = np.where(bound, stock_cap, x_opt)
                    limiting[t] = np.where(bound, self.fin[arg], -1)
            # 4 rationing
            Dint = self.Zrow + dOsum
            Dfin = FD + R
            rho_int, rho_fin = self._rationing(x, D, Dint, Dfin)
            # 5 stocks
            dx = x - xbar
            rationed = not np.all(rho_int == 1.0)
            dDel = Zd * (rho_int - 1.0)[:, None] + dO * rho_int[:, None] if rationed else dO
            if m_f:
                dRec = np.add.reduceat(dDel, self.starts, axis=0)[self.fin]
                dS += dRec - self.a_f * dx[None, :]
                np.maximum(dS, -self.Sbar, out=dS)
                gap = self.n_p[:, None] * self.a_f * (x_opt - xbar)[None, :] - dS
                restore = np.maximum(gap, 0.0) / self.tau_inv[:, None]
            # 6 orders
            d_order = self.a * dx[None, :]
            if m_f:
                d_order[self.fin] += restore
            np.take(d_order, prod, axis=0, out=buf)
            dO = share * buf
            if p.order_type == "capacity":
                dO += self._capacity_adjustment(x_cap, d_order, buf)
            dOsum = dO.sum(axis=1)
            # 8 rebuilding deliveries reduce damage
            if self.damage0 is not None and xi.any():
                frac = self.W.T @ rho_fin[self.rb_rows]
                xi = np.maximum(xi - (xi / self.tau_rb) * frac, 0.0)
            # 7 overproduction
            zeta = np.divide(D - x, D, out=np.zeros(n), where=D > 0)
            alpha = np.where(
                zeta > 0, alpha + (p.alpha_max - alpha) * zeta / tau_a, alpha + (p.alpha_base - alpha) / tau_a
            )
            for key, val in (
                ("x", x),
                ("x_cap", x_cap),
                ("demand", D),
                ("unmet", FD * (1.0 - rho_fin)),
                ("rebuild", R),
            ):
                rec[key][t] = val
            if stocks is not None:
                stocks[t] = self.Sbar + dS
        ip = self.inv_perm
        return ARIOResult(
            industries=self.table.industries,
            products=self.products,
            stock_products=tuple(self.products[k] for k in self.fin),
            x_bar=xbar[ip],
            x=rec["x"][:, ip],
            x_cap=rec["x_cap"][:, ip],
            demand=rec["demand"][:, ip],
            unmet_final_demand=rec["unmet"][:, ip],
            rebuild_demand=rec["rebuild"][:, ip],
            damage=rec["damage"][:, ip],
            alpha=rec["alpha"][:, ip],
            limiting_input=limiting[:, ip],
            stocks=None if stocks is None else stocks[:, :, ip],
            recovery_tolerance=p.recovery_tolerance,
            metadata={
                "params": p.as_dict(),
                "n_steps": T,
                "model": "ARIO (Hallegatte 2008, 2014; METHODS §5)",
                "timing": "x(t) uses stocks at the start of step t; deliveries of step t are usable from t+1; "
                "orders of step t are demand in step t+1; flows are per step",
            },
        )

    def _rationing(
        self, x: FloatArray, D: FloatArray, Dint: FloatArray, Dfin: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        n = x.size
        short = x < D
        if not short.any():
            one = np.ones(n)
            return one, one
        mode = self.p.rationing
        if mode == "proportional":
            rho = np.where(short, np.divide(x, D, out=np.ones(n), where=D > 0), 1.0)
            return rho, rho
        first, second = (Dint, Dfin) if mode == "intermediate_first" else (Dfin, Dint)
        r1 = np.where(x < first, np.divide(x, first, out=np.ones(n), where=first > 0), 1.0)
        rest = np.maximum(x - first, 0.0)
        r2 = np.where(rest < second, np.divide(rest, second, out=np.ones(n), where=second > 0), 1.0)
        return (r1, r2) if mode == "intermediate_first" else (r2, r1)

    def _capacity_adjustment(self, x_cap: FloatArray, d_order: FloatArray, buf: FloatArray) -> FloatArray:
        """(w − share)·order where w = share·c_k / Σ_{k∈p} share·c, c = x^cap/x̄ (Guan et al. 2020)."""
        dev = np.divide(x_cap, self.xbar, out=np.ones_like(x_cap), where=self.xbar > 0) - 1.0
        if not dev.any():
            return np.zeros_like(buf)
        s_dev = np.add.reduceat(self.share * dev[:, None], self.starts, axis=0)  # Σ share (c − 1), (m, n)
        shat = 1.0 + s_dev[self.prod, :]
        w_minus_share = self.share * (dev[:, None] - s_dev[self.prod, :]) / np.where(shat > 0, shat, 1.0)
        return np.asarray(w_minus_share * (self.Zp + d_order)[self.prod, :])
