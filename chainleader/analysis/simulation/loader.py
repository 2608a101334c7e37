"""Read a scenario from YAML or JSON text, with every problem located by file, line and field path.

从 YAML/JSON 文本读取情景；所有问题（文件、行号、字段路径、原因、修正方法）一次性报告。
The format is documented in ``docs``-style in ``chainleader/datasets/scenarios/README.md``; the same
keys as the dataclasses of ``scenario``. Shock ``type`` also accepts Chinese names (出口管制, 灾害, 疫情,
企业停产, 物流中断, 需求变化).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import yaml

from chainleader.analysis.simulation.checks import check_scenario
from chainleader.analysis.simulation.errors import problem, raise_if, suggest, suggestion_text
from chainleader.analysis.simulation.scenario import (
    NO_RECOVERY_TIME,
    BackupPlan,
    DemandShock,
    Disaster,
    Distribution,
    EnterpriseFailure,
    ExportControl,
    Logistics,
    Recovery,
    Scenario,
    SimParams,
    Uncertain,
)
from chainleader.model.errors import Problem

TYPE_ALIASES: dict[str, str] = {
    "export_control": "export_control", "sanction": "export_control", "出口管制": "export_control",
    "制裁": "export_control", "断供": "export_control",
    "disaster": "disaster", "epidemic": "disaster", "灾害": "disaster", "自然灾害": "disaster",
    "地震": "disaster", "疫情": "disaster",
    "enterprise_failure": "enterprise_failure", "fire": "enterprise_failure", "bankruptcy": "enterprise_failure",
    "企业停产": "enterprise_failure", "火灾": "enterprise_failure", "破产": "enterprise_failure",
    "logistics": "logistics", "物流中断": "logistics", "物流": "logistics",
    "demand": "demand", "需求变化": "demand", "需求": "demand",
}
CAUSES = {"epidemic": "epidemic", "疫情": "epidemic", "地震": "earthquake", "fire": "fire", "火灾": "fire",
          "bankruptcy": "bankruptcy", "破产": "bankruptcy", "sanction": "sanction", "制裁": "sanction"}
ROOT_KEYS = ("id", "name_zh", "name_en", "description_zh", "description_en", "dataset", "horizon_days", "params",
             "shocks", "backup_plan", "uncertain")
COMMON = ("id", "type", "name_zh", "name_en", "start_day", "end_day", "duration_days", "note")
SHOCK_KEYS: dict[str, tuple[str, ...]] = {
    "export_control": (*COMMON, "by", "products", "share"),
    "disaster": (*COMMON, "regions", "capacity_loss", "recovery", "products", "cause"),
    "enterprise_failure": (*COMMON, "enterprises", "capacity_loss", "recovery", "products", "cause"),
    "logistics": (*COMMON, "origins", "destinations", "mode", "share", "added_days", "both_directions"),
    "demand": (*COMMON, "change", "products", "chain"),
}
PLAN_KEYS = ("mode", "enterprises", "sites", "products", "top_n", "activate_day", "allow_reduced", "name_zh",
             "name_en")
DIST_KEYS = ("type", "low", "high", "mode", "mean", "sd", "median", "sigma", "values", "weights")


def parse_scenario(text: str, *, source: str = "<string>", default_id: str = "scenario") -> Scenario:
    """Parse and check a scenario (YAML or JSON). Raises ``ScenarioError`` listing every problem."""
    data, lines, problems = _load(text, source)
    raise_if(problems, source)
    r = _Reader(source, dict(lines))
    scenario = r.scenario(data, default_id)
    seen = {(p.column, p.code) for p in r.problems}
    problems = r.problems + [p for p in check_scenario(scenario) if (p.column, p.code) not in seen]
    raise_if(problems, source)
    return scenario


def _load(text: str, source: str) -> tuple[Any, list[tuple[str, int]], list[Problem]]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        if text.lstrip().startswith("{"):
            try:
                json.loads(text)
            except json.JSONDecodeError as jexc:
                line = jexc.lineno
        return None, [], [problem(source, line, "", "syntax", f"无法解析 YAML/JSON：{exc}",
                                  f"cannot parse YAML/JSON: {exc}", "检查缩进、冒号与括号",
                                  "check indentation, colons and brackets")]
    lines: list[tuple[str, int]] = []
    if node is not None:
        _walk(node, "", lines)
    return data, lines, []


def _walk(node: yaml.Node, path: str, out: list[tuple[str, int]]) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = str(k.value)
            p = f"{path}.{key}" if path else key
            out.append((p, k.start_mark.line + 1))
            _walk(v, p, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            p = f"{path}[{i}]"
            out.append((p, item.start_mark.line + 1))
            _walk(item, p, out)


class _Reader:
    """Converts the parsed tree into dataclasses, collecting type problems instead of stopping."""

    def __init__(self, source: str, lines: dict[str, int]) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: str) -> int | None:
        p = path
        while p:
            if p in self.lines:
                return self.lines[p]
            cut = max(p.rfind("."), p.rfind("["))
            p = p[:cut] if cut > 0 else ""
        return None

    def err(self, path: str, code: str, zh: str, en: str, fzh: str = "", fen: str = "", value: object = None) -> None:
        self.problems.append(problem(self.source, self.line(path), path, code, zh, en, fzh, fen, value))

    # --- typed getters ----------------------------------------------------------------------------------
    def keys(self, d: dict[str, Any], allowed: tuple[str, ...], path: str) -> None:
        for k in d:
            if k not in allowed:
                szh, sen = suggestion_text(suggest(str(k), allowed))
                p = f"{path}.{k}" if path else str(k)
                self.err(p, "unknown_field", f"未知字段 {k!r}{szh}", f"unknown field {k!r}{sen}",
                         f"可用字段：{', '.join(allowed)}", f"accepted fields: {', '.join(allowed)}", k)

    def num(self, d: dict[str, Any], key: str, path: str, default: float | None = None) -> float | None:
        v = d.get(key, default)
        if v is None or (isinstance(v, int | float) and not isinstance(v, bool)):
            return None if v is None else float(v)
        self.err(f"{path}.{key}", "not_a_number", f"{key} 须为数字", f"{key} must be a number", "", "", v)
        return default

    def text(self, d: dict[str, Any], key: str, path: str, default: str = "") -> str:
        v = d.get(key, default)
        if v is None:
            return default
        if isinstance(v, str | int | float) and not isinstance(v, bool):
            return str(v)
        self.err(f"{path}.{key}", "not_text", f"{key} 须为文本", f"{key} must be text", "", "", v)
        return default

    def ids(self, d: dict[str, Any], key: str, path: str) -> tuple[str, ...]:
        v = d.get(key)
        if v is None:
            return ()
        items = v if isinstance(v, list) else [v]
        out = []
        for i, item in enumerate(items):
            if isinstance(item, str | int) and not isinstance(item, bool):
                out.append(str(item).strip())
            else:
                self.err(f"{path}.{key}[{i}]", "not_an_id", f"{key} 的元素须为编号文本", f"{key} items must be ids", "", "", item)
        return tuple(out)

    def mapping(self, v: Any, path: str, what: str) -> dict[str, Any] | None:
        if isinstance(v, dict):
            return {str(k): x for k, x in v.items()}
        self.err(path, "not_a_mapping", f"{what} 须为键值映射", f"{what} must be a mapping", "", "", type(v).__name__)
        return None

    # --- sections ---------------------------------------------------------------------------------------
    def scenario(self, data: Any, default_id: str) -> Scenario:
        root = self.mapping(data, "", "情景文件顶层 / the scenario file") or {}
        self.keys(root, ROOT_KEYS, "")
        horizon = root.get("horizon_days")
        if horizon is None:
            self.err("horizon_days", "missing_field", "缺少 horizon_days（模拟天数）", "horizon_days is missing",
                     "例如 horizon_days: 180", "e.g. horizon_days: 180")
            horizon = 180
        elif not isinstance(horizon, int) or isinstance(horizon, bool):
            self.err("horizon_days", "not_an_integer", "horizon_days 须为整数", "horizon_days must be an integer",
                     "", "", horizon)
            horizon = 180
        shocks_raw = root.get("shocks") or []
        if not isinstance(shocks_raw, list):
            self.err("shocks", "not_a_list", "shocks 须为列表", "shocks must be a list")
            shocks_raw = []
        shocks = [s for i, raw in enumerate(shocks_raw) if (s := self.shock(raw, i)) is not None]
        plan = self.plan(root["backup_plan"]) if root.get("backup_plan") is not None else None
        unc_raw = root.get("uncertain") or []
        if not isinstance(unc_raw, list):
            self.err("uncertain", "not_a_list", "uncertain 须为列表", "uncertain must be a list")
            unc_raw = []
        uncertain = [u for k, raw in enumerate(unc_raw) if (u := self.uncertain(raw, k)) is not None]
        return Scenario(
            id=self.text(root, "id", "", default_id) or default_id,
            horizon_days=int(horizon),
            shocks=tuple(shocks),  # type: ignore[arg-type]
            name_zh=self.text(root, "name_zh", ""),
            name_en=self.text(root, "name_en", ""),
            description_zh=self.text(root, "description_zh", ""),
            description_en=self.text(root, "description_en", ""),
            dataset=self.text(root, "dataset", "") or None,
            backup_plan=plan,
            uncertain=tuple(uncertain),
            params=self.params(root.get("params")),
            source=self.source,
            lines=tuple(sorted(self.lines.items())),
        )

    def params(self, raw: Any) -> SimParams:
        if raw is None:
            return SimParams()
        d = self.mapping(raw, "params", "params") or {}
        names = tuple(SimParams.__dataclass_fields__)
        self.keys(d, names, "params")
        kwargs = {k: v for k, v in d.items() if k in names}
        try:
            return SimParams(**kwargs)
        except Exception as exc:  # ConfigError with a bilingual message
            self.err("params", "bad_param", str(exc), str(exc), "改正 params 中的取值", "correct the value under params")
            return SimParams()

    def shock(self, raw: Any, i: int) -> object | None:
        path = f"shocks[{i}]"
        d = self.mapping(raw, path, f"shocks[{i}]")
        if d is None:
            return None
        t_raw = str(d.get("type", "")).strip()
        kind = TYPE_ALIASES.get(t_raw.lower(), TYPE_ALIASES.get(t_raw))
        if kind is None:
            szh, sen = suggestion_text(suggest(t_raw, sorted(set(TYPE_ALIASES.values()))))
            self.err(f"{path}.type", "unknown_shock_type", f"未知的冲击类型 {t_raw!r}{szh}",
                     f"unknown shock type {t_raw!r}{sen}",
                     "可用：export_control, disaster, enterprise_failure, logistics, demand",
                     "accepted: export_control, disaster, enterprise_failure, logistics, demand", t_raw)
            return None
        self.keys(d, SHOCK_KEYS[kind], path)
        sid = self.text(d, "id", path, f"{kind}_{i + 1}") or f"{kind}_{i + 1}"
        start = self.num(d, "start_day", path, 0.0) or 0.0
        end = self.num(d, "end_day", path)
        dur = self.num(d, "duration_days", path)
        if end is None and dur is None:
            self.err(path, "missing_window", "缺少 end_day 或 duration_days", "end_day or duration_days is missing",
                     "给出 end_day（不含）或 duration_days", "give end_day (exclusive) or duration_days")
            end = start + 1.0
        elif end is not None and dur is not None and abs(end - start - dur) > 1e-9:
            self.err(f"{path}.duration_days", "window_mismatch", "end_day 与 duration_days 不一致",
                     "end_day and duration_days disagree", "只保留其中一个", "keep only one of them", dur)
        end_day = end if end is not None else start + float(dur or 0.0)
        common: dict[str, Any] = {"id": sid, "start_day": start, "end_day": end_day}
        cause = CAUSES.get(t_raw.lower(), CAUSES.get(t_raw, ""))
        if kind == "export_control":
            return ExportControl(**common, by=self.ids(d, "by", path), products=self.ids(d, "products", path),
                                 share=self.num(d, "share", path, 1.0) or 0.0)
        if kind == "disaster":
            return Disaster(**common, regions=self.ids(d, "regions", path),
                            capacity_loss=self.num(d, "capacity_loss", path, 1.0) or 0.0,
                            recovery=self.recovery(d.get("recovery"), f"{path}.recovery", Recovery()),
                            products=self.ids(d, "products", path),
                            cause=self.text(d, "cause", path, cause or "disaster"))
        if kind == "enterprise_failure":
            return EnterpriseFailure(**common, enterprises=self.ids(d, "enterprises", path),
                                     capacity_loss=self.num(d, "capacity_loss", path, 1.0) or 0.0,
                                     recovery=self.recovery(d.get("recovery"), f"{path}.recovery", NO_RECOVERY_TIME),
                                     products=self.ids(d, "products", path),
                                     cause=self.text(d, "cause", path, cause or "failure"))
        if kind == "logistics":
            both = d.get("both_directions", True)
            if not isinstance(both, bool):
                self.err(f"{path}.both_directions", "not_a_bool", "both_directions 须为 true/false",
                         "both_directions must be true or false", "", "", both)
                both = True
            return Logistics(**common, origins=self.ids(d, "origins", path),
                             destinations=self.ids(d, "destinations", path),
                             mode=self.text(d, "mode", path, "closure"),  # type: ignore[arg-type]
                             share=self.num(d, "share", path, 1.0) or 0.0,
                             added_days=self.num(d, "added_days", path, 0.0) or 0.0, both_directions=both)
        chain = self.text(d, "chain", path, "") or None
        return DemandShock(**common, change=self.num(d, "change", path, 0.0) or 0.0,
                           products=self.ids(d, "products", path), chain=chain)

    def recovery(self, raw: Any, path: str, default: Recovery) -> Recovery:
        if raw is None:
            return default
        d = self.mapping(raw, path, "recovery")
        if d is None:
            return default
        self.keys(d, ("curve", "days"), path)
        days_raw = d.get("days", "ttr")
        days: float | str
        if isinstance(days_raw, str) and days_raw.strip().lower() == "ttr":
            days = "ttr"
        else:
            days = self.num(d, "days", path, 0.0) or 0.0
        return Recovery(self.text(d, "curve", path, "linear"), days)  # type: ignore[arg-type]

    def plan(self, raw: Any) -> BackupPlan | None:
        if isinstance(raw, str):
            raw = {"mode": raw}
        d = self.mapping(raw, "backup_plan", "backup_plan")
        if d is None:
            return None
        self.keys(d, PLAN_KEYS, "backup_plan")
        top_n = d.get("top_n", 3)
        if not isinstance(top_n, int) or isinstance(top_n, bool):
            self.err("backup_plan.top_n", "not_an_integer", "top_n 须为整数", "top_n must be an integer", "", "", top_n)
            top_n = 3
        return BackupPlan(
            mode=self.text(d, "mode", "backup_plan", "auto"),  # type: ignore[arg-type]
            enterprises=self.ids(d, "enterprises", "backup_plan"),
            sites=self.ids(d, "sites", "backup_plan"),
            products=self.ids(d, "products", "backup_plan"),
            top_n=top_n,
            activate_day=self.num(d, "activate_day", "backup_plan", 0.0) or 0.0,
            allow_reduced=bool(d.get("allow_reduced", False)),
            name_zh=self.text(d, "name_zh", "backup_plan", "备份方案"),
            name_en=self.text(d, "name_en", "backup_plan", "backup plan"),
        )

    def uncertain(self, raw: Any, k: int) -> Uncertain | None:
        path = f"uncertain[{k}]"
        d = self.mapping(raw, path, path)
        if d is None:
            return None
        self.keys(d, ("param", "dist", "shocks", "as"), path)
        dd = self.mapping(d.get("dist"), f"{path}.dist", "dist") or {"type": "uniform", "low": 1.0, "high": 1.0}
        self.keys(dd, DIST_KEYS, f"{path}.dist")
        dpath = f"{path}.dist"
        get: Callable[[str], float | None] = lambda key: self.num(dd, key, dpath)  # noqa: E731
        vals = tuple(float(v) for v in dd.get("values") or () if isinstance(v, int | float))
        wts = tuple(float(v) for v in dd.get("weights") or () if isinstance(v, int | float))
        dist = Distribution(self.text(dd, "type", dpath, "uniform"), get("low"), get("high"),  # type: ignore[arg-type]
                            get("mode"), get("mean"), get("sd"), get("median"), get("sigma"), vals, wts)
        as_ = self.text(d, "as", path, "factor")
        if as_ not in ("factor", "value"):
            self.err(f"{path}.as", "bad_as", "as 须为 factor（乘数）或 value（取值）", "as must be factor or value",
                     "", "", as_)
        return Uncertain(self.text(d, "param", path, ""), dist, self.ids(d, "shocks", path),  # type: ignore[arg-type]
                         as_value=as_ == "value")
