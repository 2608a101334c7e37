"""Dataset-independent checks of a scenario: windows, ranges, conflicts, uncertain-parameter references.

情景的结构检查（不依赖数据集）：时间窗口（结束早于开始、超出模拟期）、取值范围、相互冲突的冲击、
不确定参数引用的冲击编号。编号是否存在于数据集由 ``shocks.resolve`` 检查。
"""

from __future__ import annotations

from collections.abc import Callable

from chainleader.analysis.simulation.errors import problem, suggest, suggestion_text
from chainleader.analysis.simulation.scenario import (
    UNCERTAIN_PARAMS,
    DemandShock,
    Disaster,
    Distribution,
    EnterpriseFailure,
    ExportControl,
    Logistics,
    Scenario,
    param_problems,
)
from chainleader.model.errors import Problem

MAX_HORIZON_DAYS = 3650
_Err = Callable[..., None]  # err(path, code, zh, en, fix_zh, fix_en, value, severity)


def check_scenario(s: Scenario) -> list[Problem]:
    """Every structural problem of ``s`` (errors and warnings), located by field path and line."""
    out: list[Problem] = []

    def err(path: str, code: str, zh: str, en: str, fzh: str = "", fen: str = "", value: object = None,
            severity: str = "error") -> None:
        out.append(problem(s.source, s.line_of(path), path, code, zh, en, fzh, fen, value, severity))

    if not isinstance(s.horizon_days, int) or not 1 <= s.horizon_days <= MAX_HORIZON_DAYS:
        err("horizon_days", "bad_horizon", f"模拟天数须为 1–{MAX_HORIZON_DAYS} 的整数",
            f"horizon_days must be an integer in 1..{MAX_HORIZON_DAYS}", "例如 horizon_days: 180",
            "e.g. horizon_days: 180", s.horizon_days)
    for msg in param_problems(s.params):
        zh, _, en = msg.partition(" / ")
        err("params", "bad_param", zh, en or zh, "改正 params 中的取值", "correct the value under params")

    seen: dict[str, int] = {}
    for i, sh in enumerate(s.shocks):
        base = f"shocks[{i}]"
        if sh.id in seen:
            err(f"{base}.id", "duplicate_shock_id", f"冲击编号 {sh.id!r} 与 shocks[{seen[sh.id]}] 重复",
                f"shock id {sh.id!r} repeats shocks[{seen[sh.id]}]", "给每个冲击一个唯一的 id",
                "give every shock a unique id", sh.id)
        seen.setdefault(sh.id, i)
        _check_window(s, i, err)
        _check_ranges(sh, base, err)
    _check_conflicts(s, err)
    _check_plan(s, err)
    _check_uncertain(s, err)
    return out


def _check_window(s: Scenario, i: int, err: _Err) -> None:
    sh = s.shocks[i]
    base = f"shocks[{i}]"
    if sh.start_day < 0:
        err(f"{base}.start_day", "negative_start", f"开始日 {sh.start_day} 为负", f"start_day {sh.start_day} is negative",
            "开始日从 0（模拟第一天）算起", "days count from 0 (the first simulated day)", sh.start_day)
    if sh.end_day < sh.start_day:
        err(f"{base}.end_day", "window_end_before_start",
            f"时间窗口不可能：结束日 {sh.end_day} 早于开始日 {sh.start_day}",
            f"impossible window: end_day {sh.end_day} is before start_day {sh.start_day}",
            "把 end_day 设为晚于 start_day，或改用 duration_days", "set end_day after start_day, or use duration_days",
            sh.end_day)
    elif sh.end_day == sh.start_day:
        err(f"{base}.end_day", "empty_window", f"时间窗口为空（开始日 = 结束日 = {sh.start_day}）",
            f"empty window (start_day = end_day = {sh.start_day})", "窗口为 [start_day, end_day)，end_day 至少为 start_day+1",
            "the window is [start_day, end_day); end_day must be at least start_day + 1", sh.end_day)
    if sh.start_day >= s.horizon_days:
        err(f"{base}.start_day", "window_beyond_horizon",
            f"开始日 {sh.start_day} 不在模拟期内（共 {s.horizon_days} 天）",
            f"start_day {sh.start_day} is beyond the horizon ({s.horizon_days} days)",
            "提前开始日，或加大 horizon_days", "start earlier, or increase horizon_days", sh.start_day)
    elif sh.end_day > s.horizon_days:
        err(f"{base}.end_day", "window_beyond_horizon",
            f"结束日 {sh.end_day} 超出模拟期（共 {s.horizon_days} 天）",
            f"end_day {sh.end_day} is beyond the horizon ({s.horizon_days} days)",
            f"把 horizon_days 加大到至少 {int(sh.end_day)}，或缩短窗口",
            f"increase horizon_days to at least {int(sh.end_day)}, or shorten the window", sh.end_day)


def _check_ranges(sh: object, base: str, err: _Err) -> None:
    def share(name: str, v: float, low_open: bool = True) -> None:
        if not (0.0 < v <= 1.0 if low_open else 0.0 <= v <= 1.0):
            err(f"{base}.{name}", "bad_share", f"{name} 须在 (0, 1] 之间（1 = 100%）",
                f"{name} must lie in (0, 1] (1 = 100 %)", "例如 0.6 表示 60%", "e.g. 0.6 means 60 %", v)

    if isinstance(sh, ExportControl):
        share("share", sh.share)
        _need(sh.by, f"{base}.by", "by", err)
        _need(sh.products, f"{base}.products", "products", err)
    elif isinstance(sh, Disaster | EnterpriseFailure):
        share("capacity_loss", sh.capacity_loss)
        if isinstance(sh, Disaster):
            _need(sh.regions, f"{base}.regions", "regions", err)
        else:
            _need(sh.enterprises, f"{base}.enterprises", "enterprises", err)
        days = sh.recovery.days
        if days != "ttr" and (not isinstance(days, int | float) or days < 0):
            err(f"{base}.recovery.days", "bad_recovery", "恢复天数须为非负数或 ttr", "recovery days must be >= 0 or 'ttr'",
                "例如 recovery: {curve: linear, days: 60}", "e.g. recovery: {curve: linear, days: 60}", days)
        if sh.recovery.curve not in ("linear", "exponential", "step"):
            err(f"{base}.recovery.curve", "bad_curve", "恢复曲线须为 linear / exponential / step",
                "recovery curve must be linear, exponential or step", "", "", sh.recovery.curve)
    elif isinstance(sh, Logistics):
        _need(sh.origins, f"{base}.origins", "origins", err)
        _need(sh.destinations, f"{base}.destinations", "destinations", err)
        share("share", sh.share)
        if sh.mode == "lead_time" and sh.added_days <= 0:
            err(f"{base}.added_days", "bad_lead_time", "lead_time 模式须给出正的 added_days",
                "lead_time mode needs a positive added_days", "例如 added_days: 10", "e.g. added_days: 10",
                sh.added_days)
        if sh.mode not in ("closure", "lead_time"):
            err(f"{base}.mode", "bad_mode", "物流中断 mode 须为 closure 或 lead_time",
                "logistics mode must be closure or lead_time", "", "", sh.mode)
    elif isinstance(sh, DemandShock) and (sh.change <= -1.0 or sh.change > 10.0):
        err(f"{base}.change", "bad_change", "需求变化须大于 -1（-100%）且不超过 10",
            "demand change must be > -1 (-100 %) and <= 10", "例如 -0.2 表示下降 20%", "e.g. -0.2 means -20 %",
            sh.change)


def _need(values: tuple[str, ...], path: str, name: str, err: _Err) -> None:
    if not values:
        err(path, "missing_field", f"缺少 {name}", f"{name} is missing", f"给出至少一个 {name}",
            f"give at least one {name}")


def _overlap(a: object, b: object) -> bool:
    return bool(a.start_day < b.end_day and b.start_day < a.end_day)  # type: ignore[attr-defined]


def _targets(sh: object) -> set[str] | None:
    if isinstance(sh, ExportControl):
        return {f"{c}>{p}" for c in sh.by for p in sh.products}
    if isinstance(sh, Disaster):
        return {f"{sh.cause}@{r}" for r in sh.regions}
    if isinstance(sh, EnterpriseFailure):
        return set(sh.enterprises)
    if isinstance(sh, Logistics):
        return {f"{o}>{d}" for o in sh.origins for d in sh.destinations}
    if isinstance(sh, DemandShock):
        return set(sh.products) if sh.products else {f"finals:{sh.chain or '*'}"}
    return None


def _check_conflicts(s: Scenario, err: _Err) -> None:
    for j, b in enumerate(s.shocks):
        for i in range(j):
            a = s.shocks[i]
            if type(a) is not type(b) or not _overlap(a, b):
                continue
            ta, tb = _targets(a), _targets(b)
            common = sorted((ta or set()) & (tb or set()))
            if isinstance(a, DemandShock) and isinstance(b, DemandShock) and not common:
                pa, pb = set(a.products), set(b.products)
                if not pa or not pb:  # a default (all finals) overlaps any explicit list
                    common = sorted(pa | pb) or ["finals"]
            if not common:
                continue
            what = ", ".join(common[:3])
            err(f"shocks[{j}]", "conflicting_shocks",
                f"与 shocks[{i}]（{a.id}）冲突：同类冲击在重叠的时间窗口内作用于同一对象（{what}）",
                f"conflicts with shocks[{i}] ({a.id}): same kind of shock on the same target ({what}) in "
                "overlapping windows", "合并为一个冲击，或让时间窗口不重叠",
                "merge them into one shock, or make the windows disjoint", b.id)


def _check_plan(s: Scenario, err: _Err) -> None:
    p = s.backup_plan
    if p is None:
        return
    if p.mode not in ("auto", "listed"):
        err("backup_plan.mode", "bad_plan_mode", "备份方案 mode 须为 auto 或 listed", "backup_plan mode must be auto or listed",
            "", "", p.mode)
    if p.mode == "listed" and not (p.enterprises or p.sites):
        err("backup_plan", "empty_plan", "listed 备份方案须列出 enterprises 或 sites",
            "a listed backup plan needs enterprises or sites", "列出备份企业编号，或改用 mode: auto",
            "list backup enterprise ids, or use mode: auto")
    if p.top_n < 1:
        err("backup_plan.top_n", "bad_top_n", "top_n 须 >= 1", "top_n must be >= 1", "", "", p.top_n)
    if not 0 <= p.activate_day < s.horizon_days:
        err("backup_plan.activate_day", "window_beyond_horizon", "启用日须在模拟期内",
            "activate_day must lie within the horizon", "", "", p.activate_day)
    for k, site in enumerate(p.sites):
        if site.count(":") != 1:
            err(f"backup_plan.sites[{k}]", "bad_site", f"备份站点 {site!r} 须写成 企业编号:产品编号",
                f"backup site {site!r} must be written ENTERPRISE:PRODUCT", "例如 E0031:P_COBALT",
                "e.g. E0031:P_COBALT", site)


def _check_uncertain(s: Scenario, err: _Err) -> None:
    ids = [sh.id for sh in s.shocks]
    for k, u in enumerate(s.uncertain):
        base = f"uncertain[{k}]"
        mine = set(u.shocks)
        for j in range(k):
            other = s.uncertain[j]
            if other.param == u.param and (not mine or not other.shocks or mine & set(other.shocks)):
                err(base, "conflicting_uncertain", f"与 uncertain[{j}] 冲突：参数 {u.param} 对同一冲击声明了两次",
                    f"conflicts with uncertain[{j}]: {u.param} is declared twice for the same shock",
                    "合并为一个分布", "merge them into one distribution", u.param)
                break
        if u.param not in UNCERTAIN_PARAMS:
            hits = suggest(str(u.param), UNCERTAIN_PARAMS)
            szh, sen = suggestion_text(hits)
            err(f"{base}.param", "bad_uncertain_param", f"未知的不确定参数 {u.param!r}{szh}",
                f"unknown uncertain parameter {u.param!r}{sen}", f"可用：{', '.join(UNCERTAIN_PARAMS)}",
                f"accepted: {', '.join(UNCERTAIN_PARAMS)}", u.param)
        for m, sid in enumerate(u.shocks):
            if sid not in ids:
                szh, sen = suggestion_text(suggest(sid, ids))
                err(f"{base}.shocks[{m}]", "unknown_shock", f"不确定参数引用了不存在的冲击 {sid!r}{szh}",
                    f"uncertain parameter refers to unknown shock {sid!r}{sen}", "使用 shocks 中的 id",
                    "use an id from shocks", sid)
        if u.param in ("inventory_days", "ramp_up_days") and u.shocks:
            err(f"{base}.shocks", "global_param", f"{u.param} 作用于整个数据集，不能指定冲击",
                f"{u.param} applies to the whole dataset; remove shocks", "删除 shocks", "remove shocks")
        for msg_zh, msg_en in dist_problems(u.dist, as_value=u.as_value and u.param == "capacity_loss"):
            err(f"{base}.dist", "bad_distribution", msg_zh, msg_en, "改正分布参数", "correct the distribution", u.dist.kind)


def dist_problems(d: Distribution, as_value: bool = False) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def need(*names: str) -> bool:
        missing = [n for n in names if getattr(d, n) is None]
        if missing:
            out.append((f"{d.kind} 分布缺少参数 {', '.join(missing)}", f"{d.kind} distribution needs {', '.join(missing)}"))
        return not missing

    if d.kind == "uniform" and need("low", "high") and not d.low < d.high:  # type: ignore[operator]
        out.append(("uniform 须 low < high", "uniform needs low < high"))
    elif d.kind == "triangular" and need("low", "mode", "high") and not (
        d.low <= d.mode <= d.high and d.low < d.high  # type: ignore[operator]
    ):
        out.append(("triangular 须 low <= mode <= high 且 low < high", "triangular needs low <= mode <= high, low < high"))
    elif d.kind == "normal" and need("mean", "sd") and d.sd <= 0:  # type: ignore[operator]
        out.append(("normal 须 sd > 0", "normal needs sd > 0"))
    elif d.kind == "lognormal" and need("median", "sigma") and (d.median <= 0 or d.sigma <= 0):  # type: ignore[operator]
        out.append(("lognormal 须 median > 0 且 sigma > 0", "lognormal needs median > 0 and sigma > 0"))
    elif d.kind == "choice":
        if not d.values:
            out.append(("choice 须给出 values", "choice needs values"))
        elif d.weights and (len(d.weights) != len(d.values) or min(d.weights) < 0 or sum(d.weights) <= 0):
            out.append(("choice 的 weights 须与 values 等长且非负", "choice weights must match values and be >= 0"))
    elif d.kind not in ("uniform", "triangular", "normal", "lognormal", "choice"):
        out.append((f"未知分布 {d.kind!r}", f"unknown distribution {d.kind!r}"))
    lows = [v for v in (d.low, d.mode, d.mean, d.median, *d.values) if v is not None]
    if lows and min(lows) < 0:
        out.append(("不确定参数的取值不能为负", "uncertain parameter values cannot be negative"))
    if as_value and [v for v in (d.high, *d.values) if v is not None and v > 1]:
        out.append(("capacity_loss 取值须在 [0, 1]", "capacity_loss values must lie in [0, 1]"))
    return out


